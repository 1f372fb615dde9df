-- CreateTable
CREATE TABLE "PendingImport" (
    "id" SERIAL NOT NULL,
    "platform" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "platformUserId" TEXT NOT NULL,
    "project" TEXT NOT NULL,
    "format" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "fileId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PendingImport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PendingImport_platform_workspaceId_platformUserId_key" ON "PendingImport"("platform", "workspaceId", "platformUserId");

