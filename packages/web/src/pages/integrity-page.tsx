import {
  Alert,
  Button,
  Group,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useEffect, useState, type ReactNode } from 'react';

import { DateTime } from '../components/date-time';
import { JobLink } from '../components/job-link';
import { JobProgress } from '../components/job-progress';
import { JobStateBadge } from '../components/job-state-badge';
import { PublicKeyCard } from '../components/public-key-card';
import { QueryErrorAlert } from '../components/query-error-alert';
import { VerificationReportView } from '../components/verification-report';
import { formatUnsealed, jobReport } from '../lib/integrity';
import { isFinished } from '../lib/jobs';
import { formatIsoDuration } from '../lib/recurrence';
import { useIsAdmin } from '../lib/session';
import { viewerTimeZone } from '../lib/time';
import { errorMessage, trpc, type Job, type RouterOutputs } from '../trpc';

type IntegrityStatus = RouterOutputs['integrity']['status'];

/** Sealing moves every second or so: the panel follows it at this pace. */
const STATUS_POLL_MS = 10_000;
/** While a verification runs, the panel is asked again this often. */
const RUNNING_POLL_MS = 2_000;
/** How often the verification started here is asked for its progress. */
const JOB_POLL_MS = 1_000;

function Stat({ label, children, testId }: { label: string; children: ReactNode; testId: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="lg" fw={500} component="div" data-testid={testId}>
        {children}
      </Text>
    </div>
  );
}

function SealingStatus({ status }: { status: IntegrityStatus }) {
  const zone = viewerTimeZone();
  return (
    <Paper withBorder p="md" data-testid="seal-status">
      <Stack gap="sm">
        <Title order={3}>Sealing</Title>
        <Text size="sm" c="dimmed">
          Recorded events are sealed within seconds into a chain of checkpoints signed with key{' '}
          <Text span ff="monospace">
            {status.keyId}
          </Text>
          ; a purge or retention run adds a signed receipt for what it removed.
        </Text>
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <Stat label="Chain entries" testId="seal-entries">
            {status.entries.toLocaleString('en-US')}
          </Stat>
          <Stat label="Sealed through event" testId="sealed-through">
            {status.sealedThroughId ?? (
              <Text span c="dimmed">
                nothing sealed yet
              </Text>
            )}
          </Stat>
          <Stat label="Last sealed at" testId="last-sealed-at">
            <DateTime value={status.lastSealedAt} zone={zone} />
          </Stat>
          <Stat label="Not sealed yet" testId="unsealed-events">
            <Text span inherit c={status.unsealedEvents > 0 ? 'orange' : undefined}>
              {formatUnsealed(status.unsealedEvents)}
            </Text>
          </Stat>
        </SimpleGrid>
      </Stack>
    </Paper>
  );
}

function LastVerification({ job }: { job: Job | null }) {
  const zone = viewerTimeZone();
  if (!job) {
    return (
      <Text size="sm" c="dimmed" data-testid="last-verification-none">
        No verification has run yet.
      </Text>
    );
  }
  const report = job.state === 'success' ? jobReport(job) : null;
  return (
    <Stack gap="sm">
      <Group gap="xs" wrap="wrap">
        <JobStateBadge state={job.state} />
        <Text size="sm">ended</Text>
        <DateTime value={job.endedAt} zone={zone} />
        <Text size="sm" data-testid="last-verification-by">
          {job.createdBy === 'system' ? 'daily run' : `started by ${job.createdBy}`}
        </Text>
        <JobLink jobId={job.id} />
      </Group>
      {report ? (
        <VerificationReportView report={report} />
      ) : job.state === 'success' ? (
        <Alert color="yellow" title="No report">
          The job ended without a report it could be read from
          {job.summary ? `: ${job.summary}` : ''}.
        </Alert>
      ) : job.state === 'failure' ? (
        <Alert color="red" title="The verification did not finish" data-testid="verification-error">
          {job.error ?? job.summary ?? 'It failed without saying why.'}
        </Alert>
      ) : (
        <Text size="sm" c="dimmed">
          Canceled before it finished{job.summary ? ` (${job.summary})` : ''}.
        </Text>
      )}
    </Stack>
  );
}

