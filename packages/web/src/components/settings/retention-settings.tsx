import {
  Alert,
  Button,
  Group,
  NumberInput,
  Paper,
  Skeleton,
  Stack,
  Switch,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';

import { formError } from '../../lib/field-errors';
import { notifySuccess } from '../../lib/notify';
import { viewerTimeZone } from '../../lib/time';
import { trpc, type Job, type RouterOutputs } from '../../trpc';
import { DateTime } from '../date-time';
import { JobLink } from '../job-link';
import { JobStateBadge } from '../job-state-badge';
import { QueryErrorAlert } from '../query-error-alert';

type Retention = RouterOutputs['retention']['get'];

function RunLine({
  label,
  job,
  testId,
  none,
}: {
  label: string;
  job: Job | null;
  testId: string;
  /** What to say when there is no such run. */
  none: string;
}) {
  const zone = viewerTimeZone();
  return (
    <Stack gap={4} data-testid={testId}>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      {job ? (
        <>
          <Group gap="xs" wrap="wrap">
            <JobStateBadge state={job.state} />
            <DateTime value={job.endedAt ?? job.scheduledAt} zone={zone} />
            <JobLink jobId={job.id} />
          </Group>
          {job.summary && (
            <Text size="sm" c="dimmed">
              {job.summary}
            </Text>
          )}
          {job.error && (
            <Text size="sm" c="red">
              {job.error}
            </Text>
          )}
        </>
      ) : (
        <Text size="sm" c="dimmed">
          {none}
        </Text>
      )}
    </Stack>
  );
}

function RetentionForm({ current }: { current: Retention }) {
  const [days, setDays] = useState<number | string>(current.days);
  const [archive, setArchive] = useState(current.archive);
  const utils = trpc.useUtils();
  const save = trpc.retention.set.useMutation({
    meta: { silent: true },
    onSuccess: (next) => {
      utils.retention.get.setData(undefined, next);
      void utils.jobs.list.invalidate();
      notifySuccess(
        `Retention set to ${next.days} days, ${next.archive ? 'archiving' : 'not archiving'} what is removed`,
      );
    },
  });
  const { fields, general } = formError(save.error, ['days', 'archive']);
  const dirty = Number(days) !== current.days || archive !== current.archive;

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate({ days: typeof days === 'number' ? days : Number(days), archive });
      }}
    >
      <Stack gap="sm" maw={420}>
        {general && (
          <Alert color="red" role="alert" title="Could not save">
            {general}
          </Alert>
        )}
        <NumberInput
          label="Retention days"
          description="Events older than this are removed by the daily retention job."
          min={1}
          max={36500}
          allowDecimal={false}
          allowNegative={false}
          required
          value={days}
          onChange={setDays}
          error={fields.days}
          data-testid="retention-days"
        />
        <Switch
          label="Archive events before removing them"
          checked={archive}
          onChange={(event) => {
            setArchive(event.currentTarget.checked);
          }}
          error={fields.archive}
          data-testid="retention-archive"
        />
        <Group>
          <Button type="submit" loading={save.isPending} disabled={!dirty}>
            Save retention
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function RetentionSettings() {
  const retention = trpc.retention.get.useQuery(undefined, { meta: { silent: true } });
  return (
    <Paper withBorder p="md" data-testid="retention-settings">
      <Stack gap="md">
        <Title order={3}>Retention</Title>
        {retention.isPending ? (
          <Stack gap="sm" maw={420}>
            <Skeleton height={36} />
            <Skeleton height={24} />
            <Skeleton height={60} />
          </Stack>
        ) : retention.error ? (
          <QueryErrorAlert
            error={retention.error}
            title="Could not load retention settings"
            onRetry={() => retention.refetch()}
          />
        ) : (
          <>
            <RetentionForm
              key={`${retention.data.days}:${retention.data.archive}`}
              current={retention.data}
            />
            <Group align="flex-start" gap="xl" wrap="wrap">
              <RunLine
                label="Last run"
                job={retention.data.lastRun}
                testId="retention-last-run"
                none="None yet"
              />
              <RunLine
                label="Next run"
                job={retention.data.nextRun}
                testId="retention-next-run"
                none="Not scheduled (the daily run was canceled): save the settings to schedule it again"
              />
            </Group>
          </>
        )}
      </Stack>
    </Paper>
  );
}
