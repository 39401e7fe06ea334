/** Plain tRPC over HTTP (JSON, no transformer), as curl or any language would call it. */

export interface HttpSession {
  base: string;
  headers: Record<string, string>;
}

interface TrpcAnswer<T> {
  result?: { data: T };
  error?: { message: string; data?: { code?: string } };
}

async function answer<T>(response: Response, path: string): Promise<T> {
  const body = (await response.json()) as TrpcAnswer<T>;
  if (!response.ok || !body.result) {
    throw new Error(`${path}: HTTP ${response.status}: ${body.error?.message ?? 'no result'}`);
  }
  return body.result.data;
}

export function queryUrl(base: string, path: string, input: unknown): string {
  return `${base}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`;
}

export async function trpcQuery<T>(session: HttpSession, path: string, input: unknown): Promise<T> {
  const response = await fetch(queryUrl(session.base, path, input), { headers: session.headers });
  return answer<T>(response, path);
}

export async function trpcMutation<T>(
  session: HttpSession,
  path: string,
  input: unknown,
): Promise<T> {
  const response = await fetch(`${session.base}/trpc/${path}`, {
    method: 'POST',
    headers: { ...session.headers, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  return answer<T>(response, path);
}

/** Signs in through auth.login; the session cookie is what the web app would hold. */
export async function signIn(
  base: string,
  username: string,
  password: string,
): Promise<HttpSession> {
  const response = await fetch(`${base}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  await answer<unknown>(response, 'auth.login');
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .find((c) => c.startsWith('audit_session='));
  if (!cookie) throw new Error('auth.login set no session cookie');
  return { base, headers: { cookie } };
}
