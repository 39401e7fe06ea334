import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { declarationOf, FILTER_FIELDS, type FieldsWhere, type FilterField } from '@audit/db/fields';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';

import type { EventFilterInput } from '../filters/schema';
import type { eventInputSchema } from '../schemas/audit-logs';
import { createTestApp, failure, unzipText, type Caller, type TestApp } from '../testing/harness';

/**
 * Every filterable field narrows: generated from the field declarations, so a new filterable
 * field is covered without touching this file (unless the server alone sets it, below).
 *
 * For each field two events are recorded that differ only in it: one whose value the filter
 * matches (`match`), one whose value it does not (`other`); every other event holds a third,
 * `neutral` value. Filtering on the field must then find exactly the `match` event through
 * list, histogram, facets, export, purge.preview, and a filtered purge.create.
 */

type EventInput = z.input<typeof eventInputSchema>;

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-10T12:00:00.000Z');
const NOW = new Date(T0 + 10 * DAY);

/** The three values of a field, as the event input takes them, and the filter for `match`. */
interface Samples {
  match: unknown;
  other: unknown;
  neutral: unknown;
  filter: EventFilterInput;
}

/** Fields only the server sets, derived from one a caller gives: how to make each value. */
type ServerDerivedFilterField = Extract<FilterField, FieldsWhere<'source', 'server'>>;
const SERVER_DERIVED: Record<
  ServerDerivedFilterField,
  { from: keyof EventInput; samples: Samples }
> = {
  agent: {
    from: 'userAgent',
    samples: {
      match: 'curl/8.5.0',
      other: 'python-requests/2.31.0',
      neutral: 'NeutralClient/1.0',
      filter: { agent: 'curl' },
    },
  },
};

/** A field's samples, by its declared kind and filter. */
function samplesOf(field: FilterField): Samples {
  const declared = declarationOf(field);
  const valueFilter = (value: string): EventFilterInput => ({ [field]: value });
  switch (declared.filter) {
    case 'range':
      return {
        match: new Date(T0 + DAY).toISOString(),
        other: new Date(T0 + 2 * DAY).toISOString(),
        neutral: new Date(T0).toISOString(),
        filter: { from: T0 + DAY - 1000, to: T0 + DAY + 1000 },
      };
    case 'fulltext':
      return {
        match: 'the alphanumeric gauge',
        other: 'the betatron gauge',
        neutral: 'the neutral gauge',
        filter: { [field]: 'alphanumeric' },
      };
    case 'cidr':
      return {
        match: '10.1.0.5',
        other: '10.2.0.5',
        neutral: '10.3.0.5',
        filter: valueFilter('10.1.0.0/16'),
      };
    case 'prefix':
      return {
        match: `alpha.${field}`,
        other: `beta.${field}`,
        neutral: `neutral.${field}`,
        filter: valueFilter('alpha.*'),
      };
    default:
      break;
  }
  switch (declared.kind) {
    case 'enum': {
      // From the end of the list: the service's own audit records (success, create, …) then
      // hold none of the three.
      const [match, other, neutral] = [...(declared.values ?? [])].reverse();
      if (!neutral) throw new Error(`${field}: the test needs three values`);
      return { match, other, neutral, filter: valueFilter(match as string) };
    }
    case 'uuid': {
      const match = crypto.randomUUID();
      return { match, other: crypto.randomUUID(), neutral: undefined, filter: valueFilter(match) };
    }
    case 'id':
      return { match: '101', other: '202', neutral: '303', filter: valueFilter('101') };
    case 'count':
      return { match: 101, other: 202, neutral: 303, filter: valueFilter('101') };
    default:
      return {
        match: `${field}-match`,
        other: `${field}-other`,
        neutral: `${field}-neutral`,
        filter: valueFilter(`${field}-match`),
      };
  }
}

/** Where each field's value goes in a record call: the event, or (tenant) the token's tenant. */
interface Planned {
  field: FilterField;
  samples: Samples;
  match: { event: EventInput; tenant: string };
  other: { event: EventInput; tenant: string };
}

const NEUTRAL_TENANT = 'neutral-tenant';

function plan(): Planned[] {
  const all = FILTER_FIELDS.map((field) => {
    const derived = (
      SERVER_DERIVED as Partial<
        Record<FilterField, (typeof SERVER_DERIVED)[ServerDerivedFilterField]>
      >
    )[field];
    return { field, samples: derived?.samples ?? samplesOf(field), input: derived?.from ?? field };
  });
  const neutral: Record<string, unknown> = {
    userName: 'neutral-user',
    taskName: 'neutral.task',
    status: 'success',
  };
  for (const { field, input, samples } of all) {
    if (field !== 'tenant' && samples.neutral !== undefined) neutral[input] = samples.neutral;
  }
  const variant = (field: FilterField, input: string, value: unknown) => {
    if (field === 'tenant') return { event: { ...neutral } as EventInput, tenant: value as string };
    return { event: { ...neutral, [input]: value } as EventInput, tenant: NEUTRAL_TENANT };
  };
  return all.map(({ field, input, samples }) => ({
    field,
    samples,
    match: variant(field, input, samples.match),
    other: variant(field, input, samples.other),
  }));
}

