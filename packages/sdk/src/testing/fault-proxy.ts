import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does with one request:
 * - `pass`: forwards it and returns the answer;
 * - `503`, `429`: answers that status itself with a plain-text page (Retry-After: 0), as a
 *   load balancer would, without forwarding;
 * - `drop`: closes the connection without forwarding (nothing reached the server);
 * - `lose-answer`: forwards it, lets the server finish, then closes the connection instead of
 *   returning the answer (the server did the work; the client cannot know).
 */
export type Fault = 'pass' | '503' | '429' | 'drop' | 'lose-answer';

export interface ProxyLogEntry {
  method: string;
  path: string;
  bytes: number;
  fault: Fault | '413';
  /** The status returned, or null when the connection was closed instead. */
  status: number | null;
}

export interface FaultProxy {
  url: string;
  /** Faults for the next requests that `match` selects, in order; after them requests pass. */
  plan(faults: Fault[], match?: (path: string) => boolean): void;
  /** Answers 413 to any request whose body is larger (0: no limit). */
  maxBodyBytes: number;
  readonly log: ProxyLogEntry[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** An HTTP proxy on an ephemeral loopback port in front of `upstream`, failing on demand. */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  let faults: Fault[] = [];
  let matches: (path: string) => boolean = () => true;
  const log: ProxyLogEntry[] = [];

  const forward = (req: IncomingMessage, body: Buffer) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host, 'content-length': String(body.length) },
        },
        resolve,
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  const answerItself = (res: ServerResponse, status: number, text: string) => {
    res.writeHead(status, { 'content-type': 'text/plain', 'retry-after': '0' });
    res.end(text);
  };

  const proxy: FaultProxy = {
    url: '',
    maxBodyBytes: 0,
    log,
    plan(next, match = () => true) {
      faults = [...next];
      matches = match;
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      }),
  };

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const path = req.url ?? '/';
      const entry: ProxyLogEntry = {
        method: req.method ?? 'GET',
        path,
        bytes: body.length,
        fault: 'pass',
        status: null,
      };
      log.push(entry);
      if (proxy.maxBodyBytes > 0 && body.length > proxy.maxBodyBytes) {
        entry.fault = '413';
        entry.status = 413;
        answerItself(res, 413, 'Request Entity Too Large');
        return;
      }
      const fault = matches(path) ? (faults.shift() ?? 'pass') : 'pass';
      entry.fault = fault;
      switch (fault) {
        case '503':
          entry.status = 503;
          answerItself(res, 503, '<html><body>503 Service Unavailable</body></html>');
          return;
        case '429':
          entry.status = 429;
          answerItself(res, 429, 'Too Many Requests');
          return;
        case 'drop':
          req.socket.destroy();
          return;
        case 'lose-answer': {
          const answer = await forward(req, body);
          await readBody(answer); // the server has finished its work
          req.socket.destroy();
          return;
        }
        case 'pass': {
          const answer = await forward(req, body);
          entry.status = answer.statusCode ?? 502;
          res.writeHead(entry.status, answer.headers);
          answer.pipe(res);
          return;
        }
      }
    })().catch(() => {
      req.socket.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  proxy.url = `http://127.0.0.1:${port}`;
  return proxy;
}
