-- CreateTable
CREATE TABLE "CalibrationThread" (
    "id" SERIAL NOT NULL,
    "projectId" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,
    "platform" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "messageId" TEXT NOT NULL DEFAULT '',
    "threadId" TEXT,
    "labelerIds" TEXT NOT NULL DEFAULT '[]',
    "status" TEXT NOT NULL DEFAULT 'open',
    "postedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "remindedAt" TIMESTAMP(3),
    "escalatedAt" TIMESTAMP(3),
    "resolvedAt" TIMESTAMP(3),
    "resolvedBy" INTEGER,
    "verdict" TEXT,
    "note" TEXT,

    CONSTRAINT "CalibrationThread_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CalibrationVote" (
    "id" SERIAL NOT NULL,
    "threadId" INTEGER NOT NULL,
    "labelerId" INTEGER NOT NULL,
    "verdict" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CalibrationVote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DriftState" (
    "id" SERIAL NOT NULL,
    "projectId" INTEGER NOT NULL,
    "labelerId" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'ok',
    "lastPingAt" TIMESTAMP(3),
    "acknowledgedAt" TIMESTAMP(3),
    "evidence" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DriftState_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SentOnce" (
    "key" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SentOnce_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "CalibrationThread_status_postedAt_idx" ON "CalibrationThread"("status", "postedAt");

-- CreateIndex
CREATE UNIQUE INDEX "CalibrationThread_projectId_itemId_platform_key" ON "CalibrationThread"("projectId", "itemId", "platform");

-- CreateIndex
CREATE UNIQUE INDEX "CalibrationVote_threadId_labelerId_key" ON "CalibrationVote"("threadId", "labelerId");

-- CreateIndex
CREATE UNIQUE INDEX "DriftState_projectId_labelerId_key" ON "DriftState"("projectId", "labelerId");

-- AddForeignKey
ALTER TABLE "CalibrationVote" ADD CONSTRAINT "CalibrationVote_threadId_fkey" FOREIGN KEY ("threadId") REFERENCES "CalibrationThread"("id") ON DELETE CASCADE ON UPDATE CASCADE;

