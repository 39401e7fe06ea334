import { EVENT_STATUSES, type EventStatus } from '@audit/db';
import { declarationOf, type EventAction, type EventField, type TimeField } from '@audit/db/fields';
import type { oas31 } from 'openapi3-ts';
import { z } from 'zod';

import type { ArchiveRow } from '../archive/archive';
import { recordOwnEvent } from '../data/audit-trail';
import { eventScope, MAX_LIST_OFFSET, type SortField } from '../data/events';
import { actorName, tenantScopeOf } from '../data/principals';
import { eventFilterSchema, filterItemSchema, type EventFilterInput } from '../filters/schema';
import { eventOutput } from '../schemas/audit-logs';
import { readPrincipal } from '../trpc';
import { sendAuditsZip } from './audits-zip';
import {
  answerOtherPaths,
  intParam,
  isDate,
  isNumber,
  parseQuery,
  queryParameters,
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
 * CA API Portal's audits (seed 003): `GET /tenant-admin/1.0/audits` (a page, as a JSON array)
 * and `GET /tenant-admin/1.0/audits/export` (a `.zip`, whatever the format), in its own
 * shape, over the one filter model (same authorisation and tenant scope as auditLogs.list).
 */

export const CA_AUDITS_PATH = '/tenant-admin/1.0/audits';
export const CA_EXPORT_PATH = '/tenant-admin/1.0/audits/export';

/** A CA audit's fields → ours (DESIGN.md): the one place the mapping lives. */
export const CA_FIELDS = {
  uuid: 'eventId',
  time: 'occurredAt',
  entityType: 'objectType',
  entityName: 'objectName',
  action: 'action',
  userName: 'userName',
  agent: 'agent',
} as const satisfies Record<string, EventField>;

type CaField = keyof typeof CA_FIELDS;
type Mapped = (typeof CA_FIELDS)[CaField];
export const CA_FIELD_NAMES = Object.keys(CA_FIELDS) as CaField[];

// ---------------------------------------------------------------- actions

/**
 * CA's words for our actions: every action has one (the compiler checks); a login has two,
 * by its status (`statuses`; the last word of an action takes the statuses the others leave).
 * The Portal itself shows Created, Updated, Deleted, Login Success and Login Failed; the
 * others name what this service also records.
 */
const CA_ACTIONS = {
  create: [{ word: 'Created' }],
  read: [{ word: 'Read' }],
  update: [{ word: 'Updated' }],
  delete: [{ word: 'Deleted' }],
  login: [{ word: 'Login Failed', statuses: ['failure'] }, { word: 'Login Success' }],
  logout: [{ word: 'Logout' }],
  execute: [{ word: 'Executed' }],
  other: [{ word: 'Other' }],
} as const satisfies Record<
  EventAction,
  readonly { word: string; statuses?: readonly EventStatus[] }[]
>;

export type CaAction = (typeof CA_ACTIONS)[EventAction][number]['word'];

interface CaActionFilter {
  word: CaAction;
  action: EventAction;
  /** The statuses it stands for; null: any. */
  statuses: EventStatus[] | null;
}

const CA_ACTION_FILTERS: CaActionFilter[] = Object.entries(CA_ACTIONS).flatMap(
  ([action, words]) => {
    const claimed: EventStatus[] = words.flatMap((w) => ('statuses' in w ? [...w.statuses] : []));
    return words.map((w) => ({
      word: w.word,
      action: action as EventAction,
      statuses:
        'statuses' in w
          ? [...w.statuses]
          : claimed.length > 0
            ? EVENT_STATUSES.filter((s) => !claimed.includes(s))
            : null,
    }));
  },
);

export const CA_ACTION_WORDS = CA_ACTION_FILTERS.map((a) => a.word);

/** The CA word of an event's action and status (an event without an action is `Other`). */
export function caActionOf(action: EventAction | null, status: EventStatus): CaAction {
  const match = CA_ACTION_FILTERS.find(
    (a) => a.action === (action ?? 'other') && (a.statuses === null || a.statuses.includes(status)),
  );
  return match?.word ?? 'Other';
}

/** `action=Created` (any case): the action, and the statuses for the login ones. */
const actionParam = z.string().transform((value, ctx) => {
  const found = CA_ACTION_FILTERS.find((a) => a.word.toLowerCase() === value.trim().toLowerCase());
  if (!found) {
    ctx.addIssue({ code: 'custom', message: `must be one of ${CA_ACTION_WORDS.join(', ')}` });
    return z.NEVER;
  }
  return found;
});

// ---------------------------------------------------------------- one audit

type ListItem = z.output<typeof eventOutput>;

/** An audit as the Portal answers it: `time` in epoch ms, `action` a CA word. */
export type CaAudit = {
  [K in CaField]: K extends 'action'
    ? CaAction
    : (typeof CA_FIELDS)[K] extends TimeField
      ? number
      : ListItem[(typeof CA_FIELDS)[K]];
};

/** What an audit is made from: a list item (times as ISO text) or an archive row (Dates). */
type CaSource = {
  [F in Mapped]: F extends TimeField ? string | Date : ListItem[F];
} & { status: EventStatus };

export function caAuditOf(row: CaSource): CaAudit {
  return Object.fromEntries(
    CA_FIELD_NAMES.map((name) => {
      const field = CA_FIELDS[name];
      if (name === 'action') return [name, caActionOf(row[CA_FIELDS.action], row.status)];
      const value = row[field];
      if (declarationOf(field).kind === 'time') return [name, new Date(value as string).getTime()];
      return [name, value];
    }),
  ) as CaAudit;
}

// ---------------------------------------------------------------- parameters

/** The latest instant both PostgreSQL and JavaScript hold (schemas/values.ts). */
const MAX_TIME = Date.parse('9999-12-31T23:59:59.999Z');

const epochMs = z
  .string()
  .regex(/^\d{1,15}$/, 'must be epoch milliseconds (1539707873000)')
  .transform(Number)
  .refine((ms) => ms <= MAX_TIME, 'must be before year 10000')
  .transform((ms) => new Date(ms));

/** Longest range an export covers: the Portal keeps audits 90 days. */
const MAX_EXPORT_DAYS = 90;
const DAY_MS = 86_400_000;

const CA_SORTABLE = ['time', 'entityType', 'entityName', 'action', 'userName'] as const;
type CaSortable = (typeof CA_SORTABLE)[number];
/** Compiles only while each sortable CA field maps to a field a list sorts by. */
const sortFieldOf = (name: CaSortable): SortField => CA_FIELDS[name];

/** `field` or `field,ASC|DESC` (a field alone is ascending). */
const sortParam = z.string().transform((value, ctx) => {
  const [name = '', direction = 'ASC', ...rest] = value.split(',').map((part) => part.trim());
  if (name === 'agent') {
    ctx.addIssue({ code: 'custom', message: 'cannot sort by agent' });
    return z.NEVER;
  }
  if (!(CA_SORTABLE as readonly string[]).includes(name)) {
    ctx.addIssue({ code: 'custom', message: `must name one of ${CA_SORTABLE.join(', ')}` });
    return z.NEVER;
  }
  if (!/^(asc|desc)$/i.test(direction) || rest.length > 0) {
    ctx.addIssue({ code: 'custom', message: 'must be field,ASC or field,DESC' });
    return z.NEVER;
  }
  return {
    field: sortFieldOf(name as CaSortable),
    direction: direction.toLowerCase() as 'asc' | 'desc',
  };
});

/** The four filters both paths take. */
const filterParams = {
  entityType: filterItemSchema(CA_FIELDS.entityType).optional(),
  entityName: filterItemSchema(CA_FIELDS.entityName).optional(),
  action: actionParam.optional(),
  userName: filterItemSchema(CA_FIELDS.userName).optional(),
};

const FILTER_DESCRIPTIONS: Record<keyof typeof filterParams, string> = {
  entityType: 'Only audits of this object type (`Application`, `API`, `User`, …; exact).',
  entityName:
    'Only audits of this object (exact; a trailing `*` matches a prefix, as everywhere in this service).',
  action: `Only audits with this action: ${CA_ACTION_WORDS.join(', ')} (any case).`,
  userName: 'Only audits by this user (exact; `Portal API`, `Registration Service`, …).',
};

const startBeforeEnd = (q: { startTs?: unknown; endTs?: unknown }) =>
  !isDate(q.startTs) || !isDate(q.endTs) || q.startTs <= q.endTs;

export const caListQuerySchema = z
  .object({
    startTs: epochMs.optional(),
    endTs: epochMs.optional(),
    ...filterParams,
    size: intParam(1, 2000).default(10),
    page: intParam(0, MAX_LIST_OFFSET).default(0),
    sort: sortParam.optional(),
  })
  .refine(startBeforeEnd, { message: 'must not be after endTs', path: ['startTs'] })
  .refine(
    (q: { page?: unknown; size?: unknown }) =>
      !isNumber(q.page) || !isNumber(q.size) || q.page * q.size <= MAX_LIST_OFFSET,
    {
      message: `page × size must be at most ${MAX_LIST_OFFSET}; narrow the range instead`,
      path: ['page'],
    },
  );

export const caExportQuerySchema = z
  .object({
    startTs: epochMs,
    endTs: epochMs,
    format: z
      .string()
      .transform((value) => value.toLowerCase())
      .pipe(z.enum(['csv', 'json'], { error: 'must be CSV or JSON' }))
      .default('csv'),
    ...filterParams,
  })
  .refine(startBeforeEnd, { message: 'must not be after endTs', path: ['startTs'] })
  .refine(
    (q: { startTs?: unknown; endTs?: unknown }) =>
      !isDate(q.startTs) ||
      !isDate(q.endTs) ||
      q.endTs.getTime() - q.startTs.getTime() <= MAX_EXPORT_DAYS * DAY_MS,
    {
      message: `the range must be at most ${MAX_EXPORT_DAYS} days`,
      path: ['endTs'],
    },
  );

type FilterQuery = z.output<z.ZodObject<typeof filterParams>> & {
  startTs?: Date | undefined;
  endTs?: Date | undefined;
};

/** The one filter model, from CA's parameters. */
function caFilter(q: FilterQuery): EventFilterInput {
  return {
    ...(q.startTs ? { from: q.startTs.toISOString() } : {}),
    ...(q.endTs ? { to: q.endTs.toISOString() } : {}),
    ...(q.entityType === undefined ? {} : { [CA_FIELDS.entityType]: q.entityType }),
    ...(q.entityName === undefined ? {} : { [CA_FIELDS.entityName]: q.entityName }),
    ...(q.userName === undefined ? {} : { [CA_FIELDS.userName]: q.userName }),
    ...(q.action === undefined
      ? {}
      : {
          [CA_FIELDS.action]: q.action.action,
          ...(q.action.statuses ? { status: q.action.statuses } : {}),
        }),
  };
}

// ---------------------------------------------------------------- OpenAPI

const AUDIT_SCHEMA: oas31.SchemaObject = {
  type: 'object',
  required: CA_FIELD_NAMES,
  properties: Object.fromEntries(
    CA_FIELD_NAMES.map((name) => {
      const field = CA_FIELDS[name];
      const schema: oas31.SchemaObject =
        name === 'action'
          ? { type: 'string', enum: CA_ACTION_WORDS }
          : declarationOf(field).kind === 'time'
            ? { type: 'integer', description: 'Epoch milliseconds.', examples: [1539707873000] }
            : jsonSchemaOf(eventOutput.shape[field], 'output');
      const note =
        name === 'agent' ? ' The simplified agent (Chrome, Python, CA API Gateway, …).' : '';
      return [
        name,
        {
          ...schema,
          description: `Our \`${field}\`.${schema.description ? ` ${schema.description}` : ''}${note}`,
        },
      ];
    }),
  ),
};

const TAG = 'CA API Portal';

const LIST_DESCRIPTIONS: Record<keyof typeof caListQuerySchema.shape, string> = {
  startTs: 'Inclusive start, epoch milliseconds (`1539707873000`).',
  endTs: 'Inclusive end, epoch milliseconds.',
  ...FILTER_DESCRIPTIONS,
  size: 'Audits per page (default 10, at most 2000; more is a 400).',
  page: 'Page number, from 0 (`page × size` at most 100000).',
  sort: '`field,ASC` or `field,DESC` (a field alone is ascending), by `time`, `entityType`, `entityName`, `action` or `userName` (not `agent`: a 400). Default: newest first. Actions sort in the order Created, Read, Updated, Deleted, Login…, Logout, Executed, Other.',
};

const EXPORT_DESCRIPTIONS: Record<keyof typeof caExportQuerySchema.shape, string> = {
  startTs: 'Inclusive start, epoch milliseconds (required).',
  endTs: `Inclusive end, epoch milliseconds (required; at most ${MAX_EXPORT_DAYS} days after startTs).`,
  format: '`CSV` (default) or `JSON`, any case. The answer is a `.zip` either way.',
  ...FILTER_DESCRIPTIONS,
};

// ---------------------------------------------------------------- the surface

export const CA_PORTAL_SURFACE: HttpSurface = {
  tag: {
    name: TAG,
    description: "CA API Portal's audit paths, in its own shapes (for its existing clients).",
  },
  schemas: {
    CaAudit: AUDIT_SCHEMA,
  },
  paths: {
    [CA_AUDITS_PATH]: {
      get: {
        tags: [TAG],
        operationId: 'caListAudits',
        summary: 'View and filter audit logs',
        description:
          'A page of the matching audits, newest first unless `sort` says otherwise. Readers only (auditors, admins, tokens with `read`); a token sees its own tenant.',
        parameters: queryParameters(caListQuerySchema, LIST_DESCRIPTIONS),
        security: READ_SECURITY,
        responses: {
          '200': {
            description: 'The page.',
            content: {
              'application/json': {
                schema: { type: 'array', items: { $ref: '#/components/schemas/CaAudit' } },
              },
            },
          },
          ...problemResponses(400, 403, 429),
        },
      },
    },
    [CA_EXPORT_PATH]: {
      get: {
        tags: [TAG],
        operationId: 'caExportAudits',
        summary: 'Export audit logs',
        description: `The matching audits of at most ${MAX_EXPORT_DAYS} days, oldest first, as a \`.zip\` holding \`audits.csv\` or \`audits.json\` (the list's columns; CSV cells a spreadsheet would run as formulas are neutralised). \`size\` and \`page\` are not taken (a 400). The export is recorded as an audit event (\`exports.download\`).`,
        parameters: queryParameters(caExportQuerySchema, EXPORT_DESCRIPTIONS),
        security: READ_SECURITY,
        responses: {
          '200': {
            description: 'The zip, streamed as it is written.',
            headers: {
              'Content-Disposition': {
                description: '`attachment; filename="audits-<startTs>-<endTs>.zip"`',
                schema: { type: 'string' },
              },
            },
            content: {
              'application/zip': {
                schema: { type: 'string', contentMediaType: 'application/zip' },
              },
            },
          },
          ...problemResponses(400, 403, 429),
        },
      },
    },
  },

  register(app, { deps }) {
    app.get(CA_AUDITS_PATH, (req, reply) =>
      answering(reply, async () => {
        const { ctx, caller } = await callerFor(deps, req, reply);
        // Credentials first, as every procedure does: a 401/403 before any 400.
        readPrincipal(ctx);
        const query = parseQuery(caListQuerySchema, req.query);
        const page = await caller.auditLogs.list({
          filter: caFilter(query),
          sort: query.sort ?? { field: sortFieldOf('time'), direction: 'desc' },
          limit: query.size,
          offset: query.page * query.size,
          withTotal: false,
        });
        return reply.type('application/json; charset=utf-8').send(page.items.map(caAuditOf));
      }),
    );

    app.get(CA_EXPORT_PATH, (req, reply) =>
      answering(reply, async () => {
        const { ctx } = await callerFor(deps, req, reply);
        const principal = readPrincipal(ctx);
        const query = parseQuery(caExportQuerySchema, req.query);
        const filter = caFilter(query);
        const now = ctx.clock();
        const { conditions } = eventScope(
          eventFilterSchema.parse(filter),
          tenantScopeOf(principal),
          now,
        );
        const fileName = `audits-${query.startTs.getTime()}-${query.endTs.getTime()}.zip`;
        const format = query.format.toUpperCase();
        return sendAuditsZip(reply, {
          db: ctx.db,
          conditions,
          format: query.format,
          entryName: `audits.${query.format}`,
          fileName,
          columns: CA_FIELD_NAMES,
          rowOf: (row: ArchiveRow) => caAuditOf(row),
          now,
          // Streamed, not a job: the export is recorded here, as exports.create records its job.
          beforeSending: () =>
            recordOwnEvent(
              ctx.db,
              ctx.meta,
              {
                task: 'exports.download',
                actor: actorName(principal),
                status: 'success',
                description: `Exported events as ${format} through ${CA_EXPORT_PATH} (${fileName})`,
                objectType: 'export',
                objectName: fileName,
                metadata: { filter, format: query.format, path: CA_EXPORT_PATH },
              },
              now,
            ),
        });
      }),
    );

    answerOtherPaths(app, '/tenant-admin/', [CA_AUDITS_PATH, CA_EXPORT_PATH]);
  },
};
