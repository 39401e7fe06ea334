import { Group, Paper, SimpleGrid, Skeleton, Stack, Text, UnstyledButton } from '@mantine/core';
import { memo } from 'react';

import type { FilterKey } from '../lib/logs-search';
import type { RouterOutputs } from '../trpc';
import { BasisNote, countText } from './count-basis';
import { STATUS_LABELS } from './status-badge';

type Facets = RouterOutputs['auditLogs']['facets'];

/** Facet fields shown, and the filter a click adds to. */
export const FACETS = [
  { field: 'userName', key: 'user', title: 'Top users' },
  { field: 'taskName', key: 'task', title: 'Top tasks' },
  { field: 'objectType', key: 'objectType', title: 'Top object types' },
  { field: 'status', key: 'status', title: 'Statuses' },
] as const satisfies readonly { field: keyof Facets['fields']; key: FilterKey; title: string }[];

interface FacetsPanelProps {
  facets: Facets | undefined;
  /** The page's zone, for when an approximate answer starts counting. */
  timeZone: string;
  onAdd: (key: FilterKey, value: string) => void;
}

export const FacetsPanel = memo(function FacetsPanel({
  facets,
  timeZone,
  onAdd,
}: FacetsPanelProps) {
  const exact = facets?.basis.exact ?? true;
  return (
    <Stack gap={4}>
      <SimpleGrid
        cols={{ base: 1, xs: 2, lg: 4 }}
        spacing="sm"
        data-testid="facets"
        data-exact={facets ? exact : undefined}
      >
        {FACETS.map(({ field, key, title }) => {
          const values = facets?.fields[field];
          const max = Math.max(1, ...(values ?? []).map((v) => v.count));
          return (
            <Paper key={field} withBorder p="xs">
              <Text size="xs" fw={600} mb={4}>
                {title}
              </Text>
              {!values ? (
                <Skeleton h={60} />
              ) : values.length === 0 ? (
                <Text size="xs" c="dimmed">
                  None
                </Text>
              ) : (
                <Stack gap={2}>
                  {values.slice(0, 5).map(({ value, count }) =>
                    value === null ? null : (
                      <UnstyledButton
                        key={value}
                        data-testid={`facet-${key}`}
                        title={`Add ${key}: ${value} to the filter`}
                        onClick={() => {
                          onAdd(key, value);
                        }}
                        style={{ borderRadius: 4 }}
                      >
                        <Group
                          justify="space-between"
                          gap={6}
                          wrap="nowrap"
                          style={{ position: 'relative' }}
                        >
                          <div
                            aria-hidden
                            style={{
                              position: 'absolute',
                              inset: 0,
                              width: `${(count / max) * 100}%`,
                              background: 'var(--mantine-color-indigo-light)',
                              borderRadius: 4,
                            }}
                          />
                          <Text size="xs" truncate style={{ position: 'relative' }}>
                            {key === 'status' && value in STATUS_LABELS
                              ? STATUS_LABELS[value as keyof typeof STATUS_LABELS].label
                              : value}
                          </Text>
                          <Text
                            size="xs"
                            c="dimmed"
                            style={{ position: 'relative' }}
                            title={exact ? undefined : 'Approximate count'}
                          >
                            {countText(count, exact)}
                          </Text>
                        </Group>
                      </UnstyledButton>
                    ),
                  )}
                </Stack>
              )}
            </Paper>
          );
        })}
      </SimpleGrid>
      <BasisNote basis={facets?.basis} timeZone={timeZone} testId="facets-basis" />
    </Stack>
  );
});
