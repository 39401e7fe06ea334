import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Holds a PGlite data directory for this process. PGlite is PostgreSQL in one process's
 * memory, without a postmaster to refuse a second one: two processes opening the same
 * directory would each write its files as if alone, and corrupt them. The lock is a file
 * holding the owner's pid, created exclusively; one left by a process that is gone (killed,
 * crashed) is taken over at once, as PostgreSQL does with its postmaster.pid.
 */
export function lockDataDir(lockFile: string, dataDir: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => {
        rmSync(lockFile, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(readFileSync(lockFile, 'utf8').trim());
    if (owner && isRunning(owner)) {
      throw new Error(
        `the embedded database in ${dataDir} is in use by process ${owner}: PGlite serves ` +
          'one process. Stop it, give this one another DATA_DIR, or run several servers on ' +
          'PostgreSQL (DATABASE_URL).',
      );
    }
    rmSync(lockFile, { force: true }); // its owner is gone
  }
  throw new Error(`could not lock ${dataDir}: another process keeps taking it`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
