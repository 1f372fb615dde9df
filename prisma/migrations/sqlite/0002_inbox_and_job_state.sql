-- CreateTable
CREATE TABLE "InboundEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "platform" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT
);

-- CreateTable
CREATE TABLE "JobState" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "leaseHolder" TEXT,
    "leaseUntil" DATETIME,
    "lastRunAt" DATETIME,
    "lastScheduledFor" DATETIME,
    "lastOutcome" TEXT,
    "lastMessage" TEXT
);

-- CreateIndex
CREATE UNIQUE INDEX "InboundEvent_dedupeKey_key" ON "InboundEvent"("dedupeKey");

-- CreateIndex
CREATE INDEX "InboundEvent_processedAt_id_idx" ON "InboundEvent"("processedAt", "id");

