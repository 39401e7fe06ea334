/**
 * Checks every request's raw input before any schema sees it: what no field may hold, and how
 * deep any JSON may nest. PostgreSQL refuses a NUL character in text and in jsonb, and a lone
 * UTF-16 surrogate cannot be encoded as UTF-8; deep nesting overflows the stack of whoever
 * walks it next (zod, JSON.stringify, the database). One walk here answers each with a 400
 * naming the field, for every procedure.
 */

/** Deepest nesting of objects and arrays an input may have (an event's metadata included). */
export const MAX_INPUT_DEPTH = 32;

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be taken, or null. */
function stringProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain a NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode (it holds a lone surrogate)';
  return null;
}

function pathText(path: readonly (string | number)[]): string {
  return path.length === 0 ? 'input' : path.join('.');
}

/**
 * The first problem of `input` as `path: reason`, or null. Iterative, so a hostile depth
 * cannot overflow this walk itself.
 */
export function rawInputProblem(input: unknown): string | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: input, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop() as (typeof stack)[number];
    if (typeof value === 'string') {
      const problem = stringProblem(value);
      if (problem) return `${pathText(path)}: ${problem}`;
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= MAX_INPUT_DEPTH) {
      return `${pathText(path)}: nested more than ${MAX_INPUT_DEPTH} levels deep`;
    }
    if (Array.isArray(value)) {
      value.forEach((item: unknown, index) => stack.push({ value: item, path: [...path, index] }));
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = stringProblem(key);
      if (keyProblem) return `${pathText(path)}: a key ${keyProblem}`;
      stack.push({ value: item, path: [...path, key] });
    }
  }
  return null;
}
