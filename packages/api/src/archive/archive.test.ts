import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { pipeline } from 'node:stream/promises';
import { runInNewContext } from 'node:vm';

import { EVENT_ACTIONS, type Event, type EventStatus, type ExportFormat } from '@audit/db';
import { parse as parseCsv } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as yauzl from 'yauzl';
import { ZipFile } from 'yazl';

import {
  ArchiveVerificationError,
  csvField,
  EXPORT_COLUMNS,
  readArchivedKeys,
  toArchiveRow,
  verifyArchive,
  writeArchive,
  type ArchiveRow,
  type WriteArchiveOptions,
} from './archive';
import { timestampFormatter } from './timestamps';

// ---------------------------------------------------------------------------------------
// Fixtures

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'archive-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const FORMATS = ['csv', 'json', 'ndjson'] as const satisfies readonly ExportFormat[];
const ISO_WITH_OFFSET = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(?:Z|[+-]\d\d:\d\d)$/;
// What the CSV writer neutralises (the full-width forms on top of the ASCII ones).
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** Values that break naive CSV/JSON writers and spreadsheets. */
const NASTY = [
  'plain',
  'comma, inside',
  'quote " inside "" doubled',
  'line\nbreak',
  'crlf\r\nbreak\r\n',
  '\ttab first',
  'tab\tinside',
  '=SUM(A1:A9)',
  '+1 555 0100',
  '-2',
  '@cmd|/c calc',
  '\rcarriage return first',
  '=HYPERLINK("http://evil.example")\nsecond line',
  '＝full-width equals',
  'unicode: 日本語 Ünïcödé 🚀 \u2028 line separator \u2029',
  ' leading and trailing spaces ',
  "it's",
  '"quoted whole"',
  'x'.repeat(4000),
];
const IPS = [
  '10.0.0.1',
  '2001:db8::8a2e:370:7334',
  '::1',
  '::ffff:192.0.2.1',
  'fe80::1%eth0',
  null,
];
const STATUSES: EventStatus[] = ['success', 'failure', 'job_scheduled', 'recurring_job_scheduled'];
const T0 = Date.UTC(2026, 2, 7, 12, 0, 0, 0); // spans New York's spring-forward on 2026-03-08

function pick<T>(values: readonly T[], i: number): T {
  return values[i % values.length]!;
}

function nullable<T>(value: T, i: number, every: number): T | null {
  return i % every === 0 ? null : value;
}

function makeEvent(i: number): Event {
  const occurredAt = new Date(T0 + i * 37_123 + (i % 1000));
  const bigJson = i % 97 === 0;
  return {
    id: String(1_000_000 + i),
    eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    tenant: i % 11 === 0 ? 'acme, "inc"' : 'default',
    occurredAt,
    recordedAt: new Date(occurredAt.getTime() + (i % 5000)),
    userName: pick(NASTY, i),
    userIp: pick(IPS, i),
    userAgent: nullable(pick(NASTY, i + 3), i, 7),
    agent: nullable(pick(['Chrome', 'curl', '=Mozilla'], i), i, 5),
    domain: nullable(pick(NASTY, i + 5), i, 5),
    application: nullable('Network Management Platform', i, 3),
    workspace: nullable(pick(NASTY, i + 7), i, 4),
    systemId: nullable(`svc-${i % 3}`, i, 6),
    taskName: pick(['tenant.create', 'site.provision', 'Login', '=cmd', '-delete'], i),
    action: nullable(pick(EVENT_ACTIONS, i), i, 9),
    objectType: nullable(pick(NASTY, i + 11), i, 8),
    objectName: nullable(pick(NASTY, i + 13), i, 9),
    status: pick(STATUSES, i),
    resultCode: nullable(pick(['202', '-1', '500'], i), i, 10),
    description: nullable(pick(NASTY, i + 17), i, 2),
    jobId: nullable(String(4000 + (i % 13)), i, 3),
    affectedObjects:
      i % 4 === 0
        ? []
        : [
            { type: 'Device', name: pick(NASTY, i + 19), id: String(i) },
            { type: 'Interface', name: 'ge-0/0/1', detail: 'mtu 1500 → 9000\n"jumbo"' },
          ],
    changes:
      i % 3 === 0
        ? null
        : i % 3 === 1
          ? {
              format: 'text',
              before: 'set system host-name a\n',
              after: 'set system host-name "b"\n',
            }
          : {
              format: 'json',
              before: { vlan: [1, 2] },
              after: { vlan: [1, 2, 3], note: pick(NASTY, i) },
            },
    metadata: bigJson
      ? {
          blob: 'y'.repeat(20_000),
          nested: { deep: { list: Array.from({ length: 200 }, (_, k) => k) } },
        }
      : { requestId: `req-${i}`, unicode: 'ümlaut ✓', n: i, flag: i % 2 === 0, nothing: null },
    producerId: nullable(i % 2 === 0 ? 'svc-a@4c1d' : pick(NASTY, i + 23), i, 7),
    producerSeq: i % 7 === 0 ? null : i % 5 === 0 ? Number.MAX_SAFE_INTEGER - i : i + 1,
  };
}

