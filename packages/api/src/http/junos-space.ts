import XMLBuilder from 'fast-xml-builder';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { oas31 } from 'openapi3-ts';
import { z } from 'zod';

import { MAX_LIST_OFFSET, type Sort } from '../data/events';
import { whereSize, MAX_WHERE_COMPARISONS, MAX_WHERE_DEPTH } from '../filters/schema';
import { readPrincipal } from '../trpc';
import {
  JunosSyntaxError,
  parseJunosFilter,
  parseJunosPaging,
  parseJunosSort,
} from './junos-filter';
import {
  JUNOS_FIELD_NAMES,
  JUNOS_FIELDS,
  STATUS_LABELS,
  junosWhere,
  type JunosField,
} from './junos-mapping';
import { formatLogTime, parseXDate, type JunosZone } from './junos-time';
import {
  answering,
  callerFor,
  jsonSchemaOf,
  problem,
  problemResponses,
  READ_SECURITY,
  sendProblem,
  type Caller,
  type HttpSurface,
  type Problem,
} from './surface';

/**
 * Junos Space's audit-log API (seed 002): `GET /api/space/audit-log-management/audit-logs`
 * (filter=, sortby=, paging=, x-date) and `…/audit-logs/{key}`, in XML by default and in
 * JSON when Accept asks for it, in the seed's shapes. An adapter: it reads the request into
 * `auditLogs.list` / `auditLogs.byId` (the one filter model's `where` tree) as the caller.
 */

export const JUNOS_BASE = '/api/space/audit-log-management/audit-logs';

const VENDOR = 'application/vnd.net.juniper.space.audit-log-management';
const MEDIA = {
  list: { json: `${VENDOR}.audit-logs+json;version=1`, xml: `${VENDOR}.audit-logs+xml;version=1` },
  one: { json: `${VENDOR}.audit-log+json;version=1`, xml: `${VENDOR}.audit-log+xml;version=1` },
} as const;

/** What a list answers when `paging=` gives no limit (the list's own default). */
export const JUNOS_DEFAULT_LIMIT = 50;
const MAX_LIMIT = 2000;

// ---------------------------------------------------------------- content negotiation

interface Answer {
  format: 'json' | 'xml';
  /** The vendor media type was asked for: answer with it. */
  vendor: boolean;
}

/**
 * XML unless Accept prefers JSON (`application/json`, any `+json`); the vendor types are
 * answered in kind. Null when Accept takes neither (a 406).
 */
export function negotiate(accept: string | undefined): Answer | null {
  if (!accept?.trim()) return { format: 'xml', vendor: false };
  const best = { json: -1, xml: -1, vendorJson: false, vendorXml: false };
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!(q > 0)) continue;
    const vendor = type.startsWith(VENDOR);
    if (type === 'application/json' || type.endsWith('+json')) {
      if (q > best.json) best.json = q;
      best.vendorJson ||= vendor;
    } else if (type === 'application/xml' || type === 'text/xml' || type.endsWith('+xml')) {
      if (q > best.xml) best.xml = q;
      best.vendorXml ||= vendor;
    } else if (type === '*/*' || type === 'application/*') {
      if (q > best.xml) best.xml = q;
    }
  }
  if (best.json < 0 && best.xml < 0) return null;
  return best.json > best.xml
    ? { format: 'json', vendor: best.vendorJson }
    : { format: 'xml', vendor: best.vendorXml };
}

// ---------------------------------------------------------------- answers

type ListedEvent = Awaited<ReturnType<Caller['auditLogs']['list']>>['items'][number];

// Characters XML 1.0 cannot carry (control characters but tab, newline and return).
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** One entry's fields, in the seed's order; a field without a value is left out. */
function fieldsOf(event: ListedEvent, zone: JunosZone): Partial<Record<JunosField, string>> {
  const fields: Partial<Record<JunosField, string>> = {};
  for (const name of JUNOS_FIELD_NAMES) {
    let value: string | null;
    if (name === 'logTime') value = formatLogTime(new Date(event.occurredAt), zone);
    else if (name === 'result') value = event[JUNOS_FIELDS.result] ?? STATUS_LABELS[event.status];
    else value = event[JUNOS_FIELDS[name]];
    if (value !== null) fields[name] = value;
  }
  return fields;
}

