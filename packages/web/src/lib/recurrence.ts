/** Job recurrence as people read it: `P1D` → "every 1 day", `PT6H` → "every 6 hours". */

const DURATION =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const UNITS = ['year', 'month', 'week', 'day', 'hour', 'minute', 'second'] as const;

/** An ISO-8601 duration in words, e.g. `1 day 12 hours`; the input itself when it is not one. */
export function formatIsoDuration(duration: string): string {
  const match = DURATION.exec(duration);
  if (!match) return duration;
  const parts: string[] = [];
  UNITS.forEach((unit, index) => {
    const raw = match[index + 1];
    if (raw === undefined) return;
    const n = Number(raw);
    if (n === 0) return;
    parts.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
  });
  return parts.length > 0 ? parts.join(' ') : '0 seconds';
}

export interface Recurrence {
  interval: string;
  startsAt?: string | undefined;
  endsAt?: string | undefined;
}

/** `every 1 day`, or an em dash for a job that runs once. */
export function formatRecurrence(recurrence: Recurrence | null | undefined): string {
  if (!recurrence) return '—';
  return `every ${formatIsoDuration(recurrence.interval)}`;
}