describe('every filter field narrows list, histogram, facets, export and purge', () => {
  const planned = plan();
  let app: TestApp;
  /** eventId of each field's `match` and `other` event. */
  const matchIds = new Map<FilterField, string>();
  const otherIds = new Map<FilterField, string>();

  beforeAll(async () => {
    app = await createTestApp({ now: NOW });
    const ingest = new Map<string, Caller>();
    const callerFor = async (tenant: string) => {
      let caller = ingest.get(tenant);
      if (!caller) {
        caller = (await app.token(['ingest'], { tenant })).caller;
        ingest.set(tenant, caller);
      }
      return caller;
    };
    for (const { field, match, other } of planned) {
      for (const [which, { event, tenant }] of [
        ['match', match],
        ['other', other],
      ] as const) {
        const [stored] = (await (await callerFor(tenant)).auditLogs.record({ events: [event] }))
          .events;
        if (stored) (which === 'match' ? matchIds : otherIds).set(field, stored.eventId);
      }
    }
  });
  afterAll(async () => {
    await app.close();
  });

  it('plans two events per filterable field, and covers every one', () => {
    expect(planned.map((p) => p.field)).toEqual(FILTER_FIELDS);
    expect(matchIds.size).toBe(FILTER_FIELDS.length);
  });

  for (const field of FILTER_FIELDS) {
    it(`${field}: exactly the matching event, through every reader and purge`, async () => {
      const { samples } = planned.find((p) => p.field === field)!;
      // The recorded events lie before T0 + 3 days; the service's own audit records (of the
      // exports and purges below) at NOW are kept out by the time range.
      const filter: EventFilterInput =
        field === 'occurredAt' ? samples.filter : { ...samples.filter, to: T0 + 5 * DAY };
      const id = matchIds.get(field);
      const otherId = otherIds.get(field);

      const list = await app.admin.auditLogs.list({ filter, limit: 100 });
      expect(list.items.map((e) => e.eventId)).toEqual([id]);
      expect(list.total).toBe(1);

      const histogram = await app.admin.auditLogs.histogram({ filter, buckets: 20 });
      expect(histogram.buckets.reduce((n, b) => n + b.total, 0)).toBe(1);

      const facets = await app.admin.auditLogs.facets({ filter, fields: ['status'] });
      expect(facets.fields.status?.reduce((n, v) => n + v.count, 0)).toBe(1);

      const exportJob = await app.admin.exports.create({ filter, format: 'ndjson' });
      await app.runJobs();
      const archive = (await app.admin.exports.list({ kind: 'export' })).items.find(
        (a) => a.jobId === exportJob.id,
      );
      const files = await unzipText(readFileSync(join(app.archiveDir, archive!.fileName)));
      const exported = files['events.ndjson']!.trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { eventId: string }).eventId);
      expect(exported).toEqual([id]);

      const before = NOW.toISOString();
      expect((await app.admin.purge.preview({ before, filter })).count).toBe(1);
      await app.admin.purge.create({ before, filter, archive: false });
      await app.runJobs();
      expect((await app.admin.purge.preview({ before, filter })).count).toBe(0);
      const byId = async (eventId: string | undefined) =>
        (await app.admin.auditLogs.list({ filter: { eventId: eventId ?? '' } })).items.length;
      expect(await byId(id)).toBe(0);
      // Its twin, which differs only in this field, is still there.
      expect(await byId(otherId)).toBe(1);
    });
  }

  it('regression: a filter naming a field the model does not have is refused, never ignored', async () => {
    const error = await failure(
      app.admin.auditLogs.list({ filter: { notAField: 'x' } as unknown as EventFilterInput }),
    );
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toContain('notAField');
  });
});

describe('derived fields at ingest', () => {
  let app: TestApp;
  let ingest: Caller;
  beforeAll(async () => {
    app = await createTestApp();
    ingest = (await app.token(['ingest'])).caller;
  });
  afterAll(async () => {
    await app.close();
  });

  it('derives action from the task name when none is given, keeps a given one, and agent from the user agent', async () => {
    const base = { userName: 'alice', status: 'success' as const };
    const { events } = await ingest.auditLogs.record({
      events: [
        { ...base, taskName: 'tenant.create', userAgent: 'curl/8.5.0' },
        {
          ...base,
          taskName: 'Login Failed',
          userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
        },
        { ...base, taskName: 'tenant.create', action: 'other', userAgent: null },
      ],
    });
    const stored = await Promise.all(
      events.map((e) => app.admin.auditLogs.byId({ id: e.id, occurredAt: e.occurredAt })),
    );
    expect(stored.map((e) => [e.action, e.agent])).toEqual([
      ['create', 'curl'],
      ['login', 'Firefox'],
      ['other', null],
    ]);
  });

  it('refuses an agent from the caller, naming the field: the server derives it', async () => {
    const error = await failure(
      ingest.auditLogs.record({
        events: [
          { userName: 'a', taskName: 't', status: 'success', agent: 'Chrome' } as EventInput,
        ],
      }),
    );
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toContain('agent');
  });

  it('refuses an action outside the list, naming the field and the allowed values', async () => {
    const error = await failure(
      ingest.auditLogs.record({
        events: [
          {
            userName: 'a',
            taskName: 't',
            status: 'success',
            action: 'destroy',
          } as unknown as EventInput,
        ],
      }),
    );
    expect(error.message).toContain('action');
    expect(error.message).toContain('create');
  });
});