const uriOf = (id: string) => `${JUNOS_BASE}/${id}`;

function jsonEntry(event: ListedEvent, zone: JunosZone) {
  const uri = uriOf(event.id);
  return { '@href': uri, '@uri': uri, '@key': event.id, ...fieldsOf(event, zone) };
}

function xmlEntry(event: ListedEvent, zone: JunosZone) {
  const uri = uriOf(event.id);
  const fields = Object.fromEntries(
    Object.entries(fieldsOf(event, zone)).map(([name, value]) => [
      name,
      value.replace(NOT_XML, '\uFFFD'),
    ]),
  );
  return { '@key': event.id, '@href': uri, '@uri': uri, ...fields };
}

const xml = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  format: true,
  suppressEmptyNode: false,
});
const XML_DECLARATION = { '?xml': { '@version': '1.0', '@encoding': 'UTF-8' } };

function send(
  reply: FastifyReply,
  answer: Answer,
  kind: 'list' | 'one',
  json: unknown,
  doc: unknown,
) {
  const type = answer.vendor
    ? MEDIA[kind][answer.format]
    : answer.format === 'json'
      ? 'application/json'
      : 'application/xml';
  reply.header('vary', 'Accept, x-date');
  const text =
    answer.format === 'json'
      ? JSON.stringify(json)
      : xml.build({ ...XML_DECLARATION, ...(doc as object) });
  // Bytes: Fastify leaves the media type as written (a string would get `; version="1"; charset`).
  return reply.type(type).send(Buffer.from(text, 'utf8'));
}

// ---------------------------------------------------------------- reading the request

/** A 400 naming the parameter (`filter: at 14: expected …`). */
function badParameter(name: string, reason: string): Problem {
  return problem(400, `${name}: ${reason}`, { errors: [{ field: name, message: reason }] });
}

class ParameterError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

function single(query: unknown, name: string): string | undefined {
  const value = (query as Record<string, unknown> | undefined)?.[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ParameterError(badParameter(name, 'give it once'));
  return value;
}

function parsed<T>(name: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof JunosSyntaxError)
      throw new ParameterError(badParameter(name, error.message));
    throw error;
  }
}

function zoneOf(req: FastifyRequest): JunosZone {
  const header = req.headers['x-date'];
  try {
    return parseXDate(Array.isArray(header) ? header[0] : header);
  } catch (error) {
    throw new ParameterError(badParameter('x-date', (error as Error).message));
  }
}

/** The list input a Junos query stands for. */
function listInput(query: unknown, zone: JunosZone) {
  const filterText = single(query, 'filter');
  const where = filterText?.trim()
    ? parsed('filter', () => junosWhere(parseJunosFilter(filterText, JUNOS_FIELD_NAMES), zone))
    : undefined;
  if (where) {
    const { depth, comparisons } = whereSize(where);
    if (depth > MAX_WHERE_DEPTH || comparisons > MAX_WHERE_COMPARISONS) {
      throw new ParameterError(
        badParameter(
          'filter',
          `too large: at most ${MAX_WHERE_COMPARISONS} comparisons, and/or nested at most ` +
            `${MAX_WHERE_DEPTH} levels as stored (logTime eq takes one, result two)`,
        ),
      );
    }
  }

  const sortText = single(query, 'sortby');
  let sort: Sort = { field: 'occurredAt', direction: 'desc' };
  if (sortText?.trim()) {
    const sorts = parsed('sortby', () => parseJunosSort(sortText, JUNOS_FIELD_NAMES));
    const [first, second] = sorts;
    if (second) throw new ParameterError(badParameter('sortby', `at ${second.at}: one field only`));
    if (first) {
      sort = {
        field: JUNOS_FIELDS[first.field as JunosField],
        direction: first.direction === 'ascending' ? 'asc' : 'desc',
      };
    }
  }

  const pagingText = single(query, 'paging');
  const paging = pagingText?.trim() ? parsed('paging', () => parseJunosPaging(pagingText)) : {};
  const limit = paging.limit ?? JUNOS_DEFAULT_LIMIT;
  if (limit < 1 || limit > MAX_LIMIT) {
    throw new ParameterError(badParameter('paging', `limit must be from 1 to ${MAX_LIMIT}`));
  }
  const offset = paging.start ?? 0;
  if (offset > MAX_LIST_OFFSET) {
    throw new ParameterError(badParameter('paging', `start must be at most ${MAX_LIST_OFFSET}`));
  }
  return { ...(where ? { filter: { where } } : {}), sort, limit, offset, withTotal: true };
}

