/**
 * Deterministic demo audit data: events (and the jobs some of them schedule) in the
 * vocabulary of the reference pages. Pure: no I/O, no clock, no global randomness; the
 * same options give byte-identical output, whatever the chunk size.
 *
 * Shape of the simulation: timestamps are drawn first (a daily/weekly rhythm, exactly
 * `events` of them, ascending); each one then goes to a user session (Login, a few tasks
 * on the same device or site, sometimes Logout) or to a system task, so that one user's
 * actions cluster in time the way they do in a real log.
 */
import type { EventInput } from '../events';
import type { AffectedObject, EventChanges, EventStatus, JobRecurrence, JobState } from '../schema';
import {
  ALARMS,
  APP_CSO,
  APP_PORTAL,
  APP_REST,
  APP_SAD,
  APP_SDN,
  APP_SETTINGS,
  APP_SPACE,
  APP_USERS,
  BROWSER_AGENTS,
  CITY_CODES,
  CONFIGLETS,
  CSO_ERROR_CODES,
  CSO_POLICIES,
  CSO_TEMPLATES,
  CUSTOMER_NAMES,
  DEVICE_FAILURES,
  DEVICE_FAMILIES,
  DEVICE_TAGS,
  DOMAINS,
  GATEWAY_AGENT,
  INTERFACE_DESCRIPTIONS,
  INTERFACES,
  LOGIN_FAILURES,
  NTP_SERVERS,
  PLATFORM_FAILURES,
  PORTAL_OBJECTS,
  RBAC_ROLES,
  REPORT_DEFINITIONS,
  SAD_DEFINITIONS,
  SAD_SERVICE_PREFIXES,
  SCRIPTS,
  SDN_ARTIFACTS,
  SDN_REFERENCE_SYSTEM_ID,
  SNMP_COMMUNITIES,
  SYSLOG_HOSTS,
  TEMPLATES,
  TENANT_NAMES,
  TOOL_AGENTS,
  USERS,
  VLANS,
} from './vocabulary';
import type { DeviceFamily, DeviceTemplate, UserSpec } from './vocabulary';

export interface SeedOptions {
  /** Total events to generate. */
  events: number;
  /** Spread over the `days` days ending at `end`. */
  days: number;
  /** 1 → only 'default'; n → 'default' plus n-1 realistic tenant names. */
  tenants: number;
  /** Newest possible occurredAt. */
  end: Date;
  /** PRNG seed: same options → byte-identical output. */
  seed: number;
}

/** A row for the jobs table; `id` is assigned by the caller. */
export interface SeedJob {
  tenant: string;
  name: string;
  type: string;
  state: JobState;
  percent: number;
  summary: string | null;
  scheduledAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  recurrence: JobRecurrence | null;
  createdBy: string;
  params: Record<string, unknown>;
}

export type SeedEvent = Omit<EventInput, 'jobId'> & { jobIndex: number | null };

export interface SeedChunk {
  jobs: SeedJob[];
  /** events; `jobIndex` (index into this chunk's `jobs`) stands for the job id the caller will assign */
  events: SeedEvent[];
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------
// Randomness

/** mulberry32: tiny, fast, and good enough for demo data. */
class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  u32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** [0, 1) */
  next(): number {
    return this.u32() / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  between(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** An index in [0, n) favouring the low end: a few devices and sites get most of the work. */
  skewed(n: number): number {
    const r = this.next();
    return Math.floor(r * r * n);
  }
}

/** A seeded PRNG (mulberry32) returning floats in [0, 1). */
export function createRng(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

const HEX_DIGITS = '0123456789abcdef';
const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).padStart(2, '0'),
);
const hexByte = (n: number) => HEX[n & 0xff] as string;
const hex8 = (n: number) => hexByte(n >>> 24) + hexByte(n >>> 16) + hexByte(n >>> 8) + hexByte(n);
const hex4 = (n: number) => hexByte(n >>> 8) + hexByte(n);

/** A version-4-formatted uuid drawn from the PRNG (never crypto: reruns must repeat it). */
function uuidV4(rng: Rng): string {
  const a = rng.u32();
  const b = rng.u32();
  const c = rng.u32();
  const d = rng.u32();
  return (
    hex8(a) +
    '-' +
    hex4(b >>> 16) +
    '-4' +
    (HEX_DIGITS[(b >>> 8) & 0xf] as string) +
    hexByte(b) +
    '-' +
    hex4(((c >>> 16) & 0x3fff) | 0x8000) +
    '-' +
    hex4(c) +
    hex8(d)
  );
}

const hex16 = (rng: Rng) => hex8(rng.u32()) + hex8(rng.u32());

/** Weighted choice: cumulative weights and a binary search. */
class Weighted<T> {
  private readonly items: readonly T[];
  private readonly cum: Float64Array;
  private readonly total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    if (entries.length === 0) throw new Error('Weighted: no entries');
    this.items = entries.map(([item]) => item);
    this.cum = new Float64Array(entries.length);
    let sum = 0;
    entries.forEach(([, weight], i) => {
      sum += weight;
      this.cum[i] = sum;
    });
    this.total = sum;
  }

  pick(rng: Rng): T {
    const x = rng.next() * this.total;
    let lo = 0;
    let hi = this.items.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cum[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo] as T;
  }
}

