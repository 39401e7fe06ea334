import { describe, expect, it } from 'vitest';

import { formatIsoDuration, formatRecurrence } from './recurrence';

describe('formatIsoDuration', () => {
  it('reads single units, singular and plural', () => {
    expect(formatIsoDuration('P1D')).toBe('1 day');
    expect(formatIsoDuration('PT6H')).toBe('6 hours');
    expect(formatIsoDuration('P2W')).toBe('2 weeks');
    expect(formatIsoDuration('PT1M')).toBe('1 minute');
    expect(formatIsoDuration('P1M')).toBe('1 month');
    expect(formatIsoDuration('PT30S')).toBe('30 seconds');
  });

  it('joins several units, largest first, skipping zeros', () => {
    expect(formatIsoDuration('P1DT12H')).toBe('1 day 12 hours');
    expect(formatIsoDuration('P1Y0M2DT0H5M')).toBe('1 year 2 days 5 minutes');
  });

  it('gives back what is not a duration', () => {
    expect(formatIsoDuration('daily')).toBe('daily');
    expect(formatIsoDuration('P')).toBe('P');
    expect(formatIsoDuration('PT')).toBe('PT');
  });
});

describe('formatRecurrence', () => {
  it('says every …, or a dash for a one-off job', () => {
    expect(formatRecurrence({ interval: 'P1D' })).toBe('every 1 day');
    expect(formatRecurrence({ interval: 'PT6H', endsAt: '2026-01-01T00:00:00Z' })).toBe(
      'every 6 hours',
    );
    expect(formatRecurrence(null)).toBe('—');
  });
});
