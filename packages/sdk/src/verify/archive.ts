/**
 * Offline verification of an export or purge archive against the seal chain's signed
 * checkpoints (docs/integrity-archives.md): needs the archive and the server's public key,
 * nothing else. Node.js only (`@audit/sdk/verify`).
 *
 * Memory: the checkpoints of seals.ndjson are held WINDOW_LEAVES leaves (or proofs) at a
 * time, each window checked by one pass over the data file; the data file itself streams.
 */
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

import { declarationOf, EVENT_FIELD_NAMES, type EventField } from '@audit/db/fields';
import {
  canonicalEvent,
  CANONICAL_VERSION,
  decodeLeaves,
  equalBytes,
  keyIdOf,
  leafHash,
  MerkleTree,
  parseStatement,
  publicKeyFrom,
  verifyInclusion,
  verifySignature,
  type CheckpointStatement,
  type Hash,
} from '@audit/db/integrity';
import * as yauzl from 'yauzl';

export type ArchiveProblemKind =
  'altered' | 'not-in-seal' | 'bad-signature' | 'unsealed' | 'malformed';

export interface ArchiveProblem {
  kind: ArchiveProblemKind;
  /** The data row (1 = the first row after any header), when the problem is one row's. */
  row?: number;
  /** The event id, when known. */
  id?: string;
  detail: string;
}

export interface ArchiveVerification {
  /** Every row is proven to be as a signed checkpoint sealed it. */
  ok: boolean;
  rows: number;
  verifiedRows: number;
  /** Rows the archive lists as recorded after the last checkpoint when it was written. */
  unsealedRows: number;
  /** The checkpoints the archive carries, and the key id its header names. */
  checkpoints: number;
  keyId: string | null;
  problems: ArchiveProblem[];
  /** Problems found, listed or not (at most `maxProblems` are listed). */
  problemCount: number;
}

export interface VerifyArchiveOptions {
  /** The server's Ed25519 public key: PEM (SPKI), or the base64 of its 32 raw bytes. */
  publicKey: string;
  /** Problems listed (all are counted); default 1000. */
  maxProblems?: number;
  /** Leaves or proofs held in memory at once; default 200 000 (about 40 MB). */
  windowLeaves?: number;
}

/** seals.ndjson's format version this verifier reads. */
export const SEALS_FORMAT = 1;
const WINDOW_LEAVES = 200_000;
const MAX_LINE_CHARS = 64 * 1024 * 1024;
/** Cells a spreadsheet would read as a formula: the archive's CSV writer put a `'` before them. */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
/** Most alternative readings tried for one CSV row (an empty cell: null or ''?). */
const MAX_READINGS = 256;

type Format = 'csv' | 'json' | 'ndjson';

interface Manifest {
  format: Format;
  dataFile: string;
  sealsFile?: string;
}

/** One checkpoint's range; `held` when its leaves or proofs are in the current window. */
interface Range {
  seq: number;
  afterId: bigint;
  throughId: bigint;
  /** Its entry could not be trusted (bad signature, malformed): rows in it are not verified. */
  bad: boolean;
}

interface Held {
  range: Range;
  statement: CheckpointStatement;
  root: Hash;
  /** By id: the leaf's hash (leaves mode) or its index and audit path (proofs mode). */
  leaves?: Map<string, Hash>;
  proofs?: Map<string, { index: number; proof: Hash[] }>;
}

/** A data row: the id, and the canonical sources it may be read as (more than one for some CSV cells). */
interface DataRow {
  id: string;
  readings: () => Iterable<Partial<Record<EventField, unknown>>>;
}

