import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/** The lock files this process holds. */
const heldHere = new Set<string>();

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
      heldHere.add(lockFile);
      return () => {
        heldHere.delete(lockFile);
        rmSync(lockFile, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(readFileSync(lockFile, 'utf8').trim());
    // Our own pid in a file this process did not write: a container restarted after a kill,
    // its server again the same pid (often 1). Stale, like a dead owner's.
    const inUse = owner === process.pid ? heldHere.has(lockFile) : owner > 0 && isRunning(owner);
    if (inUse) {
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
