// @vitest-environment node
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { closeE2E, screenshot, screenshotOnFailure, signIn, startE2E, type E2E } from './support';

describe('API docs at /docs (browser, offline)', () => {
  let e2e: E2E;
  let page: Page | undefined;

  beforeAll(async () => {
    e2e = await startE2E({ seedEvents: 50 });
  });

  afterEach(screenshotOnFailure(() => page));

  afterAll(() => closeE2E(e2e));

  it('renders every operation from this server alone, and tries one out with the session', async () => {
    page = await e2e.newPage();
    // No internet: any request for another origin is refused, and counted.
    const elsewhere: string[] = [];
    await page.context().route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(e2e.baseUrl) || url.startsWith('data:')) return route.continue();
      elsewhere.push(url);
      return route.abort();
    });
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') failures.push(message.text());
    });

    await signIn(page, e2e.admin);
    await page.goto('/docs');
    await page.getByRole('heading', { name: /Audit Log Manager/ }).waitFor();
    const tag = page.locator('.opblock-tag-section').filter({ hasText: 'REST API' });
    await tag.waitFor();
    const listEvents = page.locator('#operations-REST_API-listEvents');
    await listEvents.waitFor();
    expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
    await screenshot(page, 'api-docs');

    // "Try it out" on GET /api/v1/auth/me sends the session cookie and shows the answer.
    const me = page.locator('#operations-REST_API-me');
    await me.locator('.opblock-summary').click();
    await me.getByRole('button', { name: 'Try it out' }).click();
    await me.getByRole('button', { name: 'Execute' }).click();
    // The live answer (not the example beside it).
    const body = me.locator('.live-responses-table .microlight').first();
    await body.waitFor();
    expect(await body.innerText()).toContain(`"username": "${e2e.admin.username}"`);
    await screenshot(page, 'api-docs-try-it-out');

    expect(elsewhere).toEqual([]);
    expect(failures).toEqual([]);
  });
});
