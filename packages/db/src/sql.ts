import type { SQL } from 'drizzle-orm';

import type { Database } from './client';

/**
 * Rows of a raw query. postgres.js answers with an array, PGlite with `{ rows }`.
 * The two also parse types differently (timestamps, int8), so raw queries should select
 * text or numbers they cast themselves, and leave typed columns to Drizzle's builder.
 */
export async function queryRows<T extends Record<string, unknown>>(
  db: Database,
  query: SQL,
): Promise<T[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as T[];
  return (result as { rows: T[] }).rows;
}
