import {
  Alert,
  Badge,
  Button,
  EmptyState,
  Group,
  Modal,
  Paper,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';

import { formError } from '../../lib/field-errors';
import { filterSummary } from '../../lib/filter-summary';
import { notifySuccess } from '../../lib/notify';
import { useIsAdmin } from '../../lib/session';
import { viewerTimeZone } from '../../lib/time';
import { trpc, type RouterOutputs } from '../../trpc';
import { ConfirmModal } from '../confirm-modal';
import { DateTime } from '../date-time';
import { QueryErrorAlert } from '../query-error-alert';
import { searchQueryError } from '../search-bar';
import { TableSkeletonRows } from '../table-skeleton';

type Hold = RouterOutputs['holds']['list']['items'][number];

const COLUMNS = [
  'Name',
  'Reason',
  'Events held',
  'Filter',
  'Created',
  'Status',
  'Actions',
] as const;
/** Holds shown at once: there are few, and each row counts its events. */
const PAGE_SIZE = 100;

/** "1,234", "about 12,000" (a planner's estimate), or "—" once released. */
function heldText(held: Hold['held']): string {
  if (!held) return '—';
  return held.isEstimate ? `about ${held.count.toLocaleString()}` : held.count.toLocaleString();
}

function CreateHoldModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [name, setName] = useState('');
  const [reason, setReason] = useState('');
  const [query, setQuery] = useState('');
  const utils = trpc.useUtils();
  const create = trpc.holds.create.useMutation({
    meta: { silent: true },
    onSuccess: (hold) => {
      void utils.holds.list.invalidate();
      void utils.purge.invalidate();
      notifySuccess(`Placed legal hold ${hold.name} on ${heldText(hold.held)} events`);
      close();
    },
  });
  const { fields, general } = formError(create.error, ['name', 'reason', 'filter']);
  // Checked as it is typed, with the server's own parser (as the Audit Logs search box is).
  const syntax = searchQueryError(query);
  function close() {
    setName('');
    setReason('');
    setQuery('');
    create.reset();
    onClose();
  }
  return (
    <Modal opened={opened} onClose={close} title="Place a legal hold" centered size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (syntax || query.trim() === '') return;
          create.mutate({ name: name.trim(), reason: reason.trim(), filter: { q: query.trim() } });
        }}
      >
        <Stack gap="sm">
          {general && (
            <Alert color="red" role="alert" title="Could not place the hold">
              {general}
            </Alert>
          )}
          <TextInput
            label="Hold name"
            description="The matter or case, e.g. “Acme v. Example”."
            required
            data-autofocus
            value={name}
            onChange={(event) => {
              setName(event.currentTarget.value);
            }}
            error={fields.name}
          />
          <Textarea
            label="Reason"
            description="Why these events must be kept; recorded with the hold."
            required
            autosize
            minRows={2}
            value={reason}
            onChange={(event) => {
              setReason(event.currentTarget.value);
            }}
            error={fields.reason}
          />
          <TextInput
            label="Events to hold"
            description="A search, as typed in the Audit Logs search box: purge and retention keep every event it matches until the hold is released."
            placeholder="user:alice task:tenant.* after:2026-01-01"
            required
            value={query}
            onChange={(event) => {
              setQuery(event.currentTarget.value);
            }}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            error={
              syntax
                ? `Column ${syntax.position + 1}: ${syntax.reason}${syntax.expected ? ` (expected ${syntax.expected})` : ''}`
                : fields.filter
            }
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button
              type="submit"
              loading={create.isPending}
              disabled={syntax !== null || query.trim() === ''}
            >
              Place hold
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/**
 * Legal holds: everyone signed in sees them (what is kept, why, by whom); admins place and
 * release them.
 */