const EVENTS = Array.from({ length: 3000 }, (_, i) => makeEvent(i));

/** Batches of uneven sizes, with an empty one, as a database cursor might hand them over. */
async function* batches(events: readonly Event[], size = 250): AsyncGenerator<Event[]> {
  yield [];
  for (let start = 0; start < events.length; start += size) {
    await Promise.resolve();
    yield events.slice(start, start + size - (start % 3));
    const rest = events.slice(start + size - (start % 3), start + size);
    if (rest.length > 0) yield rest;
  }
}

/** The events in archive form (JSON columns as text), batch by batch, as a bulk read gives them. */
async function* archiveRows(events: AsyncIterable<Event[]>): AsyncGenerator<ArchiveRow[]> {
  for await (const batch of events) yield batch.map(toArchiveRow);
}

function options(
  name: string,
  format: ExportFormat,
  rows: AsyncIterable<Event[]>,
  extra: Partial<WriteArchiveOptions> = {},
): WriteArchiveOptions {
  return {
    path: join(dir, name),
    format,
    timeZone: 'UTC',
    rows: archiveRows(rows),
    manifest: {
      kind: 'export',
      filters: { user: ['alice'], from: '2026-03-01T00:00:00.000Z' },
      createdBy: 'auditor@example.com',
      createdAt: '2026-03-10T08:00:00.000Z',
      jobId: '42',
    },
    ...extra,
  };
}

/** Every entry of a zip, read with yauzl (independent of the module's own reader). */
async function unzip(path: string): Promise<Map<string, Buffer>> {
  const zip = await yauzl.openPromise(path);
  const files = new Map<string, Buffer>();
  for await (const entry of zip.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    files.set(entry.fileName, Buffer.concat(chunks));
  }
  return files;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** ISO 8601 in `timeZone`, built from Intl's wall clock: a reference independent of the module. */
function referenceTimestamp(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)!.value;
  // Intl writes UTC as `GMT` (or `GMT+00:00`); the module's convention is `Z`.
  const offset = part('timeZoneName')
    .replace('GMT', '')
    .replace(/^(?:[+-]00:00)?$/, 'Z');
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}:${part('second')}.${part('fractionalSecond')}${offset}`;
}

function expectInstant(text: unknown, instant: Date, timeZone: string): void {
  expect(text).toMatch(ISO_WITH_OFFSET);
  expect(new Date(text as string).getTime()).toBe(instant.getTime());
  expect(text).toBe(referenceTimestamp(instant, timeZone));
}

/** Compares one exported row with its event, field by field. */
function expectRow(
  row: Record<string, unknown>,
  event: Event,
  format: ExportFormat,
  timeZone: string,
): void {
  expect(Object.keys(row)).toEqual(EXPORT_COLUMNS);
  for (const column of EXPORT_COLUMNS) {
    const got = row[column];
    const want: unknown = event[column];
    if (column === 'occurredAt' || column === 'recordedAt') {
      expectInstant(got, want as Date, timeZone);
    } else if (format !== 'csv') {
      expect(got, column).toEqual(want);
    } else if (want === null) {
      expect(got, column).toBe('');
    } else if (typeof want === 'object') {
      expect(JSON.parse(got as string), column).toEqual(want);
    } else if (typeof want === 'number') {
      expect(got, column).toBe(String(want));
    } else if (FORMULA_START.test(want as string)) {
      expect(got, column).toBe(`'${want as string}`);
    } else {
      expect(got, column).toBe(want);
    }
  }
}

