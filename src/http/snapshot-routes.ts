// /snapshots/ (issue 17): a primary serves what `lacak snapshot publish` wrote into
// LACAK_PUBLISH_DIR to its replicas: the manifest, and only the files the manifest names (never
// a temporary file, a listing, or anything else the folder may hold). Replicas are known by
// address (LACAK_REPLICA_ALLOW) or carry an admin key.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { rangeMatcher } from '../access/rate-limits.js';
import { MANIFEST_FILE, readReplicaManifest } from '../replica/publish.js';

export interface SnapshotRouteDeps {
  /** LACAK_PUBLISH_DIR. */
  readonly dir: string;
  readonly allow: readonly string[];
  readonly refuse: (request: FastifyRequest, reply: FastifyReply, status: number, message: string) => FastifyReply;
}

export function registerSnapshotRoutes(app: FastifyInstance, deps: SnapshotRouteDeps): void {
  const isReplica = rangeMatcher(deps.allow);
  app.get<{ Params: { file: string } }>('/snapshots/:file', async (request, reply) => {
    if (!isReplica(request.ip) && request.caller.role !== 'admin') {
      return deps.refuse(request, reply, 403, '/snapshots/ answers only the replicas of LACAK_REPLICA_ALLOW and admin keys.');
    }
    let manifest;
    try {
      manifest = readReplicaManifest(deps.dir);
    } catch {
      return deps.refuse(request, reply, 404, 'Nothing has been published yet (lacak snapshot publish).');
    }
    const { file } = request.params;
    // Only what the manifest names: the names are plain (the manifest's schema), so no path leaves the folder.
    const named = file === MANIFEST_FILE || file === manifest.registry.file || file === manifest.keys.file;
    if (!named) return deps.refuse(request, reply, 404, `${file} is not part of the published snapshot.`);
    const path = join(deps.dir, file);
    let bytes: number;
    try {
      bytes = (await stat(path)).size;
    } catch {
      return deps.refuse(request, reply, 404, `${file} is not part of the published snapshot.`);
    }
    reply
      .header('content-type', file.endsWith('.json') ? 'application/json; charset=utf-8' : 'application/vnd.sqlite3')
      .header('content-length', bytes)
      .header('cache-control', 'no-store');
    return reply.send(createReadStream(path));
  });
}
