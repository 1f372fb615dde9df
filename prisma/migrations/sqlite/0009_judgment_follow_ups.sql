-- AlterTable
ALTER TABLE "Judgment" ADD COLUMN "edgeCase" TEXT;
ALTER TABLE "Judgment" ADD COLUMN "lessBad" TEXT;
ALTER TABLE "Judgment" ADD COLUMN "rewrite" TEXT;

-- CreateTable
CREATE TABLE "JudgmentAmendment" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "judgmentId" INTEGER NOT NULL,
    "revision" INTEGER NOT NULL,
    "previous" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "JudgmentAmendment_judgmentId_fkey" FOREIGN KEY ("judgmentId") REFERENCES "Judgment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "JudgmentAmendment_judgmentId_revision_key" ON "JudgmentAmendment"("judgmentId", "revision");

