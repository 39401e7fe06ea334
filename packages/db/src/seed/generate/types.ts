/** The generator's options and the rows it yields. */
import type { EventInput } from '../../events';
import type { JobRecurrence, JobState } from '../../schema';

export interface SeedOptions {
  /** Total events to generate. */
  events: number;
  /** Spread over the `days` days ending at `end`. */
  days: number;
  /** 1 → only 'default'; n → 'default' plus n-1 realistic tenant names. */
  tenants: number;
  /** Newest possible occurredAt. */
  end: Date;
  /** PRNG seed: same options → byte-identical output. */
  seed: number;
}

/** A row for the jobs table; `id` is assigned by the caller. */
export interface SeedJob {
  tenant: string;
  name: string;
  type: string;
  state: JobState;
  percent: number;
  summary: string | null;
  scheduledAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  recurrence: JobRecurrence | null;
  createdBy: string;
  params: Record<string, unknown>;
}

export type SeedEvent = Omit<EventInput, 'jobId'> & { jobIndex: number | null };

export interface SeedChunk {
  jobs: SeedJob[];
  /** events; `jobIndex` (index into this chunk's `jobs`) stands for the job id the caller will assign */
  events: SeedEvent[];
}
