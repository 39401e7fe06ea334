import { COUNT_GRAINS } from '@audit/db/values';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  bucketBoundaries,
  chooseBucket,
  coverRange,
  edgeEstimates,
  grainFloor,
  grainNext,
} from './time-buckets';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('histogram buckets', () => {
  it('picks the smallest listed size that fits the target, and never below a floor', () => {
    expect(chooseBucket(DAY, 60)).toBe(30 * 60_000);
    expect(chooseBucket(DAY, 60, HOUR)).toBe(HOUR);
    expect(chooseBucket(7 * DAY, 60)).toBe(3 * HOUR);
    expect(chooseBucket(395 * DAY, 60)).toBe(7 * DAY);
    expect(chooseBucket(20 * 365 * DAY, 60)).toBe('month');
  });

  it('starts day buckets at local midnight, across a daylight-saving change', () => {
    // New York moved from −05:00 to −04:00 on 8 March 2026.
    const bounds = bucketBoundaries(
      at('2026-03-06T12:00:00Z'),
      at('2026-03-10T12:00:00Z'),
      DAY,
      'America/New_York',
    );
    expect(bounds.map(iso)).toEqual([
      '2026-03-06T05:00:00.000Z',
      '2026-03-07T05:00:00.000Z',
      '2026-03-08T05:00:00.000Z',
      '2026-03-09T04:00:00.000Z', // a 23-hour day before it
      '2026-03-10T04:00:00.000Z',
      '2026-03-11T04:00:00.000Z',
    ]);
  });

  it('starts weeks on a Monday and months on the 1st, in the zone', () => {
    const weeks = bucketBoundaries(
      at('2026-03-04T00:00:00Z'),
      at('2026-03-20T00:00:00Z'),
      7 * DAY,
      'Asia/Kolkata',
    );
    expect(weeks[0] && iso(weeks[0])).toBe('2026-03-01T18:30:00.000Z'); // Monday 2 March, 00:00 +05:30
    for (const start of weeks) expect(new Date(start + 5.5 * HOUR).getUTCDay()).toBe(1);
    const months = bucketBoundaries(
      at('2026-01-15T00:00:00Z'),
      at('2026-03-15T00:00:00Z'),
      'month',
      'Pacific/Chatham',
    );
    expect(months.map(iso)).toEqual([
      '2025-12-31T10:15:00.000Z', // 1 January, 00:00 +13:45
      '2026-01-31T10:15:00.000Z',
      '2026-02-28T10:15:00.000Z',
      '2026-03-31T10:15:00.000Z',
    ]);
  });

  it('covers the range: the first bucket holds `from`, the last ends after `to`', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: at('2020-01-01T00:00:00Z'), max: at('2030-01-01T00:00:00Z') }),
        fc.integer({ min: 0, max: 400 * DAY }),
        fc.constantFrom(60_000, 30 * 60_000, 3 * HOUR, DAY, 7 * DAY, 'month' as const),
        fc.constantFrom('UTC', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'),
        (from, span, size, zone) => {
          const to = from + (size === 'month' ? span * 3 : Math.min(span, 500 * size));
          const bounds = bucketBoundaries(from, to, size, zone);
          expect(bounds[0]).toBeLessThanOrEqual(from);
          expect(bounds[1]).toBeGreaterThan(from);
          expect(bounds.at(-1)).toBeGreaterThan(to);
          expect(bounds.at(-2)).toBeLessThanOrEqual(to);
          for (let i = 1; i < bounds.length; i++) expect(bounds[i]).toBeGreaterThan(bounds[i - 1]!);
        },
      ),
    );
  });
});

describe('covering a range with counts', () => {
  const grainArb = fc.constantFrom(...COUNT_GRAINS.slice(0, 2));
  const instant = fc.integer({ min: at('2025-01-01T00:00:00Z'), max: at('2027-01-01T00:00:00Z') });

  it('splits [from, to) exactly into whole buckets and ends finer than the finest grain', () => {
    fc.assert(
      fc.property(instant, instant, grainArb, (a, b, finest) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        const { pieces, edges } = coverRange(from, to, finest);
        const parts = [
          ...pieces.map((p) => ({ ...p, edge: false })),
          ...edges.map((e) => ({ ...e, edge: true, grain: finest })),
        ].sort((x, y) => x.from - y.from);
        // Adjacent, no gap, no overlap, from `from` to `to`.
        let cursor = from;
        for (const part of parts) {
          expect(part.from).toBe(cursor);
          expect(part.to).toBeGreaterThan(part.from);
          cursor = part.to;
        }
        expect(cursor).toBe(to);
        for (const piece of pieces) {
          expect(piece.weight).toBe(1);
          expect(grainFloor(piece.from, piece.grain)).toBe(piece.from);
          expect(grainFloor(piece.to, piece.grain)).toBe(piece.to);
          expect(COUNT_GRAINS.indexOf(piece.grain)).toBeGreaterThanOrEqual(
            COUNT_GRAINS.indexOf(finest),
          );
        }
        // An edge never holds a whole bucket of the finest grain.
        for (const edge of edges) {
          const unitStart = grainFloor(edge.from, finest);
          const wholeUnitInside = grainNext(unitStart, finest) <= edge.to && unitStart >= edge.from;
          expect(wholeUnitInside).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('uses months in the middle of a long range, then days, hours and minutes towards its ends', () => {
    const { pieces, edges } = coverRange(
      at('2026-01-30T22:59:30Z'),
      at('2026-04-02T01:02:03Z'),
      'minute',
    );
    expect(pieces.map((p) => [p.grain, iso(p.from), iso(p.to)])).toEqual([
      ['hour', '2026-01-30T23:00:00.000Z', '2026-01-31T00:00:00.000Z'],
      ['day', '2026-01-31T00:00:00.000Z', '2026-02-01T00:00:00.000Z'],
      ['month', '2026-02-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z'],
      ['day', '2026-04-01T00:00:00.000Z', '2026-04-02T00:00:00.000Z'],
      ['hour', '2026-04-02T00:00:00.000Z', '2026-04-02T01:00:00.000Z'],
      ['minute', '2026-04-02T01:00:00.000Z', '2026-04-02T01:02:00.000Z'],
    ]);
    expect(edges.map((e) => [iso(e.from), iso(e.to)])).toEqual([
      ['2026-01-30T22:59:30.000Z', '2026-01-30T23:00:00.000Z'],
      ['2026-04-02T01:02:00.000Z', '2026-04-02T01:02:03.000Z'],
    ]);
  });

  it('estimates an edge by the share of its bucket it covers', () => {
    const estimates = edgeEstimates(
      [
        { from: at('2026-01-01T10:15:00Z'), to: at('2026-01-01T11:00:00Z') },
        { from: at('2026-01-01T12:00:00Z'), to: at('2026-01-01T12:30:00Z') },
      ],
      'hour',
    );
    expect(estimates.map((e) => [iso(e.from), e.weight])).toEqual([
      ['2026-01-01T10:00:00.000Z', 0.75],
      ['2026-01-01T12:00:00.000Z', 0.5],
    ]);
  });
});
