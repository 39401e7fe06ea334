import { TZDate } from '@date-fns/tz';

import { isTimeZone } from '../schemas/time-zone';

/**
 * Junos Space's times: `logTime` is `YYYY-MM-DD HH:mm:ss ZZZ` (`2011-08-29 10:16:18 IST`), in
 * UTC unless the request's `x-date` header gives the client's zone: an IANA name, or a date
 * with an offset (the client's current time, RFC 7231 `Mon, 29 Aug 2011 11:09:18 +0530` or
 * ISO `2011-08-29T11:09:18+05:30`), which stands for that fixed offset. A filter's
 * `timestamp('2011-08-29 11:01:25')` is read in the same zone.
 */
export interface JunosZone {
  /** What TZDate takes: an IANA name, or a fixed offset `+05:30`. */
  tz: string;
  /** A fixed offset in minutes east of UTC (null for an IANA zone). */
  offsetMinutes: number | null;
}

export const UTC_ZONE: JunosZone = { tz: 'UTC', offsetMinutes: 0 };

/** Java's limit on an offset (ZoneOffset): ±18:00. */
const MAX_OFFSET_MINUTES = 18 * 60;

const MONTHS = 'jan feb mar apr may jun jul aug sep oct nov dec'.split(' ');

// `Mon, 29 Aug 2011 11:09:18 +0530` (the weekday optional; GMT or UTC for +0000).
const RFC_DATE =
  /^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s+(GMT|UTC|UT|Z|[+-]\d{2}:?\d{2})$/i;
// `2011-08-29T11:09:18+05:30` (or a space for the T; seconds and their fraction optional).
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})$/i;

/** A valid calendar date and time of day (as written, before any zone). */
function validParts(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return (
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d &&
    date.getUTCHours() === h &&
    date.getUTCMinutes() === mi &&
    date.getUTCSeconds() === s
  );
}

/** Minutes east of UTC of `+05:30`, `-0400`, `Z`, `GMT`, or null if beyond ±18:00. */
function offsetMinutes(text: string): number | null {
  if (/^(gmt|utc|ut|z)$/i.test(text)) return 0;
  const [, sign, hours, minutes] = /^([+-])(\d{2}):?(\d{2})$/.exec(text) ?? [];
  const total = Number(hours) * 60 + Number(minutes);
  if (Number(minutes) >= 60 || total > MAX_OFFSET_MINUTES) return null;
  return sign === '-' ? -total : total;
}

function fixedZone(minutes: number): JunosZone {
  if (minutes === 0) return UTC_ZONE;
  const abs = Math.abs(minutes);
  const hhmm = `${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  return { tz: `${minutes < 0 ? '-' : '+'}${hhmm}`, offsetMinutes: minutes };
}

/** The zone an `x-date` header names; throws with the reason when it names none. */
export function parseXDate(header: string | undefined): JunosZone {
  const text = header?.trim();
  if (!text) return UTC_ZONE;
  if (!/\d/.test(text) || text.includes('/')) {
    if (isTimeZone(text)) return { tz: text, offsetMinutes: null };
  }
  const rfc = RFC_DATE.exec(text);
  const iso = rfc ? null : ISO_DATE.exec(text);
  let offset: number | null = null;
  if (rfc) {
    const [, d, mon, y, h, mi, s, zone] = rfc;
    const month = MONTHS.indexOf((mon ?? '').toLowerCase()) + 1;
    if (month > 0 && validParts(+(y ?? 0), month, +(d ?? 0), +(h ?? 0), +(mi ?? 0), +(s ?? 0)))
      offset = offsetMinutes(zone ?? '');
  } else if (iso) {
    const [, y, mo, d, h, mi, s, zone] = iso;
    if (validParts(+(y ?? 0), +(mo ?? 0), +(d ?? 0), +(h ?? 0), +(mi ?? 0), +(s ?? 0)))
      offset = offsetMinutes(zone ?? '');
  }
  if (offset === null) {
    throw new Error(
      'must be an IANA time zone (Asia/Kolkata) or a date with an offset ' +
        '(Mon, 29 Aug 2011 11:09:18 +0530, or 2011-08-29T11:09:18+05:30)',
    );
  }
  return fixedZone(offset);
}

// ---------------------------------------------------------------- writing logTime

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * English locales whose short zone names differ (en-US knows EST/PDT, en-GB BST/CEST, en-IN
 * IST): the first that gives a name, not `GMT+5:30`, wins.
 */
const NAME_LOCALES = ['en-US', 'en-GB', 'en-IN', 'en-AU', 'en-CA', 'en-NZ', 'en-IE', 'en-ZA'];
const nameFormats = new Map<string, Intl.DateTimeFormat[]>();

/** A zone's short name at an instant (`IST`, `EDT`), or ICU's `GMT+5:30` when it has none. */
function zoneName(tz: string, instant: Date): string {
  let formats = nameFormats.get(tz);
  if (!formats) {
    formats = NAME_LOCALES.map(
      (locale) => new Intl.DateTimeFormat(locale, { timeZone: tz, timeZoneName: 'short' }),
    );
    nameFormats.set(tz, formats);
  }
  let fallback = 'UTC';
  for (const [i, format] of formats.entries()) {
    const name = format.formatToParts(instant).find((p) => p.type === 'timeZoneName')?.value;
    if (!name) continue;
    if (i === 0) fallback = name;
    if (!/^GMT[+-−]/.test(name)) return name;
  }
  return fallback;
}

/** `2011-08-29 10:16:18 IST`: the instant in `zone`, to the second. */
export function formatLogTime(instant: Date, zone: JunosZone): string {
  const local = new TZDate(instant.getTime(), zone.tz);
  const text =
    `${pad(local.getFullYear(), 4)}-${pad(local.getMonth() + 1)}-${pad(local.getDate())} ` +
    `${pad(local.getHours())}:${pad(local.getMinutes())}:${pad(local.getSeconds())}`;
  if (zone.offsetMinutes === 0) return `${text} UTC`;
  // Java's name for a fixed offset: GMT+05:30.
  if (zone.offsetMinutes !== null) return `${text} GMT${zone.tz}`;
  return `${text} ${zoneName(zone.tz, instant)}`;
}

// ---------------------------------------------------------------- reading a filter's time

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})$/;

/**
 * The instant of `2011-08-29 11:01:25` in `zone` (a whole second); a time written with its
 * own offset (`2011-08-29T11:01:25+05:30`) is taken as it says. Null when it is neither.
 */
export function parseLogTime(text: string, zone: JunosZone): Date | null {
  const local = LOCAL_TIME.exec(text.trim());
  if (local) {
    const [y, mo, d, h, mi, s] = local.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    if (!validParts(y, mo, d, h, mi, s)) return null;
    return new Date(new TZDate(y, mo - 1, d, h, mi, s, zone.tz).getTime());
  }
  const iso = ISO_DATE.exec(text.trim());
  if (iso && iso[6] !== undefined) {
    const [, y, mo, d, h, mi, s, offset] = iso;
    const minutes = offsetMinutes(offset ?? '');
    if (
      minutes === null ||
      !validParts(+(y ?? 0), +(mo ?? 0), +(d ?? 0), +(h ?? 0), +(mi ?? 0), +s)
    )
      return null;
    // Whole seconds, as the listing shows them.
    return new Date(
      Date.UTC(+(y ?? 0), +(mo ?? 0) - 1, +(d ?? 0), +(h ?? 0), +(mi ?? 0), +s) - minutes * 60_000,
    );
  }
  return null;
}
