-- AlterTable
ALTER TABLE "InboundEvent" ADD COLUMN "leaseUntil" DATETIME;
ALTER TABLE "InboundEvent" ADD COLUMN "owner" TEXT;

