import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { oas31 } from 'openapi3-ts';
import type { z } from 'zod';

import { appRouter, type ProcedurePath } from '../root';
import { SORT_FIELDS } from '../data/events';
import { serveArchiveDownload } from './archive-download';
import {
  answering,
  callerFor,
  jsonSchemaOf,
  problem,
  problemResponses,
  READ_SECURITY,
  SHARED_SCHEMAS,
  sendProblem,
  type Caller,
  type HttpSurface,
  type Problem,
  type SurfaceDeps,
} from './surface';

/**
 * `/api/v1`: the tRPC procedures as REST resources. Every route names the procedure it calls
 * and where that procedure's input comes from (path, query, body); the call goes through a
 * tRPC caller with the request's credentials, so authorisation, validation, data access and
 * auditing are the procedure's own. The OpenAPI description of each route is generated from
 * that procedure's input and output schemas.
 */

export const REST_PREFIX = '/api/v1';

/** Who may call a route, as the procedure's builder (trpc.ts) decides it; for the docs. */
type Access = 'public' | 'signed-in' | 'user' | 'read' | 'ingest' | 'admin';

const SECURITY: Record<Access, oas31.SecurityRequirementObject[]> = {
  public: [],
  'signed-in': [...READ_SECURITY],
  user: [{ basicAuth: [] }, { sessionCookie: [] }],
  read: READ_SECURITY,
  ingest: [{ bearerToken: [] }],
  admin: [{ basicAuth: [] }, { sessionCookie: [] }],
};

const ACCESS_NOTE: Record<Access, string> = {
  public: 'Anyone.',
  'signed-in': 'Anyone signed in, or holding an API token.',
  user: 'A person (session or HTTP Basic), any role.',
  read: 'Auditors, admins, and API tokens with the `read` scope (only their own tenant).',
  ingest: 'API tokens with the `ingest` scope.',
  admin: 'Admins (session or HTTP Basic); never a token.',
};

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface RestRoute {
  method: Method;
  /** Under REST_PREFIX, OpenAPI style: `/events/{id}`. */
  path: string;
  procedure: ProcedurePath;
  operationId: string;
  summary: string;
  access: Access;
  /**
   * Where the input comes from besides the path's parameters: the query string (GET), the
   * body, or nothing. `lift` names an object of the input whose fields are query parameters of
   * their own (the filter: `?userName=alice&status=failure`).
   */
  input: { from: 'query'; lift?: string } | { from: 'body' } | { from: 'none' };
  /** Query parameters that are not the input's own JSON form (`sort=-occurredAt`). */
  decode?: Record<string, { schema: oas31.SchemaObject; description: string; decode: Decoder }>;
  /** The body as a client may send it, when it is not the input itself (one event or a batch). */
  body?: { schema: (input: oas31.SchemaObject) => oas31.SchemaObject; toInput: Decoder };
  /** Status of success: 200, or 201 for a created resource, 202 for a job started. */
  status?: 200 | 201 | 202;
  /** Problem statuses besides 401 and 503. */
  errors: number[];
}

type Decoder = (value: unknown) => unknown;

/** `occurredAt` ascending, `-occurredAt` descending. */
function decodeSort(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value.startsWith('-')
    ? { field: value.slice(1), direction: 'desc' }
    : { field: value, direction: 'asc' };
}

const SORT_PARAM = {
  schema: {
    type: 'string',
    enum: SORT_FIELDS.flatMap((field) => [field, `-${field}`]),
    default: '-occurredAt',
  },
  description: 'The field to sort by; `-` in front for descending. Default: newest first.',
  decode: decodeSort,
} satisfies NonNullable<RestRoute['decode']>[string];

/** One event, an array of them, or `{ events: [...] }`: always the procedure's `{ events }`. */
const EVENTS_BODY: NonNullable<RestRoute['body']> = {
  schema: (input) => {
    const events = (input.properties?.events ?? {}) as oas31.SchemaObject;
    return { oneOf: [input, events, events.items ?? {}] };
  },
  toInput: (body) =>
    Array.isArray(body)
      ? { events: body }
      : body !== null && typeof body === 'object' && 'events' in body
        ? body
        : { events: [body] },
};

const FILTER = { from: 'query', lift: 'filter' } as const;

