import { declarationOf, FULL_TEXT_FIELD } from '@audit/db/fields';
import type { z } from 'zod';

import { instantSchema, MAX_VALUES } from '../schemas/values';
import {
  eventFilterSchema,
  filterItemSchema,
  VALUE_FILTER_FIELDS,
  type ValueFilterField,
} from './schema';
import type { EventFilter } from './schema';

/**
 * The search box's query language:
 *
 *   user:alice task:tenant.* status:failure ip:10.0.0.0/8 after:2026-01-01 "disk full"
 *
 * Terms are separated by whitespace. `key:value` narrows a field (`key:a,b` or a repeated key
 * means any of them; different keys all apply); everything else is full text over the
 * declared full-text field (description). Keys and values come from the field declarations
 * (@audit/db/fields) and are checked with the structured filter's own schemas, so the box
 * can express nothing the filter would refuse, and every error says where it is.
 */

/** A syntax or value error; `position` is a 0-based UTF-16 offset into the query. */
export class SearchQueryError extends Error {
  constructor(
    readonly position: number,
    readonly reason: string,
    readonly expected?: string,
  ) {
    super(`at ${position + 1}: ${reason}` + (expected ? `; expected ${expected}` : ''));
    this.name = 'SearchQueryError';
  }
}

export interface ParseOptions {
  /** The instant relative times (`-15m`) count back from; defaults to now. */
  now?: Date;
}

export interface SearchField {
  key: string;
  aliases: readonly string[];
  field: keyof EventFilter;
  help: string;
}

type TimeField = 'from' | 'to';
type ListField = ValueFilterField;

interface FieldDef extends SearchField {
  field: ListField | TimeField;
  /** Other words for values (`ok` for `success`), lower-case. */
  valueAliases?: Readonly<Record<string, string>>;
}

/** The declared fields' keys (@audit/db/fields), then the time range's. */
const FIELDS: readonly FieldDef[] = [
  ...VALUE_FILTER_FIELDS.flatMap((field): FieldDef[] => {
    const { search } = declarationOf(field);
    return search ? [{ ...search, field }] : [];
  }),
  {
    key: 'after',
    aliases: ['from', 'since'],
    field: 'from',
    help: 'Start, inclusive: ISO 8601, YYYY-MM-DD[THH:mm] (UTC), epoch ms, or -15m/-24h/-7d/-2w',
  },
  {
    key: 'before',
    aliases: ['to', 'until'],
    field: 'to',
    help: 'End, inclusive; a bare date means the end of that day (UTC)',
  },
];

/** Every search key with its aliases, for the SPA's help and autocomplete. */
export const SEARCH_FIELDS: readonly SearchField[] = FIELDS;

const FIELD_BY_KEY = new Map<string, FieldDef>(
  FIELDS.flatMap((def) => [def.key, ...def.aliases].map((name) => [name, def] as const)),
);

const KNOWN_KEYS = `one of ${FIELDS.map((def) => def.key).join(', ')}`;

/** The schema's limit on the full-text field. */
const MAX_TEXT = 1000;

/** What a field's values may be, for an error: an enum's values and their other words. */
function expectedValues(def: FieldDef): string | undefined {
  if (def.field === 'from' || def.field === 'to') return undefined;
  const { values } = declarationOf(def.field);
  if (!values) return undefined;
  return `one of ${[...values, ...Object.keys(def.valueAliases ?? {})].join(', ')}`;
}

const TIME_FORMS =
  'ISO 8601 with an offset, YYYY-MM-DD[THH:mm] (UTC), epoch milliseconds, or -15m/-24h/-7d/-2w';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

const RELATIVE = /^-(?<count>\d+)(?<unit>[mhdw])$/;
const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/;
const BARE_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?<seconds>:\d{2}(?:\.\d+)?)?$/;
// zod's ISO check wants seconds; people type `T10:00+02:00`.
const OFFSET_NO_SECONDS = /^(?<minute>\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?<offset>Z|[+-]\d{2}:\d{2})$/;

interface Item {
  value: string;
  position: number;
}

interface Bound {
  date: Date;
  /** Where the term starts, for the after-before-before error. */
  position: number;
}

function isSpace(ch: string | undefined): boolean {
  return ch !== undefined && /\s/.test(ch);
}

