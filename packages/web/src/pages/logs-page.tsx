import { Button, Group, Skeleton, Stack, Title } from '@mantine/core';
import { keepPreviousData } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { lazy, startTransition, Suspense, useCallback, useEffect, useMemo, useState } from 'react';

import { EventsTable } from '../components/events-table';
import { FacetsPanel } from '../components/facets-panel';
import { FilterBar, FilterBarPlaceholder } from '../components/filter-bar';
import { SearchBar } from '../components/search-bar';
import {
  facetsInput,
  histogramInput,
  listInput,
  queryIsValid as isValidQuery,
} from '../lib/logs-queries';
import {
  addFilterValue,
  searchToFilter,
  withFilter,
  withRange,
  withSortToggled,
  type ColumnId,
  type FilterKey,
  type LogsSearch,
} from '../lib/logs-search';
import { useSessionIfKnown } from '../lib/session';
import { viewerTimeZone } from '../lib/time';
import { logsRoute } from '../router';
import { trpc, type AuditEvent } from '../trpc';

// The table renders without these: the chart library, the detail drawer with its diff, and
// the dialogs (with their date pickers) load on their own. The histogram is on the first
// screen: the route's loader starts loading it as soon as the page's requests are out.
export const loadHistogram = () => import('../components/events-histogram');
const EventsHistogram = lazy(() => loadHistogram().then((m) => ({ default: m.EventsHistogram })));
const EventDrawer = lazy(() =>
  import('../components/event-drawer').then((m) => ({ default: m.EventDrawer })),
);
const ExportDialog = lazy(() =>
  import('../components/export-dialog').then((m) => ({ default: m.ExportDialog })),
);
const PurgeDialog = lazy(() =>
  import('../components/purge-dialog').then((m) => ({ default: m.PurgeDialog })),
);

const NO_EVENTS: AuditEvent[] = [];
/**
 * How long an answer the route's loader fetched stays fresh for the page: mounting just
 * after the loader, the page would otherwise ask again at once. (A preset range is anchored
 * anew, so asked anew, each time the page is opened or its filter changes.)
 */
const FRESH_MS = 30_000;

export function LogsPage() {
  const search = logsRoute.useSearch();
  // When the route's loader anchored preset ranges ("last 7 days"), and started the requests.
  const { now } = logsRoute.useLoaderData();
  const navigate = useNavigate({ from: logsRoute.fullPath });
  // Purge appears once the sign-in check says this is an admin; the rest does not wait.
  const isAdmin = useSessionIfKnown()?.role === 'admin';
  const [dialog, setDialog] = useState<'export' | 'purge' | null>(null);
  // The drawer, once opened, stays mounted so that it can slide out when closed.
  const [drawerUsed, setDrawerUsed] = useState(search.event !== undefined);
  if (search.event !== undefined && !drawerUsed) setDrawerUsed(true);
  // The filter controls are the costliest part of the first render (eight comboboxes): they
  // mount just after it, in a transition (which later answers interrupt), so that the first
  // rows do not wait for them. Meanwhile a placeholder of their size holds their place.
  const [controlsMounted, setControlsMounted] = useState(false);
  useEffect(() => {
    startTransition(() => {
      setControlsMounted(true);
    });
  }, []);
  const timeZone = search.tz ?? viewerTimeZone();
  const go = useCallback(
    (next: LogsSearch) => {
      void navigate({ search: next });
    },
    [navigate],
  );
  // Stable handlers: the table, histogram and facets are memoized, so that each answer
  // re-renders its own part only.
  const onSelectRange = useCallback(
    (from: Date, to: Date) => {
      go(withRange(search, from, to));
    },
    [go, search],
  );
  const onAddFilter = useCallback(
    (key: FilterKey, value: string) => {
      go(addFilterValue(search, key, value));
    },
    [go, search],
  );
  const onSort = useCallback(
    (column: ColumnId) => {
      go(withSortToggled(search, column));
    },
    [go, search],
  );
  const onOpen = useCallback(
    (event: AuditEvent) => {
      go({ ...search, event: event.id, at: event.occurredAt });
    },
    [go, search],
  );

  const filter = useMemo(() => searchToFilter(search, now), [search, now]);
  const queryIsValid = isValidQuery(search);

  const options = { enabled: queryIsValid, placeholderData: keepPreviousData, staleTime: FRESH_MS };
  const list = trpc.auditLogs.list.useQuery(listInput(search, filter), options);
  const histogram = trpc.auditLogs.histogram.useQuery(histogramInput(filter, timeZone), options);
  const facets = trpc.auditLogs.facets.useQuery(facetsInput(filter), options);

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={2}>Audit Logs</Title>
        <Group gap="xs">
          <Button
            variant="default"
            onClick={() => {
              setDialog('export');
            }}
          >
            Export
          </Button>
          {isAdmin && (
            <Button
              color="red"
              variant="light"
              onClick={() => {
                setDialog('purge');
              }}
            >
              Purge
            </Button>
          )}
        </Group>
      </Group>
      <SearchBar
        value={search.q}
        onSearch={(q) => {
          go(withFilter(search, { q }));
        }}
      />
      {controlsMounted ? (
        <FilterBar search={search} timeZone={timeZone} onChange={go} />
      ) : (
        <FilterBarPlaceholder />
      )}
      <Suspense fallback={<Skeleton h={140} />}>
        <EventsHistogram
          histogram={histogram.data}
          timeZone={timeZone}
          onSelectRange={onSelectRange}
        />
      </Suspense>
      <FacetsPanel facets={facets.data} timeZone={timeZone} onAdd={onAddFilter} />
      <EventsTable
        search={search}
        timeZone={timeZone}
        items={queryIsValid ? list.data?.items : NO_EVENTS}
        total={list.data?.total}
        totalIsEstimate={list.data?.totalIsEstimate ?? false}
        nextCursor={list.data?.nextCursor}
        prevCursor={list.data?.prevCursor}
        loading={list.isFetching}
        onChange={go}
        onSort={onSort}
        onOpen={onOpen}
      />
      <Suspense fallback={null}>
        {drawerUsed && (
          <EventDrawer
            id={search.event}
            occurredAt={search.at}
            timeZone={timeZone}
            onClose={() => {
              const { event: _event, at: _at, ...rest } = search;
              go(rest);
            }}
          />
        )}
        {/* Mounted while open only, so each opening starts from the page's current state. */}
        {dialog === 'export' && (
          <ExportDialog
            opened
            onClose={() => {
              setDialog(null);
            }}
            filter={filter}
            timeZone={timeZone}
          />
        )}
        {isAdmin && dialog === 'purge' && (
          <PurgeDialog
            opened
            onClose={() => {
              setDialog(null);
            }}
            filter={filter}
            timeZone={timeZone}
          />
        )}
      </Suspense>
    </Stack>
  );
}