function parseData(format: ExportFormat, data: Buffer): Record<string, unknown>[] {
  const text = data.toString('utf8');
  if (format === 'csv') return parseCsv<Record<string, unknown>>(text, { columns: true });
  if (format === 'json') return JSON.parse(text) as Record<string, unknown>[];
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const hasUnzip = (() => {
  try {
    execFileSync('unzip', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

// ---------------------------------------------------------------------------------------

describe('writeArchive round trip', () => {
  for (const format of FORMATS) {
    it(`${format}: every field of every row comes back`, async () => {
      const progress: number[] = [];
      let partialSeen = false;
      const path = join(dir, `round-trip.${format}.zip`);
      const written = await writeArchive(
        options(`round-trip.${format}.zip`, format, batches(EVENTS), {
          timeZone: 'America/New_York',
          onProgress: (rows) => {
            progress.push(rows);
            // Until complete, nothing under the final name; the data goes to `.partial`.
            expect(existsSync(path)).toBe(false);
            partialSeen = existsSync(`${path}.partial`);
          },
        }),
      );
      expect(partialSeen).toBe(true);
      expect(written.path).toBe(path);
      expect(written.rowCount).toBe(EVENTS.length);
      expect(progress.at(-1)).toBe(EVENTS.length);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(await readdir(dir)).not.toContain(`round-trip.${format}.zip.partial`);

      const files = await unzip(written.path);
      expect([...files.keys()]).toEqual([`events.${format}`, 'manifest.json']);
      const data = files.get(`events.${format}`)!;
      expect(sha256(data)).toBe(written.sha256);

      const text = data.toString('utf8');
      if (format === 'csv') expect(text.split('\n', 1)[0]).toBe(EXPORT_COLUMNS.join(','));
      if (format === 'json') {
        // `[`, one object per line, `]`.
        const lines = text.split('\n');
        expect(lines[0]).toBe('[');
        expect(lines.at(-2)).toBe(']');
        expect(lines.length).toBe(EVENTS.length + 3);
      }
      if (format === 'ndjson') expect(text.split('\n').length).toBe(EVENTS.length + 1);

      const rows = parseData(format, data);
      expect(rows).toHaveLength(EVENTS.length);
      rows.forEach((row, i) => {
        expectRow(row, EVENTS[i]!, format, 'America/New_York');
      });
    });
  }

  it.skipIf(!hasUnzip)('the zip is read the same by Info-ZIP unzip', async () => {
    for (const format of FORMATS) {
      const path = join(dir, `round-trip.${format}.zip`);
      execFileSync('unzip', ['-tq', path]);
      const viaUnzip = execFileSync('unzip', ['-p', path, `events.${format}`], {
        maxBuffer: 1 << 30,
      });
      expect(viaUnzip.equals((await unzip(path)).get(`events.${format}`)!)).toBe(true);
    }
  });

  it('writes an empty archive that verifies', async () => {
    const empty: Record<ExportFormat, string> = {
      csv: `${EXPORT_COLUMNS.join(',')}\n`,
      json: '[\n]\n',
      ndjson: '',
    };
    for (const format of FORMATS) {
      const written = await writeArchive(options(`empty.${format}.zip`, format, batches([])));
      expect(written.rowCount).toBe(0);
      const files = await unzip(written.path);
      expect(files.get(`events.${format}`)!.toString()).toBe(empty[format]);
      await expect(verifyArchive(written.path, written)).resolves.toMatchObject({ rowCount: 0 });
      const keys: unknown[] = [];
      for await (const batch of readArchivedKeys(written.path)) keys.push(...batch);
      expect(keys).toEqual([]);
    }
  });

  it('rejects an unknown time zone or format before creating anything', async () => {
    await expect(
      writeArchive(options('bad-zone.zip', 'csv', batches(EVENTS), { timeZone: 'Mars/Olympus' })),
    ).rejects.toThrow(RangeError);
    await expect(
      writeArchive(options('bad-format.zip', 'xml' as ExportFormat, batches(EVENTS))),
    ).rejects.toThrow(RangeError);
    expect((await readdir(dir)).filter((name) => name.startsWith('bad-'))).toEqual([]);
  });
});

describe('csvField', () => {
  it.each([
    [null, ''],
    ['', ''],
    ['plain text', 'plain text'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['carriage\rreturn', '"carriage\rreturn"'],
    [' leading space', '" leading space"'],
    ['trailing space ', '"trailing space "'],
    ['\uFEFFbyte-order mark', '"\uFEFFbyte-order mark"'],
    ['=SUM(A1:A9)', `"'=SUM(A1:A9)"`],
    ['+1', `"'+1"`],
    ['-1', `"'-1"`],
    ['@cmd "x"', `"'@cmd ""x"""`],
    ['\tindented', `"'\tindented"`],
    ['\uFF1Dfull-width', `"'\uFF1Dfull-width"`],
    ['1-1=0', '1-1=0'],
  ])('%j → %j', (cell, field) => {
    expect(csvField(cell)).toBe(field);
  });
});

describe('manifest and verification', () => {
  it('records what the archive holds', async () => {
    const written = await writeArchive(
      options('purge.zip', 'ndjson', batches(EVENTS.slice(0, 500)), {
        timeZone: 'Asia/Tokyo',
        manifest: {
          kind: 'purge',
          filters: { tenant: 'default', taskName: 'tenant.*' },
          createdBy: 'admin',
          createdAt: '2026-04-01T00:00:00.000Z',
          jobId: '7',
          before: '2026-03-08T00:00:00.000Z',
        },
      }),
    );
    const files = await unzip(written.path);
    const manifestText = files.get('manifest.json')!.toString('utf8');
    expect(manifestText).toContain('\n  "kind": "purge",\n'); // pretty-printed
    const manifest: unknown = JSON.parse(manifestText);
    expect(manifest).toEqual({
      kind: 'purge',
      format: 'ndjson',
      timeZone: 'Asia/Tokyo',
      dataFile: 'events.ndjson',
      rowCount: 500,
      sha256: sha256(files.get('events.ndjson')!),
      filters: { tenant: 'default', taskName: 'tenant.*' },
      createdBy: 'admin',
      createdAt: '2026-04-01T00:00:00.000Z',
      jobId: '7',
      before: '2026-03-08T00:00:00.000Z',
    });
    expect(written).toEqual({
      path: join(dir, 'purge.zip'),
      fileName: 'purge.zip',
      sizeBytes: (await stat(written.path)).size,
      rowCount: 500,
      sha256: sha256(files.get('events.ndjson')!),
      manifest,
    });
    // An export has no cut-off.
    const exported = await writeArchive(options('export.zip', 'csv', batches([])));
    expect(exported.manifest).not.toHaveProperty('before');
  });

  it('verifyArchive passes on a good archive and fails on a corrupt or unexpected one', async () => {
    const written = await writeArchive(options('verify.zip', 'csv', batches(EVENTS)));
    const good = { rowCount: written.rowCount, sha256: written.sha256 };
    await expect(verifyArchive(written.path, good)).resolves.toEqual(written.manifest);

    await expect(verifyArchive(written.path, { ...good, rowCount: 2999 })).rejects.toThrow(
      ArchiveVerificationError,
    );
    await expect(verifyArchive(written.path, { ...good, sha256: '0'.repeat(64) })).rejects.toThrow(
      ArchiveVerificationError,
    );
    await expect(verifyArchive(join(dir, 'missing.zip'), good)).rejects.toThrow(
      ArchiveVerificationError,
    );

    const bytes = await readFile(written.path);
    // A flipped byte inside the deflated data.
    const flipped = Buffer.from(bytes);
    const at = Math.floor(bytes.length / 3);
    flipped[at] = flipped[at]! ^ 0xff;
    await writeFile(join(dir, 'flipped.zip'), flipped);
    await expect(verifyArchive(join(dir, 'flipped.zip'), good)).rejects.toThrow(
      ArchiveVerificationError,
    );
    // Cut short, as by a crash without the .partial protocol.
    await writeFile(join(dir, 'truncated.zip'), bytes.subarray(0, bytes.length - 200));
    await expect(verifyArchive(join(dir, 'truncated.zip'), good)).rejects.toThrow(
      ArchiveVerificationError,
    );
  });

  it('verifyArchive counts the rows itself instead of trusting the manifest', async () => {
    const written = await writeArchive(options('recount.zip', 'csv', batches(EVENTS)));
    const files = await unzip(written.path);
    // The same data with a manifest that claims one row more, and an `expected` that agrees.
    const lying = { ...written.manifest, rowCount: written.rowCount + 1 };
    const path = join(dir, 'lying.zip');
    const zip = new ZipFile();
    zip.addBuffer(files.get('events.csv')!, 'events.csv');
    zip.addBuffer(Buffer.from(JSON.stringify(lying)), 'manifest.json');
    zip.end();
    await pipeline(zip.outputStream, createWriteStream(path));
    await expect(
      verifyArchive(path, { rowCount: lying.rowCount, sha256: written.sha256 }),
    ).rejects.toThrow(/3000 rows ≠ manifest 3001/);
  });
});

describe('time zones', () => {
  const cases: [zone: string, utc: string, local: string][] = [
    ['Asia/Tokyo', '2026-01-01T00:00:00.000Z', '2026-01-01T09:00:00.000+09:00'],
    ['Asia/Tokyo', '2025-12-31T15:00:00.001Z', '2026-01-01T00:00:00.001+09:00'],
    ['UTC', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
    ['Etc/UTC', '2026-07-01T12:34:56.789Z', '2026-07-01T12:34:56.789Z'],
    ['Europe/London', '2026-01-15T10:00:00.000Z', '2026-01-15T10:00:00.000Z'],
    ['Europe/London', '2026-07-15T10:00:00.000Z', '2026-07-15T11:00:00.000+01:00'],
    // New York, spring forward: 02:00 EST becomes 03:00 EDT (07:00 UTC).
    ['America/New_York', '2026-03-08T06:59:59.999Z', '2026-03-08T01:59:59.999-05:00'],
    ['America/New_York', '2026-03-08T07:00:00.000Z', '2026-03-08T03:00:00.000-04:00'],
    // Fall back: 01:30 happens twice, told apart by the offset.
    ['America/New_York', '2026-11-01T05:30:00.000Z', '2026-11-01T01:30:00.000-04:00'],
    ['America/New_York', '2026-11-01T06:30:00.000Z', '2026-11-01T01:30:00.000-05:00'],
    ['Asia/Kolkata', '2026-01-01T00:00:00.000Z', '2026-01-01T05:30:00.000+05:30'],
    ['Asia/Kathmandu', '2026-01-01T00:00:00.000Z', '2026-01-01T05:45:00.000+05:45'],
    ['Asia/Kathmandu', '2026-06-30T18:14:59.999Z', '2026-06-30T23:59:59.999+05:45'],
    ['America/St_Johns', '2026-01-01T00:00:00.000Z', '2025-12-31T20:30:00.000-03:30'],
    // Lord Howe moves by half an hour at DST (02:00 +10:30 → 02:30 +11:00 on 2026-10-04).
    ['Australia/Lord_Howe', '2026-10-03T15:29:59.999Z', '2026-10-04T01:59:59.999+10:30'],
    ['Australia/Lord_Howe', '2026-10-03T15:30:00.000Z', '2026-10-04T02:30:00.000+11:00'],
    ['Pacific/Chatham', '2026-01-01T00:00:00.000Z', '2026-01-01T13:45:00.000+13:45'],
    ['Pacific/Kiritimati', '2026-01-01T00:00:00.000Z', '2026-01-01T14:00:00.000+14:00'],
  ];

  it.each(cases)('%s: %s → %s', (zone, utc, local) => {
    const formatted = timestampFormatter(zone)(new Date(utc));
    expect(formatted).toBe(local);
    expect(new Date(formatted).toISOString()).toBe(utc);
  });

  it('writes the zone offset into the exported rows, in every format', async () => {
    for (const zone of ['Asia/Tokyo', 'America/New_York', 'Asia/Kathmandu', 'UTC']) {
      const zoneCases = cases.filter(([z]) => z === zone);
      const events = zoneCases.map(([, utc], i) => ({
        ...EVENTS[i]!,
        occurredAt: new Date(utc),
        recordedAt: new Date(new Date(utc).getTime() + 1),
      }));
      for (const format of FORMATS) {
        const written = await writeArchive(
          options(`zone-${zone.replace('/', '-')}.${format}.zip`, format, batches(events), {
            timeZone: zone,
          }),
        );
        expect(written.manifest.timeZone).toBe(zone);
        const rows = parseData(format, (await unzip(written.path)).get(`events.${format}`)!);
        expect(rows.map((row) => row.occurredAt)).toEqual(zoneCases.map(([, , local]) => local));
        rows.forEach((row, i) => {
          expectRow(row, events[i]!, format, zone);
        });
      }
    }
  });

  it('matches an Intl reference minute by minute across DST transitions', () => {
    const windows: [zone: string, around: string][] = [
      ['America/New_York', '2026-03-08T07:00:00Z'],
      ['America/New_York', '2026-11-01T06:00:00Z'],
      ['Europe/Berlin', '2026-03-29T01:00:00Z'],
      ['Europe/Berlin', '2026-10-25T01:00:00Z'],
      ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'],
      ['Australia/Lord_Howe', '2026-10-03T15:30:00Z'],
      ['Antarctica/Troll', '2026-03-29T01:00:00Z'], // a two-hour DST jump
    ];
    for (const [zone, around] of windows) {
      const format = timestampFormatter(zone);
      const center = new Date(around).getTime();
      for (let ms = center - 3 * 3_600_000; ms <= center + 3 * 3_600_000; ms += 59_999) {
        const instant = new Date(ms);
        expectInstant(format(instant), instant, zone);
      }
    }
  });

  it('round-trips any instant in any zone (property)', () => {
    const zones = [
      'UTC',
      'Asia/Tokyo',
      'America/New_York',
      'Asia/Kolkata',
      'Asia/Kathmandu',
      'Australia/Lord_Howe',
      'Pacific/Chatham',
      'America/St_Johns',
      'Asia/Tehran',
      'Europe/Dublin',
      'America/Sao_Paulo',
      'Pacific/Apia',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(1972, 0, 1), max: Date.UTC(2100, 0, 1) }),
        (zone, ms) => {
          const instant = new Date(ms);
          const formatted = timestampFormatter(zone)(instant);
          expect(new Date(formatted).getTime()).toBe(ms);
          expect(formatted).toBe(referenceTimestamp(instant, zone));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('writes offsets in seconds (local mean time before 1972) as UTC, still exact', () => {
    const instant = new Date('1960-06-01T12:00:00.000Z'); // Monrovia was −00:44:30
    expect(timestampFormatter('Africa/Monrovia')(instant)).toBe('1960-06-01T12:00:00.000Z');
  });
});

describe('cancel', () => {
  /** Batches forever (until returned), like a cursor over a big table. */
  function endless(state: { closed: boolean }): AsyncIterable<Event[]> {
    return (async function* () {
      try {
        for (let n = 0; ; n++) {
          await Promise.resolve();
          yield EVENTS.slice(0, 500).map((event, i) => ({ ...event, id: String(n * 500 + i) }));
        }
      } finally {
        state.closed = true;
      }
    })();
  }

  it('stops mid-way, leaves no file, rejects with an AbortError', async () => {
    const controller = new AbortController();
    const state = { closed: false };
    const path = join(dir, 'cancel', 'canceled.zip');
    const run = writeArchive(
      options('unused', 'csv', endless(state), {
        path,
        signal: controller.signal,
        onProgress: (rows) => {
          if (rows >= 5000) controller.abort();
        },
      }),
    );
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(state.closed).toBe(true); // the cursor was closed
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.partial`)).toBe(false);
    expect(await readdir(join(dir, 'cancel'))).toEqual([]);
  });

  it('keeps the reason when canceled with one', async () => {
    const controller = new AbortController();
    const reason = new Error('job canceled by admin');
    const run = writeArchive(
      options('cancel-reason.zip', 'json', endless({ closed: false }), {
        signal: controller.signal,
        onProgress: () => {
          controller.abort(reason);
        },
      }),
    );
    await expect(run).rejects.toMatchObject({ name: 'AbortError', cause: reason });
    expect(existsSync(join(dir, 'cancel-reason.zip.partial'))).toBe(false);
  });

  it('leaves no file when canceled before the file is even open', async () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const controller = new AbortController();
      const path = join(dir, 'cancel-early', `early-${attempt}.zip`);
      const run = writeArchive(
        options('unused', 'csv', batches(EVENTS), {
          path,
          signal: controller.signal,
          onProgress: () => {
            controller.abort();
          },
        }),
      );
      await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    }
    expect(await readdir(join(dir, 'cancel-early'))).toEqual([]);
  });

  it('does nothing when already canceled', async () => {
    const run = writeArchive(
      options('cancel-before.zip', 'ndjson', batches(EVENTS), { signal: AbortSignal.abort() }),
    );
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(existsSync(join(dir, 'cancel-before.zip.partial'))).toBe(false);
  });

  it('cleans up when reading the rows fails', async () => {
    async function* failing(): AsyncGenerator<Event[]> {
      yield EVENTS.slice(0, 100);
      await Promise.resolve();
      throw new Error('connection lost');
    }
    await expect(writeArchive(options('failing.zip', 'csv', failing()))).rejects.toThrow(
      'connection lost',
    );
    expect((await readdir(dir)).filter((name) => name.startsWith('failing'))).toEqual([]);
  });
});

describe('readArchivedKeys', () => {
  for (const format of FORMATS) {
    it(`${format}: every id and occurredAt once, in order, in batches`, async () => {
      const written = await writeArchive(
        options(`keys.${format}.zip`, format, batches(EVENTS), { timeZone: 'Asia/Kathmandu' }),
      );
      const sizes: number[] = [];
      const keys: { id: string; occurredAt: Date }[] = [];
      for await (const batch of readArchivedKeys(written.path, 700)) {
        sizes.push(batch.length);
        keys.push(...batch);
      }
      expect(sizes).toEqual([700, 700, 700, 700, 200]);
      expect(keys.map((key) => key.id)).toEqual(EVENTS.map((event) => event.id));
      expect(keys.map((key) => key.occurredAt.getTime())).toEqual(
        EVENTS.map((event) => event.occurredAt.getTime()),
      );
    });
  }

  it('refuses a file that is not an archive', async () => {
    const path = join(dir, 'not-a-zip.zip');
    await writeFile(path, 'hello');
    await expect(async () => {
      for await (const _ of readArchivedKeys(path)) {
        // drain
      }
    }).rejects.toThrow();
  });
});

describe('memory', () => {
  // Exposes gc() without a command-line flag, to measure what is retained, not garbage.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;

  /** Realistic rows, in the seeds' vocabulary (sizes of a typical audit entry). */
  const TEMPLATES: Omit<Event, 'id' | 'eventId' | 'occurredAt' | 'recordedAt'>[] = [
    {
      tenant: 'default',
      userName: 'super',
      userIp: '10.204.8.17',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/124.0',
      agent: 'Chrome',
      domain: 'Global',
      application: 'Network Management Platform',
      workspace: 'Devices',
      systemId: 'space-1',
      taskName: 'POST: /api/space/device-management/discover-devices',
      action: 'execute',
      objectType: 'Device',
      objectName: 'srx-branch-01',
      status: 'job_scheduled',
      resultCode: '202',
      description: 'Discover devices in 10.204.0.0/16\nSNMP v2c, ping first',
      jobId: '4711',
      affectedObjects: [{ type: 'Device', name: 'srx-branch-01', id: '131073' }],
      changes: null,
      metadata: { requestId: 'b3f1c2', durationMs: 182 },
      producerId: '3b1f8a52-4d1e-4c59-9a77-2f0c6e1d9b10',
      producerSeq: 18_204,
    },
    {
      tenant: 'acme',
      userName: 'alice@acme.example',
      userIp: '2001:db8:0:1::42',
      userAgent: null,
      agent: null,
      domain: 'acme',
      application: 'Tenant Manager',
      workspace: null,
      systemId: 'cso-core',
      taskName: 'tenant.create',
      action: 'create',
      objectType: 'Tenant',
      objectName: 'acme-east',
      status: 'success',
      resultCode: '200',
      description: 'Created tenant acme-east with 2 sites',
      jobId: null,
      affectedObjects: [
        { type: 'Site', name: 'east-1' },
        { type: 'Site', name: 'east-2' },
      ],
      changes: {
        format: 'json',
        before: null,
        after: { name: 'acme-east', sites: ['east-1', 'east-2'], plan: 'gold' },
      },
      metadata: { api: 'v2', via: 'sdk' },
      producerId: 'cso-core-1',
      producerSeq: 7,
    },
    {
      tenant: 'default',
      userName: 'bob',
      userIp: '192.0.2.10',
      userAgent: 'curl/8.5.0',
      agent: 'curl',
      domain: 'Global',
      application: 'audit',
      workspace: null,
      systemId: null,
      taskName: 'Login',
      action: 'login',
      objectType: null,
      objectName: null,
      status: 'failure',
      resultCode: '401',
      description: 'Invalid password',
      jobId: null,
      affectedObjects: [],
      changes: null,
      metadata: {},
      producerId: null,
      producerSeq: null,
    },
    {
      tenant: 'default',
      userName: 'netops',
      userIp: '10.1.1.5',
      userAgent: null,
      agent: null,
      domain: 'Global',
      application: 'Network Management Platform',
      workspace: 'Configuration',
      systemId: 'space-1',
      taskName: 'site.provision',
      action: 'execute',
      objectType: 'Device',
      objectName: 'mx480-core',
      status: 'success',
      resultCode: null,
      description: 'Pushed configuration',
      jobId: '4712',
      affectedObjects: [{ type: 'Device', name: 'mx480-core', detail: 'commit confirmed 5' }],
      changes: {
        format: 'text',
        before: 'set interfaces ge-0/0/1 mtu 1500\nset system host-name core-a\n',
        after: 'set interfaces ge-0/0/1 mtu 9000\nset system host-name "core-a"\n',
      },
      metadata: { commitId: 'c-5521' },
      producerId: 'space-1',
      producerSeq: 1_048_576,
    },
  ];

  /** 200 000 rows from the templates, generated lazily so the input holds no memory. */
  async function* generated(count: number): AsyncGenerator<Event[]> {
    for (let start = 0; start < count; start += 1000) {
      await Promise.resolve();
      const batch: Event[] = [];
      for (let i = start; i < Math.min(count, start + 1000); i++) {
        const occurredAt = new Date(T0 + i * 1000 + (i % 997));
        batch.push({
          ...TEMPLATES[i % TEMPLATES.length]!,
          id: String(i + 1),
          eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          occurredAt,
          recordedAt: new Date(occurredAt.getTime() + 3),
        });
      }
      yield batch;
    }
  }

  for (const format of FORMATS) {
    it(`${format}: 200 000 rows with flat memory`, async () => {
      const count = 200_000;
      gc();
      const baseline = process.memoryUsage().heapUsed;
      let peak = baseline; // heapUsed as it is, garbage included
      let live = baseline; // heapUsed right after a full GC, sampled every 20 batches
      let batchesSeen = 0;
      const started = performance.now();
      const written = await writeArchive(
        options(`big.${format}.zip`, format, generated(count), {
          timeZone: 'Europe/Berlin',
          onProgress: () => {
            peak = Math.max(peak, process.memoryUsage().heapUsed);
            if (++batchesSeen % 20 === 0) {
              gc();
              live = Math.max(live, process.memoryUsage().heapUsed);
            }
          },
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      gc();
      const retained = process.memoryUsage().heapUsed - baseline;
      const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
      console.log(
        `${format}: ${count} rows in ${seconds.toFixed(2)} s = ${Math.round(count / seconds)} rows/s, ` +
          `${mb(written.sizeBytes)} MiB zip; heap growth: live max +${mb(live - baseline)} MiB, ` +
          `peak with garbage +${mb(peak - baseline)} MiB, retained after +${mb(retained)} MiB`,
      );
      expect(written.rowCount).toBe(count);
      // What the write holds at any time: a batch, the chunk buffers, zlib's window.
      expect(live - baseline).toBeLessThan(50 * 2 ** 20);
      expect(retained).toBeLessThan(10 * 2 ** 20);
      await rm(written.path);
    });
  }
});
