import { compactEventCounts, compactProducerSeqs, type AuditDb } from '@audit/db';

import { Periodic } from './periodic';

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
export class CountCompactor extends Periodic {
  constructor(options: CountCompactorOptions) {
    const { db } = options.store;
    super(
      () => compactEventCounts(db).then(() => compactProducerSeqs(db)),
      options.intervalMs ?? 1_000,
      options.onError,
    );
  }
}