export async function verifyArchive(
  zipPath: string,
  options: VerifyArchiveOptions,
): Promise<ArchiveVerification> {
  const maxProblems = options.maxProblems ?? 1000;
  const windowLeaves = options.windowLeaves ?? WINDOW_LEAVES;
  const result: ArchiveVerification = {
    ok: true,
    rows: 0,
    verifiedRows: 0,
    unsealedRows: 0,
    checkpoints: 0,
    keyId: null,
    problems: [],
    problemCount: 0,
  };
  const problem = (p: ArchiveProblem) => {
    result.ok = false;
    result.problemCount += 1;
    if (result.problems.length < maxProblems) result.problems.push(p);
  };
  const publicKey = publicKeyFrom(options.publicKey);
  const keyId = keyIdOf(publicKey);

  const zip = await yauzl.openPromise(zipPath, { autoClose: false, strictFileNames: true });
  try {
    const entries = new Map<string, yauzl.Entry>();
    for await (const entry of zip.eachEntry()) entries.set(entry.fileName, entry);
    const manifestEntry = entries.get('manifest.json');
    if (!manifestEntry) throw new MalformedArchive('no manifest.json');
    const manifest = parseManifest(await readAll(await zip.openReadStreamPromise(manifestEntry)));
    const data = entries.get(manifest.dataFile);
    if (!data) throw new MalformedArchive(`no ${manifest.dataFile}`);
    const sealsEntry = entries.get(manifest.sealsFile ?? 'seals.ndjson');
    if (!sealsEntry) {
      throw new MalformedArchive('no seals.ndjson: the archive carries nothing to verify against');
    }

    const ranges: Range[] = [];
    let unsealed = new Set<string>();
    let window: Held[] = [];
    let windowSize = 0;
    let lineNo = 0;
    let declared = 0;
    const dataPass = async (final: boolean) => {
      await checkRows(zip, data, manifest.format, window, final ? ranges : undefined, unsealed, {
        result,
        problem,
      });
      window = [];
      windowSize = 0;
    };

    for await (const line of lines(await zip.openReadStreamPromise(sealsEntry))) {
      lineNo += 1;
      let value: Record<string, unknown>;
      try {
        value = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new MalformedArchive(`seals.ndjson line ${lineNo} is not JSON`);
      }
      if (lineNo === 1) {
        if (value.type !== 'header' || value.format !== SEALS_FORMAT) {
          throw new MalformedArchive(
            `seals.ndjson: not a format ${SEALS_FORMAT} header (this verifier reads format ${SEALS_FORMAT})`,
          );
        }
        result.keyId = typeof value.keyId === 'string' ? value.keyId : null;
        declared = typeof value.checkpoints === 'number' ? value.checkpoints : -1;
        if (result.keyId !== keyId) {
          problem({
            kind: 'bad-signature',
            detail: `the archive was sealed with key ${result.keyId ?? '?'}, the key given is ${keyId}`,
          });
        }
        continue;
      }
      if (value.type === 'unsealed') {
        const ids = Array.isArray(value.ids) ? value.ids : [];
        unsealed = new Set(ids.filter((id): id is string => typeof id === 'string'));
        continue;
      }
      if (value.type !== 'checkpoint') {
        throw new MalformedArchive(`seals.ndjson line ${lineNo}: unknown line type`);
      }
      result.checkpoints += 1;
      const held = checkpointOf(value, publicKey, keyId, problem);
      if (!held) continue;
      ranges.push(held.range);
      if (held.range.bad) continue;
      window.push(held);
      windowSize += (held.leaves?.size ?? 0) + (held.proofs?.size ?? 0);
      if (windowSize >= windowLeaves) await dataPass(false);
    }
    if (lineNo === 0) throw new MalformedArchive('seals.ndjson is empty');
    if (declared !== result.checkpoints) {
      problem({
        kind: 'malformed',
        detail: `seals.ndjson declares ${declared} checkpoints and holds ${result.checkpoints}`,
      });
    }
    ranges.sort((a, b) => (a.throughId < b.throughId ? -1 : a.throughId > b.throughId ? 1 : 0));
    await dataPass(true);
  } catch (error) {
    if (!(error instanceof MalformedArchive)) throw error;
    problem({ kind: 'malformed', detail: error.message });
  } finally {
    zip.close();
  }
  return result;
}

class MalformedArchive extends Error {
  override name = 'MalformedArchive';
}

function parseManifest(text: string): Manifest {
  let value: Partial<Manifest>;
  try {
    value = JSON.parse(text) as Partial<Manifest>;
  } catch {
    throw new MalformedArchive('manifest.json is not JSON');
  }
  if (
    (value.format !== 'csv' && value.format !== 'json' && value.format !== 'ndjson') ||
    value.dataFile !== `events.${value.format}`
  ) {
    throw new MalformedArchive('manifest.json names no data file this verifier reads');
  }
  return value as Manifest;
}

