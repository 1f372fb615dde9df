-- AlterTable
ALTER TABLE "CalibrationThread" ADD COLUMN "revealedAt" DATETIME;

-- AlterTable
ALTER TABLE "CalibrationVote" ADD COLUMN "original" TEXT;

