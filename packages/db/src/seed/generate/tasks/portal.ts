/** CA API Portal: taskName is the action, objectType the entity. */
import type { AffectedObject, EventChanges } from '../../../schema';
import { PORTAL_OBJECTS } from '../../vocabulary';
import { Weighted } from '../random';
import type { Rng } from '../random';
import type { Session } from '../session';
import { detail, task } from '../task';
import type { Task } from '../task';
import type { TaskContext } from '../task-context';

const PORTAL_TYPES = new Weighted<string>([
  ['Application', 5],
  ['API', 3],
  ['User', 3],
  ['API Plan', 1.2],
  ['Organization', 1],
  ['Account Plan', 0.6],
  ['Custom Field', 0.4],
  ['API EULA', 0.3],
]);

function portalName(g: TaskContext, type: string): string {
  return g.rng.pick(PORTAL_OBJECTS[type] ?? ['unnamed']);
}

const PORTAL_CREATED = task('Created', null, 3, { fail: 0.03 }, (g, s, o) => {
  const type = s.user.spec.name === 'Registration Service' ? 'User' : PORTAL_TYPES.pick(g.rng);
  const name = portalName(g, type);
  const affected: AffectedObject[] =
    type === 'Application'
      ? [
          { type: 'API', name: portalName(g, 'API') },
          { type: 'API Plan', name: portalName(g, 'API Plan') },
        ]
      : type === 'User'
        ? [{ type: 'Organization', name: portalName(g, 'Organization') }]
        : [];
  return detail(
    type,
    name,
    o === 'failure'
      ? `${type} ${name} not created: name already in use`
      : `${type} ${name} created`,
    affected,
  );
});

export const PORTAL_TASKS: Task[] = [
  PORTAL_CREATED,
  task('Updated', null, 5, { fail: 0.04 }, (g, _s, o) => {
    const type = PORTAL_TYPES.pick(g.rng);
    const name = portalName(g, type);
    return detail(
      type,
      name,
      o === 'failure' ? `${type} ${name} not updated: version conflict` : `${type} ${name} updated`,
      [],
      portalChange(g.rng, type, name),
    );
  }),
  task('Deleted', null, 1, { fail: 0.02 }, (g, _s, o) => {
    const type = PORTAL_TYPES.pick(g.rng);
    const name = portalName(g, type);
    return detail(
      type,
      name,
      o === 'failure' ? `${type} ${name} not deleted: still in use` : `${type} ${name} deleted`,
    );
  }),
];

/** The registration service only ever creates users. */
export function choosePortalTask(g: TaskContext, s: Session): Task {
  return s.user.spec.name === 'Registration Service' ? PORTAL_CREATED : s.app.tasks.pick(g.rng);
}

/** Portal "Updated": a small JSON before/after for the entity type. */
function portalChange(rng: Rng, type: string, name: string): EventChanges {
  switch (type) {
    case 'API': {
      const v = rng.between(1, 3);
      return {
        format: 'json',
        before: { name, version: `v${v}`, status: 'ENABLED', visibility: 'PRIVATE' },
        after: { name, version: `v${v}`, status: 'ENABLED', visibility: 'PUBLIC' },
      };
    }
    case 'Application': {
      const apis = rng.between(1, 4);
      return {
        format: 'json',
        before: {
          name,
          status: 'ENABLED',
          apis,
          oauthCallbackUrl: `https://${name}.example.com/cb`,
        },
        after: {
          name,
          status: 'ENABLED',
          apis: apis + 1,
          oauthCallbackUrl: `https://${name}.example.com/oauth/callback`,
        },
      };
    }
    case 'API Plan': {
      const rps = rng.pick([5, 10, 25, 50]);
      return {
        format: 'json',
        before: {
          name,
          rateLimit: { maxRequestsPerSecond: rps },
          quota: { limit: rps * 1000, interval: 'DAY' },
        },
        after: {
          name,
          rateLimit: { maxRequestsPerSecond: rps * 2 },
          quota: { limit: rps * 2000, interval: 'DAY' },
        },
      };
    }
    case 'Account Plan':
      return {
        format: 'json',
        before: { name, defaultPlan: false, maxApplications: 5 },
        after: { name, defaultPlan: false, maxApplications: 10 },
      };
    case 'Organization':
      return {
        format: 'json',
        before: { name, status: 'ENABLED', accountPlan: 'Developer' },
        after: { name, status: 'ENABLED', accountPlan: 'Enterprise' },
      };
    case 'API EULA':
      return {
        format: 'json',
        before: { name, revision: 2 },
        after: { name, revision: 3 },
      };
    case 'Custom Field':
      return {
        format: 'json',
        before: { name, type: 'TEXT', required: false },
        after: { name, type: 'TEXT', required: true },
      };
    default:
      return {
        format: 'json',
        before: { username: name, role: 'Developer', status: 'ACTIVE' },
        after: rng.chance(0.5)
          ? { username: name, role: 'Org Admin', status: 'ACTIVE' }
          : { username: name, role: 'Developer', status: 'LOCKED' },
      };
  }
}