/** Zipf-like weights for a list ranked most frequent first. */
function zipf<T>(items: readonly T[], s: number): (readonly [T, number])[] {
  return items.map((item, i) => [item, 1 / Math.pow(i + 1, s)] as const);
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

// ---------------------------------------------------------------------------------------
// Time

/** Relative activity per UTC hour: office hours busy, nights quiet. */
const HOUR_WEIGHTS = [
  0.12, 0.1, 0.09, 0.09, 0.1, 0.14, 0.25, 0.45, 0.75, 0.95, 1, 1, 0.85, 0.95, 1, 0.97, 0.85, 0.65,
  0.45, 0.35, 0.28, 0.22, 0.18, 0.14,
];
const WEEKEND_FACTOR = 0.3;

function activityAt(ms: number): number {
  const hour = Math.floor(ms / HOUR) % 24;
  const weekday = (((Math.floor(ms / DAY) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  const base = HOUR_WEIGHTS[(hour + 24) % 24] as number;
  return weekday === 0 || weekday === 6 ? base * WEEKEND_FACTOR : base;
}

/**
 * Exactly `count` timestamps in [start, end], ascending, distributed like a Poisson
 * process with the daily rhythm above conditioned on its count: uniform order statistics
 * drawn smallest first (so nothing is sorted or held in memory), mapped through the
 * inverse of the cumulative activity, hour segment by hour segment.
 */
class Clock {
  private readonly segStart: Float64Array;
  private readonly segRate: Float64Array;
  private readonly segCum: Float64Array;
  private readonly total: number;
  private seg = 0;
  /** 1 - (the last uniform order statistic). */
  private complement = 1;
  private remaining: number;
  private prev: number;

  constructor(
    private readonly rng: Rng,
    private readonly start: number,
    private readonly end: number,
    count: number,
  ) {
    this.remaining = count;
    this.prev = start;
    const starts: number[] = [];
    for (let t = start; t < end; t = (Math.floor(t / HOUR) + 1) * HOUR) starts.push(t);
    if (starts.length === 0) starts.push(start);
    this.segStart = Float64Array.from(starts);
    this.segRate = new Float64Array(starts.length);
    this.segCum = new Float64Array(starts.length);
    let sum = 0;
    for (let i = 0; i < starts.length; i++) {
      const t0 = starts[i] as number;
      const t1 = i + 1 < starts.length ? (starts[i + 1] as number) : end;
      const rate = activityAt(t0);
      this.segRate[i] = rate;
      sum += rate * (t1 - t0);
      this.segCum[i] = sum;
    }
    this.total = sum;
  }

  next(): number {
    if (this.total <= 0) return this.end;
    // Smallest of `remaining` uniforms on (u, 1): 1 - (1-u)·V^(1/remaining).
    this.complement *= Math.pow(1 - this.rng.next(), 1 / this.remaining);
    this.remaining--;
    const target = (1 - this.complement) * this.total;
    const last = this.segCum.length - 1;
    while (this.seg < last && (this.segCum[this.seg] as number) <= target) this.seg++;
    const before = this.seg > 0 ? (this.segCum[this.seg - 1] as number) : 0;
    const t =
      (this.segStart[this.seg] as number) + (target - before) / (this.segRate[this.seg] as number);
    let ms = Math.floor(t);
    if (ms > this.end) ms = this.end;
    if (ms < this.prev) ms = this.prev;
    this.prev = ms;
    return ms;
  }
}

// ---------------------------------------------------------------------------------------
// A tenant's world: its devices, sites, users' addresses, service instances

interface Device {
  name: string;
  id: string;
  family: DeviceFamily;
  model: string;
  version: string;
  versionIndex: number;
  mgmtIp: string;
  /** The site's management subnet: a discovery of it finds the site's devices. */
  subnet: string;
  site: string;
  /** Same-platform devices (images, templates) and same-site devices, with positions. */
  familyPeers: Device[];
  familyPos: number;
  sitePeers: Device[];
  sitePos: number;
  /** The running configuration's lines after `set version`, shared by every diff. */
  configTail: string;
  /** Its entry in affectedObjects. */
  affected: Readonly<AffectedObject>;
}

interface WorldUser {
  spec: UserSpec;
  ip: string | null;
  altIp: string | null;
}

interface World {
  tenant: string;
  devices: Device[];
  sites: string[];
  customers: string[];
  users: WorldUser[];
  /** Per application index: its instances' system ids, primary first. */
  systemIds: string[][];
  passwordHashes: string[];
  /** System sessions (user 'system', no IP), one per application. */
  system: Session[];
}

const FAMILY_PICK = new Weighted(DEVICE_FAMILIES.map((f, i) => [i, f.weight] as const));
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./';

function randomText(rng: Rng, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[rng.int(alphabet.length)] as string;
  return out;
}

function ipFor(rng: Rng, spec: UserSpec, first: boolean): string | null {
  if (first && spec.fixedIp !== undefined) return spec.fixedIp;
  switch (spec.net) {
    case 'corp':
      return `172.16.${100 + rng.int(4)}.${2 + rng.int(250)}`;
    case 'dc':
      return `10.${10 + rng.int(4)}.${rng.int(256)}.${1 + rng.int(254)}`;
    case 'home':
      return `192.168.${rng.int(256)}.${2 + rng.int(250)}`;
    case 'v6':
      return `2001:db8:${hex4(rng.u32())}:${rng.int(256).toString(16)}::${(1 + rng.int(0xfffe)).toString(16)}`;
    case 'none':
      return null;
  }
}

function mgmtInterface(prefix: string): string {
  if (prefix.startsWith('srx-branch') || prefix.startsWith('nfx')) return 'ge-0/0/0';
  if (prefix.startsWith('ex') || prefix.startsWith('qfx')) return 'em0';
  return 'fxp0';
}

/**
 * A tenant's world. `rank` is its place in the (Zipf) tenant list: lesser tenants are
 * quieter and smaller, which also keeps a thousand tenants cheap to hold.
 */
function buildWorld(tenant: string, rank: number): World {
  const first = rank === 0;
  const scale = 1 / (1 + rank / 8);
  // Seeded by the tenant's name, not the options' seed: system ids, fleets and addresses
  // stay the same across reruns with different seeds.
  const rng = new Rng(fnv1a(tenant) ^ 0x5eed5eed);
  const domainName = `${tenant}.example.net`;

  const sites: string[] = [];
  const siteNets: [number, number][] = [];
  const siteDevices: Device[][] = [];
  const perCity = new Map<string, number>();
  const siteCount = Math.max(4, Math.round((12 + rng.int(30)) * Math.sqrt(scale)));
  const netBase = 20 + rng.int(40);
  for (let i = 0; i < siteCount; i++) {
    const city = CITY_CODES[rng.skewed(CITY_CODES.length)] as string;
    const n = (perCity.get(city) ?? 0) + 1;
    perCity.set(city, n);
    const kind = n === 1 && rng.chance(0.1) ? (rng.chance(0.5) ? 'hub' : 'dc') : 'site';
    sites.push(`${kind}-${city}-${pad2(n)}`);
    siteNets.push([netBase + (i >> 6), (i * 4) & 0xff]);
    siteDevices.push([]);
  }

  const customers: string[] = [...CUSTOMER_NAMES];
  for (let i = customers.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [customers[i], customers[j]] = [customers[j] as string, customers[i] as string];
  }
  customers.length = 6 + rng.int(12);

  const devices: Device[] = [];
  const byFamily: Device[][] = DEVICE_FAMILIES.map(() => []);
  const deviceCount = Math.max(12, Math.round((80 + rng.int(220)) * scale));
  for (let i = 0; i < deviceCount; i++) {
    const familyIndex = FAMILY_PICK.pick(rng);
    const family = DEVICE_FAMILIES[familyIndex] as DeviceFamily;
    const familyPeers = byFamily[familyIndex] as Device[];
    const name = `${family.prefix}-${pad3(familyPeers.length + 1)}`;
    const versionIndex = rng.int(family.versions.length);
    const version = family.versions[versionIndex] as string;
    // Busy sites (hubs, data centres) hold most devices.
    const siteIndex = rng.skewed(sites.length);
    const site = sites[siteIndex] as string;
    const sitePeers = siteDevices[siteIndex] as Device[];
    const [a, b] = siteNets[siteIndex] as [number, number];
    const host = sitePeers.length + 2;
    const mgmtIp = `10.${a}.${b + (host >> 8)}.${host & 0xff}`;
    const configTail = [
      `set system host-name ${name}`,
      `set system domain-name ${domainName}`,
      'set system time-zone UTC',
      `set interfaces ${mgmtInterface(family.prefix)} unit 0 family inet address ${mgmtIp}/22`,
      `set snmp location "${site}"`,
    ].join('\n');
    const id = String(131072 + i * 64 + rng.int(64));
    const device: Device = {
      name,
      id,
      family,
      model: family.model,
      version,
      versionIndex,
      mgmtIp,
      subnet: `10.${a}.${b}.0/22`,
      site,
      familyPeers,
      familyPos: familyPeers.length,
      sitePeers,
      sitePos: sitePeers.length,
      configTail,
      affected: Object.freeze({
        type: 'Device',
        name,
        id,
        detail: `${family.model}, Junos ${version}, ${mgmtIp}`,
      }),
    };
    devices.push(device);
    familyPeers.push(device);
    sitePeers.push(device);
  }

  const users = USERS.map((spec) => {
    const ip = ipFor(rng, spec, first);
    let altIp: string | null = null;
    if (spec.net === 'v6') altIp = `fd00:10:8::${(1 + rng.int(0xfffe)).toString(16)}`;
    else if (spec.net !== 'none') altIp = `10.8.${rng.int(16)}.${2 + rng.int(250)}`;
    return { spec, ip, altIp };
  });

  const systemIds = APPS.map((app) => {
    const ids: string[] = [];
    const count = app.name === APP_SDN ? 3 : 1 + rng.int(2);
    for (let i = 0; i < count; i++) ids.push(uuidV4(rng));
    if (first && app.name === APP_SDN) ids[0] = SDN_REFERENCE_SYSTEM_ID;
    return ids;
  });

  const passwordHashes: string[] = [];
  for (let i = 0; i < 24; i++) {
    passwordHashes.push(`$6$${randomText(rng, B64, 8)}$${randomText(rng, B64, 43)}`);
  }

  const world: World = {
    tenant,
    devices,
    sites,
    customers,
    users,
    systemIds,
    passwordHashes,
    system: [],
  };
  const systemUser = users.find((u) => u.spec.name === 'system');
  if (systemUser === undefined) throw new Error('vocabulary: no system user');
  world.system = APPS.map((app) => ({
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
  return world;
}

// ---------------------------------------------------------------------------------------
// Sessions, tasks and what they produce

interface Session {
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

/**
 * What became of one attempt. A job-based task is recorded either when its job is
 * scheduled (`job`, `recurring`) or once the job has run (`success`, `failedJob`), as
 * Junos Space's Success/Failure "Job is completed / Job failed" do; `failure` is an
 * attempt rejected before any job existed.
 */
type Outcome = 'success' | 'failure' | 'failedJob' | 'job' | 'recurring';

const STATUS_OF: Record<Outcome, EventStatus> = {
  success: 'success',
  failure: 'failure',
  failedJob: 'failure',
  job: 'job_scheduled',
  recurring: 'recurring_job_scheduled',
};

interface JobDraft {
  name: string;
  type: string;
  params: Record<string, unknown>;
  durationMs: number;
  /** How many items the job works through (devices, sites…), for progress summaries. */
  count: number;
  unit: string;
  okSummary: string;
  failSummary: string;
  /** ISO-8601 recurrence interval, or null for a one-off job. */
  interval: string | null;
  /** One-off jobs sometimes wait for the night's maintenance window. */
  deferred: boolean;
}

interface Detail {
  objectType: string | null;
  objectName: string | null;
  description: string | null;
  resultCode: string | null;
  affected: AffectedObject[];
  changes: EventChanges | null;
  job: JobDraft | null;
}

type Make = (g: SeedGenerator, s: Session, o: Outcome) => Detail;

interface Task {
  name: string;
  workspace: string | null;
  weight: number;
  /** Share of attempts that fail (for job-based tasks, half before and half in the job). */
  fail: number;
  /** Runs as a job: `make` returns a job draft unless the outcome is `failure`. */
  runsJob: boolean;
  /** Share of the other attempts recorded when scheduled rather than when done… */
  scheduled: number;
  /** …and of those, the share scheduled to recur. */
  recurring: number;
  /** Keep `make`'s description for a completed job instead of the job's summary. */
  keepDescription: boolean;
  make: Make;
}

type AgentKind = 'browser' | 'tool' | 'mixed' | 'portal';
type LoginKind = 'space' | 'rest' | 'portal';

interface App {
  name: string;
  index: number;
  /** Relative rate at which sessions of this application start. */
  sessionWeight: number;
  meanTasks: number;
  login: LoginKind | null;
  logout: boolean;
  loginFail: number;
  domain: boolean;
  agent: AgentKind;
  users: Weighted<number>;
  tasks: Weighted<Task>;
  /** Overrides the weighted choice where order matters (SDN upload → refresh → uninstall). */
  choose?: (g: SeedGenerator, s: Session) => Task;
}

interface TaskOptions {
  fail?: number;
  /** Set for job-based tasks: the share recorded as job_scheduled (see Task.scheduled). */
  job?: number;
  recurring?: number;
  keepDescription?: boolean;
}

function task(
  name: string,
  workspace: string | null,
  weight: number,
  options: TaskOptions,
  make: Make,
): Task {
  return {
    name,
    workspace,
    weight,
    fail: options.fail ?? 0.04,
    runsJob: options.job !== undefined,
    scheduled: options.job ?? 0,
    recurring: options.recurring ?? 0,
    keepDescription: options.keepDescription ?? false,
    make,
  };
}

function detail(
  objectType: string | null,
  objectName: string | null,
  description: string | null,
  affected: AffectedObject[] = [],
  changes: EventChanges | null = null,
  job: JobDraft | null = null,
  resultCode: string | null = null,
): Detail {
  return { objectType, objectName, description, resultCode, affected, changes, job };
}

/** Shared and frozen: one per device, not one per event, keeps a chunk's garbage small. */
const deviceObject = (d: Device): AffectedObject => d.affected;

const plural = (n: number, word: string) => (n === 1 ? `1 ${word}` : `${n} ${word}s`);

const INTERVAL_TEXT: Record<string, string> = {
  PT6H: 'every 6 hours',
  PT12H: 'every 12 hours',
  P1D: 'daily',
  P7D: 'weekly',
  P1M: 'monthly',
};

// ---- configuration diffs ("View Configuration Detail")

function withVersion(d: Device, version: string, extra: string): string {
  return extra === ''
    ? `set version ${version}\n${d.configTail}`
    : `set version ${version}\n${d.configTail}\n${extra}`;
}

/** One realistic edit: the lines before and after, each possibly empty. */
function configEdit(rng: Rng, d: Device): [string, string] {
  const ifc = rng.pick(INTERFACES);
  switch (rng.int(7)) {
    case 0: {
      const net = rng.between(20, 60);
      const sub = rng.between(1, 250);
      return [
        `set interfaces ${ifc} unit 0 family inet address 10.${net}.${sub}.1/24`,
        `set interfaces ${ifc} unit 0 family inet address 10.${net}.${sub + 1}.1/24`,
      ];
    }
    case 1: {
      const i = rng.int(INTERFACE_DESCRIPTIONS.length - 1);
      return [
        `set interfaces ${ifc} description "${INTERFACE_DESCRIPTIONS[i] as string}"`,
        `set interfaces ${ifc} description "${INTERFACE_DESCRIPTIONS[i + 1] as string}"`,
      ];
    }
    case 2: {
      const i = rng.int(NTP_SERVERS.length - 1);
      const first = `set system ntp server ${NTP_SERVERS[i] as string}`;
      return [first, `${first}\nset system ntp server ${NTP_SERVERS[i + 1] as string}`];
    }
    case 3:
      return ['', `set system syslog host ${rng.pick(SYSLOG_HOSTS)} any notice`];
    case 4: {
      const i = rng.int(SNMP_COMMUNITIES.length - 1);
      return [
        `set snmp community ${SNMP_COMMUNITIES[i] as string} authorization read-only`,
        `set snmp community ${SNMP_COMMUNITIES[i + 1] as string} authorization read-only`,
      ];
    }
    case 5: {
      const [vlan, id] = rng.pick(VLANS);
      const vlanLine = `set vlans ${vlan} vlan-id ${id}`;
      return [
        vlanLine,
        `${vlanLine}\nset interfaces ${ifc} unit 0 family ethernet-switching vlan members ${vlan}`,
      ];
    }
    default:
      return [`set system host-name ${d.family.prefix}-staging`, `set system host-name ${d.name}`];
  }
}

function editChange(rng: Rng, d: Device, reverse = false): EventChanges {
  const [before, after] = configEdit(rng, d);
  const b = withVersion(d, d.version, before);
  const a = withVersion(d, d.version, after);
  return reverse
    ? { format: 'text', before: a, after: b }
    : { format: 'text', before: b, after: a };
}

function linesChange(d: Device, lines: readonly string[]): EventChanges {
  return {
    format: 'text',
    before: withVersion(d, d.version, ''),
    after: withVersion(d, d.version, lines.join('\n')),
  };
}

function imageChange(d: Device, version: string): EventChanges {
  return {
    format: 'text',
    before: withVersion(d, d.version, ''),
    after: withVersion(d, version, ''),
  };
}

function authChange(rng: Rng, w: World, d: Device, user: string): EventChanges {
  const h1 = rng.pick(w.passwordHashes);
  const h2 = rng.pick(w.passwordHashes);
  const cls = `set system login user ${user} class super-user`;
  return {
    format: 'text',
    before: withVersion(
      d,
      d.version,
      `${cls}\nset system login user ${user} authentication encrypted-password "${h1}"`,
    ),
    after: withVersion(
      d,
      d.version,
      `${cls}\nset system login user ${user} authentication encrypted-password "${h2}"\nset system login user ${user} authentication ssh-ed25519 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${h2.slice(4, 30)} ${user}@jmp"`,
    ),
  };
}

function keyChange(rng: Rng, d: Device): EventChanges {
  const old = randomText(rng, B64, 43);
  const neu = randomText(rng, B64, 43);
  return {
    format: 'text',
    before: `${d.mgmtIp} ecdsa-sha2-nistp256 SHA256:${old}`,
    after: `${d.mgmtIp} ecdsa-sha2-nistp256 SHA256:${neu}`,
  };
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

// ---- job drafts

function jobDraft(
  g: SeedGenerator,
  o: Outcome,
  fields: Omit<JobDraft, 'interval' | 'deferred'>,
  intervals: readonly string[] = ['P1D'],
): JobDraft {
  const recurring = o === 'recurring';
  return {
    ...fields,
    interval: recurring ? g.rng.pick(intervals) : null,
    deferred: o === 'job' && g.rng.chance(0.5),
  };
}

const duration = (rng: Rng, minMs: number, maxMs: number) => {
  const r = rng.next();
  return Math.round(minMs + (maxMs - minMs) * r * r);
};

/** The scheduling sentence of a job task's event (the job's id is not known yet). */
function scheduled(o: Outcome, job: JobDraft, what: string): string {
  if (o === 'recurring') {
    return `Recurring job scheduled (${INTERVAL_TEXT[job.interval ?? 'P1D'] ?? 'recurring'}): ${what}`;
  }
  return job.deferred
    ? `Job scheduled for the maintenance window: ${what}`
    : `Job scheduled: ${what}`;
}

// ---- Junos Space Network Management Platform

const SPACE_TASKS: Task[] = [
  task(
    'Discover Network Elements',
    'Devices',
    1.4,
    { fail: 0.06, job: 0.3, recurring: 0.15 },
    (g, s, o) => {
      const d = g.device(s);
      const target = g.rng.chance(0.7) ? d.subnet : d.mgmtIp;
      if (o === 'failure') {
        return detail(
          'Discovery Target',
          target,
          `Discover Network Elements for ${target} was not scheduled: ${g.rng.pick(['no SNMP or SSH credentials configured', 'target overlaps an existing discovery profile', ...PLATFORM_FAILURES])}`,
        );
      }
      const found = target === d.subnet ? g.sameSubnet(d, g.rng.between(1, 5)) : [d];
      const job = jobDraft(
        g,
        o,
        {
          name: `Discover Network Elements - ${target}`,
          type: 'Discover Network Elements',
          params: {
            targets: [target],
            probes: ['ping', 'snmp'],
            snmpVersion: 'v3',
            deviceCredentials: 'device-admin',
          },
          durationMs: duration(g.rng, 20_000, 6 * MINUTE),
          count: found.length,
          unit: 'device',
          okSummary: `Discovered ${found.length} of ${found.length} devices; ${found.length} added to the inventory`,
          failSummary: `${plural(found.length, 'device')} not discovered: ${g.rng.pick(DEVICE_FAILURES)}`,
        },
        ['P1D', 'P7D'],
      );
      return detail(
        'Discovery Target',
        target,
        scheduled(o, job, `Device discover for ${target}`),
        found.map(deviceObject),
        null,
        job,
      );
    },
  ),
  task('Modify Device Configuration', 'Devices', 8, { fail: 0.05 }, (g, s, o) => {
    const d = g.device(s);
    return detail(
      'Device',
      d.name,
      o === 'failure'
        ? `Configuration of ${d.name} not saved: ${g.rng.pick(['commit check failed: syntax error', 'configuration database locked by user root', 'insufficient privileges for this domain'])}`
        : `Configuration of ${d.name} modified in Junos Space; pending deployment`,
      [deviceObject(d)],
      editChange(g.rng, d),
    );
  }),
  task('Deploy Device Configuration', 'Devices', 2.2, { fail: 0.05, job: 0.15 }, (g, s, o) => {
    const d = g.device(s);
    const changes = editChange(g.rng, d);
    if (o === 'failure') {
      return detail(
        'Device',
        d.name,
        `Deploy Device Configuration to ${d.name} failed: ${g.rng.pick(DEVICE_FAILURES)}`,
        [deviceObject(d)],
        changes,
      );
    }
    const job = jobDraft(g, o, {
      name: `Deploy Device Configuration - ${d.name}`,
      type: 'Deploy Device Configuration',
      params: { devices: [d.name], commitConfirmed: g.rng.chance(0.3), validateBeforeDeploy: true },
      durationMs: duration(g.rng, 15_000, 3 * MINUTE),
      count: 1,
      unit: 'device',
      okSummary: `Configuration committed on ${d.name}`,
      failSummary: `Commit failed on ${d.name}: ${g.rng.pick(DEVICE_FAILURES)}`,
    });
    return detail(
      'Device',
      d.name,
      scheduled(o, job, `Deploy Device Configuration to ${d.name}`),
      [deviceObject(d)],
      changes,
      job,
    );
  }),
  task(
    'Execute Scripts',
    'Images and Scripts',
    1,
    { fail: 0.06, job: 0.3, recurring: 0.3 },
    (g, s, o) => {
      const script = g.rng.pick(SCRIPTS);
      const targets = g.sameFamily(g.device(s), g.rng.between(1, 5));
      const first = targets[0] as Device;
      const changes = linesChange(first, [
        `set system scripts op file ${script}`,
        `set event-options generate-event every-hour time-interval 3600`,
      ]);
      if (o === 'failure') {
        return detail(
          'Script',
          script,
          `Script ${script} not executed: ${g.rng.pick(DEVICE_FAILURES)}`,
          targets.map(deviceObject),
          changes,
        );
      }
      const job = jobDraft(
        g,
        o,
        {
          name: `Execute Scripts - ${script}`,
          type: 'Execute Scripts',
          params: {
            script,
            devices: targets.map((t) => t.name),
            scriptType: script.endsWith('.py') ? 'python' : 'slax',
          },
          durationMs: duration(g.rng, 10_000, 5 * MINUTE),
          count: targets.length,
          unit: 'device',
          okSummary: `Script ${script} executed on ${plural(targets.length, 'device')}`,
          failSummary: `Script ${script} failed on ${first.name}: ${g.rng.pick(DEVICE_FAILURES)}`,
        },
        ['P1D', 'P7D'],
      );
      return detail(
        'Script',
        script,
        scheduled(o, job, `Script ${script} execution on ${plural(targets.length, 'device')}`),
        targets.map(deviceObject),
        changes,
        job,
      );
    },
  ),
  task(
    'Apply CLI Configlet',
    'CLI Configlets',
    1.6,
    { fail: 0.05, job: 0.2, keepDescription: true },
    (g, s, o) => {
      const c = g.rng.pick(CONFIGLETS);
      const d = g.device(s);
      const text = `Apply CLI Configlet operation initiated for the configlet ${c.name} on the device ${d.name}`;
      const changes = linesChange(d, c.lines);
      if (o === 'failure') {
        return detail(
          'CLI Configlet',
          c.name,
          `${text}: failed, ${g.rng.pick(DEVICE_FAILURES)}`,
          [deviceObject(d)],
          changes,
        );
      }
      const job = jobDraft(g, o, {
        name: `Apply CLI Configlet - ${c.name} on ${d.name}`,
        type: 'Apply CLI Configlet',
        params: { configlet: c.name, device: d.name },
        durationMs: duration(g.rng, 10_000, 2 * MINUTE),
        count: 1,
        unit: 'device',
        okSummary: `Configlet ${c.name} applied on ${d.name}`,
        failSummary: `Configlet ${c.name} failed on ${d.name}: ${g.rng.pick(DEVICE_FAILURES)}`,
      });
      return detail('CLI Configlet', c.name, text, [deviceObject(d)], changes, job);
    },
  ),
  task('Validate CLI Configlet', 'CLI Configlets', 2.2, { fail: 0.1 }, (g, s, o) => {
    const c = g.rng.pick(CONFIGLETS);
    const d = g.device(s);
    const text = `Validate CLI Configlet operation initiated for the configlet ${c.name} on the device ${d.name}`;
    return detail(
      'CLI Configlet',
      c.name,
      o === 'failure'
        ? `${text}: validation failed, ${g.rng.pick(['missing mandatory parameter', 'syntax error', 'device not reachable'])}`
        : text,
      [deviceObject(d)],
    );
  }),
  task('Modify Authentication on Devices', 'Devices', 0.7, { fail: 0.05, job: 0.2 }, (g, s, o) => {
    const targets = g.devices(s, g.rng.between(1, 5));
    const first = targets[0] as Device;
    const user = g.rng.pick(['netops', 'root', 'automation', 'noc']);
    const changes = authChange(g.rng, s.world, first, user);
    if (o === 'failure') {
      return detail(
        'Device',
        first.name,
        `Authentication change for user ${user} failed: ${g.rng.pick(DEVICE_FAILURES)}`,
        targets.map(deviceObject),
        changes,
      );
    }
    const job = jobDraft(g, o, {
      name: `Modify Authentication - ${plural(targets.length, 'device')}`,
      type: 'Modify Authentication on Devices',
      params: { devices: targets.map((t) => t.name), user, method: 'ssh-key' },
      durationMs: duration(g.rng, 20_000, 4 * MINUTE),
      count: targets.length,
      unit: 'device',
      okSummary: `Credentials updated on ${plural(targets.length, 'device')}`,
      failSummary: `Credentials not updated on ${first.name}: ${g.rng.pick(DEVICE_FAILURES)}`,
    });
    return detail(
      'Device',
      first.name,
      scheduled(
        o,
        job,
        `Modify authentication for user ${user} on ${plural(targets.length, 'device')}`,
      ),
      targets.map(deviceObject),
      changes,
      job,
    );
  }),
  task('Deploy Templates', 'Device Templates', 1, { fail: 0.05, job: 0.3 }, (g, s, o) => {
    const targets = g.sameFamily(g.device(s), g.rng.between(1, 5));
    const t = g.template((targets[0] as Device).family);
    const first = targets[0] as Device;
    const changes = linesChange(first, t.lines);
    if (o === 'failure') {
      return detail(
        'Template',
        t.name,
        `Template ${t.name} not deployed: ${g.rng.pick(DEVICE_FAILURES)}`,
        targets.map(deviceObject),
        changes,
      );
    }
    const job = jobDraft(g, o, {
      name: `Deploy Templates - ${t.name}`,
      type: 'Deploy Templates',
      params: {
        template: t.name,
        devices: targets.map((x) => x.name),
        version: g.rng.between(1, 9),
      },
      durationMs: duration(g.rng, 30_000, 6 * MINUTE),
      count: targets.length,
      unit: 'device',
      okSummary: `Template ${t.name} deployed to ${plural(targets.length, 'device')}`,
      failSummary: `Template ${t.name} failed on ${first.name}: ${g.rng.pick(DEVICE_FAILURES)}`,
    });
    return detail(
      'Template',
      t.name,
      scheduled(o, job, `Template ${t.name} deployment on ${plural(targets.length, 'device')}`),
      targets.map(deviceObject),
      changes,
      job,
    );
  }),
  task('Deploy Device Image', 'Images and Scripts', 0.8, { fail: 0.08, job: 0.45 }, (g, s, o) => {
    const { targets, image, version } = g.upgrade(s, g.rng.between(1, 5));
    const first = targets[0] as Device;
    const changes = imageChange(first, version);
    if (o === 'failure') {
      return detail(
        'Device Image',
        image,
        `Image ${image} not deployed: ${g.rng.pick(['insufficient storage on /var/tmp', 'image checksum mismatch', ...DEVICE_FAILURES])}`,
        targets.map(deviceObject),
        changes,
      );
    }
    const job = jobDraft(g, o, {
      name: `Deploy Device Image - ${image}`,
      type: 'Deploy Device Image',
      params: {
        image,
        devices: targets.map((x) => x.name),
        validate: true,
        rebootAfterDeploy: true,
        snapshot: g.rng.chance(0.5),
      },
      durationMs: duration(g.rng, 8 * MINUTE, 45 * MINUTE),
      count: targets.length,
      unit: 'device',
      okSummary: `Image ${image} installed on ${plural(targets.length, 'device')}; devices rebooted`,
      failSummary: `Image install failed on ${first.name}: ${g.rng.pick(['insufficient storage on /var/tmp', 'reboot timed out', 'package validation failed'])}`,
    });
    return detail(
      'Device Image',
      image,
      scheduled(o, job, `Image ${image} deployment on ${plural(targets.length, 'device')}`),
      targets.map(deviceObject),
      changes,
      job,
    );
  }),
  task(
    'Restore Configuration',
    'Configuration Files',
    0.4,
    { fail: 0.05, job: 0.15 },
    (g, s, o) => {
      const d = g.device(s);
      const revision = g.rng.between(2, 40);
      const changes = editChange(g.rng, d, true);
      if (o === 'failure') {
        return detail(
          'Device',
          d.name,
          `Restore of configuration version ${revision} on ${d.name} failed: ${g.rng.pick(DEVICE_FAILURES)}`,
          [deviceObject(d)],
          changes,
        );
      }
      const job = jobDraft(g, o, {
        name: `Restore Configuration - ${d.name} v${revision}`,
        type: 'Restore Configuration',
        params: { device: d.name, configFileVersion: revision, merge: false },
        durationMs: duration(g.rng, 20_000, 3 * MINUTE),
        count: 1,
        unit: 'device',
        okSummary: `Configuration version ${revision} restored on ${d.name}`,
        failSummary: `Restore failed on ${d.name}: ${g.rng.pick(DEVICE_FAILURES)}`,
      });
      return detail(
        'Device',
        d.name,
        scheduled(o, job, `Restore configuration version ${revision} on ${d.name}`),
        [deviceObject(d)],
        changes,
        job,
      );
    },
  ),
  task('Resolve Key Conflicts', 'Devices', 0.6, { fail: 0.04 }, (g, s, o) => {
    const d = g.device(s);
    return detail(
      'Device',
      d.name,
      o === 'failure'
        ? `Key conflict on ${d.name} not resolved: ${g.rng.pick(DEVICE_FAILURES)}`
        : `SSH host key conflict on ${d.name} resolved: new fingerprint accepted`,
      [deviceObject(d)],
      keyChange(g.rng, d),
    );
  }),
  task('Modify Application settings', 'Administration', 0.7, { fail: 0.02 }, (g, _s, o) => {
    const setting = g.rng.pick(APP_SETTINGS);
    const app = g.rng.chance(0.8) ? 'Network Management Platform' : 'Services Activation Director';
    return detail(
      'Application',
      app,
      o === 'failure'
        ? `Application settings of ${app} not saved: ${g.rng.pick(PLATFORM_FAILURES)}`
        : `Application settings modified for ${app}: ${setting.name}`,
      [{ type: 'Application Setting', name: setting.name, detail: setting.detail }],
    );
  }),
  task('Resynchronize with Network', 'Devices', 1.2, { fail: 0.05, job: 0.15 }, (g, s, o) => {
    const targets = g.devices(s, g.rng.between(1, 4));
    const first = targets[0] as Device;
    if (o === 'failure') {
      return detail(
        'Device',
        first.name,
        `Resynchronization of ${first.name} failed: ${g.rng.pick(DEVICE_FAILURES)}`,
        targets.map(deviceObject),
      );
    }
    const job = jobDraft(g, o, {
      name: `Resynchronize with Network - ${plural(targets.length, 'device')}`,
      type: 'Resynchronize Network Elements',
      params: { devices: targets.map((x) => x.name) },
      durationMs: duration(g.rng, 10_000, 2 * MINUTE),
      count: targets.length,
      unit: 'device',
      okSummary: `${plural(targets.length, 'device')} resynchronized`,
      failSummary: `${first.name} not resynchronized: ${g.rng.pick(DEVICE_FAILURES)}`,
    });
    return detail(
      'Device',
      first.name,
      scheduled(o, job, `Resynchronize ${plural(targets.length, 'device')} with the network`),
      targets.map(deviceObject),
      null,
      job,
    );
  }),
  task(
    'Backup Configuration Files',
    'Configuration Files',
    0.75,
    { fail: 0.03, job: 0.7, recurring: 0.9 },
    (g, s, o) => {
      const n = s.world.devices.length;
      if (o === 'failure') {
        return detail(
          null,
          null,
          `Configuration backup not scheduled: ${g.rng.pick(PLATFORM_FAILURES)}`,
        );
      }
      const job = jobDraft(
        g,
        o,
        {
          name: `Backup Configuration Files - all devices`,
          type: 'Backup Configuration Files',
          params: { devices: 'all', keepVersions: 20, target: 'scp://backup.example.net/junos/' },
          durationMs: duration(g.rng, MINUTE, 15 * MINUTE),
          count: n,
          unit: 'device',
          okSummary: `${n} configuration files backed up`,
          failSummary: `Backup failed after ${g.rng.between(1, n)} files: disk full on /var/log`,
        },
        ['P1D', 'P1D', 'P1D', 'P7D', 'PT12H'],
      );
      return detail(
        'Configuration File',
        'all devices',
        scheduled(o, job, `Backup of ${n} device configurations`),
        [],
        null,
        job,
      );
    },
  ),
  task('Generate Report', 'Reports', 0.65, { fail: 0.03, job: 0.6, recurring: 0.85 }, (g, s, o) => {
    const report = g.rng.pick(REPORT_DEFINITIONS);
    if (o === 'failure')
      return detail(
        'Report Definition',
        report,
        `Report ${report} not generated: ${g.rng.pick(PLATFORM_FAILURES)}`,
      );
    const job = jobDraft(
      g,
      o,
      {
        name: `Generate Report - ${report}`,
        type: 'Generate Report',
        params: {
          reportDefinition: report,
          format: g.rng.pick(['PDF', 'CSV', 'HTML']),
          email: `${s.user.spec.name}@${s.world.tenant}.example.net`,
        },
        durationMs: duration(g.rng, 30_000, 10 * MINUTE),
        count: 1,
        unit: 'report',
        okSummary: `${report} generated`,
        failSummary: `${report} failed: ${g.rng.pick(PLATFORM_FAILURES)}`,
      },
      ['P1D', 'P7D', 'P7D', 'P1M'],
    );
    return detail(
      'Report Definition',
      report,
      scheduled(o, job, `Generate ${report}`),
      [],
      null,
      job,
    );
  }),
  task(
    'Purge Audit Logs',
    'Audit Logs',
    0.2,
    { fail: 0.02, job: 0.8, recurring: 0.8 },
    (g, _s, o) => {
      const days = g.rng.pick([30, 90, 180, 365]);
      if (o === 'failure')
        return detail(
          null,
          null,
          `Audit log purge not scheduled: ${g.rng.pick(PLATFORM_FAILURES)}`,
        );
      const job = jobDraft(
        g,
        o,
        {
          name: `Purge Audit Logs - older than ${days} days`,
          type: 'Purge Audit Logs',
          params: { olderThanDays: days, archive: true, archiveTarget: 'local' },
          durationMs: duration(g.rng, MINUTE, 20 * MINUTE),
          count: 1,
          unit: 'archive',
          okSummary: `Audit logs older than ${days} days archived and purged`,
          failSummary: 'Archive failed: disk full on /var/log',
        },
        ['P1D', 'P7D'],
      );
      return detail(
        null,
        null,
        scheduled(o, job, `Archive and purge audit logs older than ${days} days`),
        [],
        null,
        job,
      );
    },
  ),
  task('Export Audit Logs', 'Audit Logs', 0.4, { fail: 0.03 }, (g, _s, o) =>
    detail(
      null,
      null,
      o === 'failure'
        ? `Audit log export failed: ${g.rng.pick(PLATFORM_FAILURES)}`
        : `Audit logs exported as CSV (${g.rng.between(200, 90_000)} entries)`,
    ),
  ),
  task('Create User', 'Role Based Access Control', 0.35, { fail: 0.03 }, (g, s, o) => {
    const u = g.rng.pick(s.world.users).spec.name;
    const role = g.rng.pick(RBAC_ROLES);
    return detail(
      'User',
      u,
      o === 'failure'
        ? `User ${u} not created: user already exists`
        : `User ${u} created with role ${role}`,
      [{ type: 'Role', name: role }],
    );
  }),
  task('Modify User', 'Role Based Access Control', 0.6, { fail: 0.03 }, (g, s, o) => {
    const u = g.rng.pick(s.world.users).spec.name;
    const role = g.rng.pick(RBAC_ROLES);
    return detail(
      'User',
      u,
      o === 'failure'
        ? `User ${u} not modified: ${g.rng.pick(PLATFORM_FAILURES)}`
        : `User ${u} modified: role ${role} assigned`,
      [{ type: 'Role', name: role, detail: 'assigned' }],
    );
  }),
  task('Acknowledge Alarm', 'Network Monitoring', 3.5, { fail: 0.02 }, (g, s, o) => {
    const d = g.device(s);
    const alarm = g.rng.pick(ALARMS);
    return detail(
      'Alarm',
      `${alarm} on ${d.name}`,
      o === 'failure'
        ? `Alarm on ${d.name} could not be acknowledged: alarm already cleared`
        : `Alarm '${alarm}' on ${d.name} acknowledged`,
      [deviceObject(d)],
    );
  }),
  task('Delete Devices', 'Devices', 0.2, { fail: 0.04, job: 0.2 }, (g, s, o) => {
    const d = g.device(s);
    if (o === 'failure')
      return detail('Device', d.name, `${d.name} not deleted: device is referenced by a service`, [
        deviceObject(d),
      ]);
    const job = jobDraft(g, o, {
      name: `Delete Devices - ${d.name}`,
      type: 'Delete Devices',
      params: { devices: [d.name] },
      durationMs: duration(g.rng, 5_000, MINUTE),
      count: 1,
      unit: 'device',
      okSummary: `${d.name} deleted from Junos Space`,
      failSummary: `${d.name} not deleted: ${g.rng.pick(PLATFORM_FAILURES)}`,
    });
    return detail(
      'Device',
      d.name,
      scheduled(o, job, `Delete ${d.name}`),
      [deviceObject(d)],
      null,
      job,
    );
  }),
  task('Reboot Devices', 'Devices', 0.2, { fail: 0.05, job: 0.5 }, (g, s, o) => {
    const d = g.device(s);
    if (o === 'failure')
      return detail(
        'Device',
        d.name,
        `Reboot of ${d.name} not scheduled: ${g.rng.pick(DEVICE_FAILURES)}`,
        [deviceObject(d)],
      );
    const job = jobDraft(g, o, {
      name: `Reboot Devices - ${d.name}`,
      type: 'Reboot Devices',
      params: { devices: [d.name], mode: 'graceful' },
      durationMs: duration(g.rng, 3 * MINUTE, 12 * MINUTE),
      count: 1,
      unit: 'device',
      okSummary: `${d.name} rebooted and reconnected`,
      failSummary: `${d.name} did not reconnect after reboot`,
    });
    return detail(
      'Device',
      d.name,
      scheduled(o, job, `Reboot ${d.name}`),
      [deviceObject(d)],
      null,
      job,
    );
  }),
  task('Create CLI Configlet', 'CLI Configlets', 0.5, { fail: 0.02 }, (g, _s, o) => {
    const c = g.rng.pick(CONFIGLETS);
    return detail(
      'CLI Configlet',
      c.name,
      o === 'failure'
        ? `CLI Configlet ${c.name} not saved: a configlet with this name exists`
        : `CLI Configlet ${c.name} created for device family junos`,
    );
  }),
  task('Modify CLI Configlet', 'CLI Configlets', 0.9, { fail: 0.02 }, (g, _s, o) => {
    const c = g.rng.pick(CONFIGLETS);
    const v = g.rng.between(2, 12);
    return detail(
      'CLI Configlet',
      c.name,
      o === 'failure'
        ? `CLI Configlet ${c.name} not saved: invalid Velocity expression`
        : `CLI Configlet ${c.name} modified (version ${v})`,
    );
  }),
  task('Create Template', 'Device Templates', 0.35, { fail: 0.02 }, (g, _s, o) => {
    const t = g.rng.pick(TEMPLATES);
    return detail(
      'Template',
      t.name,
      o === 'failure'
        ? `Template ${t.name} not created: ${g.rng.pick(PLATFORM_FAILURES)}`
        : `Template ${t.name} created`,
    );
  }),
  task('Modify Template', 'Device Templates', 0.7, { fail: 0.02 }, (g, _s, o) => {
    const t = g.rng.pick(TEMPLATES);
    return detail(
      'Template',
      t.name,
      o === 'failure'
        ? `Template ${t.name} not saved: validation failed`
        : `Template ${t.name} modified and published`,
    );
  }),
  task('Tag Devices', 'Devices', 0.9, { fail: 0.01 }, (g, s, o) => {
    const tag = g.rng.pick(DEVICE_TAGS);
    const devs = g.devices(s, g.rng.between(1, 5));
    return detail(
      'Tag',
      tag,
      o === 'failure'
        ? `Tag ${tag} not applied: ${g.rng.pick(PLATFORM_FAILURES)}`
        : `Tag ${tag} applied to ${plural(devs.length, 'device')}`,
      devs.map(deviceObject),
    );
  }),
  task('Assign Devices to Domain', 'Devices', 0.3, { fail: 0.03 }, (g, s, o) => {
    const domain = g.rng.pick(DOMAINS);
    const devs = g.devices(s, g.rng.between(1, 5));
    return detail(
      'Domain',
      domain,
      o === 'failure'
        ? `Devices not assigned to ${domain}: insufficient privileges for this domain`
        : `${plural(devs.length, 'device')} assigned to domain ${domain}`,
      devs.map(deviceObject),
    );
  }),
  task('Clear Alarm', 'Network Monitoring', 1.8, { fail: 0.01 }, (g, s, o) => {
    const d = g.device(s);
    const alarm = g.rng.pick(ALARMS);
    return detail(
      'Alarm',
      `${alarm} on ${d.name}`,
      o === 'failure'
        ? `Alarm on ${d.name} could not be cleared: condition still active`
        : `Alarm '${alarm}' on ${d.name} cleared`,
      [deviceObject(d)],
    );
  }),
  task('Import Device Image', 'Images and Scripts', 0.3, { fail: 0.05 }, (g, s, o) => {
    const d = g.device(s);
    const image = g.rng.pick(d.family.images);
    return detail(
      'Device Image',
      image,
      o === 'failure'
        ? `Image ${image} not imported: checksum mismatch`
        : `Image ${image} imported for ${d.model}`,
    );
  }),
];

// ---- CSO (Contrail Service Orchestration)

function csoFailure(
  g: SeedGenerator,
  what: string,
  type: string | null,
  name: string | null,
  affected: AffectedObject[] = [],
): Detail {
  const code = g.rng.pick(CSO_ERROR_CODES);
  const reason =
    code === 'ERR_DEVICE_UNREACHABLE'
      ? 'device not reachable'
      : code === 'ERR_TIMEOUT'
        ? 'request timed out after 60 seconds'
        : code === 'ERR_CONFLICT'
          ? 'object was modified by another user'
          : code === 'ERR_PERMISSION'
            ? 'insufficient privileges'
            : 'invalid input';
  return detail(type, name, `${what} failed: ${reason}`, affected, null, null, code);
}

const CSO_TASKS: Task[] = [
  task('tenant.create', 'Tenants', 1, { fail: 0.04 }, (g, s, o) => {
    const t = g.rng.pick(s.world.customers);
    if (o === 'failure') return csoFailure(g, `Creation of tenant ${t}`, 'Tenant', t);
    return detail('Tenant', t, `Tenant ${t} created`, [
      { type: 'User', name: `${t}-admin`, detail: 'Tenant Administrator' },
      { type: 'VRF', name: `${t}-vrf` },
    ]);
  }),
  task('tenant.update', 'Tenants', 1.6, { fail: 0.04 }, (g, s, o) => {
    const t = g.rng.pick(s.world.customers);
    if (o === 'failure') return csoFailure(g, `Update of tenant ${t}`, 'Tenant', t);
    return detail(
      'Tenant',
      t,
      `Tenant ${t} updated: ${g.rng.pick(['SD-WAN mode changed to real-time optimized', 'maximum sites raised to 50', 'contact e-mail changed', 'internet breakout enabled'])}`,
    );
  }),
  task('tenant.delete', 'Tenants', 0.2, { fail: 0.05, job: 0.3 }, (g, s, o) => {
    const t = g.rng.pick(s.world.customers);
    if (o === 'failure') return csoFailure(g, `Deletion of tenant ${t}`, 'Tenant', t);
    const job = jobDraft(g, o, {
      name: `tenant.delete ${t}`,
      type: 'Tenant Deletion',
      params: { tenant: t, cascade: true },
      durationMs: duration(g.rng, MINUTE, 5 * MINUTE),
      count: 1,
      unit: 'tenant',
      okSummary: `Tenant ${t} and its sites deleted`,
      failSummary: `Tenant ${t} not deleted: sites still provisioned`,
    });
    return detail('Tenant', t, scheduled(o, job, `Delete tenant ${t}`), [], null, job);
  }),
  task('site.create', 'Sites', 2.4, { fail: 0.04 }, (g, s, o) => {
    const site = g.site(s);
    const t = g.rng.pick(s.world.customers);
    if (o === 'failure') return csoFailure(g, `Creation of site ${site}`, 'Site', site);
    return detail('Site', site, `Site ${site} created for tenant ${t}`, [
      { type: 'Tenant', name: t },
    ]);
  }),
  task('site.configure', 'Sites', 3.2, { fail: 0.05 }, (g, s, o) => {
    const site = g.site(s);
    if (o === 'failure') return csoFailure(g, `Configuration of site ${site}`, 'Site', site);
    return detail(
      'Site',
      site,
      `Site ${site} configured: ${g.rng.pick(['WAN links updated', 'LAN segment added', 'DHCP settings changed', 'departments assigned', 'SLA profile changed'])}`,
    );
  }),
  task('site.provision', 'Sites', 2, { fail: 0.07, job: 0.25 }, (g, s, o) => {
    const site = g.site(s);
    const devs = g.devices(s, g.rng.between(1, 3));
    const affected: AffectedObject[] = [
      { type: 'Site', name: site, detail: 'provisioning' },
      ...devs.map(deviceObject),
    ];
    if (o === 'failure')
      return csoFailure(g, `Provisioning of site ${site}`, 'Site', site, affected);
    const job = jobDraft(g, o, {
      name: `site.provision ${site}`,
      type: 'Site Provisioning',
      params: { site, devices: devs.map((d) => d.name), ztp: true },
      durationMs: duration(g.rng, 3 * MINUTE, 25 * MINUTE),
      count: devs.length,
      unit: 'device',
      okSummary: `Site ${site} provisioned (${plural(devs.length, 'device')})`,
      failSummary: `Provisioning of ${site} failed: ${g.rng.pick(DEVICE_FAILURES)}`,
    });
    return detail('Site', site, scheduled(o, job, `Provision site ${site}`), affected, null, job);
  }),
  task('site.delete', 'Sites', 0.3, { fail: 0.04 }, (g, s, o) => {
    const site = g.site(s);
    if (o === 'failure') return csoFailure(g, `Deletion of site ${site}`, 'Site', site);
    return detail('Site', site, `Site ${site} deleted`);
  }),
  task('device.create', 'Devices', 2, { fail: 0.03 }, (g, s, o) => {
    const d = g.device(s);
    if (o === 'failure') return csoFailure(g, `Creation of device ${d.name}`, 'Device', d.name);
    return detail('Device', d.name, `Device ${d.name} (${d.model}) added to site ${d.site}`, [
      { type: 'Site', name: d.site },
    ]);
  }),
  task('device.activate', 'Devices', 1.4, { fail: 0.06, job: 0.3 }, (g, s, o) => {
    const d = g.device(s);
    const affected = [deviceObject(d), { type: 'Site', name: d.site }];
    if (o === 'failure')
      return csoFailure(g, `Activation of device ${d.name}`, 'Device', d.name, affected);
    const job = jobDraft(g, o, {
      name: `device.activate ${d.name}`,
      type: 'Device Activation',
      params: {
        device: d.name,
        site: d.site,
        activationCode: `ACT-${hex8(g.rng.u32()).toUpperCase()}`,
      },
      durationMs: duration(g.rng, 5 * MINUTE, 30 * MINUTE),
      count: 1,
      unit: 'device',
      okSummary: `Device ${d.name} activated (ZTP complete)`,
      failSummary: `Activation of ${d.name} failed: ${g.rng.pick(DEVICE_FAILURES)}`,
    });
    return detail(
      'Device',
      d.name,
      scheduled(o, job, `Activate device ${d.name} at site ${d.site}`),
      affected,
      null,
      job,
    );
  }),
  task('device.update', 'Devices', 1.2, { fail: 0.03 }, (g, s, o) => {
    const d = g.device(s);
    if (o === 'failure') return csoFailure(g, `Update of device ${d.name}`, 'Device', d.name);
    return detail(
      'Device',
      d.name,
      `Device ${d.name} updated: ${g.rng.pick(['serial number set', 'management IP changed', 'WAN interface assignment changed'])}`,
    );
  }),
  task('device.delete', 'Devices', 0.3, { fail: 0.04 }, (g, s, o) => {
    const d = g.device(s);
    if (o === 'failure') return csoFailure(g, `Deletion of device ${d.name}`, 'Device', d.name);
    return detail('Device', d.name, `Device ${d.name} removed from site ${d.site}`);
  }),
  task('device-image.upload', 'Images', 0.4, { fail: 0.05 }, (g, s, o) => {
    const d = g.device(s);
    const image = g.rng.pick(d.family.images);
    if (o === 'failure') return csoFailure(g, `Upload of image ${image}`, 'Device Image', image);
    return detail('Device Image', image, `Image ${image} uploaded for ${d.model}`);
  }),
  task('device-image.deploy', 'Images', 0.8, { fail: 0.07, job: 0.5 }, (g, s, o) => {
    const { targets: devs, image, version } = g.upgrade(s, g.rng.between(1, 4));
    const first = devs[0] as Device;
    if (o === 'failure')
      return csoFailure(
        g,
        `Deployment of image ${image}`,
        'Device Image',
        image,
        devs.map(deviceObject),
      );
    const job = jobDraft(g, o, {
      name: `device-image.deploy ${image}`,
      type: 'Image Deployment',
      params: { image, devices: devs.map((d) => d.name), reboot: true },
      durationMs: duration(g.rng, 10 * MINUTE, 40 * MINUTE),
      count: devs.length,
      unit: 'device',
      okSummary: `Image ${image} deployed to ${plural(devs.length, 'device')}`,
      failSummary: `Image deployment failed on ${first.name}: ${g.rng.pick(DEVICE_FAILURES)}`,
    });
    return detail(
      'Device Image',
      image,
      scheduled(o, job, `Deploy image ${image} to ${plural(devs.length, 'device')}`),
      devs.map(deviceObject),
      imageChange(first, version),
      job,
    );
  }),
  task('template.create', 'Templates', 0.5, { fail: 0.03 }, (g, _s, o) => {
    const t = `${g.rng.pick(CSO_TEMPLATES)}-v${g.rng.between(2, 9)}`;
    if (o === 'failure') return csoFailure(g, `Creation of template ${t}`, 'Template', t);
    return detail('Template', t, `Configuration template ${t} created`);
  }),
  task('template.deploy', 'Templates', 1, { fail: 0.05, job: 0.25 }, (g, s, o) => {
    const devs = g.sameFamily(g.device(s), g.rng.between(1, 5));
    const t = g.template((devs[0] as Device).family);
    const first = devs[0] as Device;
    const changes = linesChange(first, t.lines);
    if (o === 'failure')
      return csoFailure(
        g,
        `Deployment of template ${t.name}`,
        'Template',
        t.name,
        devs.map(deviceObject),
      );
    const job = jobDraft(g, o, {
      name: `template.deploy ${t.name}`,
      type: 'Template Deployment',
      params: { template: t.name, devices: devs.map((d) => d.name) },
      durationMs: duration(g.rng, MINUTE, 8 * MINUTE),
      count: devs.length,
      unit: 'device',
      okSummary: `Template ${t.name} deployed to ${plural(devs.length, 'device')}`,
      failSummary: `Template ${t.name} failed on ${first.name}: ${g.rng.pick(DEVICE_FAILURES)}`,
    });
    return detail(
      'Template',
      t.name,
      scheduled(o, job, `Deploy template ${t.name} to ${plural(devs.length, 'device')}`),
      devs.map(deviceObject),
      changes,
      job,
    );
  }),
  task('policy.deploy', 'Security Management', 1.2, { fail: 0.05, job: 0.25 }, (g, s, o) => {
    const p = g.rng.pick(CSO_POLICIES);
    const devs = g.devices(s, g.rng.between(1, 5));
    if (o === 'failure')
      return csoFailure(g, `Deployment of policy ${p}`, 'Policy', p, devs.map(deviceObject));
    const job = jobDraft(g, o, {
      name: `policy.deploy ${p}`,
      type: 'Policy Deployment',
      params: { policy: p, devices: devs.map((d) => d.name), rules: g.rng.between(4, 120) },
      durationMs: duration(g.rng, 30_000, 5 * MINUTE),
      count: devs.length,
      unit: 'device',
      okSummary: `Policy ${p} deployed to ${plural(devs.length, 'device')}`,
      failSummary: `Policy ${p} rejected by ${(devs[0] as Device).name}: commit check failed`,
    });
    return detail(
      'Policy',
      p,
      scheduled(o, job, `Deploy policy ${p} to ${plural(devs.length, 'device')}`),
      devs.map(deviceObject),
      null,
      job,
    );
  }),
  task('user.create', 'Administration', 0.3, { fail: 0.03 }, (g, s, o) => {
    const t = g.rng.pick(s.world.customers);
    const u = `${g.rng.pick(['ops', 'noc', 'it', 'netadmin'])}@${t}.example.com`;
    if (o === 'failure') return csoFailure(g, `Creation of user ${u}`, 'User', u);
    return detail('User', u, `User ${u} created with role Tenant Operator`, [
      { type: 'Tenant', name: t },
    ]);
  }),
];

// ---- REST (Junos Space API)

const REST_ERRORS: Record<string, string> = {
  '400': 'Bad Request: invalid parameter in request body',
  '401': 'Unauthorized: invalid or expired credentials',
  '403': 'Forbidden: user lacks the required capability',
  '404': 'Not Found: resource does not exist',
  '409': 'Conflict: resource is locked by another job',
  '500': 'Internal Server Error: database connection pool exhausted',
  '503': 'Service Unavailable: node is in maintenance mode',
};

function restFailure(
  g: SeedGenerator,
  codes: readonly string[],
  type: string | null,
  name: string | null,
): Detail {
  const code = g.rng.pick(codes);
  return detail(type, name, REST_ERRORS[code] ?? 'Request failed', [], null, null, code);
}

const REST_TASKS: Task[] = [
  task('GET: /api/space/device-management/devices', null, 10, { fail: 0.05 }, (g, s, o) => {
    if (o === 'failure') return restFailure(g, ['401', '500', '503'], null, null);
    return detail(
      null,
      null,
      `Returned ${Math.min(s.world.devices.length, g.rng.pick([25, 100, 500]))} devices`,
      [],
      null,
      null,
      '200',
    );
  }),
  task('GET: /api/space/device-management/devices/{id}', null, 6, { fail: 0.06 }, (g, s, o) => {
    const d = g.device(s);
    if (o === 'failure') return restFailure(g, ['404', '404', '401'], 'Device', d.id);
    return detail(
      'Device',
      d.name,
      `Device ${d.name} (id ${d.id}) retrieved`,
      [],
      null,
      null,
      '200',
    );
  }),
  task(
    'POST: /api/space/device-management/discover-devices',
    null,
    1.2,
    { fail: 0.06, job: 1 },
    (g, s, o) => {
      const d = g.device(s);
      const target = g.rng.chance(0.6) ? d.subnet : d.mgmtIp;
      if (o === 'failure') return restFailure(g, ['400', '401', '500'], 'Discovery Target', target);
      const found = target === d.subnet ? g.sameSubnet(d, g.rng.between(1, 5)) : [d];
      const job = jobDraft(g, o, {
        name: `Discover Network Elements - ${target}`,
        type: 'Discover Network Elements',
        params: {
          targets: [target],
          probes: ['ping', 'snmp'],
          useSnmp: true,
          manageDiscoveredSystemsFlag: true,
        },
        durationMs: duration(g.rng, 20_000, 6 * MINUTE),
        count: found.length,
        unit: 'device',
        okSummary: `Discovered ${found.length} of ${found.length} devices`,
        failSummary: `${plural(found.length, 'device')} not discovered: ${g.rng.pick(DEVICE_FAILURES)}`,
      });
      return detail(
        'Discovery Target',
        target,
        `Job: Device discover scheduled (${job.name})`,
        found.map(deviceObject),
        null,
        job,
        '202',
      );
    },
  ),
  task(
    'DELETE: /api/space/device-management/devices/{id}',
    null,
    0.3,
    { fail: 0.08, job: 1 },
    (g, s, o) => {
      const d = g.device(s);
      if (o === 'failure') return restFailure(g, ['404', '401', '409'], 'Device', d.name);
      const job = jobDraft(g, o, {
        name: `Delete Devices - ${d.name}`,
        type: 'Delete Devices',
        params: { devices: [d.id] },
        durationMs: duration(g.rng, 5_000, MINUTE),
        count: 1,
        unit: 'device',
        okSummary: `${d.name} deleted`,
        failSummary: `${d.name} not deleted: device is referenced by a service`,
      });
      return detail(
        'Device',
        d.name,
        `Job: Device delete scheduled for ${d.name} (id ${d.id})`,
        [deviceObject(d)],
        null,
        job,
        '202',
      );
    },
  ),
  task(
    'POST: /api/space/configuration-management/cli-configlets/{id}/apply-configlet',
    null,
    0.6,
    { fail: 0.06, job: 1 },
    (g, s, o) => {
      const c = g.rng.pick(CONFIGLETS);
      const d = g.device(s);
      if (o === 'failure') return restFailure(g, ['400', '404', '500'], 'CLI Configlet', c.name);
      const job = jobDraft(g, o, {
        name: `Apply CLI Configlet - ${c.name} on ${d.name}`,
        type: 'Apply CLI Configlet',
        params: { configlet: c.name, deviceId: d.id },
        durationMs: duration(g.rng, 10_000, 2 * MINUTE),
        count: 1,
        unit: 'device',
        okSummary: `Configlet ${c.name} applied on ${d.name}`,
        failSummary: `Configlet ${c.name} failed on ${d.name}: ${g.rng.pick(DEVICE_FAILURES)}`,
      });
      return detail(
        'CLI Configlet',
        c.name,
        `Apply CLI Configlet operation initiated for the configlet ${c.name} on the device ${d.name}`,
        [deviceObject(d)],
        linesChange(d, c.lines),
        job,
        '202',
      );
    },
  ),
  task(
    'POST: /api/space/software-management/packages/{id}/exec-deploy',
    null,
    0.3,
    { fail: 0.06, job: 1 },
    (g, s, o) => {
      const { targets: devs, image, version } = g.upgrade(s, g.rng.between(1, 5));
      const first = devs[0] as Device;
      if (o === 'failure') return restFailure(g, ['400', '404', '500'], 'Device Image', image);
      const job = jobDraft(g, o, {
        name: `Deploy Device Image - ${image}`,
        type: 'Deploy Device Image',
        params: { image, deviceIds: devs.map((d) => d.id), rebootAfterDeploy: true },
        durationMs: duration(g.rng, 8 * MINUTE, 45 * MINUTE),
        count: devs.length,
        unit: 'device',
        okSummary: `Image ${image} installed on ${plural(devs.length, 'device')}`,
        failSummary: `Image install failed on ${first.name}: insufficient storage on /var/tmp`,
      });
      return detail(
        'Device Image',
        image,
        `Job: Image ${image} deployment scheduled on ${plural(devs.length, 'device')}`,
        devs.map(deviceObject),
        imageChange(first, version),
        job,
        '202',
      );
    },
  ),
  task(
    'POST: /api/space/script-management/scripts/exec-scripts',
    null,
    0.3,
    { fail: 0.05, job: 1 },
    (g, s, o) => {
      const script = g.rng.pick(SCRIPTS);
      const devs = g.devices(s, g.rng.between(1, 5));
      if (o === 'failure') return restFailure(g, ['400', '404', '500'], 'Script', script);
      const job = jobDraft(g, o, {
        name: `Execute Scripts - ${script}`,
        type: 'Execute Scripts',
        params: { script, deviceIds: devs.map((d) => d.id) },
        durationMs: duration(g.rng, 10_000, 5 * MINUTE),
        count: devs.length,
        unit: 'device',
        okSummary: `Script ${script} executed on ${plural(devs.length, 'device')}`,
        failSummary: `Script ${script} failed on ${(devs[0] as Device).name}`,
      });
      return detail(
        'Script',
        script,
        `Job: Script ${script} execution scheduled on ${plural(devs.length, 'device')}`,
        devs.map(deviceObject),
        linesChange(devs[0] as Device, [`set system scripts op file ${script}`]),
        job,
        '202',
      );
    },
  ),
  task('GET: /api/space/job-management/jobs/{id}', null, 4, { fail: 0.04 }, (g, _s, o) => {
    if (o === 'failure') return restFailure(g, ['404'], 'Job', null);
    return detail(
      'Job',
      null,
      `Job status retrieved: ${g.rng.pick(['SUCCESS', 'SUCCESS', 'INPROGRESS', 'FAILURE'])}`,
      [],
      null,
      null,
      '200',
    );
  }),
  task('GET: /api/space/audit-log-management/audit-logs', null, 1, { fail: 0.02 }, (g, _s, o) => {
    if (o === 'failure') return restFailure(g, ['401', '403'], null, null);
    return detail(
      null,
      null,
      `Returned ${g.rng.between(1, 2000)} audit logs`,
      [],
      null,
      null,
      '200',
    );
  }),
  task(
    'GET: /api/space/config-file-management/config-files',
    null,
    1.5,
    { fail: 0.03 },
    (g, s, o) => {
      if (o === 'failure') return restFailure(g, ['401', '500'], null, null);
      return detail(
        null,
        null,
        `Returned ${s.world.devices.length} configuration files`,
        [],
        null,
        null,
        '200',
      );
    },
  ),
  task(
    'POST: /api/space/device-management/devices/{id}/exec-rpc',
    null,
    1,
    { fail: 0.05 },
    (g, s, o) => {
      const d = g.device(s);
      if (o === 'failure') return restFailure(g, ['404', '500'], 'Device', d.name);
      return detail(
        'Device',
        d.name,
        `RPC ${g.rng.pick(['get-interface-information', 'get-system-uptime-information', 'get-route-summary-information', 'get-chassis-inventory'])} executed on ${d.name}`,
        [deviceObject(d)],
        null,
        null,
        '200',
      );
    },
  ),
  task('PUT: /api/space/user-management/users/{id}', null, 0.3, { fail: 0.05 }, (g, s, o) => {
    const u = g.rng.pick(s.world.users).spec.name;
    if (o === 'failure') return restFailure(g, ['400', '404'], 'User', u);
    return detail('User', u, `User ${u} updated`, [], null, null, '200');
  }),
];

// ---- Services Activation Director

const SAD_TASKS: Task[] = [
  task('Create Service Order', 'Service Provisioning', 3, { fail: 0.05 }, (g, s, o) => {
    const name = g.serviceName(s);
    const def = g.rng.pick(SAD_DEFINITIONS);
    return detail(
      'Service Order',
      name,
      o === 'failure'
        ? `Service order ${name} not created: ${g.rng.pick(['no available VLAN on the access port', 'customer not found', ...PLATFORM_FAILURES])}`
        : `Service order ${name} created from definition ${def}`,
      [{ type: 'Service Definition', name: def }],
    );
  }),
  task('Deploy Service Order', 'Service Provisioning', 2.2, { fail: 0.06, job: 0.3 }, (g, s, o) => {
    const name = g.serviceName(s);
    const pes = g.devices(s, g.rng.between(2, 4));
    const affected = pes.map((d) => ({ type: 'Device', name: d.name, id: d.id, detail: 'PE' }));
    if (o === 'failure')
      return detail(
        'Service Order',
        name,
        `Deployment of ${name} failed: ${g.rng.pick(DEVICE_FAILURES)}`,
        affected,
      );
    const job = jobDraft(g, o, {
      name: `Deploy Service - ${name}`,
      type: 'Deploy Service',
      params: { serviceOrder: name, endpoints: pes.map((d) => d.name) },
      durationMs: duration(g.rng, MINUTE, 10 * MINUTE),
      count: pes.length,
      unit: 'endpoint',
      okSummary: `Service ${name} deployed on ${plural(pes.length, 'endpoint')}`,
      failSummary: `Service ${name} failed on ${(pes[0] as Device).name}: ${g.rng.pick(DEVICE_FAILURES)}`,
    });
    return detail(
      'Service Order',
      name,
      scheduled(o, job, `Deploy service order ${name}`),
      affected,
      null,
      job,
    );
  }),
  task('Modify Service Order', 'Service Provisioning', 1.5, { fail: 0.03 }, (g, s, o) => {
    const name = g.serviceName(s);
    return detail(
      'Service Order',
      name,
      o === 'failure'
        ? `Service order ${name} not modified: service is being deployed`
        : `Service order ${name} modified: ${g.rng.pick(['bandwidth changed to 200M', 'endpoint added', 'QoS profile changed to gold'])}`,
    );
  }),
  task('Decommission Service', 'Service Provisioning', 0.5, { fail: 0.04, job: 0.3 }, (g, s, o) => {
    const name = g.serviceName(s);
    if (o === 'failure')
      return detail(
        'Service',
        name,
        `Decommission of ${name} failed: ${g.rng.pick(DEVICE_FAILURES)}`,
      );
    const job = jobDraft(g, o, {
      name: `Decommission Service - ${name}`,
      type: 'Decommission Service',
      params: { service: name },
      durationMs: duration(g.rng, MINUTE, 5 * MINUTE),
      count: 1,
      unit: 'service',
      okSummary: `Service ${name} removed from the network`,
      failSummary: `Service ${name} partially removed`,
    });
    return detail('Service', name, scheduled(o, job, `Decommission ${name}`), [], null, job);
  }),
  task('Create Service Definition', 'Service Design', 0.4, { fail: 0.03 }, (g, _s, o) => {
    const def = `${g.rng.pick(SAD_DEFINITIONS)}-v${g.rng.between(2, 6)}`;
    return detail(
      'Service Definition',
      def,
      o === 'failure'
        ? `Service definition ${def} not saved: validation failed`
        : `Service definition ${def} created`,
    );
  }),
  task('Publish Service Definition', 'Service Design', 0.4, { fail: 0.03 }, (g, _s, o) => {
    const def = g.rng.pick(SAD_DEFINITIONS);
    return detail(
      'Service Definition',
      def,
      o === 'failure'
        ? `Service definition ${def} not published: unresolved template references`
        : `Service definition ${def} published`,
    );
  }),
  task(
    'Run Functional Audit',
    'Service Assurance',
    1.1,
    { fail: 0.03, job: 0.4, recurring: 0.7 },
    (g, s, o) => {
      const name = g.serviceName(s);
      if (o === 'failure')
        return detail(
          'Service',
          name,
          `Functional audit of ${name} not started: ${g.rng.pick(PLATFORM_FAILURES)}`,
        );
      const job = jobDraft(
        g,
        o,
        {
          name: `Functional Audit - ${name}`,
          type: 'Functional Audit',
          params: { service: name, tests: ['ping', 'ethernet-oam'] },
          durationMs: duration(g.rng, 30_000, 5 * MINUTE),
          count: 1,
          unit: 'service',
          okSummary: `Functional audit of ${name} passed`,
          failSummary: `Functional audit of ${name} failed: packet loss 4.2%`,
        },
        ['PT6H', 'PT12H', 'P1D'],
      );
      return detail(
        'Service',
        name,
        scheduled(o, job, `Functional audit of ${name}`),
        [],
        null,
        job,
      );
    },
  ),
  task(
    'Run Configuration Audit',
    'Service Assurance',
    0.6,
    { fail: 0.03, job: 0.4, recurring: 0.5 },
    (g, s, o) => {
      const name = g.serviceName(s);
      if (o === 'failure')
        return detail(
          'Service',
          name,
          `Configuration audit of ${name} not started: ${g.rng.pick(PLATFORM_FAILURES)}`,
        );
      const job = jobDraft(
        g,
        o,
        {
          name: `Configuration Audit - ${name}`,
          type: 'Configuration Audit',
          params: { service: name },
          durationMs: duration(g.rng, 30_000, 5 * MINUTE),
          count: 1,
          unit: 'service',
          okSummary: `No configuration drift for ${name}`,
          failSummary: `Configuration drift found for ${name} on 1 endpoint`,
        },
        ['P1D', 'P7D'],
      );
      return detail(
        'Service',
        name,
        scheduled(o, job, `Configuration audit of ${name}`),
        [],
        null,
        job,
      );
    },
  ),
];

// ---- CA API Portal (taskName is the action, objectType the entity)

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

function portalName(g: SeedGenerator, type: string): string {
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

const PORTAL_TASKS: Task[] = [
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

// ---- HP VAN SDN Controller (activity names from its audit log)

const SDN_UPLOAD = task('Artifact Management - Upload', null, 1, { fail: 0.04 }, (g, s, o) => {
  const a = SDN_ARTIFACTS[s.artifact] as (typeof SDN_ARTIFACTS)[number];
  if (o === 'failure')
    return detail(
      'Artifact',
      a.file,
      `${a.file} could not be staged: Service Unavailable`,
      [],
      null,
      null,
      '503',
    );
  return detail('Artifact', a.file, `${a.file} has been staged`, [
    { type: 'Artifact', name: a.bundle, detail: a.file },
  ]);
});
const SDN_REFRESH = task('Artifact Management - Refresh', null, 1, { fail: 0.03 }, (g, s, o) => {
  const a = SDN_ARTIFACTS[s.artifact] as (typeof SDN_ARTIFACTS)[number];
  if (o === 'failure')
    return detail(
      'Artifact',
      a.bundle,
      `${a.bundle} could not be refreshed: ${g.rng.pick(['bundle not found', 'dependency resolution failed'])}`,
      [],
      null,
      null,
      '404',
    );
  return detail('Artifact', a.bundle, `${a.bundle} has been refreshed`, [
    { type: 'Artifact', name: a.bundle, detail: a.file },
  ]);
});
const SDN_UNINSTALL = task(
  'Artifact Management - Uninstall',
  null,
  1,
  { fail: 0.03 },
  (_g, s, o) => {
    const a = SDN_ARTIFACTS[s.artifact] as (typeof SDN_ARTIFACTS)[number];
    if (o === 'failure')
      return detail(
        'Artifact',
        a.bundle,
        `${a.bundle} could not be removed: bundle is in use`,
        [],
        null,
        null,
        '409',
      );
    return detail('Artifact', a.bundle, `${a.bundle} has been removed`);
  },
);

// ---- tasks nobody typed: the platform's own scheduled work (user 'system', no IP)

interface SystemTask {
  app: string;
  task: Task;
}

const SYSTEM_TASKS = new Weighted<SystemTask>([
  [
    {
      app: APP_SPACE,
      task: task('Resynchronize with Network', 'Devices', 1, { fail: 0.05 }, (g, s, o) => {
        const d = g.device(s);
        return detail(
          'Device',
          d.name,
          o === 'failure'
            ? `Resynchronization of ${d.name} failed: ${g.rng.pick(DEVICE_FAILURES)}`
            : `Out-of-band configuration change detected on ${d.name}; device resynchronized`,
          [deviceObject(d)],
        );
      }),
    },
    5,
  ],
  [
    {
      app: APP_SPACE,
      task: task(
        'Backup Configuration Files',
        'Configuration Files',
        1,
        { fail: 0.05 },
        (g, s, o) => {
          const n = s.world.devices.length;
          return detail(
            null,
            null,
            o === 'failure'
              ? 'Scheduled configuration backup failed: disk full on /var/log'
              : `Scheduled backup completed: ${n} configuration files archived`,
            [],
            null,
            null,
            o === 'failure' ? 'ENOSPC' : null,
          );
        },
      ),
    },
    1.5,
  ],
  [
    {
      app: APP_SPACE,
      task: task('Purge Audit Logs', 'Audit Logs', 1, { fail: 0.05 }, (g, _s, o) =>
        detail(
          null,
          null,
          o === 'failure'
            ? 'Audit log archive failed: disk full on /var/log'
            : `Purged ${g.rng.between(1_000, 250_000)} audit log entries older than 90 days`,
          [],
          null,
          null,
          o === 'failure' ? 'ENOSPC' : null,
        ),
      ),
    },
    0.5,
  ],
  [
    {
      app: APP_CSO,
      task: task('device.sync', 'Devices', 1, { fail: 0.05 }, (g, s, o) => {
        const d = g.device(s);
        return o === 'failure'
          ? csoFailure(g, `Inventory sync of ${d.name}`, 'Device', d.name)
          : detail('Device', d.name, `Device ${d.name} inventory synchronized`);
      }),
    },
    3,
  ],
]);

// ---- the applications

const userIndex = new Map(USERS.map((u, i) => [u.name, i]));

function appUsers(app: string): Weighted<number> {
  const names = APP_USERS[app] ?? [];
  return new Weighted(
    zipf(names, 1.1).map(([name, weight]) => {
      const index = userIndex.get(name);
      if (index === undefined) throw new Error(`vocabulary: unknown user ${name}`);
      return [index, weight] as const;
    }),
  );
}

const taskTable = (tasks: readonly Task[]) =>
  new Weighted(tasks.map((t) => [t, t.weight] as const));

const APP_DEFS: Omit<App, 'index' | 'users'>[] = [
  {
    name: APP_SPACE,
    sessionWeight: 30,
    meanTasks: 6,
    login: 'space',
    logout: true,
    loginFail: 0.16,
    domain: true,
    agent: 'browser',
    tasks: taskTable(SPACE_TASKS),
  },
  {
    name: APP_CSO,
    sessionWeight: 26,
    meanTasks: 5,
    login: null,
    logout: false,
    loginFail: 0,
    domain: false,
    agent: 'mixed',
    tasks: taskTable(CSO_TASKS),
  },
  {
    name: APP_REST,
    sessionWeight: 14,
    meanTasks: 8,
    login: 'rest',
    logout: false,
    loginFail: 0.1,
    domain: true,
    agent: 'tool',
    tasks: taskTable(REST_TASKS),
  },
  {
    name: APP_SAD,
    sessionWeight: 8,
    meanTasks: 4,
    login: null,
    logout: false,
    loginFail: 0,
    domain: true,
    agent: 'browser',
    tasks: taskTable(SAD_TASKS),
  },
  {
    name: APP_PORTAL,
    sessionWeight: 18,
    meanTasks: 3,
    login: 'portal',
    logout: false,
    loginFail: 0.12,
    domain: false,
    agent: 'portal',
    tasks: taskTable(PORTAL_TASKS),
    choose: (_g, s) =>
      s.user.spec.name === 'Registration Service' ? PORTAL_CREATED : s.app.tasks.pick(_g.rng),
  },
  {
    name: APP_SDN,
    sessionWeight: 7,
    meanTasks: 3,
    login: null,
    logout: false,
    loginFail: 0,
    domain: false,
    agent: 'tool',
    tasks: taskTable([SDN_UPLOAD, SDN_REFRESH, SDN_UNINSTALL]),
    // Upload, then refresh, then (sometimes) uninstall the same artifact.
    choose: (g, s) => {
      const phase = s.step % 3;
      s.step++;
      if (phase === 0) {
        s.artifact = g.rng.int(SDN_ARTIFACTS.length);
        return SDN_UPLOAD;
      }
      if (phase === 1) return SDN_REFRESH;
      return g.rng.chance(0.5) ? SDN_UNINSTALL : SDN_REFRESH;
    },
  },
];
const APPS: App[] = APP_DEFS.map((app, index) => ({ ...app, index, users: appUsers(app.name) }));

const APP_PICK = new Weighted<App | null>([
  ...APPS.map((app) => [app, app.sessionWeight] as const),
  [null, 15], // a system task
]);

const SYSTEM_APP_INDEX = new Map(APPS.map((a) => [a.name, a.index]));

// ---------------------------------------------------------------------------------------
// The generator

/** Concurrent sessions kept open; a new one starts with probability P_NEW_SESSION. */
const MAX_SESSIONS = 12;
const P_NEW_SESSION = 0.3;
/** A session idle this long has timed out (no Logout is recorded). */
const SESSION_IDLE_MS = 30 * MINUTE;

class SeedGenerator {
  readonly rng: Rng;
  private readonly clock: Clock;
  private readonly end: number;
  private readonly tenantNames: string[];
  private readonly tenantPick: Weighted<number>;
  private readonly worlds: (World | undefined)[] = [];
  private readonly pool: Session[] = [];
  private readonly templates = new Map<DeviceFamily, DeviceTemplate[]>();
  /** The chunk being filled: job indexes point into it. */
  jobs: SeedJob[] = [];

  constructor(options: SeedOptions) {
    this.rng = new Rng(options.seed);
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

  // ---- helpers the tasks use

  /** The session's current device most of the time, else another (skewed to a busy few). */
  device(s: Session): Device {
    if (this.rng.chance(0.6)) return s.device;
    const list = s.world.devices;
    return list[this.rng.skewed(list.length)] as Device;
  }

  devices(s: Session, n: number): Device[] {
    const list = s.world.devices;
    const out = [this.device(s)];
    const start = this.rng.int(list.length);
    for (let i = 1; i < n; i++) {
      const d = list[(start + i) % list.length] as Device;
      if (d !== out[0]) out.push(d);
    }
    return out;
  }

  /** `first` and up to n-1 more of its platform (images and templates are per platform). */
  sameFamily(first: Device, n: number): Device[] {
    return around(first.familyPeers, first.familyPos, n);
  }

  /** What a discovery of `first`'s subnet finds: it and other devices of its site. */
  sameSubnet(first: Device, n: number): Device[] {
    return around(first.sitePeers, first.sitePos, n);
  }

  /** Devices of one platform to move to its next release (skipping those already on it). */
  upgrade(s: Session, n: number): { targets: Device[]; image: string; version: string } {
    const first = this.device(s);
    const family = first.family;
    const vi = (first.versionIndex + 1) % family.versions.length;
    const targets = [first];
    const peers = first.familyPeers;
    for (let i = 1; i < peers.length && targets.length < n; i++) {
      const d = peers[(first.familyPos + i) % peers.length] as Device;
      if (d.versionIndex !== vi) targets.push(d);
    }
    return {
      targets,
      image: family.images[vi] as string,
      version: family.versions[vi] as string,
    };
  }

  /** A device template that suits the platform. */
  template(family: DeviceFamily): DeviceTemplate {
    let list = this.templates.get(family);
    if (list === undefined) {
      list = TEMPLATES.filter(
        (t) => t.platforms === undefined || t.platforms.some((p) => family.prefix.startsWith(p)),
      );
      this.templates.set(family, list);
    }
    return this.rng.pick(list);
  }

  site(s: Session): string {
    return this.rng.chance(0.65)
      ? s.site
      : (s.world.sites[this.rng.skewed(s.world.sites.length)] as string);
  }

  serviceName(s: Session): string {
    const customer = s.world.customers[this.rng.skewed(s.world.customers.length)] as string;
    const city = CITY_CODES[this.rng.skewed(CITY_CODES.length)] as string;
    return `${this.rng.pick(SAD_SERVICE_PREFIXES)}-${customer}-${city}-${1000 + this.rng.int(9000)}`;
  }

  // ---- the simulation

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
      const s = this.openSession(app, at);
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

  private openSession(app: App, at: number): Session {
    const rng = this.rng;
    const world = this.world(this.tenantPick.pick(rng));
    const user = world.users[app.users.pick(rng)] as WorldUser;
    const spec = user.spec;
    let agent: string | null;
    switch (app.agent) {
      case 'browser':
        agent = BROWSER_AGENTS[spec.browser] ?? null;
        break;
      case 'tool':
        agent = TOOL_AGENTS[spec.tool] ?? null;
        break;
      case 'mixed':
        agent = rng.chance(0.8)
          ? (BROWSER_AGENTS[spec.browser] ?? null)
          : (TOOL_AGENTS[spec.tool] ?? null);
        break;
      case 'portal':
        agent =
          spec.name === 'Portal API'
            ? rng.chance(0.6)
              ? GATEWAY_AGENT
              : 'python-requests/2.31.0'
            : spec.name === 'Registration Service'
              ? rng.pick(BROWSER_AGENTS)
              : (BROWSER_AGENTS[spec.browser] ?? null);
        break;
    }
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

  /** The session's next event, or null when it ends silently (marks it done). */
  private step(s: Session, at: number): SeedEvent | null {
    s.last = at;
    if (s.needsLogin && !s.loggedIn) return this.login(s, at);
    if (s.remaining > 0) {
      s.remaining--;
      if (s.remaining === 0 && !s.app.logout) s.done = true;
      const t = s.app.choose ? s.app.choose(this, s) : s.app.tasks.pick(this.rng);
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
    const d = t.make(this, s, o);
    if (d.job !== null && !t.keepDescription) {
      // Recorded once the job ended: the entry tells how it went.
      if (o === 'success') d.description = d.job.okSummary;
      else if (o === 'failedJob') d.description = `${t.name} failed: ${d.job.failSummary}`;
    }
    return this.event(s, at, t.name, t.workspace, o, d, this.metadata());
  }

  private systemEvent(at: number): SeedEvent {
    const { app, task: t } = SYSTEM_TASKS.pick(this.rng);
    const world = this.world(this.tenantPick.pick(this.rng));
    const s = world.system[SYSTEM_APP_INDEX.get(app) ?? 0] as Session;
    s.device = world.devices[this.rng.skewed(world.devices.length)] as Device;
    const o: Outcome = this.rng.chance(t.fail) ? 'failure' : 'success';
    return this.event(s, at, t.name, t.workspace, o, t.make(this, s, o), this.metadata());
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

  /**
   * Adds the job behind an event. A completed one ended at the event (`success`,
   * `failedJob`); a scheduled one starts now or in the night's window, and its state
   * follows from its times and `end` (so only the newest are still scheduled or running).
   */
  private addJob(s: Session, at: number, draft: JobDraft, outcome: Outcome): number {
    const rng = this.rng;
    let scheduledAt: number;
    let startedAt: number;
    let endedAt: number;
    let state: JobState;
    let percent: number;
    let summary: string | null;
    if (outcome === 'success' || outcome === 'failedJob') {
      endedAt = at;
      startedAt = at - draft.durationMs;
      scheduledAt = startedAt - rng.between(150, 4000);
      const ok = outcome === 'success';
      state = ok ? 'success' : 'failure';
      percent = ok ? 100 : rng.between(5, 95);
      summary = ok ? draft.okSummary : draft.failSummary;
    } else {
      scheduledAt = at;
      if (draft.interval !== null || draft.deferred) {
        // Next night's window: 01:00–03:45 UTC on a quarter hour.
        scheduledAt = (Math.floor(at / DAY) + 1) * DAY + HOUR + rng.int(12) * 15 * MINUTE;
      }
      startedAt = scheduledAt + rng.between(150, 4000);
      endedAt = startedAt + draft.durationMs;
      if (startedAt > this.end) {
        state = 'scheduled';
        percent = 0;
        summary = null;
      } else if (endedAt > this.end) {
        state = 'in_progress';
        percent = Math.min(
          99,
          Math.max(1, Math.floor((100 * (this.end - startedAt)) / draft.durationMs)),
        );
        const done = Math.floor((draft.count * percent) / 100);
        summary = `${done} of ${plural(draft.count, draft.unit)} completed`;
      } else {
        const r = rng.next();
        if (r < 0.88) {
          state = 'success';
          percent = 100;
          summary = draft.okSummary;
        } else if (r < 0.97) {
          state = 'failure';
          percent = rng.between(5, 95);
          summary = draft.failSummary;
        } else {
          state = 'canceled';
          percent = rng.between(0, 90);
          endedAt = startedAt + Math.floor((draft.durationMs * percent) / 100);
          summary = `Canceled by ${s.user.spec.name === 'system' ? 'super' : s.user.spec.name}`;
        }
      }
    }
    let recurrence: JobRecurrence | null = null;
    if (draft.interval !== null) {
      recurrence = { interval: draft.interval, startsAt: new Date(scheduledAt).toISOString() };
      if (rng.chance(0.2)) recurrence.endsAt = new Date(scheduledAt + 180 * DAY).toISOString();
    }
    const running = state !== 'scheduled';
    const finished = running && state !== 'in_progress';
    this.jobs.push({
      tenant: s.world.tenant,
      name: draft.name,
      type: draft.type,
      state,
      percent,
      summary,
      scheduledAt: new Date(scheduledAt),
      startedAt: running ? new Date(startedAt) : null,
      endedAt: finished ? new Date(endedAt) : null,
      recurrence,
      createdBy: s.user.spec.name,
      params: draft.params,
    });
    return this.jobs.length - 1;
  }
}

/** list[pos] and the next n-1 entries (wrapping), without repeats. */
function around(list: readonly Device[], pos: number, n: number): Device[] {
  const out: Device[] = [];
  const count = Math.min(n, list.length);
  for (let i = 0; i < count; i++) out.push(list[(pos + i) % list.length] as Device);
  return out;
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
