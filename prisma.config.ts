// Prisma CLI configuration. Prisma is only the schema here: `generate` writes the Kysely table
// types and `migrate diff` the versioned SQL, both offline through the "js" engine (WASM), since
// Prisma's native engines cannot be fetched on an offline machine. Migrations are applied by
// Arbiter itself (src/store/migrate.ts), not by `prisma migrate deploy`.
//
// The js engine insists on a driver adapter, though diffing two schema files never queries a
// database. This stand-in satisfies it and refuses any query, so Arbiter needs no Prisma driver
// adapter package (the SQLite one brought a second copy of better-sqlite3 to compile).
import { defineConfig } from 'prisma/config'

const refuse = async (): Promise<never> => {
  throw new Error('Arbiter uses the Prisma CLI offline: it never connects to a database')
}
const offline = { provider: 'sqlite', adapterName: 'arbiter-offline' } as const

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () =>
    ({
      ...offline,
      connect: async () => ({ ...offline, queryRaw: refuse, executeRaw: refuse, executeScript: refuse, startTransaction: refuse, dispose: async () => {} }),
    }) as never,
  schema: 'prisma/schema.prisma',
})
