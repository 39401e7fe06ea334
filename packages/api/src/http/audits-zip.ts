import { Readable } from 'node:stream';

import type { Database } from '@audit/db';
import type { SQL } from 'drizzle-orm';
import type { FastifyReply } from 'fastify';
import { ZipFile } from 'yazl';

import { COMPRESSION_LEVEL, csvField, type ArchiveRow } from '../archive/archive';
import { iterateArchiveRows } from '../data/events';

/**
 * A `.zip` of matching events, in a surface's own columns, streamed straight into the
 * response (CA API Portal's export answers the file itself, not a job to follow). Rows come
 * from iterateArchiveRows (keyset batches, the export job's reader) and go out through yazl
 * as they are read, so memory stays flat whatever the range; nothing is written to disk.
 */

/** A cell of a surface's row: text, a number (epoch ms), or nothing. */
export type Cell = string | number | null;

export interface AuditsZip<C extends string> {
  db: Database;
  conditions: SQL[];
  format: 'csv' | 'json';
  /** The data file's name inside the zip (`audits.csv`). */
  entryName: string;
  /** The zip's name, for Content-Disposition. */
  fileName: string;
  /** The columns, in order: CSV header and JSON key order. */
  columns: readonly C[];
  rowOf: (row: ArchiveRow) => Record<C, Cell>;
  /**
   * Called once the first rows were read, before any byte is sent (the export's audit
   * record): a failure there, or a database out of reach, is still an ordinary error answer.
   */
  beforeSending: () => Promise<void>;
  now: Date;
}

/** Rows read per query; at most two batches are held at once (iterateArchiveRows). */
const BATCH_ROWS = 2000;
/** Rows serialised into one piece: ≥ 64 KiB pieces keep yazl/zlib fast (DESIGN.md, export). */
const SLICE_ROWS = 256;

export async function sendAuditsZip<C extends string>(
  reply: FastifyReply,
  options: AuditsZip<C>,
): Promise<FastifyReply> {
  const batches = iterateArchiveRows(options.db, options.conditions, BATCH_ROWS);
  let first: IteratorResult<ArchiveRow[]>;
  try {
    first = await batches.next();
    await options.beforeSending();
  } catch (error) {
    await batches.return(undefined);
    throw error;
  }
  const serializer = serializerOf(options.format, options.columns, options.rowOf);

  async function* pieces(): AsyncGenerator<Buffer> {
    try {
      yield Buffer.from(serializer.head, 'utf8');
      let written = 0;
      for (let next = first; !next.done; next = await batches.next()) {
        const batch = next.value;
        for (let start = 0; start < batch.length; start += SLICE_ROWS) {
          const slice = batch.slice(start, start + SLICE_ROWS);
          yield Buffer.from(serializer.rows(slice, written === 0), 'utf8');
          written += slice.length;
        }
      }
      yield Buffer.from(serializer.tail(written), 'utf8');
    } finally {
      // Stopped early (the client went away, or a read failed): no more reads.
      await batches.return(undefined);
    }
  }

  const data = Readable.from(pieces(), { objectMode: false });
  const zip = new ZipFile();
  zip.addReadStream(data, options.entryName, {
    compressionLevel: COMPRESSION_LEVEL,
    mtime: options.now,
  });
  zip.end();
  // A PassThrough, though yazl's types say only NodeJS.ReadableStream.
  const output = zip.outputStream;
  if (!(output instanceof Readable)) throw new TypeError('yazl gave no Readable');
  // yazl does not pass on its sources' errors: a read failing mid-way (the database gone)
  // ends the response abruptly, so the client sees a broken transfer, never a short zip.
  data.on('error', (error) => output.destroy(error));
  reply.raw.on('close', () => data.destroy());
  return reply
    .header('content-type', 'application/zip')
    .header('content-disposition', `attachment; filename="${options.fileName}"`)
    .send(output);
}

interface Serializer {
  head: string;
  rows: (batch: readonly ArchiveRow[], first: boolean) => string;
  tail: (rowCount: number) => string;
}

function serializerOf<C extends string>(
  format: 'csv' | 'json',
  columns: readonly C[],
  rowOf: (row: ArchiveRow) => Record<C, Cell>,
): Serializer {
  if (format === 'csv') {
    const cell = (value: Cell) =>
      value === null ? '' : typeof value === 'number' ? String(value) : csvField(value);
    return {
      head: `${columns.map((column) => csvField(column)).join(',')}\n`,
      rows: (batch) => {
        let text = '';
        for (const row of batch) {
          const values = rowOf(row);
          text += `${columns.map((column) => cell(values[column])).join(',')}\n`;
        }
        return text;
      },
      tail: () => '',
    };
  }
  // One object per line, keys in column order, as the archives' JSON.
  const line = (row: ArchiveRow) => {
    const values = rowOf(row);
    return JSON.stringify(Object.fromEntries(columns.map((column) => [column, values[column]])));
  };
  return {
    head: '[\n',
    rows: (batch, first) => (first ? '' : ',\n') + batch.map(line).join(',\n'),
    tail: (rowCount) => (rowCount > 0 ? '\n]\n' : ']\n'),
  };
}
