import '@mantine/dates/styles.css';

import type { EventFilterInput } from '@audit/api/filters';
import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';

import { wallClockToIso } from '../lib/time';
import { trpc } from '../trpc';
import { JobProgress } from './job-progress';

const CONFIRM_WORD = 'PURGE';

interface PurgeDialogProps {
  opened: boolean;
  onClose: () => void;
  filter: EventFilterInput;
  timeZone: string;
}

/**
 * Deletes events older than a cut-off (optionally only those matching the page's filters),
 * archived first unless switched off. The count is previewed and the word typed before it runs.
 */
export function PurgeDialog({ opened, onClose, filter, timeZone }: PurgeDialogProps) {
  const [day, setDay] = useState<string | null>(null);
  const [archive, setArchive] = useState(true);
  const [useFilter, setUseFilter] = useState(false);
  const [confirm, setConfirm] = useState('');
  const [jobId, setJobId] = useState<string | null>(null);
  const utils = trpc.useUtils();

  // Midnight of the chosen day, in the zone the page shows.
  const before = day ? wallClockToIso(`${day} 00:00:00`, timeZone) : null;
  const [debouncedBefore] = useDebouncedValue(before, 200);
  const scope = {
    before: debouncedBefore ?? '',
    ...(useFilter && Object.keys(filter).length > 0 ? { filter } : {}),
  };
  const preview = trpc.purge.preview.useQuery(scope, {
    enabled: opened && debouncedBefore !== null,
  });
  const start = trpc.purge.create.useMutation({
    onSuccess: (job) => {
      setJobId(job.id);
    },
  });
  const close = () => {
    if (jobId) void utils.auditLogs.invalidate();
    setJobId(null);
    setConfirm('');
    start.reset();
    onClose();
  };
  const count = preview.data?.count;
  const held = preview.data?.held;
  const ready = before !== null && count !== undefined && count > 0 && confirm === CONFIRM_WORD;

  return (
    <Modal opened={opened} onClose={close} title="Purge events" size="lg">
      {jobId ? (
        <Stack>
          <JobProgress jobId={jobId} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Close
            </Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (ready) start.mutate({ ...scope, before, archive });
          }}
        >
          <Stack>
            <DatePickerInput
              label="Delete events before"
              description={`Midnight at the start of that day, ${timeZone}`}
              placeholder="Pick a date"
              value={day}
              onChange={setDay}
              maxDate={new Date()}
              valueFormat="YYYY-MM-DD"
              clearable
            />
            <Switch
              label="Archive before deleting"
              description="Writes the events to a verified zip first; nothing is deleted that is not archived"
              checked={archive}
              onChange={(e) => {
                setArchive(e.currentTarget.checked);
              }}
            />
            {Object.keys(filter).length > 0 && (
              <Checkbox
                label="Only events matching the current filters"
                checked={useFilter}
                onChange={(e) => {
                  setUseFilter(e.currentTarget.checked);
                }}
              />
            )}
            {before && (
              <Alert
                color={archive ? 'yellow' : 'red'}
                data-testid="purge-preview"
                data-count={count}
                data-held={held}
              >
                {count === undefined ? (
                  'Counting…'
                ) : (
                  <>
                    <Text span fw={700}>
                      {count.toLocaleString()}
                    </Text>{' '}
                    events will be deleted
                    {archive ? ' after they are archived' : ' without an archive'}.
                    {held ? (
                      <Text span data-testid="purge-preview-held">
                        {' '}
                        {held.toLocaleString()} more {held === 1 ? 'is' : 'are'} kept by legal
                        holds.
                      </Text>
                    ) : null}
                  </>
                )}
              </Alert>
            )}
            <TextInput
              label={`Type ${CONFIRM_WORD} to confirm`}
              value={confirm}
              onChange={(e) => {
                setConfirm(e.currentTarget.value);
              }}
              autoComplete="off"
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" color="red" disabled={!ready} loading={start.isPending}>
                Purge events
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
