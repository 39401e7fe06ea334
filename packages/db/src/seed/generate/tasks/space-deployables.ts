/** Junos Space: what it pushes to devices (scripts, CLI configlets, templates, images). */
import {
  CONFIGLETS,
  DEVICE_FAILURES,
  PLATFORM_FAILURES,
  SCRIPTS,
  TEMPLATES,
} from '../../vocabulary';
import { imageChange, linesChange } from '../changes';
import { duration, jobTask } from '../job-task';
import { deviceObject, detail, plural, task } from '../task';
import { MINUTE } from '../time';
import type { Device } from '../world';

export const EXECUTE_SCRIPTS = jobTask(
  'Execute Scripts',
  'Images and Scripts',
  1,
  { fail: 0.06, scheduled: 0.3, recurring: 0.3, intervals: ['P1D', 'P7D'] },
  (g, s) => {
    const script = g.rng.pick(SCRIPTS);
    const targets = g.sameFamily(g.device(s), g.rng.between(1, 5));
    const first = targets[0] as Device;
    return {
      object: ['Script', script],
      affected: targets.map(deviceObject),
      changes: linesChange(first, [
        `set system scripts op file ${script}`,
        `set event-options generate-event every-hour time-interval 3600`,
      ]),
      rejected: () => `Script ${script} not executed: ${g.rng.pick(DEVICE_FAILURES)}`,
      accepted: () => ({
        what: `Script ${script} execution on ${plural(targets.length, 'device')}`,
        job: {
          name: `Execute Scripts - ${script}`,
          type: 'Execute Scripts',
          params: {
            script,
            devices: targets.map((t) => t.name),
            scriptType: script.endsWith('.py') ? 'python' : 'slax',
          },
          durationMs: duration(g.rng, 10_000, 5 * MINUTE),
          count: targets.length,
          unit: 'device',
          okSummary: `Script ${script} executed on ${plural(targets.length, 'device')}`,
          failSummary: `Script ${script} failed on ${first.name}: ${g.rng.pick(DEVICE_FAILURES)}`,
        },
      }),
    };
  },
);

export const APPLY_CLI_CONFIGLET = jobTask(
  'Apply CLI Configlet',
  'CLI Configlets',
  1.6,
  { fail: 0.05, scheduled: 0.2, keepDescription: true },
  (g, s) => {
    const c = g.rng.pick(CONFIGLETS);
    const d = g.device(s);
    const text = `Apply CLI Configlet operation initiated for the configlet ${c.name} on the device ${d.name}`;
    return {
      object: ['CLI Configlet', c.name],
      affected: [deviceObject(d)],
      changes: linesChange(d, c.lines),
      rejected: () => `${text}: failed, ${g.rng.pick(DEVICE_FAILURES)}`,
      accepted: () => ({
        description: text,
        job: {
          name: `Apply CLI Configlet - ${c.name} on ${d.name}`,
          type: 'Apply CLI Configlet',
          params: { configlet: c.name, device: d.name },
          durationMs: duration(g.rng, 10_000, 2 * MINUTE),
          count: 1,
          unit: 'device',
          okSummary: `Configlet ${c.name} applied on ${d.name}`,
          failSummary: `Configlet ${c.name} failed on ${d.name}: ${g.rng.pick(DEVICE_FAILURES)}`,
        },
      }),
    };
  },
);

export const VALIDATE_CLI_CONFIGLET = task(
  'Validate CLI Configlet',
  'CLI Configlets',
  2.2,
  { fail: 0.1 },
  (g, s, o) => {
    const c = g.rng.pick(CONFIGLETS);
    const d = g.device(s);
    const text = `Validate CLI Configlet operation initiated for the configlet ${c.name} on the device ${d.name}`;
    return detail(
      'CLI Configlet',
      c.name,
      o === 'failure'
        ? `${text}: validation failed, ${g.rng.pick(['missing mandatory parameter', 'syntax error', 'device not reachable'])}`
        : text,
      [deviceObject(d)],
    );
  },
);

