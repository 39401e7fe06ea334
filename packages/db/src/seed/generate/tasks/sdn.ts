/** HP VAN SDN Controller: activity names from its audit log. */
import { SDN_ARTIFACTS } from '../../vocabulary';
import type { Session } from '../session';
import { detail, task } from '../task';
import type { Task } from '../task';
import type { TaskContext } from '../task-context';

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

export const SDN_TASKS: Task[] = [SDN_UPLOAD, SDN_REFRESH, SDN_UNINSTALL];

/** Upload, then refresh, then (sometimes) uninstall the same artifact. */
export function chooseSdnTask(g: TaskContext, s: Session): Task {
  const phase = s.step % 3;
  s.step++;
  if (phase === 0) {
    s.artifact = g.rng.int(SDN_ARTIFACTS.length);
    return SDN_UPLOAD;
  }
  if (phase === 1) return SDN_REFRESH;
  return g.rng.chance(0.5) ? SDN_UNINSTALL : SDN_REFRESH;
}
