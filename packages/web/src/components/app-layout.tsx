import {
  AppShell,
  Burger,
  Button,
  Center,
  Group,
  Loader,
  NavLink,
  Skeleton,
  Text,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, Navigate, Outlet, useLocation, useNavigate } from '@tanstack/react-router';
import { useQueryClient } from '@tanstack/react-query';
import { Suspense, useEffect, useMemo, useState } from 'react';

import { deferred, SessionProvider, type SignedInUser } from '../lib/session';
import { isUnauthorized, trpc } from '../trpc';

/** Every page, for every role: auditors' Settings show the legal holds (the rest is for admins). */
const NAV = [
  { to: '/', label: 'Audit Logs' },
  { to: '/jobs', label: 'Jobs' },
  { to: '/archives', label: 'Archives' },
  { to: '/integrity', label: 'Integrity' },
  { to: '/settings', label: 'Settings' },
] as const;

/**
 * The signed-in frame. The page inside renders at once, while the sign-in check (`auth.me`)
 * is under way, so that the page's own requests go out with it instead of after it; what
 * depends on who is signed in waits for the answer (useSession suspends). A stranger goes
 * to /login, from here or from any request answered 401.
 */
export function AppLayout() {
  // Started by the route's loader; asked again only after a 401 (which clears the cache).
  const me = trpc.auth.me.useQuery(undefined, {
    meta: { silent: true },
    retry: false,
    staleTime: Infinity,
  });
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

  const [known] = useState(() => deferred<SignedInUser>());
  const user = me.data?.kind === 'user' ? me.data : null;
  useEffect(() => {
    if (user) known.resolve(user);
  }, [known, user]);
  const session = useMemo(() => ({ user, known: known.promise }), [known, user]);

  if (me.error || (me.data && me.data.kind !== 'user')) {
    if (me.error && !isUnauthorized(me.error)) {
      return (
        <Center h="100vh">
          <Text c="red">Could not reach the server: {me.error.message}</Text>
        </Center>
      );
    }
    return <Navigate to="/login" search={{ redirect: location.href }} replace />;
  }

  return (
    <SessionProvider value={session}>
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
              {user ? (
                <Text size="sm" data-testid="signed-in-as" visibleFrom="xs">
                  {user.username}{' '}
                  <Text span c="dimmed">
                    ({user.role})
                  </Text>
                </Text>
              ) : (
                <Skeleton h={16} w={120} visibleFrom="xs" aria-label="Checking sign-in" />
              )}
              <Button
                variant="subtle"
                size="xs"
                loading={logout.isPending}
                disabled={!user}
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
          {NAV.map((item) => (
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
          <Suspense
            fallback={
              <Center h={200}>
                <Loader aria-label="Loading" />
              </Center>
            }
          >
            <Outlet />
          </Suspense>
        </AppShell.Main>
      </AppShell>
    </SessionProvider>
  );
}
