/** REST: calls to the Junos Space API, recorded with their HTTP status. */
import { CONFIGLETS, DEVICE_FAILURES, SCRIPTS } from '../../vocabulary';
import { imageChange, linesChange } from '../changes';
import { deviceObject, detail, duration, jobDraft, plural, task } from '../task';
import type { Detail, Task } from '../task';
import type { TaskContext } from '../task-context';
import { MINUTE } from '../time';
import type { Device } from '../world';

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
  g: TaskContext,
  codes: readonly string[],
  type: string | null,
  name: string | null,
): Detail {
  const code = g.rng.pick(codes);
  return detail(type, name, REST_ERRORS[code] ?? 'Request failed', [], null, null, code);
}

export const REST_TASKS: Task[] = [
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
