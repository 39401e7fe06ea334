// Run by connection-loss.test.ts in a process of its own, so that an uncaught exception or an
// unhandled rejection ends it with a non-zero exit code, as it would end the server.
// `peer <nothing>`: a scripted PostgreSQL peer drops the connection inside a transaction.
// `storm <url>`: pg_terminate_backend, again and again, on a pool busy with the store's work.
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';

import { sql } from 'drizzle-orm';
import postgres from 'postgres';

import { createDb } from './client';
import { insertEvents } from './events';
import { queryRows } from './sql';

/** The error codes postgres.js and PostgreSQL give a query whose connection went away. */
const CONNECTION_LOST = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  '57P01',
]);

/** The driver's error code, under Drizzle's "Failed query" wrapper or not. */
function codeOf(error: unknown): string {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return `(no code) ${String(error)}`;
}

function message(type: string, body: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const readyForQuery = (status: 'I' | 'T') => message('Z', Buffer.from(status, 'latin1'));

/**
 * Just enough of the server side of the protocol: trust authentication, simple queries
 * answered with an empty result, and the first extended-protocol query (a Parse) answered by
 * closing the connection, the way a terminated backend does.
 */
function scriptedPeer(): Promise<{ port: number; close: () => void; dropped: () => number }> {
  let dropped = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let started = false;
    let pending = Buffer.alloc(0);
    socket.on('data', (data: Buffer) => {
      pending = Buffer.concat([pending, data]);
      for (;;) {
        if (!started) {
          if (pending.length < 4) return;
          const length = pending.readInt32BE(0);
          if (pending.length < length) return;
          pending = pending.subarray(length);
          started = true;
          const authOk = message('R', Buffer.from([0, 0, 0, 0]));
          socket.write(Buffer.concat([authOk, readyForQuery('I')]));
          continue;
        }
        if (pending.length < 5) return;
        const type = String.fromCharCode(pending[0] ?? 0);
        const length = pending.readInt32BE(1);
        if (pending.length < length + 1) return;
        const body = pending.subarray(5, length + 1);
        pending = pending.subarray(length + 1);
        if (type === 'Q') {
          const text = body
            .toString('utf8', 0, body.length - 1)
            .trim()
            .toLowerCase();
          const tag = text.split(/\s+/)[0]?.toUpperCase() ?? '';
          const inTransaction = text.startsWith('begin');
          socket.write(
            Buffer.concat([
              message('C', Buffer.from(`${tag}\0`)),
              readyForQuery(inTransaction ? 'T' : 'I'),
            ]),
          );
        } else if (type === 'P') {
          dropped++;
          socket.destroy();
          return;
        }
      }
    });
  });
  server.listen(0, '127.0.0.1');
  return once(server, 'listening').then(() => ({
    port: (server.address() as AddressInfo).port,
    dropped: () => dropped,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  }));
}

async function peer(): Promise<Record<string, unknown>> {
  const server = await scriptedPeer();
  const client = postgres({
    host: '127.0.0.1',
    port: server.port,
    database: 'peer',
    username: 'peer',
    max: 1,
    fetch_types: false,
    onnotice: () => undefined,
  });
  const errors: string[] = [];
  for (let i = 0; i < 5; i++) {
    try {
      await client.begin(async (tx) => {
        await tx`select ${i}::int`;
      });
      errors.push('committed');
    } catch (error) {
      errors.push(codeOf(error));
    }
  }
  // The same connection, reconnected, still answers.
  const after = await client.unsafe('select');
  await client.end({ timeout: 1 });
  server.close();
  return { errors, dropped: server.dropped(), answeredAfter: after.command };
}

const event = (taskName: string) => ({
  occurredAt: new Date(),
  userName: 'storm',
  taskName,
  status: 'success' as const,
});

async function storm(url: string, terminations: number): Promise<Record<string, unknown>> {
  const POOL = 6;
  const store = await createDb({ databaseUrl: url, maxConnections: POOL });
  await store.migrate();
  const killer = postgres(url, { max: 1, onnotice: () => undefined });
  const codes: Record<string, number> = {};
  let ok = 0;
  let failed = 0;
  let stop = false;

  const work = [
    // A transaction of two statements: the case that crashed.
    () =>
      store.db.transaction(async (tx) => {
        await insertEvents(tx, [event('tx')]);
        await queryRows(tx, sql`SELECT pg_sleep(0.002)`);
      }),
    () => insertEvents(store.db, [event('plain')]),
    () => queryRows(store.db, sql`SELECT count(*)::int AS n FROM events`),
  ];
  const workers = Array.from({ length: POOL * 2 }, async (_, w) => {
    for (let i = 0; !stop; i++) {
      try {
        await (work[(w + i) % work.length] as () => Promise<unknown>)();
        ok++;
      } catch (error) {
        failed++;
        const code = codeOf(error);
        codes[code] = (codes[code] ?? 0) + 1;
      }
    }
  });

  // Kill until the given number of backends have gone, for at most 40 s: not a fixed number
  // of rounds, since on a loaded machine the pool may not have reconnected by the next one.
  let terminated = 0;
  const killUntil = performance.now() + 40_000;
  while (terminated < terminations && performance.now() < killUntil) {
    await new Promise((resolve) => setTimeout(resolve, 40));
    const [row] = await killer<{ n: number }[]>`
      SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid()`;
    terminated += row?.n ?? 0;
  }
  stop = true;
  await Promise.all(workers);

  // Every connection of the pool answers again, soon (a poisoned one would wait for its
  // 30 s connect timeout).
  const started = performance.now();
  await Promise.all(
    Array.from({ length: POOL * 2 }, () =>
      store.db.transaction((tx) => queryRows(tx, sql`SELECT pg_sleep(0.05)`)),
    ),
  );
  const recoveredInMs = Math.round(performance.now() - started);
  await killer.end();
  await store.close();
  const unexpected = Object.keys(codes).filter((code) => !CONNECTION_LOST.has(code));
  return { ok, failed, codes, unexpected, terminated, recoveredInMs };
}

const [mode, url, terminations] = process.argv.slice(2);
const result =
  mode === 'storm' && url ? await storm(url, Number(terminations ?? 40)) : await peer();
process.stdout.write(`${JSON.stringify(result)}\n`);
