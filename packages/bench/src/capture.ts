import type { Logger } from 'drizzle-orm';

/** One statement as Drizzle sent it: the SQL text and its bound parameters. */
export interface CapturedQuery {
  text: string;
  params: unknown[];
}

/**
 * A Drizzle logger that records the statements sent while `during()` runs: the benchmark's
 * "direct" side replays exactly these, rather than a hand-written lookalike.
 */
export class QueryCapture implements Logger {
  private recording: CapturedQuery[] | null = null;

  logQuery(query: string, params: unknown[]): void {
    this.recording?.push({ text: query, params: [...params] });
  }

  async during(work: () => Promise<void>): Promise<CapturedQuery[]> {
    if (this.recording) throw new Error('QueryCapture: captures cannot overlap');
    const recording: CapturedQuery[] = [];
    this.recording = recording;
    try {
      await work();
    } finally {
      this.recording = null;
    }
    return recording;
  }
}

/**
 * Statements that read events or their counts (not the session or token lookup of the
 * request).
 */
export function eventStatements(queries: readonly CapturedQuery[]): CapturedQuery[] {
  return queries.filter((q) => /"events"|event_counts|event_count_deltas/.test(q.text));
}