export function LegalHoldsSettings() {
  const zone = viewerTimeZone();
  const isAdmin = useIsAdmin();
  const [creating, setCreating] = useState(false);
  const [releasing, setReleasing] = useState<Hold | null>(null);
  const utils = trpc.useUtils();
  const holds = trpc.holds.list.useQuery({ limit: PAGE_SIZE }, { meta: { silent: true } });
  const release = trpc.holds.release.useMutation({
    onSuccess: (hold) => {
      notifySuccess(`Released legal hold ${hold.name}`);
    },
    onSettled: () => {
      setReleasing(null);
      void utils.purge.invalidate();
      return utils.holds.list.invalidate();
    },
  });
  const columns = isAdmin ? COLUMNS : COLUMNS.filter((c) => c !== 'Actions');

  return (
    <Paper withBorder p="md" data-testid="holds-settings">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={3}>Legal holds</Title>
            <Text size="sm" c="dimmed">
              Purge and retention never delete an event an active hold matches.
            </Text>
          </div>
          {isAdmin && (
            <Button
              onClick={() => {
                setCreating(true);
              }}
            >
              New hold
            </Button>
          )}
        </Group>
        {holds.error ? (
          <QueryErrorAlert
            error={holds.error}
            title="Could not load legal holds"
            onRetry={() => holds.refetch()}
          />
        ) : (
          <Table.ScrollContainer minWidth={960}>
            <Table verticalSpacing="xs" data-testid="holds-table">
              <Table.Thead>
                <Table.Tr>
                  {columns.map((column) => (
                    <Table.Th key={column} scope="col" style={{ whiteSpace: 'nowrap' }}>
                      {column}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {holds.isPending && <TableSkeletonRows rows={2} columns={columns.length} />}
                {holds.data?.items.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={columns.length}>
                      <EmptyState
                        py="lg"
                        title="No legal holds"
                        description="Events are purged and expire as the settings say."
                        data-testid="holds-empty"
                      />
                    </Table.Td>
                  </Table.Tr>
                )}
                {holds.data?.items.map((hold) => (
                  <Table.Tr
                    key={hold.id}
                    data-testid="hold-row"
                    data-hold-name={hold.name}
                    data-status={hold.active ? 'active' : 'released'}
                    data-held={hold.held?.count ?? ''}
                  >
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {hold.name}
                      </Text>
                    </Table.Td>
                    <Table.Td maw={280}>
                      <Text size="sm" lineClamp={3} title={hold.reason}>
                        {hold.reason}
                      </Text>
                    </Table.Td>
                    <Table.Td data-testid="hold-held">
                      <Text size="sm" ff="monospace">
                        {heldText(hold.held)}
                      </Text>
                    </Table.Td>
                    <Table.Td maw={320}>
                      <Text size="sm" ff="monospace" style={{ wordBreak: 'break-word' }}>
                        {filterSummary(hold.filter)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{hold.createdBy}</Text>
                      <DateTime value={hold.createdAt} zone={zone} size="xs" />
                    </Table.Td>
                    <Table.Td miw={110}>
                      {hold.active ? (
                        <Badge variant="light" color="orange">
                          Active
                        </Badge>
                      ) : (
                        <Stack gap={2}>
                          <Badge variant="light" color="gray">
                            Released
                          </Badge>
                          <Text size="xs" c="dimmed">
                            by {hold.releasedBy}
                          </Text>
                          <DateTime value={hold.releasedAt} zone={zone} size="xs" />
                        </Stack>
                      )}
                    </Table.Td>
                    {isAdmin && (
                      <Table.Td>
                        {hold.active && (
                          <Button
                            size="xs"
                            variant="light"
                            color="red"
                            aria-label={`Release ${hold.name}`}
                            loading={release.isPending && release.variables.id === hold.id}
                            onClick={() => {
                              setReleasing(hold);
                            }}
                          >
                            Release
                          </Button>
                        )}
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {holds.data?.nextCursor && (
          <Text size="sm" c="dimmed">
            The newest {PAGE_SIZE} holds are shown; older ones are listed by the API (holds.list
            with a cursor).
          </Text>
        )}
      </Stack>
      {isAdmin && (
        <CreateHoldModal
          opened={creating}
          onClose={() => {
            setCreating(false);
          }}
        />
      )}
      <ConfirmModal
        opened={releasing !== null}
        onClose={() => {
          setReleasing(null);
        }}
        onConfirm={() => {
          if (releasing) release.mutate({ id: releasing.id });
        }}
        loading={release.isPending}
        title={releasing ? `Release ${releasing.name}?` : 'Release hold?'}
        confirmLabel="Release"
        cancelLabel="Keep it"
        testId="release-hold-modal"
      >
        <Text size="sm">
          The events only this hold keeps ({heldText(releasing?.held ?? null)}) can be purged again,
          and retention removes those past their time at its next run.
        </Text>
      </ConfirmModal>
    </Paper>
  );
}
