import { describe, expect, it } from 'vitest';

import { filterSummary } from './filter-summary';

describe('filterSummary', () => {
  it('puts the search box first, then fields, times and the where tree', () => {
    expect(
      filterSummary({
        userName: ['alice', 'bob'],
        from: '2026-01-01T00:00:00.000Z',
        q: ' task:tenant.* "disk full" ',
        where: { field: 'domain', op: 'ne', value: 'lab' },
      }),
    ).toBe(
      'task:tenant.* "disk full" · userName: alice, bob · from: 2026-01-01T00:00:00.000Z · ' +
        'where: {"field":"domain","op":"ne","value":"lab"}',
    );
  });

  it('says so when the filter holds every event', () => {
    expect(filterSummary({})).toBe('every event');
    expect(filterSummary({ q: '  ' })).toBe('every event');
  });
});