export const REST_ROUTES: readonly RestRoute[] = [
  // ------------------------------------------------------------ events
  {
    method: 'POST',
    path: '/events',
    procedure: 'auditLogs.record',
    operationId: 'recordEvents',
    summary:
      'Record one event or a batch (up to 1 000); retries with the same eventId are stored once',
    access: 'ingest',
    input: { from: 'body' },
    body: EVENTS_BODY,
    errors: [400, 403, 413],
  },
  {
    method: 'GET',
    path: '/events',
    procedure: 'auditLogs.list',
    operationId: 'listEvents',
    summary:
      'List events: every filter field as a query parameter (repeat it for any of several values), the search box as `q`',
    access: 'read',
    input: FILTER,
    decode: { sort: SORT_PARAM },
    errors: [400, 403],
  },
  {
    method: 'GET',
    path: '/events/histogram',
    procedure: 'auditLogs.histogram',
    operationId: 'eventHistogram',
    summary: 'Count matching events per time bucket and status',
    access: 'read',
    input: FILTER,
    errors: [400, 403],
  },
  {
    method: 'GET',
    path: '/events/facets',
    procedure: 'auditLogs.facets',
    operationId: 'eventFacets',
    summary: 'The most frequent values of fields among matching events',
    access: 'read',
    input: FILTER,
    errors: [400, 403],
  },
  {
    method: 'GET',
    path: '/events/{id}',
    procedure: 'auditLogs.byId',
    operationId: 'getEvent',
    summary: 'One event, every field, with its job',
    access: 'read',
    input: { from: 'query' },
    errors: [400, 403, 404],
  },
  // ------------------------------------------------------------ exports and archives
  {
    method: 'POST',
    path: '/exports',
    procedure: 'exports.create',
    operationId: 'createExport',
    summary: 'Start an export of the matching events (a job; its archive appears under /exports)',
    access: 'read',
    input: { from: 'body' },
    status: 202,
    errors: [400, 403],
  },
  {
    method: 'GET',
    path: '/exports',
    procedure: 'exports.list',
    operationId: 'listArchives',
    summary: 'Archives: finished exports, and what purges archived',
    access: 'read',
    input: { from: 'query' },
    errors: [400, 403],
  },
  // ------------------------------------------------------------ jobs
  {
    method: 'GET',
    path: '/jobs',
    procedure: 'jobs.list',
    operationId: 'listJobs',
    summary: 'Jobs, newest first',
    access: 'read',
    input: { from: 'query' },
    errors: [400, 403],
  },
  {
    method: 'GET',
    path: '/jobs/{id}',
    procedure: 'jobs.byId',
    operationId: 'getJob',
    summary: 'One job: state, progress, result',
    access: 'read',
    input: { from: 'none' },
    errors: [400, 403, 404],
  },
  {
    method: 'POST',
    path: '/jobs/{id}/cancel',
    procedure: 'jobs.cancel',
    operationId: 'cancelJob',
    summary: 'Cancel a job (admins: any; auditors: their own)',
    access: 'user',
    input: { from: 'none' },
    errors: [400, 403, 404, 409],
  },
  {
    method: 'PUT',
    path: '/jobs/by-key/{key}',
    procedure: 'jobs.report',
    operationId: 'reportJob',
    summary: "A service's report of its own job, named by its own key (created or updated)",
    access: 'ingest',
    input: { from: 'body' },
    errors: [400, 403, 409],
  },
  // ------------------------------------------------------------ purge and retention
  {
    method: 'POST',
    path: '/purges/preview',
    procedure: 'purge.preview',
    operationId: 'previewPurge',
    summary: 'How many events a purge with these settings would remove now',
    access: 'admin',
    input: { from: 'body' },
    errors: [400, 403],
  },
  {
    method: 'POST',
    path: '/purges',
    procedure: 'purge.create',
    operationId: 'createPurge',
    summary:
      'Start a purge (a job); with `archive: true` nothing is deleted before its archive is verified',
    access: 'admin',
    input: { from: 'body' },
    status: 202,
    errors: [400, 403],
  },
  {
    method: 'GET',
    path: '/retention',
    procedure: 'retention.get',
    operationId: 'getRetention',
    summary: 'The retention settings, the next run and the last',
    access: 'admin',
    input: { from: 'none' },
    errors: [403],
  },
  {
    method: 'PUT',
    path: '/retention',
    procedure: 'retention.set',
    operationId: 'setRetention',
    summary: 'Change the retention settings',
    access: 'admin',
    input: { from: 'body' },
    errors: [400, 403],
  },
  // ------------------------------------------------------------ legal holds
  {
    method: 'GET',
    path: '/holds',
    procedure: 'holds.list',
    operationId: 'listHolds',
    summary: 'Legal holds, active and released, newest first, with how many events each keeps',
    access: 'user',
    input: { from: 'query' },
    errors: [400, 403],
  },
  {
    method: 'POST',
    path: '/holds',
    procedure: 'holds.create',
    operationId: 'createHold',
    summary:
      'Place a legal hold: purge and retention keep the events its filter matches until it is released',
    access: 'admin',
    input: { from: 'body' },
    status: 201,
    errors: [400, 403, 409],
  },
  {
    method: 'POST',
    path: '/holds/{id}/release',
    procedure: 'holds.release',
    operationId: 'releaseHold',
    summary: 'Release a legal hold: the events only it kept may be purged again',
    access: 'admin',
    input: { from: 'none' },
    errors: [400, 403, 404, 409],
  },
  // ------------------------------------------------------------ integrity
  {
    method: 'GET',
    path: '/integrity/public-key',
    procedure: 'integrity.publicKey',
    operationId: 'getIntegrityPublicKey',
    summary: 'The Ed25519 public key the seal chain is signed with (all an offline verifier needs)',
    access: 'read',
    input: { from: 'none' },
    errors: [403],
  },
  {
    method: 'GET',
    path: '/integrity/verify',
    procedure: 'integrity.verify',
    operationId: 'verifyIntegrity',
    summary:
      'Check the seal chain and the events it seals: altered, missing, inserted, unsealed events, broken or badly signed entries',
    access: 'read',
    input: { from: 'query' },
    errors: [400, 403],
  },
  {
    method: 'GET',
    path: '/integrity/gaps',
    procedure: 'integrity.gaps',
    operationId: 'listSequenceGaps',
    summary:
      "Producers' sequence gaps open longer than the grace period (default 5 minutes): events sent that never arrived",
    access: 'read',
    input: { from: 'query' },
    errors: [400, 403],
  },
  {
    method: 'GET',
    path: '/integrity/status',
    procedure: 'integrity.status',
    operationId: 'getIntegrityStatus',
    summary: 'How far events are sealed, and the last and next verification',
    access: 'read',
    input: { from: 'none' },
    errors: [403],
  },
  {
    method: 'POST',
    path: '/integrity/verifications',
    procedure: 'integrity.startVerify',
    operationId: 'startIntegrityVerification',
    summary: 'Verify the whole chain now, as a job (its result holds the report)',
    access: 'admin',
    input: { from: 'none' },
    status: 202,
    errors: [403],
  },
  // ------------------------------------------------------------ users and tokens
  {
    method: 'GET',
    path: '/users',
    procedure: 'users.list',
    operationId: 'listUsers',
    summary: 'People who may sign in',
    access: 'admin',
    input: { from: 'none' },
    errors: [403],
  },
  {
    method: 'POST',
    path: '/users',
    procedure: 'users.create',
    operationId: 'createUser',
    summary: 'Add a person (auditor or admin)',
    access: 'admin',
    input: { from: 'body' },
    status: 201,
    errors: [400, 403, 409],
  },
  {
    method: 'PATCH',
    path: '/users/{id}',
    procedure: 'users.update',
    operationId: 'updateUser',
    summary: "Change a person's role, password, or whether they may sign in",
    access: 'admin',
    input: { from: 'body' },
    errors: [400, 403, 404, 409],
  },
  {
    method: 'GET',
    path: '/tokens',
    procedure: 'tokens.list',
    operationId: 'listTokens',
    summary: 'API tokens (never their secrets)',
    access: 'admin',
    input: { from: 'none' },
    errors: [403],
  },
  {
    method: 'POST',
    path: '/tokens',
    procedure: 'tokens.create',
    operationId: 'createToken',
    summary: 'Make an API token; its secret is in this answer only',
    access: 'admin',
    input: { from: 'body' },
    status: 201,
    errors: [400, 403],
  },
  {
    method: 'DELETE',
    path: '/tokens/{id}',
    procedure: 'tokens.revoke',
    operationId: 'revokeToken',
    summary: 'Revoke an API token',
    access: 'admin',
    input: { from: 'none' },
    errors: [400, 403, 404],
  },
  // ------------------------------------------------------------ sign-in
  {
    method: 'POST',
    path: '/auth/login',
    procedure: 'auth.login',
    operationId: 'login',
    summary: 'Sign in: sets the session cookie',
    access: 'public',
    input: { from: 'body' },
    errors: [400, 429],
  },
  {
    method: 'POST',
    path: '/auth/logout',
    procedure: 'auth.logout',
    operationId: 'logout',
    summary: 'Sign out (`everywhere: true`: every session of this person)',
    access: 'user',
    input: { from: 'body' },
    errors: [400, 403],
  },
  {
    method: 'GET',
    path: '/auth/me',
    procedure: 'auth.me',
    operationId: 'me',
    summary: 'Who the credentials name',
    access: 'signed-in',
    input: { from: 'none' },
    errors: [],
  },
];

