import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type postgres from 'postgres';

import type { AuditDb, Database } from '../client';
import { compactEventCounts, countEventsOfTableSql } from '../event-counts';
import { INGEST_LOCK, INSERT_COLUMNS, insertEvents, insertRow, type EventInput } from '../events';
import { MAX_EVENT_BATCH } from '../values';
import { monthStart, partitionName } from '../partitions';
import { jobs } from '../schema';
import { queryRows } from '../sql';
import { generateSeed, type SeedChunk, type SeedJob, type SeedOptions } from './generate';

export interface LoadResult {
  events: number;
  jobs: number;
  /** Months that were built unindexed and attached, rather than copied into existing partitions. */
  attachedMonths: string[];
  seconds: number;
}

/** Columns in the order rows are written for COPY: those an insert writes. */
export const EVENT_COPY_COLUMNS = INSERT_COLUMNS.map(([, column]) => column.name);

const JOB_COPY_COLUMNS = [
  'id',
  'tenant',
  'name',
  'type',
  'state',
  'percent',
  'summary',
  'scheduled_at',
  'started_at',
  'ended_at',
  'recurrence',
  'created_by',
  'params',
] as const;

/**
 * Loads generated demo data. On PostgreSQL, a month whose partition is missing or empty
 * is COPYed into a bare table first, indexed in one pass, then attached (a CHECK
 * constraint added up front lets ATTACH skip its scan); months that already hold data are
 * COPYed through the parent. PGlite has no streaming COPY, so it takes batched INSERTs.
 */
export async function loadSeed(
  store: AuditDb,
  options: SeedOptions,
  onProgress: (eventsDone: number) => void = () => undefined,
): Promise<LoadResult> {
  const started = performance.now();
  const chunks = generateSeed(options);
  const result =
    store.raw.driver === 'postgres'
      ? await loadIntoPostgres(store.db, store.raw.sql, chunks, onProgress)
      : await loadWithInserts(store.db, chunks, onProgress);
  // What went in through insertEvents left count deltas: fold them in now rather than leave
  // them to the server's background compaction. Then statistics for the planner: a bulk
  // load outruns autovacuum (PGlite has none), and plans over tables it thinks are small are
  // slow: a histogram took 2 s instead of 10 ms, lists on PGlite 5–9 times longer.
  await compactEventCounts(store.db);
  await store.db.execute(sql`ANALYZE events, event_counts`);
  return { ...result, seconds: (performance.now() - started) / 1000 };
}

/** Jobs get their ids from the jobs sequence up front, so events can point at them. */
async function reserveJobIds(db: Database, count: number): Promise<string[]> {
  if (count === 0) return [];
  const rows = await queryRows<{ id: string }>(
    db,
    sql`SELECT nextval('jobs_id_seq')::text AS id
        FROM generate_series(1, ${count}::int)`,
  );
  return rows.map((row) => row.id);
}

function withJobIds(chunk: SeedChunk, jobIds: string[]): EventInput[] {
  return chunk.events.map(({ jobIndex, ...event }) => ({
    ...event,
    jobId: jobIndex === null ? null : (jobIds[jobIndex] ?? null),
  }));
}

async function loadWithInserts(
  db: Database,
  chunks: Iterable<SeedChunk>,
  onProgress: (eventsDone: number) => void,
): Promise<Omit<LoadResult, 'seconds'>> {
  let eventCount = 0;
  let jobCount = 0;
  for (const chunk of chunks) {
    const jobIds = await reserveJobIds(db, chunk.jobs.length);
    if (chunk.jobs.length > 0) {
      await db.insert(jobs).values(chunk.jobs.map((job, i) => ({ ...job, id: jobIds[i] })));
    }
    const events = withJobIds(chunk, jobIds);
    for (let i = 0; i < events.length; i += 1000) {
      await insertEvents(db, events.slice(i, i + 1000));
    }
    eventCount += events.length;
    jobCount += chunk.jobs.length;
    onProgress(eventCount);
  }
  return { events: eventCount, jobs: jobCount, attachedMonths: [] };
}

