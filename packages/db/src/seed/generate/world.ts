/** A tenant's world: its devices, sites, users' addresses, service instances. */
import type { AffectedObject } from '../../schema';
import {
  APP_SDN,
  CITY_CODES,
  CUSTOMER_NAMES,
  DEVICE_FAMILIES,
  SDN_REFERENCE_SYSTEM_ID,
  USERS,
} from '../vocabulary';
import type { DeviceFamily, UserSpec } from '../vocabulary';
import { APPS } from './apps';
import type { App } from './apps';
import { B64, fnv1a, hex4, randomText, Rng, uuidV4, Weighted } from './random';
import { systemSessions } from './session';
import type { Session } from './session';

export interface Device {
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

export interface WorldUser {
  spec: UserSpec;
  ip: string | null;
  altIp: string | null;
}

export interface World {
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
export function buildWorld(tenant: string, rank: number): World {
  const first = rank === 0;
  const scale = 1 / (1 + rank / 8);
  // Seeded by the tenant's name, not the options' seed: system ids, fleets and addresses
  // stay the same across reruns with different seeds.
  const rng = new Rng(fnv1a(tenant) ^ 0x5eed5eed);
  // One stream of draws: reordering these calls changes every tenant's world.
  const sites = drawSites(rng, scale);
  const customers = drawCustomers(rng);
  const devices = drawDevices(rng, scale, sites, `${tenant}.example.net`);
  const users = USERS.map((spec) => drawUser(rng, spec, first));
  const systemIds = APPS.map((app) => drawSystemIds(rng, app, first));
  const passwordHashes = drawPasswordHashes(rng);
  const world: World = {
    tenant,
    devices,
    sites: sites.names,
    customers,
    users,
    systemIds,
    passwordHashes,
    system: [],
  };
  world.system = systemSessions(world);
  return world;
}

/** Site names with, per site, its management network and (filled later) its devices. */
interface Sites {
  names: string[];
  nets: [number, number][];
  devices: Device[][];
}

function drawSites(rng: Rng, scale: number): Sites {
  const sites: Sites = { names: [], nets: [], devices: [] };
  const perCity = new Map<string, number>();
  const siteCount = Math.max(4, Math.round((12 + rng.int(30)) * Math.sqrt(scale)));
  const netBase = 20 + rng.int(40);
  for (let i = 0; i < siteCount; i++) {
    const city = CITY_CODES[rng.skewed(CITY_CODES.length)] as string;
    const n = (perCity.get(city) ?? 0) + 1;
    perCity.set(city, n);
    const kind = n === 1 && rng.chance(0.1) ? (rng.chance(0.5) ? 'hub' : 'dc') : 'site';
    sites.names.push(`${kind}-${city}-${pad2(n)}`);
    sites.nets.push([netBase + (i >> 6), (i * 4) & 0xff]);
    sites.devices.push([]);
  }
  return sites;
}

/** A shuffled handful of the customer names. */
function drawCustomers(rng: Rng): string[] {
  const customers: string[] = [...CUSTOMER_NAMES];
  for (let i = customers.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [customers[i], customers[j]] = [customers[j] as string, customers[i] as string];
  }
  customers.length = 6 + rng.int(12);
  return customers;
}

function drawDevices(rng: Rng, scale: number, sites: Sites, domainName: string): Device[] {
  const devices: Device[] = [];
  const byFamily: Device[][] = DEVICE_FAMILIES.map(() => []);
  const deviceCount = Math.max(12, Math.round((80 + rng.int(220)) * scale));
  for (let i = 0; i < deviceCount; i++) {
    const familyIndex = FAMILY_PICK.pick(rng);
    const family = DEVICE_FAMILIES[familyIndex] as DeviceFamily;
    const familyPeers = byFamily[familyIndex] as Device[];
    const device = drawDevice(rng, i, family, familyPeers, sites, domainName);
    devices.push(device);
    familyPeers.push(device);
    device.sitePeers.push(device);
  }
  return devices;
}

/** The `index`-th device of the tenant; its peers' lists get it from the caller. */
function drawDevice(
  rng: Rng,
  index: number,
  family: DeviceFamily,
  familyPeers: Device[],
  sites: Sites,
  domainName: string,
): Device {
  const name = `${family.prefix}-${pad3(familyPeers.length + 1)}`;
  const versionIndex = rng.int(family.versions.length);
  const version = family.versions[versionIndex] as string;
  // Busy sites (hubs, data centres) hold most devices.
  const siteIndex = rng.skewed(sites.names.length);
  const site = sites.names[siteIndex] as string;
  const sitePeers = sites.devices[siteIndex] as Device[];
  const [a, b] = sites.nets[siteIndex] as [number, number];
  const host = sitePeers.length + 2;
  const mgmtIp = `10.${a}.${b + (host >> 8)}.${host & 0xff}`;
  const configTail = [
    `set system host-name ${name}`,
    `set system domain-name ${domainName}`,
    'set system time-zone UTC',
    `set interfaces ${mgmtInterface(family.prefix)} unit 0 family inet address ${mgmtIp}/22`,
    `set snmp location "${site}"`,
  ].join('\n');
  const id = String(131072 + index * 64 + rng.int(64));
  return {
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
}

function drawUser(rng: Rng, spec: UserSpec, first: boolean): WorldUser {
  const ip = ipFor(rng, spec, first);
  let altIp: string | null = null;
  if (spec.net === 'v6') altIp = `fd00:10:8::${(1 + rng.int(0xfffe)).toString(16)}`;
  else if (spec.net !== 'none') altIp = `10.8.${rng.int(16)}.${2 + rng.int(250)}`;
  return { spec, ip, altIp };
}

/** An application's instances, primary first; the first tenant's SDN one is the reference id. */
function drawSystemIds(rng: Rng, app: App, first: boolean): string[] {
  const ids: string[] = [];
  const count = app.name === APP_SDN ? 3 : 1 + rng.int(2);
  for (let i = 0; i < count; i++) ids.push(uuidV4(rng));
  if (first && app.name === APP_SDN) ids[0] = SDN_REFERENCE_SYSTEM_ID;
  return ids;
}

function drawPasswordHashes(rng: Rng): string[] {
  const hashes: string[] = [];
  for (let i = 0; i < 24; i++) {
    hashes.push(`$6$${randomText(rng, B64, 8)}$${randomText(rng, B64, 43)}`);
  }
  return hashes;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);
