/**
 * pnpm bench [--db pg|pglite|both] [--events N] [--scenario a,b] [--runs N] [--quick] [--out FILE]
 *
 * Loads generated events, then measures the product (through HTTP and the SDK) against the
 * same work done by the database directly, and writes one markdown table (README: Benchmarks).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { format, resolveConfig } from 'prettier';

import { browserMissing, prepareWebDir, runBrowserScenario } from './browser';
import { runExport, runIngest, runPurge, zipAvailable, type ExportMemory } from './bulk';
import { readScenarios, runReadScenario, warmUpServer } from './listing';
import { describeMachine } from './machine';
import { runPgliteMemory } from './memory';
import { runPageOpen } from './page-open';
import { parseOptions, selected, UsageError, type BenchOptions, type Target } from './options';
import { renderMarkdown, renderTable, type Report } from './report';
import type { ResultRow, TargetResults } from './results';
import { formatCount } from './stats';
import { setUpTarget, type BenchTarget } from './target';

/** The markdown as the repository's prettier writes it, so that the committed file passes format:check. */
async function writeMarkdown(path: string, markdown: string): Promise<void> {
  const config = (await resolveConfig(path)) ?? {};
  writeFileSync(path, await format(markdown, { ...config, parser: 'markdown' }));
}

const log = (line: string) => {
  console.log(line);
};

function errorRow(id: string, label: string, error: unknown): ResultRow {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`  ${id} failed:`, error);
  return { id, label, target: '', error: message };
}

async function benchTarget(
  kind: Target,
  options: BenchOptions,
  publish: (results: TargetResults) => void,
): Promise<TargetResults> {
  const events = kind === 'pg' ? options.events : options.pgliteEvents;
  // The browser scenario needs the server to serve the SPA.
  const runsBrowser = selected(options, 'browser') && !browserMissing(options);
  let web: Awaited<ReturnType<typeof prepareWebDir>> | null = null;
  let webError: Error | null = null;
  if (runsBrowser) {
    try {
      web = await prepareWebDir(log);
    } catch (error) {
      webError = error instanceof Error ? error : new Error(String(error));
    }
  }
  const target = await setUpTarget({
    kind,
    events,
    days: options.days,
    tenants: options.tenants,
    pgUrl: options.pgUrl,
    reuseDb: kind === 'pg' ? options.reuseDb : null,
    webDir: web?.dir ?? null,
    log,
  }).catch(async (error: unknown) => {
    await web?.remove();
    throw error;
  });
  const results: TargetResults = {
    target: kind,
    label: target.label,
    serverVersion: target.serverVersion,
    events: target.events,
    loadSeconds: target.loadSeconds,
    loadRate: target.loadRate,
    reused: target.reused,
    rows: [],
  };
  // Written after every scenario, so that a run cut short still leaves its figures.
  const add = (...rows: ResultRow[]) => {
    results.rows.push(...rows);
    publish(results);
  };
  // PGlite's full run covers the read scenarios; --quick and --pglite-all run all.
  const runsBulk = kind === 'pg' || options.pgliteAll;
  try {
    await warmUpServer(target, options.quick ? 6 : 150);
    for (const scenario of readScenarios(options)) {
      if (!selected(options, scenario.id)) continue;
      try {
        const row = await runReadScenario(target, scenario, options);
        add(row);
        const t = row.timing;
        if (t) {
          log(
            `  ${scenario.id}: ours p95 ${t.ours.p95.toFixed(2)} ms, direct p95 ${t.direct.p95.toFixed(2)} ms, ` +
              `rows read ${row.rowsRead ?? '?'}${row.target ? `, ${row.target}` : ''}`,
          );
        }
      } catch (error) {
        add(errorRow(scenario.id, scenario.label, error));
      }
    }
    try {
      add(...(await runPageOpen(target, options, (id) => selected(options, id), log)));
    } catch (error) {
      add(errorRow('pageopen', 'page open (list + histogram + facets)', error));
    }
    if (selected(options, 'browser')) {
      try {
        if (webError) throw webError;
        add(...(await runBrowserScenario(target, options, log)));
      } catch (error) {
        add(errorRow('browser', 'browser: first screen of the default view', error));
      }
    }
    if (target.integrity && selected(options, 'integrity'))
      add(integrityRow(target, target.integrity));
    if (runsBulk && selected(options, 'ingest')) {
      try {
        add(await runIngest(target, options, log));
      } catch (error) {
        add(errorRow('ingest', 'ingest through the SDK vs COPY', error));
      }
    }
    if (runsBulk) {
      // Smallest first: each larger export is held to the smallest one's memory growth.
      let smallest: ExportMemory | null = null;
      for (const rows of options.exportRows) {
        const id = `export.${rows}`;
        if (!selected(options, id)) continue;
        try {
          const { row, memory } = await runExport(target, rows, smallest, log);
          smallest ??= memory;
          add(row);
        } catch (error) {
          add(errorRow(id, `export ${formatCount(rows)} rows to zipped CSV vs COPY → zip`, error));
        }
      }
    }
    if (runsBulk && selected(options, 'purge')) {
      try {
        add(...(await runPurge(target, log)));
      } catch (error) {
        add(errorRow('purge', 'purge one month vs DROP TABLE', error));
      }
    }
  } finally {
    await target.close(options.keep, async (pgliteDataDir) => {
      // PGlite's footprint: the server in its own process, on a fresh data directory and on this one.
      if (kind !== 'pglite' || !selected(options, 'memory')) return;
      try {
        const loaded = pgliteDataDir ? { dataDir: pgliteDataDir, events: target.events } : null;
        add(...(await runPgliteMemory(options, loaded, log)));
      } catch (error) {
        add(errorRow('memory', 'PGlite server memory', error));
      }
    });
    await web?.remove();
  }
  return results;
}

