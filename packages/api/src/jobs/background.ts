import type { AuditDb, Job } from '@audit/db';

import { Sealer } from '../integrity/sealer';
import type { SigningKey } from '../integrity/signing-key';
import { CountCompactor } from './count-compactor';
import { jobHandlers } from './handlers';
import { JobRunner, type JobRunnerOptions } from './runner';

export interface BackgroundOptions {
  store: AuditDb;
  archiveDir: string;
  signingKey: SigningKey;
  /** How often the job runner looks for due jobs. */
  pollMs?: number;
  onJobError?: (error: unknown, job?: Job) => void;
  onJobRunEnded?: JobRunnerOptions['onRunEnded'];
  onCompactionError?: (error: unknown) => void;
  onSealingError?: (error: unknown) => void;
}

/**
 * What a server process runs beside answering requests: the job runner (exports, purges,
 * retention, verification), the compaction of event counts and the sealer. `stop` lets
 * each finish what it holds.
 */
export interface BackgroundWork {
  /** Lets the job in hand and the compaction finish, however long that takes. */
  stop(): Promise<void>;
  /** For a shutdown past its deadline: this process's job claims end now (see releaseClaims). */
  releaseClaims(): Promise<number>;
}

export function startBackgroundWork(options: BackgroundOptions): BackgroundWork {
  const runner = new JobRunner({
    store: options.store,
    handlers: jobHandlers(options),
    ...(options.pollMs ? { pollMs: options.pollMs } : {}),
    ...(options.onJobError ? { onError: options.onJobError } : {}),
    ...(options.onJobRunEnded ? { onRunEnded: options.onJobRunEnded } : {}),
  });
  const compactor = new CountCompactor({
    store: options.store,
    ...(options.onCompactionError ? { onError: options.onCompactionError } : {}),
  });
  const sealer = new Sealer({
    store: options.store,
    key: options.signingKey,
    ...(options.onSealingError ? { onError: options.onSealingError } : {}),
  });
  runner.start();
  compactor.start();
  sealer.start();
  return {
    async stop() {
      await Promise.all([runner.stop(), compactor.stop(), sealer.stop()]);
    },
    releaseClaims: () => runner.releaseClaims(),
  };
}
