-- AlterTable
ALTER TABLE "Item" ADD COLUMN "measures" TEXT;

