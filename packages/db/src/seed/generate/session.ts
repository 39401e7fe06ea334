/** Sessions: one user's run of tasks in one application, or a system's own work. */
import { BROWSER_AGENTS, GATEWAY_AGENT, SDN_ARTIFACTS, TOOL_AGENTS } from '../vocabulary';
import type { UserSpec } from '../vocabulary';
import { APPS } from './apps';
import type { AgentKind, App } from './apps';
import { hex16 } from './random';
import type { Rng } from './random';
import type { Device, World, WorldUser } from './world';

export interface Session {
  app: App;
  world: World;
  user: WorldUser;
  ip: string | null;
  agent: string | null;
  domain: string | null;
  systemId: string;
  sessionId: string;
  startedAt: number;
  /** Tasks left before the session ends. */
  remaining: number;
  needsLogin: boolean;
  loggedIn: boolean;
  failures: number;
  last: number;
  done: boolean;
  /** What this session is working on: consecutive tasks mostly touch the same things. */
  device: Device;
  site: string;
  step: number;
  artifact: number;
}

/** A new session of `app` in `world`; its user draws from the application's regulars. */
export function openSession(rng: Rng, world: World, app: App, at: number): Session {
  const user = world.users[app.users.pick(rng)] as WorldUser;
  const spec = user.spec;
  const agent = userAgent(rng, app.agent, spec);
  const ids = world.systemIds[app.index] as string[];
  const remaining = 1 + Math.floor(-Math.log(1 - rng.next()) * (app.meanTasks - 1));
  return {
    app,
    world,
    user,
    ip: user.ip !== null && rng.chance(0.1) ? user.altIp : user.ip,
    agent,
    domain: app.domain ? (rng.chance(0.1) ? 'Global' : spec.domain) : null,
    systemId: rng.chance(0.7) ? (ids[0] as string) : rng.pick(ids),
    sessionId: hex16(rng),
    startedAt: at,
    remaining,
    needsLogin: app.login !== null && spec.interactive,
    loggedIn: false,
    failures: 0,
    last: at,
    done: false,
    device: world.devices[rng.skewed(world.devices.length)] as Device,
    site: world.sites[rng.skewed(world.sites.length)] as string,
    step: 0,
    artifact: rng.int(SDN_ARTIFACTS.length),
  };
}

function userAgent(rng: Rng, kind: AgentKind, spec: UserSpec): string | null {
  switch (kind) {
    case 'browser':
      return BROWSER_AGENTS[spec.browser] ?? null;
    case 'tool':
      return TOOL_AGENTS[spec.tool] ?? null;
    case 'mixed':
      return rng.chance(0.8)
        ? (BROWSER_AGENTS[spec.browser] ?? null)
        : (TOOL_AGENTS[spec.tool] ?? null);
    case 'portal':
      return spec.name === 'Portal API'
        ? rng.chance(0.6)
          ? GATEWAY_AGENT
          : 'python-requests/2.31.0'
        : spec.name === 'Registration Service'
          ? rng.pick(BROWSER_AGENTS)
          : (BROWSER_AGENTS[spec.browser] ?? null);
  }
}

/** The tenant's system sessions (user 'system', no IP), one per application. */
export function systemSessions(world: World): Session[] {
  const { users, systemIds, devices, sites } = world;
  const systemUser = users.find((u) => u.spec.name === 'system');
  if (systemUser === undefined) throw new Error('vocabulary: no system user');
  return APPS.map((app) => ({
    app,
    world,
    user: systemUser,
    ip: null,
    agent: null,
    domain: app.domain ? 'Global' : null,
    systemId: (systemIds[app.index] as string[])[0] as string,
    sessionId: '',
    startedAt: 0,
    remaining: 0,
    needsLogin: false,
    loggedIn: true,
    failures: 0,
    last: 0,
    done: false,
    device: devices[0] as Device,
    site: sites[0] as string,
    step: 0,
    artifact: 0,
  }));
}
