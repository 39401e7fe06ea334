import { Anchor, Group, Progress, Stack, Table, Text, Tooltip } from '@mantine/core';
import { Link, useNavigate } from '@tanstack/react-router';
import type { ReactNode } from 'react';

import { isFinished } from '../lib/jobs';
import { jobDurationMs } from '../lib/job-times';
import { formatIsoDuration, formatRecurrence } from '../lib/recurrence';
import { formatDuration, formatInZone } from '../lib/time';
import type { Job } from '../trpc';
import { DateTime } from './date-time';
import { JobStateBadge } from './job-state-badge';
import { TableSkeletonRows } from './table-skeleton';

const COLUMNS = [
  'State',
  'Name',
  'Type',
  'Summary',
  'Scheduled',
  'Started',
  'Ended',
  'Duration',
  'Recurrence',
  'Created by',
] as const;

/** A job's progress as a bar and a figure; animated while it runs. */
export function JobProgressBar({ job }: { job: Pick<Job, 'state' | 'percent'> }) {
  const percent = Math.round(job.percent);
  const color =
    job.state === 'failure'
      ? 'red'
      : job.state === 'success'
        ? 'green'
        : job.state === 'canceled'
          ? 'orange'
          : 'blue';
  return (
    <Group gap={6} wrap="nowrap" miw={110}>
      <Progress
        value={job.percent}
        color={color}
        animated={job.state === 'in_progress'}
        style={{ flex: 1 }}
        aria-label={`Progress ${percent}%`}
      />
      <Text size="xs" w={36} ta="right" data-testid="job-row-percent">
        {percent} %
      </Text>
    </Group>
  );
}

function RecurrenceCell({ job, zone }: { job: Job; zone: string }) {
  const { recurrence } = job;
  if (!recurrence)
    return (
      <Text c="dimmed" size="sm">
        —
      </Text>
    );
  const details: string[] = [
    `every ${formatIsoDuration(recurrence.interval)} (${recurrence.interval})`,
  ];
  if (recurrence.startsAt) details.push(`from ${formatInZone(recurrence.startsAt, zone)}`);
  if (recurrence.endsAt) details.push(`until ${formatInZone(recurrence.endsAt, zone)}`);
  return (
    <Tooltip label={details.join(', ')} withArrow multiline maw={320}>
      <Text size="sm" style={{ whiteSpace: 'nowrap' }} tabIndex={0}>
        {formatRecurrence(recurrence)}
      </Text>
    </Tooltip>
  );
}

export interface JobsTableProps {
  jobs: Job[];
  loading: boolean;
  zone: string;
  /** Now, for the running time of jobs still in progress. */
  now: number;
  empty: ReactNode;
}

/** The job list: a row per job; clicking a row (or its name) opens the job. */
export function JobsTable({ jobs, loading, zone, now, empty }: JobsTableProps) {
  const navigate = useNavigate();
  return (
    <Table.ScrollContainer minWidth={1000}>
      <Table highlightOnHover verticalSpacing="xs" horizontalSpacing="xs" data-testid="jobs-table">
        <Table.Thead>
          <Table.Tr>
            {COLUMNS.map((column) => (
              <Table.Th key={column} scope="col">
                {column}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {loading && <TableSkeletonRows columns={COLUMNS.length} />}
          {!loading && jobs.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={COLUMNS.length}>{empty}</Table.Td>
            </Table.Tr>
          )}
          {jobs.map((job) => {
            const duration = jobDurationMs(job, now);
            return (
              <Table.Tr
                key={job.id}
                data-testid="job-row"
                data-job-id={job.id}
                data-state={job.state}
                style={{ cursor: 'pointer' }}
                onClick={(event) => {
                  // The name is a real link: let it (and middle/ctrl clicks) do their own thing.
                  if ((event.target as HTMLElement).closest('a')) return;
                  void navigate({ to: '/jobs/$jobId', params: { jobId: job.id } });
                }}
              >
                <Table.Td miw={120}>
                  <Stack gap={6}>
                    <div>
                      <JobStateBadge state={job.state} />
                    </div>
                    <JobProgressBar job={job} />
                  </Stack>
                </Table.Td>
                <Table.Td miw={140} maw={260}>
                  <Anchor
                    size="sm"
                    fw={500}
                    renderRoot={(props) => (
                      <Link {...props} to="/jobs/$jobId" params={{ jobId: job.id }} />
                    )}
                    data-testid="job-name"
                  >
                    {job.name}
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    Job {job.id}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{job.type}</Text>
                </Table.Td>
                <Table.Td miw={140} maw={260}>
                  <Text size="sm" lineClamp={2} title={job.summary ?? undefined}>
                    {job.summary ??
                      (job.error ? (
                        <Text span c="red" size="sm">
                          {job.error}
                        </Text>
                      ) : (
                        '—'
                      ))}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <DateTime value={job.scheduledAt} zone={zone} stacked size="xs" />
                </Table.Td>
                <Table.Td>
                  <DateTime value={job.startedAt} zone={zone} stacked size="xs" />
                </Table.Td>
                <Table.Td>
                  <DateTime value={job.endedAt} zone={zone} stacked size="xs" />
                </Table.Td>
                <Table.Td>
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {duration === null ? '—' : formatDuration(duration)}
                    {duration !== null && !isFinished(job.state) ? ' so far' : ''}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <RecurrenceCell job={job} zone={zone} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{job.createdBy}</Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
