import { Alert, Button, Group, Text } from '@mantine/core';

import { errorMessage } from '../trpc';

/** A failed load shown where the data would be, with a way to try again. */
export function QueryErrorAlert({
  error,
  title = 'Could not load',
  onRetry,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => unknown;
}) {
  return (
    <Alert color="red" title={title} role="alert" data-testid="query-error">
      <Group justify="space-between" wrap="wrap">
        <Text size="sm">{errorMessage(error)}</Text>
        {onRetry && (
          <Button
            size="xs"
            variant="white"
            color="red"
            onClick={() => {
              void onRetry();
            }}
          >
            Retry
          </Button>
        )}
      </Group>
    </Alert>
  );
}
