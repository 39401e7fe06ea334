// Staleness of a build, for `pnpm start`: each build (the SPA's Vite build, the server's esbuild
// bundle) records every file it read — its whole module graph, workspace packages included, plus
// its configuration — and when it started. It is stale when its outputs or that record are
// missing, or when any recorded file is gone or changed since the build started.
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import process from 'node:process';

/**
 * Writes the record of a build to `file`: `inputs` are paths (absolute, or relative to `base`),
 * stored relative to the record's own directory so a moved checkout keeps its builds.
 */
export function writeBuildInputs(file, { startedAt, inputs, base }) {
  const here = dirname(file);
  const files = [...new Set(inputs.map((input) => resolve(base, input)))]
    .map((input) => relative(here, input))
    .sort();
  // Written aside and renamed: a reader never sees half a record.
  const aside = `${file}.${process.pid}.tmp`;
  writeFileSync(aside, `${JSON.stringify({ startedAt, inputs: files }, null, 1)}\n`);
  renameSync(aside, file);
}

/** Why the build recorded in `file` must run again, or null when it is up to date. */
export function staleReason(file, outputs) {
  for (const output of outputs) if (!existsSync(output)) return `${output} is missing`;
  if (!existsSync(file)) return `${file} is missing`;
  let record;
  try {
    record = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return `${file} is unreadable (${error.message})`;
  }
  const { startedAt, inputs } = record;
  if (typeof startedAt !== 'number' || !Array.isArray(inputs) || inputs.length === 0) {
    return `${file} records no inputs`;
  }
  const here = dirname(file);
  for (const input of inputs) {
    const path = isAbsolute(input) ? input : resolve(here, input);
    let mtimeMs;
    try {
      ({ mtimeMs } = statSync(path));
    } catch {
      return `${path} is gone`;
    }
    // Compared with the build's start: a file saved while the build ran counts as changed.
    if (mtimeMs > startedAt) return `${path} changed`;
  }
  return null;
}
