/**
 * Audit events → `.zip` (one data file + manifest.json), and back.
 *
 * Everything streams: rows are serialised a batch at a time, re-chunked into ≥ 64 KiB
 * pieces, hashed on the way and deflated by yazl straight into `${path}.partial`, which is
 * fsynced and renamed only once complete. Memory stays flat whatever the row count.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { pipeline as pipelineStreams, Readable, Transform } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { setImmediate } from 'node:timers/promises';

import { EXPORT_FORMATS, type Event, type ExportFormat } from '@audit/db';
import {
  declarationOf,
  EVENT_FIELD_NAMES,
  JSON_FIELDS,
  type EventField,
  type JsonField,
  type TimeField,
} from '@audit/db/fields';
import { parse as parseCsv } from 'csv-parse';
import * as yauzl from 'yauzl';
import { ZipFile } from 'yazl';
import { z } from 'zod';

import { assertTimeZone, timestampFormatter } from './timestamps';

type ExportColumn = EventField;

/** Every event field, in declaration order (@audit/db/fields): the CSV header and the JSON key order. */
export const EXPORT_COLUMNS: readonly ExportColumn[] = EVENT_FIELD_NAMES;

type JsonColumn = JsonField;

function isJsonColumn(column: ExportColumn): column is JsonColumn {
  return declarationOf(column).kind === 'json';
}

function isTimeColumn(column: ExportColumn): column is TimeField {
  return declarationOf(column).kind === 'time';
}

/**
 * An event as archives take it: its JSON columns as JSON text. Read in bulk, they are
 * written as the database hands them over, without a parse and a stringify per value
 * (a fifth of a 1 M-row export's time: RESULTS.md, export rows). PostgreSQL's text of a
 * jsonb value has a space after each `:` and `,`; it is the same JSON.
 */
export type ArchiveRow = Omit<Event, JsonColumn> & {
  [K in JsonColumn]: null extends Event[K] ? string | null : string;
};

/** An event from anywhere but a bulk read (tests, small callers) in archive form. */
export function toArchiveRow(event: Event): ArchiveRow {
  const row: Record<string, unknown> = { ...event };
  for (const field of JSON_FIELDS) {
    const value = event[field];
    row[field] = value === null ? null : JSON.stringify(value);
  }
  return row as ArchiveRow;
}

export interface ArchiveManifest {
  kind: 'export' | 'purge';
  format: ExportFormat;
  timeZone: string;
  dataFile: string;
  rowCount: number;
  /** Hex SHA-256 of the data file's bytes (uncompressed). */
  sha256: string;
  filters: Record<string, unknown>;
  createdBy: string;
  createdAt: string;
  jobId: string | null;
  /** Purge cut-off. */
  before?: string;
  /** The entry that lets rows be checked against the seal chain offline (docs/integrity-archives.md). */
  sealsFile?: string;
  /** Hex SHA-256 of that entry. */
  sealsSha256?: string;
}

export interface WriteArchiveOptions {
  /** Final path of the .zip. Written to `${path}.partial`, fsynced, then renamed: a crash never leaves a half file under the final name. */
  path: string;
  format: ExportFormat;
  /** IANA zone for the timestamp columns. */
  timeZone: string;
  /** Batches, as read from the database. */
  rows: AsyncIterable<ArchiveRow[]>;
  manifest: Pick<
    ArchiveManifest,
    'kind' | 'filters' | 'createdBy' | 'createdAt' | 'jobId' | 'before'
  >;
  /** Called after each batch with the number of rows written so far. */
  onProgress?: (rowsWritten: number) => void | Promise<void>;
  /** Cancel: stop between batches, delete the partial file, reject with an AbortError. */
  signal?: AbortSignal;
  /** An entry written after the data file (seals.ndjson), its text produced once every row is written. */
  seals?: { fileName: string; lines: () => AsyncIterable<string> };
}

export interface WrittenArchive {
  path: string;
  fileName: string;
  sizeBytes: number;
  rowCount: number;
  sha256: string;
  manifest: ArchiveManifest;
}

