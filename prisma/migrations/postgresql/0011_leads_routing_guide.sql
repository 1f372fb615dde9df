-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "guide" TEXT;

-- AlterTable
ALTER TABLE "Item" ADD COLUMN     "assignedGroup" TEXT,
ADD COLUMN     "droppedAt" TIMESTAMP(3),
ADD COLUMN     "routed" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Labeler" ADD COLUMN     "groups" TEXT NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "platform" TEXT,
ADD COLUMN     "projectId" INTEGER,
ALTER COLUMN "labelerId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "ItemRoute" (
    "itemId" INTEGER NOT NULL,
    "labelerId" INTEGER NOT NULL,

    CONSTRAINT "ItemRoute_pkey" PRIMARY KEY ("itemId","labelerId")
);

-- CreateIndex
CREATE INDEX "ItemRoute_labelerId_idx" ON "ItemRoute"("labelerId");

-- AddForeignKey
ALTER TABLE "ItemRoute" ADD CONSTRAINT "ItemRoute_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ItemRoute" ADD CONSTRAINT "ItemRoute_labelerId_fkey" FOREIGN KEY ("labelerId") REFERENCES "Labeler"("id") ON DELETE CASCADE ON UPDATE CASCADE;

