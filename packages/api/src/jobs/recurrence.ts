/** ISO-8601 durations as jobs' recurrence intervals: `P1D`, `PT6H`, `P1W`, `P1M`. */
const DURATION =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/**
 * `from` plus the duration, calendar-aware in UTC. Months and years keep the day of the
 * month, or end at the last day of a shorter month, as PostgreSQL's interval arithmetic
 * does: P1M from 31 January is 28 (or 29) February, not 3 March.
 */
export function addDuration(from: Date, duration: string): Date {
  const match = DURATION.exec(duration);
  if (!match) throw new Error(`not an ISO-8601 duration: ${duration}`);
  const [years, months, weeks, days, hours, minutes, seconds] = match
    .slice(1)
    .map((part: string | undefined) => Number(part ?? 0));
  const next = new Date(from);
  const day = next.getUTCDate();
  // Day 1 while moving, so that a month shorter than `day` does not overflow into the next.
  next.setUTCDate(1);
  next.setUTCFullYear(next.getUTCFullYear() + (years ?? 0), next.getUTCMonth() + (months ?? 0));
  next.setUTCDate(Math.min(day, daysInMonth(next)));
  next.setUTCDate(next.getUTCDate() + (weeks ?? 0) * 7 + (days ?? 0));
  return new Date(
    next.getTime() + ((hours ?? 0) * 3600 + (minutes ?? 0) * 60 + (seconds ?? 0)) * 1000,
  );
}

/** The first run after `now`, stepping from `scheduledAt` (a missed run is not run twice). */
export function nextRun(scheduledAt: Date, interval: string, now: Date): Date {
  let next = addDuration(scheduledAt, interval);
  for (let guard = 0; next <= now && guard < 100_000; guard++) next = addDuration(next, interval);
  return next;
}

/** How many days the month of `at` (UTC) has. */
function daysInMonth(at: Date): number {
  const last = new Date(at);
  last.setUTCFullYear(at.getUTCFullYear(), at.getUTCMonth() + 1, 0); // day 0: the month's last
  return last.getUTCDate();
}
