-- AlterTable
ALTER TABLE "Project" ADD COLUMN "guide" TEXT;

-- CreateTable
CREATE TABLE "ItemRoute" (
    "itemId" INTEGER NOT NULL,
    "labelerId" INTEGER NOT NULL,

    PRIMARY KEY ("itemId", "labelerId"),
    CONSTRAINT "ItemRoute_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ItemRoute_labelerId_fkey" FOREIGN KEY ("labelerId") REFERENCES "Labeler" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

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
    "routed" BOOLEAN NOT NULL DEFAULT false,
    "assignedGroup" TEXT,
    "droppedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Item_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Item" ("authorLabelerId", "claimed", "createdAt", "difficulty", "domain", "externalId", "gold", "id", "isGold", "judged", "messages", "open", "projectId", "reference", "responses", "reviewOfJudgmentId", "source", "sourceLink", "tags", "target", "type", "verdict") SELECT "authorLabelerId", "claimed", "createdAt", "difficulty", "domain", "externalId", "gold", "id", "isGold", "judged", "messages", "open", "projectId", "reference", "responses", "reviewOfJudgmentId", "source", "sourceLink", "tags", "target", "type", "verdict" FROM "Item";
DROP TABLE "Item";
ALTER TABLE "new_Item" RENAME TO "Item";
CREATE INDEX "Item_projectId_isGold_open_id_idx" ON "Item"("projectId", "isGold", "open", "id");
CREATE UNIQUE INDEX "Item_projectId_externalId_key" ON "Item"("projectId", "externalId");
CREATE TABLE "new_Labeler" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "platform" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "platformUserId" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'labeler',
    "skills" TEXT NOT NULL DEFAULT '[]',
    "groups" TEXT NOT NULL DEFAULT '[]',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_Labeler" ("createdAt", "displayName", "id", "platform", "platformUserId", "role", "skills", "workspaceId") SELECT "createdAt", "displayName", "id", "platform", "platformUserId", "role", "skills", "workspaceId" FROM "Labeler";
DROP TABLE "Labeler";
ALTER TABLE "new_Labeler" RENAME TO "Labeler";
CREATE UNIQUE INDEX "Labeler_platform_workspaceId_platformUserId_key" ON "Labeler"("platform", "workspaceId", "platformUserId");
CREATE TABLE "new_Notification" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "labelerId" INTEGER,
    "projectId" INTEGER,
    "platform" TEXT,
    "kind" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" DATETIME
);
INSERT INTO "new_Notification" ("createdAt", "deliveredAt", "id", "kind", "labelerId", "payload") SELECT "createdAt", "deliveredAt", "id", "kind", "labelerId", "payload" FROM "Notification";
DROP TABLE "Notification";
ALTER TABLE "new_Notification" RENAME TO "Notification";
CREATE INDEX "Notification_deliveredAt_labelerId_idx" ON "Notification"("deliveredAt", "labelerId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "ItemRoute_labelerId_idx" ON "ItemRoute"("labelerId");

