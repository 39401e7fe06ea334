// @vitest-environment node
import { readFileSync } from 'node:fs';

import { JOB_STATES } from '@audit/db/values';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  closeE2E,
  byLabel,
  poll,
  screenshot,
  screenshotOnFailure,
  selectOption,
  signIn,
  startE2E,
  waitUntil,
  type E2E,
} from './support';

/** The dialog if one is open (forms may live in a modal), else the page. */
async function formScope(page: Page): Promise<Page | Locator> {
  const dialog = page.getByRole('dialog');
  return (await dialog.count()) > 0 ? dialog : page;
}

/** A tRPC query with a bearer token, as a service would call it: the HTTP status. */
async function statusWithToken(baseUrl: string, secret: string): Promise<number> {
  const response = await fetch(`${baseUrl}/trpc/auth.me`, {
    headers: { authorization: `Bearer ${secret}` },
  });
  return response.status;
}

describe('Jobs, Archives and Settings (browser)', () => {
  let e2e: E2E;
  let page: Page;
  let exportFile: { id: string; fileName: string; rowCount: number };

  beforeAll(async () => {
    e2e = await startE2E({ seedEvents: 1000 });
    // One finished export, so Archives has something to list and download.
    const job = await e2e.app.admin.exports.create({
      format: 'csv',
      filter: { status: ['failure'] },
    });
    await waitUntil(
      async () => (await e2e.app.admin.jobs.byId({ id: job.id })).state === 'success',
      `export job ${job.id} to succeed`,
      45_000,
    );
    const [archive] = (await e2e.app.admin.exports.list({ kind: 'export' })).items;
    if (!archive) throw new Error('the export wrote no archive');
    exportFile = archive;
    page = await e2e.newPage();
    await signIn(page, e2e.admin);
  });

  afterEach(screenshotOnFailure(() => page));

  afterAll(() => closeE2E(e2e));

  it('lists jobs with state badges, filters by state, and opens a job page', async () => {
    const { detailed } = e2e.known;
    await page.goto('/jobs');
    const rows = page.getByTestId('job-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThan(1);
    // Every row has a state badge with a known state.
    const states = await rows.evaluateAll((elements) =>
      elements.map((row) => row.querySelector('[data-state]')?.getAttribute('data-state') ?? null),
    );
    for (const state of states) expect(JOB_STATES).toContain(state);

    const known = rows.filter({ hasText: detailed.jobName });
    await known.waitFor();
    expect(await known.locator('[data-state]').first().getAttribute('data-state')).toBe('success');
    expect(await known.innerText()).toMatch(/success/i);
    expect(await known.innerText()).toContain('Deploy Device Configuration');
    await screenshot(page, 'jobs');

    // The state filter lives in the URL.
    await page.goto('/jobs?state=success');
    await rows.first().waitFor();
    await poll(() =>
      rows.evaluateAll((elements) =>
        elements.map((row) => row.querySelector('[data-state]')?.getAttribute('data-state')),
      ),
    ).toSatisfy((list: unknown[]) => list.length > 0 && list.every((s) => s === 'success'));

    await page.goto('/jobs');
    await known.getByRole('link', { name: detailed.jobName }).click();
    await page.waitForURL((url) => url.pathname === `/jobs/${detailed.jobId}`);
    const main = page.getByRole('main');
    // The job page itself (pages load on demand: until it is there, the list may still show).
    await main.getByTestId('job-page').getByText(detailed.jobName).first().waitFor();
    const text = await main.innerText();
    expect(text).toContain('Deploy Device Configuration');
    expect(text).toContain('Deployed to 1 device');
    expect(text).toContain('e2e.alice');
    expect(text).toContain('100 %');
    expect(await main.locator('[data-state="success"]').count()).toBeGreaterThan(0);
    await screenshot(page, 'job');
  });

  it('lists archives and downloads one as a zip', async () => {
    await page.goto('/');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Archives' })
      .click();
    const rows = page.getByTestId('archive-row');
    await rows.first().waitFor();
    const row = rows.filter({ hasText: exportFile.fileName });
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toMatch(/export/i);
    expect(text).toMatch(new RegExp(`\\b${exportFile.rowCount.toLocaleString('en')}\\b`));
    await screenshot(page, 'archives');

    const link = row.getByRole('link', { name: /download/i });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(exportFile.fileName);
    const bytes = readFileSync(await download.path());
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('opens /archives from a bookmark or a reload', async () => {
    // The server must answer the page with the app, not take it for the download API.
    await page.goto('/archives?kind=export');
    await page.getByTestId('archive-row').filter({ hasText: exportFile.fileName }).waitFor();
    await page.reload();
    await page.getByTestId('archive-row').first().waitFor();
  });

  it('creates a user', async () => {
    await page.goto('/settings');
    const open = page.getByRole('button', { name: /^(new|add) user$/i });
    await page
      .getByRole('button', { name: /^(new|add|create) user$/i })
      .first()
      .waitFor();
    if ((await open.count()) > 0) await open.click();
    const scope = await formScope(page);
    await byLabel(scope, 'Username').fill('e2e.carol');
    await byLabel(scope, 'Password').fill('carol-password-1234');
    await selectOption(page, scope, 'Role', 'auditor');
    await scope.getByRole('button', { name: /^create( user)?$/i }).click();

    await page.getByTestId('user-row').filter({ hasText: 'e2e.carol' }).waitFor();
    const users = await e2e.app.admin.users.list();
    const carol = users.find((user) => user.username === 'e2e.carol');
    expect(carol?.role).toBe('auditor');
    await screenshot(page, 'settings');
  });

  it('creates an API token, shows its secret once, and revokes it', async () => {
    await page.goto('/settings');
    const open = page.getByRole('button', { name: /^(new|add) (api )?token$/i });
    await page
      .getByRole('button', { name: /^(new|add|create) (api )?token$/i })
      .first()
      .waitFor();
    if ((await open.count()) > 0) await open.click();
    const scope = await formScope(page);
    await byLabel(scope, 'Token name').fill('e2e-collector');
    const read = scope.getByRole('checkbox', { name: /^read$/i });
    if ((await read.count()) > 0 && !(await read.isChecked())) await read.check({ force: true });
    await scope.getByRole('button', { name: /^create( token)?$/i }).click();

    const secretBox = page.getByTestId('token-secret');
    await secretBox.waitFor();
    const secret = (await secretBox.innerText()).trim() || (await secretBox.inputValue());
    expect(secret.length).toBeGreaterThanOrEqual(20);
    expect(await statusWithToken(e2e.baseUrl, secret)).toBe(200);
    const tokens = await e2e.app.admin.tokens.list();
    const token = tokens.find((t) => t.name === 'e2e-collector');
    expect(token).toBeDefined();
    expect(secret.startsWith(token!.prefix)).toBe(true);

    // Shown once: not after a reload.
    await page.reload();
    const row = page.getByTestId('token-row').filter({ hasText: 'e2e-collector' });
    await row.waitFor();
    expect(await page.getByTestId('token-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);

    await row.getByRole('button', { name: 'Revoke' }).click();
    const confirm = page.getByRole('dialog').getByRole('button', { name: /^revoke/i });
    if ((await confirm.count()) > 0) await confirm.click();
    await poll(
      async () => (await e2e.app.admin.tokens.list()).find((t) => t.id === token!.id)?.revokedAt,
    ).toBeTruthy();
    await poll(() => row.innerText()).toMatch(/revoked/i);
    expect(await statusWithToken(e2e.baseUrl, secret)).toBe(401);
  });

  it('saves the retention settings', async () => {
    await page.goto('/settings');
    const days = byLabel(page, 'Retention days');
    await days.waitFor();
    await days.fill('120');
    await page.getByRole('button', { name: /^save retention$/i }).click();
    await poll(async () => (await e2e.app.admin.retention.get()).days).toBe(120);
    await page.reload();
    await poll(() => byLabel(page, 'Retention days').inputValue()).toBe('120');
  });
});
