// The schema is written once (prisma/schema.prisma, provider "sqlite"); the PostgreSQL
// variant differs only in its datasource provider. Variants are written to .arbiter-prisma/,
// one folder below the schema's own, so the generator's relative output path resolves alike.
import { readFileSync } from 'node:fs'

export const PROVIDERS = ['sqlite', 'postgresql']

/** The schema text for one provider. */
export function schemaFor(provider, text = readFileSync('prisma/schema.prisma', 'utf8')) {
  const datasource = /datasource db \{[^}]*\}/
  if (!datasource.test(text)) throw new Error('prisma/schema.prisma: no "datasource db" block')
  const url = provider === 'sqlite' ? 'file:unused.db' : 'postgresql://unused'
  return text
    .replace(datasource, `datasource db {\n  provider = "${provider}"\n  url      = "${url}"\n}`)
}
