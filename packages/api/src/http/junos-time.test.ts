import { describe, expect, it } from 'vitest';

import { formatLogTime, parseLogTime, parseXDate, UTC_ZONE } from './junos-time';

const at = (iso: string) => new Date(iso);

describe('x-date', () => {
  it('is UTC when absent or blank', () => {
    expect(parseXDate(undefined)).toEqual(UTC_ZONE);
    expect(parseXDate('  ')).toEqual(UTC_ZONE);
  });

  it('takes an IANA zone, or the fixed offset of a dated time', () => {
    expect(parseXDate('Asia/Kolkata')).toEqual({ tz: 'Asia/Kolkata', offsetMinutes: null });
    expect(parseXDate('Mon, 29 Aug 2011 11:09:18 +0530')).toEqual({
      tz: '+05:30',
      offsetMinutes: 330,
    });
    expect(parseXDate('29 Aug 2011 11:09 -0800')).toEqual({ tz: '-08:00', offsetMinutes: -480 });
    expect(parseXDate('Mon, 29 Aug 2011 05:39:18 GMT')).toEqual(UTC_ZONE);
    expect(parseXDate('2011-08-29T11:09:18.123+05:45')).toEqual({
      tz: '+05:45',
      offsetMinutes: 345,
    });
    expect(parseXDate('2011-08-29T05:39:18Z')).toEqual(UTC_ZONE);
  });

  it('refuses anything else', () => {
    for (const bad of [
      'Mars/Olympus',
      'Nowhere',
      'Mon, 29 Foo 2011 11:09:18 +0530',
      'Mon, 30 Feb 2011 11:09:18 +0530',
      '2011-08-29T11:09:18', // no offset: which zone?
      '2011-08-29T11:09:18+19:00', // past ±18:00
      '2011-08-29T11:09:18+05:60',
      '2011-08-29T24:00:00Z',
    ]) {
      expect(() => parseXDate(bad), bad).toThrow(/^must be an IANA time zone/);
    }
  });
});

describe('logTime', () => {
  it('writes the instant in the zone with its short name', () => {
    const instant = at('2011-08-29T05:39:18.900Z');
    expect(formatLogTime(instant, UTC_ZONE)).toBe('2011-08-29 05:39:18 UTC');
    expect(formatLogTime(instant, parseXDate('Asia/Kolkata'))).toBe('2011-08-29 11:09:18 IST');
    expect(formatLogTime(instant, parseXDate('America/New_York'))).toBe('2011-08-29 01:39:18 EDT');
    expect(formatLogTime(at('2011-01-10T12:00:00Z'), parseXDate('America/New_York'))).toBe(
      '2011-01-10 07:00:00 EST',
    );
    expect(formatLogTime(at('2011-01-10T12:00:00Z'), parseXDate('Europe/London'))).toBe(
      '2011-01-10 12:00:00 GMT',
    );
    expect(formatLogTime(instant, parseXDate('Europe/Berlin'))).toBe('2011-08-29 07:39:18 CEST');
    // No name in use: ICU's offset form.
    expect(formatLogTime(instant, parseXDate('Asia/Kathmandu'))).toBe(
      '2011-08-29 11:24:18 GMT+5:45',
    );
    expect(formatLogTime(instant, parseXDate('2011-08-29T01:09:18-04:00'))).toBe(
      '2011-08-29 01:39:18 GMT-04:00',
    );
    expect(formatLogTime(at('0099-01-01T00:00:00Z'), UTC_ZONE)).toBe('0099-01-01 00:00:00 UTC');
  });

  it('reads a timestamp in the zone, or at its own offset', () => {
    const ist = parseXDate('Asia/Kolkata');
    expect(parseLogTime('2011-08-29 11:01:25', ist)?.toISOString()).toBe(
      '2011-08-29T05:31:25.000Z',
    );
    expect(parseLogTime('2011-08-29 11:01:25', UTC_ZONE)?.toISOString()).toBe(
      '2011-08-29T11:01:25.000Z',
    );
    expect(
      parseLogTime(
        '2011-08-29 11:01:25',
        parseXDate('Mon, 29 Aug 2011 11:09:18 -0400'),
      )?.toISOString(),
    ).toBe('2011-08-29T15:01:25.000Z');
    expect(parseLogTime('2011-08-29T11:01:25+05:30', UTC_ZONE)?.toISOString()).toBe(
      '2011-08-29T05:31:25.000Z',
    );
    // A local time skipped by a DST change is taken forward, as the zone's clocks went.
    expect(parseLogTime('2021-03-14 02:30:00', parseXDate('America/New_York'))?.toISOString()).toBe(
      '2021-03-14T07:30:00.000Z',
    );
    for (const bad of ['2011-02-30 00:00:00', '2011-08-29', '29/08/2011 11:01:25', 'now']) {
      expect(parseLogTime(bad, ist), bad).toBeNull();
    }
  });
});
