import { Text } from '@mantine/core';

import { formatShortInZone } from '../lib/time';
import type { RouterOutputs } from '../trpc';

/** How exact a histogram or facets answer is (the API's `basis`). */
export type CountBasis = RouterOutputs['auditLogs']['histogram']['basis'];

/** What an approximate answer is based on, in words; null for an exact one. */
export function basisText(basis: CountBasis, timeZone: string): string | null {
  if (basis.exact) return null;
  if (basis.since) {
    const events = basis.eventsRead.toLocaleString('en');
    return `Based on the newest ${events} events, since ${formatShortInZone(basis.since, timeZone)}`;
  }
  return "Estimated at the range's ends";
}

/** A count as shown: `≈1,234` when the answer is approximate. */
export function countText(count: number, exact: boolean): string {
  const text = count.toLocaleString('en');
  return exact ? text : `≈${text}`;
}

interface BasisNoteProps {
  basis: CountBasis | undefined;
  timeZone: string;
  testId: string;
}

/** The line under an approximate histogram or facets: nothing for an exact answer. */
export function BasisNote({ basis, timeZone, testId }: BasisNoteProps) {
  const text = basis ? basisText(basis, timeZone) : null;
  if (!text) return null;
  return (
    <Text size="xs" c="dimmed" data-testid={testId}>
      ≈ {text}
    </Text>
  );
}
