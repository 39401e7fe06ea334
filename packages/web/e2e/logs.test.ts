// @vitest-environment node
import { readFileSync } from 'node:fs';

import { unzipText } from '@audit/api/testing';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { DEFAULT_PAGE_SIZE } from '../src/lib/logs-search';
import type { RouterInputs } from '../src/trpc';
import {
  closeE2E,
  columnHeader,
  columnTexts,
  control,
  eventRows,
  fillDate,
  lastInput,
  lastNumber,
  offsetMinutes,
  poll,
  recordTrpc,
  rowTexts,
  screenshot,
  screenshotOnFailure,
  selectOption,
  searchParam,
  signIn,
  sortButton,
  startE2E,
  totalShown,
  VIEWER_TIME_ZONE,
  wallClock,
  type E2E,
  type TrpcRequest,
} from './support';

const JOB_TIMEOUT = 45_000;
const DAY = 86_400_000;
type ListInput = RouterInputs['auditLogs']['list'];

/** Types a query into the search box and applies it with Enter. */
async function search(page: Page, query: string) {
  const box = page.getByRole('textbox', { name: 'Search', exact: true });
  await box.fill(query);
  await box.press('Enter');
}

/** Opens the Audit Logs page afresh (by default its default view) and waits for its first rows. */
async function openLogs(page: Page, path = '/') {
  await page.goto(path);
  await eventRows(page).first().waitFor();
}

