import {
  Alert,
  Anchor,
  Breadcrumbs,
  Button,
  Code,
  Group,
  Paper,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useState, type ReactNode } from 'react';

import { ConfirmModal } from '../components/confirm-modal';
import { JobStateBadge } from '../components/job-state-badge';
import { JobProgressBar } from '../components/jobs-table';
import { QueryErrorAlert } from '../components/query-error-alert';
import { archiveDownloadUrl, isFinished, jobArchive } from '../lib/jobs';
import { jobDurationMs } from '../lib/job-times';
import { notifySuccess } from '../lib/notify';
import { formatIsoDuration } from '../lib/recurrence';
import { useIsAdmin, useSession } from '../lib/session';
import { formatDuration, formatInZone, viewerTimeZone } from '../lib/time';
import { jobRoute } from '../router';
import { trpc, type Job } from '../trpc';

/** How often a job that has not ended is asked for its progress. */
const POLL_MS = 1000;

function Field({
  label,
  children,
  testId,
}: {
  label: string;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <Table.Tr>
      <Table.Th scope="row" w={170} style={{ verticalAlign: 'top' }}>
        {label}
      </Table.Th>
      <Table.Td data-testid={testId}>{children}</Table.Td>
    </Table.Tr>
  );
}

function Json({ value, testId }: { value: unknown; testId: string }) {
  return (
    <Code block data-testid={testId} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
      {JSON.stringify(value, null, 2)}
    </Code>
  );
}

function when(value: string | null, zone: string): ReactNode {
  return value ? (
    <Text span ff="monospace" size="sm">
      {formatInZone(value, zone)}
    </Text>
  ) : (
    <Text span c="dimmed" size="sm">
      —
    </Text>
  );
}

function JobDetails({ job, now }: { job: Job; now: number }) {
  const zone = viewerTimeZone();
  const duration = jobDurationMs(job, now);
  const dash = (
    <Text span c="dimmed" size="sm">
      —
    </Text>
  );
  return (
    <Table variant="vertical" layout="fixed" withTableBorder data-testid="job-fields">
      <Table.Tbody>
        <Field label="Job ID" testId="job-id">
          <Text span ff="monospace" size="sm">
            {job.id}
          </Text>
        </Field>
        <Field label="Name">{job.name}</Field>
        <Field label="Type" testId="job-type">
          {job.type}
        </Field>
        <Field label="State">
          <Group gap="xs">
            <JobStateBadge state={job.state} />
            {job.cancelRequested && !isFinished(job.state) && (
              <Text span size="sm" c="orange">
                cancel requested, waiting for it to stop
              </Text>
            )}
          </Group>
        </Field>
        <Field label="Summary" testId="job-summary">
          {job.summary ?? dash}
        </Field>
        <Field label="Scheduled start">{when(job.scheduledAt, zone)}</Field>
        <Field label="Actual start">{when(job.startedAt, zone)}</Field>
        <Field label="End">{when(job.endedAt, zone)}</Field>
        <Field label="Duration">
          {duration === null ? dash : formatDuration(duration)}
          {duration !== null && !isFinished(job.state) ? ' so far' : ''}
        </Field>
        <Field label="Recurrence" testId="job-recurrence">
          {job.recurrence ? (
            <Stack gap={2}>
              <Text span size="sm">
                every {formatIsoDuration(job.recurrence.interval)}{' '}
                <Text span c="dimmed" size="sm">
                  ({job.recurrence.interval})
                </Text>
              </Text>
              {job.recurrence.startsAt && (
                <Text span size="sm">
                  from {when(job.recurrence.startsAt, zone)}
                </Text>
              )}
              {job.recurrence.endsAt && (
                <Text span size="sm">
                  until {when(job.recurrence.endsAt, zone)}
                </Text>
              )}
            </Stack>
          ) : (
            'Runs once'
          )}
        </Field>
        <Field label="Created by" testId="job-created-by">
          {job.createdBy}
        </Field>
        <Field label="Tenant">{job.tenant ?? "All (the installation's own)"}</Field>
        <Field label="System">{job.systemId ?? dash}</Field>
        <Field label="External key">{job.externalKey ?? dash}</Field>
        <Field label="Created">{when(job.createdAt, zone)}</Field>
        <Field label="Updated">{when(job.updatedAt, zone)}</Field>
        <Field label="Parameters">
          <Json value={job.params} testId="job-params" />
        </Field>
        <Field label="Result">
          {job.result ? <Json value={job.result} testId="job-result" /> : dash}
        </Field>
      </Table.Tbody>
    </Table>
  );
}

