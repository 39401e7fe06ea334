import { Paper, ScrollArea, Table, Text } from '@mantine/core';

import { configText, sideBySide, type DiffRow } from '../lib/side-by-side';
import type { AuditEvent } from '../trpc';

const BACKGROUND: Record<DiffRow['kind'], { left?: string; right?: string }> = {
  same: {},
  changed: { left: 'var(--mantine-color-red-light)', right: 'var(--mantine-color-green-light)' },
  removed: { left: 'var(--mantine-color-red-light)' },
  added: { right: 'var(--mantine-color-green-light)' },
};

const cellStyle = {
  fontFamily: 'var(--mantine-font-family-monospace)',
  fontSize: 12,
  whiteSpace: 'pre' as const,
  verticalAlign: 'top' as const,
  width: '50%',
};

/** A configuration change, before on the left and after on the right, changed lines marked. */
export function ConfigDiff({ changes }: { changes: NonNullable<AuditEvent['changes']> }) {
  const rows = sideBySide(
    configText(changes.before, changes.format),
    configText(changes.after, changes.format),
  );
  const changed = rows.filter((r) => r.kind !== 'same').length;
  return (
    <Paper withBorder data-testid="config-diff">
      <Text size="xs" c="dimmed" p={6}>
        {changed === 0 ? 'No differences' : `${changed} changed line${changed === 1 ? '' : 's'}`}
      </Text>
      <ScrollArea.Autosize mah={420} type="auto">
        <Table withColumnBorders verticalSpacing={0} horizontalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Before</Table.Th>
              <Table.Th>After</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row, i) => (
              <Table.Tr key={i} data-kind={row.kind}>
                <Table.Td
                  style={{ ...cellStyle, background: BACKGROUND[row.kind].left }}
                  data-side="before"
                >
                  {row.left ?? ''}
                </Table.Td>
                <Table.Td
                  style={{ ...cellStyle, background: BACKGROUND[row.kind].right }}
                  data-side="after"
                >
                  {row.right ?? ''}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
    </Paper>
  );
}
