/**
 * What data access throws when a request cannot be served as asked. Messages start with the
 * field they are about (`id: no job 12`). `trpc.ts` maps each kind to its tRPC code, once;
 * nothing under `data/` knows about tRPC.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: 'not-found' | 'invalid-input' | 'conflict' | 'unavailable';
}

/** The thing asked for does not exist (or is not the caller's to see). */
export class NotFoundError extends DomainError {
  readonly kind = 'not-found';
}

/** The input passed its schema but still cannot be used (a foreign cursor, a bad query). */
export class InvalidInputError extends DomainError {
  readonly kind = 'invalid-input';
}

/** The request clashes with the current state (a name taken, a job already ended). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict';
}

/**
 * The database cannot be reached now (an outage, a restart, a dropped connection): nothing
 * is wrong with the request, and the same request may succeed in a few seconds.
 */
export class UnavailableError extends DomainError {
  readonly kind = 'unavailable';
  constructor(options?: { cause?: unknown }) {
    super('the database is unavailable; try again in a few seconds', options);
  }
}