// ---------------------------------------------------------------- schemas of a procedure

interface ProcedureDef {
  type: 'query' | 'mutation' | 'subscription';
  inputs: z.ZodType[];
  output?: z.ZodType;
}

function procedureDef(name: ProcedurePath): ProcedureDef {
  const procedures = appRouter._def.procedures as Record<string, unknown>;
  return (procedures[name] as { _def: ProcedureDef })._def;
}

/** The JSON Schema of what the procedure takes (an empty object when it takes nothing). */
function inputSchemaOf(name: ProcedurePath): oas31.SchemaObject {
  const [input] = procedureDef(name).inputs;
  if (!input) return { type: 'object', properties: {} };
  const schema = jsonSchemaOf(input, 'input');
  return schema.type === 'object' ? schema : { type: 'object', properties: {} };
}

function outputSchemaOf(name: ProcedurePath): oas31.SchemaObject {
  const { output } = procedureDef(name);
  return output ? jsonSchemaOf(output, 'output') : {};
}

function propertiesOf(schema: oas31.SchemaObject | oas31.ReferenceObject | undefined) {
  return ((schema as oas31.SchemaObject | undefined)?.properties ?? {}) as Record<
    string,
    oas31.SchemaObject
  >;
}

/** The path's `{name}` parameters. */
function pathParams(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
}

