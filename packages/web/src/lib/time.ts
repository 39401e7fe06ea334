import { TZDate } from '@date-fns/tz';

/** Times are stored and sent in UTC; the SPA shows them in the viewer's zone or a chosen one. */

let viewerZone: string | undefined;
export function viewerTimeZone(): string {
  viewerZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone;
  return viewerZone;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      fractionalSecondDigits: 3,
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** `2026-03-01 14:05:09.120` in the zone: sortable, unambiguous, the same width on every row. */
export function formatInZone(instant: string | Date, timeZone: string): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(date)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}.${parts.fractionalSecond}`;
}

const shortFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * `3 Nov 10:42` in the zone, for a line of text (`3 Nov 2025 10:42` when not this year in
 * that zone).
 */
export function formatShortInZone(
  instant: string | Date,
  timeZone: string,
  now: Date = new Date(),
): string {
  let formatter = shortFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    shortFormatters.set(timeZone, formatter);
  }
  const partsOf = (date: Date) =>
    Object.fromEntries(formatter.formatToParts(date).map((p) => [p.type, p.value]));
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  const parts = partsOf(date);
  const year = parts.year === partsOf(now).year ? '' : ` ${parts.year ?? ''}`;
  return `${parts.day ?? ''} ${parts.month ?? ''}${year} ${parts.hour ?? ''}:${parts.minute ?? ''}`;
}

/** The zone's offset at that instant, as `UTC+01:00`. */
export function offsetLabel(timeZone: string, at: Date = new Date()): string {
  const minutes = -new TZDate(at.getTime(), timeZone).getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `UTC${sign}${hh}:${mm}`;
}

/** A wall-clock `YYYY-MM-DD HH:mm[:ss]` read in the zone, as an ISO instant in UTC. */
export function wallClockToIso(wallClock: string, timeZone: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/.exec(wallClock);
  if (!match) throw new Error(`not a date and time: ${wallClock}`);
  // Seconds are optional: their group is then undefined.
  const [y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0] = Array.from(match)
    .slice(1, 7)
    .map((v: string | undefined) => Number(v ?? 0));
  const date = new TZDate(y, mo - 1, d, h, mi, s, timeZone);
  return new Date(date.getTime()).toISOString();
}

/** An instant as the zone's wall clock `YYYY-MM-DD HH:mm:ss` (what a date-time picker shows). */
export function isoToWallClock(instant: string, timeZone: string): string {
  return formatInZone(instant, timeZone).slice(0, 19);
}

/** Every IANA zone the browser knows, UTC first. */
export function allTimeZones(): string[] {
  const zones = Intl.supportedValuesOf('timeZone');
  return ['UTC', ...zones.filter((zone) => zone !== 'UTC')];
}

/** A duration as `1.2 s`, `3 min`, for job runs. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit] ?? ''}`;
}
