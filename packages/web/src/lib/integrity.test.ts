import { describe, expect, it } from 'vitest';

import {
  countOf,
  describeProblems,
  formatUnsealed,
  jobReport,
  problemLabel,
  problemsByKind,
  problemTotal,
} from './integrity';

const zeroCounts = {
  altered: 0,
  missing: 0,
  inserted: 0,
  unsealed: 0,
  'chain-broken': 0,
  'bad-signature': 0,
};

function report(counts: Record<string, number>, ok = false) {
  return {
    ok,
    checkedEvents: 120,
    checkedSeals: 3,
    purgedEvents: 0,
    problemCounts: { ...zeroCounts, ...counts },
    problems: [],
    complete: true,
    resumeAfterSeq: null,
  };
}

describe('jobReport', () => {
  it('reads the report a verify job left, problems included', () => {
    const parsed = jobReport({
      result: {
        ...report({ altered: 1 }),
        problems: [
          { kind: 'altered', seq: 2, id: '57', eventId: 'e-57', detail: 'description differs' },
        ],
      },
    });
    expect(parsed?.ok).toBe(false);
    expect(parsed?.checkedEvents).toBe(120);
    expect(parsed?.problems).toEqual([
      { kind: 'altered', seq: 2, id: '57', eventId: 'e-57', detail: 'description differs' },
    ]);
  });

  it('is null for a job without one (failed, or another type)', () => {
    expect(jobReport({ result: null })).toBeNull();
    expect(jobReport({ result: { archiveId: '3', fileName: 'x.zip' } })).toBeNull();
  });

  it('keeps a kind this build does not know', () => {
    const parsed = jobReport({
      result: {
        ...report({ forged: 2 }),
        problems: [{ kind: 'forged', seq: null, id: null, eventId: null, detail: 'new kind' }],
      },
    });
    expect(parsed?.problems[0]?.kind).toBe('forged');
    expect(parsed && problemsByKind(parsed)).toEqual([{ kind: 'forged', count: 2 }]);
  });
});

describe('problem counts', () => {
  it('lists the kinds found in the documented order, then unknown ones', () => {
    const r = report({ 'bad-signature': 1, altered: 2, missing: 3, later: 4 });
    expect(problemsByKind(r)).toEqual([
      { kind: 'altered', count: 2 },
      { kind: 'missing', count: 3 },
      { kind: 'bad-signature', count: 1 },
      { kind: 'later', count: 4 },
    ]);
    expect(problemTotal(r)).toBe(10);
    expect(describeProblems(r)).toBe('2 altered, 3 missing, 1 bad signature, 4 later');
  });

  it('says intact only for an ok report with nothing found', () => {
    expect(describeProblems(report({}, true))).toBe('intact');
    expect(describeProblems(report({}, false))).toBe('not intact');
    expect(problemTotal(report({}, true))).toBe(0);
  });

  it('labels kinds in plain words', () => {
    expect(problemLabel('chain-broken')).toBe('chain broken');
    expect(problemLabel('altered')).toBe('altered');
    expect(problemLabel('something-new')).toBe('something-new');
  });
});

describe('formatUnsealed', () => {
  it('shows the count, and says "more than" past the cap the server counts to', () => {
    expect(formatUnsealed(0)).toBe('0');
    expect(formatUnsealed(1234)).toBe('1,234');
    expect(formatUnsealed(100_000)).toBe('100,000');
    expect(formatUnsealed(100_001)).toBe('more than 100,000');
  });
});

describe('countOf', () => {
  it('says one or many', () => {
    expect(countOf(1, 'chain entry', 'chain entries')).toBe('1 chain entry');
    expect(countOf(0, 'event', 'events')).toBe('0 events');
    expect(countOf(2500, 'event', 'events')).toBe('2,500 events');
  });
});
