import {
  Alert,
  Badge,
  Button,
  EmptyState,
  Group,
  Modal,
  Paper,
  PasswordInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { USER_ROLES, type UserRole } from '@audit/db/values';
import { useState } from 'react';

import { formError } from '../../lib/field-errors';
import { notifySuccess } from '../../lib/notify';
import { useSession } from '../../lib/session';
import { viewerTimeZone } from '../../lib/time';
import { trpc, type RouterOutputs } from '../../trpc';
import { ConfirmModal } from '../confirm-modal';
import { DateTime } from '../date-time';
import { QueryErrorAlert } from '../query-error-alert';
import { TableSkeletonRows } from '../table-skeleton';

type User = RouterOutputs['users']['list'][number];

const ROLE_OPTIONS = USER_ROLES.map((role) => ({
  value: role,
  label: role === 'admin' ? 'Admin' : 'Auditor',
}));
const COLUMNS = ['Username', 'Role', 'Status', 'Last sign-in', 'Created', 'Actions'] as const;
const PASSWORD_HINT = 'At least 12 characters.';

function CreateUserModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<UserRole>('auditor');
  const utils = trpc.useUtils();
  const create = trpc.users.create.useMutation({
    meta: { silent: true },
    onSuccess: (user) => {
      void utils.users.list.invalidate();
      notifySuccess(`Created ${user.role} ${user.username}`);
      close();
    },
  });
  const { fields, general } = formError(create.error, ['username', 'password', 'role']);
  function close() {
    setUsername('');
    setPassword('');
    setRole('auditor');
    create.reset();
    onClose();
  }
  return (
    <Modal opened={opened} onClose={close} title="Create user" centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate({ username, password, role });
        }}
      >
        <Stack gap="sm">
          {general && (
            <Alert color="red" role="alert" title="Could not create the user">
              {general}
            </Alert>
          )}
          <TextInput
            label="Username"
            required
            data-autofocus
            autoComplete="off"
            value={username}
            onChange={(event) => {
              setUsername(event.currentTarget.value);
            }}
            error={fields.username}
          />
          <PasswordInput
            label="Password"
            description={PASSWORD_HINT}
            required
            autoComplete="new-password"
            value={password}
            onChange={(event) => {
              setPassword(event.currentTarget.value);
            }}
            error={fields.password}
          />
          <Select
            label="Role"
            data={ROLE_OPTIONS}
            value={role}
            allowDeselect={false}
            onChange={(value) => {
              if (value) setRole(value);
            }}
            error={fields.role}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ResetPasswordModal({ user, onClose }: { user: User | null; onClose: () => void }) {
  const { username: me } = useSession();
  const [password, setPassword] = useState('');
  const update = trpc.users.update.useMutation({
    meta: { silent: true },
    onSuccess: (updated) => {
      notifySuccess(`Password of ${updated.username} changed; their sessions were signed out`);
      close();
    },
  });
  const { fields, general } = formError(update.error, ['password']);
  function close() {
    setPassword('');
    update.reset();
    onClose();
  }
  return (
    <Modal
      opened={user !== null}
      onClose={close}
      title={user ? `Reset the password of ${user.username}` : 'Reset password'}
      centered
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (user) update.mutate({ id: user.id, password });
        }}
      >
        <Stack gap="sm">
          {general && (
            <Alert color="red" role="alert" title="Could not change the password">
              {general}
            </Alert>
          )}
          <Text size="sm">
            {user?.username === me
              ? 'This is your own account: you are signed out everywhere and sign in again with the new password.'
              : 'Their open sessions are signed out.'}
          </Text>
          <PasswordInput
            label="New password"
            description={PASSWORD_HINT}
            required
            data-autofocus
            autoComplete="new-password"
            value={password}
            onChange={(event) => {
              setPassword(event.currentTarget.value);
            }}
            error={fields.password}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={update.isPending}>
              Set password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function UsersSettings() {
  const { username: me } = useSession();
  const zone = viewerTimeZone();
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);
  const [disabling, setDisabling] = useState<User | null>(null);
  const utils = trpc.useUtils();
  const users = trpc.users.list.useQuery(undefined, { meta: { silent: true } });
  // Role and enable/disable changes: a failure (the last admin, say) shows as a toast.
  const update = trpc.users.update.useMutation({
    onSuccess: (user, input) => {
      notifySuccess(
        input.role !== undefined
          ? `${user.username} is now ${user.role === 'admin' ? 'an admin' : 'an auditor'}`
          : `${user.username} ${user.disabled ? 'disabled; their sessions were signed out' : 'enabled'}`,
      );
    },
    onSettled: () => {
      setDisabling(null);
      return utils.users.list.invalidate();
    },
  });
  const pendingId = update.isPending ? update.variables.id : null;

  return (
    <Paper withBorder p="md" data-testid="users-settings">
      <Stack gap="md">
        <Group justify="space-between">
          <Title order={3}>Users</Title>
          <Button
            onClick={() => {
              setCreating(true);
            }}
          >
            New user
          </Button>
        </Group>
        {users.error ? (
          <QueryErrorAlert
            error={users.error}
            title="Could not load users"
            onRetry={() => users.refetch()}
          />
        ) : (
          <Table.ScrollContainer minWidth={820}>
            <Table verticalSpacing="xs" data-testid="users-table">
              <Table.Thead>
                <Table.Tr>
                  {COLUMNS.map((column) => (
                    <Table.Th key={column} scope="col">
                      {column}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {users.isPending && <TableSkeletonRows rows={3} columns={COLUMNS.length} />}
                {users.data?.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={COLUMNS.length}>
                      <EmptyState title="No users" />
                    </Table.Td>
                  </Table.Tr>
                )}
                {users.data?.map((user) => (
                  <Table.Tr
                    key={user.id}
                    data-testid="user-row"
                    data-username={user.username}
                    data-disabled={user.disabled}
                  >
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {user.username}
                        {user.username === me && (
                          <Text span size="xs" c="dimmed">
                            {' '}
                            (you)
                          </Text>
                        )}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Select
                        aria-label={`Role of ${user.username}`}
                        data={ROLE_OPTIONS}
                        value={user.role}
                        allowDeselect={false}
                        size="xs"
                        w={130}
                        disabled={pendingId === user.id}
                        onChange={(value) => {
                          if (value && value !== user.role) {
                            update.mutate({ id: user.id, role: value });
                          }
                        }}
                      />
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={user.disabled ? 'gray' : 'green'}>
                        {user.disabled ? 'Disabled' : 'Active'}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <DateTime value={user.lastLoginAt} zone={zone} />
                    </Table.Td>
                    <Table.Td>
                      <DateTime value={user.createdAt} zone={zone} />
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        {user.disabled ? (
                          <Button
                            size="xs"
                            variant="light"
                            loading={pendingId === user.id}
                            aria-label={`Enable ${user.username}`}
                            onClick={() => {
                              update.mutate({ id: user.id, disabled: false });
                            }}
                          >
                            Enable
                          </Button>
                        ) : (
                          <Button
                            size="xs"
                            variant="light"
                            color="red"
                            loading={pendingId === user.id}
                            aria-label={`Disable ${user.username}`}
                            onClick={() => {
                              setDisabling(user);
                            }}
                          >
                            Disable
                          </Button>
                        )}
                        <Button
                          size="xs"
                          variant="default"
                          aria-label={`Reset the password of ${user.username}`}
                          onClick={() => {
                            setResetting(user);
                          }}
                        >
                          Reset password
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
      <CreateUserModal
        opened={creating}
        onClose={() => {
          setCreating(false);
        }}
      />
      <ResetPasswordModal
        user={resetting}
        onClose={() => {
          setResetting(null);
        }}
      />
      <ConfirmModal
        opened={disabling !== null}
        onClose={() => {
          setDisabling(null);
        }}
        onConfirm={() => {
          if (disabling) update.mutate({ id: disabling.id, disabled: true });
        }}
        loading={update.isPending}
        title={disabling ? `Disable ${disabling.username}?` : 'Disable user?'}
        confirmLabel="Disable"
        cancelLabel="Cancel"
      >
        <Text size="sm">
          They are signed out at once and cannot sign in until enabled again. Their audit history
          stays.
        </Text>
      </ConfirmModal>
    </Paper>
  );
}