export const DEPLOY_TEMPLATES = jobTask(
  'Deploy Templates',
  'Device Templates',
  1,
  { fail: 0.05, scheduled: 0.3 },
  (g, s) => {
    const targets = g.sameFamily(g.device(s), g.rng.between(1, 5));
    const t = g.template((targets[0] as Device).family);
    const first = targets[0] as Device;
    return {
      object: ['Template', t.name],
      affected: targets.map(deviceObject),
      changes: linesChange(first, t.lines),
      rejected: () => `Template ${t.name} not deployed: ${g.rng.pick(DEVICE_FAILURES)}`,
      accepted: () => ({
        what: `Template ${t.name} deployment on ${plural(targets.length, 'device')}`,
        job: {
          name: `Deploy Templates - ${t.name}`,
          type: 'Deploy Templates',
          params: {
            template: t.name,
            devices: targets.map((x) => x.name),
            version: g.rng.between(1, 9),
          },
          durationMs: duration(g.rng, 30_000, 6 * MINUTE),
          count: targets.length,
          unit: 'device',
          okSummary: `Template ${t.name} deployed to ${plural(targets.length, 'device')}`,
          failSummary: `Template ${t.name} failed on ${first.name}: ${g.rng.pick(DEVICE_FAILURES)}`,
        },
      }),
    };
  },
);

export const DEPLOY_DEVICE_IMAGE = jobTask(
  'Deploy Device Image',
  'Images and Scripts',
  0.8,
  { fail: 0.08, scheduled: 0.45 },
  (g, s) => {
    const { targets, image, version } = g.upgrade(s, g.rng.between(1, 5));
    const first = targets[0] as Device;
    return {
      object: ['Device Image', image],
      affected: targets.map(deviceObject),
      changes: imageChange(first, version),
      rejected: () =>
        `Image ${image} not deployed: ${g.rng.pick(['insufficient storage on /var/tmp', 'image checksum mismatch', ...DEVICE_FAILURES])}`,
      accepted: () => ({
        what: `Image ${image} deployment on ${plural(targets.length, 'device')}`,
        job: {
          name: `Deploy Device Image - ${image}`,
          type: 'Deploy Device Image',
          params: {
            image,
            devices: targets.map((x) => x.name),
            validate: true,
            rebootAfterDeploy: true,
            snapshot: g.rng.chance(0.5),
          },
          durationMs: duration(g.rng, 8 * MINUTE, 45 * MINUTE),
          count: targets.length,
          unit: 'device',
          okSummary: `Image ${image} installed on ${plural(targets.length, 'device')}; devices rebooted`,
          failSummary: `Image install failed on ${first.name}: ${g.rng.pick(['insufficient storage on /var/tmp', 'reboot timed out', 'package validation failed'])}`,
        },
      }),
    };
  },
);

export const CREATE_CLI_CONFIGLET = task(
  'Create CLI Configlet',
  'CLI Configlets',
  0.5,
  { fail: 0.02 },
  (g, _s, o) => {
    const c = g.rng.pick(CONFIGLETS);
    return detail(
      'CLI Configlet',
      c.name,
      o === 'failure'
        ? `CLI Configlet ${c.name} not saved: a configlet with this name exists`
        : `CLI Configlet ${c.name} created for device family junos`,
    );
  },
);

export const MODIFY_CLI_CONFIGLET = task(
  'Modify CLI Configlet',
  'CLI Configlets',
  0.9,
  { fail: 0.02 },
  (g, _s, o) => {
    const c = g.rng.pick(CONFIGLETS);
    const v = g.rng.between(2, 12);
    return detail(
      'CLI Configlet',
      c.name,
      o === 'failure'
        ? `CLI Configlet ${c.name} not saved: invalid Velocity expression`
        : `CLI Configlet ${c.name} modified (version ${v})`,
    );
  },
);

export const CREATE_TEMPLATE = task(
  'Create Template',
  'Device Templates',
  0.35,
  { fail: 0.02 },
  (g, _s, o) => {
    const t = g.rng.pick(TEMPLATES);
    return detail(
      'Template',
      t.name,
      o === 'failure'
        ? `Template ${t.name} not created: ${g.rng.pick(PLATFORM_FAILURES)}`
        : `Template ${t.name} created`,
    );
  },
);

export const MODIFY_TEMPLATE = task(
  'Modify Template',
  'Device Templates',
  0.7,
  { fail: 0.02 },
  (g, _s, o) => {
    const t = g.rng.pick(TEMPLATES);
    return detail(
      'Template',
      t.name,
      o === 'failure'
        ? `Template ${t.name} not saved: validation failed`
        : `Template ${t.name} modified and published`,
    );
  },
);

export const IMPORT_DEVICE_IMAGE = task(
  'Import Device Image',
  'Images and Scripts',
  0.3,
  { fail: 0.05 },
  (g, s, o) => {
    const d = g.device(s);
    const image = g.rng.pick(d.family.images);
    return detail(
      'Device Image',
      image,
      o === 'failure'
        ? `Image ${image} not imported: checksum mismatch`
        : `Image ${image} imported for ${d.model}`,
    );
  },
);
