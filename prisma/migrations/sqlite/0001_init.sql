-- CreateTable
CREATE TABLE "Project" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "taskTypes" TEXT NOT NULL,
    "redundancy" INTEGER NOT NULL DEFAULT 3,
    "maxExtraOverlap" INTEGER NOT NULL DEFAULT 2,
    "goldRate" REAL NOT NULL DEFAULT 0.1,
    "rationalePolicy" TEXT NOT NULL DEFAULT 'close_calls',
    "dimensions" TEXT NOT NULL,
    "skillDomains" TEXT NOT NULL DEFAULT '[]',
    "sftReview" BOOLEAN NOT NULL DEFAULT false,
    "assignmentTtlMinutes" INTEGER,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "anonymizeCalibration" BOOLEAN NOT NULL DEFAULT false,
    "slackChannel" TEXT,
    "slackCalibrationChannel" TEXT,
    "slackLeadChannel" TEXT,
    "discordChannel" TEXT,
    "discordCalibrationChannel" TEXT,
    "discordLeadChannel" TEXT,
    "calibrationCron" TEXT,
    "calibrationTimezone" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Item" (
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
    "judged" INTEGER NOT NULL DEFAULT 0,
    "reviewOfJudgmentId" INTEGER,
    "authorLabelerId" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Item_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Labeler" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "platform" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "platformUserId" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'labeler',
    "skills" TEXT NOT NULL DEFAULT '[]',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Assignment" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "projectId" INTEGER NOT NULL,
    "itemId" INTEGER NOT NULL,
    "labelerId" INTEGER NOT NULL,
    "displayOrder" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "shownAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "answeredAt" DATETIME,
    "remindedAt" DATETIME,
    CONSTRAINT "Assignment_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Assignment_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Assignment_labelerId_fkey" FOREIGN KEY ("labelerId") REFERENCES "Labeler" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Judgment" (
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Judgment_assignmentId_fkey" FOREIGN KEY ("assignmentId") REFERENCES "Assignment" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Judgment_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Judgment_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Judgment_labelerId_fkey" FOREIGN KEY ("labelerId") REFERENCES "Labeler" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "labelerId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" DATETIME
);

-- CreateIndex
CREATE UNIQUE INDEX "Project_name_key" ON "Project"("name");

-- CreateIndex
CREATE INDEX "Item_projectId_isGold_claimed_idx" ON "Item"("projectId", "isGold", "claimed");

-- CreateIndex
CREATE UNIQUE INDEX "Item_projectId_externalId_key" ON "Item"("projectId", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "Labeler_platform_workspaceId_platformUserId_key" ON "Labeler"("platform", "workspaceId", "platformUserId");

-- CreateIndex
CREATE INDEX "Assignment_labelerId_status_idx" ON "Assignment"("labelerId", "status");

-- CreateIndex
CREATE INDEX "Assignment_status_expiresAt_idx" ON "Assignment"("status", "expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Assignment_itemId_labelerId_key" ON "Assignment"("itemId", "labelerId");

-- CreateIndex
CREATE UNIQUE INDEX "Judgment_assignmentId_key" ON "Judgment"("assignmentId");

-- CreateIndex
CREATE INDEX "Judgment_projectId_id_idx" ON "Judgment"("projectId", "id");

-- CreateIndex
CREATE INDEX "Judgment_itemId_idx" ON "Judgment"("itemId");

-- CreateIndex
CREATE INDEX "Judgment_labelerId_createdAt_idx" ON "Judgment"("labelerId", "createdAt");

-- CreateIndex
CREATE INDEX "Notification_deliveredAt_labelerId_idx" ON "Notification"("deliveredAt", "labelerId");

