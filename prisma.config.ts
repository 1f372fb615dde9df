// Prisma CLI configuration. The "js" engine runs `generate` and `migrate diff` from WASM,
// so nothing is downloaded: Prisma's native engines cannot be fetched on an offline machine.
// Migrations are applied by Arbiter itself (src/store/migrate.ts), not by `prisma migrate deploy`.
import { defineConfig } from 'prisma/config'
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3'

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () => new PrismaBetterSQLite3({ url: ':memory:' }),
  schema: 'prisma/schema.prisma',
})
