import {
  AppShell,
  Burger,
  Button,
  Center,
  Group,
  Loader,
  NavLink,
  Text,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, Navigate, Outlet, useLocation, useNavigate } from '@tanstack/react-router';
import { useQueryClient } from '@tanstack/react-query';

import { SessionProvider } from '../lib/session';
import { isUnauthorized, trpc } from '../trpc';

const NAV = [
  { to: '/', label: 'Audit Logs', adminOnly: false },
  { to: '/jobs', label: 'Jobs', adminOnly: false },
  { to: '/archives', label: 'Archives', adminOnly: false },
  { to: '/settings', label: 'Settings', adminOnly: true },
] as const;

export function AppLayout() {
  const me = trpc.auth.me.useQuery(undefined, { meta: { silent: true }, retry: false });
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [navOpen, { toggle, close }] = useDisclosure(false);
  const logout = trpc.auth.logout.useMutation({
    onSuccess: async () => {
      queryClient.clear();
      await navigate({ to: '/login' });
    },
  });

  if (me.isPending) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (me.error || me.data.kind !== 'user') {
    if (me.error && !isUnauthorized(me.error)) {
      return (
        <Center h="100vh">
          <Text c="red">Could not reach the server: {me.error.message}</Text>
        </Center>
      );
    }
    return <Navigate to="/login" search={{ redirect: location.href }} replace />;
  }
  const user = me.data;

  return (
    <SessionProvider value={user}>
      <AppShell
        header={{ height: 52 }}
        navbar={{ width: 200, breakpoint: 'sm', collapsed: { mobile: !navOpen } }}
        padding="md"
      >
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap">
            <Group gap="sm" wrap="nowrap">
              <Burger
                opened={navOpen}
                onClick={toggle}
                hiddenFrom="sm"
                size="sm"
                aria-label="Menu"
              />
              <Title order={4} style={{ whiteSpace: 'nowrap' }}>
                Audit Log Manager
              </Title>
            </Group>
            <Group gap="sm" wrap="nowrap">
              <Text size="sm" data-testid="signed-in-as" visibleFrom="xs">
                {user.username}{' '}
                <Text span c="dimmed">
                  ({user.role})
                </Text>
              </Text>
              <Button
                variant="subtle"
                size="xs"
                loading={logout.isPending}
                onClick={() => {
                  logout.mutate({});
                }}
              >
                Sign out
              </Button>
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs" aria-label="Main">
          {NAV.filter((item) => !item.adminOnly || user.role === 'admin').map((item) => (
            <NavLink
              key={item.to}
              component={Link}
              to={item.to}
              label={item.label}
              active={
                item.to === '/' ? location.pathname === '/' : location.pathname.startsWith(item.to)
              }
              onClick={close}
            />
          ))}
        </AppShell.Navbar>
        <AppShell.Main>
          <Outlet />
        </AppShell.Main>
      </AppShell>
    </SessionProvider>
  );
}
