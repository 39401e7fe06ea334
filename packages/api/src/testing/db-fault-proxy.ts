import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/** One client connection and its connection to the database. */
interface Pair {
  client: Socket;
  upstream: Socket;
  /** A `begin` went through and no commit or rollback since (as far as the bytes tell). */
  inTransaction: boolean;
}

export interface DbFaultProxy {
  /** Where to point DATABASE_URL: 127.0.0.1 and this port. */
  readonly port: number;
  /** Connections destroyed so far, by every fault. */
  readonly dropped: number;
  /** Destroys every open connection now, both sockets, whatever is in flight. */
  dropAll(): number;
  /**
   * Arms a drop of every open connection the moment one of them sends a statement inside a
   * transaction (forwarded first, so the database may have run it). Resolves once it fired.
   */
  dropInTransaction(): Promise<void>;
  /** An outage: new connections are refused (the port is closed) and open ones dropped. */
  startOutage(): Promise<void>;
  /** The database is back: the port is open again. */
  endOutage(): Promise<void>;
  close(): Promise<void>;
}

/** The statement text of a simple-protocol Query ('Q') or a Parse ('P') at the chunk's start. */
function statementOf(chunk: Buffer): string {
  const type = chunk[0];
  if (type !== 0x51 && type !== 0x50) return '';
  return chunk.toString('latin1', 5, Math.min(chunk.length, 200)).toLowerCase();
}

/**
 * A TCP proxy written for tests, between the server and PostgreSQL, that plays the faults a
 * network or a database restart causes: connections dropped mid-query and mid-transaction,
 * and a stretch of time in which no connection is accepted.
 */
export async function startDbFaultProxy(target: {
  host: string;
  port: number;
}): Promise<DbFaultProxy> {
  const pairs = new Set<Pair>();
  let dropped = 0;
  let armed: (() => void) | null = null;

  const destroy = (pair: Pair) => {
    if (!pairs.delete(pair)) return;
    pair.client.destroy();
    pair.upstream.destroy();
  };
  const dropAll = () => {
    const n = pairs.size;
    for (const pair of [...pairs]) destroy(pair);
    dropped += n;
    return n;
  };

  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    const pair: Pair = { client, upstream, inTransaction: false };
    pairs.add(pair);
    const end = () => {
      destroy(pair);
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
    upstream.pipe(client);
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      const statement = statementOf(chunk);
      if (statement.startsWith('begin')) {
        pair.inTransaction = true;
        return;
      }
      if (pair.inTransaction && armed) {
        const fired = armed;
        armed = null;
        dropAll();
        fired();
        return;
      }
      if (/\b(commit|rollback)\b/.test(statement)) pair.inTransaction = false;
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    port,
    get dropped() {
      return dropped;
    },
    dropAll,
    dropInTransaction: () =>
      new Promise<void>((resolve) => {
        armed = resolve;
      }),
    async startOutage() {
      const closed = new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      dropAll();
      await closed;
    },
    async endOutage() {
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
    },
    async close() {
      armed = null;
      const closed = server.listening
        ? new Promise<void>((resolve) => {
            server.close(() => {
              resolve();
            });
          })
        : Promise.resolve();
      dropAll();
      await closed;
    },
  };
}