/** One checkpoint line, checked against its signature; undefined when it is beyond use. */
function checkpointOf(
  value: Record<string, unknown>,
  publicKey: ReturnType<typeof publicKeyFrom>,
  keyId: string,
  problem: (p: ArchiveProblem) => void,
): Held | undefined {
  const seq = typeof value.seq === 'number' ? value.seq : Number.NaN;
  const text = typeof value.statement === 'string' ? value.statement : '';
  const signature = typeof value.signature === 'string' ? value.signature : '';
  const statement = parseStatement(text);
  if (!statement || statement.kind !== 'checkpoint' || statement.seq !== seq) {
    problem({
      kind: 'malformed',
      detail: `seals.ndjson: checkpoint ${seq} holds no checkpoint statement`,
    });
    return undefined;
  }
  const range: Range = {
    seq,
    afterId: BigInt(statement.afterId),
    throughId: BigInt(statement.throughId),
    bad: false,
  };
  if (!verifySignature(text, signature, publicKey)) {
    problem({
      kind: 'bad-signature',
      detail: `checkpoint ${seq} is not signed by the key given (it names key ${statement.keyId}, the key given is ${keyId})`,
    });
    return { range: { ...range, bad: true }, statement, root: new Uint8Array() };
  }
  if (statement.canonical !== CANONICAL_VERSION) {
    problem({
      kind: 'malformed',
      detail: `checkpoint ${seq} seals canonical form v${statement.canonical}; this verifier knows v${CANONICAL_VERSION}`,
    });
    return { range: { ...range, bad: true }, statement, root: new Uint8Array() };
  }
  const root = Buffer.from(statement.root, 'hex');
  const held: Held = { range, statement, root };
  try {
    if (typeof value.leaves === 'string') {
      const leaves = decodeLeaves(Buffer.from(value.leaves, 'base64'));
      const computed = new MerkleTree(leaves.map((leaf) => leaf.hash)).root;
      if (leaves.length !== statement.count || !equalBytes(computed, root)) {
        throw new Error('its leaves are not those its signed root commits to');
      }
      held.leaves = new Map(leaves.map((leaf) => [leaf.id.toString(), leaf.hash]));
    } else if (Array.isArray(value.proofs)) {
      held.proofs = new Map();
      for (const item of value.proofs as { id?: unknown; index?: unknown; proof?: unknown }[]) {
        if (
          typeof item.id !== 'string' ||
          typeof item.index !== 'number' ||
          !Array.isArray(item.proof) ||
          !item.proof.every((h) => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h))
        ) {
          throw new Error('a proof is malformed');
        }
        held.proofs.set(item.id, {
          index: item.index,
          proof: (item.proof as string[]).map((h) => Buffer.from(h, 'hex')),
        });
      }
    } else {
      throw new Error('it has neither leaves nor proofs');
    }
  } catch (error) {
    problem({
      kind: 'malformed',
      detail: `checkpoint ${seq}: ${error instanceof Error ? error.message : String(error)}`,
    });
    return { range: { ...range, bad: true }, statement, root };
  }
  return held;
}

/**
 * One pass over the data file: rows whose id lies in a checkpoint of `window` are checked
 * against it; in the final pass (`all` given), rows in no checkpoint are unsealed or not in
 * any seal, and every row is counted.
 */
async function checkRows(
  zip: yauzl.ZipFile,
  data: yauzl.Entry,
  format: Format,
  window: Held[],
  all: Range[] | undefined,
  unsealed: Set<string>,
  out: { result: ArchiveVerification; problem: (p: ArchiveProblem) => void },
): Promise<void> {
  if (!all && window.length === 0) return;
  const byThrough = [...window].sort((a, b) =>
    a.range.throughId < b.range.throughId ? -1 : a.range.throughId > b.range.throughId ? 1 : 0,
  );
  const stream = await zip.openReadStreamPromise(data);
  let rowNo = 0;
  const rows = format === 'csv' ? csvRows(stream) : jsonRows(stream, format === 'json');
  for await (const item of rows) {
    rowNo += 1;
    if (all) out.result.rows += 1;
    if (typeof item === 'string') {
      if (all) out.problem({ kind: 'malformed', row: rowNo, detail: `row ${rowNo}: ${item}` });
      continue;
    }
    let id: bigint;
    try {
      id = BigInt(item.id);
    } catch {
      if (all) out.problem({ kind: 'malformed', row: rowNo, detail: `row ${rowNo} has no id` });
      continue;
    }
    const held = findRange(byThrough, (h) => h.range, id);
    if (held) {
      checkRow(held, item, rowNo, out);
      continue;
    }
    if (!all) continue;
    const range = findRange(all, (r) => r, id);
    if (range) {
      // Checked in an earlier window, or its checkpoint could not be trusted (reported).
      continue;
    }
    if (unsealed.has(item.id)) {
      out.result.unsealedRows += 1;
      out.problem({
        kind: 'unsealed',
        row: rowNo,
        id: item.id,
        detail: `event ${item.id} was not sealed yet when the archive was written: nothing proves it`,
      });
    } else {
      out.problem({
        kind: 'not-in-seal',
        row: rowNo,
        id: item.id,
        detail: `event ${item.id} lies in no checkpoint the archive carries`,
      });
    }
  }
}

