-- CreateIndex
CREATE INDEX "Judgment_projectId_itemId_idx" ON "Judgment"("projectId", "itemId");

