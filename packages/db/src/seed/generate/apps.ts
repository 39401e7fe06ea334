/** The applications that write to the log: how often, by whom, and which tasks. */
import {
  APP_CSO,
  APP_PORTAL,
  APP_REST,
  APP_SAD,
  APP_SDN,
  APP_SPACE,
  APP_USERS,
  USERS,
} from '../vocabulary';
import { Weighted, zipf } from './random';
import type { Session } from './session';
import type { Task } from './task';
import type { TaskContext } from './task-context';
import { CSO_TASKS } from './tasks/cso';
import { choosePortalTask, PORTAL_TASKS } from './tasks/portal';
import { REST_TASKS } from './tasks/rest';
import { SAD_TASKS } from './tasks/sad';
import { chooseSdnTask, SDN_TASKS } from './tasks/sdn';
import { SPACE_TASKS } from './tasks/space';

export type AgentKind = 'browser' | 'tool' | 'mixed' | 'portal';
type LoginKind = 'space' | 'rest' | 'portal';

export interface App {
  name: string;
  index: number;
  /** Relative rate at which sessions of this application start. */
  sessionWeight: number;
  meanTasks: number;
  login: LoginKind | null;
  logout: boolean;
  loginFail: number;
  domain: boolean;
  agent: AgentKind;
  users: Weighted<number>;
  tasks: Weighted<Task>;
  /** Overrides the weighted choice where order matters (SDN upload → refresh → uninstall). */
  choose?: (g: TaskContext, s: Session) => Task;
}

const userIndex = new Map(USERS.map((u, i) => [u.name, i]));

function appUsers(app: string): Weighted<number> {
  const names = APP_USERS[app] ?? [];
  return new Weighted(
    zipf(names, 1.1).map(([name, weight]) => {
      const index = userIndex.get(name);
      if (index === undefined) throw new Error(`vocabulary: unknown user ${name}`);
      return [index, weight] as const;
    }),
  );
}

const taskTable = (tasks: readonly Task[]) =>
  new Weighted(tasks.map((t) => [t, t.weight] as const));

const APP_DEFS: Omit<App, 'index' | 'users'>[] = [
  {
    name: APP_SPACE,
    sessionWeight: 30,
    meanTasks: 6,
    login: 'space',
    logout: true,
    loginFail: 0.16,
    domain: true,
    agent: 'browser',
    tasks: taskTable(SPACE_TASKS),
  },
  {
    name: APP_CSO,
    sessionWeight: 26,
    meanTasks: 5,
    login: null,
    logout: false,
    loginFail: 0,
    domain: false,
    agent: 'mixed',
    tasks: taskTable(CSO_TASKS),
  },
  {
    name: APP_REST,
    sessionWeight: 14,
    meanTasks: 8,
    login: 'rest',
    logout: false,
    loginFail: 0.1,
    domain: true,
    agent: 'tool',
    tasks: taskTable(REST_TASKS),
  },
  {
    name: APP_SAD,
    sessionWeight: 8,
    meanTasks: 4,
    login: null,
    logout: false,
    loginFail: 0,
    domain: true,
    agent: 'browser',
    tasks: taskTable(SAD_TASKS),
  },
  {
    name: APP_PORTAL,
    sessionWeight: 18,
    meanTasks: 3,
    login: 'portal',
    logout: false,
    loginFail: 0.12,
    domain: false,
    agent: 'portal',
    tasks: taskTable(PORTAL_TASKS),
    choose: choosePortalTask,
  },
  {
    name: APP_SDN,
    sessionWeight: 7,
    meanTasks: 3,
    login: null,
    logout: false,
    loginFail: 0,
    domain: false,
    agent: 'tool',
    tasks: taskTable(SDN_TASKS),
    choose: chooseSdnTask,
  },
];
export const APPS: App[] = APP_DEFS.map((app, index) => ({
  ...app,
  index,
  users: appUsers(app.name),
}));

export const APP_PICK = new Weighted<App | null>([
  ...APPS.map((app) => [app, app.sessionWeight] as const),
  [null, 15], // a system task
]);

export const SYSTEM_APP_INDEX = new Map(APPS.map((a) => [a.name, a.index]));
