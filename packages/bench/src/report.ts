import type { Machine } from './machine';
import type { BenchOptions } from './options';
import type { ResultRow, TargetResults } from './results';
import { formatCount, formatMs } from './stats';

export interface Report {
  startedAt: string;
  seconds: number;
  machine: Machine;
  options: BenchOptions;
  command: string;
  results: TargetResults[];
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

export function tableRow(row: ResultRow): string {
  if (row.error) return `| ${cell(row.label)} | error: ${cell(row.error)} | | | | | | |`;
  if (row.timing) {
    const { ours, direct } = row.timing;
    const ratio = ours.p95 / direct.p95;
    return `| ${cell(row.label)} | ${formatMs(ours.median)} | ${formatMs(ours.p95)} | ${formatMs(direct.median)} | ${formatMs(direct.p95)} | ${ratio.toFixed(2)}× | ${row.rowsRead === undefined ? '' : formatCount(row.rowsRead)} | ${cell(row.target)} |`;
  }
  const cells = row.cells ?? { ours: '', direct: '', ratio: '' };
  return `| ${cell(row.label)} | ${cell(cells.ours)} | | ${cell(cells.direct)} | | ${cell(cells.ratio)} | | ${cell(row.target)} |`;
}

export const TABLE_HEAD = [
  '| scenario | ours median | ours p95 | direct median | direct p95 | ratio (p95) | rows read | target |',
  '|---|---|---|---|---|---|---|---|',
];

export function renderTable(results: TargetResults): string[] {
  return [...TABLE_HEAD, ...results.rows.map(tableRow)];
}

export function renderMarkdown(report: Report): string {
  const { machine, options } = report;
  const out: string[] = [];
  out.push('# Benchmark results');
  out.push('');
  out.push(
    `Written by \`${report.command}\` on ${report.startedAt} (${formatMs(report.seconds * 1000)}). ` +
      'Benchmarks, not timed tests: each line compares the product with the same work done by ' +
      'PostgreSQL (or PGlite) directly, in the same run on the same machine, so read the ratios ' +
      'rather than the absolute times.',
  );
  out.push('');
  out.push('## Machine');
  out.push('');
  out.push(`- CPU: ${machine.cpu}, ${machine.cores} cores; RAM ${machine.ramGiB} GiB`);
  out.push(`- OS: ${machine.os}; Node ${machine.node}`);
  for (const r of report.results) out.push(`- ${r.label}: ${r.serverVersion}`);
  out.push(`- Load average when the run started: ${machine.loadAverage || 'unknown'}`);
  out.push(
    '- Contention: the machine may be shared, so absolute figures are noisy (the load average ' +
      'above says how busy it was); each ratio compares two measurements taken alternately in ' +
      'the same minutes.',
  );
  if (report.options.note) out.push(`- Note: ${report.options.note}`);
  out.push('');
  out.push('## How to read it');
  out.push('');
  out.push(
    '- **ours**: a request through HTTP `/trpc` to the real server (for PostgreSQL in its own ' +
      'process, for PGlite in the benchmark process, which PGlite needs), signed in as an admin; ' +
      'the response is read and parsed. Ingest and export go through `@audit/sdk`.',
  );
  out.push(
    '- **direct**: exactly the SQL statements on `events` that the same request made the server ' +
      'send (captured from Drizzle, parameters included: the page query and, where the total is ' +
      'counted, the estimate and capped count), run one after the other through postgres.js ' +
      '(PGlite: `pglite.query`) from Node, round trip included (the server runs a page and its ' +
      'total concurrently, on two pooled connections). Ingest: `COPY events FROM STDIN` ' +
      'into the same indexed table; export: `COPY (SELECT …) TO STDOUT WITH CSV` piped to ' +
      "`zip -1` (the export writes level-1 deflate too); purge: `DROP TABLE` of a month's partition.",
  );
  out.push(
    '- **median / p95** over the timed runs (alternating ours and direct, after 2 warm-up runs ' +
      `of each; ${options.runs} runs, or fewer when a scenario takes more than ` +
      `${formatMs(options.scenarioBudgetMs)}, at least 3). **ratio** = ours p95 / direct p95 ` +
      '(for throughput: ours / direct).',
  );
  out.push(
    '- **rows read**: rows the statements read, from `EXPLAIN (ANALYZE, BUFFERS)` (scan nodes ' +
      'plus rows their filters discarded). A list page reading more than a few thousand rows is ' +
      'a defect.',
  );
  out.push(
    '- **targets**: on PostgreSQL every list scenario p95 ≤ 2 × direct p95 + 2 ms; ' +
      'ingest ≥ 50 % of COPY; export ≥ 50 % of COPY → zip with server RSS growth ≤ 100 MB, and ' +
      'a larger export growing it no more than the smallest did (give or take 10 MB); purge ' +
      'of a month < 1 s without archive; on PGlite every list scenario p95 ≤ 250 ms.',
  );
  out.push(
    '- **PGlite server memory**: the real server (the bundle `dist/main.mjs` under plain node, ' +
      'as `pnpm start` runs it) in its own process, first on an empty data directory (initdb in a ' +
      'child process, migrations), then on the loaded one: peak RSS while it starts, and RSS ' +
      'once idle, after its start and after a round of requests (target ≤ 300 MB).',
  );
  out.push(
    '- The data: the demo generator (`@audit/db/seed`) over ' +
      `${options.days} days ending at the run's start, ${options.tenants} tenants, loaded by ` +
      'the seed loader, then `VACUUM (ANALYZE) events`. Ingest adds its events (and the COPY ' +
      'its own) before export and purge run.',
  );
  for (const r of report.results) {
    out.push('');
    out.push(`## ${r.label}, ${formatCount(r.events)} events`);
    out.push('');
    out.push(
      r.reused
        ? `Ran on database ${r.reused}, loaded by an earlier run (\`--keep\`, then \`--reuse-db\`).`
        : `Loaded in ${formatMs(r.loadSeconds * 1000)} (${formatCount(r.loadRate)} events/s` +
            `${r.target === 'pg' ? ', COPY into unindexed monthly tables, indexes built after' : ', batched INSERTs'}).`,
    );
    out.push('');
    out.push(...renderTable(r));
    const notes = r.rows.filter((row) => row.note);
    if (notes.length) {
      out.push('');
      for (const row of notes) out.push(`- ${row.label}: ${row.note ?? ''}`);
    }
  }
  for (const r of report.results) {
    out.push('');
    out.push(`## EXPLAIN (ANALYZE, BUFFERS): ${r.label}`);
    for (const row of r.rows) {
      if (!row.explains?.length) continue;
      out.push('');
      out.push(`### ${row.label}`);
      for (const e of row.explains) {
        out.push('');
        out.push('```sql');
        out.push(e.statement);
        out.push('```');
        out.push('');
        out.push('```');
        out.push(e.plan);
        out.push('```');
      }
    }
  }
  out.push('');
  return out.join('\n');
}