/** Each query parameter of a route with its schema: the input's own fields, lifted ones, decoded ones. */
function queryParams(
  route: RestRoute,
): Map<string, { schema: oas31.SchemaObject; lifted: boolean }> {
  const params = new Map<string, { schema: oas31.SchemaObject; lifted: boolean }>();
  if (route.input.from !== 'query') return params;
  const input = inputSchemaOf(route.procedure);
  const skip = new Set(pathParams(route.path));
  for (const [name, schema] of Object.entries(propertiesOf(input))) {
    if (skip.has(name)) continue;
    if (name === route.input.lift) {
      for (const [inner, innerSchema] of Object.entries(propertiesOf(schema))) {
        if (params.has(inner)) throw new Error(`${route.path}: query parameter ${inner} twice`);
        params.set(inner, { schema: innerSchema, lifted: true });
      }
    } else {
      params.set(name, { schema: route.decode?.[name]?.schema ?? schema, lifted: false });
    }
  }
  return params;
}

// ---------------------------------------------------------------- query strings

/** The JSON types a schema allows (through anyOf/oneOf). */
function typesOf(schema: oas31.SchemaObject): Set<string> {
  const types = new Set<string>();
  const visit = (s: oas31.SchemaObject & { $ref?: string }) => {
    // A named schema (the filter's `where` tree): its own types.
    const named = s.$ref?.replace('#/components/schemas/', '');
    const shared = named === undefined ? undefined : SHARED_SCHEMAS.get(named);
    if (shared) {
      visit(shared);
      return;
    }
    if (typeof s.type === 'string') types.add(s.type);
    else if (Array.isArray(s.type)) s.type.forEach((t) => types.add(t));
    for (const sub of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) visit(sub as oas31.SchemaObject);
  };
  visit(schema);
  return types;
}

/**
 * A query string value as the input's JSON would have it, by the parameter's schema: numbers
 * and booleans from their text, objects from JSON, arrays from repeated parameters. A value
 * that does not convert stays text, for the procedure's schema to refuse by name.
 */