function findRange<T>(sorted: T[], rangeOf: (t: T) => Range, id: bigint): T | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rangeOf(sorted[mid] as T).throughId < id) lo = mid + 1;
    else hi = mid;
  }
  const found = sorted[lo];
  return found !== undefined && rangeOf(found).afterId < id ? found : undefined;
}

function checkRow(
  held: Held,
  row: DataRow,
  rowNo: number,
  out: { result: ArchiveVerification; problem: (p: ArchiveProblem) => void },
): void {
  const { seq } = held.range;
  const leaf = held.leaves?.get(row.id);
  const proof = held.proofs?.get(row.id);
  if (!leaf && !proof) {
    out.problem({
      kind: 'not-in-seal',
      row: rowNo,
      id: row.id,
      detail: `event ${row.id} lies in checkpoint ${seq}'s range but was not sealed by it`,
    });
    return;
  }
  let readable = false;
  try {
    for (const reading of row.readings()) {
      const hash = leafHash(canonicalEvent(reading));
      readable = true;
      const matches = leaf
        ? equalBytes(hash, leaf)
        : proof !== undefined &&
          verifyInclusion(hash, proof.index, held.statement.count, proof.proof, held.root);
      if (matches) {
        out.result.verifiedRows += 1;
        return;
      }
    }
  } catch (error) {
    if (!readable) {
      out.problem({
        kind: 'malformed',
        row: rowNo,
        id: row.id,
        detail: `row ${rowNo}: ${error instanceof Error ? error.message : String(error)}`,
      });
      return;
    }
  }
  out.problem({
    kind: 'altered',
    row: rowNo,
    id: row.id,
    detail: `row ${rowNo} (event ${row.id}) is not as checkpoint ${seq} sealed it`,
  });
}

// ---------------------------------------------------------------------------------------
// The data file's rows, as the canonical form takes them

/** A cell's text as the canonical form takes it: addresses as PostgreSQL's `inet::text`. */
function scalar(field: EventField, text: string): string {
  if (declarationOf(field).kind === 'ip' && !text.includes('/')) {
    return `${text}/${text.includes(':') ? 128 : 32}`;
  }
  return text;
}

function fromJson(value: Record<string, unknown>): DataRow | string {
  if (typeof value.id !== 'string') return 'no id';
  return {
    id: value.id,
    readings: function* () {
      const source: Partial<Record<EventField, unknown>> = {};
      for (const field of EVENT_FIELD_NAMES) {
        const v = value[field];
        if (v === null || v === undefined) continue;
        const kind = declarationOf(field).kind;
        if (kind === 'json') source[field] = v;
        else if (typeof v === 'string') source[field] = scalar(field, v);
        else if (typeof v === 'number' || typeof v === 'boolean') source[field] = String(v);
        else source[field] = v; // not a value the archive writes: canonicalEvent names it (malformed)
      }
      yield source;
    },
  };
}

async function* jsonRows(stream: Readable, array: boolean): AsyncGenerator<DataRow | string> {
  let first = true;
  for await (const raw of lines(stream)) {
    const line = raw.trim();
    if (array && first) {
      first = false;
      if (line !== '[') {
        yield 'the JSON data file does not start with [';
        return;
      }
      continue;
    }
    if (line === '' || (array && line === ']')) continue;
    const json = array && line.endsWith(',') ? line.slice(0, -1) : line;
    try {
      const value = JSON.parse(json) as unknown;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        yield 'not a JSON object';
        continue;
      }
      yield fromJson(value as Record<string, unknown>);
    } catch {
      yield 'not JSON';
    }
  }
}

