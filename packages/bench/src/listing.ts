import { SORT_FIELDS } from '@audit/api';

import { eventStatements, type CapturedQuery } from './capture';
import { queryUrl, trpcQuery } from './http';
import type { BenchOptions } from './options';
import type { ResultRow } from './results';
import { summarize } from './stats';
import type { BenchTarget } from './target';

export interface ReadScenario {
  id: string;
  label: string;
  procedure: 'auditLogs.list' | 'auditLogs.histogram' | 'auditLogs.facets';
  /** Built once the data is loaded (the cursor scenario walks to its page first). */
  input: (target: BenchTarget) => Promise<unknown>;
  /** A list page, held to the list targets; histogram and facets count what they cover. */
  isList: boolean;
}

const DAY = 86_400_000;

function utcMidnight(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

export function readScenarios(options: Pick<BenchOptions, 'cursorPage'>): ReadScenario[] {
  const list = (id: string, label: string, input: unknown): ReadScenario => ({
    id,
    label,
    procedure: 'auditLogs.list',
    input: () => Promise.resolve(input),
    isList: true,
  });
  const scenarios: ReadScenario[] = [
    list('list.first', 'list, first page (50), no filter, newest first', {}),
    list('list.user', 'list, filter user = john.doe', { filter: { userName: 'john.doe' } }),
    list('list.taskPrefix', 'list, filter task prefix tenant.*', {
      filter: { taskName: 'tenant.*' },
    }),
    list('list.status', 'list, filter status = failure', { filter: { status: 'failure' } }),
    list('list.cidr', 'list, filter IP in 10.12.0.0/16', { filter: { userIp: '10.12.0.0/16' } }),
    list('list.object', 'list, filter object = site-nyc-01', {
      filter: { objectName: 'site-nyc-01' },
    }),
    list('list.fullText', 'list, full text "failed"', { filter: { description: 'failed' } }),
    {
      id: 'list.day',
      label: 'list, 1-day range (30 days ago)',
      procedure: 'auditLogs.list',
      isList: true,
      input: (target) => {
        const from = utcMidnight(new Date(target.end.getTime() - 30 * DAY));
        const to = new Date(from.getTime() + DAY - 1);
        return Promise.resolve({ filter: { from: from.toISOString(), to: to.toISOString() } });
      },
    },
  ];
  for (const field of SORT_FIELDS) {
    for (const direction of ['asc', 'desc'] as const) {
      scenarios.push(
        list(`sort.${field}.${direction}`, `list sorted by ${field} ${direction}`, {
          sort: { field, direction },
        }),
      );
    }
  }
  scenarios.push({
    id: 'cursor.deep',
    label: `page ${options.cursorPage.toLocaleString('en')} via cursor (newest first)`,
    procedure: 'auditLogs.list',
    isList: true,
    input: async (target) => {
      let cursor: string | undefined;
      for (let page = 1; page < options.cursorPage; page++) {
        const answer = await trpcQuery<{ nextCursor: string | null }>(
          target.admin,
          'auditLogs.list',
          { limit: 50, withTotal: false, ...(cursor ? { cursor } : {}) },
        );
        if (!answer.nextCursor) throw new Error(`only ${page} pages of 50`);
        cursor = answer.nextCursor;
      }
      return cursor ? { cursor } : {};
    },
  });
  const last30Days = (target: BenchTarget) => ({
    from: new Date(target.end.getTime() - 30 * DAY).toISOString(),
    to: target.end.toISOString(),
  });
  scenarios.push(
    {
      id: 'histogram.30d',
      label: 'histogram, last 30 days',
      procedure: 'auditLogs.histogram',
      isList: false,
      input: (target) => Promise.resolve({ filter: last30Days(target) }),
    },
    {
      id: 'facets.30d',
      label: 'facets (6 fields), last 30 days',
      procedure: 'auditLogs.facets',
      isList: false,
      input: (target) => Promise.resolve({ filter: last30Days(target) }),
    },
  );
  return scenarios;
}

/** Rows a plan read: every scan node's rows, plus what its filters and rechecks threw away. */
export function rowsReadByPlan(plan: string): number {
  let total = 0;
  let loops = 1;
  let inScan = false;
  for (const line of plan.split('\n')) {
    // PostgreSQL 18 (PGlite) prints rows as an average with decimals: rows=51.00.
    const actual = /actual time=[\d.]+\.\.[\d.]+ rows=([\d.]+) loops=(\d+)/.exec(line);
    if (actual) {
      inScan =
        /(Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan)/.test(line) &&
        !/Bitmap Index Scan/.test(line);
      loops = Number(actual[2]);
      if (inScan) total += Math.round(Number(actual[1]) * loops);
      continue;
    }
    if (/never executed/.test(line)) inScan = false;
    if (!inScan) continue;
    const removed = /Rows Removed by (?:Filter|Index Recheck): ([\d.]+)/.exec(line);
    if (removed) total += Math.round(Number(removed[1]) * loops);
  }
  return total;
}

/** A list scenario reading more than this many rows for one page is a defect. */
export const ROWS_READ_LIMIT = 5_000;

/**
 * Untimed requests before the first timed one: a freshly started server runs the request
 * path in V8's interpreter until it is hot, which showed as a p95 three times the direct
 * one on whichever list scenario came first.
 */
export async function warmUpServer(target: BenchTarget, requests: number): Promise<void> {
  const inputs = [
    {},
    { filter: { status: 'failure' } },
    { sort: { field: 'userName', direction: 'asc' } },
  ];
  for (let i = 0; i < requests; i++) {
    await trpcQuery(target.admin, 'auditLogs.list', inputs[i % inputs.length]);
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

export async function runReadScenario(
  target: BenchTarget,
  scenario: ReadScenario,
  options: Pick<BenchOptions, 'runs' | 'scenarioBudgetMs' | 'quick'>,
): Promise<ResultRow> {
  const input = await scenario.input(target);
  const path = scenario.procedure;
  const url = queryUrl(target.admin.base, path, input);
  const ours = async () => {
    const response = await fetch(url, { headers: target.admin.headers });
    const body: unknown = await response.json();
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}: ${JSON.stringify(body)}`);
  };

  // The SQL this request makes the server send, captured on the way out of Drizzle.
  const queries = await target.capture.during(async () => {
    const answer = await target.captureServer.inject({
      method: 'GET',
      url: `/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`,
      headers: target.admin.headers,
    });
    if (answer.statusCode !== 200) {
      throw new Error(`${path}: HTTP ${answer.statusCode}: ${answer.body.slice(0, 500)}`);
    }
  });
  const statements = eventStatements(queries);
  if (statements.length === 0) throw new Error(`${scenario.id}: no SQL on events was captured`);
  const direct = async () => {
    for (const statement of statements) await target.direct(statement);
  };

  // Warm both sides up, then alternate them so that they share the machine's noise.
  for (let i = 0; i < (options.quick ? 1 : 2); i++) {
    await ours();
    await direct();
  }
  const oursMs: number[] = [];
  const directMs: number[] = [];
  const started = performance.now();
  while (
    oursMs.length < options.runs &&
    (oursMs.length < 3 || performance.now() - started < options.scenarioBudgetMs)
  ) {
    oursMs.push(await timed(ours));
    directMs.push(await timed(direct));
  }

  const explains: { statement: string; plan: string }[] = [];
  let rowsRead = 0;
  for (const statement of statements) {
    const text = describeStatement(statement);
    if (/^\s*EXPLAIN/i.test(statement.text)) {
      explains.push({ statement: text, plan: '(a planner estimate: plans only, reads no rows)' });
      continue;
    }
    const plan = await target.explain(statement);
    rowsRead += rowsReadByPlan(plan);
    explains.push({ statement: text, plan });
  }

  const oursSummary = summarize(oursMs);
  const directSummary = summarize(directMs);
  const row: ResultRow = {
    id: scenario.id,
    label: scenario.label,
    timing: { ours: oursSummary, direct: directSummary },
    rowsRead,
    target: '',
    explains,
  };
  if (scenario.isList) {
    const limit = target.kind === 'pg' ? 2 * directSummary.p95 + 2 : 250; /* PGlite: p95 ≤ 250 ms */
    const met = oursSummary.p95 <= limit;
    row.target = met ? 'met' : `missed (limit ${limit.toFixed(1)} ms)`;
    if (rowsRead > ROWS_READ_LIMIT) row.note = `reads ${rowsRead.toLocaleString('en')} rows`;
  }
  return row;
}

/** The statement with its parameters, for the results file. */
export function describeStatement(q: CapturedQuery): string {
  const params = q.params.length
    ? `\n-- parameters: ${q.params.map((p) => JSON.stringify(p)).join(', ')}`
    : '';
  return `${q.text}${params}`;
}
