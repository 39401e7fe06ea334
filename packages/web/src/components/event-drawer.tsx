import {
  Anchor,
  Code,
  Drawer,
  Group,
  Loader,
  SimpleGrid,
  Spoiler,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';

import {
  declarationOf,
  EVENT_FIELD_NAMES,
  FULL_TEXT_FIELD,
  JSON_FIELDS,
  type EventField,
  type JsonField,
} from '@audit/db/fields';

import { valueLabel } from '../lib/field-values';
import { formatInZone } from '../lib/time';
import { trpc, type RouterOutputs } from '../trpc';
import { ConfigDiff } from './config-diff';
import { JobStateBadge } from './job-state-badge';
import { StatusBadge } from './status-badge';

type EventDetail = RouterOutputs['auditLogs']['byId'];

interface EventDrawerProps {
  id: string | undefined;
  occurredAt: string | undefined;
  timeZone: string;
  onClose: () => void;
}

/** One event in full; its own URL (`?event=<id>&at=<time>`), so it can be shared or reloaded. */
export function EventDrawer({ id, occurredAt, timeZone, onClose }: EventDrawerProps) {
  const event = trpc.auditLogs.byId.useQuery(
    { id: id ?? '0', ...(occurredAt ? { occurredAt } : {}) },
    { enabled: id !== undefined },
  );
  return (
    <Drawer
      opened={id !== undefined}
      onClose={onClose}
      position="right"
      size="xl"
      title={<Title order={4}>Event {id}</Title>}
      data-testid="event-drawer"
    >
      {event.isPending && <Loader aria-label="Loading event" />}
      {event.error && <Text c="red">{event.error.message}</Text>}
      {event.data && <EventDetails event={event.data} timeZone={timeZone} />}
    </Drawer>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div" style={{ overflowWrap: 'anywhere' }}>
        {children ?? '—'}
      </Text>
    </div>
  );
}

/** Fields with a section of their own below the grid: the JSON documents and the job. */
type SectionField = JsonField | 'jobId';
const SECTION_FIELDS = new Set<EventField>([...JSON_FIELDS, 'jobId']);

/**
 * The grid: every other field but the id (in the title) and the full-text one (shown wide),
 * the table's default columns first, each group in declaration order.
 */
const GRID_FIELDS = [
  ...EVENT_FIELD_NAMES.filter((f) => declarationOf(f).column === 'default'),
  ...EVENT_FIELD_NAMES.filter((f) => declarationOf(f).column !== 'default'),
].filter((f) => f !== 'id' && f !== FULL_TEXT_FIELD && !SECTION_FIELDS.has(f)) as Exclude<
  EventField,
  SectionField | 'id' | typeof FULL_TEXT_FIELD
>[];

/** One grid value, by the field's kind (the status as its badge). */
function GridValue({
  event,
  field,
  timeZone,
}: {
  event: EventDetail;
  field: (typeof GRID_FIELDS)[number];
  timeZone: string;
}) {
  const value = event[field];
  if (value === null) return null;
  if (field === 'status') return <StatusBadge status={event.status} />;
  // A count (the producer's sequence number): its digits, ungrouped, as it is searched for.
  if (typeof value === 'number') return <>{String(value)}</>;
  switch (declarationOf(field).kind) {
    case 'time':
      return <>{formatInZone(value, timeZone)}</>;
    case 'uuid':
      return <Code>{value}</Code>;
    default:
      return <>{valueLabel(field, value)}</>;
  }
}

function EventDetails({ event, timeZone }: { event: EventDetail; timeZone: string }) {
  const metadataKeys = Object.keys(event.metadata);
  return (
    <Stack gap="lg" data-testid="event-details">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        {GRID_FIELDS.map((field) => {
          const { label, kind } = declarationOf(field);
          return (
            <Field key={field} label={kind === 'time' ? `${label} (${timeZone})` : label}>
              {event[field] === null ? null : (
                <GridValue event={event} field={field} timeZone={timeZone} />
              )}
            </Field>
          );
        })}
      </SimpleGrid>
      <Field label={declarationOf(FULL_TEXT_FIELD).label}>{event[FULL_TEXT_FIELD]}</Field>

      <Stack gap={4}>
        <Title order={5}>Job</Title>
        {event.job ? (
          <Group gap="sm" data-testid="event-job">
            <Anchor
              renderRoot={(props) => (
                <Link {...props} to="/jobs/$jobId" params={{ jobId: event.job?.id ?? '' }} />
              )}
            >
              Job {event.job.id}: {event.job.name}
            </Anchor>
            <JobStateBadge state={event.job.state} />
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            {event.jobId ? `Job ${event.jobId} (not found)` : 'None'}
          </Text>
        )}
      </Stack>

      <Stack gap={4} data-testid="affected-objects">
        <Title order={5}>Affected objects ({event.affectedObjects.length})</Title>
        {event.affectedObjects.length === 0 ? (
          <Text size="sm" c="dimmed">
            None
          </Text>
        ) : (
          <Table withTableBorder fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Type</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>Id</Table.Th>
                <Table.Th>Detail</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {event.affectedObjects.map((object, i) => (
                <Table.Tr key={i}>
                  <Table.Td>{object.type}</Table.Td>
                  <Table.Td>{object.name}</Table.Td>
                  <Table.Td>{object.id}</Table.Td>
                  <Table.Td>
                    {object.detail && (
                      <Spoiler maxHeight={60} showLabel="More" hideLabel="Less">
                        <Text size="xs" style={{ whiteSpace: 'pre-wrap' }}>
                          {object.detail}
                        </Text>
                      </Spoiler>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>

      <Stack gap={4}>
        <Title order={5}>Configuration change</Title>
        {event.changes ? (
          <ConfigDiff changes={event.changes} />
        ) : (
          <Text size="sm" c="dimmed">
            None
          </Text>
        )}
      </Stack>

      <Stack gap={4}>
        <Title order={5}>Metadata</Title>
        {metadataKeys.length === 0 ? (
          <Text size="sm" c="dimmed">
            None
          </Text>
        ) : (
          <Code block data-testid="event-metadata">
            {JSON.stringify(event.metadata, null, 2)}
          </Code>
        )}
      </Stack>
    </Stack>
  );
}
