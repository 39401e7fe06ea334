// @vitest-environment node
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  byLabel,
  closeE2E,
  poll,
  screenshot,
  screenshotOnFailure,
  signIn,
  startE2E,
  waitUntil,
  type E2E,
} from './support';

const DAY = 86_400_000;

describe('Legal holds on the Settings page (browser)', () => {
  let e2e: E2E;
  let page: Page | undefined;

  beforeAll(async () => {
    e2e = await startE2E({ seedEvents: 500 });
  });

  afterEach(screenshotOnFailure(() => page));

  afterAll(() => closeE2E(e2e));

  it('an admin places a hold from a search; purge keeps its events; an auditor reads it; the admin releases it', async () => {
    const { old } = e2e.known;
    page = await e2e.newPage();
    await signIn(page, e2e.admin);
    await page.goto('/settings');
    const section = page.getByTestId('holds-settings');
    await section.getByTestId('holds-empty').waitFor();

    await section.getByRole('button', { name: 'New hold', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await byLabel(dialog, 'Hold name').fill('E2E matter');
    await byLabel(dialog, 'Reason').fill('Litigation hold for the old logouts');
    const query = byLabel(dialog, 'Events to hold');
    // A query the search box would refuse is refused here too, where it goes wrong.
    await query.fill('usr:e2e.old');
    await dialog.getByText(/Column 1: unknown field "usr"/).waitFor();
    expect(await dialog.getByRole('button', { name: 'Place hold' }).isDisabled()).toBe(true);
    await query.fill(`user:${old.user} task:Logout`);
    await dialog.getByRole('button', { name: 'Place hold' }).click();

    const row = section.getByTestId('hold-row').filter({ hasText: 'E2E matter' });
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('active');
    expect(await row.getByTestId('hold-held').innerText()).toBe(String(old.count));
    expect(await row.innerText()).toContain(`user:${old.user} task:Logout`);
    expect(await row.innerText()).toContain('Litigation hold for the old logouts');
    const [hold] = (await e2e.app.admin.holds.list()).items;
    expect(hold).toMatchObject({
      name: 'E2E matter',
      createdBy: 'admin',
      filter: { q: `user:${old.user} task:Logout` },
      held: { count: old.count, isEstimate: false },
    });
    await screenshot(page, 'settings-legal-holds');

    // A purge of everything older than 50 days (older than any generated event) keeps them.
    const before = new Date(Date.now() - 50 * DAY).toISOString();
    expect(await e2e.app.admin.purge.preview({ before })).toMatchObject({
      count: 0,
      held: old.count,
    });
    const job = await e2e.app.admin.purge.create({ before, archive: false });
    await waitUntil(
      async () => (await e2e.app.admin.jobs.byId({ id: job.id })).state === 'success',
      `purge job ${job.id} to succeed`,
    );
    expect((await e2e.app.admin.jobs.byId({ id: job.id })).result).toMatchObject({
      kept: old.count,
    });
    expect(
      (await e2e.app.admin.auditLogs.list({ filter: { userName: old.user } })).items,
    ).toHaveLength(old.count);

    // An auditor sees the hold, and nothing to change it with.
    const auditorPage = await e2e.newPage();
    try {
      await signIn(auditorPage, e2e.auditor);
      const nav = auditorPage.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'Settings', exact: true }).click();
      const seen = auditorPage.getByTestId('hold-row').filter({ hasText: 'E2E matter' });
      await seen.waitFor();
      expect(await seen.getByTestId('hold-held').innerText()).toBe(String(old.count));
      expect(await auditorPage.getByRole('button', { name: 'New hold' }).count()).toBe(0);
      expect(await auditorPage.getByRole('button', { name: /^Release/ }).count()).toBe(0);
      await auditorPage.getByTestId('settings-forbidden').waitFor();
      expect(await auditorPage.getByTestId('users-settings').count()).toBe(0);
    } finally {
      await auditorPage.context().close();
    }

    // The admin releases it, after confirming.
    await row.getByRole('button', { name: 'Release E2E matter' }).click();
    const confirm = page.getByTestId('release-hold-modal');
    await confirm.getByText(/can be purged\s+again/).waitFor();
    await confirm.getByRole('button', { name: 'Release', exact: true }).click();
    await poll(() => row.getAttribute('data-status')).toBe('released');
    expect(await row.getByTestId('hold-held').innerText()).toBe('—');
    expect(await row.innerText()).toMatch(/by admin/);
    expect((await e2e.app.admin.holds.list()).items[0]).toMatchObject({
      active: false,
      releasedBy: 'admin',
    });
    expect(await e2e.app.admin.purge.preview({ before })).toMatchObject({
      count: old.count,
      held: 0,
    });
  });
});
