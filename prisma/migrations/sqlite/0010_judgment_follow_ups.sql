-- CreateTable
CREATE TABLE "JudgmentAmendment" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "judgmentId" INTEGER NOT NULL,
    "revision" INTEGER NOT NULL,
    "previous" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "JudgmentAmendment_judgmentId_fkey" FOREIGN KEY ("judgmentId") REFERENCES "Judgment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Judgment" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "assignmentId" INTEGER,
    "projectId" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,
    "labelerId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "choice" TEXT,
    "choicePosition" INTEGER,
    "ranking" TEXT,
    "rating" INTEGER,
    "ratings" TEXT,
    "sft" TEXT,
    "flaws" TEXT,
    "flagged" BOOLEAN NOT NULL DEFAULT false,
    "flagReason" TEXT,
    "rationale" TEXT,
    "durationMs" INTEGER,
    "displayOrder" TEXT NOT NULL,
    "reviewStatus" TEXT,
    "lessBad" TEXT,
    "rewrite" TEXT,
    "edgeCase" TEXT,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Judgment_assignmentId_fkey" FOREIGN KEY ("assignmentId") REFERENCES "Assignment" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Judgment_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Judgment_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Judgment_labelerId_fkey" FOREIGN KEY ("labelerId") REFERENCES "Labeler" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Judgment" ("assignmentId", "choice", "choicePosition", "createdAt", "displayOrder", "durationMs", "flagReason", "flagged", "flaws", "id", "itemId", "kind", "labelerId", "projectId", "ranking", "rating", "ratings", "rationale", "reviewStatus", "sft") SELECT "assignmentId", "choice", "choicePosition", "createdAt", "displayOrder", "durationMs", "flagReason", "flagged", "flaws", "id", "itemId", "kind", "labelerId", "projectId", "ranking", "rating", "ratings", "rationale", "reviewStatus", "sft" FROM "Judgment";
DROP TABLE "Judgment";
ALTER TABLE "new_Judgment" RENAME TO "Judgment";
CREATE UNIQUE INDEX "Judgment_assignmentId_key" ON "Judgment"("assignmentId");
CREATE INDEX "Judgment_projectId_id_idx" ON "Judgment"("projectId", "id");
CREATE INDEX "Judgment_itemId_idx" ON "Judgment"("itemId");
CREATE INDEX "Judgment_projectId_itemId_idx" ON "Judgment"("projectId", "itemId");
CREATE INDEX "Judgment_labelerId_createdAt_idx" ON "Judgment"("labelerId", "createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "JudgmentAmendment_judgmentId_revision_key" ON "JudgmentAmendment"("judgmentId", "revision");

