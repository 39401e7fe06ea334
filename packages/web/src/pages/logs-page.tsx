import { Button, Group, Stack, Title } from '@mantine/core';
import { keepPreviousData } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useMemo, useState } from 'react';

import { EventDrawer } from '../components/event-drawer';
import { EventsHistogram } from '../components/events-histogram';
import { EventsTable } from '../components/events-table';
import { ExportDialog } from '../components/export-dialog';
import { FacetsPanel, FACETS } from '../components/facets-panel';
import { FilterBar } from '../components/filter-bar';
import { PurgeDialog } from '../components/purge-dialog';
import { SearchBar, searchQueryError } from '../components/search-bar';
import {
  addFilterValue,
  DEFAULT_PAGE_SIZE,
  searchToFilter,
  withFilter,
  withRange,
  withSortToggled,
  type LogsSearch,
} from '../lib/logs-search';
import { useIsAdmin } from '../lib/session';
import { viewerTimeZone } from '../lib/time';
import { logsRoute } from '../router';
import { trpc } from '../trpc';

export function LogsPage() {
  const search = logsRoute.useSearch();
  const navigate = useNavigate({ from: logsRoute.fullPath });
  const isAdmin = useIsAdmin();
  const [dialog, setDialog] = useState<'export' | 'purge' | null>(null);
  const timeZone = search.tz ?? viewerTimeZone();
  const go = (next: LogsSearch) => {
    void navigate({ search: next });
  };

  // A preset range ("last 24 hours") is anchored when the filters change, not on every page turn.
  const filterKey = JSON.stringify({
    ...search,
    cursor: undefined,
    event: undefined,
    at: undefined,
  });
  // eslint-disable-next-line react-hooks/exhaustive-deps -- filterKey stands for search's filter fields
  const filter = useMemo(() => searchToFilter(search, Date.now()), [filterKey]);
  const queryIsValid = !search.q || searchQueryError(search.q) === null;

  const list = trpc.auditLogs.list.useQuery(
    {
      filter,
      ...(search.sort ? { sort: { field: search.sort, direction: search.dir ?? 'desc' } } : {}),
      limit: search.limit ?? DEFAULT_PAGE_SIZE,
      ...(search.cursor ? { cursor: search.cursor } : {}),
    },
    { enabled: queryIsValid, placeholderData: keepPreviousData },
  );
  const histogram = trpc.auditLogs.histogram.useQuery(
    { filter, buckets: 60, timeZone },
    { enabled: queryIsValid, placeholderData: keepPreviousData },
  );
  const facets = trpc.auditLogs.facets.useQuery(
    { filter, fields: FACETS.map((f) => f.field), limit: 5 },
    { enabled: queryIsValid, placeholderData: keepPreviousData },
  );

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
      <FilterBar search={search} timeZone={timeZone} onChange={go} />
      <EventsHistogram
        histogram={histogram.data}
        timeZone={timeZone}
        onSelectRange={(from, to) => {
          go(withRange(search, from, to));
        }}
      />
      <FacetsPanel
        facets={facets.data}
        onAdd={(key, value) => {
          go(addFilterValue(search, key, value));
        }}
      />
      <EventsTable
        search={search}
        timeZone={timeZone}
        items={queryIsValid ? list.data?.items : []}
        total={list.data?.total}
        totalIsEstimate={list.data?.totalIsEstimate ?? false}
        nextCursor={list.data?.nextCursor}
        prevCursor={list.data?.prevCursor}
        loading={list.isFetching}
        onChange={go}
        onSort={(column) => {
          go(withSortToggled(search, column));
        }}
        onOpen={(event) => {
          go({ ...search, event: event.id, at: event.occurredAt });
        }}
      />
      <EventDrawer
        id={search.event}
        occurredAt={search.at}
        timeZone={timeZone}
        onClose={() => {
          const { event: _event, at: _at, ...rest } = search;
          go(rest);
        }}
      />
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
    </Stack>
  );
}
