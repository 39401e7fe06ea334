import {
  Badge,
  Button,
  EmptyState,
  Group,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';
import { getQueryKey } from '@trpc/react-query';
import { ARCHIVE_KINDS, type ArchiveKind } from '@audit/db/values';

import { DateTime } from '../components/date-time';
import { JobLink } from '../components/job-link';
import { LoadMoreButton } from '../components/load-more-button';
import { QueryErrorAlert } from '../components/query-error-alert';
import { Sha256Value } from '../components/sha256-value';
import { TableSkeletonRows } from '../components/table-skeleton';
import { archiveDownloadUrl } from '../lib/jobs';
import { formatBytes, viewerTimeZone } from '../lib/time';
import { archivesRoute } from '../router';
import { useCursorPages } from '../lib/use-cursor-pages';
import { trpc } from '../trpc';

const PAGE_SIZE = 50;
const COLUMNS = [
  'File name',
  'Kind',
  'Format',
  'Rows',
  'Size',
  'SHA-256',
  'Created by',
  'Created at',
  'Job',
  'Download',
] as const;
const KIND_LABELS: Record<ArchiveKind, string> = { export: 'Export', purge: 'Purge' };
const ALL = 'all';

export function ArchivesPage() {
  const { kind } = archivesRoute.useSearch();
  const navigate = useNavigate({ from: '/archives' });
  const zone = viewerTimeZone();
  const utils = trpc.useUtils();
  const input = { kind, limit: PAGE_SIZE };
  const archives = useCursorPages({
    queryKey: getQueryKey(trpc.exports.list, input, 'infinite'),
    fetchPage: (cursor, signal) =>
      utils.client.exports.list.query({ ...input, cursor }, { signal }),
  });
  const { items } = archives;

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Title order={2}>Archives</Title>
          <Text size="sm" c="dimmed">
            Exports, and what purges saved before deleting. Times in {zone}.
          </Text>
        </div>
        <SegmentedControl
          aria-label="Kind"
          data-testid="archives-kind-filter"
          value={kind ?? ALL}
          data={[
            { value: ALL, label: 'All' },
            ...ARCHIVE_KINDS.map((value) => ({ value, label: KIND_LABELS[value] })),
          ]}
          onChange={(value) => {
            void navigate({
              search: { kind: value === ALL ? undefined : value },
            });
          }}
        />
      </Group>

      {archives.error ? (
        <QueryErrorAlert
          error={archives.error}
          title="Could not load archives"
          onRetry={() => archives.refetch()}
        />
      ) : (
        <>
          <Table.ScrollContainer minWidth={1000}>
            <Table
              highlightOnHover
              verticalSpacing="xs"
              horizontalSpacing="xs"
              data-testid="archives-table"
            >
              <Table.Thead>
                <Table.Tr>
                  {COLUMNS.map((column) => (
                    <Table.Th
                      key={column}
                      scope="col"
                      style={{ whiteSpace: 'nowrap' }}
                      ta={column === 'Rows' || column === 'Size' ? 'right' : undefined}
                    >
                      {column}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {archives.isPending && <TableSkeletonRows columns={COLUMNS.length} />}
                {!archives.isPending && items.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={COLUMNS.length}>
                      <EmptyState
                        py="xl"
                        data-testid="archives-empty"
                        title={kind ? `No ${kind} archives` : 'No archives yet'}
                        description="Export events from the Audit Logs page, or purge with archiving on, and the files appear here."
                      />
                    </Table.Td>
                  </Table.Tr>
                )}
                {items.map((archive) => (
                  <Table.Tr
                    key={archive.id}
                    data-testid="archive-row"
                    data-archive-id={archive.id}
                    data-kind={archive.kind}
                  >
                    <Table.Td miw={160} maw={240}>
                      <Text
                        size="xs"
                        ff="monospace"
                        style={{ wordBreak: 'break-all' }}
                        data-testid="archive-file-name"
                      >
                        {archive.fileName}
                      </Text>
                    </Table.Td>
                    <Table.Td miw={90}>
                      <Badge variant="light" color={archive.kind === 'purge' ? 'orange' : 'indigo'}>
                        {KIND_LABELS[archive.kind]}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{archive.format.toUpperCase()}</Text>
                    </Table.Td>
                    <Table.Td ta="right">
                      <Text size="sm" data-testid="archive-rows">
                        {archive.rowCount.toLocaleString('en')}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                      <Text size="sm" title={`${archive.sizeBytes.toLocaleString('en')} bytes`}>
                        {formatBytes(archive.sizeBytes)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Sha256Value value={archive.sha256} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{archive.createdBy}</Text>
                    </Table.Td>
                    <Table.Td>
                      <DateTime value={archive.createdAt} zone={zone} stacked />
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {archive.jobId ? (
                        <JobLink jobId={archive.jobId} />
                      ) : (
                        <Text size="sm" c="dimmed">
                          —
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Button
                        component="a"
                        href={archiveDownloadUrl(archive.id)}
                        download={archive.fileName}
                        size="xs"
                        variant="light"
                        aria-label={`Download ${archive.fileName}`}
                        data-testid="archive-download"
                      >
                        Download
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {!archives.isPending && items.length > 0 && (
            <LoadMoreButton
              hasNextPage={archives.hasNextPage}
              isFetchingNextPage={archives.isFetchingNextPage}
              fetchNextPage={() => archives.fetchNextPage()}
              shown={items.length}
            />
          )}
        </>
      )}
    </Stack>
  );
}
