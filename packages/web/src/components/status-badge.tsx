import { Badge } from '@mantine/core';
import type { EventStatus } from '@audit/db/values';

/** The seeds' result colours: success green, failure red, scheduled work blue/violet. */
export const STATUS_LABELS: Record<EventStatus, { label: string; color: string }> = {
  success: { label: 'Success', color: 'green' },
  failure: { label: 'Failure', color: 'red' },
  job_scheduled: { label: 'Job scheduled', color: 'blue' },
  recurring_job_scheduled: { label: 'Recurring job scheduled', color: 'violet' },
};

export function StatusBadge({ status }: { status: EventStatus }) {
  const { label, color } = STATUS_LABELS[status];
  return (
    <Badge
      color={color}
      variant="light"
      data-status={status}
      // Never squeezed to "S…" by a crowded table.
      style={{ whiteSpace: 'nowrap', minWidth: 'max-content' }}
    >
      {label}
    </Badge>
  );
}
