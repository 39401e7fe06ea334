import { parseArgs } from 'node:util';

import { DEFAULT_CHROMIUM } from './browser';

export type Target = 'pg' | 'pglite';

export interface BenchOptions {
  targets: Target[];
  /** Events loaded on PostgreSQL. */
  events: number;
  /** Events loaded on PGlite. */
  pgliteEvents: number;
  /** Days the loaded events span, ending now (395 ≈ 13 months). */
  days: number;
  tenants: number;
  /** Timed repetitions of each list scenario (each side). */
  runs: number;
  /** Longest a list scenario is repeated for, in ms (at least 3 runs whatever it takes). */
  scenarioBudgetMs: number;
  /** Scenario ids or prefixes (`list`, `sort.userName`); null: every scenario. */
  scenarios: string[] | null;
  /** Events recorded through the SDK, and COPYed, in the ingest scenario. */
  ingestEvents: number;
  /**
   * Sizes of the export scenario, smallest first: one export each, and every larger one must
   * grow the server's memory no more than the smallest did (memory flat whatever the size).
   */
  exportRows: number[];
  /** The page the cursor scenario reads (1 000 in the full run). */
  cursorPage: number;
  quick: boolean;
  /** Markdown results file. */
  out: string;
  /** Machine-readable results, beside the markdown. */
  json: string | null;
  /** Keep the benchmark database (PostgreSQL) instead of dropping it. */
  keep: boolean;
  /** Server to create the benchmark database on. */
  pgUrl: string;
  /** Which scenarios PGlite runs by default: the list family, or all. */
  pgliteAll: boolean;
  /** A paragraph added to the results file (what the figures cannot say themselves). */
  note: string | null;
  /** PostgreSQL: an existing benchmark database (kept with --keep) to run on instead of loading. */
  reuseDb: string | null;
  /** JSON reports of earlier runs to combine into one results file, instead of running. */
  merge: string[] | null;
  /** Chromium for the browser scenario (skipped, with a note, when it is not there). */
  chromium: string;
}

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const DEFAULT_OUT = new URL('../RESULTS.md', import.meta.url).pathname;

const USAGE = `pnpm bench [options]

  --db pg|pglite|both   where to run (default: both; --quick: pg when DATABASE_URL is set, else pglite)
  --events N            events loaded on PostgreSQL (default 10,000,000; --quick 20,000)
  --pglite-events N     events loaded on PGlite (default 1,000,000; --quick 20,000)
  --days D              days the events span, ending now (default 395, about 13 months)
  --scenario a,b        only these scenarios (ids or prefixes: list, sort, sort.userName, cursor,
                        histogram, facets, pageopen, pageopen.all, browser, ingest, export,
                        purge, memory, integrity)
  --runs N              timed runs of each list scenario and side (default 30; --quick 3)
  --ingest-events N     events recorded through the SDK and COPYed (default 1,000,000)
  --export-rows N       rows exported; repeat it to export several sizes, each larger one
                        checked to grow the server's memory no more than the smallest
                        (default 1,000,000 and 5,000,000; --quick 2,000 and 5,000)
  --quick               small sizes for a smoke run (a few minutes at most)
  --out FILE            markdown results (default packages/bench/RESULTS.md; --quick: a temp file)
  --json FILE           also write the results as JSON
  --keep                keep the PostgreSQL benchmark database
  --reuse-db NAME       run on a database kept by --keep (no loading; it is kept again)
  --merge A.json,B.json write one results file from the JSON of earlier runs (PostgreSQL
                        and PGlite run one after the other), running nothing
  --note TEXT           a paragraph for the results file (e.g. how the database was loaded)
  --pglite-all          on PGlite, run ingest, export and purge too (--quick always does)
  --pg-url URL          PostgreSQL server to create the benchmark database on
                        (default: DATABASE_URL, else ${DEFAULT_PG_URL})
  --chromium PATH       Chromium for the browser scenario (default: CHROMIUM_PATH, else
                        ${DEFAULT_CHROMIUM}; the scenario is skipped when it is missing)
`;

