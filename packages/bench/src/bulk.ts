import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGzip } from 'node:zlib';

import { EXPORT_COLUMNS } from '@audit/api';
import { events, forgetCountsBetween, listEventPartitions, partitionName } from '@audit/db';
import { generateSeed } from '@audit/db/seed';
import { EVENT_COPY_COLUMNS, eventCopyText, openCopy } from '@audit/db/seed/load';
import { createAuditClient, type EventToRecord } from '@audit/sdk';
import { getTableColumns } from 'drizzle-orm';
import postgres from 'postgres';

import { trpcMutation, trpcQuery } from './http';
import { processMemory } from './machine';
import type { BenchOptions } from './options';
import type { ResultRow } from './results';
import { formatCount, formatMs } from './stats';
import type { BenchTarget } from './target';

const MB = 1024 * 1024;

function rate(n: number, ms: number): number {
  return n / (ms / 1000);
}

// ---------------------------------------------------------------- ingest

/** Generated events as a service would record them (its token decides the tenant). */
function eventsToRecord(target: BenchTarget, count: number, seed: number, days: number) {
  const out: EventToRecord[] = [];
  for (const chunk of generateSeed({ events: count, days, tenants: 1, end: target.end, seed })) {
    for (const { jobIndex: _job, tenant: _tenant, ...event } of chunk.events) {
      out.push({ ...event, userIp: event.userIp ?? null });
    }
  }
  return out;
}

export async function runIngest(
  target: BenchTarget,
  options: Pick<BenchOptions, 'ingestEvents' | 'days'>,
  log: (line: string) => void,
): Promise<ResultRow> {
  const n = options.ingestEvents;
  const id = 'ingest';
  const label = `ingest ${formatCount(n)} events: SDK recorder (batches of 1 000) vs COPY FROM STDIN`;

  // Generated beforehand, untimed, on both sides; seeds of their own (a reused database
  // already holds the events of earlier runs, which would be duplicates).
  const seed = 2 + 2 * (process.pid % 100_000);
  const toRecord = eventsToRecord(target, n, seed, options.days);
  const client = createAuditClient({ url: target.admin.base, token: target.token });
  const recorder = client.recorder({ maxBatch: 1000, flushIntervalMs: 20, maxQueue: 20_000 });
  log(`  ingest: recording ${formatCount(n)} events through the SDK…`);
  const oursStarted = performance.now();
  for (let i = 0; i < toRecord.length; i += 1000) {
    while (recorder.pending > 10_000) await sleep(1);
    recorder.recordMany(toRecord.slice(i, i + 1000));
  }
  const stats = await recorder.close();
  const oursMs = performance.now() - oursStarted;
  toRecord.length = 0;
  if (stats.stored !== n) throw new Error(`ingest: ${stats.stored} of ${n} events stored`);

  const copyText: string[] = [];
  for (const chunk of generateSeed({
    events: n,
    days: options.days,
    tenants: 1,
    end: target.end,
    seed: seed + 1,
  })) {
    copyText.push(eventCopyText(chunk.events.map(({ jobIndex: _job, ...e }) => e)));
  }
  log(`  ingest: COPY of ${formatCount(n)} events…`);
  const directStarted = performance.now();
  if (target.raw.driver === 'postgres') {
    const conn = await target.raw.sql.reserve();
    try {
      const copy = await openCopy(conn, 'events', EVENT_COPY_COLUMNS);
      for (const text of copyText) await copy.write(text);
      await copy.end();
    } finally {
      conn.release();
    }
  } else {
    // PGlite has no COPY FROM STDIN: its COPY reads a blob (the whole input in memory).
    await target.raw.pglite.query(
      `COPY events (${EVENT_COPY_COLUMNS.join(', ')}) FROM '/dev/blob'`,
      [],
      { blob: new Blob(copyText) },
    );
  }
  const directMs = performance.now() - directStarted;

  const ours = rate(n, oursMs);
  const direct = rate(n, directMs);
  const ratio = ours / direct;
  return {
    id,
    label,
    cells: {
      ours: `${formatCount(ours)} events/s`,
      direct: `${formatCount(direct)} events/s (COPY${target.kind === 'pglite' ? " FROM '/dev/blob'" : ''})`,
      ratio: `${(ratio * 100).toFixed(0)} %`,
    },
    target: target.kind === 'pg' ? (ratio >= 0.5 ? 'met (≥ 50 %)' : 'missed (≥ 50 % of COPY)') : '',
    note: `${formatCount(stats.batches)} calls; ${formatMs(oursMs)} vs ${formatMs(directMs)}`,
  };
}

