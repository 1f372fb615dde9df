-- AlterTable
ALTER TABLE "Judgment" ADD COLUMN     "edgeCase" TEXT,
ADD COLUMN     "lessBad" TEXT,
ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "rewrite" TEXT;

-- CreateTable
CREATE TABLE "JudgmentAmendment" (
    "id" SERIAL NOT NULL,
    "judgmentId" INTEGER NOT NULL,
    "revision" INTEGER NOT NULL,
    "previous" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "JudgmentAmendment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "JudgmentAmendment_judgmentId_revision_key" ON "JudgmentAmendment"("judgmentId", "revision");

-- AddForeignKey
ALTER TABLE "JudgmentAmendment" ADD CONSTRAINT "JudgmentAmendment_judgmentId_fkey" FOREIGN KEY ("judgmentId") REFERENCES "Judgment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