async function loadIntoPostgres(
  db: Database,
  pool: postgres.Sql,
  chunks: Iterable<SeedChunk>,
  onProgress: (eventsDone: number) => void,
): Promise<Omit<LoadResult, 'seconds'>> {
  // Three sessions working at once: events stream into the month being loaded, jobs into
  // their table, and the month before is indexed and attached meanwhile.
  // Plus one unreserved connection, for reserving job ids while the others are busy.
  const needed = 5;
  if (pool.options.max < needed) {
    throw new Error(
      `loading demo data needs a pool of ${needed} connections, this one has ${pool.options.max}`,
    );
  }
  const [conn, jobsConn, indexSession, secondIndexSession] = await Promise.all([
    pool.reserve(),
    pool.reserve(),
    pool.reserve(),
    pool.reserve(),
  ]);
  const indexSessions = [indexSession, secondIndexSession] as const;
  // Ids are drawn as rows are COPYed, long before their month is attached: the ingest lock,
  // held shared for the whole load, keeps the sealer from sealing past them meanwhile.
  await conn`SELECT pg_advisory_lock_shared(${INGEST_LOCK})`;
  try {
    for (const session of indexSessions) await session`SET maintenance_work_mem = '512MB'`;
    const jobsCopy = await openCopy(jobsConn, 'jobs', JOB_COPY_COLUMNS);
    const attachedMonths: string[] = [];
    let finishing = Promise.resolve();
    let finishError: Error | undefined;
    const finishInBackground = (month: MonthLoad) => {
      finishing = finishing
        .then(async () => {
          if (await month.finish(indexSessions)) attachedMonths.push(month.name);
        })
        .catch((error: unknown) => {
          finishError ??= error instanceof Error ? error : new Error(String(error));
        });
    };

    let eventCount = 0;
    let jobCount = 0;
    let month: MonthLoad | null = null;
    for (const chunk of chunks) {
      if (finishError) throw finishError;
      const jobIds = await reserveJobIds(db, chunk.jobs.length);
      await jobsCopy.write(copyLines(chunk.jobs.map((job, i) => jobCopyValues(job, jobIds[i]))));
      jobCount += chunk.jobs.length;

      // Generated events ascend in time: cut the chunk where the month changes.
      let rows: EventInput[] = [];
      for (const event of withJobIds(chunk, jobIds)) {
        if (month?.name !== partitionName(event.occurredAt)) {
          if (month) {
            await month.write(rows);
            await month.close();
            finishInBackground(month);
          }
          rows = [];
          month = await startMonth(db, conn, event.occurredAt);
        }
        rows.push(event);
      }
      if (month) await month.write(rows);
      eventCount += chunk.events.length;
      onProgress(eventCount);
    }
    await jobsCopy.end();
    if (month) {
      await month.close();
      finishInBackground(month);
    }
    await finishing;
    if (finishError) throw finishError;
    return { events: eventCount, jobs: jobCount, attachedMonths };
  } finally {
    await conn`SELECT pg_advisory_unlock_shared(${INGEST_LOCK})`.catch(() => undefined);
    for (const reserved of [conn, jobsConn, ...indexSessions]) reserved.release();
  }
}

/** Sessions that build indexes side by side; the first also attaches. */
type IndexSessions = readonly [postgres.ReservedSql, ...postgres.ReservedSql[]];

interface MonthLoad {
  name: string;
  write(rows: EventInput[]): Promise<void>;
  /** Ends the month's COPY: every row is stored. */
  close(): Promise<void>;
  /** Builds indexes and attaches, when the month was staged. True if it was. */
  finish(indexSessions: IndexSessions): Promise<boolean>;
}

