import { UAParser } from 'ua-parser-js';

import type { DerivedField, EventAction } from './event-fields';
import type { Event, NewEvent } from './schema';

/**
 * The fields computed at ingest when the caller gives none (declared `derived` in
 * event-fields.ts): a derived field without a rule here is a compile error.
 */
const DERIVATIONS: { [K in DerivedField]: (event: NewEvent) => Event[K] } = {
  action: (event) => actionOfTaskMemo(event.taskName),
  agent: (event) => agentOfMemo(event.userAgent ?? null),
};

/**
 * `fn` remembering its last `size` distinct answers: a log holds few distinct task names
 * and user agents, and a bulk load derives them for millions of events.
 */
function memoized<A, R>(fn: (arg: A) => R, size = 10_000): (arg: A) => R {
  const answers = new Map<A, R>();
  return (arg) => {
    if (answers.has(arg)) return answers.get(arg) as R;
    const answer = fn(arg);
    if (answers.size >= size) answers.clear();
    answers.set(arg, answer);
    return answer;
  };
}
const actionOfTaskMemo = memoized((taskName: string) => actionOfTask(taskName));
const agentOfMemo = memoized((userAgent: string | null) => agentOf(userAgent));

/** The event with every derived field it lacks filled in. */
export function withDerivedFields<T extends NewEvent>(event: T): T {
  const derived: Partial<Record<DerivedField, unknown>> = {};
  for (const [field, derive] of Object.entries(DERIVATIONS) as [
    DerivedField,
    (event: NewEvent) => unknown,
  ][]) {
    if (event[field] === undefined || event[field] === null) derived[field] = derive(event);
  }
  return { ...event, ...derived };
}

/**
 * Task-name words for each action, by the first word that names one: `tenant.create` and
 * `Create Device` are create, `Login Failed` is login, `Artifact Management - Upload` is
 * create, `Export Audit Logs` is read. Words are split on anything not a letter or digit
 * and at lower-to-upper case changes (`deleteUser`).
 */
const ACTION_WORDS: Record<Exclude<EventAction, 'other'>, readonly string[]> = {
  login: ['login', 'logon', 'signin', 'authenticate', 'authentication'],
  logout: ['logout', 'logoff', 'signout'],
  // HTTP methods read as what they do: `GET: /api/…` is read, `PUT: /api/…` update.
  create: [
    'create',
    'created',
    'add',
    'added',
    'new',
    'register',
    'upload',
    'import',
    'clone',
    'post',
  ],
  delete: ['delete', 'deleted', 'remove', 'removed', 'uninstall', 'purge', 'drop', 'revoke'],
  update: [
    'update',
    'updated',
    'edit',
    'edited',
    'modify',
    'modified',
    'change',
    'changed',
    'set',
    'rename',
    'assign',
    'unassign',
    'enable',
    'disable',
    'move',
    'configure',
    'apply',
    'upgrade',
    'reset',
    'lock',
    'unlock',
    'approve',
    'reject',
    'put',
    'patch',
    'tag',
    'activate',
    'deactivate',
  ],
  read: [
    'read',
    'view',
    'viewed',
    'get',
    'head',
    'list',
    'export',
    'download',
    'show',
    'search',
    'query',
  ],
  execute: [
    'execute',
    'executed',
    'run',
    'exec',
    'deploy',
    'install',
    'restart',
    'reboot',
    'sync',
    'resync',
    'refresh',
    'discover',
    'discovery',
    'backup',
    'restore',
    'test',
    'ping',
    'push',
    'provision',
    'rollback',
    'schedule',
    'scheduled',
    'start',
    'stop',
    'invoke',
    'publish',
    'resynchronize',
  ],
};

const ACTION_OF_WORD = new Map<string, EventAction>(
  Object.entries(ACTION_WORDS).flatMap(([action, words]) =>
    words.map((word) => [word, action as EventAction] as const),
  ),
);

/** The action a task name says (ACTION_WORDS), or `other`. */
export function actionOfTask(taskName: string): EventAction {
  const words = taskName
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    // "Sign in" / "log out" written as two words.
    .replace(/\b(sign|log) ?(in|on|out|off)\b/g, '$1$2')
    .split(/[^a-z0-9]+/);
  for (const word of words) {
    const action = ACTION_OF_WORD.get(word);
    if (action) return action;
  }
  return 'other';
}

/**
 * Tools and libraries a browser parser does not name, by the start of their user agent,
 * in the seeds' simplified terms (Python, curl, Java, Go, Node.js, CA API Gateway).
 */
const TOOL_AGENTS: readonly (readonly [RegExp, string])[] = [
  [/^CA API Gateway/i, 'CA API Gateway'],
  [/^curl\//i, 'curl'],
  [/^Wget\//i, 'Wget'],
  [/^(python-|Python\/|aiohttp\/|httpx\/|urllib3\/)/i, 'Python'],
  [/^(Java\/|Apache-HttpClient\/|okhttp\/|Jersey\/)/i, 'Java'],
  [/^Go-http-client\//i, 'Go'],
  [/^(node-fetch|axios|undici|got|Node\.js)\b/i, 'Node.js'],
  [/^PostmanRuntime\//i, 'Postman'],
  [/^Terraform\//i, 'Terraform'],
  [/^ansible-/i, 'Ansible'],
];

const MAX_AGENT = 100;

/**
 * The simplified agent of a user agent: the browser's name (Chrome, Firefox, Safari,
 * Edge, …, by ua-parser-js), a known tool's (TOOL_AGENTS), `Mozilla` for another
 * Mozilla-compatible client, else the first product token without its version.
 */
export function agentOf(userAgent: string | null): string | null {
  const text = userAgent?.trim();
  if (!text) return null;
  for (const [pattern, name] of TOOL_AGENTS) if (pattern.test(text)) return name;
  const browser = new UAParser(text).getBrowser().name;
  if (browser) return browser.slice(0, MAX_AGENT);
  if (text.startsWith('Mozilla/')) return 'Mozilla';
  const product = /^[^\s/;()]+/.exec(text)?.[0];
  return (product ?? text).slice(0, MAX_AGENT);
}
