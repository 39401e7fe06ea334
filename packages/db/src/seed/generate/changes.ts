/** Configuration diffs ("View Configuration Detail"): a device's config before and after. */
import type { EventChanges } from '../../schema';
import {
  INTERFACE_DESCRIPTIONS,
  INTERFACES,
  NTP_SERVERS,
  SNMP_COMMUNITIES,
  SYSLOG_HOSTS,
  VLANS,
} from '../vocabulary';
import { B64, randomText } from './random';
import type { Rng } from './random';
import type { Device, World } from './world';

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

export function editChange(rng: Rng, d: Device, reverse = false): EventChanges {
  const [before, after] = configEdit(rng, d);
  const b = withVersion(d, d.version, before);
  const a = withVersion(d, d.version, after);
  return reverse
    ? { format: 'text', before: a, after: b }
    : { format: 'text', before: b, after: a };
}

export function linesChange(d: Device, lines: readonly string[]): EventChanges {
  return {
    format: 'text',
    before: withVersion(d, d.version, ''),
    after: withVersion(d, d.version, lines.join('\n')),
  };
}

export function imageChange(d: Device, version: string): EventChanges {
  return {
    format: 'text',
    before: withVersion(d, d.version, ''),
    after: withVersion(d, version, ''),
  };
}

export function authChange(rng: Rng, w: World, d: Device, user: string): EventChanges {
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

export function keyChange(rng: Rng, d: Device): EventChanges {
  const old = randomText(rng, B64, 43);
  const neu = randomText(rng, B64, 43);
  return {
    format: 'text',
    before: `${d.mgmtIp} ecdsa-sha2-nistp256 SHA256:${old}`,
    after: `${d.mgmtIp} ecdsa-sha2-nistp256 SHA256:${neu}`,
  };
}
