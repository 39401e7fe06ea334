import { Badge } from '@mantine/core';
import type { EventStatus } from '@audit/db/values';
import type { CSSProperties } from 'react';

/** The seeds' result colours: success green, failure red, scheduled work blue/violet. */
export const STATUS_LABELS: Record<EventStatus, { label: string; color: string }> = {
  success: { label: 'Success', color: 'green' },
  failure: { label: 'Failure', color: 'red' },
  job_scheduled: { label: 'Job scheduled', color: 'blue' },
  recurring_job_scheduled: { label: 'Recurring job scheduled', color: 'violet' },
};

/**
 * Each status's badge style, as Mantine's light Badge sets it (its CSS variables), worked out
 * once: a page of the table has one badge a row, and the Badge component resolves its colours
 * from the theme each time it renders.
 */
const BADGE_STYLES = Object.fromEntries(
  Object.entries(STATUS_LABELS).map(([status, { color }]) => [
    status,
    {
      '--badge-bg': `var(--mantine-color-${color}-light)`,
      '--badge-color': `var(--mantine-color-${color}-light-color)`,
      '--badge-bd': 'calc(0.0625rem * var(--mantine-scale)) solid transparent',
      // Never squeezed to "S…" by a crowded table.
      whiteSpace: 'nowrap',
      minWidth: 'max-content',
    } as CSSProperties,
  ]),
) as Record<EventStatus, CSSProperties>;

const ROOT_CLASS = `${Badge.classes.root} mantine-Badge-root`;
const LABEL_CLASS = `${Badge.classes.label} mantine-Badge-label`;

/** A light Mantine Badge in the status's colour (the same markup, without the component). */
export function StatusBadge({ status }: { status: EventStatus }) {
  return (
    <div
      className={ROOT_CLASS}
      data-variant="light"
      data-status={status}
      style={BADGE_STYLES[status]}
    >
      <span className={LABEL_CLASS}>{STATUS_LABELS[status].label}</span>
    </div>
  );
}
