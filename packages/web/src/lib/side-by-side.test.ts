import { describe, expect, it } from 'vitest';

import { configText, sideBySide } from './side-by-side';

describe('the before/after view', () => {
  it('pairs a changed line, and leaves gaps for added and removed ones', () => {
    const rows = sideBySide('a\nb\nc\n', 'a\nB\nc\nd\n');
    expect(rows).toEqual([
      { left: 'a', right: 'a', kind: 'same' },
      { left: 'b', right: 'B', kind: 'changed' },
      { left: 'c', right: 'c', kind: 'same' },
      { left: null, right: 'd', kind: 'added' },
    ]);
    expect(sideBySide('x\ny', 'x')).toEqual([
      { left: 'x', right: 'x', kind: 'same' },
      { left: 'y', right: null, kind: 'removed' },
    ]);
  });

  it('shows JSON with sorted keys, so reordered keys are not a change', () => {
    const before = configText({ mtu: 1500, name: 'ge-0/0/1' }, 'json');
    const after = configText({ name: 'ge-0/0/1', mtu: 9000 }, 'json');
    const changed = sideBySide(before, after).filter((r) => r.kind !== 'same');
    expect(changed).toEqual([{ left: '  "mtu": 1500,', right: '  "mtu": 9000,', kind: 'changed' }]);
    expect(configText('set interfaces', 'text')).toBe('set interfaces');
    expect(configText(undefined, 'json')).toBe('');
  });
});
