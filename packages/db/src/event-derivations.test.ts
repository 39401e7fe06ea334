import { describe, expect, it } from 'vitest';

import { actionOfTask, agentOf, withDerivedFields } from './event-derivations';

describe('actionOfTask', () => {
  it.each([
    ['tenant.create', 'create'],
    ['Created', 'create'],
    ['Artifact Management - Upload', 'create'],
    ['POST: /api/space/sites', 'create'],
    ['Updated', 'update'],
    ['PUT: /api/space/user-management/users/{id}', 'update'],
    ['Tag Devices', 'update'],
    ['device.delete', 'delete'],
    ['Purge Audit Logs', 'delete'],
    ['deleteUser', 'delete'],
    ['GET: /api/space/device-management/devices', 'read'],
    ['Export Audit Logs', 'read'],
    ['Login', 'login'],
    ['Login Failed', 'login'],
    ['Sign in', 'login'],
    ['Logout', 'logout'],
    ['log off', 'logout'],
    ['device-image.deploy', 'execute'],
    ['Resynchronize with Network', 'execute'],
    ['Heartbeat', 'other'],
    ['', 'other'],
  ])('%s → %s', (task, action) => {
    expect(actionOfTask(task)).toBe(action);
  });
});

describe('agentOf', () => {
  it.each([
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
      'Chrome',
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15',
      'Safari',
    ],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0', 'Firefox'],
    ['Mozilla/5.0 (compatible; SomeBot)', 'Mozilla'],
    ['curl/8.5.0', 'curl'],
    ['python-requests/2.31.0', 'Python'],
    ['Python-urllib/3.11', 'Python'],
    ['Apache-HttpClient/4.5.14 (Java/17.0.10)', 'Java'],
    ['okhttp/4.12.0', 'Java'],
    ['Go-http-client/1.1', 'Go'],
    ['node-fetch/1.0 (+https://github.com/bitinn/node-fetch)', 'Node.js'],
    ['CA API Gateway', 'CA API Gateway'],
    ['Terraform/1.7.5 (+https://www.terraform.io)', 'Terraform'],
    ['MyTool/2.0 (linux)', 'MyTool'],
    ['   ', null],
    [null, null],
  ])('%s → %s', (userAgent, agent) => {
    expect(agentOf(userAgent)).toBe(agent);
  });

  it('bounds the agent to 100 characters', () => {
    expect(agentOf('x'.repeat(500))).toHaveLength(100);
  });
});

describe('withDerivedFields', () => {
  const event = {
    userName: 'a',
    taskName: 'device.delete',
    status: 'success' as const,
    occurredAt: new Date(),
  };

  it('fills in what is absent and keeps what is given', () => {
    expect(withDerivedFields({ ...event, userAgent: 'curl/8' })).toMatchObject({
      action: 'delete',
      agent: 'curl',
    });
    expect(withDerivedFields({ ...event, action: 'read' }).action).toBe('read');
  });
});
