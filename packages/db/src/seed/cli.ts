/**
 * pnpm db:seed --events N [--days D] [--tenants T] [--seed S] [--compare-copy]
 *
 * Loads generated demo events into the database the environment names (DATABASE_URL, or
 * PGlite under DATA_DIR), with a progress bar, and prints the rate. --compare-copy then
 * times a plain COPY of the same rows into an identically indexed copy of the events table.
 */
import { parseArgs } from 'node:util';

import { SingleBar } from 'cli-progress';

import { createDb } from '../client';
import { timePlainCopy } from './compare-copy';
import { loadSeed } from './load';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000' },
    days: { type: 'string', default: '30' },
    tenants: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    'compare-copy': { type: 'boolean', default: false },
  },
  strict: true,
});

function positiveInt(name: string, text: string): number {
  const value = Number(text.replaceAll('_', ''));
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name}: expected a whole number of at least 1, got "${text}"`);
    process.exit(2);
  }
  return value;
}

const options = {
  events: positiveInt('events', values.events),
  days: positiveInt('days', values.days),
  tenants: positiveInt('tenants', values.tenants),
  seed: positiveInt('seed', values.seed),
  end: new Date(),
};

const store = await createDb({
  databaseUrl: process.env.DATABASE_URL || undefined,
  dataDir: process.env.DATA_DIR || undefined,
});
try {
  await store.migrate();
  const target = store.driver === 'postgres' ? 'PostgreSQL' : 'PGlite';
  console.log(
    `Loading ${options.events.toLocaleString('en')} events over ${options.days} days into ${target}`,
  );
  const bar = new SingleBar({
    format: '{bar} {percentage}% | {value}/{total} events | {rate} events/s | ETA {eta_formatted}',
    hideCursor: true,
  });
  const started = performance.now();
  bar.start(options.events, 0, { rate: 0 });
  const result = await loadSeed(store, options, (done) => {
    const rate = Math.round(done / ((performance.now() - started) / 1000));
    bar.update(done, { rate: rate.toLocaleString('en') });
  });
  bar.stop();
  const rate = Math.round(result.events / result.seconds);
  console.log(
    `Loaded ${result.events.toLocaleString('en')} events and ${result.jobs.toLocaleString('en')} jobs ` +
      `in ${result.seconds.toFixed(1)} s: ${rate.toLocaleString('en')} events/s` +
      (result.attachedMonths.length
        ? ` (${result.attachedMonths.length} months built unindexed, then attached)`
        : ''),
  );

  if (values['compare-copy']) {
    if (store.raw.driver !== 'postgres') {
      console.error(
        '--compare-copy needs PostgreSQL (DATABASE_URL): PGlite has no COPY FROM STDIN',
      );
      process.exitCode = 2;
    } else {
      console.log('Timing a plain COPY of the same rows into an indexed copy of events…');
      const copy = await timePlainCopy(store.raw.sql, options);
      const copyRate = Math.round(copy.rows / copy.seconds);
      console.log(
        `Plain COPY: ${copy.rows.toLocaleString('en')} events in ${copy.seconds.toFixed(1)} s: ` +
          `${copyRate.toLocaleString('en')} events/s. db:seed / COPY = ${(rate / copyRate).toFixed(2)}`,
      );
    }
  }
} finally {
  await store.close();
}
