import { createReadStream, existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { FastifyInstance, FastifyReply } from 'fastify';

import { findArchive } from '../data/archives';
import { recordOwnEvent } from '../data/audit-trail';
import { actorName, tenantScopeOf, type Principal } from '../data/principals';
import { decimalIdSchema } from '../schemas/values';
import { createContext, readPrincipal } from '../trpc';
import { credentialsOf, problem, sendProblem, type SurfaceDeps } from './surface';

/**
 * Archive downloads: a file, where tRPC answers JSON. Served at `/archives/:id/download` (the
 * first API's path; errors as `{ error }`) and `/api/v1/archives/:id/download` (problems).
 * Readers only; a token sees its own tenant's archives; every download is recorded.
 */
export function serveArchiveDownload(
  app: FastifyInstance,
  url: string,
  { deps, archiveDir }: SurfaceDeps,
  errors: 'problem' | 'legacy' = 'problem',
): void {
  const fail = (reply: FastifyReply, status: number, detail: string) =>
    errors === 'problem'
      ? sendProblem(reply, problem(status, detail))
      : reply.code(status).send({ error: detail });

  app.get<{ Params: { id: string } }>(url, async (req, reply) => {
    const ctx = await createContext(deps, credentialsOf(req));
    let principal: Principal;
    try {
      principal = readPrincipal(ctx);
    } catch (error) {
      if (!(error instanceof TRPCError)) throw error;
      return fail(reply, getHTTPStatusCodeFromError(error), error.message);
    }
    const archive = decimalIdSchema.safeParse(req.params.id).success
      ? await findArchive(deps.store.db, req.params.id, tenantScopeOf(principal))
      : null;
    const path = archive ? resolve(archiveDir, archive.path) : null;
    // Missing, another tenant's, or gone from disk: all the same to the caller.
    if (!archive || !path || !path.startsWith(resolve(archiveDir)) || !existsSync(path)) {
      return fail(reply, 404, `no archive ${req.params.id}`);
    }
    await recordOwnEvent(
      deps.store.db,
      ctx.meta,
      {
        task: 'archives.download',
        actor: actorName(principal),
        status: 'success',
        description: `Downloaded ${archive.fileName} (${archive.rowCount} events)`,
        objectType: 'archive',
        objectName: archive.fileName,
        jobId: archive.jobId,
      },
      deps.clock(),
    );
    return reply
      .header('content-type', 'application/zip')
      .header('content-length', String(statSync(path).size))
      .header('content-disposition', `attachment; filename="${archive.fileName}"`)
      .send(createReadStream(path));
  });
}
