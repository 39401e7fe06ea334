import { defaultParseSearch, defaultStringifySearch } from '@tanstack/react-router';
import { eventFilterSchema } from '@audit/api/filters';
import { describe, expect, it } from 'vitest';

import {
  addFilterValue,
  clearFilters,
  DEFAULT_RANGE,
  parseLogsSearch,
  rangeOf,
  searchToFilter,
  withFilter,
  withPreset,
  withRange,
  withSortToggled,
  type LogsSearch,
} from './logs-search';

/** What a reload does: the state written into the URL, then read back from it. */
function throughUrl(search: LogsSearch): LogsSearch {
  const url = defaultStringifySearch(search);
  return parseLogsSearch(defaultParseSearch(url));
}

const NOW = Date.parse('2026-06-15T12:00:00Z');

describe('the Audit Logs URL', () => {
  it('round-trips every piece of state through the query string', () => {
    const search: LogsSearch = {
      q: 'user:alice status:failure "disk full"',
      status: ['failure', 'success'],
      userName: ['alice', 'bob'],
      taskName: ['tenant.*'],
      action: ['create'],
      agent: ['Chrome'],
      objectType: ['Device'],
      application: ['CSO'],
      tenant: ['acme'],
      from: '2026-06-01T00:00:00.000Z',
      to: '2026-06-02T00:00:00.000Z',
      sort: 'userName',
      dir: 'asc',
      limit: 100,
      cursor: 'eyJmIjoidXNlck5hbWUifQ',
      cols: ['occurredAt', 'userName', 'status'],
      tz: 'Europe/Paris',
      event: '12345',
      at: '2026-06-01T10:00:00.000Z',
    };
    expect(throughUrl(search)).toEqual(search);
  });

  it('reads a numeric-looking event id, which the router decodes as a number, as a string', () => {
    expect(parseLogsSearch(defaultParseSearch('?event=42'))).toEqual({ event: '42' });
  });

  it('drops values that do not fit instead of failing the page', () => {
    const parsed = parseLogsSearch({
      status: ['nope'],
      limit: 7,
      tz: 'Mars/Olympus',
      sort: 'password',
      range: '2y',
      from: 'yesterday',
      userName: ['alice'],
    });
    expect(parsed).toEqual({ userName: ['alice'] });
  });

  it('turns the state into a filter the API schema accepts', () => {
    const filter = searchToFilter(
      {
        q: 'task:device.*',
        status: ['failure'],
        userName: ['alice'],
        tenant: ['acme'],
        range: '24h',
      },
      NOW,
    );
    expect(filter).toEqual({
      q: 'task:device.*',
      status: ['failure'],
      userName: ['alice'],
      tenant: ['acme'],
      from: '2026-06-14T12:00:00.000Z',
    });
    expect(eventFilterSchema.safeParse(filter).success).toBe(true);
  });

  it('opens a link without a range on the last 7 days, and keeps the URL as it was', () => {
    expect(DEFAULT_RANGE).toBe('7d');
    // An old link: no range param at all.
    const old = parseLogsSearch(defaultParseSearch('?status=%5B%22failure%22%5D'));
    expect(old).toEqual({ status: ['failure'] });
    expect(rangeOf(old)).toBe('7d');
    expect(searchToFilter(old, NOW)).toEqual({
      status: ['failure'],
      from: '2026-06-08T12:00:00.000Z',
    });
    expect(searchToFilter(parseLogsSearch({}), NOW)).toEqual({ from: '2026-06-08T12:00:00.000Z' });
  });

  it('reads range=all as every event: no time bound at all', () => {
    const all = parseLogsSearch(defaultParseSearch('?range=all'));
    expect(all).toEqual({ range: 'all' });
    expect(rangeOf(all)).toBe('all');
    expect(searchToFilter(all, NOW)).toEqual({});
    expect(throughUrl(all)).toEqual(all);
    expect(defaultStringifySearch(all)).toBe('?range=all');
    // A custom range still wins over it.
    expect(searchToFilter({ range: 'all', from: '2026-01-01T00:00:00.000Z' }, NOW)).toEqual({
      from: '2026-01-01T00:00:00.000Z',
    });
  });

  it('writes the default range as no param, every other choice explicitly', () => {
    expect(withPreset({ range: 'all', cursor: 'c' }, '7d')).toEqual({});
    expect(withPreset({}, 'all')).toEqual({ range: 'all' });
    expect(withPreset({ from: '2026-06-01T00:00:00.000Z' }, '24h')).toEqual({ range: '24h' });
    expect(rangeOf(withPreset({}, '30d'))).toBe('30d');
    expect(rangeOf({ range: 'all', to: '2026-06-01T00:00:00.000Z' })).toBe('custom');
  });

  it('lets a custom range win over a preset', () => {
    const filter = searchToFilter(
      { range: '1h', from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' },
      NOW,
    );
    expect(filter).toEqual({ from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' });
  });

  it('starts again at the first page when a filter changes, keeping sort, size and columns', () => {
    const search: LogsSearch = { cursor: 'abc', sort: 'taskName', limit: 25, cols: ['status'] };
    expect(withFilter(search, { status: ['failure'] })).toEqual({
      sort: 'taskName',
      limit: 25,
      cols: ['status'],
      status: ['failure'],
    });
    expect(withFilter({ userName: ['alice'] }, { userName: [] })).toEqual({});
  });

  it('adds a facet value once', () => {
    const once = addFilterValue({ userName: ['alice'] }, 'userName', 'bob');
    expect(once).toEqual({ userName: ['alice', 'bob'] });
    expect(addFilterValue(once, 'userName', 'bob')).toBe(once);
  });

  it('orders a dragged range and replaces the preset', () => {
    const to = new Date('2026-06-01T00:00:00Z');
    const from = new Date('2026-06-03T00:00:00Z');
    expect(withRange({ range: '7d' }, from, to)).toEqual({
      from: '2026-06-01T00:00:00.000Z',
      to: '2026-06-03T00:00:00.000Z',
    });
    expect(withPreset({ from: '2026-06-01T00:00:00.000Z' }, '30d')).toEqual({ range: '30d' });
  });

  it('toggles sort descending, then ascending, and back to the default newest first', () => {
    const first = withSortToggled({}, 'userName');
    expect(first).toEqual({ sort: 'userName', dir: 'desc' });
    const second = withSortToggled(first, 'userName');
    expect(second).toEqual({ sort: 'userName', dir: 'asc' });
    expect(withSortToggled({}, 'occurredAt')).toEqual({ sort: 'occurredAt', dir: 'asc' });
    expect(withSortToggled({ sort: 'occurredAt', dir: 'asc' }, 'occurredAt')).toEqual({});
  });

  it('clears filters but keeps how the table looks', () => {
    expect(
      clearFilters({
        q: 'x',
        status: ['failure'],
        range: '1h',
        sort: 'status',
        tz: 'UTC',
        limit: 25,
      }),
    ).toEqual({ sort: 'status', tz: 'UTC', limit: 25 });
    // All time is a choice away from the default: clearing goes back to the last 7 days.
    expect(rangeOf(clearFilters({ range: 'all' }))).toBe('7d');
  });
});
