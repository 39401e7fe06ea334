/**
 * The simulation. Timestamps are drawn first (see Clock); each one then goes to a user
 * session (Login, a few tasks on the same device or site, sometimes Logout) or to a
 * system task, so that one user's actions cluster in time the way they do in a real log.
 */
import { actionOfTask } from '../../event-derivations';
import { LOGIN_FAILURES, TENANT_NAMES } from '../vocabulary';
import { APP_PICK, SYSTEM_APP_INDEX } from './apps';
import { jobRow } from './jobs';
import { hex16, Rng, uuidV4, Weighted, zipf } from './random';
import { openSession } from './session';
import type { Session } from './session';
import { detail, STATUS_OF } from './task';
import type { Detail, JobDraft, Outcome, Task } from './task';
import { TaskContext } from './task-context';
import { SYSTEM_TASKS } from './tasks/system';
import { Clock, DAY, MINUTE } from './time';
import type { SeedChunk, SeedEvent, SeedJob, SeedOptions } from './types';
import { buildWorld } from './world';
import type { Device, World } from './world';

/** Concurrent sessions kept open; a new one starts with probability P_NEW_SESSION. */
const MAX_SESSIONS = 12;
const P_NEW_SESSION = 0.3;
/** A session idle this long has timed out (no Logout is recorded). */
const SESSION_IDLE_MS = 30 * MINUTE;

class SeedGenerator {
  private readonly rng: Rng;
  /** What tasks draw with: the same stream as the simulation's. */
  private readonly context: TaskContext;
  private readonly clock: Clock;
  private readonly end: number;
  private readonly tenantNames: string[];
  private readonly tenantPick: Weighted<number>;
  private readonly worlds: (World | undefined)[] = [];
  private readonly pool: Session[] = [];
  /** The chunk being filled: job indexes point into it. */
  jobs: SeedJob[] = [];

  constructor(options: SeedOptions) {
    this.rng = new Rng(options.seed);
    this.context = new TaskContext(this.rng);
    this.end = options.end.getTime();
    const start = this.end - Math.round(options.days * DAY);
    this.clock = new Clock(new Rng(options.seed ^ 0x7f4a7c15), start, this.end, options.events);
    this.tenantNames = tenantNames(options.tenants);
    this.tenantPick = new Weighted(
      zipf(
        this.tenantNames.map((_, i) => i),
        0.9,
      ),
    );
  }

  next(): SeedEvent {
    const at = this.clock.next();
    const pool = this.pool;
    for (;;) {
      if (pool.length > 0 && (pool.length >= MAX_SESSIONS || !this.rng.chance(P_NEW_SESSION))) {
        const i = this.rng.int(pool.length);
        const s = pool[i] as Session;
        if (at - s.last > SESSION_IDLE_MS) {
          this.drop(i);
          continue;
        }
        const event = this.step(s, at);
        if (s.done) this.drop(i);
        if (event !== null) return event;
        continue;
      }
      const app = APP_PICK.pick(this.rng);
      if (app === null) return this.systemEvent(at);
      const s = openSession(this.rng, this.pickWorld(), app, at);
      const event = this.step(s, at);
      if (!s.done) pool.push(s);
      if (event !== null) return event;
    }
  }

  private drop(i: number): void {
    const last = this.pool.pop() as Session;
    if (i < this.pool.length) this.pool[i] = last;
  }

  private world(index: number): World {
    let w = this.worlds[index];
    if (w === undefined) {
      w = buildWorld(this.tenantNames[index] as string, index);
      this.worlds[index] = w;
    }
    return w;
  }

  /** A tenant, the busiest most often. */
  private pickWorld(): World {
    return this.world(this.tenantPick.pick(this.rng));
  }

  /** The session's next event, or null when it ends silently (marks it done). */
  private step(s: Session, at: number): SeedEvent | null {
    s.last = at;
    if (s.needsLogin && !s.loggedIn) return this.login(s, at);
    if (s.remaining > 0) {
      s.remaining--;
      if (s.remaining === 0 && !s.app.logout) s.done = true;
      const t = s.app.choose ? s.app.choose(this.context, s) : s.app.tasks.pick(this.rng);
      return this.taskEvent(s, t, at);
    }
    s.done = true;
    if (s.app.logout && this.rng.chance(0.6)) {
      return this.event(s, at, 'Logout', null, 'success', detail(null, null, 'Logout Succeeded'), {
        sessionId: s.sessionId,
        sessionMs: at - s.startedAt,
      });
    }
    return null;
  }

