import { declarationOf } from '@audit/db/fields';
import { Button, Group, MultiSelect, Select, SimpleGrid, Skeleton, TagsInput } from '@mantine/core';
import { lazy, memo, Suspense, useMemo, useState } from 'react';

import {
  activeFilterCount,
  clearFilters,
  RANGE_PRESETS,
  rangeOf,
  withFilter,
  withPreset,
  FILTER_KEYS,
  type LogsSearch,
  type RangeChoice,
} from '../lib/logs-search';
import { allTimeZones, offsetLabel } from '../lib/time';
import { valueLabel } from '../lib/field-values';

/**
 * Mantine keeps a closed combobox's dropdown mounted (hidden) and positions it, which forces a
 * style recalculation each; eight of them made the first screen's render markedly longer.
 */
export const UNMOUNTED_WHEN_CLOSED = { keepMounted: false } as const;

const CustomRangeInputs = lazy(() =>
  import('./custom-range-inputs').then((m) => ({ default: m.CustomRangeInputs })),
);

interface FilterBarProps {
  search: LogsSearch;
  timeZone: string;
  onChange: (next: LogsSearch) => void;
}

/** One control per declared `filterControl`: a choice of values for an enum, free text else. */
const CONTROLS = FILTER_KEYS.map((key) => {
  const { label, values, filterControl } = declarationOf(key);
  return {
    key,
    label,
    placeholder: filterControl?.placeholder ?? '',
    choices: values?.map((value) => ({ value, label: valueLabel(key, value) })),
  };
});

/** Where the filter controls go, while they mount (LogsPage): the same height, nothing to use. */
export function FilterBarPlaceholder() {
  return <Skeleton h={58} aria-label="Loading filters" data-testid="filters-loading" />;
}

export const FilterBar = memo(function FilterBar({ search, timeZone, onChange }: FilterBarProps) {
  // Every zone the browser knows (hundreds) once the list is opened; until then only the
  // current one, which keeps the first screen's render short.
  const [zonesOpened, setZonesOpened] = useState(false);
  const zones = useMemo(
    () => (zonesOpened ? allTimeZones() : [timeZone]).map((zone) => ({ value: zone, label: zone })),
    [zonesOpened, timeZone],
  );
  const offset = useMemo(() => offsetLabel(timeZone), [timeZone]);
  const rangeValue = rangeOf(search);

  return (
    <Group align="flex-end" gap="sm" wrap="wrap">
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm" style={{ flex: '1 1 600px' }}>
        {CONTROLS.map(({ key, label, placeholder, choices }) => {
          const chosen: string[] = search[key] ?? [];
          const onValues = (values: string[]) => {
            onChange(withFilter(search, { [key]: values }));
          };
          return choices ? (
            <MultiSelect
              comboboxProps={UNMOUNTED_WHEN_CLOSED}
              key={key}
              label={label}
              placeholder={chosen.length ? undefined : placeholder}
              data={choices}
              value={chosen}
              onChange={onValues}
              clearable
            />
          ) : (
            <TagsInput
              comboboxProps={UNMOUNTED_WHEN_CLOSED}
              key={key}
              label={label}
              placeholder={chosen.length ? undefined : placeholder}
              value={chosen}
              onChange={onValues}
              clearable
            />
          );
        })}
      </SimpleGrid>
      <Select
        comboboxProps={UNMOUNTED_WHEN_CLOSED}
        label="Time range"
        w={170}
        data={[
          ...Object.entries(RANGE_PRESETS).map(([value, { label }]) => ({ value, label })),
          { value: 'all', label: 'All time' },
          { value: 'custom', label: 'Custom' },
        ]}
        value={rangeValue}
        allowDeselect={false}
        onChange={(value) => {
          if (value === 'custom') {
            const from = new Date(Date.now() - RANGE_PRESETS['24h'].ms).toISOString();
            onChange(withFilter(search, { range: undefined, from, to: undefined }));
          } else if (value) {
            onChange(withPreset(search, value as RangeChoice));
          }
        }}
      />
      {rangeValue === 'custom' && (
        <Suspense
          fallback={
            <>
              <Skeleton w={200} h={36} />
              <Skeleton w={200} h={36} />
            </>
          }
        >
          <CustomRangeInputs search={search} timeZone={timeZone} onChange={onChange} />
        </Suspense>
      )}
      <Select
        comboboxProps={UNMOUNTED_WHEN_CLOSED}
        label="Time zone"
        w={220}
        searchable
        data={zones}
        value={timeZone}
        onDropdownOpen={() => {
          setZonesOpened(true);
        }}
        allowDeselect={false}
        description={<span data-testid="time-zone">{`${timeZone} (${offset})`}</span>}
        inputWrapperOrder={['label', 'input', 'description']}
        onChange={(value) => {
          if (value) onChange({ ...search, tz: value });
        }}
      />
      {activeFilterCount(search) > 0 && (
        <Button
          variant="subtle"
          onClick={() => {
            onChange(clearFilters(search));
          }}
        >
          Clear filters
        </Button>
      )}
    </Group>
  );
});
