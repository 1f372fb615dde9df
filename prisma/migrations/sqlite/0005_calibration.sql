-- CreateTable
CREATE TABLE "CalibrationThread" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "projectId" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,
    "platform" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "messageId" TEXT NOT NULL DEFAULT '',
    "threadId" TEXT,
    "labelerIds" TEXT NOT NULL DEFAULT '[]',
    "status" TEXT NOT NULL DEFAULT 'open',
    "postedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "remindedAt" DATETIME,
    "escalatedAt" DATETIME,
    "resolvedAt" DATETIME,
    "resolvedBy" INTEGER,
    "verdict" TEXT,
    "note" TEXT
);

-- CreateTable
CREATE TABLE "CalibrationVote" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "threadId" INTEGER NOT NULL,
    "labelerId" INTEGER NOT NULL,
    "verdict" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CalibrationVote_threadId_fkey" FOREIGN KEY ("threadId") REFERENCES "CalibrationThread" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DriftState" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "projectId" INTEGER NOT NULL,
    "labelerId" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'ok',
    "lastPingAt" DATETIME,
    "acknowledgedAt" DATETIME,
    "evidence" TEXT,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "SentOnce" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "CalibrationThread_status_postedAt_idx" ON "CalibrationThread"("status", "postedAt");

-- CreateIndex
CREATE UNIQUE INDEX "CalibrationThread_projectId_itemId_platform_key" ON "CalibrationThread"("projectId", "itemId", "platform");

-- CreateIndex
CREATE UNIQUE INDEX "CalibrationVote_threadId_labelerId_key" ON "CalibrationVote"("threadId", "labelerId");

-- CreateIndex
CREATE UNIQUE INDEX "DriftState_projectId_labelerId_key" ON "DriftState"("projectId", "labelerId");

