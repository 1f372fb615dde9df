-- AlterTable
ALTER TABLE "Assignment" ADD COLUMN     "draft" TEXT;

