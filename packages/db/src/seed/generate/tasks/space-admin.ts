/** Junos Space: administration, backups, reports, audit logs, users and alarms. */
import {
  ALARMS,
  APP_SETTINGS,
  PLATFORM_FAILURES,
  RBAC_ROLES,
  REPORT_DEFINITIONS,
} from '../../vocabulary';
import { duration, jobTask } from '../job-task';
import { deviceObject, detail, task } from '../task';
import { MINUTE } from '../time';

export const MODIFY_APPLICATION_SETTINGS = task(
  'Modify Application settings',
  'Administration',
  0.7,
  { fail: 0.02 },
  (g, _s, o) => {
    const setting = g.rng.pick(APP_SETTINGS);
    const app = g.rng.chance(0.8) ? 'Network Management Platform' : 'Services Activation Director';
    return detail(
      'Application',
      app,
      o === 'failure'
        ? `Application settings of ${app} not saved: ${g.rng.pick(PLATFORM_FAILURES)}`
        : `Application settings modified for ${app}: ${setting.name}`,
      [{ type: 'Application Setting', name: setting.name, detail: setting.detail }],
    );
  },
);

export const BACKUP_CONFIGURATION_FILES = jobTask(
  'Backup Configuration Files',
  'Configuration Files',
  0.75,
  {
    fail: 0.03,
    scheduled: 0.7,
    recurring: 0.9,
    intervals: ['P1D', 'P1D', 'P1D', 'P7D', 'PT12H'],
  },
  (g, s) => {
    const n = s.world.devices.length;
    return {
      object: ['Configuration File', 'all devices'],
      rejected: () =>
        detail(null, null, `Configuration backup not scheduled: ${g.rng.pick(PLATFORM_FAILURES)}`),
      accepted: () => ({
        what: `Backup of ${n} device configurations`,
        job: {
          name: `Backup Configuration Files - all devices`,
          type: 'Backup Configuration Files',
          params: { devices: 'all', keepVersions: 20, target: 'scp://backup.example.net/junos/' },
          durationMs: duration(g.rng, MINUTE, 15 * MINUTE),
          count: n,
          unit: 'device',
          okSummary: `${n} configuration files backed up`,
          failSummary: `Backup failed after ${g.rng.between(1, n)} files: disk full on /var/log`,
        },
      }),
    };
  },
);

export const GENERATE_REPORT = jobTask(
  'Generate Report',
  'Reports',
  0.65,
  { fail: 0.03, scheduled: 0.6, recurring: 0.85, intervals: ['P1D', 'P7D', 'P7D', 'P1M'] },
  (g, s) => {
    const report = g.rng.pick(REPORT_DEFINITIONS);
    return {
      object: ['Report Definition', report],
      rejected: () => `Report ${report} not generated: ${g.rng.pick(PLATFORM_FAILURES)}`,
      accepted: () => ({
        what: `Generate ${report}`,
        job: {
          name: `Generate Report - ${report}`,
          type: 'Generate Report',
          params: {
            reportDefinition: report,
            format: g.rng.pick(['PDF', 'CSV', 'HTML']),
            email: `${s.user.spec.name}@${s.world.tenant}.example.net`,
          },
          durationMs: duration(g.rng, 30_000, 10 * MINUTE),
          count: 1,
          unit: 'report',
          okSummary: `${report} generated`,
          failSummary: `${report} failed: ${g.rng.pick(PLATFORM_FAILURES)}`,
        },
      }),
    };
  },
);

export const PURGE_AUDIT_LOGS = jobTask(
  'Purge Audit Logs',
  'Audit Logs',
  0.2,
  { fail: 0.02, scheduled: 0.8, recurring: 0.8, intervals: ['P1D', 'P7D'] },
  (g) => {
    const days = g.rng.pick([30, 90, 180, 365]);
    return {
      object: [null, null],
      rejected: () => `Audit log purge not scheduled: ${g.rng.pick(PLATFORM_FAILURES)}`,
      accepted: () => ({
        what: `Archive and purge audit logs older than ${days} days`,
        job: {
          name: `Purge Audit Logs - older than ${days} days`,
          type: 'Purge Audit Logs',
          params: { olderThanDays: days, archive: true, archiveTarget: 'local' },
          durationMs: duration(g.rng, MINUTE, 20 * MINUTE),
          count: 1,
          unit: 'archive',
          okSummary: `Audit logs older than ${days} days archived and purged`,
          failSummary: 'Archive failed: disk full on /var/log',
        },
      }),
    };
  },
);

export const EXPORT_AUDIT_LOGS = task(
  'Export Audit Logs',
  'Audit Logs',
  0.4,
  { fail: 0.03 },
  (g, _s, o) =>
    detail(
      null,
      null,
      o === 'failure'
        ? `Audit log export failed: ${g.rng.pick(PLATFORM_FAILURES)}`
        : `Audit logs exported as CSV (${g.rng.between(200, 90_000)} entries)`,
    ),
);

export const CREATE_USER = task(
  'Create User',
  'Role Based Access Control',
  0.35,
  { fail: 0.03 },
  (g, s, o) => {
    const u = g.rng.pick(s.world.users).spec.name;
    const role = g.rng.pick(RBAC_ROLES);
    return detail(
      'User',
      u,
      o === 'failure'
        ? `User ${u} not created: user already exists`
        : `User ${u} created with role ${role}`,
      [{ type: 'Role', name: role }],
    );
  },
);

export const MODIFY_USER = task(
  'Modify User',
  'Role Based Access Control',
  0.6,
  { fail: 0.03 },
  (g, s, o) => {
    const u = g.rng.pick(s.world.users).spec.name;
    const role = g.rng.pick(RBAC_ROLES);
    return detail(
      'User',
      u,
      o === 'failure'
        ? `User ${u} not modified: ${g.rng.pick(PLATFORM_FAILURES)}`
        : `User ${u} modified: role ${role} assigned`,
      [{ type: 'Role', name: role, detail: 'assigned' }],
    );
  },
);

export const ACKNOWLEDGE_ALARM = task(
  'Acknowledge Alarm',
  'Network Monitoring',
  3.5,
  { fail: 0.02 },
  (g, s, o) => {
    const d = g.device(s);
    const alarm = g.rng.pick(ALARMS);
    return detail(
      'Alarm',
      `${alarm} on ${d.name}`,
      o === 'failure'
        ? `Alarm on ${d.name} could not be acknowledged: alarm already cleared`
        : `Alarm '${alarm}' on ${d.name} acknowledged`,
      [deviceObject(d)],
    );
  },
);

export const CLEAR_ALARM = task(
  'Clear Alarm',
  'Network Monitoring',
  1.8,
  { fail: 0.01 },
  (g, s, o) => {
    const d = g.device(s);
    const alarm = g.rng.pick(ALARMS);
    return detail(
      'Alarm',
      `${alarm} on ${d.name}`,
      o === 'failure'
        ? `Alarm on ${d.name} could not be cleared: condition still active`
        : `Alarm '${alarm}' on ${d.name} cleared`,
      [deviceObject(d)],
    );
  },
);
