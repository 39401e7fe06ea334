import { archives, type Database } from '@audit/db';
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';

export async function listArchives(
  db: Database,
  options: {
    kind?: 'export' | 'purge' | undefined;
    tenant: string | null;
    limit: number;
    beforeId?: string | undefined;
  },
) {
  const conditions: SQL[] = [];
  if (options.kind) conditions.push(eq(archives.kind, options.kind));
  // A token sees its own tenant's exports only.
  if (options.tenant !== null) conditions.push(eq(archives.tenant, options.tenant));
  if (options.beforeId) conditions.push(lt(archives.id, options.beforeId));
  const rows = await db
    .select()
    .from(archives)
    .where(and(...conditions))
    .orderBy(desc(archives.id))
    .limit(options.limit + 1);
  const items = rows.slice(0, options.limit);
  return { items, nextCursor: rows.length > options.limit ? (items.at(-1)?.id ?? null) : null };
}

export async function findArchive(db: Database, id: string, tenant: string | null) {
  const [archive] = await db
    .select()
    .from(archives)
    .where(and(eq(archives.id, id), tenant !== null ? eq(archives.tenant, tenant) : undefined));
  return archive ?? null;
}
