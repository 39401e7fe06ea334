import { createContext, use, useContext } from 'react';

import type { RouterOutputs } from '../trpc';

export type SignedInUser = Extract<RouterOutputs['auth']['me'], { kind: 'user' }>;

/**
 * Who is signed in. AppLayout renders the page while the sign-in check is still under way
 * (so the page's own requests go out with it): `user` is null until then, and `known`
 * resolves when it is.
 */
export interface SessionState {
  user: SignedInUser | null;
  known: Promise<SignedInUser>;
}

const SessionContext = createContext<SessionState | null>(null);
export const SessionProvider = SessionContext.Provider;

function useSessionState(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside AppLayout');
  return state;
}

/** The signed-in person; suspends (AppLayout shows a loader) until the sign-in check answers. */
export function useSession(): SignedInUser {
  const state = useSessionState();
  return state.user ?? use(state.known);
}

/** Suspends like useSession: what only admins may see is never shown to others meanwhile. */
export function useIsAdmin(): boolean {
  return useSession().role === 'admin';
}

/** The signed-in person if already known, else null: for parts that can wait to appear. */
export function useSessionIfKnown(): SignedInUser | null {
  return useSessionState().user;
}

/** A promise with its resolve function, for SessionState.known. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
