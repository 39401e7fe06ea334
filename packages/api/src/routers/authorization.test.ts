import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { appRouter } from '../root';
import { createTestApp, type Caller, type TestApp } from '../testing/harness';
import type { ProcedurePath } from '../root';
import {
  ALLOWED,
  PRINCIPALS,
  UNAUTHENTICATED,
  type PrincipalName,
} from '../testing/authorization-matrix';

/** An input every procedure refuses (all input schemas are strict objects or void). */
const PROBE = { __probe: true };

/** Calls a procedure of a caller by its dotted path. */
function callPath(caller: Caller, path: string, input: unknown): Promise<unknown> {
  const procedure = path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  return (procedure as (input: unknown) => Promise<unknown>)(input);
}

function expectedCode(path: ProcedurePath, principal: PrincipalName): TRPCError['code'] {
  if (ALLOWED[path].includes(principal)) return 'BAD_REQUEST';
  return UNAUTHENTICATED.includes(principal) ? 'UNAUTHORIZED' : 'FORBIDDEN';
}

describe('authorization matrix', () => {
  let app: TestApp;
  const callers = {} as Record<PrincipalName, Caller>;

  beforeAll(async () => {
    app = await createTestApp();
    callers.anonymous = app.as().caller;
    callers.auditor = (await app.userWithRole('auditor')).caller;
    callers.admin = app.admin;
    callers.ingestToken = (await app.token(['ingest'])).caller;
    callers.readToken = (await app.token(['read'])).caller;

    const revoked = await app.token(['ingest', 'read']);
    await app.admin.tokens.revoke({ id: revoked.info.id });
    callers.revokedToken = revoked.caller;

    const disabled = await app.userWithRole('auditor');
    const me = await disabled.caller.auth.me();
    await app.admin.users.update({ id: me.id, disabled: true });
    callers.disabledUserSession = disabled.caller;
  });

  afterAll(() => app.close());

  it('covers every procedure of the router, and only those', () => {
    const procedures = Object.keys(appRouter._def.procedures).sort();
    expect(procedures).toEqual(Object.keys(ALLOWED).sort());
  });

  it('the principals are what they claim to be', async () => {
    await expect(callers.auditor.auth.me()).resolves.toMatchObject({
      kind: 'user',
      role: 'auditor',
    });
    await expect(callers.admin.auth.me()).resolves.toMatchObject({ kind: 'user', role: 'admin' });
    await expect(callers.ingestToken.auth.me()).resolves.toMatchObject({
      kind: 'token',
      scopes: ['ingest'],
    });
    await expect(callers.readToken.auth.me()).resolves.toMatchObject({
      kind: 'token',
      scopes: ['read'],
    });
    await expect(callers.anonymous.auth.me()).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'sign in, or send an API token',
    });
    await expect(callers.revokedToken.auth.me()).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'the API token is unknown, revoked or expired',
    });
    await expect(callers.disabledUserSession.auth.me()).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'the session has ended; sign in again',
    });
  });

  const cases = (Object.keys(ALLOWED) as ProcedurePath[]).flatMap((path) =>
    PRINCIPALS.map((principal) => ({ path, principal, code: expectedCode(path, principal) })),
  );

  it.each(cases)('$path as $principal → $code', async ({ path, principal, code }) => {
    const error: unknown = await callPath(callers[principal], path, PROBE).then(
      () => new Error(`${path} accepted the probe input as ${principal}`),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCError);
    expect(error).toMatchObject({ code });
  });
});
