import { Text } from '@mantine/core';

import { formatInZone } from '../lib/time';

/**
 * An instant in the zone, monospaced so rows line up. `stacked` puts the date over the time (for
 * tables with several time columns); the full value, with milliseconds, is in the title.
 */
export function DateTime({
  value,
  zone,
  stacked = false,
  size = 'sm',
}: {
  value: string | null;
  zone: string;
  stacked?: boolean;
  size?: 'xs' | 'sm';
}) {
  if (!value) {
    return (
      <Text span c="dimmed" size={size}>
        —
      </Text>
    );
  }
  const text = formatInZone(value, zone);
  return (
    <Text
      span
      size={size}
      ff="monospace"
      lh={stacked ? 1.35 : undefined}
      style={{ whiteSpace: 'nowrap', display: stacked ? 'inline-block' : undefined }}
      title={text}
    >
      {text.slice(0, 10)}
      {stacked ? <br /> : ' '}
      {text.slice(11, 19)}
    </Text>
  );
}
