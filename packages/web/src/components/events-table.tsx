import {
  Anchor,
  Button,
  Checkbox,
  Group,
  Popover,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef } from '@tanstack/react-table';
import { memo, useMemo, type CSSProperties, type ReactNode } from 'react';

import {
  COLUMNS,
  DEFAULT_COLUMNS,
  DEFAULT_PAGE_SIZE,
  PAGE_SIZES,
  type ColumnId,
  type LogsSearch,
} from '../lib/logs-search';
import { valueLabel } from '../lib/field-values';
import { formatInZone } from '../lib/time';
import type { AuditEvent } from '../trpc';
import { UNMOUNTED_WHEN_CLOSED } from './filter-bar';
import { StatusBadge } from './status-badge';

const TD_CLASS = `${Table.classes.td} mantine-Table-td`;
const TEXT_CLASS = `${Text.classes.root} mantine-Text-root`;

// A page is hundreds of cells: they are plain elements styled once here, not components.
const CELL_STYLES = {
  time: {
    fontFamily: 'var(--mantine-font-family-monospace)',
    fontSize: 'var(--mantine-font-size-sm)',
    whiteSpace: 'nowrap',
  },
  // Text size="sm" lineClamp={2}, as Mantine's Text sets it (its CSS variables).
  description: {
    '--text-fz': 'var(--mantine-font-size-sm)',
    '--text-lh': 'var(--mantine-line-height-sm)',
    '--text-line-clamp': 2,
    minWidth: 'calc(13.75rem * var(--mantine-scale))',
    maxWidth: 'calc(26.25rem * var(--mantine-scale))',
  } as CSSProperties,
  value: {
    fontSize: 'var(--mantine-font-size-sm)',
    display: 'block',
    maxWidth: 240,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
} satisfies Record<string, CSSProperties>;

function cellContent(event: AuditEvent, column: ColumnId, timeZone: string): ReactNode {
  switch (column) {
    case 'occurredAt':
      return <span style={CELL_STYLES.time}>{formatInZone(event.occurredAt, timeZone)}</span>;
    case 'status':
      return <StatusBadge status={event.status} />;
    case 'jobId':
      return event.jobId ? (
        <Anchor
          size="sm"
          renderRoot={(props) => (
            <Link {...props} to="/jobs/$jobId" params={{ jobId: event.jobId ?? '' }} />
          )}
          onClick={(e) => {
            e.stopPropagation();
          }}
        >
          {event.jobId}
        </Anchor>
      ) : null;
    case 'description':
      return (
        <p
          className={TEXT_CLASS}
          data-size="sm"
          data-line-clamp
          style={CELL_STYLES.description}
          title={event.description ?? undefined}
        >
          {event.description}
        </p>
      );
    default: {
      // One line per row; the full value is in the tooltip and the detail drawer.
      const value = event[column];
      if (value === null) return null;
      const shown = valueLabel(column, value);
      return (
        <span style={CELL_STYLES.value} title={shown}>
          {shown}
        </span>
      );
    }
  }
}

interface EventsTableProps {
  search: LogsSearch;
  timeZone: string;
  items: AuditEvent[] | undefined;
  total: number | null | undefined;
  totalIsEstimate: boolean;
  nextCursor: string | null | undefined;
  prevCursor: string | null | undefined;
  loading: boolean;
  onChange: (next: LogsSearch) => void;
  onSort: (column: ColumnId) => void;
  onOpen: (event: AuditEvent) => void;
}

/** Memoized: the page re-renders as its other parts (histogram, facets) arrive. */
export const EventsTable = memo(function EventsTable(props: EventsTableProps) {
  const { search, timeZone, items, onSort, onOpen, onChange } = props;
  const visible = search.cols ?? DEFAULT_COLUMNS;
  const sortField = search.sort ?? 'occurredAt';
  const sortDir = search.dir ?? 'desc';

  const columns = useMemo<ColumnDef<AuditEvent>[]>(
    () =>
      COLUMNS.filter((c) => visible.includes(c.id)).map((c) => ({
        id: c.id,
        header: c.id === 'occurredAt' ? `${c.label} (${timeZone})` : c.label,
        cell: ({ row }) => cellContent(row.original, c.id, timeZone),
      })),
    [visible, timeZone],
  );
  const table = useReactTable({
    data: items ?? [],
    columns,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualPagination: true,
    getRowId: (row) => row.id,
  });

  return (
    <Stack gap="xs">
      <Group justify="space-between" wrap="wrap">
        <TotalLine total={props.total} estimate={props.totalIsEstimate} />
        <Group gap="xs">
          <ColumnChooser
            visible={visible}
            onChange={(cols) => {
              onChange({ ...search, cols: sameColumns(cols, DEFAULT_COLUMNS) ? undefined : cols });
            }}
          />
          <Select
            comboboxProps={UNMOUNTED_WHEN_CLOSED}
            aria-label="Rows per page"
            w={130}
            size="xs"
            data={PAGE_SIZES.map((n) => ({ value: String(n), label: `${n} per page` }))}
            value={String(search.limit ?? DEFAULT_PAGE_SIZE)}
            allowDeselect={false}
            onChange={(value) => {
              const limit = Number(value) as (typeof PAGE_SIZES)[number];
              const { cursor: _cursor, ...rest } = search;
              onChange({ ...rest, limit: limit === DEFAULT_PAGE_SIZE ? undefined : limit });
            }}
          />
        </Group>
      </Group>
      <Table.ScrollContainer minWidth={900} type="native">
        <Table striped highlightOnHover stickyHeader miw={900} data-testid="events-table">
          <Table.Thead>
            {table.getHeaderGroups().map((group) => (
              <Table.Tr key={group.id}>
                {group.headers.map((header) => {
                  const id = header.column.id as ColumnId;
                  const sorted = sortField === id;
                  return (
                    <Table.Th
                      key={header.id}
                      aria-sort={sorted ? (sortDir === 'asc' ? 'ascending' : 'descending') : 'none'}
                      style={{ whiteSpace: 'nowrap' }}
                    >
                      <UnstyledButton
                        fw={600}
                        fz="sm"
                        onClick={() => {
                          onSort(id);
                        }}
                        title="Sort by this column"
                      >
                        {flexRender(header.column.columnDef.header, header.getContext())}
                        {sorted ? (sortDir === 'asc' ? ' ▲' : ' ▼') : ''}
                      </UnstyledButton>
                    </Table.Th>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Thead>
          <Table.Tbody>
            {!items && (
              <Table.Tr>
                <Table.Td colSpan={columns.length}>
                  <Stack gap={21} py={6} aria-label="Loading events">
                    {Array.from({ length: 8 }, (_, i) => (
                      <Skeleton key={i} h={16} />
                    ))}
                  </Stack>
                </Table.Td>
              </Table.Tr>
            )}
            {items?.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={columns.length}>
                  <Text c="dimmed" ta="center" py="lg" data-testid="no-events">
                    No events match these filters.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
            {table.getRowModel().rows.map((row) => (
              <Table.Tr
                key={row.id}
                data-testid="event-row"
                data-id={row.id}
                tabIndex={0}
                style={{ cursor: 'pointer' }}
                onClick={() => {
                  onOpen(row.original);
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    onOpen(row.original);
                  }
                }}
              >
                {row.getVisibleCells().map((cell) => (
                  // Plain cells with Table.Td's classes: a page has hundreds of them.
                  <td key={cell.id} className={TD_CLASS} data-col={cell.column.id}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group justify="flex-end" gap="xs">
        <Button
          variant="default"
          size="xs"
          disabled={!props.prevCursor || props.loading}
          onClick={() => {
            onChange({ ...search, cursor: props.prevCursor ?? undefined });
          }}
        >
          Previous page
        </Button>
        <Button
          variant="default"
          size="xs"
          disabled={!props.nextCursor || props.loading}
          onClick={() => {
            onChange({ ...search, cursor: props.nextCursor ?? undefined });
          }}
        >
          Next page
        </Button>
      </Group>
    </Stack>
  );
});

function sameColumns(a: readonly ColumnId[], b: readonly ColumnId[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

function TotalLine(props: { total: number | null | undefined; estimate: boolean }) {
  if (props.total === undefined || props.total === null) return <Text size="sm"> </Text>;
  return (
    <Text size="sm" data-testid="total" data-total={props.total} data-estimate={props.estimate}>
      {props.estimate ? 'about ' : ''}
      {props.total.toLocaleString()} events
    </Text>
  );
}

function ColumnChooser(props: {
  visible: readonly ColumnId[];
  onChange: (cols: ColumnId[]) => void;
}) {
  return (
    <Popover position="bottom-end" shadow="md" trapFocus>
      <Popover.Target>
        <Button variant="default" size="xs">
          Columns
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Checkbox.Group
          label="Visible columns"
          value={[...props.visible]}
          onChange={(values) => {
            // Keep the table's own order, whatever order they were ticked in; never none.
            const cols = COLUMNS.map((c) => c.id).filter((id) => values.includes(id));
            if (cols.length > 0) props.onChange(cols);
          }}
        >
          <Stack gap={6} mt="xs">
            {COLUMNS.map((c) => (
              <Checkbox key={c.id} value={c.id} label={c.label} size="xs" />
            ))}
          </Stack>
        </Checkbox.Group>
      </Popover.Dropdown>
    </Popover>
  );
}
