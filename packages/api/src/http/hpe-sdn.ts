import type { EventField } from '@audit/db/fields';
import type { FastifyRequest } from 'fastify';
import type { oas31 } from 'openapi3-ts';
import { z } from 'zod';

import { MAX_LIST_OFFSET } from '../data/events';
import { filterItemSchema, type EventFilterInput } from '../filters/schema';
import { eventOutput } from '../schemas/audit-logs';
import { readPrincipal } from '../trpc';
import {
  answerOtherPaths,
  intParam,
  isDate,
  parseQuery,
  queryParameters,
  unquote,
  unquoted,
} from './reference-params';
import {
  answering,
  callerFor,
  jsonSchemaOf,
  problemResponses,
  READ_SECURITY,
  type HttpSurface,
} from './surface';

/**
 * HPE VAN SDN Controller's audit log (seed 004): `GET /sdn/v2.0/auditlog`, answered in its
 * own shape from `auditLogs.list` (same authorisation, tenant scope and filter).
 */

export const SDN_AUDIT_LOG_PATH = '/sdn/v2.0/auditlog';

/** An SDN audit-log entry's fields → ours (DESIGN.md): the one place the mapping lives. */
export const SDN_FIELDS = {
  uid: 'eventId',
  system_uid: 'systemId',
  user: 'userName',
  ts: 'occurredAt',
  activity: 'taskName',
  description: 'description',
} as const satisfies Record<string, EventField>;

type SdnField = keyof typeof SDN_FIELDS;
type ListItem = z.output<typeof eventOutput>;
/** An entry as the controller answers it (`ts`: ISO-8601 UTC with milliseconds, as list gives it). */
export type SdnEntry = { [K in SdnField]: ListItem[(typeof SDN_FIELDS)[K]] };

const SDN_FIELD_NAMES = Object.keys(SDN_FIELDS) as SdnField[];

function sdnEntryOf(item: ListItem): SdnEntry {
  return Object.fromEntries(
    SDN_FIELD_NAMES.map((name) => [name, item[SDN_FIELDS[name]]]),
  ) as SdnEntry;
}

/** ISO-8601, quoted or not; without an offset it is UTC, as the controller's own times are. */
const sdnInstant = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    const text = unquote(value);
    return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text) ? `${text}Z` : text;
  },
  z.iso
    .datetime({ offset: true, error: 'must be ISO 8601 (2013-09-15T16:00:00.000Z)' })
    .transform((text) => new Date(text)),
);

/** Entries one answer holds by default, and at most (our extension: the controller has no paging). */
const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 2000;

export const sdnQuerySchema = z
  .object({
    user: unquoted(filterItemSchema(SDN_FIELDS.user)).optional(),
    activity: unquoted(filterItemSchema(SDN_FIELDS.activity)).optional(),
    start: sdnInstant.optional(),
    end: sdnInstant.optional(),
    limit: intParam(1, MAX_LIMIT).default(DEFAULT_LIMIT),
    offset: intParam(
      0,
      MAX_LIST_OFFSET,
      `must be at most ${MAX_LIST_OFFSET}; follow the Link header's next page instead`,
    ).default(0),
    cursor: z.string().min(1).max(2000).optional(),
  })
  .refine(
    (q: { start?: unknown; end?: unknown }) =>
      !isDate(q.start) || !isDate(q.end) || q.start <= q.end,
    { message: 'must not be after end', path: ['start'] },
  );

const PARAMETER_DESCRIPTIONS: Record<keyof typeof sdnQuerySchema.shape, string> = {
  user: 'Only this user\'s entries (exact; `user="john.doe"`: the quotes are dropped).',
  activity:
    'Only entries of this activity (exact, quotes dropped; a trailing `*` matches a prefix, as everywhere in this service).',
  start: 'Inclusive start, ISO-8601 (`2013-09-15T16:00:00.000Z`; without an offset it is UTC).',
  end: 'Inclusive end, ISO-8601.',
  limit: `Extension: most entries in the answer (1–${MAX_LIMIT}, default ${DEFAULT_LIMIT}). When more match, a \`Link: <…>; rel="next"\` header gives the next page.`,
  offset: `Extension: entries to skip first (up to ${MAX_LIST_OFFSET}); deeper pages follow the \`Link\` header.`,
  cursor: 'Extension: where the next page starts, as the `Link` header gives it.',
};

