-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Item" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "projectId" INTEGER NOT NULL,
    "externalId" TEXT,
    "type" TEXT NOT NULL,
    "messages" TEXT NOT NULL,
    "responses" TEXT NOT NULL,
    "domain" TEXT,
    "difficulty" TEXT,
    "tags" TEXT NOT NULL DEFAULT '[]',
    "source" TEXT,
    "sourceLink" TEXT,
    "gold" TEXT,
    "isGold" BOOLEAN NOT NULL DEFAULT false,
    "reference" TEXT,
    "verdict" TEXT,
    "target" INTEGER NOT NULL,
    "claimed" INTEGER NOT NULL DEFAULT 0,
    "open" BOOLEAN NOT NULL DEFAULT true,
    "judged" INTEGER NOT NULL DEFAULT 0,
    "reviewOfJudgmentId" INTEGER,
    "authorLabelerId" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Item_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Item" ("authorLabelerId", "claimed", "createdAt", "difficulty", "domain", "externalId", "gold", "id", "isGold", "judged", "messages", "projectId", "reference", "responses", "reviewOfJudgmentId", "source", "sourceLink", "tags", "target", "type", "verdict") SELECT "authorLabelerId", "claimed", "createdAt", "difficulty", "domain", "externalId", "gold", "id", "isGold", "judged", "messages", "projectId", "reference", "responses", "reviewOfJudgmentId", "source", "sourceLink", "tags", "target", "type", "verdict" FROM "Item";
DROP TABLE "Item";
ALTER TABLE "new_Item" RENAME TO "Item";
CREATE INDEX "Item_projectId_isGold_open_id_idx" ON "Item"("projectId", "isGold", "open", "id");
CREATE UNIQUE INDEX "Item_projectId_externalId_key" ON "Item"("projectId", "externalId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


-- Existing rows: open means claimed < target (hand-added to the generated SQL).
UPDATE "Item" SET "open" = ("claimed" < "target");
