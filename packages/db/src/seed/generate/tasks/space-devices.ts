/** Junos Space: the device inventory, its configuration and its credentials. */
import { DEVICE_FAILURES, DEVICE_TAGS, DOMAINS, PLATFORM_FAILURES } from '../../vocabulary';
import { authChange, editChange, keyChange } from '../changes';
import { duration, jobTask } from '../job-task';
import { deviceObject, detail, plural, task } from '../task';
import { MINUTE } from '../time';
import type { Device } from '../world';

export const DISCOVER_NETWORK_ELEMENTS = jobTask(
  'Discover Network Elements',
  'Devices',
  1.4,
  { fail: 0.06, scheduled: 0.3, recurring: 0.15, intervals: ['P1D', 'P7D'] },
  (g, s) => {
    const d = g.device(s);
    const target = g.rng.chance(0.7) ? d.subnet : d.mgmtIp;
    return {
      object: ['Discovery Target', target],
      rejected: () =>
        `Discover Network Elements for ${target} was not scheduled: ${g.rng.pick(['no SNMP or SSH credentials configured', 'target overlaps an existing discovery profile', ...PLATFORM_FAILURES])}`,
      accepted: () => {
        const found = target === d.subnet ? g.sameSubnet(d, g.rng.between(1, 5)) : [d];
        return {
          what: `Device discover for ${target}`,
          affected: found.map(deviceObject),
          job: {
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
        };
      },
    };
  },
);

export const MODIFY_DEVICE_CONFIGURATION = task(
  'Modify Device Configuration',
  'Devices',
  8,
  { fail: 0.05 },
  (g, s, o) => {
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
  },
);

export const DEPLOY_DEVICE_CONFIGURATION = jobTask(
  'Deploy Device Configuration',
  'Devices',
  2.2,
  { fail: 0.05, scheduled: 0.15 },
  (g, s) => {
    const d = g.device(s);
    return {
      object: ['Device', d.name],
      affected: [deviceObject(d)],
      changes: editChange(g.rng, d),
      rejected: () =>
        `Deploy Device Configuration to ${d.name} failed: ${g.rng.pick(DEVICE_FAILURES)}`,
      accepted: () => ({
        what: `Deploy Device Configuration to ${d.name}`,
        job: {
          name: `Deploy Device Configuration - ${d.name}`,
          type: 'Deploy Device Configuration',
          params: {
            devices: [d.name],
            commitConfirmed: g.rng.chance(0.3),
            validateBeforeDeploy: true,
          },
          durationMs: duration(g.rng, 15_000, 3 * MINUTE),
          count: 1,
          unit: 'device',
          okSummary: `Configuration committed on ${d.name}`,
          failSummary: `Commit failed on ${d.name}: ${g.rng.pick(DEVICE_FAILURES)}`,
        },
      }),
    };
  },
);

export const MODIFY_AUTHENTICATION = jobTask(
  'Modify Authentication on Devices',
  'Devices',
  0.7,
  { fail: 0.05, scheduled: 0.2 },
  (g, s) => {
    const targets = g.devices(s, g.rng.between(1, 5));
    const first = targets[0] as Device;
    const user = g.rng.pick(['netops', 'root', 'automation', 'noc']);
    return {
      object: ['Device', first.name],
      affected: targets.map(deviceObject),
      changes: authChange(g.rng, s.world, first, user),
      rejected: () =>
        `Authentication change for user ${user} failed: ${g.rng.pick(DEVICE_FAILURES)}`,
      accepted: () => ({
        what: `Modify authentication for user ${user} on ${plural(targets.length, 'device')}`,
        job: {
          name: `Modify Authentication - ${plural(targets.length, 'device')}`,
          type: 'Modify Authentication on Devices',
          params: { devices: targets.map((t) => t.name), user, method: 'ssh-key' },
          durationMs: duration(g.rng, 20_000, 4 * MINUTE),
          count: targets.length,
          unit: 'device',
          okSummary: `Credentials updated on ${plural(targets.length, 'device')}`,
          failSummary: `Credentials not updated on ${first.name}: ${g.rng.pick(DEVICE_FAILURES)}`,
        },
      }),
    };
  },
);

export const RESTORE_CONFIGURATION = jobTask(
  'Restore Configuration',
  'Configuration Files',
  0.4,
  { fail: 0.05, scheduled: 0.15 },
  (g, s) => {
    const d = g.device(s);
    const revision = g.rng.between(2, 40);
    return {
      object: ['Device', d.name],
      affected: [deviceObject(d)],
      changes: editChange(g.rng, d, true),
      rejected: () =>
        `Restore of configuration version ${revision} on ${d.name} failed: ${g.rng.pick(DEVICE_FAILURES)}`,
      accepted: () => ({
        what: `Restore configuration version ${revision} on ${d.name}`,
        job: {
          name: `Restore Configuration - ${d.name} v${revision}`,
          type: 'Restore Configuration',
          params: { device: d.name, configFileVersion: revision, merge: false },
          durationMs: duration(g.rng, 20_000, 3 * MINUTE),
          count: 1,
          unit: 'device',
          okSummary: `Configuration version ${revision} restored on ${d.name}`,
          failSummary: `Restore failed on ${d.name}: ${g.rng.pick(DEVICE_FAILURES)}`,
        },
      }),
    };
  },
);

export const RESOLVE_KEY_CONFLICTS = task(
  'Resolve Key Conflicts',
  'Devices',
  0.6,
  { fail: 0.04 },
  (g, s, o) => {
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
  },
);

export const RESYNCHRONIZE_WITH_NETWORK = jobTask(
  'Resynchronize with Network',
  'Devices',
  1.2,
  { fail: 0.05, scheduled: 0.15 },
  (g, s) => {
    const targets = g.devices(s, g.rng.between(1, 4));
    const first = targets[0] as Device;
    return {
      object: ['Device', first.name],
      affected: targets.map(deviceObject),
      rejected: () => `Resynchronization of ${first.name} failed: ${g.rng.pick(DEVICE_FAILURES)}`,
      accepted: () => ({
        what: `Resynchronize ${plural(targets.length, 'device')} with the network`,
        job: {
          name: `Resynchronize with Network - ${plural(targets.length, 'device')}`,
          type: 'Resynchronize Network Elements',
          params: { devices: targets.map((x) => x.name) },
          durationMs: duration(g.rng, 10_000, 2 * MINUTE),
          count: targets.length,
          unit: 'device',
          okSummary: `${plural(targets.length, 'device')} resynchronized`,
          failSummary: `${first.name} not resynchronized: ${g.rng.pick(DEVICE_FAILURES)}`,
        },
      }),
    };
  },
);

export const DELETE_DEVICES = jobTask(
  'Delete Devices',
  'Devices',
  0.2,
  { fail: 0.04, scheduled: 0.2 },
  (g, s) => {
    const d = g.device(s);
    return {
      object: ['Device', d.name],
      affected: [deviceObject(d)],
      rejected: () => `${d.name} not deleted: device is referenced by a service`,
      accepted: () => ({
        what: `Delete ${d.name}`,
        job: {
          name: `Delete Devices - ${d.name}`,
          type: 'Delete Devices',
          params: { devices: [d.name] },
          durationMs: duration(g.rng, 5_000, MINUTE),
          count: 1,
          unit: 'device',
          okSummary: `${d.name} deleted from Junos Space`,
          failSummary: `${d.name} not deleted: ${g.rng.pick(PLATFORM_FAILURES)}`,
        },
      }),
    };
  },
);

export const REBOOT_DEVICES = jobTask(
  'Reboot Devices',
  'Devices',
  0.2,
  { fail: 0.05, scheduled: 0.5 },
  (g, s) => {
    const d = g.device(s);
    return {
      object: ['Device', d.name],
      affected: [deviceObject(d)],
      rejected: () => `Reboot of ${d.name} not scheduled: ${g.rng.pick(DEVICE_FAILURES)}`,
      accepted: () => ({
        what: `Reboot ${d.name}`,
        job: {
          name: `Reboot Devices - ${d.name}`,
          type: 'Reboot Devices',
          params: { devices: [d.name], mode: 'graceful' },
          durationMs: duration(g.rng, 3 * MINUTE, 12 * MINUTE),
          count: 1,
          unit: 'device',
          okSummary: `${d.name} rebooted and reconnected`,
          failSummary: `${d.name} did not reconnect after reboot`,
        },
      }),
    };
  },
);

export const TAG_DEVICES = task('Tag Devices', 'Devices', 0.9, { fail: 0.01 }, (g, s, o) => {
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
});

export const ASSIGN_DEVICES_TO_DOMAIN = task(
  'Assign Devices to Domain',
  'Devices',
  0.3,
  { fail: 0.03 },
  (g, s, o) => {
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
  },
);
