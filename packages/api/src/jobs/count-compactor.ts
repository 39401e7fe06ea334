import { compactEventCounts, compactProducerSeqs, type AuditDb } from '@audit/db';

export interface CountCompactorOptions {
  store: AuditDb;
  /** Pause between compactions. */
  intervalMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Folds event count deltas into event_counts in the background, every second or so, on a
 * timer of its own (a long export or purge must not hold it up), and the producers'
 * sequence numbers into their high-water marks and gaps. Several processes may run one:
 * only one compacts at a time, the others skip their turn. Reads are exact either way;
 * this keeps the deltas they add up (or fold first) few.
 */
export class CountCompactor {
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly options: CountCompactorOptions) {
    this.intervalMs = options.intervalMs ?? 1_000;
  }

  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      const { db } = this.options.store;
      this.running = compactEventCounts(db)
        .then(() => compactProducerSeqs(db))
        .then(() => undefined)
        .catch((error: unknown) => {
          this.options.onError?.(error);
        })
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs);
        });
    };
    tick();
  }

  /** Stops, letting a compaction in progress commit. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