// ---------------------------------------------------------------- export

/** The columns an export writes, in its order, as SQL names: a column added to the export is compared too. */
const EXPORT_SQL_COLUMNS = EXPORT_COLUMNS.map((key) => getTableColumns(events)[key].name);

export function zipAvailable(): boolean {
  return spawnSync('zip', ['-v'], { stdio: 'ignore' }).status === 0;
}

/** Resets the peak-RSS counter of a process, where Linux lets us (clear_refs). */
function resetPeak(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // the sampled peak still holds
  }
}

/** How much an export grew the server's resident memory: what a larger export is held to. */
export interface ExportMemory {
  rows: number;
  rssGrowthMb: number;
}

/** Peak RSS varies by a few MB between identical runs; "no more than" allows that much. */
const RSS_NOISE_MB = 10;

/**
 * Exports the newest `exportRows` events through the product and the same rows through
 * `COPY … TO STDOUT | zip -1`. A larger export than `smallest` must also grow the server's
 * memory no more than it did: memory flat whatever the size.
 */
export async function runExport(
  target: BenchTarget,
  exportRows: number,
  smallest: ExportMemory | null,
  log: (line: string) => void,
): Promise<{ row: ResultRow; memory: ExportMemory }> {
  const id = `export.${exportRows}`;
  // The newest `exportRows` events of the token's tenant (an export by token covers its own
  // tenant only): a time range, as an admin would pick it.
  const tenant = `tenant = 'default'`;
  const [bound] = await target.exec<{ t: string }>(
    `SELECT to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS t
       FROM events WHERE ${tenant} ORDER BY occurred_at DESC OFFSET ${exportRows - 1} LIMIT 1`,
  );
  const [newest] = await target.exec<{ t: string }>(
    `SELECT to_char(max(occurred_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS t FROM events`,
  );
  if (!bound || !newest) {
    throw new Error(
      `export: fewer events of the tenant than --export-rows ${formatCount(exportRows)}`,
    );
  }
  const filter = { from: bound.t, to: newest.t };
  const [counted] = await target.exec<{ n: number }>(
    `SELECT count(*)::int AS n FROM events WHERE ${tenant} AND occurred_at BETWEEN $1 AND $2`,
    [filter.from, filter.to],
  );
  const rows = counted?.n ?? 0;
  const label = `export ${formatCount(rows)} rows to zipped CSV`;

  const oursFile = join(tmpdir(), `audit-bench-export-${process.pid}.zip`);
  const directFile = join(tmpdir(), `audit-bench-copy-${process.pid}.zip`);
  try {
    // Ours: the SDK starts the export job, follows it and downloads the .zip.
    const client = createAuditClient({ url: target.admin.base, token: target.token });
    const before = processMemory(target.serverPid);
    resetPeak(target.serverPid);
    let peak = before?.rss ?? 0;
    const sampler = setInterval(() => {
      const now = processMemory(target.serverPid);
      if (now) peak = Math.max(peak, now.rss, now.hwm);
    }, 25);
    log(`  export: ${formatCount(rows)} rows through exports.create…`);
    const oursStarted = performance.now();
    let exported: number;
    let jobMs = Number.NaN;
    try {
      const result = await client.exportTo(filter, { format: 'csv', timeZone: 'UTC' }, oursFile, {
        pollIntervalMs: 50,
      });
      exported = result.archive.rowCount;
      const { startedAt, endedAt } = result.job;
      if (startedAt && endedAt) jobMs = Date.parse(endedAt) - Date.parse(startedAt);
    } finally {
      clearInterval(sampler);
    }
    const oursMs = performance.now() - oursStarted;
    const growth = before ? peak - before.rss : Number.NaN;
    if (exported !== rows) throw new Error(`export: ${exported} of ${rows} rows exported`);

    // Direct: PostgreSQL's own CSV writer, piped to zip.
    const select = `SELECT ${EXPORT_SQL_COLUMNS.join(', ')} FROM events
      WHERE ${tenant} AND occurred_at >= '${filter.from}' AND occurred_at <= '${filter.to}'
      ORDER BY occurred_at, event_id`;
    const haveZip = zipAvailable();
    log(`  export: COPY … TO STDOUT WITH CSV | ${haveZip ? 'zip -1' : 'gzip (zip missing)'}…`);
    const directStarted = performance.now();
    const sink = haveZip
      ? spawn('zip', ['-q', '-1', directFile, '-'], { stdio: ['pipe', 'ignore', 'inherit'] })
      : null;
    const destination: Writable =
      sink?.stdin ?? createGzip({ level: 1 }).pipe(createWriteStream(directFile));
    const exited = sink ? once(sink, 'exit') : Promise.resolve([0]);
    if (target.raw.driver === 'postgres') {
      // A connection of its own: postgres.js left the shared one unable to answer the next
      // query after a COPY TO STDOUT stream (seen at 1 M rows).
      const copyConnection = postgres(target.databaseUrl, {
        max: 1,
        onnotice: () => undefined,
        connection: { application_name: 'audit-bench-direct', TimeZone: 'UTC' },
      });
      try {
        const source = await copyConnection
          .unsafe(`COPY (${select}) TO STDOUT WITH (FORMAT csv, HEADER)`)
          .readable();
        await pipeline(source, destination);
      } finally {
        await copyConnection.end({ timeout: 1 });
      }
    } else {
      // PGlite cannot stream COPY out: the whole CSV comes back as one blob.
      const result = await target.raw.pglite.query(
        `COPY (${select}) TO '/dev/blob' WITH (FORMAT csv, HEADER)`,
      );
      if (!result.blob) throw new Error('PGlite COPY TO /dev/blob returned no blob');
      await pipeline(Readable.from(Buffer.from(await result.blob.arrayBuffer())), destination);
    }
    const [code] = (await exited) as [number | null];
    if (code !== 0) throw new Error(`zip exited with ${code}`);
    const directMs = performance.now() - directStarted;

    const ours = rate(rows, oursMs);
    const direct = rate(rows, directMs);
    const ratio = ours / direct;
    const rssGrowth = growth / MB;
    const targets = [
      { text: '≥ 50 %', met: ratio >= 0.5 },
      { text: '≤ 100 MB', met: rssGrowth <= 100 },
      ...(smallest
        ? [
            {
              text: `≤ the ${formatCount(smallest.rows)}-row export's +${smallest.rssGrowthMb.toFixed(0)} MB (± ${RSS_NOISE_MB} MB)`,
              met: rssGrowth <= smallest.rssGrowthMb + RSS_NOISE_MB,
            },
          ]
        : []),
    ];
    const missed = targets.filter((t) => !t.met);
    const verdict =
      missed.length === 0
        ? `met (${targets.map((t) => t.text).join(', ')})`
        : `missed (${missed.map((t) => t.text).join(', ')})`;
    const row: ResultRow = {
      id,
      label,
      cells: {
        ours: `${formatCount(ours)} rows/s, server RSS +${rssGrowth.toFixed(0)} MB`,
        direct: `${formatCount(direct)} rows/s (COPY → ${haveZip ? 'zip -1' : 'gzip; zip not installed'})`,
        ratio: `${(ratio * 100).toFixed(0)} %`,
      },
      target: target.kind === 'pg' ? verdict : '',
      note:
        `${formatMs(oursMs)} (request to download; the job itself ${formatMs(jobMs)}, ${(statSync(oursFile).size / MB).toFixed(0)} MB zip) vs ${formatMs(directMs)} (${(statSync(directFile).size / MB).toFixed(0)} MB)` +
        `; server V8 heap limit ${formatCount(target.serverHeapLimitMb)} MB` +
        (target.kind === 'pglite' ? '; RSS is the whole process (server and PGlite share it)' : ''),
    };
    return { row, memory: { rows, rssGrowthMb: rssGrowth } };
  } finally {
    rmSync(oursFile, { force: true });
    rmSync(directFile, { force: true });
  }
}

