import type { Summary } from './stats';

/** One line of the results table. */
export interface ResultRow {
  id: string;
  label: string;
  /** Timed list-like scenarios: request through HTTP vs the same SQL straight on the driver. */
  timing?: { ours: Summary; direct: Summary };
  /** Throughput and other scenarios: cells as printed. */
  cells?: { ours: string; direct: string; ratio: string };
  /** Rows the statements read (from EXPLAIN ANALYZE), for a list scenario. */
  rowsRead?: number;
  /** 'met', 'missed (…)', or '' when the issue sets no target for it. */
  target: string;
  note?: string;
  explains?: { statement: string; plan: string }[];
  /** Set when the scenario could not run. */
  error?: string;
}

export interface TargetResults {
  target: 'pg' | 'pglite';
  label: string;
  serverVersion: string;
  events: number;
  loadSeconds: number;
  loadRate: number;
  /** The database an earlier run loaded, when it was reused. */
  reused?: string | null;
  rows: ResultRow[];
}
