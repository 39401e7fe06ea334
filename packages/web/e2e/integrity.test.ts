// @vitest-environment node
import type { Database } from '@audit/db';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  closeE2E,
  lastNumber,
  poll,
  screenshot,
  screenshotOnFailure,
  searchParam,
  signIn,
  startE2E,
  type E2E,
} from './support';

/** Rows of a raw query (postgres.js answers with an array, PGlite with `{ rows }`). */
async function rows<T>(db: Database, text: string): Promise<T[]> {
  const result: unknown = await db.execute(text);
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}

/** The chain as stored: its length, how far it seals, and how many events that covers. */
async function chainHead(db: Database) {
  const [head] = await rows<{ entries: number; through: string | null; sealed: number }>(
    db,
    `SELECT (SELECT count(*)::int FROM seal_entries) AS entries,
            (SELECT max(through_id)::text FROM seal_entries WHERE kind = 'checkpoint') AS through,
            (SELECT count(*)::int FROM events WHERE id <= (
               SELECT coalesce(max(through_id), 0) FROM seal_entries WHERE kind = 'checkpoint'
             )) AS sealed`,
  );
  if (!head) throw new Error('no chain head');
  return head;
}

/** The id of the job a link points to, or null. */
function jobIdOf(href: string | null): string | null {
  return /\/jobs\/(\d+)$/.exec(href ?? '')?.[1] ?? null;
}

/** The job the last verification shown is, or null while there is none. */
async function lastVerificationJob(page: Page): Promise<string | null> {
  const link = page.getByTestId('last-verification').getByTestId('job-link');
  return (await link.count()) > 0 ? jobIdOf(await link.first().getAttribute('href')) : null;
}

/** Presses Verify now and waits for the job it started to end and the panel to show it; its id. */
async function verifyNow(page: Page, previousJob: string | null): Promise<string> {
  await page.getByTestId('verify-now').click();
  const progress = page.getByTestId('verify-now-job').getByTestId('job-progress');
  const jobLink = progress.getByRole('link').first();
  await poll(async () =>
    (await jobLink.count()) > 0 ? jobIdOf(await jobLink.getAttribute('href')) : null,
  ).not.toBe(previousJob);
  const jobId = jobIdOf(await jobLink.getAttribute('href'));
  expect(jobId).toMatch(/^\d+$/);
  await poll(() => progress.getAttribute('data-state'), 45_000).toBe('success');
  // The panel is refreshed when it ends: the last verification is this job.
  await poll(() => lastVerificationJob(page)).toBe(jobId);
  return jobId ?? '';
}

