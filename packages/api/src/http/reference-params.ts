import type { FastifyInstance, FastifyReply } from 'fastify';
import type { oas31 } from 'openapi3-ts';
import { z, ZodError } from 'zod';

import { jsonSchemaOf, problem, sendProblem } from './surface';

/**
 * What the reference products' paths (HPE VAN SDN, CA API Portal) share: reading their query
 * strings, describing their parameters for /openapi.json, and answering unknown paths.
 */

/** A value as HPE's samples send it (`user="john.doe"`): the surrounding double quotes go. */
export function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"')
    ? value.slice(1, -1)
    : value;
}

/** `schema`, given the value with its surrounding quotes dropped (see unquote). */
export function unquoted<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (typeof value === 'string' ? unquote(value) : value), schema);
}

/**
 * For an object's refinements, which zod runs even when one of its fields failed (the field
 * then holds what was sent): compare only values that parsed.
 */
export const isDate = (value: unknown): value is Date => value instanceof Date;
export const isNumber = (value: unknown): value is number => typeof value === 'number';

/** A whole number carried in a query string, within [min, max]. */
export function intParam(min: number, max: number, tooLarge = `must be at most ${max}`) {
  return z
    .string()
    .regex(/^\d{1,15}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, tooLarge));
}

/**
 * A path's query parameters, parsed by `schema`. A parameter the path does not take is a
 * 400 naming it (a misspelt filter would otherwise widen the answer silently).
 */
export function parseQuery<S extends z.ZodObject>(schema: S, query: unknown): z.output<S> {
  const values = (query ?? {}) as Record<string, unknown>;
  const known = Object.keys(schema.shape);
  const unknown = Object.keys(values).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new ZodError(
      unknown.map((key) => ({
        code: 'custom' as const,
        path: [key],
        message: `not a parameter of this path (it takes ${known.join(', ')})`,
        input: values[key],
      })),
    );
  }
  return schema.parse(values);
}

/**
 * The OpenAPI query parameters of a schema's shape, each with its JSON Schema (from zod) and
 * a description: a parameter without one is a compile error.
 */
export function queryParameters<S extends z.ZodObject>(
  schema: S,
  descriptions: Record<keyof S['shape'] & string, string>,
): oas31.ParameterObject[] {
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, each]) => {
    const absent = each.safeParse(undefined);
    const json = jsonSchemaOf(each, 'input');
    // A default applies to the parsed value (a number for `limit`): shown as the text sent.
    const value: unknown = absent.data;
    if (json.default === undefined && (typeof value === 'number' || typeof value === 'string')) {
      json.default = json.type === 'string' ? String(value) : value;
    }
    return {
      name,
      in: 'query',
      required: !absent.success,
      description: descriptions[name as keyof S['shape'] & string],
      schema: json,
    };
  });
}

/**
 * Every other path under `prefix` is a 404 problem, and any method but GET (and HEAD) on
 * `paths` a 405 naming GET: these surfaces only read.
 */
export function answerOtherPaths(
  app: FastifyInstance,
  prefix: string,
  paths: readonly string[],
): void {
  const notAllowed = (reply: FastifyReply) =>
    sendProblem(reply.header('allow', 'GET, HEAD'), problem(405, 'only GET is served here'));
  for (const url of paths) {
    app.route({
      method: ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      url,
      handler: (_req, reply) => notAllowed(reply),
    });
  }
  app.all(`${prefix}*`, (req, reply) =>
    sendProblem(reply, problem(404, `no such path: ${req.url.split('?', 1)[0] ?? ''}`)),
  );
}