/** Runs a route: credentials first (a 401/403 before any 400), then its parameters. */
async function route(
  req: FastifyRequest,
  reply: FastifyReply,
  deps: Parameters<typeof callerFor>[0],
  work: (caller: Caller, answer: Answer, zone: JunosZone) => Promise<unknown>,
) {
  return await answering(reply, async () => {
    const { ctx, caller } = await callerFor(deps, req, reply);
    readPrincipal(ctx);
    const answer = negotiate(req.headers.accept);
    if (!answer) {
      return sendProblem(
        reply,
        problem(406, 'Accept: this path answers application/xml or application/json'),
      );
    }
    try {
      return await work(caller, answer, zoneOf(req));
    } catch (error) {
      if (error instanceof ParameterError) return sendProblem(reply, error.problem);
      throw error;
    }
  });
}

// ---------------------------------------------------------------- OpenAPI

const auditLogJson = z.object({
  '@href': z.string(),
  '@uri': z.string(),
  '@key': z.string(),
  ...(Object.fromEntries(JUNOS_FIELD_NAMES.map((name) => [name, z.string().optional()])) as Record<
    JunosField,
    z.ZodOptional<z.ZodString>
  >),
});
const auditLogsJson = z.object({
  'audit-logs': z.object({
    '@uri': z.string(),
    /** Every matching entry, as a string (the planner's estimate past 10 000). */
    '@size': z.string(),
    'audit-log': z.array(auditLogJson),
  }),
});

/** The XML form of an entry: attributes key, href, uri, then one element per field. */
const AUDIT_LOG_XML: oas31.SchemaObject = {
  type: 'object',
  xml: { name: 'audit-log' },
  properties: {
    key: { type: 'string', xml: { attribute: true } },
    href: { type: 'string', xml: { attribute: true } },
    uri: { type: 'string', xml: { attribute: true } },
    ...Object.fromEntries(JUNOS_FIELD_NAMES.map((name) => [name, { type: 'string' }])),
  },
};

const AUDIT_LOGS_XML: oas31.SchemaObject = {
  type: 'object',
  xml: { name: 'audit-logs' },
  properties: {
    uri: { type: 'string', xml: { attribute: true } },
    size: { type: 'string', xml: { attribute: true } },
    'audit-log': { type: 'array', items: { $ref: '#/components/schemas/JunosAuditLogXml' } },
  },
};

const FIELD_LIST = JUNOS_FIELD_NAMES.join(', ');

const X_DATE: oas31.ParameterObject = {
  name: 'x-date',
  in: 'header',
  description:
    'The client’s time zone for `logTime` (answers and `timestamp()` in filters): an IANA ' +
    'name (`Asia/Kolkata`), or a date with an offset such as the client’s current time ' +
    '(`Mon, 29 Aug 2011 11:09:18 +0530`, `2011-08-29T11:09:18+05:30`). Default: UTC.',
  schema: { type: 'string' },
  example: 'Asia/Kolkata',
};
const ACCEPT: oas31.ParameterObject = {
  name: 'Accept',
  in: 'header',
  description: 'XML unless JSON is preferred; the vendor media types are answered in kind.',
  schema: { type: 'string' },
  example: MEDIA.list.json,
};

function content(kind: 'list' | 'one'): oas31.ContentObject {
  const json: oas31.SchemaObject | oas31.ReferenceObject =
    kind === 'list'
      ? { $ref: '#/components/schemas/JunosAuditLogs' }
      : {
          type: 'object',
          properties: { 'audit-log': { $ref: '#/components/schemas/JunosAuditLog' } },
        };
  const xmlSchema: oas31.ReferenceObject =
    kind === 'list'
      ? { $ref: '#/components/schemas/JunosAuditLogsXml' }
      : { $ref: '#/components/schemas/JunosAuditLogXml' };
  return {
    'application/xml': { schema: xmlSchema },
    [MEDIA[kind].xml]: { schema: xmlSchema },
    'application/json': { schema: json },
    [MEDIA[kind].json]: { schema: json },
  };
}

const TAG = 'Junos Space';

