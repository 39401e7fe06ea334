/**
 * The canonical form of an event, what its seal's leaf hash is taken over (docs/integrity.md).
 *
 * Version 1: a JSON object holding `"v": 1` and every stored field (EVENT_FIELDS, by its
 * declared name) whose value is not null, serialised by RFC 8785 (JSON Canonicalization
 * Scheme: keys sorted, numbers and strings in one spelling). Values take their wire form:
 * ids and sequence-like numbers as decimal strings, times as ISO 8601 UTC with
 * milliseconds, addresses as PostgreSQL prints them, JSON documents as the JSON they hold.
 * Nulls are left out, so a nullable field added to the model later does not change the
 * canonical form (nor the seal) of events stored before it; a field whose absence is not
 * null would need version 2, which is why the version is part of every form.
 *
 * Free of database code: the SDK's offline verifier builds the same form from an archive.
 */
import canonicalize from 'canonicalize';

import { declarationOf, EVENT_FIELD_NAMES, type EventField } from '../event-fields';

export const CANONICAL_VERSION = 1;

/** A JSON value, as a JSON document field holds it. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * One event's fields for the canonical form: JSON fields as their parsed value, times as an
 * instant (Date, or any text `Date` parses exactly), every other field as its text; null or
 * absent when the event has none.
 */
export type CanonicalSource = Partial<Record<EventField, unknown>>;

/** An event's canonical JSON text (version 1). Throws naming the field a value does not fit. */
export function canonicalEvent(source: CanonicalSource): string {
  const form: Record<string, JsonValue> = { v: CANONICAL_VERSION };
  for (const field of EVENT_FIELD_NAMES) {
    const value = source[field];
    if (value === null || value === undefined) continue;
    form[field] = canonicalValue(field, value);
  }
  const text = canonicalize(form);
  if (text === undefined) throw new Error('canonical form: nothing to serialise');
  return text;
}

function canonicalValue(field: EventField, value: unknown): JsonValue {
  switch (declarationOf(field).kind) {
    case 'json':
      return value as JsonValue;
    case 'time': {
      const instant = value instanceof Date ? value : new Date(scalarText(field, value));
      if (Number.isNaN(instant.getTime())) {
        throw new TypeError(`canonical form: ${field} is not a time`);
      }
      return instant.toISOString();
    }
    case 'uuid':
      return scalarText(field, value).toLowerCase();
    default:
      return scalarText(field, value);
  }
}

function scalarText(field: EventField, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  throw new TypeError(`canonical form: ${field} must be text, not ${typeof value}`);
}
