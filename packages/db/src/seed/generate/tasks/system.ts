/** Tasks nobody typed: the platform's own scheduled work (user 'system', no IP). */
import { APP_CSO, APP_SPACE, DEVICE_FAILURES } from '../../vocabulary';
import { Weighted } from '../random';
import { deviceObject, detail, task } from '../task';
import type { Task } from '../task';
import { csoFailure } from './cso';

export interface SystemTask {
  app: string;
  task: Task;
}

export const SYSTEM_TASKS = new Weighted<SystemTask>([
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