function CancelJobButton({ job }: { job: Job }) {
  const [opened, setOpened] = useState(false);
  const utils = trpc.useUtils();
  const cancel = trpc.jobs.cancel.useMutation({
    onSuccess: (updated) => {
      utils.jobs.byId.setData({ id: updated.id }, updated);
      void utils.jobs.list.invalidate();
      setOpened(false);
      notifySuccess(
        updated.state === 'canceled'
          ? `Job ${updated.id} canceled`
          : `Cancel requested for job ${updated.id}; it stops at its next checkpoint`,
      );
    },
    onSettled: () => utils.jobs.byId.invalidate({ id: job.id }),
  });
  return (
    <>
      <Button
        color="red"
        variant="light"
        onClick={() => {
          setOpened(true);
        }}
      >
        Cancel job
      </Button>
      <ConfirmModal
        opened={opened}
        onClose={() => {
          setOpened(false);
        }}
        onConfirm={() => {
          cancel.mutate({ id: job.id });
        }}
        loading={cancel.isPending}
        title="Cancel this job?"
        confirmLabel="Cancel job"
        cancelLabel="Keep running"
        testId="cancel-job-modal"
      >
        <Text size="sm">
          {job.state === 'scheduled'
            ? `“${job.name}” has not started; it will not run.`
            : `“${job.name}” stops at its next checkpoint; what it has done so far stays done.`}
        </Text>
      </ConfirmModal>
    </>
  );
}

export function JobPage() {
  const { jobId } = jobRoute.useParams();
  const { username } = useSession();
  const isAdmin = useIsAdmin();
  const job = trpc.jobs.byId.useQuery(
    { id: jobId },
    {
      meta: { silent: true },
      refetchInterval: (query) =>
        query.state.data && isFinished(query.state.data.state) ? false : POLL_MS,
    },
  );

  const crumbs = (
    <Breadcrumbs>
      <Anchor renderRoot={(props) => <Link {...props} to="/jobs" />}>Jobs</Anchor>
      <Text span>Job {jobId}</Text>
    </Breadcrumbs>
  );

  if (job.isPending) {
    return (
      <Stack>
        {crumbs}
        <Skeleton height={32} width="40%" />
        <Skeleton height={12} />
        <Skeleton height={300} />
      </Stack>
    );
  }
  if (job.error) {
    return (
      <Stack>
        {crumbs}
        <QueryErrorAlert
          error={job.error}
          title={`Could not load job ${jobId}`}
          onRetry={() => job.refetch()}
        />
      </Stack>
    );
  }

  const data = job.data;
  const archive = jobArchive(data);
  const canCancel =
    !isFinished(data.state) && !data.cancelRequested && (isAdmin || data.createdBy === username);

  return (
    <Stack gap="md" data-testid="job-page" data-state={data.state}>
      {crumbs}
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={2}>{data.name}</Title>
            <JobStateBadge state={data.state} />
          </Group>
          <Text size="sm" c="dimmed">
            {data.type} job {data.id}, created by {data.createdBy}
          </Text>
        </Stack>
        <Group gap="sm">
          <Button
            variant="default"
            renderRoot={(props) => <Link {...props} to="/" search={{ q: `job:${data.id}` }} />}
            data-testid="job-audit-link"
          >
            Audit events of this job
          </Button>
          {archive && (
            <Button
              renderRoot={(props) => (
                <a {...props} href={archiveDownloadUrl(archive.id)} download={archive.fileName} />
              )}
              data-testid="job-archive-download"
            >
              Download {archive.fileName}
            </Button>
          )}
          {canCancel && <CancelJobButton job={data} />}
        </Group>
      </Group>

      <Paper withBorder p="md">
        <Stack gap="xs">
          <Text size="sm" fw={500}>
            Progress
          </Text>
          <JobProgressBar job={data} />
        </Stack>
      </Paper>

      {data.error && (
        <Alert color="red" title="Error" data-testid="job-error">
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {data.error}
          </Text>
        </Alert>
      )}

      <JobDetails job={data} now={job.dataUpdatedAt} />
    </Stack>
  );
}