export const junosSpaceSurface: HttpSurface = {
  tag: {
    name: TAG,
    description:
      'Junos Space’s audit-log API, in its own XML and JSON shapes, for its existing clients.',
  },
  schemas: {
    JunosAuditLogs: jsonSchemaOf(auditLogsJson, 'output'),
    JunosAuditLog: jsonSchemaOf(auditLogJson, 'output'),
    JunosAuditLogsXml: AUDIT_LOGS_XML,
    JunosAuditLogXml: AUDIT_LOG_XML,
  },
  paths: {
    [JUNOS_BASE]: {
      get: {
        tags: [TAG],
        operationId: 'junosSpaceAuditLogs',
        summary: 'Audit log entries, filtered, sorted and paged',
        description:
          `Fields: ${FIELD_LIST} (key is the entry’s id). \`result\` is the result code, or ` +
          'the status (Success, Failure, Job Scheduled, Recurring Job Scheduled). `@size` ' +
          'counts every match (the planner’s estimate past 10 000).',
        security: READ_SECURITY,
        parameters: [
          {
            name: 'filter',
            in: 'query',
            description:
              `\`(field op value)\` on ${FIELD_LIST}; ops eq, ne, gt, ge, lt, le, contains, ` +
              "starts-with; `and`/`or` with parentheses; `timestamp('2011-08-29 11:01:25')` " +
              'for logTime (in the x-date zone, to the second).',
            schema: { type: 'string' },
            example: "(logTime gt timestamp('2011-08-29 11:01:25'))",
          },
          {
            name: 'sortby',
            in: 'query',
            description: `\`(field(ascending|descending))\`, one of ${FIELD_LIST} (result sorts by the result code). Default: newest first.`,
            schema: { type: 'string' },
            example: '(logTime(descending))',
          },
          {
            name: 'paging',
            in: 'query',
            description: `\`(start eq N, limit eq M)\`: start 0–${MAX_LIST_OFFSET}, limit 1–${MAX_LIMIT} (default ${JUNOS_DEFAULT_LIMIT}).`,
            schema: { type: 'string' },
            example: '(start eq 0, limit eq 25)',
          },
          X_DATE,
          ACCEPT,
        ],
        responses: {
          '200': { description: 'The matching entries.', content: content('list') },
          ...problemResponses(400, 403, 406),
        },
      },
    },
    [`${JUNOS_BASE}/{key}`]: {
      get: {
        tags: [TAG],
        operationId: 'junosSpaceAuditLog',
        summary: 'One audit log entry',
        security: READ_SECURITY,
        parameters: [
          {
            name: 'key',
            in: 'path',
            required: true,
            description: 'The entry’s key (its id).',
            schema: { type: 'string', pattern: '^\\d{1,19}$' },
          },
          X_DATE,
          ACCEPT,
        ],
        responses: {
          '200': { description: 'The entry.', content: content('one') },
          ...problemResponses(400, 403, 404, 406),
        },
      },
    },
  },

  register(app, { deps }) {
    app.get(JUNOS_BASE, (req, reply) =>
      route(req, reply, deps, async (caller, answer, zone) => {
        const page = await caller.auditLogs.list(listInput(req.query, zone));
        const size = String(page.total ?? page.items.length);
        return send(
          reply,
          answer,
          'list',
          {
            'audit-logs': {
              '@uri': JUNOS_BASE,
              '@size': size,
              'audit-log': page.items.map((event) => jsonEntry(event, zone)),
            },
          },
          {
            'audit-logs': {
              '@uri': JUNOS_BASE,
              '@size': size,
              'audit-log': page.items.map((event) => xmlEntry(event, zone)),
            },
          },
        );
      }),
    );

    app.get<{ Params: { key: string } }>(`${JUNOS_BASE}/:key`, (req, reply) =>
      route(req, reply, deps, async (caller, answer, zone) => {
        const { key } = req.params;
        // Not a key this server gives: nothing there.
        if (!/^\d{1,18}$/.test(key)) {
          return sendProblem(reply, problem(404, `no audit log with key ${key}`));
        }
        const event = await caller.auditLogs.byId({ id: key });
        return send(
          reply,
          answer,
          'one',
          { 'audit-log': jsonEntry(event, zone) },
          { 'audit-log': xmlEntry(event, zone) },
        );
      }),
    );
  },
};