/** A CSV cell's possible original values, most likely first. */
function cellReadings(field: EventField, cell: string): (string | null)[] {
  const kind = declarationOf(field).kind;
  if (cell === '') return kind === 'text' || kind === 'code' ? [null, ''] : [null];
  if (kind === 'json') return [cell];
  // The writer neutralised a formula with a leading `'`; a value that itself began with `'`
  // and a formula character reads the same, so both are tried.
  if (cell.startsWith("'") && FORMULA_START.test(cell.slice(1))) return [cell.slice(1), cell];
  return [scalar(field, cell)];
}

async function* csvRows(stream: Readable): AsyncGenerator<DataRow | string> {
  let header: string[] | undefined;
  for await (const cells of csvRecords(stream)) {
    if (!header) {
      header = cells;
      if (cells.join(',') !== EVENT_FIELD_NAMES.join(',')) {
        yield `unexpected CSV header: ${cells.join(',')}`;
        return;
      }
      continue;
    }
    if (cells.length !== header.length) {
      yield `${cells.length} cells, the header has ${header.length}`;
      continue;
    }
    const options = EVENT_FIELD_NAMES.map((field, i) => cellReadings(field, cells[i] ?? ''));
    const id = cells[EVENT_FIELD_NAMES.indexOf('id')] ?? '';
    yield {
      id,
      readings: function* () {
        const parsed = options.map((choices, i) =>
          choices.map((choice) => {
            const field = EVENT_FIELD_NAMES[i] as EventField;
            return choice !== null && declarationOf(field).kind === 'json'
              ? (JSON.parse(choice) as unknown)
              : choice;
          }),
        );
        const ambiguous = parsed.flatMap((choices, i) => (choices.length > 1 ? [i] : []));
        // The likeliest readings first: the one with no cell read the other way, then those
        // with one, two, … (an edited row would otherwise cost 2^ambiguous hashes).
        let tried = 0;
        for (let flips = 0; flips <= ambiguous.length; flips++) {
          for (const flipped of subsets(ambiguous, flips)) {
            if (tried++ >= MAX_READINGS) return;
            const source: Partial<Record<EventField, unknown>> = {};
            EVENT_FIELD_NAMES.forEach((field, i) => {
              source[field] = (parsed[i] as unknown[])[flipped.has(i) ? 1 : 0];
            });
            yield source;
          }
        }
      },
    };
  }
}

/** Every subset of `items` with `size` members, in order. */
function* subsets(items: number[], size: number, from = 0): Generator<Set<number>> {
  if (size === 0) {
    yield new Set();
    return;
  }
  for (let i = from; i <= items.length - size; i++) {
    for (const rest of subsets(items, size - 1, i + 1)) {
      rest.add(items[i] as number);
      yield rest;
    }
  }
}

/** RFC 4180 records (quoted fields may hold commas, quotes doubled, line breaks). */
async function* csvRecords(stream: Readable): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let afterQuote = false;
  let any = false;
  const chunks = async function* () {
    for await (const chunk of stream as AsyncIterable<Buffer>) yield decoder.write(chunk);
    yield decoder.end();
  };
  for await (const text of chunks()) {
    for (let i = 0; i < text.length; i++) {
      const c = text[i] as string;
      if (quoted) {
        if (c !== '"') cell += c;
        else if (text[i + 1] === '"') {
          cell += '"';
          i += 1;
        } else if (i + 1 === text.length) {
          // A quote at the end of a chunk: the next chunk says whether it is doubled.
          quoted = false;
          afterQuote = true;
        } else {
          quoted = false;
        }
        continue;
      }
      if (afterQuote) {
        afterQuote = false;
        if (c === '"') {
          cell += '"';
          quoted = true;
          continue;
        }
      }
      any = true;
      if (c === '"' && cell === '') quoted = true;
      else if (c === ',') {
        cells.push(cell);
        cell = '';
      } else if (c === '\n') {
        cells.push(cell);
        yield cells;
        cells = [];
        cell = '';
        any = false;
      } else cell += c;
    }
  }
  if (any || cell !== '' || cells.length > 0) {
    cells.push(cell);
    yield cells;
  }
}

/** Lines split on `\n`. */
async function* lines(stream: Readable): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const text = rest + decoder.write(chunk);
    const parts = text.split('\n');
    rest = parts.pop() ?? '';
    if (rest.length > MAX_LINE_CHARS) throw new MalformedArchive('a line is too long');
    for (const part of parts) if (part !== '') yield part;
  }
  rest += decoder.end();
  if (rest !== '') yield rest;
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