describe('Audit Logs (browser)', () => {
  let e2e: E2E;
  let page: Page;
  /** The page's tRPC requests, as it sent them. */
  let calls: TrpcRequest[];
  const listInput = () => lastInput(calls, 'auditLogs.list') as ListInput;

  beforeAll(async () => {
    e2e = await startE2E();
    page = await e2e.newPage();
    calls = recordTrpc(page);
    await signIn(page, e2e.admin);
  });

  afterEach(screenshotOnFailure(() => page));

  afterAll(() => closeE2E(e2e));

  it('opens on the last 7 days, lists their events with the total, and a search narrows them', async () => {
    await openLogs(page);
    await page.getByTestId('total').waitFor();
    // A link without a range: the last 7 days, and the URL stays without one.
    expect(searchParam(page, 'range')).toBeNull();
    expect(await control(page, 'Time range').inputValue()).toBe('Last 7 days');
    const { filter } = listInput();
    const from = new Date(filter?.from ?? Number.NaN).getTime();
    expect(Date.now() - from).toBeGreaterThanOrEqual(7 * DAY);
    expect(Date.now() - from).toBeLessThan(7 * DAY + 5 * 60_000);
    expect(filter?.to).toBeUndefined();
    const week = await e2e.app.admin.auditLogs.list({ filter, limit: 1 });
    const everything = await e2e.app.admin.auditLogs.list({ limit: 1 });
    // Generated events span 40 days (and e2e.old's are 60 days old): a week is less.
    expect(week.total).toBeGreaterThan(DEFAULT_PAGE_SIZE);
    expect(week.total).toBeLessThan(everything.total ?? 0);
    await poll(() => totalShown(page)).toBe(week.total);
    expect(await eventRows(page).count()).toBe(DEFAULT_PAGE_SIZE);
    await screenshot(page, 'logs');

    const { alice } = e2e.known;
    await search(page, `user:${alice.user} status:failure`);
    await poll(() => columnTexts(page, 'userName')).toEqual(Array(alice.failures).fill(alice.user));
    const statuses = await columnTexts(page, 'status');
    expect(statuses).toHaveLength(alice.failures);
    for (const status of statuses) expect(status.toLowerCase()).toContain('failure');
    await poll(() => totalShown(page)).toBe(alice.failures);
    expect(searchParam(page, 'q')).toBe(`user:${alice.user} status:failure`);
  });

  it('keeps All time as a choice with its own link (range=all)', async () => {
    await openLogs(page);
    await selectOption(page, page, 'Time range', 'All time');
    await poll(() => searchParam(page, 'range')).toBe('all');
    const everything = await e2e.app.admin.auditLogs.list({ limit: 1 });
    await poll(() => totalShown(page)).toBe(everything.total);
    expect(listInput().filter).toEqual({});

    // A bookmark or a reload of it opens on every event again.
    await page.reload();
    await eventRows(page).first().waitFor();
    expect(new URL(page.url()).search).toBe('?range=all');
    expect(await control(page, 'Time range').inputValue()).toBe('All time');
    await poll(() => totalShown(page)).toBe(everything.total);

    // Back to the default: the param goes, the range comes back.
    await selectOption(page, page, 'Time range', 'Last 7 days');
    await poll(() => searchParam(page, 'range')).toBeNull();
    await poll(() => listInput().filter?.from !== undefined).toBe(true);
    await poll(() => totalShown(page)).toBeLessThan(everything.total ?? 0);
  });

  it('sends its requests with the sign-in check, and shows rows before that answers', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let authAnswered = false;
    // The sign-in check answers only when the test says so.
    await page.route('**/trpc/auth.me*', async (route) => {
      const response = await route.fetch();
      await held;
      await route.fulfill({ response });
      authAnswered = true;
    });
    try {
      const before = calls.length;
      await openLogs(page);
      expect(authAnswered).toBe(false);
      const sent = calls.slice(before);
      const auth = sent.find((r) => r.procedures.includes('auth.me'));
      const list = sent.find((r) => r.procedures.includes('auditLogs.list'));
      expect(auth?.answered).toBeUndefined();
      expect(list?.answered).toBeDefined();
      // What depends on who is signed in waits for the answer: the header, admin's Purge.
      expect(await page.getByTestId('signed-in-as').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Purge', exact: true }).count()).toBe(0);

      release();
      await page.getByTestId('signed-in-as').waitFor();
      await page.getByRole('button', { name: 'Purge', exact: true }).waitFor();
      expect(authAnswered).toBe(true);
    } finally {
      release();
      await page.unroute('**/trpc/auth.me*');
    }
  });

  it('narrows by action from its facet: the action is derived from the task name, shown as a column', async () => {
    const { alice } = e2e.known;
    await openLogs(page, `/?q=${encodeURIComponent(`user:${alice.user}`)}`);
    // Alice's failures are all "Login" tasks; her successes are not.
    await page.getByTestId('facet-action').filter({ hasText: 'Login' }).click();
    await poll(() => columnTexts(page, 'action')).toEqual(Array(alice.failures).fill('Login'));
    expect(await columnTexts(page, 'taskName')).toEqual(Array(alice.failures).fill('Login'));
    expect(new URL(page.url()).searchParams.get('action')).toBe('["login"]');
    expect(listInput().filter?.action).toEqual(['login']);
  });

  it('shows a syntax error at its position', async () => {
    await openLogs(page);
    // `bogus` starts at the 23rd character.
    await search(page, 'user:e2e.alice status:bogus');
    const error = page.getByTestId('search-error');
    await error.waitFor();
    const text = await error.innerText();
    expect(text).toMatch(/\b23\b/);
    expect(text).toMatch(/status|success|failure/i);
  });

  it('sorts by a column header, descending then ascending', async () => {
    await openLogs(page);
    const user = columnHeader(page, 'User');
    await sortButton(user, 'User').click();
    await poll(() => user.getAttribute('aria-sort')).toBe('descending');
    // What the page asked for: its range (the last 7 days, from its own now) and the sort.
    await poll(() => listInput().sort?.direction).toBe('desc');
    expect(listInput().sort?.field).toBe('userName');
    expect(listInput().limit).toBe(DEFAULT_PAGE_SIZE);
    const descending = await e2e.app.admin.auditLogs.list({ ...listInput(), withTotal: false });
    const wantDesc = descending.items.map((event) => event.userName);
    await poll(() => columnTexts(page, 'userName')).toEqual(wantDesc);
    expect(searchParam(page, 'sort')).toBe('userName');

    await sortButton(user, 'User').click();
    await poll(() => user.getAttribute('aria-sort')).toBe('ascending');
    await poll(() => listInput().sort?.direction).toBe('asc');
    const ascending = await e2e.app.admin.auditLogs.list({ ...listInput(), withTotal: false });
    const wantAsc = ascending.items.map((event) => event.userName);
    await poll(() => columnTexts(page, 'userName')).toEqual(wantAsc);
    expect(wantAsc[0]).not.toBe(wantDesc[0]);
    // Byte order, as the database sorts ("C" collation).
    const shown = await columnTexts(page, 'userName');
    expect(shown).toEqual([...shown].sort());
    // Only the sorted column says so.
    expect(await columnHeader(page, 'Time').getAttribute('aria-sort')).not.toMatch(
      /ascending|descending/,
    );
  });

  it('goes to the next page and back', async () => {
    await openLogs(page);
    await poll(() => eventRows(page).count()).toBe(DEFAULT_PAGE_SIZE);
    const first = await rowTexts(page);
    const firstTimes = await columnTexts(page, 'occurredAt');

    await page.getByRole('button', { name: 'Next page' }).click();
    await poll(async () => (await rowTexts(page))[0] !== first[0]).toBe(true);
    const second = await rowTexts(page);
    expect(second.length).toBeGreaterThan(0);
    expect(second.filter((row) => first.includes(row))).toEqual([]);
    // Newest first: the second page starts no later than the first ended.
    const secondTimes = await columnTexts(page, 'occurredAt');
    expect(secondTimes[0]! <= firstTimes.at(-1)!).toBe(true);
    expect(searchParam(page, 'cursor')).toBeTruthy();

    await page.getByRole('button', { name: 'Previous page' }).click();
    await poll(() => rowTexts(page)).toEqual(first);
  });

  it('keeps the view across a reload', async () => {
    await openLogs(page);
    await search(page, `user:${e2e.known.alice.user}`);
    const total = e2e.known.alice.failures + e2e.known.alice.successes;
    await poll(() => eventRows(page).count()).toBe(total);
    await sortButton(columnHeader(page, 'Task'), 'Task').click();
    await poll(() => columnHeader(page, 'Task').getAttribute('aria-sort')).toBe('descending');
    const tasks = await columnTexts(page, 'taskName');
    await poll(() => columnTexts(page, 'taskName')).toEqual([...tasks].sort().reverse());
    const url = page.url();
    const rows = await rowTexts(page);

    await page.reload();
    await eventRows(page).first().waitFor();
    await poll(() => rowTexts(page)).toEqual(rows);
    expect(page.url()).toBe(url);
    expect(await page.getByRole('textbox', { name: 'Search', exact: true }).inputValue()).toBe(
      `user:${e2e.known.alice.user}`,
    );
    expect(await columnHeader(page, 'Task').getAttribute('aria-sort')).toBe('descending');
  });

  it('opens the detail drawer with affected objects, the diff and the job link', async () => {
    const { detailed, alice } = e2e.known;
    await openLogs(page);
    await search(page, `user:${alice.user}`);
    await poll(async () => (await columnTexts(page, 'objectName'))[0]).toBe(detailed.objectName);

    await eventRows(page).first().locator('[data-col="description"]').click();
    // The Drawer's root is a zero-size portal host: wait for its content.
    const drawer = page.getByTestId('event-drawer');
    await drawer.getByTestId('affected-objects').waitFor();
    await poll(() => searchParam(page, 'event')).toBe(detailed.id);

    const affected = drawer.getByTestId('affected-objects');
    const affectedText = await affected.innerText();
    expect(affectedText).toContain(detailed.objectName);
    expect(affectedText).toContain(detailed.objectDetail);
    expect(affectedText).toContain('ge-0/0/1');

    const diff = drawer.getByTestId('config-diff');
    const diffText = await diff.innerText();
    for (const value of [
      detailed.before.ntpServer,
      detailed.after.ntpServer,
      String(detailed.before.mtu),
      String(detailed.after.mtu),
    ]) {
      expect(diffText).toContain(value);
    }
    // Side by side: the old value and the new one face each other on one changed line.
    // (Compared by structure, not by pixel position: the drawer may still be sliding in.)
    const changedLine = diff.locator('tr[data-kind="changed"]', {
      hasText: detailed.before.ntpServer,
    });
    expect(await changedLine.locator('[data-side="before"]').innerText()).toContain(
      detailed.before.ntpServer,
    );
    expect(await changedLine.locator('[data-side="after"]').innerText()).toContain(
      detailed.after.ntpServer,
    );

    expect(await drawer.textContent()).toContain(detailed.ticket);
    const jobLink = drawer.locator(`a[href="/jobs/${detailed.jobId}"]`);
    expect(await jobLink.count()).toBe(1);
    await diff.scrollIntoViewIfNeeded();
    await screenshot(page, 'drawer');

    // The drawer has its own URL: a reload opens it again.
    await page.reload();
    await page.getByTestId('event-drawer').getByTestId('affected-objects').waitFor();
    expect(await page.getByTestId('affected-objects').innerText()).toContain(detailed.objectDetail);

    await page.getByTestId('event-drawer').locator(`a[href="/jobs/${detailed.jobId}"]`).click();
    await page.waitForURL((u) => u.pathname === `/jobs/${detailed.jobId}`);
  });

  it('shows times in the viewer zone, and in UTC after switching', async () => {
    const { detailed, alice } = e2e.known;
    await openLogs(page);
    await search(page, `user:${alice.user}`);
    await poll(async () => (await columnTexts(page, 'objectName'))[0]).toBe(detailed.objectName);

    const local = wallClock(detailed.occurredAt, VIEWER_TIME_ZONE);
    const utc = wallClock(detailed.occurredAt, 'UTC');
    expect(local).not.toBe(utc);
    expect(await page.getByTestId('time-zone').innerText()).toContain(VIEWER_TIME_ZONE);
    expect((await columnTexts(page, 'occurredAt'))[0]).toContain(local);

    await selectOption(page, page, 'Time zone', 'UTC');
    await poll(async () => (await columnTexts(page, 'occurredAt'))[0]).toContain(utc);
    expect(await page.getByTestId('time-zone').innerText()).toMatch(/\bUTC\b/);
    expect(searchParam(page, 'tz')).toBe('UTC');
    // The shift is New York's offset at that instant (4 or 5 hours).
    const shown = (await columnTexts(page, 'occurredAt'))[0]!;
    const shiftMinutes =
      (Date.parse(`${utc.replace(' ', 'T')}Z`) - Date.parse(`${local.replace(' ', 'T')}Z`)) /
      60_000;
    expect(shiftMinutes).toBe(-offsetMinutes(detailed.occurredAt, VIEWER_TIME_ZONE));
    expect([240, 300]).toContain(shiftMinutes);
    expect(shown).not.toContain(local);
  });

  it('exports the filtered events as CSV, follows the job to 100 % and downloads the zip', async () => {
    const { alice } = e2e.known;
    await openLogs(page);
    await search(page, `user:${alice.user} status:failure`);
    await poll(() => eventRows(page).count()).toBe(alice.failures);

    await page.getByRole('button', { name: 'Export', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await selectOption(page, dialog, 'Format', 'CSV');
    await screenshot(page, 'export-dialog');
    await dialog.getByRole('button', { name: 'Start export' }).click();

    const progress = page.getByTestId('job-progress');
    await progress.waitFor();
    await poll(() => progress.getAttribute('data-state'), JOB_TIMEOUT).toBe('success');
    expect(await progress.getByTestId('job-percent').innerText()).toContain('100 %');

    const link = progress.getByText(/^Download .+\.zip$/);
    const fileName = (await link.innerText()).replace(/^Download /, '');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(fileName);
    const bytes = readFileSync(await download.path());
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    const files = await unzipText(bytes);
    const csvName = Object.keys(files).find((name) => name.endsWith('.csv'));
    expect(csvName).toBeDefined();
    const lines = files[csvName!]!.trim().split(/\r?\n/);
    // A header, then alice's failures and nothing else.
    expect(lines).toHaveLength(alice.failures + 1);
    for (const line of lines.slice(1)) {
      expect(line).toContain(alice.user);
      expect(line).toContain('failure');
    }
  });

  it('purges old events with an archive, as admin: the rows go and the archive is listed', async () => {
    const { old } = e2e.known;
    // Sixty days old: outside the default week, so the view is every event.
    await openLogs(page, '/?range=all');
    await search(page, `user:${old.user}`);
    await poll(() => columnTexts(page, 'userName')).toEqual(Array(old.count).fill(old.user));

    await page.getByRole('button', { name: 'Purge', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    // Before the generated data begins (40 days ago), after the old events (60 days ago).
    const cutoff = new Date(Date.now() - 50 * 86_400_000);
    await fillDate(dialog, 'Delete events before', cutoff);
    const archive = dialog.getByRole('switch', { name: 'Archive before deleting' });
    if (!(await archive.isChecked())) await archive.check({ force: true });
    expect(await archive.isChecked()).toBe(true);
    await poll(async () => lastNumber(await dialog.getByTestId('purge-preview').innerText())).toBe(
      old.count,
    );

    const confirm = dialog.getByRole('button', { name: 'Purge events' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByRole('textbox', { name: 'Type PURGE to confirm' }).fill('PURGE');
    await poll(() => confirm.isEnabled()).toBe(true);
    await screenshot(page, 'purge-dialog');
    await confirm.click();

    const progress = page.getByTestId('job-progress');
    await progress.waitFor();
    await poll(() => progress.getAttribute('data-state'), JOB_TIMEOUT).toBe('success');
    expect(await progress.getByTestId('job-percent').innerText()).toContain('100 %');

    // Gone from the database, and from the table.
    const left = await e2e.app.admin.auditLogs.list({ filter: { userName: [old.user] } });
    expect(left.total).toBe(0);
    const archives = await e2e.app.admin.exports.list({ kind: 'purge' });
    expect(archives.items).toHaveLength(1);
    const purged = archives.items[0]!;
    expect(purged.rowCount).toBe(old.count);

    await page.keyboard.press('Escape');
    await page.reload();
    await page.getByTestId('total').waitFor();
    await poll(() => eventRows(page).count()).toBe(0);
    await poll(() => totalShown(page)).toBe(0);

    // Through the menu (client-side): the purge's archive is listed with its kind and rows.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Archives' })
      .click();
    const row = page.getByTestId('archive-row').filter({ hasText: purged.fileName });
    await row.waitFor();
    const rowText = await row.innerText();
    expect(rowText).toMatch(/purge/i);
    expect(rowText).toMatch(new RegExp(`\\b${old.count}\\b`));
  });
});
