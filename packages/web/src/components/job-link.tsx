import { Anchor } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';

/** A link to a job's page. */
export function JobLink({ jobId, children }: { jobId: string; children?: ReactNode }) {
  return (
    <Anchor
      size="sm"
      renderRoot={(props) => <Link {...props} to="/jobs/$jobId" params={{ jobId }} />}
      data-testid="job-link"
    >
      {children ?? `Job ${jobId}`}
    </Anchor>
  );
}
