import { describe, expect, it } from 'vitest';

import { fieldErrorsOf, formError } from './field-errors';

const zodRefusal = {
  message: 'password: must be at least 12 characters; scopes.0: invalid option',
  data: {
    fieldErrors: [
      { path: 'password', message: 'must be at least 12 characters' },
      { path: 'password', message: 'second' },
      { path: 'scopes.0', message: 'invalid option' },
    ],
  },
};

describe('fieldErrorsOf', () => {
  it('maps each field of a bad input to its first message', () => {
    expect(fieldErrorsOf(zodRefusal)).toEqual({
      password: 'must be at least 12 characters',
      scopes: 'invalid option',
    });
  });

  it('reads the field from a refusal message that names it', () => {
    expect(fieldErrorsOf(new Error('username: "bob" is already taken'))).toEqual({
      username: '"bob" is already taken',
    });
  });

  it('gives nothing for errors without a field', () => {
    expect(fieldErrorsOf(new Error('token ci is already revoked'))).toEqual({});
    expect(fieldErrorsOf({ data: { fieldErrors: undefined }, message: 'boom' })).toEqual({});
    expect(fieldErrorsOf(null)).toEqual({});
  });
});

describe('formError', () => {
  it('keeps the fields the form has and shows nothing above it', () => {
    expect(formError(zodRefusal, ['username', 'password'])).toEqual({
      fields: { password: 'must be at least 12 characters' },
      general: null,
    });
  });

  it('shows the whole message when no field of the form explains it', () => {
    expect(formError(new Error('id: no user 7'), ['password'])).toEqual({
      fields: {},
      general: 'id: no user 7',
    });
    expect(formError(new Error('this would leave no active admin'), ['role'])).toEqual({
      fields: {},
      general: 'this would leave no active admin',
    });
  });

  it('is empty without an error', () => {
    expect(formError(null, ['a'])).toEqual({ fields: {}, general: null });
  });
});
