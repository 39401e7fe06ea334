/** Services Activation Director: service orders, their design and their audits. */
import { DEVICE_FAILURES, PLATFORM_FAILURES, SAD_DEFINITIONS } from '../../vocabulary';
import { duration, jobTask } from '../job-task';
import { detail, plural, task } from '../task';
import type { Task } from '../task';
import { MINUTE } from '../time';
import type { Device } from '../world';

export const SAD_TASKS: Task[] = [
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
  jobTask(
    'Deploy Service Order',
    'Service Provisioning',
    2.2,
    { fail: 0.06, scheduled: 0.3 },
    (g, s) => {
      const name = g.serviceName(s);
      const pes = g.devices(s, g.rng.between(2, 4));
      return {
        object: ['Service Order', name],
        affected: pes.map((d) => ({ type: 'Device', name: d.name, id: d.id, detail: 'PE' })),
        rejected: () => `Deployment of ${name} failed: ${g.rng.pick(DEVICE_FAILURES)}`,
        accepted: () => ({
          what: `Deploy service order ${name}`,
          job: {
            name: `Deploy Service - ${name}`,
            type: 'Deploy Service',
            params: { serviceOrder: name, endpoints: pes.map((d) => d.name) },
            durationMs: duration(g.rng, MINUTE, 10 * MINUTE),
            count: pes.length,
            unit: 'endpoint',
            okSummary: `Service ${name} deployed on ${plural(pes.length, 'endpoint')}`,
            failSummary: `Service ${name} failed on ${(pes[0] as Device).name}: ${g.rng.pick(DEVICE_FAILURES)}`,
          },
        }),
      };
    },
  ),
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
  jobTask(
    'Decommission Service',
    'Service Provisioning',
    0.5,
    { fail: 0.04, scheduled: 0.3 },
    (g, s) => {
      const name = g.serviceName(s);
      return {
        object: ['Service', name],
        rejected: () => `Decommission of ${name} failed: ${g.rng.pick(DEVICE_FAILURES)}`,
        accepted: () => ({
          what: `Decommission ${name}`,
          job: {
            name: `Decommission Service - ${name}`,
            type: 'Decommission Service',
            params: { service: name },
            durationMs: duration(g.rng, MINUTE, 5 * MINUTE),
            count: 1,
            unit: 'service',
            okSummary: `Service ${name} removed from the network`,
            failSummary: `Service ${name} partially removed`,
          },
        }),
      };
    },
  ),
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
  jobTask(
    'Run Functional Audit',
    'Service Assurance',
    1.1,
    { fail: 0.03, scheduled: 0.4, recurring: 0.7, intervals: ['PT6H', 'PT12H', 'P1D'] },
    (g, s) => {
      const name = g.serviceName(s);
      return {
        object: ['Service', name],
        rejected: () => `Functional audit of ${name} not started: ${g.rng.pick(PLATFORM_FAILURES)}`,
        accepted: () => ({
          what: `Functional audit of ${name}`,
          job: {
            name: `Functional Audit - ${name}`,
            type: 'Functional Audit',
            params: { service: name, tests: ['ping', 'ethernet-oam'] },
            durationMs: duration(g.rng, 30_000, 5 * MINUTE),
            count: 1,
            unit: 'service',
            okSummary: `Functional audit of ${name} passed`,
            failSummary: `Functional audit of ${name} failed: packet loss 4.2%`,
          },
        }),
      };
    },
  ),
  jobTask(
    'Run Configuration Audit',
    'Service Assurance',
    0.6,
    { fail: 0.03, scheduled: 0.4, recurring: 0.5, intervals: ['P1D', 'P7D'] },
    (g, s) => {
      const name = g.serviceName(s);
      return {
        object: ['Service', name],
        rejected: () =>
          `Configuration audit of ${name} not started: ${g.rng.pick(PLATFORM_FAILURES)}`,
        accepted: () => ({
          what: `Configuration audit of ${name}`,
          job: {
            name: `Configuration Audit - ${name}`,
            type: 'Configuration Audit',
            params: { service: name },
            durationMs: duration(g.rng, 30_000, 5 * MINUTE),
            count: 1,
            unit: 'service',
            okSummary: `No configuration drift for ${name}`,
            failSummary: `Configuration drift found for ${name} on 1 endpoint`,
          },
        }),
      };
    },
  ),
];
