/**
 * The query parameters of Junos Space's REST API, parsed by hand (no maintained parser of
 * this grammar exists): `filter=((userName eq 'super') and (logTime gt timestamp('2011-08-29
 * 11:01:25')))`, `sortby=(logTime(descending))`, `paging=(start eq 0, limit eq 25)`. Small
 * recursive-descent parsers over one tokenizer; every error says where (1-based character).
 */

export class JunosSyntaxError extends Error {
  constructor(
    /** 1-based character position in the parameter's value. */
    readonly at: number,
    reason: string,
  ) {
    super(`at ${at}: ${reason}`);
    this.name = 'JunosSyntaxError';
  }
}

export const JUNOS_OPS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'contains', 'starts-with'] as const;
export type JunosOp = (typeof JUNOS_OPS)[number];

export interface JunosValue {
  text: string;
  /** Written `timestamp('…')`. */
  timestamp: boolean;
  at: number;
}

export type JunosFilter =
  | { kind: 'compare'; field: string; op: JunosOp; value: JunosValue; at: number }
  | { kind: 'and' | 'or'; parts: JunosFilter[] };

// ---------------------------------------------------------------- tokens

type Token =
  | { kind: '(' | ')' | ',' | 'end'; at: number }
  | { kind: 'word'; text: string; at: number }
  | { kind: 'string'; text: string; at: number };

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end';
    case 'word':
      return `'${token.text}'`;
    case 'string':
      return `a quoted value`;
    default:
      return `'${token.kind}'`;
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c, at: i + 1 });
      i++;
    } else if (c === "'" || c === '"') {
      // A quote inside is written twice ('O''Brien').
      const start = i;
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length)
          throw new JunosSyntaxError(start + 1, `a quoted value without its closing ${c}`);
        const d = text.charAt(i);
        if (d === c) {
          if (text.charAt(i + 1) === c) {
            value += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += d;
        i++;
      }
      tokens.push({ kind: 'string', text: value, at: start + 1 });
    } else {
      const start = i;
      while (i < text.length && !/[\s(),'"]/.test(text.charAt(i))) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i), at: start + 1 });
    }
  }
  tokens.push({ kind: 'end', at: text.length + 1 });
  return tokens;
}

class Tokens {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[Math.min(this.index, this.tokens.length - 1)] as Token;
  }
  next(): Token {
    const token = this.peek();
    if (this.index < this.tokens.length - 1) this.index++;
    return token;
  }
  /** Whether the next token is the keyword `word` (any case). */
  isWord(word: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.text.toLowerCase() === word;
  }
  expect(kind: '(' | ')' | ',' | 'end', what = `'${kind}'`): Token {
    const token = this.next();
    if (token.kind !== kind) {
      throw new JunosSyntaxError(token.at, `expected ${what}, found ${describe(token)}`);
    }
    return token;
  }
  word(what: string): { text: string; at: number } {
    const token = this.next();
    if (token.kind !== 'word') {
      throw new JunosSyntaxError(token.at, `expected ${what}, found ${describe(token)}`);
    }
    return token;
  }
}

// ---------------------------------------------------------------- filter=

/**
 * `filter=`: comparisons `field op value` joined by `and`/`or` (`and` binds tighter), in
 * parentheses as deep as wanted. A value is quoted ('…' or "…"), a bare word, or
 * `timestamp('YYYY-MM-DD HH:mm:ss')`. `fields`: the names a comparison may use.
 */
export function parseJunosFilter(text: string, fields: readonly string[]): JunosFilter {
  const tokens = new Tokens(tokenize(text));
  if (tokens.peek().kind === 'end') throw new JunosSyntaxError(1, 'expected a condition');
  const filter = parseOr(tokens, fields, 0);
  tokens.expect('end', "'and', 'or' or the end");
  return filter;
}

/** Deepest nesting of parentheses (the where tree it becomes is bounded too). */
const MAX_NESTING = 16;

function parseOr(tokens: Tokens, fields: readonly string[], depth: number): JunosFilter {
  const parts = [parseAnd(tokens, fields, depth)];
  while (tokens.isWord('or')) {
    tokens.next();
    parts.push(parseAnd(tokens, fields, depth));
  }
  return parts.length === 1 ? (parts[0] as JunosFilter) : { kind: 'or', parts };
}

function parseAnd(tokens: Tokens, fields: readonly string[], depth: number): JunosFilter {
  const parts = [parseUnary(tokens, fields, depth)];
  while (tokens.isWord('and')) {
    tokens.next();
    parts.push(parseUnary(tokens, fields, depth));
  }
  return parts.length === 1 ? (parts[0] as JunosFilter) : { kind: 'and', parts };
}

function parseUnary(tokens: Tokens, fields: readonly string[], depth: number): JunosFilter {
  const token = tokens.peek();
  if (token.kind === '(') {
    if (depth >= MAX_NESTING) {
      throw new JunosSyntaxError(token.at, `parentheses nest at most ${MAX_NESTING} deep`);
    }
    tokens.next();
    const inner = parseOr(tokens, fields, depth + 1);
    tokens.expect(')', "'and', 'or' or ')'");
    return inner;
  }
  return parseComparison(tokens, fields);
}

