import { createContext, useContext } from 'react';

import type { RouterOutputs } from '../trpc';

export type SignedInUser = Extract<RouterOutputs['auth']['me'], { kind: 'user' }>;

const SessionContext = createContext<SignedInUser | null>(null);
export const SessionProvider = SessionContext.Provider;

/** The signed-in person; only used below AppLayout, which renders nothing until it knows. */
export function useSession(): SignedInUser {
  const user = useContext(SessionContext);
  if (!user) throw new Error('useSession outside AppLayout');
  return user;
}

export function useIsAdmin(): boolean {
  return useSession().role === 'admin';
}
