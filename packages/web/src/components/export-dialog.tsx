import type { EventFilterInput } from '@audit/api/filters';
import { EXPORT_FORMATS, type ExportFormat } from '@audit/db/values';
import { Button, Code, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { useMemo, useState } from 'react';

import { allTimeZones } from '../lib/time';
import { trpc } from '../trpc';
import { JobProgress } from './job-progress';

const FORMAT_LABELS: Record<ExportFormat, string> = {
  csv: 'CSV',
  json: 'JSON',
  ndjson: 'NDJSON (one event per line)',
};

interface ExportDialogProps {
  opened: boolean;
  onClose: () => void;
  filter: EventFilterInput;
  timeZone: string;
}

/** Exports what the page shows (its filters) as a zipped file, following the job to its download. */
export function ExportDialog({ opened, onClose, filter, timeZone }: ExportDialogProps) {
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [zone, setZone] = useState(timeZone);
  const [jobId, setJobId] = useState<string | null>(null);
  const zones = useMemo(() => allTimeZones(), []);
  const start = trpc.exports.create.useMutation({
    onSuccess: (job) => {
      setJobId(job.id);
    },
  });
  const close = () => {
    setJobId(null);
    start.reset();
    onClose();
  };
  const conditions = Object.entries(filter);

  return (
    <Modal opened={opened} onClose={close} title="Export events" size="lg">
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
            start.mutate({ filter, format, timeZone: zone });
          }}
        >
          <Stack>
            <div>
              <Text size="sm" fw={500}>
                Events matching the current filters
              </Text>
              {conditions.length === 0 ? (
                <Text size="sm" c="dimmed">
                  No filter: every event.
                </Text>
              ) : (
                <Code block data-testid="export-filter">
                  {JSON.stringify(filter, null, 2)}
                </Code>
              )}
            </div>
            <Select
              label="Format"
              data={EXPORT_FORMATS.map((value) => ({ value, label: FORMAT_LABELS[value] }))}
              value={format}
              allowDeselect={false}
              onChange={(value) => {
                if (value) setFormat(value);
              }}
            />
            <Select
              label="Time zone of the timestamps"
              searchable
              data={zones}
              value={zone}
              allowDeselect={false}
              onChange={(value) => {
                if (value) setZone(value);
              }}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={start.isPending}>
                Start export
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