function fromQuery(value: string | string[], schema: oas31.SchemaObject): unknown {
  const types = typesOf(schema);
  const item = (schema.items ??
    (schema.anyOf ?? []).map((s) => (s as oas31.SchemaObject).items).find(Boolean) ??
    {}) as oas31.SchemaObject;
  if (Array.isArray(value)) return value.map((each) => fromQuery(each, item));
  if (types.has('string')) return value;
  if ((types.has('integer') || types.has('number')) && /^-?\d+(\.\d+)?$/.test(value)) {
    return Number(value);
  }
  if (types.has('boolean') && (value === 'true' || value === 'false')) return value === 'true';
  if ((types.has('object') || types.has('array')) && /^\s*[[{]/.test(value)) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  // A list given once (`?fields=userName`) is a list of one.
  if (types.has('array')) return [fromQuery(value, item)];
  return value;
}

// ---------------------------------------------------------------- serving

/**
 * The procedure's input from the request: path parameters, then query or body. A query
 * parameter the route does not know goes into the input as it is, so that the procedure
 * refuses it after checking the caller (a stranger learns nothing of the parameters); its
 * name is returned to restate that refusal.
 */
function inputOf(route: RestRoute, req: FastifyRequest): { input: unknown; unknown: string[] } {
  const input: Record<string, unknown> = {};
  const params = (req.params ?? {}) as Record<string, string>;
  for (const name of pathParams(route.path)) input[name] = params[name];
  const unknown: string[] = [];

  if (route.input.from === 'query') {
    const known = queryParams(route);
    const lifted: Record<string, unknown> = {};
    const query = (req.query ?? {}) as Record<string, string | string[]>;
    for (const [name, value] of Object.entries(query)) {
      const param = known.get(name);
      if (!param) {
        unknown.push(name);
        input[name] = value;
      } else {
        const decoded = route.decode?.[name]?.decode(value) ?? fromQuery(value, param.schema);
        if (param.lifted) lifted[name] = decoded;
        else input[name] = decoded;
      }
    }
    if (route.input.lift && Object.keys(lifted).length) input[route.input.lift] = lifted;
    return { input, unknown };
  }
  if (route.input.from === 'body') {
    const body = route.body ? route.body.toInput(req.body) : req.body;
    if (pathParams(route.path).length === 0) return { input: body ?? {}, unknown };
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      return { input: body, unknown };
    }
    return { input: { ...body, ...input }, unknown };
  }
  return { input: pathParams(route.path).length ? input : undefined, unknown };
}

/** Calls a procedure by its dotted name (`auditLogs.list`) on a caller. */
function call(caller: Caller, name: ProcedurePath, input: unknown): Promise<unknown> {
  const [routerName = '', procedure = ''] = name.split('.');
  const routerCaller = (
    caller as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>
  )[routerName];
  const fn = routerCaller?.[procedure];
  if (!fn) throw new Error(`no procedure ${name}`);
  return fn(input);
}

/** A problem's field names as this route's client sent them (`userName`, not `filter.userName`). */
function renameFields(route: RestRoute, body: Problem): Problem {
  const lift = route.input.from === 'query' ? route.input.lift : undefined;
  if (!lift) return body;
  const strip = (text: string) => text.replaceAll(`${lift}.`, '');
  return {
    ...body,
    detail: strip(body.detail),
    ...(body.errors ? { errors: body.errors.map((e) => ({ ...e, field: strip(e.field) })) } : {}),
  };
}

async function serve(
  route: RestRoute,
  surface: SurfaceDeps,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<unknown> {
  const { input, unknown } = inputOf(route, req);
  const where = `${route.method} ${REST_PREFIX}${route.path}`;
  const restate = (body: Problem): Problem => {
    if (body.status === 400 && unknown.length) {
      const known = [...queryParams(route).keys()].join(', ');
      return problem(400, `${unknown.join(', ')}: not a parameter of ${where}; known: ${known}`);
    }
    return renameFields(route, body);
  };
  return answering(
    reply,
    async () => {
      const { caller } = await callerFor(surface.deps, req, reply);
      const result = await call(caller, route.procedure, input);
      if (route.status === 202) {
        const jobId = (result as { id?: unknown }).id;
        if (typeof jobId === 'string') reply.header('location', `${REST_PREFIX}/jobs/${jobId}`);
      }
      return reply.code(route.status ?? 200).send(result);
    },
    restate,
  );
}

function fastifyPath(path: string): string {
  return REST_PREFIX + path.replace(/\{(\w+)\}/g, ':$1');
}

// ---------------------------------------------------------------- OpenAPI

function operationOf(route: RestRoute): oas31.OperationObject {
  const input = inputSchemaOf(route.procedure);
  const inputProps = propertiesOf(input);
  const parameters: oas31.ParameterObject[] = pathParams(route.path).map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: inputProps[name] ?? { type: 'string' },
  }));
  const required = new Set(input.required ?? []);
  for (const [name, { schema, lifted }] of queryParams(route)) {
    const decoded = route.decode?.[name];
    parameters.push({
      name,
      in: 'query',
      required: !lifted && !decoded && required.has(name),
      ...(decoded ? { description: decoded.description } : {}),
      schema,
      // Several values: the parameter repeated (`?status=failure&status=success`).
      ...(typesOf(schema).has('array') ? { style: 'form', explode: true } : {}),
    });
  }
  const operation: oas31.OperationObject = {
    operationId: route.operationId,
    summary: route.summary,
    description: `${ACCESS_NOTE[route.access]} Calls the tRPC procedure \`${route.procedure}\`.`,
    tags: ['REST API'],
    security: SECURITY[route.access],
    'x-trpc-procedure': route.procedure,
    parameters,
    responses: {
      [String(route.status ?? 200)]: {
        description: 'OK',
        content: { 'application/json': { schema: outputSchemaOf(route.procedure) } },
      },
      ...problemResponses(...route.errors),
    },
  };
  if (route.input.from === 'body') {
    const skip = new Set(pathParams(route.path));
    const bodySchema: oas31.SchemaObject = {
      ...input,
      properties: Object.fromEntries(
        Object.entries(inputProps).filter(([name]) => !skip.has(name)),
      ),
      ...(input.required ? { required: input.required.filter((name) => !skip.has(name)) } : {}),
    };
    operation.requestBody = {
      required: true,
      content: {
        'application/json': { schema: route.body ? route.body.schema(bodySchema) : bodySchema },
      },
    };
  }
  return operation;
}