// ---------------------------------------------------------------- purge

interface Job {
  id: string;
  state: string;
  startedAt: string | null;
  endedAt: string | null;
  error: string | null;
  summary: string | null;
}

async function purgeThroughApi(
  target: BenchTarget,
  before: Date,
  archive: boolean,
): Promise<{ jobMs: number; wallMs: number; job: Job }> {
  const started = performance.now();
  const created = await trpcMutation<Job>(target.admin, 'purge.create', {
    before: before.toISOString(),
    archive,
  });
  for (;;) {
    const job = await trpcQuery<Job>(target.admin, 'jobs.byId', { id: created.id });
    if (['success', 'failure', 'canceled'].includes(job.state)) {
      const wallMs = performance.now() - started;
      if (job.state !== 'success')
        throw new Error(`purge job ${job.id} ${job.state}: ${job.error}`);
      const jobMs =
        job.startedAt && job.endedAt ? Date.parse(job.endedAt) - Date.parse(job.startedAt) : NaN;
      return { jobMs, wallMs, job };
    }
    await sleep(10);
  }
}

async function monthsWithRows(target: BenchTarget) {
  const partitions = await listEventPartitions(target.store.db);
  const withRows: { name: string; from: Date; to: Date; rows: number }[] = [];
  for (const p of partitions) {
    const [row] = await target.exec<{ n: number }>(`SELECT count(*)::int AS n FROM ${p.name}`);
    if (row?.n) withRows.push({ ...p, rows: row.n });
  }
  return withRows;
}

