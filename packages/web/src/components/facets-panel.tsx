import { Group, Paper, SimpleGrid, Skeleton, Stack, Text, UnstyledButton } from '@mantine/core';
import { memo } from 'react';
import { declarationOf, fieldsWhere, type FacetField, type FieldsWhere } from '@audit/db/fields';

import type { FilterKey } from '../lib/logs-search';
import type { RouterOutputs } from '../trpc';
import { BasisNote, countText } from './count-basis';
import { valueLabel } from '../lib/field-values';

type Facets = RouterOutputs['auditLogs']['facets'];

/** A panel's field: declared with a `facetPanel` title, and a filter control a click adds to. */
type PanelField = Extract<Extract<FieldsWhere<'facetPanel', string>, FilterKey>, FacetField>;

/** The facet panels shown (declared `facetPanel`), in declaration order. */
export const FACETS = fieldsWhere<PanelField>((d) => d.facetPanel !== undefined).map((field) => ({
  field,
  title: declarationOf(field).facetPanel ?? field,
}));

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
        cols={{ base: 1, xs: 2, md: 3, xl: FACETS.length }}
        spacing="sm"
        data-testid="facets"
        data-exact={facets ? exact : undefined}
      >
        {FACETS.map(({ field, title }) => {
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
                        data-testid={`facet-${field}`}
                        title={`Add ${declarationOf(field).label}: ${value} to the filter`}
                        onClick={() => {
                          onAdd(field, value);
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
                            {valueLabel(field, value)}
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
