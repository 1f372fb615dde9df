-- CreateTable
CREATE TABLE "CapturedMessage" (
    "id" SERIAL NOT NULL,
    "labelerId" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "author" TEXT NOT NULL,
    "link" TEXT,
    "context" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CapturedMessage_pkey" PRIMARY KEY ("id")
);

