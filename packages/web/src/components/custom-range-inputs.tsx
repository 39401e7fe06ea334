import '@mantine/dates/styles.css';

import { DateTimePicker } from '@mantine/dates';

import { withFilter, type LogsSearch } from '../lib/logs-search';
import { isoToWallClock, wallClockToIso } from '../lib/time';

interface CustomRangeInputsProps {
  search: LogsSearch;
  timeZone: string;
  onChange: (next: LogsSearch) => void;
}

/**
 * From and To of a custom range, in the page's zone. Loaded on demand (FilterBar): the date
 * pickers and their styles are not part of the first screen.
 */
export function CustomRangeInputs({ search, timeZone, onChange }: CustomRangeInputsProps) {
  return (
    <>
      <DateTimePicker
        label={`From (${timeZone})`}
        w={200}
        withSeconds
        clearable
        valueFormat="YYYY-MM-DD HH:mm:ss"
        value={search.from ? isoToWallClock(search.from, timeZone) : null}
        onChange={(value) => {
          onChange(
            withFilter(search, { from: value ? wallClockToIso(value, timeZone) : undefined }),
          );
        }}
      />
      <DateTimePicker
        label={`To (${timeZone})`}
        w={200}
        withSeconds
        clearable
        valueFormat="YYYY-MM-DD HH:mm:ss"
        value={search.to ? isoToWallClock(search.to, timeZone) : null}
        onChange={(value) => {
          onChange(withFilter(search, { to: value ? wallClockToIso(value, timeZone) : undefined }));
        }}
      />
    </>
  );
}
