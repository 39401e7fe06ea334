import type { ProcedurePath } from '../root';

/**
 * Who may call what, for the authorization tests: of the tRPC procedures
 * (routers/authorization.test.ts) and of every HTTP surface (http/authorization.test.ts).
 */

export const PRINCIPALS = [
  'anonymous',
  'auditor',
  'admin',
  'ingestToken',
  'readToken',
  'revokedToken',
  'disabledUserSession',
] as const;
export type PrincipalName = (typeof PRINCIPALS)[number];

/** Principals whose credentials are missing or no longer valid: refused before any role check. */
export const UNAUTHENTICATED: readonly PrincipalName[] = [
  'anonymous',
  'revokedToken',
  'disabledUserSession',
];

const EVERYONE: readonly PrincipalName[] = PRINCIPALS;
const SIGNED_IN: readonly PrincipalName[] = ['auditor', 'admin', 'ingestToken', 'readToken'];
const PEOPLE: readonly PrincipalName[] = ['auditor', 'admin'];
export const READERS: readonly PrincipalName[] = ['auditor', 'admin', 'readToken'];
const INGEST: readonly PrincipalName[] = ['ingestToken'];
const ADMINS: readonly PrincipalName[] = ['admin'];

/** Who may call each procedure: a procedure missing here is a compile error. */
export const ALLOWED: Record<ProcedurePath, readonly PrincipalName[]> = {
  'auth.login': EVERYONE,
  'auth.logout': PEOPLE,
  'auth.me': SIGNED_IN,
  'auditLogs.list': READERS,
  'auditLogs.byId': READERS,
  'auditLogs.histogram': READERS,
  'auditLogs.facets': READERS,
  'auditLogs.record': INGEST,
  'jobs.list': READERS,
  'jobs.byId': READERS,
  'jobs.cancel': PEOPLE,
  'jobs.report': INGEST,
  'users.list': ADMINS,
  'users.create': ADMINS,
  'users.update': ADMINS,
  'tokens.list': ADMINS,
  'tokens.create': ADMINS,
  'tokens.revoke': ADMINS,
  'exports.create': READERS,
  'exports.list': READERS,
  'purge.preview': ADMINS,
  'purge.create': ADMINS,
  'retention.get': ADMINS,
  'retention.set': ADMINS,
  'integrity.publicKey': READERS,
  'integrity.verify': READERS,
  'integrity.status': READERS,
  'integrity.startVerify': ADMINS,
  'holds.list': PEOPLE,
  'holds.create': ADMINS,
  'holds.release': ADMINS,
  'integrity.gaps': READERS,
};
