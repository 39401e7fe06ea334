import { diffLines } from 'diff';

export interface DiffRow {
  left: string | null;
  right: string | null;
  kind: 'same' | 'changed' | 'removed' | 'added';
}

function withNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

function lines(value: string): string[] {
  const split = value.split('\n');
  if (split.at(-1) === '') split.pop();
  return split;
}

/**
 * Before and after, line by line, aligned for a side-by-side view: unchanged lines face each
 * other, a replaced block pairs its removed and added lines, and the rest face a gap.
 */
export function sideBySide(before: string, after: string): DiffRow[] {
  const rows: DiffRow[] = [];
  // A last line without its newline would otherwise differ from the same line with one.
  const parts = diffLines(withNewline(before), withNewline(after));
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (!part) continue;
    if (part.removed) {
      const next = parts[i + 1];
      const removed = lines(part.value);
      const added = next?.added ? lines(next.value) : [];
      if (next?.added) i++;
      for (let j = 0; j < Math.max(removed.length, added.length); j++) {
        const left = removed[j] ?? null;
        const right = added[j] ?? null;
        rows.push({
          left,
          right,
          kind: left !== null && right !== null ? 'changed' : left !== null ? 'removed' : 'added',
        });
      }
    } else if (part.added) {
      for (const line of lines(part.value)) rows.push({ left: null, right: line, kind: 'added' });
    } else {
      for (const line of lines(part.value)) rows.push({ left: line, right: line, kind: 'same' });
    }
  }
  return rows;
}

/** A configuration as text: JSON pretty-printed with sorted keys, so the diff shows changes only. */
export function configText(value: unknown, format: 'text' | 'json'): string {
  if (value === undefined || value === null) return '';
  if (format === 'text' && typeof value === 'string') return value;
  return JSON.stringify(sortKeys(value), null, 2);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}
