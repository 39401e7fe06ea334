import type { SigningKey } from '../integrity/signing-key';
import { exportJobHandler } from './export-job';
import { purgeJobHandler } from './purge-job';
import { retentionJobHandler } from './retention';
import type { JobHandler } from './runner';
import { verifyJobHandler } from './verify-job';

/** What the built-in jobs need beside the database: where archives go, the key that signs. */
export interface JobDeps {
  archiveDir: string;
  signingKey: SigningKey;
}

/** The job types this service runs itself, by type. */
export function jobHandlers(deps: JobDeps): Record<string, JobHandler> {
  return {
    export: exportJobHandler(deps.archiveDir, deps.signingKey),
    purge: purgeJobHandler(deps),
    retention: retentionJobHandler(deps),
    verify: verifyJobHandler(deps.signingKey),
  };
}
