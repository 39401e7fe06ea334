// @vitest-environment happy-dom
import { MantineProvider } from '@mantine/core';
import { cleanup, render, screen, within } from '@testing-library/react';
import type { ReactElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { RouterOutputs } from '../trpc';
import { basisText, type CountBasis } from './count-basis';
import { EventsHistogram, histogramBuckets, uncountedBuckets } from './events-histogram';
import { FacetsPanel } from './facets-panel';

type Facets = RouterOutputs['auditLogs']['facets'];
type Histogram = RouterOutputs['auditLogs']['histogram'];

const EXACT: CountBasis = { exact: true, source: 'rollups', since: null, eventsRead: 0 };
const NEWEST: CountBasis = {
  exact: false,
  source: 'events',
  since: '2026-11-03T10:42:00.000Z',
  eventsRead: 50_000,
};
const ENDS: CountBasis = { exact: false, source: 'rollups', since: null, eventsRead: 0 };

function facets(basis: CountBasis): Facets {
  return {
    fields: {
      userName: [
        { value: 'alice', count: 1234 },
        { value: 'bob', count: 56 },
      ],
      taskName: [{ value: 'Login', count: 1290 }],
      objectType: [],
      status: [{ value: 'success', count: 1290 }],
    },
    basis,
  };
}

const HOUR = 3_600_000;
function histogram(basis: CountBasis): Histogram {
  const start = Date.parse('2026-11-03T08:00:00.000Z');
  return {
    bucket: HOUR,
    from: new Date(start).toISOString(),
    to: new Date(start + 6 * HOUR - 1).toISOString(),
    buckets: Array.from({ length: 6 }, (_, i) => ({
      start: new Date(start + i * HOUR).toISOString(),
      total: 10 * i,
      byStatus: { success: 10 * i, failure: 0, job_scheduled: 0, recurring_job_scheduled: 0 },
    })),
    basis,
  };
}

function renderInMantine(ui: ReactElement) {
  return render(<MantineProvider>{ui}</MantineProvider>);
}

afterEach(cleanup);

describe('basisText', () => {
  it('says nothing of an exact answer', () => {
    expect(basisText(EXACT, 'UTC')).toBeNull();
  });

  it('names how many of the newest events were read, and since when, in the page zone', () => {
    expect(basisText(NEWEST, 'UTC')).toBe('Based on the newest 50,000 events, since 3 Nov 10:42');
    expect(basisText(NEWEST, 'Asia/Tokyo')).toBe(
      'Based on the newest 50,000 events, since 3 Nov 19:42',
    );
  });

  it('says the ends of the range are estimated when nothing was cut off', () => {
    expect(basisText(ENDS, 'UTC')).toBe("Estimated at the range's ends");
  });
});

describe('FacetsPanel', () => {
  it('shows exact counts without a mark', () => {
    renderInMantine(<FacetsPanel facets={facets(EXACT)} timeZone="UTC" onAdd={vi.fn()} />);
    const panel = screen.getByTestId('facets');
    expect(panel.getAttribute('data-exact')).toBe('true');
    expect(panel.textContent).toContain('1,234');
    expect(panel.textContent).not.toContain('≈');
    expect(screen.queryByTestId('facets-basis')).toBeNull();
  });

  it('marks approximate counts with ≈ and says what they are based on', () => {
    renderInMantine(<FacetsPanel facets={facets(NEWEST)} timeZone="UTC" onAdd={vi.fn()} />);
    const panel = screen.getByTestId('facets');
    expect(panel.getAttribute('data-exact')).toBe('false');
    const user = within(panel).getAllByTestId('facet-userName')[0];
    expect(user?.textContent).toContain('alice');
    expect(user?.textContent).toContain('≈1,234');
    expect(screen.getByTestId('facets-basis').textContent).toBe(
      '≈ Based on the newest 50,000 events, since 3 Nov 10:42',
    );
  });

  it("says so when only the range's ends are estimated", () => {
    renderInMantine(<FacetsPanel facets={facets(ENDS)} timeZone="UTC" onAdd={vi.fn()} />);
    expect(screen.getByTestId('facets-basis').textContent).toBe("≈ Estimated at the range's ends");
    expect(screen.getByTestId('facets').textContent).toContain('≈56');
  });
});

describe('EventsHistogram', () => {
  it('shows no note for an exact answer', () => {
    renderInMantine(
      <EventsHistogram histogram={histogram(EXACT)} timeZone="UTC" onSelectRange={vi.fn()} />,
    );
    expect(screen.getByTestId('histogram').getAttribute('data-exact')).toBe('true');
    expect(screen.queryByTestId('histogram-basis')).toBeNull();
  });

  it('says what an approximate answer is based on, in the page zone', () => {
    renderInMantine(
      <EventsHistogram
        histogram={histogram(NEWEST)}
        timeZone="Europe/Paris"
        onSelectRange={vi.fn()}
      />,
    );
    expect(screen.getByTestId('histogram').getAttribute('data-exact')).toBe('false');
    expect(screen.getByTestId('histogram-basis').textContent).toBe(
      '≈ Based on the newest 50,000 events, since 3 Nov 11:42',
    );
  });

  it('shades the buckets that start before `since`: they are not all counted', () => {
    const approximate = histogram(NEWEST);
    const buckets = histogramBuckets(approximate);
    // Buckets start at 08:00 … 13:00; since is 10:42, inside the 10:00 bucket.
    expect(uncountedBuckets(buckets, approximate.basis)).toEqual([0, 2]);
    expect(uncountedBuckets(buckets, EXACT)).toBeNull();
    expect(uncountedBuckets(buckets, ENDS)).toBeNull();
    expect(uncountedBuckets(buckets, { ...NEWEST, since: '2026-11-03T07:00:00.000Z' })).toBeNull();
  });
});