/** Untimed, after a direct DROP TABLE: the month's event counts go too, as a purge's would. */
async function forgetMonthCounts(target: BenchTarget, month: { from: Date; to: Date }) {
  await target.store.db.transaction((tx) => forgetCountsBetween(tx, month.from, month.to));
}

export async function runPurge(
  target: BenchTarget,
  log: (line: string) => void,
): Promise<ResultRow[]> {
  let months = await monthsWithRows(target);
  // The oldest month holds only its last days: start from the first whole one.
  const oldest = months[0];
  if (oldest && months.length >= 5) {
    await target.exec(`DROP TABLE ${oldest.name}`);
    await forgetMonthCounts(target, oldest);
    months = months.slice(1);
  }
  const [plain, archived, dropped] = months;
  if (!plain || !archived || !dropped) throw new Error('purge: fewer than 3 months with events');

  log(`  purge: ${plain.name} without archive…`);
  const a = await purgeThroughApi(target, plain.to, false);
  log(`  purge: ${archived.name} with archive…`);
  const b = await purgeThroughApi(target, archived.to, true);
  log(`  purge: DROP TABLE ${dropped.name}…`);
  const directStarted = performance.now();
  await target.exec(`DROP TABLE ${dropped.name}`);
  const directMs = performance.now() - directStarted;
  await forgetMonthCounts(target, dropped);
  if (partitionName(dropped.from) !== dropped.name) throw new Error('unexpected partition name');

  const row = (
    id: string,
    label: string,
    result: { jobMs: number; wallMs: number },
    target_: string,
  ): ResultRow => ({
    id,
    label,
    cells: {
      ours: `${formatMs(result.jobMs)} (job)`,
      direct: `${formatMs(directMs)} (DROP TABLE ${dropped.name}, ${formatCount(dropped.rows)} rows)`,
      ratio: `${(result.jobMs / directMs).toFixed(1)}×`,
    },
    target: target_,
    note: `request to job end ${formatMs(result.wallMs)}; one run (a month can be purged once)`,
  });
  return [
    row(
      'purge.plain',
      `purge one month (${plain.name}, ${formatCount(plain.rows)} rows), no archive`,
      a,
      target.kind === 'pg' ? (a.jobMs < 1000 ? 'met (< 1 s)' : 'missed (< 1 s)') : '',
    ),
    row(
      'purge.archived',
      `purge one month (${archived.name}, ${formatCount(archived.rows)} rows), archived first`,
      b,
      '',
    ),
  ];
}
