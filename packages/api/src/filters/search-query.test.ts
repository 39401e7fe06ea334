import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { eventFilterSchema } from './schema';
import type { EventFilter } from './schema';
import { parseSearchQuery, SEARCH_FIELDS, SearchQueryError } from './search-query';

const now = new Date('2026-02-15T12:00:00.000Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const parse = (query: string) => parseSearchQuery(query, { now });

const UUID = '0b9f3c2e-5d1a-4c3e-9f0a-1b2c3d4e5f60';

describe('parseSearchQuery: valid queries', () => {
  const cases: [string, Omit<EventFilter, 'q'>][] = [
    ['', {}],
    [' \t\n ', {}],
    [
      'user:alice task:tenant.* status:failure ip:10.0.0.0/8 after:2026-01-01 "disk full"',
      {
        userName: ['alice'],
        taskName: ['tenant.*'],
        status: ['failure'],
        userIp: ['10.0.0.0/8'],
        from: new Date('2026-01-01T00:00:00.000Z'),
        description: '"disk full"',
      },
    ],
    // Quoting, escapes.
    ['user:"Portal API"', { userName: ['Portal API'] }],
    [
      'task:"POST: /api/space/device-management/discover-devices"',
      { taskName: ['POST: /api/space/device-management/discover-devices'] },
    ],
    [String.raw`object:"say \"hi\" in C:\\temp"`, { objectName: ['say "hi" in C:\\temp'] }],
    [String.raw`object:"C:\temp"`, { objectName: ['C:\\temp'] }],
    ['task:"a,b"', { taskName: ['a,b'] }],
    // Comma lists, repeated keys, duplicates.
    ['user:alice,bob', { userName: ['alice', 'bob'] }],
    ['user:"Portal API",bob', { userName: ['Portal API', 'bob'] }],
    ['user:alice user:bob', { userName: ['alice', 'bob'] }],
    ['user:alice username:alice USER:bob', { userName: ['alice', 'bob'] }],
    ['user:alice status:success', { userName: ['alice'], status: ['success'] }],
    // Case-insensitive keys and statuses; status aliases.
    ['User:Alice STATUS:FAILED', { userName: ['Alice'], status: ['failure'] }],
    [
      'status:ok,succeeded,fail,failed,scheduled,recurring,Job_Scheduled,RECURRING_JOB_SCHEDULED',
      { status: ['success', 'failure', 'job_scheduled', 'recurring_job_scheduled'] },
    ],
    ['result:success', { status: ['success'] }],
    // Values with colons, ids, IPv6 CIDR.
    ['ip:2001:db8::/32 ip:10.1.2.3', { userIp: ['2001:db8::/32', '10.1.2.3'] }],
    ['user:a:b', { userName: ['a:b'] }],
    [`job:42 uid:${UUID}`, { jobId: ['42'], eventId: [UUID] }],
    ['task:*', { taskName: ['*'] }],
    // Time forms.
    ['after:2026-01-01T10:00:00+02:00', { from: new Date('2026-01-01T08:00:00.000Z') }],
    ['after:2026-01-01T10:00:00.250Z', { from: new Date('2026-01-01T10:00:00.250Z') }],
    ['after:2026-01-01T10:00-05:00', { from: new Date('2026-01-01T15:00:00.000Z') }],
    ['after:1767225600000', { from: new Date('2026-01-01T00:00:00.000Z') }],
    ['after:2026-01-01T10:30', { from: new Date('2026-01-01T10:30:00.000Z') }],
    ['after:2026-01-01T10:30:15.5', { from: new Date('2026-01-01T10:30:15.500Z') }],
    ['after:-15m', { from: ago(15 * MINUTE) }],
    ['since:-24h', { from: ago(24 * HOUR) }],
    ['from:-7d', { from: ago(7 * DAY) }],
    ['after:-2w', { from: ago(14 * DAY) }],
    ['before:2026-01-31', { to: new Date('2026-01-31T23:59:59.999Z') }],
    ['until:2026-01-31T10:30', { to: new Date('2026-01-31T10:30:00.000Z') }],
    ['to:-1h', { to: ago(HOUR) }],
    [
      'after:2026-01-31 before:2026-01-31',
      { from: new Date('2026-01-31T00:00:00.000Z'), to: new Date('2026-01-31T23:59:59.999Z') },
    ],
    [
      'AFTER:1767225600000 Before:1767225600000',
      { from: new Date(1767225600000), to: new Date(1767225600000) },
    ],
    // Free text, in order, in websearch_to_tsquery syntax.
    [
      'disk full -error "out of space" or -"not this"',
      { description: 'disk full -error "out of space" or -"not this"' },
    ],
    [
      'disk user:alice full "a \\"b\\" c"',
      { userName: ['alice'], description: 'disk full "a  b  c"' },
    ],
    ['"" -"  " - x-y', { description: '- x-y' }],
    ['\tuser:alice\n\u00a0bob ', { userName: ['alice'], description: 'bob' }],
  ];

  it.each(cases)('%j', (query, expected) => {
    expect(parse(query)).toStrictEqual(expected);
  });

  it('maps every key and alias, in any case, to its field', () => {
    const sample: Record<string, string> = {
      userIp: '10.0.0.1',
      status: 'success',
      action: 'login',
      jobId: '7',
      producerSeq: '42',
      eventId: UUID,
      from: '2026-01-01',
      to: '2026-01-01',
    };
    for (const { key, aliases, field } of SEARCH_FIELDS) {
      for (const name of [key, ...aliases, key.toUpperCase()]) {
        const filter: Record<string, unknown> = parse(`${name}:${sample[field] ?? 'x'}`);
        expect(Object.keys(filter), name).toEqual([field]);
      }
    }
  });

  it('defaults `now` to the current time', () => {
    const before = Date.now();
    const { from } = parseSearchQuery('after:-1h');
    expect(from?.getTime()).toBeGreaterThanOrEqual(before - HOUR);
    expect(from?.getTime()).toBeLessThanOrEqual(Date.now() - HOUR);
  });

  it('accepts 100 values per field', () => {
    const users = Array.from({ length: 100 }, (_, i) => `u${i}`);
    expect(parse(`user:${users.join(',')}`).userName).toEqual(users);
  });
});

describe('parseSearchQuery: invalid queries', () => {
  const manyUsers = Array.from({ length: 101 }, (_, i) => `u${i}`).join(',');
  // [query, position, reason substring, expected substring?]
  const cases: [string, number, string, string?][] = [
    ['usr:alice', 0, 'unknown field "usr"', 'user'],
    ['disk full http://example.com', 10, 'unknown field "http"', 'one of uid, tenant, user, ip'],
    ['x :foo', 2, 'missing field name', 'user'],
    ['-usr:alice', 1, 'unknown field "usr"'],
    ['user:"Portal API', 5, 'unterminated quote', 'a closing "'],
    ['ok "disk full', 3, 'unterminated quote'],
    [String.raw`user:"a\"`, 5, 'unterminated quote'],
    ['user:', 5, 'empty value', 'a value'],
    ['user: alice', 5, 'empty value', 'a value'],
    ['user:""', 5, 'empty value'],
    ['user:a,', 7, 'empty value'],
    ['user:a,,b', 7, 'empty value'],
    ['ip:10.0.0.0/33', 3, 'must be an IPv4/IPv6 address or CIDR block'],
    ['ip:10.0.0.1,999.1.1.1', 12, 'IPv4/IPv6'],
    ['status:maybe', 7, 'Invalid option', 'failed'],
    ['status:failure,nope', 15, 'Invalid option'],
    ['after:2026-02-30', 6, 'ISO 8601', 'YYYY-MM-DD'],
    ['before:2026-13-01', 7, 'ISO 8601'],
    ['after:yesterday', 6, 'ISO 8601'],
    ['after:-5y', 6, 'ISO 8601'],
    ['after:0000-01-01', 6, 'between year 1 and 9999'],
    ['after:-99999999999999999999w', 6, 'out of range'],
    ['after:2026-02-01 before:2026-01-01', 17, 'start time is later than the end time'],
    ['before:2026-01-01 x after:2026-02-01', 20, 'start time is later than the end time'],
    ['after:2026-01-01 since:2026-01-02', 17, 'more than one start'],
    ['to:-1d before:-2d', 7, 'more than one end'],
    ['after:2026-01-01,2026-01-02', 17, 'single value'],
    ['-user:alice', 0, 'negating a field is not supported'],
    ['disk -status:failure', 5, 'negating a field is not supported'],
    ['task:a*b', 5, 'only a trailing * (prefix match) is supported'],
    ['object:x,*y', 9, 'only a trailing *'],
    ['user:"a"b', 8, 'after closing quote', 'a space or ","'],
    ['"a"b', 3, 'after closing quote', 'a space'],
    ['ab"c"', 2, 'unexpected quote inside a word'],
    ['user:a"b"', 6, 'unexpected quote inside a value'],
    ['job:abc', 4, 'must be a decimal id'],
    ['uid:nope', 4, 'Invalid UUID'],
    [`user:${'x'.repeat(1001)}`, 5, 'must be at most 1000 characters'],
    [`user:${manyUsers}`, 5 + manyUsers.lastIndexOf(',') + 1, 'too many values'],
    [`ok ${'x'.repeat(1000)}`, 3, 'search text is too long'],
  ];

  it.each(cases)('%j', (query, position, reason, expected) => {
    let error: unknown;
    try {
      parse(query);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SearchQueryError);
    const e = error as SearchQueryError;
    expect({ position: e.position, reason: e.reason }).toEqual({
      position,
      reason: expect.stringContaining(reason) as unknown,
    });
    if (expected) expect(e.expected).toContain(expected);
  });

  it('formats the message with a 1-based column', () => {
    const error = new SearchQueryError(4, 'bad thing', 'a good thing');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SearchQueryError');
    expect(error.message).toBe('at 5: bad thing; expected a good thing');
    expect(new SearchQueryError(0, 'bad').message).toBe('at 1: bad');
  });
});

describe('parseSearchQuery: properties', () => {
  const FILTER_KEYS = new Set(Object.keys(eventFilterSchema.shape));

  /** Parses, and checks the outcome is a schema-shaped filter or a well-placed SearchQueryError. */
  function check(query: string): boolean {
    let filter: Record<string, unknown>;
    try {
      filter = parse(query);
    } catch (error) {
      expect(error).toBeInstanceOf(SearchQueryError);
      const { position } = error as SearchQueryError;
      expect(Number.isInteger(position)).toBe(true);
      expect(position).toBeGreaterThanOrEqual(0);
      expect(position).toBeLessThanOrEqual(query.length);
      return false;
    }
    const input: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(filter)) {
      expect(FILTER_KEYS.has(key) && key !== 'q', key).toBe(true);
      if (key === 'from' || key === 'to') {
        expect(value).toBeInstanceOf(Date);
        input[key] = (value as Date).getTime();
      } else if (key === 'description') {
        expect(typeof value).toBe('string');
        input[key] = value;
      } else {
        expect(Array.isArray(value)).toBe(true);
        for (const item of value as unknown[]) expect(typeof item).toBe('string');
        input[key] = value;
      }
    }
    // Fed back through the structured filter, it comes out unchanged.
    expect(eventFilterSchema.parse(input)).toStrictEqual(filter);
    return true;
  }

  const keys = SEARCH_FIELDS.flatMap(({ key, aliases }) => [key, ...aliases]);
  const piece = fc.oneof(
    fc
      .constantFrom(...keys)
      .chain((key) => fc.constantFrom(`${key}:`, `${key.toUpperCase()}:`, `-${key}:`)),
    fc.constantFrom(
      'alice',
      'Portal API',
      'tenant.*',
      'a*b',
      '10.0.0.0/8',
      '2001:db8::/32',
      '999.0.0.1',
      'failure',
      'FAILED',
      'ok',
      '42',
      UUID,
      '2026-01-01',
      '2026-01-31T10:30',
      '2026-01-01T10:00:00+02:00',
      '1767225600000',
      '-15m',
      '-7d',
      '-2w',
    ),
    fc.constantFrom('"', '\\"', '\\\\', '\\', ':', ',', '-', '*', ' ', ' ', ' ', '\t', '\n'),
    fc.string({ maxLength: 6 }),
  );
  const mixed = fc.array(piece, { maxLength: 16 }).map((pieces) => pieces.join(''));

  it('never throws anything but a positioned SearchQueryError on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string(), (query) => {
        check(query);
      }),
      { numRuns: 2000 },
    );
  });

  it('… nor on arbitrary full-Unicode strings (lone surrogates included)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (query) => {
        check(query);
      }),
      { numRuns: 2000 },
    );
  });

  it('… nor on random mixes of keys, values, quotes, colons and junk', () => {
    let parsed = 0;
    fc.assert(
      fc.property(mixed, (query) => {
        if (check(query)) parsed++;
      }),
      { numRuns: 3000 },
    );
    // The generator must reach the success path too, not only the errors.
    expect(parsed).toBeGreaterThan(100);
  });

  it('round-trips any quoted values', () => {
    const quote = (value: string) => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.array(fc.string({ minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 3 }),
        (users, codes) => {
          const query = `user:${users.map(quote).join(',')} ${codes.map((c) => `code:${quote(c)}`).join(' ')}`;
          expect(parse(query)).toStrictEqual({
            userName: [...new Set(users)],
            resultCode: [...new Set(codes)],
          });
        },
      ),
      { numRuns: 2000 },
    );
  });
});