function parseComparison(tokens: Tokens, fields: readonly string[]): JunosFilter {
  const field = tokens.word(`a field (${fields.join(', ')}) or '('`);
  if (!fields.includes(field.text)) {
    throw new JunosSyntaxError(
      field.at,
      `unknown field '${field.text}'; expected one of ${fields.join(', ')}`,
    );
  }
  const op = tokens.word(`an operator (${JUNOS_OPS.join(', ')})`);
  const opName = op.text.toLowerCase();
  if (!(JUNOS_OPS as readonly string[]).includes(opName)) {
    throw new JunosSyntaxError(
      op.at,
      `unknown operator '${op.text}'; expected one of ${JUNOS_OPS.join(', ')}`,
    );
  }
  return {
    kind: 'compare',
    field: field.text,
    op: opName as JunosOp,
    value: parseValue(tokens),
    at: field.at,
  };
}

function parseValue(tokens: Tokens): JunosValue {
  const token = tokens.next();
  if (token.kind === 'string') return { text: token.text, timestamp: false, at: token.at };
  if (token.kind === 'word') {
    if (token.text.toLowerCase() === 'timestamp' && tokens.peek().kind === '(') {
      tokens.next();
      const inner = tokens.next();
      if (inner.kind !== 'string') {
        throw new JunosSyntaxError(
          inner.at,
          `expected a quoted time ('2011-08-29 11:01:25'), found ${describe(inner)}`,
        );
      }
      tokens.expect(')');
      return { text: inner.text, timestamp: true, at: inner.at };
    }
    return { text: token.text, timestamp: false, at: token.at };
  }
  throw new JunosSyntaxError(token.at, `expected a value, found ${describe(token)}`);
}

// ---------------------------------------------------------------- sortby=

export interface JunosSort {
  field: string;
  direction: 'ascending' | 'descending';
  at: number;
}

/** `sortby=(field(ascending|descending), …)`; a field alone sorts ascending. */
export function parseJunosSort(text: string, fields: readonly string[]): JunosSort[] {
  const tokens = new Tokens(tokenize(text));
  const bracketed = tokens.peek().kind === '(';
  if (bracketed) tokens.next();
  const sorts: JunosSort[] = [];
  do {
    if (sorts.length) tokens.next(); // the comma
    const field = tokens.word(`a field (${fields.join(', ')})`);
    if (!fields.includes(field.text)) {
      throw new JunosSyntaxError(
        field.at,
        `unknown field '${field.text}'; expected one of ${fields.join(', ')}`,
      );
    }
    let direction: JunosSort['direction'] = 'ascending';
    if (tokens.peek().kind === '(') {
      tokens.next();
      const word = tokens.word("'ascending' or 'descending'");
      const name = word.text.toLowerCase();
      if (name !== 'ascending' && name !== 'descending') {
        throw new JunosSyntaxError(
          word.at,
          `expected 'ascending' or 'descending', found '${word.text}'`,
        );
      }
      direction = name;
      tokens.expect(')');
    }
    sorts.push({ field: field.text, direction, at: field.at });
  } while (tokens.peek().kind === ',');
  if (bracketed) tokens.expect(')', "',' or ')'");
  tokens.expect('end', bracketed ? 'the end' : "',' or the end");
  return sorts;
}

// ---------------------------------------------------------------- paging=

export interface JunosPaging {
  start?: number;
  limit?: number;
}

/** `paging=(start eq 0, limit eq 25)`: either part, in either order. */
export function parseJunosPaging(text: string): JunosPaging {
  const tokens = new Tokens(tokenize(text));
  tokens.expect('(');
  const paging: JunosPaging = {};
  do {
    if (Object.keys(paging).length) tokens.next(); // the comma
    const key = tokens.word("'start' or 'limit'");
    const name = key.text.toLowerCase();
    if (name !== 'start' && name !== 'limit') {
      throw new JunosSyntaxError(key.at, `expected 'start' or 'limit', found '${key.text}'`);
    }
    if (paging[name] !== undefined) throw new JunosSyntaxError(key.at, `'${name}' given twice`);
    const op = tokens.word("'eq'");
    if (op.text.toLowerCase() !== 'eq') {
      throw new JunosSyntaxError(op.at, `expected 'eq', found '${op.text}'`);
    }
    const value = tokens.next();
    const digits = value.kind === 'word' || value.kind === 'string' ? value.text : '';
    if (!/^\d{1,9}$/.test(digits)) {
      throw new JunosSyntaxError(value.at, `expected a whole number, found ${describe(value)}`);
    }
    paging[name] = Number(digits);
  } while (tokens.peek().kind === ',');
  tokens.expect(')', "',' or ')'");
  tokens.expect('end');
  return paging;
}
