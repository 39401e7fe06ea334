import { describe, expect, it } from 'vitest';

import { isDatabaseUnavailable, isUniqueViolation } from './db-errors';

/** An error as postgres.js raises it, under Drizzle's "Failed query" wrapper. */
const wrapped = (code: string) =>
  new Error('Failed query: SELECT 1', { cause: Object.assign(new Error(code), { code }) });

describe('database errors', () => {
  it('counts connection failures as the database being unavailable, under any wrapper', () => {
    for (const code of [
      'CONNECTION_CLOSED',
      'CONNECTION_ENDED',
      'CONNECTION_DESTROYED',
      'CONNECT_TIMEOUT',
      'ECONNREFUSED',
      'ECONNRESET',
      '08006', // connection_failure
      '08001', // sqlclient_unable_to_establish_sqlconnection
      '57P01', // admin_shutdown (pg_terminate_backend)
      '57P02', // crash_shutdown
      '57P03', // cannot_connect_now
    ]) {
      expect(isDatabaseUnavailable(wrapped(code)), code).toBe(true);
      expect(isDatabaseUnavailable(Object.assign(new Error(code), { code })), code).toBe(true);
    }
  });

  it('does not count errors of the request itself', () => {
    for (const code of ['23505', '22P02', '42P01', '40001', '57014', 'ERR_INVALID_ARG_TYPE']) {
      expect(isDatabaseUnavailable(wrapped(code)), code).toBe(false);
    }
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isUniqueViolation(wrapped('23505'))).toBe(true);
  });
});
