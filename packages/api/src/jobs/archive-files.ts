// File names of the archives export and purge jobs write.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** `2026-11-22T06-15-00Z`: a timestamp that is safe in a file name. */
export function fileStamp(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replaceAll(':', '-');
}

/**
 * Removes this job's files that no archive row records: what an interrupted run left
 * (a recorded archive is never under a name a new run would write).
 */
export async function removeUnrecordedFiles(archiveDir: string, prefix: string): Promise<void> {
  const names = await readdir(archiveDir).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((name) => name.startsWith(prefix))
      .map((name) => rm(join(archiveDir, name), { force: true })),
  );
}