/**
 * Runs of the same database (e.g. a run on a kept database redoing some scenarios) become
 * one section: a scenario measured again replaces the earlier figure, in the earlier order.
 */
function mergeResults(all: TargetResults[]): TargetResults[] {
  const merged = new Map<string, TargetResults>();
  for (const results of all) {
    const earlier = merged.get(results.target);
    if (!earlier) {
      merged.set(results.target, { ...results, rows: [...results.rows] });
      continue;
    }
    for (const row of results.rows) {
      const index = earlier.rows.findIndex((r) => r.id === row.id);
      if (index >= 0) earlier.rows[index] = row;
      else earlier.rows.push(row);
    }
  }
  return [...merged.values()];
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2), process.env, () =>
      join(tmpdir(), `audit-bench-quick-${process.pid}.md`),
    );
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.message) console.error(error.message);
      console.error(error.usage);
      process.exit(error.message ? 2 : 0);
    }
    throw error;
  }
  if (options.merge) {
    const reports = options.merge.map((file) => JSON.parse(readFileSync(file, 'utf8')) as Report);
    const [first] = reports;
    if (!first) throw new Error('--merge: no reports');
    const merged: Report = {
      ...first,
      options: { ...first.options, note: options.note ?? first.options.note },
      seconds: reports.reduce((sum, r) => sum + r.seconds, 0),
      command: reports.map((r) => r.command).join(', then '),
      results: mergeResults(reports.flatMap((r) => r.results)),
    };
    await writeMarkdown(options.out, renderMarkdown(merged));
    console.log(`Results of ${reports.length} runs: ${options.out}`);
    return;
  }
  if (!zipAvailable()) {
    console.warn(
      'zip is not installed (apt-get install -y zip): the export scenario compares with COPY piped to gzip instead',
    );
  }
  const startedAt = new Date();
  const machine = describeMachine();
  const results: TargetResults[] = [];
  const report = (): Report => ({
    startedAt: startedAt.toISOString(),
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    machine,
    options,
    command: `pnpm bench ${process.argv
      .slice(2)
      .filter((a) => a !== '--')
      .join(' ')}`.trim(),
    results,
  });
  const save = () => {
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, renderMarkdown(report()));
    if (options.json) writeFileSync(options.json, JSON.stringify(report(), null, 2));
  };

  for (const kind of options.targets) {
    const index = results.length;
    try {
      await benchTarget(kind, options, (partial) => {
        results[index] = partial;
        save();
      });
    } catch (error) {
      // One database failing to set up still leaves the other's figures.
      const label = kind === 'pg' ? 'PostgreSQL' : 'PGlite';
      results[index] = {
        target: kind,
        label,
        serverVersion: 'unknown',
        events: 0,
        loadSeconds: 0,
        loadRate: 0,
        rows: [errorRow(kind, `${label}: setup`, error)],
      };
    }
  }
  save();
  await writeMarkdown(options.out, renderMarkdown(report()));
  for (const r of results) {
    console.log(`\n${r.label}, ${r.events.toLocaleString('en')} events\n`);
    console.log(renderTable(r).join('\n'));
  }
  console.log(`\nResults: ${options.out}`);
  if (options.json) console.log(`JSON: ${options.json}`);
  const failed = results.flatMap((r) => r.rows.filter((row) => row.error));
  if (failed.length) {
    console.error(`${failed.length} scenario(s) failed: ${failed.map((r) => r.id).join(', ')}`);
    process.exitCode = 1;
  }
}

await main();

/** Sealing the loaded store and verifying it whole, beside the rate it was loaded at. */
function integrityRow(
  target: BenchTarget,
  integrity: NonNullable<BenchTarget['integrity']>,
): ResultRow {
  const sealRate = integrity.events / integrity.sealSeconds;
  const verifyRate = integrity.events / integrity.verifySeconds;
  return {
    id: 'integrity',
    label: `seal ${formatCount(integrity.events)} loaded events, then verify them all, vs loading them`,
    cells: {
      ours: `seal ${Math.round(sealRate).toLocaleString('en')}/s (${integrity.sealSeconds.toFixed(1)} s), verify ${Math.round(verifyRate).toLocaleString('en')}/s (${integrity.verifySeconds.toFixed(1)} s)`,
      direct: `load ${Math.round(target.loadRate).toLocaleString('en')}/s`,
      ratio: target.loadRate
        ? `${(sealRate / target.loadRate).toFixed(2)}× / ${(verifyRate / target.loadRate).toFixed(2)}×`
        : '',
    },
    target: integrity.ok ? '' : 'missed (verification found problems)',
    note: 'The live sealer runs in the server during every other scenario; its cost to ingest is in the ingest row.',
  };
}