export class UsageError extends Error {
  override name = 'UsageError';
  readonly usage = USAGE;
}

function count(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text.replaceAll('_', '').replaceAll(',', ''));
  if (!Number.isInteger(value) || value < 1) {
    throw new UsageError(`--${name}: expected a whole number of at least 1, got "${text}"`);
  }
  return value;
}

/** --export-rows, given any number of times: distinct sizes, smallest first. */
function exportSizes(texts: string[] | undefined, fallback: number[]): number[] {
  const sizes = texts?.map((text) => count('export-rows', text, 0)) ?? fallback;
  return [...new Set(sizes)].sort((a, b) => a - b);
}

export function parseOptions(
  argv: string[],
  env: Record<string, string | undefined>,
  tmpOut: () => string,
): BenchOptions {
  const { values } = parseArgs({
    // pnpm forwards the `--` that separates its own options.
    args: argv.filter((arg) => arg !== '--'),
    options: {
      db: { type: 'string' },
      events: { type: 'string' },
      'pglite-events': { type: 'string' },
      days: { type: 'string' },
      tenants: { type: 'string' },
      scenario: { type: 'string' },
      runs: { type: 'string' },
      'ingest-events': { type: 'string' },
      'export-rows': { type: 'string', multiple: true },
      'cursor-page': { type: 'string' },
      'budget-ms': { type: 'string' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      json: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'pg-url': { type: 'string' },
      'pglite-all': { type: 'boolean', default: false },
      merge: { type: 'string' },
      'reuse-db': { type: 'string' },
      note: { type: 'string' },
      chromium: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) throw new UsageError('');
  const quick = values.quick;
  const dbText = values.db ?? (quick ? (env.DATABASE_URL ? 'pg' : 'pglite') : 'both');
  const choices: Record<string, Target[]> = {
    pg: ['pg'],
    pglite: ['pglite'],
    both: ['pg', 'pglite'],
  };
  const targets = choices[dbText];
  if (!targets) throw new UsageError(`--db: expected pg, pglite or both, got "${dbText}"`);

  const events = count('events', values.events, quick ? 20_000 : 10_000_000);
  const pgliteEvents = count('pglite-events', values['pglite-events'], quick ? 20_000 : 1_000_000);
  const scenarios = values.scenario
    ? values.scenario
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : null;
  return {
    targets,
    events,
    pgliteEvents,
    days: count('days', values.days, 395),
    tenants: count('tenants', values.tenants, 3),
    runs: count('runs', values.runs, quick ? 3 : 30),
    scenarioBudgetMs: count('budget-ms', values['budget-ms'], quick ? 5_000 : 20_000),
    scenarios,
    ingestEvents: count('ingest-events', values['ingest-events'], quick ? 2_000 : 1_000_000),
    exportRows: exportSizes(values['export-rows'], quick ? [2_000, 5_000] : [1_000_000, 5_000_000]),
    cursorPage: count('cursor-page', values['cursor-page'], quick ? 20 : 1_000),
    quick,
    // A smoke run never overwrites the committed results.
    out: values.out ?? (quick ? tmpOut() : DEFAULT_OUT),
    json: values.json ?? null,
    keep: values.keep,
    pgUrl: values['pg-url'] ?? env.DATABASE_URL ?? DEFAULT_PG_URL,
    pgliteAll: values['pglite-all'] || quick,
    merge: values.merge ? values.merge.split(',').filter(Boolean) : null,
    reuseDb: values['reuse-db'] ?? null,
    note: values.note ?? null,
    chromium: values.chromium ?? env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM,
  };
}

export function usage(): string {
  return USAGE;
}

/** Whether a scenario id is selected by --scenario (ids or dot-separated prefixes). */
export function selected(options: Pick<BenchOptions, 'scenarios'>, id: string): boolean {
  if (!options.scenarios) return true;
  return options.scenarios.some((s) => id === s || id.startsWith(`${s}.`));
}
