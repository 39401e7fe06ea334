/** REST: calls to the Junos Space API, recorded with their HTTP status. */
import { CONFIGLETS, DEVICE_FAILURES, SCRIPTS } from '../../vocabulary';
import { imageChange, linesChange } from '../changes';
import { duration, jobTask } from '../job-task';
import { deviceObject, detail, plural, task } from '../task';
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

/** A call answered 200 OK. */
function answered(
  type: string | null,
  name: string | null,
  description: string,
  affected: Detail['affected'] = [],
): Detail {
  return detail(type, name, description, affected, null, null, '200');
}

/** A call that started a job is answered 202 Accepted. */
const ACCEPTED = '202';

export const REST_TASKS: Task[] = [
  task('GET: /api/space/device-management/devices', null, 10, { fail: 0.05 }, (g, s, o) => {
    if (o === 'failure') return restFailure(g, ['401', '500', '503'], null, null);
    return answered(
      null,
      null,
      `Returned ${Math.min(s.world.devices.length, g.rng.pick([25, 100, 500]))} devices`,
    );
  }),
  task('GET: /api/space/device-management/devices/{id}', null, 6, { fail: 0.06 }, (g, s, o) => {
    const d = g.device(s);
    if (o === 'failure') return restFailure(g, ['404', '404', '401'], 'Device', d.id);
    return answered('Device', d.name, `Device ${d.name} (id ${d.id}) retrieved`);
  }),
  jobTask(
    'POST: /api/space/device-management/discover-devices',
    null,
    1.2,
    { fail: 0.06, scheduled: 1 },
    (g, s) => {
      const d = g.device(s);
      const target = g.rng.chance(0.6) ? d.subnet : d.mgmtIp;
      const jobName = `Discover Network Elements - ${target}`;
      return {
        object: ['Discovery Target', target],
        rejected: () => restFailure(g, ['400', '401', '500'], 'Discovery Target', target),
        accepted: () => {
          const found = target === d.subnet ? g.sameSubnet(d, g.rng.between(1, 5)) : [d];
          return {
            description: `Job: Device discover scheduled (${jobName})`,
            affected: found.map(deviceObject),
            resultCode: ACCEPTED,
            job: {
              name: jobName,
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
            },
          };
        },
      };
    },
  ),
  jobTask(
    'DELETE: /api/space/device-management/devices/{id}',
    null,
    0.3,
    { fail: 0.08, scheduled: 1 },
    (g, s) => {
      const d = g.device(s);
      return {
        object: ['Device', d.name],
        affected: [deviceObject(d)],
        rejected: () => restFailure(g, ['404', '401', '409'], 'Device', d.name),
        accepted: () => ({
          description: `Job: Device delete scheduled for ${d.name} (id ${d.id})`,
          resultCode: ACCEPTED,
          job: {
            name: `Delete Devices - ${d.name}`,
            type: 'Delete Devices',
            params: { devices: [d.id] },
            durationMs: duration(g.rng, 5_000, MINUTE),
            count: 1,
            unit: 'device',
            okSummary: `${d.name} deleted`,
            failSummary: `${d.name} not deleted: device is referenced by a service`,
          },
        }),
      };
    },
  ),
  jobTask(
    'POST: /api/space/configuration-management/cli-configlets/{id}/apply-configlet',
    null,
    0.6,
    { fail: 0.06, scheduled: 1 },
    (g, s) => {
      const c = g.rng.pick(CONFIGLETS);
      const d = g.device(s);
      return {
        object: ['CLI Configlet', c.name],
        affected: [deviceObject(d)],
        changes: linesChange(d, c.lines),
        rejected: () => restFailure(g, ['400', '404', '500'], 'CLI Configlet', c.name),
        accepted: () => ({
          description: `Apply CLI Configlet operation initiated for the configlet ${c.name} on the device ${d.name}`,
          resultCode: ACCEPTED,
          job: {
            name: `Apply CLI Configlet - ${c.name} on ${d.name}`,
            type: 'Apply CLI Configlet',
            params: { configlet: c.name, deviceId: d.id },
            durationMs: duration(g.rng, 10_000, 2 * MINUTE),
            count: 1,
            unit: 'device',
            okSummary: `Configlet ${c.name} applied on ${d.name}`,
            failSummary: `Configlet ${c.name} failed on ${d.name}: ${g.rng.pick(DEVICE_FAILURES)}`,
          },
        }),
      };
    },
  ),
  jobTask(
    'POST: /api/space/software-management/packages/{id}/exec-deploy',
    null,
    0.3,
    { fail: 0.06, scheduled: 1 },
    (g, s) => {
      const { targets: devs, image, version } = g.upgrade(s, g.rng.between(1, 5));
      const first = devs[0] as Device;
      return {
        object: ['Device Image', image],
        affected: devs.map(deviceObject),
        changes: imageChange(first, version),
        rejected: () => restFailure(g, ['400', '404', '500'], 'Device Image', image),
        accepted: () => ({
          description: `Job: Image ${image} deployment scheduled on ${plural(devs.length, 'device')}`,
          resultCode: ACCEPTED,
          job: {
            name: `Deploy Device Image - ${image}`,
            type: 'Deploy Device Image',
            params: { image, deviceIds: devs.map((d) => d.id), rebootAfterDeploy: true },
            durationMs: duration(g.rng, 8 * MINUTE, 45 * MINUTE),
            count: devs.length,
            unit: 'device',
            okSummary: `Image ${image} installed on ${plural(devs.length, 'device')}`,
            failSummary: `Image install failed on ${first.name}: insufficient storage on /var/tmp`,
          },
        }),
      };
    },
  ),
  jobTask(
    'POST: /api/space/script-management/scripts/exec-scripts',
    null,
    0.3,
    { fail: 0.05, scheduled: 1 },
    (g, s) => {
      const script = g.rng.pick(SCRIPTS);
      const devs = g.devices(s, g.rng.between(1, 5));
      const first = devs[0] as Device;
      return {
        object: ['Script', script],
        affected: devs.map(deviceObject),
        changes: linesChange(first, [`set system scripts op file ${script}`]),
        rejected: () => restFailure(g, ['400', '404', '500'], 'Script', script),
        accepted: () => ({
          description: `Job: Script ${script} execution scheduled on ${plural(devs.length, 'device')}`,
          resultCode: ACCEPTED,
          job: {
            name: `Execute Scripts - ${script}`,
            type: 'Execute Scripts',
            params: { script, deviceIds: devs.map((d) => d.id) },
            durationMs: duration(g.rng, 10_000, 5 * MINUTE),
            count: devs.length,
            unit: 'device',
            okSummary: `Script ${script} executed on ${plural(devs.length, 'device')}`,
            failSummary: `Script ${script} failed on ${first.name}`,
          },
        }),
      };
    },
  ),
  task('GET: /api/space/job-management/jobs/{id}', null, 4, { fail: 0.04 }, (g, _s, o) => {
    if (o === 'failure') return restFailure(g, ['404'], 'Job', null);
    return answered(
      'Job',
      null,
      `Job status retrieved: ${g.rng.pick(['SUCCESS', 'SUCCESS', 'INPROGRESS', 'FAILURE'])}`,
    );
  }),
  task('GET: /api/space/audit-log-management/audit-logs', null, 1, { fail: 0.02 }, (g, _s, o) => {
    if (o === 'failure') return restFailure(g, ['401', '403'], null, null);
    return answered(null, null, `Returned ${g.rng.between(1, 2000)} audit logs`);
  }),
  task(
    'GET: /api/space/config-file-management/config-files',
    null,
    1.5,
    { fail: 0.03 },
    (g, s, o) => {
      if (o === 'failure') return restFailure(g, ['401', '500'], null, null);
      return answered(null, null, `Returned ${s.world.devices.length} configuration files`);
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
      return answered(
        'Device',
        d.name,
        `RPC ${g.rng.pick(['get-interface-information', 'get-system-uptime-information', 'get-route-summary-information', 'get-chassis-inventory'])} executed on ${d.name}`,
        [deviceObject(d)],
      );
    },
  ),
  task('PUT: /api/space/user-management/users/{id}', null, 0.3, { fail: 0.05 }, (g, s, o) => {
    const u = g.rng.pick(s.world.users).spec.name;
    if (o === 'failure') return restFailure(g, ['400', '404'], 'User', u);
    return answered('User', u, `User ${u} updated`);
  }),
];
