-- AlterTable
ALTER TABLE "CalibrationThread" ADD COLUMN     "revealedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "CalibrationVote" ADD COLUMN     "original" TEXT;

