/**
 * The draws tasks make: randomness, and what a session works on. Consecutive tasks of a
 * session mostly touch the same device or site, the way one person's work clusters.
 */
import { CITY_CODES, SAD_SERVICE_PREFIXES, TEMPLATES } from '../vocabulary';
import type { DeviceFamily, DeviceTemplate } from '../vocabulary';
import type { Rng } from './random';
import type { Session } from './session';
import type { Device } from './world';

export class TaskContext {
  private readonly templates = new Map<DeviceFamily, DeviceTemplate[]>();

  constructor(readonly rng: Rng) {}

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
}

/** list[pos] and the next n-1 entries (wrapping), without repeats. */
function around(list: readonly Device[], pos: number, n: number): Device[] {
  const out: Device[] = [];
  const count = Math.min(n, list.length);
  for (let i = 0; i < count; i++) out.push(list[(pos + i) % list.length] as Device);
  return out;
}
