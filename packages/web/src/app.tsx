import { MantineProvider, createTheme } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';

import { createAppRouter } from './router';
import { createQueryClient, createTrpcClient, createTrpcUtils, trpc } from './trpc';

const theme = createTheme({
  primaryColor: 'indigo',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
});

/** The router and the clients the app runs on, one set per page load. */
export type AppState = ReturnType<typeof createAppState>;

export function createAppState() {
  const queryClient = createQueryClient(() => {
    // A stranger, or a session that expired mid-use: to sign-in, then back here.
    queryClient.clear();
    if (router.state.location.pathname !== '/login') {
      void router.navigate({ to: '/login', search: { redirect: router.state.location.href } });
    }
  });
  const trpcClient = createTrpcClient();
  const router = createAppRouter(createTrpcUtils(queryClient, trpcClient));
  return { router, queryClient, trpcClient };
}

export function App({ state: { router, queryClient, trpcClient } }: { state: AppState }) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <Notifications position="top-right" />
      <trpc.Provider client={trpcClient} queryClient={queryClient}>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </trpc.Provider>
    </MantineProvider>
  );
}
