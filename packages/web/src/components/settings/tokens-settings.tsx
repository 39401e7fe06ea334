import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  CopyButton,
  EmptyState,
  Group,
  Modal,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import { TOKEN_SCOPES, type TokenScope } from '@audit/db/values';
import { useState } from 'react';

import { formError } from '../../lib/field-errors';
import { notifySuccess } from '../../lib/notify';
import { viewerTimeZone, wallClockToIso } from '../../lib/time';
import { trpc, type RouterOutputs } from '../../trpc';
import { ConfirmModal } from '../confirm-modal';
import { DateTime } from '../date-time';
import { QueryErrorAlert } from '../query-error-alert';
import { TableSkeletonRows } from '../table-skeleton';

type Token = RouterOutputs['tokens']['list'][number];
type Created = RouterOutputs['tokens']['create'];

const SCOPE_HELP: Record<TokenScope, string> = {
  ingest: 'Record events and report jobs',
  read: 'Search, read and export events',
};
const COLUMNS = [
  'Name',
  'Prefix',
  'Scopes',
  'System',
  'Tenant',
  'Created',
  'Last used',
  'Expires',
  'Status',
  'Actions',
] as const;

function tokenStatus(token: Token, now: number): { label: string; color: string } {
  if (token.revokedAt) return { label: 'Revoked', color: 'gray' };
  if (token.expiresAt && Date.parse(token.expiresAt) <= now) {
    return { label: 'Expired', color: 'orange' };
  }
  return { label: 'Active', color: 'green' };
}

function CreateTokenModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (created: Created) => void;
}) {
  const zone = viewerTimeZone();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<TokenScope[]>(['ingest']);
  const [systemId, setSystemId] = useState('');
  const [tenant, setTenant] = useState('');
  const [expiresAt, setExpiresAt] = useState<string | null>(null);
  const utils = trpc.useUtils();
  const create = trpc.tokens.create.useMutation({
    meta: { silent: true },
    onSuccess: (created) => {
      void utils.tokens.list.invalidate();
      notifySuccess(`Created API token ${created.token.name}`);
      reset();
      onCreated(created);
    },
  });
  const { fields, general } = formError(create.error, [
    'name',
    'scopes',
    'systemId',
    'tenant',
    'expiresAt',
  ]);
  function reset() {
    setName('');
    setScopes(['ingest']);
    setSystemId('');
    setTenant('');
    setExpiresAt(null);
    create.reset();
  }
  function close() {
    reset();
    onClose();
  }
  return (
    <Modal opened={opened} onClose={close} title="Create API token" centered size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate({
            name: name.trim(),
            scopes,
            systemId: systemId.trim() || undefined,
            tenant: tenant.trim() || undefined,
            expiresAt: expiresAt ? wallClockToIso(expiresAt, zone) : undefined,
          });
        }}
      >
        <Stack gap="sm">
          {general && (
            <Alert color="red" role="alert" title="Could not create the token">
              {general}
            </Alert>
          )}
          <TextInput
            label="Token name"
            description="What uses it, e.g. “billing service”."
            required
            data-autofocus
            value={name}
            onChange={(event) => {
              setName(event.currentTarget.value);
            }}
            error={fields.name}
          />
          <Checkbox.Group
            label="Scopes"
            required
            value={scopes}
            onChange={(value) => {
              setScopes(value);
            }}
            error={fields.scopes}
          >
            <Stack gap={6} mt={6}>
              {TOKEN_SCOPES.map((scope) => (
                <Checkbox key={scope} value={scope} label={scope} description={SCOPE_HELP[scope]} />
              ))}
            </Stack>
          </Checkbox.Group>
          <TextInput
            label="System id"
            description="Recorded on events this token sends without one (optional)."
            value={systemId}
            onChange={(event) => {
              setSystemId(event.currentTarget.value);
            }}
            error={fields.systemId}
          />
          <TextInput
            label="Tenant"
            description="The tenant its events belong to and the only one it can read (default: “default”)."
            value={tenant}
            onChange={(event) => {
              setTenant(event.currentTarget.value);
            }}
            error={fields.tenant}
          />
          <DateTimePicker
            label={`Expires at (${zone})`}
            description="Leave empty for a token that does not expire."
            placeholder="Never"
            clearable
            withSeconds={false}
            valueFormat="YYYY-MM-DD HH:mm"
            minDate={new Date()}
            value={expiresAt}
            onChange={setExpiresAt}
            error={fields.expiresAt}
            data-testid="token-expires-at"
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create token
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The secret, once: there is no way to see it again after this closes. */
function TokenSecretModal({ created, onClose }: { created: Created | null; onClose: () => void }) {
  return (
    <Modal
      opened={created !== null}
      onClose={onClose}
      title={created ? `API token ${created.token.name} created` : 'API token created'}
      centered
      size="lg"
      closeOnClickOutside={false}
      closeOnEscape={false}
      closeButtonProps={{ 'aria-label': 'Close' }}
      data-testid="token-secret-modal"
    >
      {created && (
        <Stack gap="sm">
          <Alert color="yellow" title="Copy the secret now">
            This is the only time it is shown. Store it where the service reads its credentials; if
            it is lost, revoke this token and create another.
          </Alert>
          <Code
            block
            data-testid="token-secret"
            style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}
          >
            {created.secret}
          </Code>
          <Group justify="space-between">
            <CopyButton value={created.secret} timeout={2000}>
              {({ copied, copy }) => (
                <Button color={copied ? 'teal' : undefined} onClick={copy}>
                  {copied ? 'Copied' : 'Copy secret'}
                </Button>
              )}
            </CopyButton>
            <Button variant="default" onClick={onClose}>
              Done
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

export function TokensSettings() {
  const zone = viewerTimeZone();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const utils = trpc.useUtils();
  const tokens = trpc.tokens.list.useQuery(undefined, { meta: { silent: true } });
  const revoke = trpc.tokens.revoke.useMutation({
    onSuccess: (token) => {
      notifySuccess(`Revoked API token ${token.name}`);
    },
    onSettled: () => {
      setRevoking(null);
      return utils.tokens.list.invalidate();
    },
  });
  const now = tokens.dataUpdatedAt;

  return (
    <Paper withBorder p="md" data-testid="tokens-settings">
      <Stack gap="md">
        <Group justify="space-between">
          <Title order={3}>API tokens</Title>
          <Button
            onClick={() => {
              setCreating(true);
            }}
          >
            New token
          </Button>
        </Group>
        {tokens.error ? (
          <QueryErrorAlert
            error={tokens.error}
            title="Could not load API tokens"
            onRetry={() => tokens.refetch()}
          />
        ) : (
          <Table.ScrollContainer minWidth={960}>
            <Table verticalSpacing="xs" data-testid="tokens-table">
              <Table.Thead>
                <Table.Tr>
                  {COLUMNS.map((column) => (
                    <Table.Th key={column} scope="col" style={{ whiteSpace: 'nowrap' }}>
                      {column}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {tokens.isPending && <TableSkeletonRows rows={3} columns={COLUMNS.length} />}
                {tokens.data?.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={COLUMNS.length}>
                      <EmptyState
                        py="lg"
                        title="No API tokens"
                        description="Services record events with a token; create one for each."
                        data-testid="tokens-empty"
                      />
                    </Table.Td>
                  </Table.Tr>
                )}
                {tokens.data?.map((token) => {
                  const status = tokenStatus(token, now);
                  return (
                    <Table.Tr
                      key={token.id}
                      data-testid="token-row"
                      data-token-name={token.name}
                      data-status={status.label.toLowerCase()}
                    >
                      <Table.Td>
                        <Text size="sm" fw={500}>
                          {token.name}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Code>{token.prefix}…</Code>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4} wrap="nowrap">
                          {token.scopes.map((scope) => (
                            <Badge key={scope} variant="outline" size="sm">
                              {scope}
                            </Badge>
                          ))}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{token.systemId ?? '—'}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{token.tenant}</Text>
                      </Table.Td>
                      {[token.createdAt, token.lastUsedAt, token.expiresAt].map((value, i) => (
                        <Table.Td key={i}>
                          <DateTime value={value} zone={zone} stacked />
                        </Table.Td>
                      ))}
                      <Table.Td>
                        <Badge variant="light" color={status.color}>
                          {status.label}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        {!token.revokedAt && (
                          <Button
                            size="xs"
                            variant="light"
                            color="red"
                            aria-label={`Revoke ${token.name}`}
                            loading={revoke.isPending && revoke.variables.id === token.id}
                            onClick={() => {
                              setRevoking(token);
                            }}
                          >
                            Revoke
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
      <CreateTokenModal
        opened={creating}
        onClose={() => {
          setCreating(false);
        }}
        onCreated={(result) => {
          setCreating(false);
          setCreated(result);
        }}
      />
      <TokenSecretModal
        created={created}
        onClose={() => {
          setCreated(null);
        }}
      />
      <ConfirmModal
        opened={revoking !== null}
        onClose={() => {
          setRevoking(null);
        }}
        onConfirm={() => {
          if (revoking) revoke.mutate({ id: revoking.id });
        }}
        loading={revoke.isPending}
        title={revoking ? `Revoke ${revoking.name}?` : 'Revoke token?'}
        confirmLabel="Revoke"
        cancelLabel="Cancel"
        testId="revoke-token-modal"
      >
        <Text size="sm">
          Whatever uses this token is refused from now on. This cannot be undone; create a new token
          to grant access again.
        </Text>
      </ConfirmModal>
    </Paper>
  );
}
