import {
  Alert,
  Button,
  Center,
  Paper,
  PasswordInput,
  Stack,
  TextInput,
  Title,
} from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';

import { loginRoute } from '../router';
import { errorMessage, trpc } from '../trpc';

export function LoginPage() {
  const { redirect } = loginRoute.useSearch();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const login = trpc.auth.login.useMutation({
    meta: { silent: true },
    onSuccess: async () => {
      queryClient.clear();
      // Only same-site paths: a crafted ?redirect= must not send the user elsewhere.
      const target = redirect?.startsWith('/') && !redirect.startsWith('//') ? redirect : '/';
      await navigate({ href: target });
    },
  });

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={380}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            login.mutate({ username, password });
          }}
        >
          <Stack>
            <Title order={3}>Audit Log Manager</Title>
            {login.error && (
              <Alert color="red" role="alert" title="Sign-in failed">
                {errorMessage(login.error)}
              </Alert>
            )}
            <TextInput
              label="Username"
              autoComplete="username"
              required
              autoFocus
              value={username}
              onChange={(e) => {
                setUsername(e.currentTarget.value);
              }}
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => {
                setPassword(e.currentTarget.value);
              }}
            />
            <Button type="submit" loading={login.isPending}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