/** The most useful message of a zod error. */
function zodReason(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid value';
  // A union without its own message only says "Invalid input"; its last option (the most
  // general form, e.g. ISO 8601 for instants) says what was wanted.
  if (issue.code === 'invalid_union' && issue.message === 'Invalid input') {
    const last = issue.errors.at(-1)?.[0];
    if (last) return last.message;
  }
  return issue.message;
}

class Parser {
  private pos = 0;
  private readonly lists = new Map<ListField, Set<string>>();
  private readonly words: string[] = [];
  private textLength = -1; // the joined length, counting the separating spaces
  private readonly bounds: Partial<Record<TimeField, Bound>> = {};

  constructor(
    private readonly query: string,
    private readonly now: Date,
  ) {}

  parse(): Omit<EventFilter, 'q'> {
    for (;;) {
      while (isSpace(this.peek())) this.pos++;
      if (this.pos >= this.query.length) break;
      this.term();
    }

    const { from, to } = this.bounds;
    if (from && to && from.date > to.date) {
      throw new SearchQueryError(
        Math.max(from.position, to.position),
        'the start time is later than the end time',
      );
    }

    const input: Record<string, unknown> = {};
    for (const [field, values] of this.lists) input[field] = [...values];
    if (this.words.length > 0) input[FULL_TEXT_FIELD] = this.words.join(' ');
    if (from) input.from = from.date.getTime();
    if (to) input.to = to.date.getTime();
    // Parsing the assembled filter with the schema itself gives its exact output type and
    // keeps this parser from ever producing a filter the schema would refuse.
    const result = eventFilterSchema.safeParse(input);
    if (!result.success) throw new SearchQueryError(0, zodReason(result.error));
    return result.data;
  }

  private peek(): string | undefined {
    return this.query[this.pos];
  }

  private term(): void {
    const start = this.pos;
    const negated = this.peek() === '-';

    if (this.peek() === '"' || (negated && this.query[start + 1] === '"')) {
      if (negated) this.pos++;
      const phrase = this.quoted();
      this.endOfTerm('a space');
      // websearch_to_tsquery has no escapes: an inner quote would end the phrase early.
      const words = phrase.replaceAll('"', ' ');
      if (words.trim() !== '') this.addText(`${negated ? '-' : ''}"${words}"`, start);
      return;
    }

    if (negated) this.pos++;
    const keyStart = this.pos;
    while (!this.atTermEnd() && this.peek() !== ':' && this.peek() !== '"') this.pos++;

    if (this.peek() === ':') {
      this.field(this.query.slice(keyStart, this.pos), keyStart, start, negated);
      return;
    }
    if (this.peek() === '"') {
      throw new SearchQueryError(this.pos, 'unexpected quote inside a word', 'a space before it');
    }
    this.addText(this.query.slice(start, this.pos), start);
  }

  private field(key: string, keyStart: number, termStart: number, negated: boolean): void {
    const def = FIELD_BY_KEY.get(key.toLowerCase());
    if (!def) {
      const reason = key === '' ? 'missing field name before ":"' : `unknown field "${key}"`;
      throw new SearchQueryError(keyStart, reason, KNOWN_KEYS);
    }
    if (negated) throw new SearchQueryError(termStart, 'negating a field is not supported');
    this.pos++; // the colon
    const items = this.values();

    const field = def.field;
    if (field === 'from' || field === 'to') {
      this.bound(field, items, termStart);
      return;
    }

    const schema = filterItemSchema(field);
    const enumerated = declarationOf(field).values !== undefined;
    let values = this.lists.get(field);
    if (!values) this.lists.set(field, (values = new Set()));
    for (const item of items) {
      let raw = item.value;
      if (enumerated) {
        // Enum values are matched case-insensitively, their other words too.
        raw = raw.toLowerCase();
        raw = def.valueAliases?.[raw] ?? raw;
      }
      const result = schema.safeParse(raw);
      if (!result.success) {
        throw new SearchQueryError(item.position, zodReason(result.error), expectedValues(def));
      }
      if (values.has(result.data)) continue;
      if (values.size >= MAX_VALUES) {
        throw new SearchQueryError(
          item.position,
          `too many values for ${def.key} (at most ${MAX_VALUES})`,
        );
      }
      values.add(result.data);
    }
  }

