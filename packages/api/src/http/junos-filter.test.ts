import { describe, expect, it } from 'vitest';

import {
  JunosSyntaxError,
  parseJunosFilter,
  parseJunosPaging,
  parseJunosSort,
} from './junos-filter';

const FIELDS = ['userName', 'userIpAddr', 'description', 'logTime', 'result'];

function syntaxError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof JunosSyntaxError) return error.message;
    throw error;
  }
  throw new Error('expected a syntax error');
}

describe('filter=', () => {
  it('parses the seed’s timestamp comparisons', () => {
    expect(parseJunosFilter("(logTime gt timestamp('2011-08-29 11:01:25'))", FIELDS)).toEqual({
      kind: 'compare',
      field: 'logTime',
      op: 'gt',
      value: { text: '2011-08-29 11:01:25', timestamp: true, at: 23 },
      at: 2,
    });
  });

  it('takes quoted and bare values, every operator, and doubled quotes', () => {
    const ops = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'contains', 'starts-with'] as const;
    for (const op of ops) {
      expect(parseJunosFilter(`(userName ${op} super)`, FIELDS)).toMatchObject({
        op,
        value: { text: 'super', timestamp: false },
      });
    }
    expect(parseJunosFilter(`(description EQ 'it''s "done"')`, FIELDS)).toMatchObject({
      op: 'eq',
      value: { text: `it's "done"` },
    });
    expect(parseJunosFilter(`userIpAddr starts-with "172.16."`, FIELDS)).toMatchObject({
      field: 'userIpAddr',
      value: { text: '172.16.' },
    });
  });

  it('binds and tighter than or, and follows parentheses', () => {
    const tree = parseJunosFilter('(userName eq a or userName eq b and result eq Success)', FIELDS);
    expect(tree).toMatchObject({
      kind: 'or',
      parts: [
        { kind: 'compare', value: { text: 'a' } },
        { kind: 'and', parts: [{ value: { text: 'b' } }, { value: { text: 'Success' } }] },
      ],
    });
    const grouped = parseJunosFilter(
      '((userName eq a) OR (userName eq b)) and (result ne 202)',
      FIELDS,
    );
    expect(grouped).toMatchObject({
      kind: 'and',
      parts: [
        { kind: 'or', parts: [{}, {}] },
        { kind: 'compare', op: 'ne' },
      ],
    });
  });

  it('says where it went wrong', () => {
    const cases: [string, string][] = [
      ['', 'at 1: expected a condition'],
      ['(userName eq super', "at 19: expected 'and', 'or' or ')', found the end"],
      ['(userName eq super))', "at 20: expected 'and', 'or' or the end, found ')'"],
      ['(user eq super)', "at 2: unknown field 'user'; expected one of userName, userIpAddr"],
      ['(userName like super)', "at 11: unknown operator 'like'; expected one of eq, ne"],
      ['(userName eq )', 'at 14: expected a value, found'],
      ["(userName eq 'super)", 'at 14: a quoted value without its closing'],
      ['(logTime gt timestamp(2011))', 'at 23: expected a quoted time'],
      ['(userName eq a xor userName eq b)', "at 16: expected 'and', 'or' or ')', found 'xor'"],
      ['(userName eq a and)', 'at 19: expected a field'],
    ];
    for (const [text, message] of cases) {
      expect(syntaxError(() => parseJunosFilter(text, FIELDS))).toContain(message);
    }
    const deep = '('.repeat(17) + 'userName eq a' + ')'.repeat(17);
    expect(syntaxError(() => parseJunosFilter(deep, FIELDS))).toBe(
      'at 17: parentheses nest at most 16 deep',
    );
  });
});

describe('sortby=', () => {
  it('parses one or more fields with their directions', () => {
    expect(parseJunosSort('(logTime(descending))', FIELDS)).toEqual([
      { field: 'logTime', direction: 'descending', at: 2 },
    ]);
    expect(parseJunosSort('(userName(ascending), result)', FIELDS)).toEqual([
      { field: 'userName', direction: 'ascending', at: 2 },
      { field: 'result', direction: 'ascending', at: 23 },
    ]);
    expect(parseJunosSort('userName(DESCENDING)', FIELDS)).toEqual([
      { field: 'userName', direction: 'descending', at: 1 },
    ]);
  });

  it('says where it went wrong', () => {
    expect(syntaxError(() => parseJunosSort('(userName(up))', FIELDS))).toBe(
      "at 11: expected 'ascending' or 'descending', found 'up'",
    );
    expect(syntaxError(() => parseJunosSort('(nobody(ascending))', FIELDS))).toMatch(
      /^at 2: unknown field 'nobody'/,
    );
    expect(syntaxError(() => parseJunosSort('(userName(ascending)', FIELDS))).toBe(
      "at 21: expected ',' or ')', found the end",
    );
  });
});

describe('paging=', () => {
  it('parses start and limit, in either order, either alone', () => {
    expect(parseJunosPaging('(start eq 0, limit eq 25)')).toEqual({ start: 0, limit: 25 });
    expect(parseJunosPaging('(limit eq 10,start eq 30)')).toEqual({ start: 30, limit: 10 });
    expect(parseJunosPaging('(limit eq 5)')).toEqual({ limit: 5 });
  });

  it('says where it went wrong', () => {
    const cases: [string, string][] = [
      ['start eq 0', "at 1: expected '(', found 'start'"],
      ['(start eq -1)', "at 11: expected a whole number, found '-1'"],
      ['(start gt 1)', "at 8: expected 'eq', found 'gt'"],
      ['(offset eq 1)', "at 2: expected 'start' or 'limit', found 'offset'"],
      ['(start eq 1, start eq 2)', "at 14: 'start' given twice"],
      ['(start eq 1 limit eq 2)', "at 13: expected ',' or ')', found 'limit'"],
    ];
    for (const [text, message] of cases) {
      expect(syntaxError(() => parseJunosPaging(text))).toBe(message);
    }
  });
});