/** The query of the next page: the same parameters, the cursor in place of any offset. */
function nextPageUrl(req: FastifyRequest, cursor: string): string {
  const params = new URLSearchParams(req.url.split('?', 2)[1] ?? '');
  params.delete('offset');
  params.set('cursor', cursor);
  return `${SDN_AUDIT_LOG_PATH}?${params.toString()}`;
}

const ENTRY_SCHEMA: oas31.SchemaObject = {
  type: 'object',
  required: SDN_FIELD_NAMES,
  properties: Object.fromEntries(
    SDN_FIELD_NAMES.map((name) => {
      const field = SDN_FIELDS[name];
      const schema: oas31.SchemaObject =
        field === 'occurredAt'
          ? {
              type: 'string',
              format: 'date-time',
              description: 'ISO-8601 UTC with milliseconds',
              examples: ['2013-06-05T17:54:19.265Z'],
            }
          : jsonSchemaOf(eventOutput.shape[field], 'output');
      return [
        name,
        {
          ...schema,
          description: `Our \`${field}\`.` + (schema.description ? ` ${schema.description}` : ''),
        },
      ];
    }),
  ),
};

export const HPE_SDN_SURFACE: HttpSurface = {
  tag: {
    name: 'HPE VAN SDN',
    description:
      "HPE VAN SDN Controller's audit-log read path, in its own shape (for its existing clients).",
  },
  schemas: {
    SdnAuditLogEntry: ENTRY_SCHEMA,
    SdnAuditLog: {
      type: 'object',
      required: ['audit_log_entries'],
      properties: {
        audit_log_entries: {
          type: 'array',
          description: 'Oldest first.',
          items: { $ref: '#/components/schemas/SdnAuditLogEntry' },
        },
      },
    },
  },
  paths: {
    [SDN_AUDIT_LOG_PATH]: {
      get: {
        tags: ['HPE VAN SDN'],
        operationId: 'sdnListAuditLog',
        summary: 'List audit log entries',
        description:
          'Entries matching every given parameter, oldest first. Readers only (auditors, admins, tokens with `read`); a token sees its own tenant.',
        parameters: queryParameters(sdnQuerySchema, PARAMETER_DESCRIPTIONS),
        security: [{ authToken: [] }, ...READ_SECURITY],
        responses: {
          '200': {
            description: 'The matching entries.',
            headers: {
              Link: {
                description: 'RFC 8288 `rel="next"`: the next page, when more entries match.',
                schema: { type: 'string' },
              },
            },
            content: {
              'application/json': { schema: { $ref: '#/components/schemas/SdnAuditLog' } },
            },
          },
          ...problemResponses(400, 403, 429),
        },
      },
    },
  },

  register(app, { deps }) {
    app.get(SDN_AUDIT_LOG_PATH, (req, reply) =>
      answering(reply, async () => {
        const { ctx, caller } = await callerFor(deps, req, reply);
        // Credentials first, as every procedure does: a 401/403 before any 400.
        readPrincipal(ctx);
        const query = parseQuery(sdnQuerySchema, req.query);
        const filter: EventFilterInput = {
          ...(query.user === undefined ? {} : { [SDN_FIELDS.user]: query.user }),
          ...(query.activity === undefined ? {} : { [SDN_FIELDS.activity]: query.activity }),
          ...(query.start === undefined ? {} : { from: query.start.toISOString() }),
          ...(query.end === undefined ? {} : { to: query.end.toISOString() }),
        };
        const page = await caller.auditLogs.list({
          filter,
          sort: { field: SDN_FIELDS.ts, direction: 'asc' },
          limit: query.limit,
          offset: query.offset,
          ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
          withTotal: false,
        });
        if (page.nextCursor) {
          void reply.header('link', `<${nextPageUrl(req, page.nextCursor)}>; rel="next"`);
        }
        return reply
          .type('application/json; charset=utf-8')
          .send({ audit_log_entries: page.items.map(sdnEntryOf) });
      }),
    );
    answerOtherPaths(app, '/sdn/', [SDN_AUDIT_LOG_PATH]);
  },
};
