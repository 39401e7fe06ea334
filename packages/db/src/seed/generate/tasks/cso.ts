/** CSO (Contrail Service Orchestration): tenants, sites, devices and what runs on them. */
import type { AffectedObject } from '../../../schema';
import { CSO_ERROR_CODES, CSO_POLICIES, CSO_TEMPLATES, DEVICE_FAILURES } from '../../vocabulary';
import { imageChange, linesChange } from '../changes';
import { duration, jobTask } from '../job-task';
import { hex8 } from '../random';
import { deviceObject, detail, plural, task } from '../task';
import type { Detail, Task } from '../task';
import type { TaskContext } from '../task-context';
import { MINUTE } from '../time';
import type { Device } from '../world';

/** An attempt CSO refused, with its error code. */
export function csoFailure(
  g: TaskContext,
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

export const CSO_TASKS: Task[] = [
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
  jobTask('tenant.delete', 'Tenants', 0.2, { fail: 0.05, scheduled: 0.3 }, (g, s) => {
    const t = g.rng.pick(s.world.customers);
    return {
      object: ['Tenant', t],
      rejected: () => csoFailure(g, `Deletion of tenant ${t}`, 'Tenant', t),
      accepted: () => ({
        what: `Delete tenant ${t}`,
        job: {
          name: `tenant.delete ${t}`,
          type: 'Tenant Deletion',
          params: { tenant: t, cascade: true },
          durationMs: duration(g.rng, MINUTE, 5 * MINUTE),
          count: 1,
          unit: 'tenant',
          okSummary: `Tenant ${t} and its sites deleted`,
          failSummary: `Tenant ${t} not deleted: sites still provisioned`,
        },
      }),
    };
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
  jobTask('site.provision', 'Sites', 2, { fail: 0.07, scheduled: 0.25 }, (g, s) => {
    const site = g.site(s);
    const devs = g.devices(s, g.rng.between(1, 3));
    const affected: AffectedObject[] = [
      { type: 'Site', name: site, detail: 'provisioning' },
      ...devs.map(deviceObject),
    ];
    return {
      object: ['Site', site],
      affected,
      rejected: () => csoFailure(g, `Provisioning of site ${site}`, 'Site', site, affected),
      accepted: () => ({
        what: `Provision site ${site}`,
        job: {
          name: `site.provision ${site}`,
          type: 'Site Provisioning',
          params: { site, devices: devs.map((d) => d.name), ztp: true },
          durationMs: duration(g.rng, 3 * MINUTE, 25 * MINUTE),
          count: devs.length,
          unit: 'device',
          okSummary: `Site ${site} provisioned (${plural(devs.length, 'device')})`,
          failSummary: `Provisioning of ${site} failed: ${g.rng.pick(DEVICE_FAILURES)}`,
        },
      }),
    };
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
  jobTask('device.activate', 'Devices', 1.4, { fail: 0.06, scheduled: 0.3 }, (g, s) => {
    const d = g.device(s);
    const affected = [deviceObject(d), { type: 'Site', name: d.site }];
    return {
      object: ['Device', d.name],
      affected,
      rejected: () => csoFailure(g, `Activation of device ${d.name}`, 'Device', d.name, affected),
      accepted: () => ({
        what: `Activate device ${d.name} at site ${d.site}`,
        job: {
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
        },
      }),
    };
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
  jobTask('device-image.deploy', 'Images', 0.8, { fail: 0.07, scheduled: 0.5 }, (g, s) => {
    const { targets: devs, image, version } = g.upgrade(s, g.rng.between(1, 4));
    const first = devs[0] as Device;
    const affected = devs.map(deviceObject);
    return {
      object: ['Device Image', image],
      affected,
      changes: imageChange(first, version),
      rejected: () =>
        csoFailure(g, `Deployment of image ${image}`, 'Device Image', image, affected),
      accepted: () => ({
        what: `Deploy image ${image} to ${plural(devs.length, 'device')}`,
        job: {
          name: `device-image.deploy ${image}`,
          type: 'Image Deployment',
          params: { image, devices: devs.map((d) => d.name), reboot: true },
          durationMs: duration(g.rng, 10 * MINUTE, 40 * MINUTE),
          count: devs.length,
          unit: 'device',
          okSummary: `Image ${image} deployed to ${plural(devs.length, 'device')}`,
          failSummary: `Image deployment failed on ${first.name}: ${g.rng.pick(DEVICE_FAILURES)}`,
        },
      }),
    };
  }),
  task('template.create', 'Templates', 0.5, { fail: 0.03 }, (g, _s, o) => {
    const t = `${g.rng.pick(CSO_TEMPLATES)}-v${g.rng.between(2, 9)}`;
    if (o === 'failure') return csoFailure(g, `Creation of template ${t}`, 'Template', t);
    return detail('Template', t, `Configuration template ${t} created`);
  }),
  jobTask('template.deploy', 'Templates', 1, { fail: 0.05, scheduled: 0.25 }, (g, s) => {
    const devs = g.sameFamily(g.device(s), g.rng.between(1, 5));
    const t = g.template((devs[0] as Device).family);
    const first = devs[0] as Device;
    const affected = devs.map(deviceObject);
    return {
      object: ['Template', t.name],
      affected,
      changes: linesChange(first, t.lines),
      rejected: () =>
        csoFailure(g, `Deployment of template ${t.name}`, 'Template', t.name, affected),
      accepted: () => ({
        what: `Deploy template ${t.name} to ${plural(devs.length, 'device')}`,
        job: {
          name: `template.deploy ${t.name}`,
          type: 'Template Deployment',
          params: { template: t.name, devices: devs.map((d) => d.name) },
          durationMs: duration(g.rng, MINUTE, 8 * MINUTE),
          count: devs.length,
          unit: 'device',
          okSummary: `Template ${t.name} deployed to ${plural(devs.length, 'device')}`,
          failSummary: `Template ${t.name} failed on ${first.name}: ${g.rng.pick(DEVICE_FAILURES)}`,
        },
      }),
    };
  }),
  jobTask('policy.deploy', 'Security Management', 1.2, { fail: 0.05, scheduled: 0.25 }, (g, s) => {
    const p = g.rng.pick(CSO_POLICIES);
    const devs = g.devices(s, g.rng.between(1, 5));
    const affected = devs.map(deviceObject);
    return {
      object: ['Policy', p],
      affected,
      rejected: () => csoFailure(g, `Deployment of policy ${p}`, 'Policy', p, affected),
      accepted: () => ({
        what: `Deploy policy ${p} to ${plural(devs.length, 'device')}`,
        job: {
          name: `policy.deploy ${p}`,
          type: 'Policy Deployment',
          params: { policy: p, devices: devs.map((d) => d.name), rules: g.rng.between(4, 120) },
          durationMs: duration(g.rng, 30_000, 5 * MINUTE),
          count: devs.length,
          unit: 'device',
          okSummary: `Policy ${p} deployed to ${plural(devs.length, 'device')}`,
          failSummary: `Policy ${p} rejected by ${(devs[0] as Device).name}: commit check failed`,
        },
      }),
    };
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
