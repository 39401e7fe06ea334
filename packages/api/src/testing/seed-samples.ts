import type { z } from 'zod';

import type { eventInputSchema } from '../schemas/audit-logs';

/** The reference documents' sample entries (../shared/seeds), as events of ours. */

type EventInput = z.input<typeof eventInputSchema>;

/** Seed 002 (Junos Space REST API), mapped to our fields. `IST` is +05:30. */
export const JUNOS_SPACE_SAMPLES: EventInput[] = [
  {
    userName: 'super',
    userIp: '172.16.100.2',
    description: 'Login Succeeded',
    occurredAt: '2011-08-29T10:16:18+05:30',
    application: 'REST',
    taskName: 'Login',
    status: 'success',
    metadata: { key: '262840' },
  },
  {
    userName: 'super',
    userIp: '172.16.100.2',
    description: 'Job: Device discover shcheduled with job id 196608',
    occurredAt: '2011-08-29T10:12:27+05:30',
    application: 'REST',
    taskName: 'POST: /api/space/device-management/discover-devices',
    status: 'job_scheduled',
    resultCode: '202',
    jobId: '196608',
  },
  {
    userName: 'super',
    userIp: '172.16.100.2',
    description: 'Job: Device discover shcheduled with job id 360448',
    occurredAt: '2011-08-29T11:01:25+05:30',
    application: 'REST',
    taskName: 'POST: /api/space/device-management/discover-devices',
    status: 'success',
    resultCode: 200, // a JSON number, as the sample sends it
  },
];

/** Seed 004 (HP SDN controller): uid → eventId, system_uid → systemId, activity → taskName. */
export const SDN_SAMPLES: EventInput[] = [
  [
    '730d99ee-78f9-4301-ab2b-7871df61a6d3',
    '2013-06-05T17:54:19.265Z',
    'Artifact Management - Upload',
    'geewiz-apps-1.0.0.jar has been staged',
  ],
  [
    '77881f9f-a0c4-482b-8fd2-872c87c1bcab',
    '2013-06-05T17:54:19.754Z',
    'Artifact Management - Refresh',
    'com.geewiz.apps has been refreshed',
  ],
  [
    'a39fdb1d-a0f2-444b-b79a-ada13cf0dc0b',
    '2013-06-05T17:54:20.312Z',
    'Artifact Management - Uninstall',
    'com.geewiz.apps has been removed',
  ],
  [
    '003e52ec-4bce-47c5-b3ec-cf6163aca5c0',
    '2013-06-05T17:54:20.975Z',
    'Artifact Management - Upload',
    'golly-gee-app.zip has been staged',
  ],
  [
    '98a92ddf-04ad-474e-9c6a-fa99ff7256ed',
    '2013-06-05T17:54:24.165Z',
    'Artifact Management - Refresh',
    'golly-gee.plan has been refreshed',
  ],
  [
    '21f082f5-8b1b-453a-8474-a3e1eab4e0ef',
    '2013-06-05T17:54:26.028Z',
    'Artifact Management - Uninstall',
    'golly-gee.plan has been removed',
  ],
].map(([eventId, ts, activity, description]) => ({
  eventId,
  systemId: 'a1adf6a0-13d3-45de-bf66-acc504e84dba',
  userName: 'sdn',
  occurredAt: ts,
  taskName: activity as string,
  description,
  status: 'success' as const,
  application: 'SDN Controller',
}));
