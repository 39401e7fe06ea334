import {
  Button,
  Code,
  CopyButton,
  Group,
  Paper,
  Skeleton,
  Stack,
  Text,
  Title,
} from '@mantine/core';

import { trpc } from '../trpc';
import { QueryErrorAlert } from './query-error-alert';

/** The key the seal chain is signed with: all anyone needs from this server to check it. */
export function PublicKeyCard() {
  const key = trpc.integrity.publicKey.useQuery(undefined, {
    meta: { silent: true },
    staleTime: Infinity,
  });
  return (
    <Paper withBorder p="md" data-testid="public-key">
      <Stack gap="sm">
        <Title order={3}>Public key</Title>
        <Text size="sm" c="dimmed">
          Checks the signed seals without trusting this server: save it as key.pem, then run{' '}
          <Code>audit-verify archive.zip --key key.pem</Code> on an archive, or{' '}
          <Code>pnpm verify --key key.pem</Code> on the whole store.
        </Text>
        {key.isPending ? (
          <Stack gap="xs">
            <Skeleton height={20} width={260} />
            <Skeleton height={90} />
          </Stack>
        ) : key.error ? (
          <QueryErrorAlert
            error={key.error}
            title="Could not load the public key"
            onRetry={() => key.refetch()}
          />
        ) : (
          <>
            <Group gap="xs" wrap="wrap">
              <Text size="sm">
                {key.data.algorithm} key id{' '}
                <Code data-testid="public-key-id">{key.data.keyId}</Code>
              </Text>
              <CopyButton value={key.data.pem} timeout={1500}>
                {({ copied, copy }) => (
                  <Button
                    variant="light"
                    color={copied ? 'teal' : undefined}
                    size="compact-sm"
                    onClick={copy}
                  >
                    {copied ? 'Copied' : 'Copy PEM'}
                  </Button>
                )}
              </CopyButton>
              <Button
                variant="subtle"
                size="compact-sm"
                renderRoot={(props) => (
                  <a
                    {...props}
                    href={`data:application/x-pem-file;charset=utf-8,${encodeURIComponent(key.data.pem)}`}
                    download="key.pem"
                  />
                )}
              >
                Download key.pem
              </Button>
            </Group>
            <Code block data-testid="public-key-pem" aria-label="Public key (PEM)">
              {key.data.pem.trim()}
            </Code>
          </>
        )}
      </Stack>
    </Paper>
  );
}
