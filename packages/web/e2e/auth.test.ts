// @vitest-environment node
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  closeE2E,
  eventRows,
  screenshot,
  screenshotOnFailure,
  signIn,
  startE2E,
  submitSignIn,
  type E2E,
} from './support';

describe('sign-in and roles (browser)', () => {
  let e2e: E2E;
  let page: Page | undefined;

  beforeAll(async () => {
    e2e = await startE2E({ seedEvents: 500 });
  });

  afterEach(screenshotOnFailure(() => page));

  afterAll(() => closeE2E(e2e));

  it('refuses a wrong password with an alert, then signs in, keeps the session and signs out', async () => {
    page = await e2e.newPage();
    await page.goto('/login');
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await screenshot(page, 'login');

    await submitSignIn(page, e2e.admin.username, 'not-the-password-at-all');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/sign-in failed/i);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.getByTestId('signed-in-as').count()).toBe(0);

    await submitSignIn(page, e2e.admin.username, e2e.admin.password);
    const signedInAs = page.getByTestId('signed-in-as');
    await signedInAs.waitFor();
    expect(await signedInAs.innerText()).toMatch(/^admin\s*\(admin\)$/);
    expect(new URL(page.url()).pathname).toBe('/');
    // Audit Logs is the active page in the navigation.
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(
      await nav.getByRole('link', { name: 'Audit Logs' }).getAttribute('data-active'),
    ).not.toBeNull();

    await page.reload();
    await signedInAs.waitFor();
    expect(await signedInAs.innerText()).toContain('admin');
    expect(new URL(page.url()).pathname).toBe('/');

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    // The session is gone on the server too: a protected page sends us back.
    await page.goto('/jobs');
    await page.waitForURL((url) => url.pathname === '/login');
  });

  it('sends a signed-out visitor to /login and back to the page they asked for', async () => {
    page = await e2e.newPage();
    await page.goto('/jobs?state=success');
    await page.waitForURL((url) => url.pathname === '/login');
    const redirect = new URL(page.url()).searchParams.get('redirect');
    expect(redirect).toBe('/jobs?state=success');

    await submitSignIn(page, e2e.admin.username, e2e.admin.password);
    await page.waitForURL((url) => url.pathname === '/jobs');
    const url = new URL(page.url());
    expect(url.searchParams.get('state')).toBe('success');
    await page.getByTestId('signed-in-as').waitFor();
  });

  it('sends a signed-out visitor of an Audit Logs link to /login and back to that view', async () => {
    page = await e2e.newPage();
    // The page's requests go out with the sign-in check: all are refused, none shows data.
    await page.goto('/?range=all&status=%5B%22failure%22%5D');
    await page.waitForURL((url) => url.pathname === '/login');
    const redirect = new URL(page.url()).searchParams.get('redirect');
    expect(redirect).toBe('/?range=all&status=%5B%22failure%22%5D');
    expect(await eventRows(page).count()).toBe(0);

    await submitSignIn(page, e2e.admin.username, e2e.admin.password);
    await page.waitForURL((url) => url.pathname === '/' && url.searchParams.get('range') === 'all');
    await eventRows(page).first().waitFor();
    const statuses = await page
      .locator('[data-testid="event-row"] [data-col="status"]')
      .allInnerTexts();
    expect(statuses.length).toBeGreaterThan(0);
    for (const status of statuses) expect(status.toLowerCase()).toContain('failure');
  });

  it('shows an auditor no Purge, and on Settings only the legal holds, read-only', async () => {
    page = await e2e.newPage();
    await signIn(page, e2e.auditor);
    expect(await page.getByTestId('signed-in-as').innerText()).toMatch(
      /^e2e\.auditor\s*\(auditor\)$/,
    );

    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Jobs', exact: true }).waitFor();
    expect(await nav.getByRole('link', { name: 'Archives', exact: true }).count()).toBe(1);
    // Settings is there: it lists the legal holds (read-only); the rest of it is for admins.
    expect(await nav.getByRole('link', { name: 'Settings', exact: true }).count()).toBe(1);

    // The Audit Logs page has loaded (rows and Export shown) before we look for Purge.
    await eventRows(page).first().waitFor();
    await page.getByRole('button', { name: 'Export', exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Purge', exact: true }).count()).toBe(0);

    await page.goto('/settings');
    await page
      .getByText(/admin role/i)
      .first()
      .waitFor();
    // Nothing of the settings forms is shown.
    expect(await page.getByTestId('token-secret').count()).toBe(0);
    expect(await page.getByRole('button', { name: /create token/i }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /new (token|user)/i }).count()).toBe(0);
    expect(await page.getByTestId('retention-settings').count()).toBe(0);
    // The legal holds are listed, with nothing to change them with.
    await page.getByTestId('holds-settings').waitFor();
    expect(await page.getByRole('button', { name: 'New hold' }).count()).toBe(0);
  });
});