describe('Integrity panel (browser)', () => {
  let e2e: E2E;
  let page: Page | undefined;

  beforeAll(async () => {
    e2e = await startE2E({ seedEvents: 400 });
  });

  afterEach(screenshotOnFailure(() => page));

  afterAll(() => closeE2E(e2e));

  it('shows sealing, verifies intact, then names an altered event and links to it', async () => {
    const { db } = e2e.app.store;
    const { detailed } = e2e.known;
    page = await e2e.newPage();
    await signIn(page, e2e.admin);
    // No sealer runs beside this server: seal what is recorded so far (the sign-in included).
    await e2e.app.seal();
    const head = await chainHead(db);
    expect(head.entries).toBeGreaterThan(0);
    expect(head.through).not.toBeNull();

    await page.getByRole('navigation', { name: 'Main' }).getByText('Integrity').click();
    await page.waitForURL('**/integrity');
    const status = page.getByTestId('seal-status');
    await status.waitFor();
    expect(lastNumber(await page.getByTestId('seal-entries').innerText())).toBe(head.entries);
    expect((await page.getByTestId('sealed-through').innerText()).trim()).toBe(head.through);
    expect((await page.getByTestId('unsealed-events').innerText()).trim()).toBe('0');
    expect(await page.getByTestId('last-verification-none').isVisible()).toBe(true);
    // The key the chain is signed with, as a verifier needs it.
    const key = e2e.app.deps.signingKey;
    expect(await page.getByTestId('public-key-id').innerText()).toBe(key.keyId);
    expect((await page.getByTestId('public-key-pem').innerText()).trim()).toBe(
      key.publicKeyPem.trim(),
    );
    expect(await page.getByTestId('public-key').innerText()).toContain(
      'audit-verify archive.zip --key key.pem',
    );

    // Verify now: the job runs, and the panel shows its report.
    expect(await lastVerificationJob(page)).toBeNull();
    const first = await verifyNow(page, null);
    const last = page.getByTestId('last-verification');
    const report = last.getByTestId('verification-report');
    expect(await report.getAttribute('data-ok')).toBe('true');
    expect(await last.getByTestId('verification-outcome').innerText()).toMatch(/intact/i);
    const checked = await last.getByTestId('verification-checked').innerText();
    expect(checked).toMatch(/intact$/);
    expect(lastNumber(checked.replace(/chain entr(y|ies).*$/, ''))).toBe(head.entries);
    expect(lastNumber(checked.replace(/ events? in.*$/, ''))).toBe(head.sealed);
    expect(await last.getByTestId('last-verification-by').innerText()).toBe('started by admin');
    expect(await last.getByTestId('problem-row').count()).toBe(0);
    await screenshot(page, 'integrity-intact');

    // Someone with database access edits one event behind the application's back.
    await db.transaction(async (tx) => {
      await tx.execute('SET LOCAL session_replication_role = replica');
      await tx.execute(
        `UPDATE events SET description = 'tampered by e2e' WHERE id = ${BigInt(detailed.id)}`,
      );
    });
    await e2e.app.seal();

    await verifyNow(page, first);
    expect(await report.getAttribute('data-ok')).toBe('false');
    expect(await last.getByTestId('verification-outcome').innerText()).toMatch(/problems/i);
    const kinds = last.getByTestId('problem-counts').locator('[data-kind]');
    expect(await kinds.count()).toBe(1);
    expect(await kinds.first().getAttribute('data-kind')).toBe('altered');
    expect(await kinds.first().innerText()).toMatch(/^1 altered$/i);
    const problem = last.getByTestId('problem-row');
    expect(await problem.count()).toBe(1);
    expect(await problem.getAttribute('data-kind')).toBe('altered');
    const eventLink = problem.getByTestId('problem-event-link');
    expect((await eventLink.innerText()).trim()).toBe(detailed.id);
    await screenshot(page, 'integrity-altered');

    // The link opens the event in the Audit Logs page's drawer, edited value and all.
    await eventLink.click();
    await poll(() => searchParam(page as Page, 'event')).toBe(detailed.id);
    expect(new URL(page.url()).pathname).toBe('/');
    const drawer = page.getByRole('dialog');
    await drawer.getByText(`Event ${detailed.id}`).waitFor();
    await drawer.getByText('tampered by e2e').waitFor();

    // Settings shows the same key.
    await page.goto('/settings');
    expect(await page.getByTestId('public-key-id').innerText()).toBe(key.keyId);
  });

  it('shows an auditor everything but the Verify now button', async () => {
    page = await e2e.newPage();
    await signIn(page, e2e.auditor);
    await page.getByRole('navigation', { name: 'Main' }).getByText('Integrity').click();
    await page.getByTestId('seal-status').waitFor();
    const head = await chainHead(e2e.app.store.db);
    expect(lastNumber(await page.getByTestId('seal-entries').innerText())).toBe(head.entries);
    // The admin's last verification, its problem included, and the key.
    const last = page.getByTestId('last-verification');
    await last.getByTestId('verification-report').waitFor();
    expect(await last.getByTestId('problem-row').count()).toBe(1);
    expect(await page.getByTestId('public-key-id').innerText()).toBe(e2e.app.deps.signingKey.keyId);
    expect(await page.getByTestId('verify-now').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Verify now' }).count()).toBe(0);
  });
});