async function startMonth(db: Database, conn: postgres.ReservedSql, at: Date): Promise<MonthLoad> {
  const name = partitionName(at);
  const from = monthStart(at);
  const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));

  // A month that already holds events (or is being written by a live server) is stored
  // through insertEvents, which keeps its indexes and its counts as rows arrive.
  const [existing] = await conn<{ empty: boolean }[]>`
    SELECT NOT EXISTS (SELECT 1 FROM ${conn(name)}) AS empty
    WHERE to_regclass(${name}) IS NOT NULL`.catch(() => []);
  if (existing && !existing.empty) {
    return {
      name,
      write: async (rows) => {
        for (let i = 0; i < rows.length; i += MAX_EVENT_BATCH) {
          await insertEvents(db, rows.slice(i, i + MAX_EVENT_BATCH));
        }
      },
      close: () => Promise.resolve(),
      finish: () => Promise.resolve(false),
    };
  }

  const staging = `${name}_loading`;
  await conn.unsafe(`DROP TABLE IF EXISTS ${staging}`);
  await conn.unsafe(`CREATE TABLE ${staging} (LIKE events INCLUDING DEFAULTS)`);
  await conn.unsafe(
    `ALTER TABLE ${staging} ADD CONSTRAINT ${staging}_range
       CHECK (occurred_at >= '${from.toISOString()}' AND occurred_at < '${to.toISOString()}')`,
  );
  const copy = await openCopy(conn, staging, EVENT_COPY_COLUMNS);
  return {
    name,
    write: (rows) => copy.write(eventCopyText(rows)),
    close: () => copy.end(),
    finish: async (indexSessions) => {
      await buildIndexesLikeEvents(indexSessions, staging);
      await inTransaction(indexSessions[0], async (tx) => {
        // An empty partition made ahead of time (migrate() creates the months around now)
        // gives way to the loaded one; one that gained rows meanwhile aborts the load
        // rather than lose them.
        if ((await tx`SELECT to_regclass(${name}) AS oid`)[0]?.oid) {
          await tx.unsafe(`LOCK TABLE ${name} IN ACCESS EXCLUSIVE MODE`);
          const [row] = await tx.unsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${name}`);
          if (row?.n) throw new Error(`${name} gained rows while loading; not replacing it`);
          await tx.unsafe(`DROP TABLE ${name}`);
        }
        await tx.unsafe(
          `ALTER TABLE events ATTACH PARTITION ${staging}
             FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`,
        );
        await tx.unsafe(`ALTER TABLE ${staging} DROP CONSTRAINT ${staging}_range`);
        await tx.unsafe(`ALTER TABLE ${staging} RENAME TO ${name}`);
        await tx.unsafe(
          `CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON ${name}
             FOR EACH STATEMENT EXECUTE FUNCTION audit_events_guard()`,
        );
        // The month's counts and event keys, in the transaction that makes its events visible.
        await tx.unsafe(new PgDialect().sqlToQuery(countEventsOfTableSql(name)).sql);
        await tx.unsafe(
          `INSERT INTO event_keys (tenant, event_id, occurred_at)
             SELECT tenant, event_id, occurred_at FROM ${name} ON CONFLICT DO NOTHING`,
        );
      });
      return true;
    },
  };
}

/**
 * Gives a bare table every index the events table has, read from the catalog so that this
 * keeps up with the schema; ATTACH then adopts them instead of building its own. Indexes
 * are built on several sessions at once (CREATE INDEX only takes a SHARE lock), the
 * costliest first; key constraints are bound to their finished index at the end.
 */
async function buildIndexesLikeEvents(sessions: IndexSessions, table: string): Promise<void> {
  const [first] = sessions;
  const indexes = await first<
    { name: string; def: string; method: string; constraint_type: 'p' | 'u' | null }[]
  >`
    SELECT i.relname AS name, pg_get_indexdef(i.oid) AS def, am.amname AS method,
           c.contype AS constraint_type
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_am am ON am.oid = i.relam
    LEFT JOIN pg_constraint c ON c.conindid = i.oid AND c.conrelid = x.indrelid
    WHERE x.indrelid = 'events'::regclass`;

  const cost = (method: string) => ({ gin: 5, gist: 4 })[method] ?? 1;
  const lanes = sessions.map(() => ({ cost: 0, statements: [] as string[] }));
  for (const index of [...indexes].sort((a, b) => cost(b.method) - cost(a.method))) {
    const childName = `${table}_${index.name.replace(/^events_/, '')}`;
    const def = index.def.replace(
      /^CREATE (UNIQUE )?INDEX \S+ ON ONLY \S+ /,
      `CREATE $1INDEX ${childName} ON ${table} `,
    );
    if (def === index.def) throw new Error(`unexpected index definition: ${index.def}`);
    const lane = lanes.reduce((least, l) => (l.cost < least.cost ? l : least));
    lane.cost += cost(index.method);
    lane.statements.push(def);
  }
  await Promise.all(
    sessions.map(async (session, i) => {
      for (const statement of lanes[i]?.statements ?? []) await session.unsafe(statement);
    }),
  );
  for (const index of indexes) {
    if (!index.constraint_type) continue;
    const childName = `${table}_${index.name.replace(/^events_/, '')}`;
    const kind = index.constraint_type === 'p' ? 'PRIMARY KEY' : 'UNIQUE';
    await first.unsafe(
      `ALTER TABLE ${table} ADD CONSTRAINT ${childName} ${kind} USING INDEX ${childName}`,
    );
  }
}

type CopyValue = string | number | null;

/**
 * JSON of objects the generator shares between events (frozen: each device's entry in
 * affectedObjects), computed once. Rendering rows is what bounds the load's speed.
 */
const sharedJson = new WeakMap<object, string>();
function objectJson(value: object): string {
  if (!Object.isFrozen(value)) return JSON.stringify(value);
  let json = sharedJson.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    sharedJson.set(value, json);
  }
  return json;
}

function arrayJson(objects: readonly object[]): string {
  if (objects.length === 0) return '[]';
  let json = '[';
  for (let i = 0; i < objects.length; i++)
    json += (i ? ',' : '') + objectJson(objects[i] as object);
  return json + ']';
}

/** One event as a line of COPY text, in EVENT_COPY_COLUMNS order. */
export function eventCopyLine(e: EventInput): string {
  const row = insertRow({ ...e, eventId: e.eventId ?? crypto.randomUUID() });
  let line = '';
  for (const name of EVENT_COPY_COLUMNS) {
    const value = row[name];
    if (line !== '') line += '\t';
    line += copyText(
      value === null || value === undefined
        ? null
        : Array.isArray(value)
          ? arrayJson(value as object[])
          : typeof value === 'object'
            ? objectJson(value)
            : (value as string | number),
    );
  }
  return line + '\n';
}

/** Events as COPY text. */
export function eventCopyText(rows: EventInput[]): string {
  let text = '';
  for (const row of rows) text += eventCopyLine(row);
  return text;
}

function jobCopyValues(job: SeedJob, id: string | undefined): CopyValue[] {
  if (id === undefined) throw new Error('no id reserved for a generated job');
  return [
    id,
    job.tenant,
    job.name,
    job.type,
    job.state,
    job.percent,
    job.summary,
    job.scheduledAt.toISOString(),
    job.startedAt?.toISOString() ?? null,
    job.endedAt?.toISOString() ?? null,
    job.recurrence ? JSON.stringify(job.recurrence) : null,
    job.createdBy,
    JSON.stringify(job.params),
  ];
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * A value in COPY's text format: NULL is \N; backslash, tab, newline and CR are escaped.
 * (Not CSV: this is PostgreSQL's own wire format for COPY, with nothing to quote.) Most
 * values need no escaping, so test before replacing: this runs for every column of every row.
 */
function copyText(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c] ?? c) : value;
}

function copyLines(rows: CopyValue[][]): string {
  const lines: string[] = [];
  for (const row of rows) lines.push(row.map(copyText).join('\t'));
  return lines.join('\n') + '\n';
}

interface CopyStream {
  /** Resolves when the stream can take more (backpressure), not when the rows are stored. */
  write(text: string): Promise<void>;
  /** Resolves when PostgreSQL has stored every row. */
  end(): Promise<void>;
}

/**
 * One `COPY … FROM STDIN` kept open across many writes, so that generating the next rows
 * in Node overlaps with PostgreSQL storing the previous ones.
 */
export async function openCopy(
  conn: postgres.Sql | postgres.ReservedSql,
  table: string,
  columns: readonly string[],
): Promise<CopyStream> {
  const stream = await conn.unsafe(`COPY ${table} (${columns.join(', ')}) FROM STDIN`).writable();
  let failure: Error | undefined;
  const finished = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', (error) => {
      failure = error;
      reject(error);
    });
  });
  finished.catch(() => undefined); // surfaced by write() or end()
  return {
    async write(text) {
      if (failure) throw failure;
      if (!stream.write(text)) {
        await Promise.race([new Promise((resolve) => stream.once('drain', resolve)), finished]);
      }
    },
    async end() {
      stream.end();
      await finished;
    },
  };
}

/** A reserved connection has no begin(); it is one session, so plain BEGIN/COMMIT work. */
async function inTransaction(
  conn: postgres.ReservedSql,
  work: (tx: postgres.ReservedSql) => Promise<void>,
): Promise<void> {
  await conn`BEGIN`;
  try {
    await work(conn);
    await conn`COMMIT`;
  } catch (error) {
    await conn`ROLLBACK`;
    throw error;
  }
}
