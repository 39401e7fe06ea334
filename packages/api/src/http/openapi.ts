import { createRequire } from 'node:module';
import { dirname } from 'node:path';

import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { oas31 } from 'openapi3-ts';

import { SESSION_COOKIE } from '../trpc';
import { PROBLEM_SCHEMA, SHARED_SCHEMAS, type HttpSurface } from './surface';

/**
 * /openapi.json: the OpenAPI 3.1 description of every HTTP surface beside tRPC, put
 * together from what each surface declares (its paths come from the same zod schemas its
 * procedures use: surface.ts jsonSchemaOf). /docs: Swagger UI over it, served from the
 * swagger-ui-dist package itself, so it works with no internet access.
 */

/** The contract's version: `/api/v1`'s, bumped when a change could break a client. */
const API_VERSION = '1.0.0';

export function openApiDocument(surfaces: readonly HttpSurface[]): oas31.OpenAPIObject {
  const paths: oas31.PathsObject = {};
  for (const surface of surfaces) {
    for (const [path, item] of Object.entries(surface.paths)) {
      const existing = (paths[path] ?? {}) as Record<string, unknown>;
      for (const method of Object.keys(item)) {
        if (method in existing) throw new Error(`two surfaces describe ${method} ${path}`);
      }
      paths[path] = { ...existing, ...item };
    }
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'Audit Log Manager',
      version: API_VERSION,
      description:
        'Record, search, export and purge audit events. `/api/v1` is the REST form of the ' +
        'tRPC procedures (same checks, same answers); the other paths answer in the shapes of ' +
        'the reference products (Junos Space, HPE VAN SDN, CA API Portal) so that their ' +
        'existing clients work unchanged. Errors are problem details (RFC 9457).',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    tags: surfaces.map((surface) => surface.tag),
    paths,
    components: {
      securitySchemes: {
        bearerToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token (`alm_…`) made under Settings → API tokens.',
        },
        basicAuth: {
          type: 'http',
          scheme: 'basic',
          description: "A person's user name and password, throttled like the sign-in form.",
        },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: 'The web app’s session (sign in at /).',
        },
        authToken: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Auth-Token',
          description: 'An API token, as HPE VAN SDN clients send it.',
        },
      },
      schemas: Object.assign(
        { Problem: PROBLEM_SCHEMA },
        Object.fromEntries(SHARED_SCHEMAS),
        ...surfaces.map((surface) => surface.schemas ?? {}),
      ) as Record<string, oas31.SchemaObject>,
    },
  };
}

const swaggerUiDir = dirname(
  createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
);

const DOCS_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Audit Log Manager API</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

// A file of its own: the server's Content-Security-Policy allows no inline script.
const DOCS_INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  // No call to validator.swagger.io: the page works with no internet access.
  validatorUrl: null,
  withCredentials: true,
});
`;

export async function serveOpenApi(
  app: FastifyInstance,
  surfaces: readonly HttpSurface[],
): Promise<void> {
  const document = JSON.stringify(openApiDocument(surfaces));
  app.get('/openapi.json', (_req, reply) =>
    reply.type('application/json; charset=utf-8').send(document),
  );
  app.get('/docs', (_req, reply) => reply.type('text/html; charset=utf-8').send(DOCS_PAGE));
  app.get('/docs/init.js', (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').send(DOCS_INIT),
  );
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root: swaggerUiDir,
      prefix: '/docs/',
      decorateReply: false,
      wildcard: false,
      allowedPath: (path) =>
        /^\/(swagger-ui\.css|swagger-ui-bundle\.js|favicon-\d+x\d+\.png)$/.test(path),
    });
  });
}
