-- AlterTable
ALTER TABLE "InboundEvent" ADD COLUMN     "leaseUntil" TIMESTAMP(3),
ADD COLUMN     "owner" TEXT;

