import { Badge } from '@mantine/core';
import type { JobState } from '@audit/db/values';

import { JOB_STATE_LABELS } from '../lib/jobs';

export function JobStateBadge({ state }: { state: JobState }) {
  const { label, color } = JOB_STATE_LABELS[state];
  return (
    <Badge color={color} variant="light" data-state={state}>
      {label}
    </Badge>
  );
}
