import { describe, expect, it } from 'vitest';

import {
  formatInZone,
  formatShortInZone,
  isoToWallClock,
  offsetLabel,
  wallClockToIso,
} from './time';

describe('times in the viewer’s zone', () => {
  const instant = '2026-01-15T09:30:05.120Z';

  it('formats one instant in several zones', () => {
    expect(formatInZone(instant, 'UTC')).toBe('2026-01-15 09:30:05.120');
    expect(formatInZone(instant, 'Europe/Paris')).toBe('2026-01-15 10:30:05.120');
    expect(formatInZone(instant, 'America/New_York')).toBe('2026-01-15 04:30:05.120');
    expect(formatInZone(instant, 'Asia/Kolkata')).toBe('2026-01-15 15:00:05.120');
  });

  it('follows daylight saving time', () => {
    expect(formatInZone('2026-07-15T09:30:05.000Z', 'Europe/Paris')).toBe(
      '2026-07-15 11:30:05.000',
    );
    expect(offsetLabel('Europe/Paris', new Date('2026-01-15T00:00:00Z'))).toBe('UTC+01:00');
    expect(offsetLabel('Europe/Paris', new Date('2026-07-15T00:00:00Z'))).toBe('UTC+02:00');
    expect(offsetLabel('Asia/Kolkata')).toBe('UTC+05:30');
    expect(offsetLabel('America/St_Johns', new Date('2026-01-15T00:00:00Z'))).toBe('UTC-03:30');
  });

  it('reads a wall-clock time typed in a zone as the right instant, and back', () => {
    expect(wallClockToIso('2026-01-15 10:30:05', 'Europe/Paris')).toBe('2026-01-15T09:30:05.000Z');
    expect(wallClockToIso('2026-07-15 00:00', 'America/New_York')).toBe('2026-07-15T04:00:00.000Z');
    expect(isoToWallClock('2026-07-15T04:00:00.000Z', 'America/New_York')).toBe(
      '2026-07-15 00:00:00',
    );
    expect(() => wallClockToIso('tomorrow', 'UTC')).toThrow('not a date and time');
  });
});

describe('formatShortInZone', () => {
  const now = new Date('2026-11-20T12:00:00Z');
  it('writes day, month and time in the zone, the year only when it is not this one', () => {
    expect(formatShortInZone('2026-11-03T10:42:59Z', 'UTC', now)).toBe('3 Nov 10:42');
    expect(formatShortInZone('2026-11-03T10:42:00Z', 'Asia/Tokyo', now)).toBe('3 Nov 19:42');
    expect(formatShortInZone('2025-12-31T23:30:00Z', 'UTC', now)).toBe('31 Dec 2025 23:30');
    // New Year's Eve in UTC is already next year in Tokyo.
    expect(formatShortInZone('2025-12-31T23:30:00Z', 'Asia/Tokyo', now)).toBe('1 Jan 08:30');
  });
});
