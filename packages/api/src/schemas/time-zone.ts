import { z } from 'zod';

/** Whether this runtime's ICU knows `zone` as an IANA time zone (its constructor decides). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name (`Europe/Paris`, `UTC`), as procedures and the SPA's URL take it. */
export const timeZoneSchema = z
  .string()
  .refine(isTimeZone, { message: 'must be an IANA time zone, e.g. Europe/Paris' });