function NextVerification({ job }: { job: Job | null }) {
  const zone = viewerTimeZone();
  if (!job) {
    return (
      <Text size="sm" c="dimmed">
        None scheduled.
      </Text>
    );
  }
  return (
    <Group gap="xs" wrap="wrap">
      <JobStateBadge state={job.state} />
      {job.state === 'in_progress' ? (
        <Text size="sm">running now{job.summary ? `: ${job.summary}` : ''}</Text>
      ) : (
        <>
          <Text size="sm">at</Text>
          <DateTime value={job.scheduledAt} zone={zone} />
        </>
      )}
      {job.recurrence && (
        <Text size="sm" c="dimmed">
          (then every {formatIsoDuration(job.recurrence.interval)})
        </Text>
      )}
      <JobLink jobId={job.id} />
    </Group>
  );
}

/**
 * "Verify now": starts a verification job, shows its progress, and refreshes the panel when it
 * ends (its report becomes the last verification).
 */
function useVerifyNow() {
  const utils = trpc.useUtils();
  const [jobId, setJobId] = useState<string | null>(null);
  const start = trpc.integrity.startVerify.useMutation({
    meta: { silent: true },
    onSuccess: (job) => {
      setJobId(job.id);
      void utils.integrity.status.invalidate();
      void utils.jobs.list.invalidate();
    },
  });
  const job = trpc.jobs.byId.useQuery(
    { id: jobId ?? '0' },
    {
      enabled: jobId !== null,
      meta: { silent: true },
      refetchInterval: (query) =>
        query.state.data && isFinished(query.state.data.state) ? false : JOB_POLL_MS,
    },
  );
  const ended = job.data !== undefined && isFinished(job.data.state);
  useEffect(() => {
    if (ended) void utils.integrity.status.invalidate();
  }, [ended, utils]);
  return { start, jobId, jobError: job.error, running: jobId !== null && !ended };
}

export function IntegrityPage() {
  const isAdmin = useIsAdmin();
  const verifyNow = useVerifyNow();
  const status = trpc.integrity.status.useQuery(undefined, {
    meta: { silent: true },
    refetchInterval: (query) =>
      query.state.data?.nextVerification?.state === 'in_progress'
        ? RUNNING_POLL_MS
        : STATUS_POLL_MS,
  });

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Title order={2}>Integrity</Title>
          <Text size="sm" c="dimmed">
            Whether every stored event is still the one that was recorded: sealed, signed, and
            verified. Times in {viewerTimeZone()}.
          </Text>
        </div>
        {isAdmin && (
          <Button
            onClick={() => {
              verifyNow.start.mutate();
            }}
            loading={verifyNow.start.isPending}
            disabled={verifyNow.running}
            data-testid="verify-now"
          >
            Verify now
          </Button>
        )}
      </Group>

      {verifyNow.start.error && (
        <Alert color="red" role="alert" title="Could not start a verification">
          {errorMessage(verifyNow.start.error)}
        </Alert>
      )}
      {verifyNow.jobId !== null && (
        <Paper withBorder p="md" data-testid="verify-now-job">
          <Stack gap="xs">
            <Text size="sm" fw={500}>
              Verification started
            </Text>
            {verifyNow.jobError ? (
              <QueryErrorAlert
                error={verifyNow.jobError}
                title={`Could not follow job ${verifyNow.jobId}`}
              />
            ) : (
              <JobProgress jobId={verifyNow.jobId} />
            )}
            <Text size="xs" c="dimmed">
              It checks every stored event against the chain; the panel below shows its report when
              it ends.
            </Text>
          </Stack>
        </Paper>
      )}

      {status.isPending ? (
        <Stack gap="md">
          <Skeleton height={120} />
          <Skeleton height={160} />
        </Stack>
      ) : status.error ? (
        <QueryErrorAlert
          error={status.error}
          title="Could not load the integrity status"
          onRetry={() => status.refetch()}
        />
      ) : (
        <>
          <SealingStatus status={status.data} />
          <Paper withBorder p="md">
            <Stack gap="md">
              <Title order={3}>Verification</Title>
              <Stack gap={4} data-testid="last-verification">
                <Text size="sm" fw={500}>
                  Last verification
                </Text>
                <LastVerification job={status.data.lastVerification} />
              </Stack>
              <Stack gap={4} data-testid="next-verification">
                <Text size="sm" fw={500}>
                  Next verification
                </Text>
                <NextVerification job={status.data.nextVerification} />
              </Stack>
            </Stack>
          </Paper>
        </>
      )}

      <PublicKeyCard />
    </Stack>
  );
}