/** The archive on disk is missing, unreadable, or does not hold what it should. */
export class ArchiveVerificationError extends Error {
  override name = 'ArchiveVerificationError';
}

const MANIFEST_FILE = 'manifest.json';
// Feeding yazl/zlib small pieces is ~5× slower than ≥ 64 KiB ones (measured).
const CHUNK_CHARS = 64 * 1024;
// Lets serialisation run ahead of deflate and the disk by a little, not by the whole file.
const DATA_HIGH_WATER_MARK = 1024 * 1024;
// Archival of text, where speed matters more: on seed data level 1 deflates 4.9× at
// ~210 MB/s, the default 6 6.0× at ~100 MB/s.
export const COMPRESSION_LEVEL = 1;
// Rows serialised between two turns of the event loop (~1 ms of work; see chunks()).
const SLICE_ROWS = 64;
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
/** Cells a spreadsheet would read as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

function dataFileName(format: ExportFormat): string {
  return `events.${format}`;
}

// ---------------------------------------------------------------------------------------
// Writing

export async function writeArchive(options: WriteArchiveOptions): Promise<WrittenArchive> {
  const { path, format, timeZone, rows, signal } = options;
  if (!EXPORT_FORMATS.includes(format)) throw new RangeError(`Unknown export format: ${format}`);
  assertTimeZone(timeZone);
  signal?.throwIfAborted();

  const dataFile = dataFileName(format);
  const partial = `${path}.partial`;
  const entryTime = validDate(options.manifest.createdAt) ?? new Date();
  await mkdir(dirname(path), { recursive: true });

  // The data file as a pull stream: the zip side asks for more as soon as less than the
  // high-water mark is buffered, not only once the buffer is empty (as 'drain' would).
  const serializer = makeSerializer(format, timeZone);
  const hash = createHash('sha256');
  let rowCount = 0;
  async function* chunks(): AsyncGenerator<Buffer> {
    let pending: string[] = [];
    let pendingChars = 0;
    const take = (): Buffer => {
      const chunk = Buffer.from(pending.join(''), 'utf8');
      pending = [];
      pendingChars = 0;
      hash.update(chunk);
      return chunk;
    };
    /** Queues text; true once ≥ 64 Ki chars wait (UTF-8 bytes ≥ UTF-16 units: ≥ 64 KiB). */
    const add = (text: string): boolean => {
      pending.push(text);
      pendingChars += text.length;
      return pendingChars >= CHUNK_CHARS;
    };
    if (add(serializer.head)) yield take();
    for await (const batch of rows) {
      if (signal?.aborted) throw abortError(signal);
      for (let start = 0; start < batch.length; start += SLICE_ROWS) {
        const slice = batch.slice(start, start + SLICE_ROWS);
        const full = add(serializer.rows(slice, rowCount === 0));
        rowCount += slice.length;
        if (full) yield take();
        // zlib deflates on another thread but needs this one between its 16 KiB steps:
        // without a turn of the event loop per slice it sits idle while a whole batch
        // serialises (measured, 1 M rows of seed data: CSV 46 k → 86 k rows/s).
        await setImmediate();
      }
      await options.onProgress?.(rowCount);
      if (signal?.aborted) throw abortError(signal);
    }
    add(serializer.tail(rowCount));
    if (pendingChars > 0) yield take();
  }
  const data = Readable.from(chunks(), {
    objectMode: false,
    highWaterMark: DATA_HIGH_WATER_MARK,
  });

  // yazl does not forward errors of the streams it pipes: a failing source or disk would
  // leave it waiting forever. Every failure settles `failed` instead.
  let fail: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => undefined); // observed through Promise.race only
  data.on('error', fail);
  const zip = new ZipFile();
  zip.on('error', fail);
  const onAbort = () => {
    fail(abortError(signal));
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  zip.addReadStream(data, dataFile, { compressionLevel: COMPRESSION_LEVEL, mtime: entryTime });
  const teardown = new AbortController();
  // `flush`: the file is fsynced before it closes, and `written` settles only after that.
  const file = createWriteStream(partial, { flush: true });
  const written = pipeline(zip.outputStream, file, { signal: teardown.signal });
  written.catch(fail);
  try {
    await Promise.race([finished(data), failed]); // every row serialised and consumed

    const sha256 = hash.digest('hex');
    let sealsSha256: string | undefined;
    if (options.seals) {
      const sealsHash = createHash('sha256');
      const source = options.seals.lines();
      const sealsData = Readable.from(
        (async function* () {
          for await (const text of source) {
            const chunk = Buffer.from(text, 'utf8');
            sealsHash.update(chunk);
            yield chunk;
          }
        })(),
        { objectMode: false, highWaterMark: DATA_HIGH_WATER_MARK },
      );
      sealsData.on('error', fail);
      zip.addReadStream(sealsData, options.seals.fileName, {
        compressionLevel: COMPRESSION_LEVEL,
        mtime: entryTime,
      });
      await Promise.race([finished(sealsData), failed]);
      sealsSha256 = sealsHash.digest('hex');
    }
    const manifest: ArchiveManifest = {
      kind: options.manifest.kind,
      format,
      timeZone,
      dataFile,
      rowCount,
      sha256,
      filters: options.manifest.filters,
      createdBy: options.manifest.createdBy,
      createdAt: options.manifest.createdAt,
      jobId: options.manifest.jobId,
      ...(options.manifest.before === undefined ? {} : { before: options.manifest.before }),
      ...(options.seals ? { sealsFile: options.seals.fileName, sealsSha256 } : {}),
    };
    zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'), MANIFEST_FILE, {
      compressionLevel: COMPRESSION_LEVEL,
      mtime: entryTime,
    });
    zip.end();
    await Promise.race([written, failed]);
    const { size } = await stat(partial);
    if (signal?.aborted) throw abortError(signal);

    await rename(partial, path);
    await syncDirectory(dirname(path));
    return { path, fileName: basename(path), sizeBytes: size, rowCount, sha256, manifest };
  } catch (error) {
    data.destroy(); // returns the generator, which returns (closes) the rows iterator
    teardown.abort();
    await written.catch(() => undefined);
    // The file is opened asynchronously: removing it before the stream has closed could let
    // a late open create it again.
    if (!file.closed) await once(file, 'close');
    await rm(partial, { force: true });
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

interface Serializer {
  /** Written before the first row (the CSV header, JSON's `[`). */
  head: string;
  /** One batch of rows; `first` when nothing was written before it. */
  rows: (batch: readonly ArchiveRow[], first: boolean) => string;
  tail: (rowCount: number) => string;
}

function makeSerializer(format: ExportFormat, timeZone: string): Serializer {
  switch (format) {
    case 'csv': {
      const fields = EXPORT_COLUMNS.map((column) => csvFieldOf(column, timeZone));
      return {
        head: `${EXPORT_COLUMNS.map(csvField).join(',')}\n`,
        rows: (batch) => {
          let text = '';
          for (const row of batch) {
            let line = '';
            for (const [i, field] of fields.entries()) {
              if (i > 0) line += ',';
              line += field(row);
            }
            text += `${line}\n`;
          }
          return text;
        },
        tail: () => '',
      };
    }
    case 'json': {
      const line = jsonLineWriter(timeZone);
      return {
        head: '[\n',
        // One object per line, so that readers can go line by line.
        rows: (batch, first) => (first ? '' : ',\n') + batch.map(line).join(',\n'),
        tail: (rowCount) => (rowCount > 0 ? '\n]\n' : ']\n'),
      };
    }
    case 'ndjson': {
      const line = jsonLineWriter(timeZone);
      return {
        head: '',
        rows: (batch) => batch.map((row) => `${line(row)}\n`).join(''),
        tail: () => '',
      };
    }
  }
}

/** Columns whose text never needs quoting or neutralising: digits, a UUID, an enum word, an address. */
const PLAIN_COLUMNS: ReadonlySet<ExportColumn> = new Set(
  EVENT_FIELD_NAMES.filter((field) =>
    ['id', 'uuid', 'enum', 'ip', 'count'].includes(declarationOf(field).kind),
  ),
);

/** A column's CSV field, picked once per column rather than per cell (1 M rows: 22 M cells). */
function csvFieldOf(column: ExportColumn, timeZone: string): (row: ArchiveRow) => string {
  if (isTimeColumn(column)) {
    const formatTime = timestampFormatter(timeZone);
    return (row) => csvField(formatTime(asDate(row[column], column)));
  }
  if (PLAIN_COLUMNS.has(column)) {
    return (row) => {
      const value = row[column];
      return value === null ? '' : String(value);
    };
  }
  return (row) => {
    const value = row[column];
    return csvField(typeof value === 'number' ? String(value) : value);
  };
}

/** Anything that makes a field more than its text: a formula start, or a reason to quote. */
const FIELD_NEEDS_CARE = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20 ]|[\r\n",\uFEFF]| $/;

/**
 * One CSV field (RFC 4180). A cell a spreadsheet would read as a formula (OWASP "CSV
 * injection", full-width forms too, as some spreadsheets normalise them) gets a leading
 * `'` and quotes. A cell with a quote, comma, line break or byte-order mark, or starting
 * or ending with a space, is quoted with its quotes doubled. These are Papa Parse's rules
 * with that formula pattern, written out: through Papa.unparse they took a fifth of a
 * 1 M-row export's time (RESULTS.md, export rows).
 */
export function csvField(text: string | null): string {
  if (text === null) return '';
  if (!FIELD_NEEDS_CARE.test(text)) return text;
  const neutralised = FORMULA_START.test(text) ? `'${text}` : text;
  return `"${neutralised.replaceAll('"', '""')}"`;
}

/**
 * One event as a JSON object on one line (JSON escapes every line break), every key
 * present, null where the row has no value. JSON columns go in as their text.
 */
function jsonLineWriter(timeZone: string): (row: ArchiveRow) => string {
  const members = EXPORT_COLUMNS.map((column): ((row: ArchiveRow) => string) => {
    const key = `${JSON.stringify(column)}:`;
    if (isTimeColumn(column)) {
      const formatTime = timestampFormatter(timeZone);
      return (row) => key + JSON.stringify(formatTime(asDate(row[column], column)));
    }
    if (isJsonColumn(column)) return (row) => key + (row[column] ?? 'null');
    return (row) => key + JSON.stringify(row[column]);
  });
  return (row) => `{${members.map((member) => member(row)).join(',')}}`;
}

function asDate(value: unknown, column: string): Date {
  if (value instanceof Date) return value;
  throw new TypeError(`Event.${column} must be a Date, got ${typeof value}`);
}

function validDate(text: string): Date | undefined {
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The signal's reason when it is an AbortError, else an AbortError caused by it. */
function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const error = new Error('The archive was canceled', { cause: reason });
  error.name = 'AbortError';
  return error;
}

/** Makes the rename itself durable. Best effort: not every platform can fsync a directory. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // The data itself is already fsynced; only the directory entry may lag.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------
// Reading

const manifestSchema = z.object({
  kind: z.enum(['export', 'purge']),
  format: z.enum(EXPORT_FORMATS),
  timeZone: z.string(),
  dataFile: z.string(),
  rowCount: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  filters: z.record(z.string(), z.unknown()),
  createdBy: z.string(),
  createdAt: z.string(),
  jobId: z.string().nullable(),
  before: z.string().optional(),
  sealsFile: z.string().optional(),
  sealsSha256: z.string().optional(),
});

interface OpenedArchive {
  zip: yauzl.ZipFile;
  manifest: ArchiveManifest;
  data: yauzl.Entry;
}

/** Opens the zip and reads its manifest; the caller must close `zip`. */
async function openArchive(path: string): Promise<OpenedArchive> {
  const zip = await yauzl.openPromise(path, { autoClose: false, strictFileNames: true });
  try {
    const entries = new Map<string, yauzl.Entry>();
    for await (const entry of zip.eachEntry()) {
      if (entries.has(entry.fileName)) {
        throw new ArchiveVerificationError(`${path}: ${entry.fileName} appears twice`);
      }
      entries.set(entry.fileName, entry);
    }
    const manifestEntry = entries.get(MANIFEST_FILE);
    if (!manifestEntry) throw new ArchiveVerificationError(`${path}: no ${MANIFEST_FILE}`);
    if (manifestEntry.uncompressedSize > MAX_MANIFEST_BYTES) {
      throw new ArchiveVerificationError(`${path}: ${MANIFEST_FILE} is too large`);
    }
    const text = await readAll(await zip.openReadStreamPromise(manifestEntry));
    const parsed = manifestSchema.safeParse(JSON.parse(text));
    if (!parsed.success) {
      throw new ArchiveVerificationError(`${path}: bad ${MANIFEST_FILE}: ${parsed.error.message}`);
    }
    const manifest: ArchiveManifest = parsed.data;
    if (manifest.dataFile !== dataFileName(manifest.format)) {
      throw new ArchiveVerificationError(
        `${path}: data file ${manifest.dataFile} does not match format ${manifest.format}`,
      );
    }
    const data = entries.get(manifest.dataFile);
    if (!data) throw new ArchiveVerificationError(`${path}: no ${manifest.dataFile}`);
    if (manifest.sealsFile !== undefined && !entries.has(manifest.sealsFile)) {
      throw new ArchiveVerificationError(`${path}: no ${manifest.sealsFile}`);
    }
    if (entries.size !== (manifest.sealsFile === undefined ? 2 : 3)) {
      const extra = [...entries.keys()].filter(
        (n) => n !== MANIFEST_FILE && n !== manifest.dataFile && n !== manifest.sealsFile,
      );
      throw new ArchiveVerificationError(`${path}: unexpected entries ${extra.join(', ')}`);
    }
    return { zip, manifest, data };
  } catch (error) {
    zip.close();
    throw error;
  }
}

/**
 * Re-reads the zip from disk: the data file's SHA-256 and row count must equal the
 * manifest's and `expected`. Throws ArchiveVerificationError otherwise.
 */
export async function verifyArchive(
  path: string,
  expected: { rowCount: number; sha256: string },
): Promise<ArchiveManifest> {
  let opened: OpenedArchive | undefined;
  try {
    opened = await openArchive(path);
    const { zip, manifest, data } = opened;
    const hash = createHash('sha256');
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    const stream = pipelineStreams(await zip.openReadStreamPromise(data), hashing, () => undefined);
    // Rows are counted by parsing the file, not taken from the manifest.
    let rowCount = 0;
    for await (const _ of dataRecords(stream, manifest.format)) rowCount += 1;
    const sha256 = hash.digest('hex');

    const problems: string[] = [];
    if (sha256 !== manifest.sha256)
      problems.push(`SHA-256 ${sha256} ≠ manifest ${manifest.sha256}`);
    if (sha256 !== expected.sha256)
      problems.push(`SHA-256 ${sha256} ≠ expected ${expected.sha256}`);
    if (rowCount !== manifest.rowCount)
      problems.push(`${rowCount} rows ≠ manifest ${manifest.rowCount}`);
    if (rowCount !== expected.rowCount)
      problems.push(`${rowCount} rows ≠ expected ${expected.rowCount}`);
    if (problems.length > 0) throw new ArchiveVerificationError(`${path}: ${problems.join('; ')}`);
    return manifest;
  } catch (error) {
    if (error instanceof ArchiveVerificationError) throw error;
    throw new ArchiveVerificationError(`${path}: cannot be read back: ${errorMessage(error)}`, {
      cause: error,
    });
  } finally {
    opened?.zip.close();
  }
}

/** The rows' identities, read back from the archive's data file, in batches: what a purge deletes. */
export async function* readArchivedKeys(
  path: string,
  batchSize = 1000,
): AsyncGenerator<{ id: string; occurredAt: Date }[]> {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  const { zip, manifest, data } = await openArchive(path);
  try {
    const stream = await zip.openReadStreamPromise(data);
    let batch: { id: string; occurredAt: Date }[] = [];
    for await (const record of dataRecords(stream, manifest.format)) {
      batch.push(record.key());
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    zip.close();
  }
}

interface DataRecord {
  /** Parses the row's id and occurredAt (lazily: verification only counts). */
  key: () => { id: string; occurredAt: Date };
}

/** The data file's rows, parsed as the format says; throws on a malformed file. */
function dataRecords(stream: Readable, format: ExportFormat): AsyncGenerator<DataRecord> {
  return format === 'csv' ? csvRecords(stream) : jsonRecords(stream, format === 'json');
}

async function* csvRecords(stream: Readable): AsyncGenerator<DataRecord> {
  // pipeline forwards a failing source (corrupt deflate data) into the parser's iterator.
  const parser = pipelineStreams(stream, parseCsv(), () => undefined);
  let idIndex = -1;
  let timeIndex = -1;
  let header = true;
  for await (const cells of parser as AsyncIterable<string[]>) {
    if (header) {
      if (cells.join(',') !== EXPORT_COLUMNS.join(',')) {
        throw new ArchiveVerificationError(`unexpected CSV header: ${cells.join(',')}`);
      }
      idIndex = cells.indexOf('id');
      timeIndex = cells.indexOf('occurredAt');
      header = false;
      continue;
    }
    yield { key: () => parseKey(cells[idIndex], cells[timeIndex]) };
  }
  if (header) throw new ArchiveVerificationError('CSV data file has no header');
}

async function* jsonRecords(stream: Readable, array: boolean): AsyncGenerator<DataRecord> {
  let lineNo = 0;
  let state: 'start' | 'rows' | 'closed' = array ? 'start' : 'rows';
  let separated = true; // the previous row ended with the array's comma
  for await (const line of lines(stream)) {
    lineNo += 1;
    if (state === 'closed') throw new ArchiveVerificationError(`line ${lineNo}: data after ]`);
    if (state === 'start') {
      if (line !== '[') throw new ArchiveVerificationError('JSON data file does not start with [');
      state = 'rows';
      continue;
    }
    if (array && line === ']') {
      if (lineNo > 2 && separated) throw new ArchiveVerificationError(`line ${lineNo}: ,]`);
      state = 'closed';
      continue;
    }
    // Each row is one line; in a JSON array all but the last end with the array's comma.
    if (array && !separated) throw new ArchiveVerificationError(`line ${lineNo}: missing ,`);
    separated = array && line.endsWith(',');
    const json = separated ? line.slice(0, -1) : line;
    if (!json.startsWith('{') || !json.endsWith('}')) {
      throw new ArchiveVerificationError(`line ${lineNo}: not a JSON object`);
    }
    yield {
      key: () => {
        const row = JSON.parse(json) as Record<string, unknown>;
        return parseKey(row.id, row.occurredAt);
      },
    };
  }
  if (array && state !== 'closed') {
    throw new ArchiveVerificationError('JSON data file does not end with ]');
  }
}

function parseKey(id: unknown, occurredAt: unknown): { id: string; occurredAt: Date } {
  if (typeof id !== 'string' || id === '') throw new ArchiveVerificationError('row without an id');
  const date = typeof occurredAt === 'string' ? validDate(occurredAt) : undefined;
  if (!date) {
    throw new ArchiveVerificationError(`row ${id}: bad occurredAt ${JSON.stringify(occurredAt)}`);
  }
  return { id, occurredAt: date };
}

/** Lines split on `\n` only: JSON.stringify escapes every other line break inside values. */
async function* lines(stream: Readable): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const text = rest + decoder.write(chunk);
    const parts = text.split('\n');
    rest = parts.pop() ?? '';
    yield* parts;
  }
  rest += decoder.end();
  if (rest !== '') yield rest;
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