function restPaths(): oas31.PathsObject {
  const paths: oas31.PathsObject = {};
  for (const route of REST_ROUTES) {
    const item = (paths[REST_PREFIX + route.path] ??= {}) as Record<string, oas31.OperationObject>;
    item[route.method.toLowerCase()] = operationOf(route);
  }
  paths[`${REST_PREFIX}/archives/{id}/download`] = {
    get: {
      operationId: 'downloadArchive',
      summary: 'Download an archive (.zip): an export, or what a purge archived',
      description: ACCESS_NOTE.read,
      tags: ['REST API'],
      security: READ_SECURITY,
      parameters: [
        {
          name: 'id',
          in: 'path',
          required: true,
          schema: { type: 'string', pattern: '^\\d{1,19}$' },
        },
      ],
      responses: {
        '200': {
          description: 'The archive',
          content: {
            'application/zip': { schema: { type: 'string', contentMediaType: 'application/zip' } },
          },
        },
        ...problemResponses(403, 404),
      },
    },
  };
  return paths;
}

export const restV1Surface: HttpSurface = {
  tag: {
    name: 'REST API',
    description:
      'The tRPC procedures as REST resources: same credentials, checks and answers. Filters are query parameters named as the event fields (repeat one for any of several values).',
  },
  get paths() {
    return restPaths();
  },
  register(app: FastifyInstance, surface: SurfaceDeps) {
    for (const route of REST_ROUTES) {
      app.route({
        method: route.method,
        url: fastifyPath(route.path),
        handler: (req, reply) => serve(route, surface, req, reply),
      });
    }
    serveArchiveDownload(app, `${REST_PREFIX}/archives/:id/download`, surface);
    // Anything else under /api/ is a problem, not the SPA.
    app.all(`${REST_PREFIX}/*`, (req, reply) =>
      sendProblem(reply, problem(404, `no route ${req.method} ${req.url.split('?')[0] ?? ''}`)),
    );
  },
};
