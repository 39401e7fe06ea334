import { Autocomplete, Button, EmptyState, Group, Select, Stack, Text, Title } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useNavigate } from '@tanstack/react-router';
import { getQueryKey } from '@trpc/react-query';
import { BUILTIN_JOB_TYPES, JOB_STATES } from '@audit/db/values';
import { useEffect, useMemo, useState } from 'react';

import { JobsTable } from '../components/jobs-table';
import { LoadMoreButton } from '../components/load-more-button';
import { QueryErrorAlert } from '../components/query-error-alert';
import { JOB_STATE_LABELS } from '../lib/jobs';
import { viewerTimeZone } from '../lib/time';
import { jobsRoute } from '../router';
import { useCursorPages } from '../lib/use-cursor-pages';
import { trpc } from '../trpc';

const PAGE_SIZE = 50;
/** While a listed job runs, its bar moves this often; scheduled ones are checked less often. */
const RUNNING_POLL_MS = 1000;
const SCHEDULED_POLL_MS = 3000;

const STATE_OPTIONS = JOB_STATES.map((state) => ({
  value: state,
  label: JOB_STATE_LABELS[state].label,
}));

export function JobsPage() {
  const { state, type } = jobsRoute.useSearch();
  const navigate = useNavigate({ from: '/jobs' });
  const zone = viewerTimeZone();

  const utils = trpc.useUtils();
  const input = { state, type, limit: PAGE_SIZE };
  const jobs = useCursorPages({
    queryKey: getQueryKey(trpc.jobs.list, input, 'infinite'),
    fetchPage: (cursor, signal) => utils.client.jobs.list.query({ ...input, cursor }, { signal }),
    refetchInterval: (items) => {
      if (items.some((job) => job.state === 'in_progress')) return RUNNING_POLL_MS;
      if (items.some((job) => job.state === 'scheduled')) return SCHEDULED_POLL_MS;
      return false;
    },
  });
  const { items } = jobs;

  // The type box is free text (services report their own types): typed here, put in the URL
  // once the typing pauses.
  const [typeInput, setTypeInput] = useState(type ?? '');
  useEffect(() => {
    setTypeInput(type ?? '');
  }, [type]);
  const commitType = useDebouncedCallback((value: string) => {
    const trimmed = value.trim();
    void navigate({ search: (prev) => ({ ...prev, type: trimmed === '' ? undefined : trimmed }) });
  }, 350);
  const typeOptions = useMemo(
    () => [...new Set([...BUILTIN_JOB_TYPES, ...items.map((job) => job.type)])].sort(),
    [items],
  );

  const filtered = state !== undefined || type !== undefined;
  const clearFilters = () => {
    setTypeInput('');
    void navigate({ search: {} });
  };

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Title order={2}>Jobs</Title>
          <Text size="sm" c="dimmed">
            Exports, purges, retention runs and the jobs services report. Times in {zone}.
          </Text>
        </div>
        <Group gap="sm" align="flex-end" wrap="wrap">
          <Select
            label="State"
            placeholder="Any state"
            data={STATE_OPTIONS}
            value={state ?? null}
            clearable
            w={170}
            data-testid="jobs-state-filter"
            onChange={(value) => {
              void navigate({
                search: (prev) => ({
                  ...prev,
                  state: value ?? undefined,
                }),
              });
            }}
          />
          <Autocomplete
            label="Type"
            placeholder="Any type"
            data={typeOptions}
            value={typeInput}
            w={190}
            data-testid="jobs-type-filter"
            onChange={(value) => {
              setTypeInput(value);
              commitType(value);
            }}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                commitType.flush();
              }
            }}
          />
          {filtered && (
            <Button variant="subtle" onClick={clearFilters}>
              Clear filters
            </Button>
          )}
        </Group>
      </Group>

      {jobs.error ? (
        <QueryErrorAlert
          error={jobs.error}
          title="Could not load jobs"
          onRetry={() => jobs.refetch()}
        />
      ) : (
        <>
          <JobsTable
            jobs={items}
            loading={jobs.isPending}
            zone={zone}
            now={jobs.dataUpdatedAt}
            empty={
              <EmptyState
                py="xl"
                title={filtered ? 'No jobs match these filters' : 'No jobs yet'}
                description={
                  filtered
                    ? 'Try another state or type.'
                    : 'Exports, purges and retention runs appear here once started.'
                }
                data-testid="jobs-empty"
              >
                {filtered && (
                  <EmptyState.Actions>
                    <Button variant="light" onClick={clearFilters}>
                      Clear filters
                    </Button>
                  </EmptyState.Actions>
                )}
              </EmptyState>
            }
          />
          {!jobs.isPending && items.length > 0 && (
            <LoadMoreButton
              hasNextPage={jobs.hasNextPage}
              isFetchingNextPage={jobs.isFetchingNextPage}
              fetchNextPage={() => jobs.fetchNextPage()}
              shown={items.length}
            />
          )}
        </>
      )}
    </Stack>
  );
}
