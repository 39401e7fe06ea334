import { Anchor, Button, Group, Progress, Stack, Text } from '@mantine/core';
import { Link } from '@tanstack/react-router';

import { archiveDownloadUrl, isFinished, jobArchive } from '../lib/jobs';
import { trpc } from '../trpc';
import { JobStateBadge } from './job-state-badge';

/** How often a running job is asked for its progress. */
const POLL_MS = 700;

/** One job's live progress: polls until it ends, then offers its archive for download. */
export function JobProgress({ jobId }: { jobId: string }) {
  const job = trpc.jobs.byId.useQuery(
    { id: jobId },
    {
      refetchInterval: (query) =>
        query.state.data && isFinished(query.state.data.state) ? false : POLL_MS,
    },
  );
  if (!job.data) return <Text c="dimmed">Starting job {jobId}…</Text>;
  const { state, percent, summary, error } = job.data;
  const archive = state === 'success' ? jobArchive(job.data) : null;
  return (
    <Stack gap="xs" data-testid="job-progress" data-state={state}>
      <Group justify="space-between">
        <Anchor renderRoot={(props) => <Link {...props} to="/jobs/$jobId" params={{ jobId }} />}>
          {job.data.name}
        </Anchor>
        <JobStateBadge state={state} />
      </Group>
      <Progress
        value={percent}
        animated={!isFinished(state)}
        color={state === 'failure' ? 'red' : state === 'success' ? 'green' : 'blue'}
        aria-label={`Progress ${Math.round(percent)}%`}
      />
      <Text size="sm" data-testid="job-percent">
        {Math.round(percent)} %{summary ? ` — ${summary}` : ''}
      </Text>
      {error && (
        <Text size="sm" c="red">
          {error}
        </Text>
      )}
      {archive && (
        <Button component="a" href={archiveDownloadUrl(archive.id)} download={archive.fileName}>
          Download {archive.fileName}
        </Button>
      )}
    </Stack>
  );
}