  private login(s: Session, at: number): SeedEvent {
    const rng = this.rng;
    const failed = rng.chance(s.app.loginFail);
    const kind = s.app.login;
    let d: Detail;
    if (failed) {
      s.failures++;
      const locked = s.failures >= 3;
      if (locked) s.done = true;
      const why = locked
        ? 'Login failed: account locked after 3 failed attempts'
        : rng.pick(LOGIN_FAILURES);
      d =
        kind === 'portal'
          ? detail('User', s.user.spec.name, why)
          : detail(null, null, why, [], null, null, kind === 'rest' ? '401' : null);
    } else {
      s.loggedIn = true;
      d =
        kind === 'portal'
          ? detail('User', s.user.spec.name, 'Login Succeeded')
          : detail(null, null, 'Login Succeeded', [], null, null, kind === 'rest' ? '200' : null);
    }
    const taskName = kind === 'portal' ? (failed ? 'Login Failed' : 'Login Success') : 'Login';
    return this.event(s, at, taskName, null, failed ? 'failure' : 'success', d, {
      sessionId: s.sessionId,
      authMethod: rng.pick(['local', 'local', 'radius', 'ldap']),
      durationMs: rng.between(40, 900),
    });
  }

  private taskEvent(s: Session, t: Task, at: number): SeedEvent {
    const rng = this.rng;
    let o: Outcome = 'success';
    if (rng.chance(t.fail)) o = t.runsJob && rng.chance(0.5) ? 'failedJob' : 'failure';
    else if (t.runsJob && rng.chance(t.scheduled))
      o = rng.chance(t.recurring) ? 'recurring' : 'job';
    const d = t.make(this.context, s, o);
    return this.event(s, at, t.name, t.workspace, o, d, this.metadata());
  }

  private systemEvent(at: number): SeedEvent {
    const { app, task: t } = SYSTEM_TASKS.pick(this.rng);
    const world = this.pickWorld();
    const s = world.system[SYSTEM_APP_INDEX.get(app) ?? 0] as Session;
    s.device = world.devices[this.rng.skewed(world.devices.length)] as Device;
    const o: Outcome = this.rng.chance(t.fail) ? 'failure' : 'success';
    return this.event(s, at, t.name, t.workspace, o, t.make(this.context, s, o), this.metadata());
  }

  private metadata(): Record<string, unknown> {
    const rng = this.rng;
    if (rng.chance(0.12)) return {};
    const r = rng.next();
    return { requestId: hex16(rng), durationMs: Math.round(8 + 6000 * r * r * r) };
  }

  private event(
    s: Session,
    at: number,
    taskName: string,
    workspace: string | null,
    outcome: Outcome,
    d: Detail,
    metadata: Record<string, unknown>,
  ): SeedEvent {
    // The job's draws come before the event id's: swapping them changes every later value.
    const jobIndex = d.job === null ? null : this.addJob(s, at, d.job, outcome);
    return {
      eventId: uuidV4(this.rng),
      tenant: s.world.tenant,
      occurredAt: new Date(at),
      userName: s.user.spec.name,
      userIp: s.ip,
      userAgent: s.agent,
      domain: s.domain,
      application: s.app.name,
      workspace,
      systemId: s.systemId,
      taskName,
      // The rule the server applies when a service gives no action (event-derivations.ts).
      action: actionOfTask(taskName),
      objectType: d.objectType,
      objectName: d.objectName,
      status: STATUS_OF[outcome],
      resultCode: d.resultCode,
      description: d.description,
      jobIndex,
      affectedObjects: d.affected,
      changes: d.changes,
      metadata,
    };
  }

  private addJob(s: Session, at: number, draft: JobDraft, outcome: Outcome): number {
    this.jobs.push(jobRow(this.rng, this.end, s, at, draft, outcome));
    return this.jobs.length - 1;
  }
}

function tenantNames(count: number): string[] {
  const names = ['default'];
  for (let i = 0; i < count - 1; i++) {
    const base = TENANT_NAMES[i % TENANT_NAMES.length] as string;
    const round = Math.floor(i / TENANT_NAMES.length);
    names.push(round === 0 ? base : `${base}-${round + 1}`);
  }
  return names;
}

function validate(options: SeedOptions, chunkSize: number): void {
  const { events, days, tenants, end, seed } = options;
  if (!Number.isSafeInteger(events) || events < 0)
    throw new RangeError('events must be a non-negative integer');
  if (!Number.isFinite(days) || days <= 0) throw new RangeError('days must be a positive number');
  if (!Number.isSafeInteger(tenants) || tenants < 1)
    throw new RangeError('tenants must be an integer ≥ 1');
  if (Number.isNaN(end.getTime())) throw new RangeError('end must be a valid date');
  if (!Number.isFinite(seed)) throw new RangeError('seed must be a finite number');
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1)
    throw new RangeError('chunkSize must be a positive integer');
}

/** Yields chunks of about `chunkSize` events, in ascending occurredAt order overall, until options.events are produced. */
export function* generateSeed(options: SeedOptions, chunkSize = 2000): Generator<SeedChunk> {
  validate(options, chunkSize);
  const gen = new SeedGenerator(options);
  let produced = 0;
  while (produced < options.events) {
    const n = Math.min(chunkSize, options.events - produced);
    const jobs: SeedJob[] = [];
    const events: SeedEvent[] = [];
    gen.jobs = jobs;
    for (let i = 0; i < n; i++) events.push(gen.next());
    produced += n;
    yield { jobs, events };
  }
}
