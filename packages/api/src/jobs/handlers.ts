import { exportJobHandler } from './export-job';
import { purgeJobHandler } from './purge-job';
import { retentionJobHandler } from './retention';
import type { JobHandler } from './runner';

/** The job types this service runs itself, by type. */
export function jobHandlers(archiveDir: string): Record<string, JobHandler> {
  return {
    export: exportJobHandler(archiveDir),
    purge: purgeJobHandler(archiveDir),
    retention: retentionJobHandler(archiveDir),
  };
}
