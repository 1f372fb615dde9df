-- DropIndex
DROP INDEX "Item_projectId_isGold_claimed_idx";

-- AlterTable
ALTER TABLE "Item" ADD COLUMN     "open" BOOLEAN NOT NULL DEFAULT true;

-- CreateIndex
CREATE INDEX "Item_projectId_isGold_open_id_idx" ON "Item"("projectId", "isGold", "open", "id");


-- Existing rows: open means claimed < target (hand-added to the generated SQL).
UPDATE "Item" SET "open" = ("claimed" < "target");