  private bound(field: TimeField, items: Item[], termStart: number): void {
    const [item, extra] = items;
    if (!item) return; // values() always returns at least one
    if (extra) throw new SearchQueryError(extra.position, 'a time takes a single value');
    if (this.bounds[field]) {
      const which = field === 'from' ? 'start (after/from/since)' : 'end (before/to/until)';
      throw new SearchQueryError(termStart, `more than one ${which} time`);
    }
    this.bounds[field] = { date: this.instant(item, field === 'to'), position: termStart };
  }

  /** A time value; `endOfDay` makes a bare date inclusive of its whole day. */
  private instant({ value, position }: Item, endOfDay: boolean): Date {
    let input: string | number = value;
    const relative = RELATIVE.exec(value)?.groups;
    const dateTime = BARE_DATE_TIME.exec(value)?.groups;
    const noSeconds = OFFSET_NO_SECONDS.exec(value)?.groups;
    if (relative) {
      const unit = relative.unit as keyof typeof UNIT_MS;
      input = this.now.getTime() - Number(relative.count) * UNIT_MS[unit];
      if (!Number.isSafeInteger(input)) {
        throw new SearchQueryError(position, 'relative time is out of range', TIME_FORMS);
      }
    } else if (BARE_DATE.test(value)) {
      input = `${value}T${endOfDay ? '23:59:59.999' : '00:00:00'}Z`;
    } else if (dateTime) {
      input = `${value}${dateTime.seconds ? '' : ':00'}Z`;
    } else if (noSeconds) {
      input = `${noSeconds.minute ?? ''}:00${noSeconds.offset ?? ''}`;
    }
    const result = instantSchema.safeParse(input);
    if (!result.success) throw new SearchQueryError(position, zodReason(result.error), TIME_FORMS);
    return result.data;
  }

  /** `a`, `"a b"`, `a,"b c",d` up to the end of the term; never empty. */
  private values(): Item[] {
    const items: Item[] = [];
    for (;;) {
      const position = this.pos;
      let value: string;
      if (this.atTermEnd() || this.peek() === ',') {
        throw new SearchQueryError(position, 'empty value', 'a value');
      }
      if (this.peek() === '"') {
        value = this.quoted();
        if (value === '') throw new SearchQueryError(position, 'empty value', 'a value');
      } else {
        while (!this.atTermEnd() && this.peek() !== ',' && this.peek() !== '"') this.pos++;
        if (this.peek() === '"') {
          throw new SearchQueryError(
            this.pos,
            'unexpected quote inside a value',
            'a space or "," before it',
          );
        }
        value = this.query.slice(position, this.pos);
      }
      items.push({ value, position });
      if (this.peek() !== ',') break;
      this.pos++;
    }
    this.endOfTerm('a space or ","');
    return items;
  }

  /** A double-quoted string from the current `"`; `\"` and `\\` escape, other `\` is literal. */
  private quoted(): string {
    const open = this.pos++;
    let out = '';
    for (;;) {
      const ch = this.query[this.pos++];
      if (ch === undefined) throw new SearchQueryError(open, 'unterminated quote', 'a closing "');
      if (ch === '"') return out;
      const next = this.peek();
      if (ch === '\\' && (next === '"' || next === '\\')) {
        out += next;
        this.pos++;
      } else {
        out += ch;
      }
    }
  }

  private atTermEnd(): boolean {
    return this.pos >= this.query.length || isSpace(this.peek());
  }

  private endOfTerm(expected: string): void {
    if (!this.atTermEnd()) {
      throw new SearchQueryError(this.pos, 'unexpected character after closing quote', expected);
    }
  }

  private addText(word: string, position: number): void {
    this.textLength += word.length + 1;
    if (this.textLength > MAX_TEXT) {
      throw new SearchQueryError(
        position,
        `search text is too long (at most ${MAX_TEXT} characters)`,
      );
    }
    this.words.push(word);
  }
}

/**
 * Parses the search box into a filter (without `q`). Throws SearchQueryError, and nothing
 * else, on any invalid input.
 */
export function parseSearchQuery(
  query: string,
  options: ParseOptions = {},
): Omit<EventFilter, 'q'> {
  return new Parser(query, options.now ?? new Date()).parse();
}
