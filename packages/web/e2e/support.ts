/**
 * Browser tests' setup: a fresh database with generated data and a few known events, the real
 * API server serving the built SPA (packages/web/dist), a job runner, and Debian's Chromium
 * driven by playwright-core. One of each per test file; `startE2E()` in beforeAll,
 * `close()` in afterAll.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';

import { buildServer } from '@audit/api';
import { createTestApp, ADMIN_PASSWORD, type TestApp } from '@audit/api/testing';
import { insertEvents, jobs, type EventInput } from '@audit/db';
import { loadSeed } from '@audit/db/seed/load';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';

const webRoot = resolve(import.meta.dirname, '..');
const repoRoot = resolve(webRoot, '../..');
export const WEB_DIR = join(webRoot, 'dist');
export const SCREENSHOT_DIR = join(repoRoot, 'test-results', 'screenshots');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The browser's zone: "the viewer's zone" in the tests. */
export const VIEWER_TIME_ZONE = 'America/New_York';
/** How long a step may take before the test fails (the page is local; data is small). */
export const STEP_TIMEOUT = 15_000;

const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface Account {
  username: string;
  password: string;
}

/** Events the tests know exactly; everything else is the demo generator's. */
export interface KnownData {
  /** e2e.alice: `failures` failure events and `successes` success events, all in the last day. */
  alice: { user: string; failures: number; successes: number };
  /**
   * Alice's newest event: affected objects with detail, a JSON before/after, metadata and a
   * real job. Stored id, time, and the values to look for.
   */
  detailed: {
    id: string;
    occurredAt: Date;
    jobId: string;
    jobName: string;
    objectName: string;
    objectDetail: string;
    before: { ntpServer: string; mtu: number };
    after: { ntpServer: string; mtu: number };
    ticket: string;
  };
  /** e2e.old: `count` events 60 days ago, older than anything generated (purge fodder). */
  old: { user: string; count: number; occurredAt: Date };
  /** Generated events (all within the last `seedDays` days). */
  seedEvents: number;
  seedDays: number;
}

export interface E2E {
  baseUrl: string;
  app: TestApp;
  server: Awaited<ReturnType<typeof buildServer>>;
  browser: Browser;
  admin: Account;
  auditor: Account;
  known: KnownData;
  /** A page in a fresh browser context (no cookies), 1280×800, in VIEWER_TIME_ZONE. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export interface E2EOptions {
  /** Generated events; default 3 000 over 40 days. */
  seedEvents?: number;
}

export async function startE2E(options: E2EOptions = {}): Promise<E2E> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  }

  const webDir = await snapshotWebDir();
  const cleanups: (() => Promise<unknown>)[] = [() => rm(webDir, { recursive: true, force: true })];
  const close = async () => {
    // Last started, first stopped; keep going past a failure so nothing is left running.
    const errors: unknown[] = [];
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => errors.push(error));
    }
    cleanups.length = 0;
    if (errors.length > 0) throw errors[0];
  };

  try {
    const app = await createTestApp();
    cleanups.push(() => app.close());

    const seedEvents = options.seedEvents ?? 3000;
    const seedDays = 40;
    const now = Date.now();
    await loadSeed(app.store, {
      events: seedEvents,
      days: seedDays,
      tenants: 1,
      end: new Date(now - 5 * 60_000),
      seed: 20_260_601,
    });
    const known = await insertKnownEvents(app, now);
    known.seedEvents = seedEvents;
    known.seedDays = seedDays;

    const admin: Account = { username: 'admin', password: ADMIN_PASSWORD };
    const auditorUser = await app.userWithRole('auditor', 'e2e.auditor');
    const auditor: Account = { username: auditorUser.username, password: auditorUser.password };

    const server = await buildServer({
      config: { LOG_LEVEL: 'silent' },
      store: app.store,
      archiveDir: app.archiveDir,
      webDir,
      clock: app.deps.clock,
      // Sign-in slow-downs are recorded, not waited for.
      sleep: app.deps.sleep,
      // The key the runner's verify jobs and app.seal() use, so the server shows that one.
      signingKey: app.deps.signingKey,
    });
    await server.listen({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => server.close());
    const { port } = server.server.address() as AddressInfo;
    const baseUrl = `http://127.0.0.1:${port}`;

    const runner = app.runner({ pollMs: 200 });
    runner.start();
    cleanups.push(() => runner.stop());

    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
    cleanups.push(() => browser.close());

    const newPage = async () => {
      const context = await browser.newContext({
        baseURL: baseUrl,
        viewport: { width: 1280, height: 800 },
        acceptDownloads: true,
        timezoneId: VIEWER_TIME_ZONE,
        locale: 'en-US',
      });
      context.setDefaultTimeout(STEP_TIMEOUT);
      const page = await context.newPage();
      page.on('pageerror', (error) => {
        console.error(`[browser] uncaught: ${error.message}`);
      });
      return page;
    };

    return { baseUrl, app, server, browser, admin, auditor, known, newPage, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/**
 * A private copy of the built SPA, so a `vite build` started elsewhere during the run (which
 * empties dist/) cannot pull the files from under the browser.
 */
async function snapshotWebDir(): Promise<string> {
  const index = join(WEB_DIR, 'index.html');
  if (!existsSync(index)) {
    // Perhaps a build is running right now: give it a moment before giving up.
    await waitUntil(
      () => existsSync(index),
      `${index}: build the SPA first (pnpm --filter @audit/web build)`,
      30_000,
    );
  }
  for (let attempt = 1; ; attempt++) {
    const copy = await mkdtemp(join(tmpdir(), 'audit-web-'));
    await cp(WEB_DIR, copy, { recursive: true }).catch(() => undefined);
    const html = await readFile(join(copy, 'index.html'), 'utf8').catch(() => '');
    const assets = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1] ?? '');
    if (html && assets.length > 0 && assets.every((asset) => existsSync(join(copy, asset)))) {
      return copy;
    }
    await rm(copy, { recursive: true, force: true });
    if (attempt === 10) throw new Error(`${WEB_DIR} stays incomplete; is a build failing?`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** Stops what startE2E started; nothing to do if it never got that far. */
export async function closeE2E(e2e: E2E | undefined): Promise<void> {
  await e2e?.close();
}

async function insertKnownEvents(app: TestApp, now: number): Promise<KnownData> {
  const [job] = await app.store.db
    .insert(jobs)
    .values({
      name: 'E2E deploy NTP settings',
      type: 'Deploy Device Configuration',
      state: 'success',
      percent: 100,
      summary: 'Deployed to 1 device',
      scheduledAt: new Date(now - 3 * HOUR),
      startedAt: new Date(now - 3 * HOUR + 1000),
      endedAt: new Date(now - 3 * HOUR + 65_000),
      createdBy: 'e2e.alice',
    })
    .returning();
  if (!job) throw new Error('the known job was not stored');

  const alice = 'e2e.alice';
  const base = {
    userName: alice,
    userIp: '198.51.100.7',
    application: 'Network Management Platform',
    domain: 'Global',
    objectType: 'Device',
  } satisfies Partial<EventInput>;
  const events: EventInput[] = [];
  // Five failures and three plain successes, spread over the last 20 hours.
  for (let i = 0; i < 5; i++) {
    events.push({
      ...base,
      occurredAt: new Date(now - (2 + i * 3) * HOUR - 123),
      taskName: 'Login',
      objectName: `e2e-fail-${i}`,
      status: 'failure',
      description: `E2E failed login ${i}`,
    });
  }
  for (let i = 0; i < 3; i++) {
    events.push({
      ...base,
      occurredAt: new Date(now - (3 + i * 3) * HOUR - 456),
      taskName: 'Resynchronize Network Elements',
      objectName: `e2e-ok-${i}`,
      status: 'success',
      description: `E2E resync ${i}`,
    });
  }
  // The newest: one with everything the drawer shows. An odd millisecond, so the time is exact.
  const detailedAt = new Date(now - 20 * 60_000);
  detailedAt.setUTCMilliseconds(789);
  const detailed = {
    occurredAt: detailedAt,
    jobId: job.id,
    jobName: job.name,
    objectName: 'e2e-router-1',
    objectDetail: 'NTP server changed on ge-0/0/1 (e2e)',
    before: { ntpServer: '10.0.0.1', mtu: 1500 },
    after: { ntpServer: '10.0.0.2', mtu: 9000 },
    ticket: 'CHG-4242',
  };
  events.push({
    ...base,
    occurredAt: detailed.occurredAt,
    taskName: 'Deploy Device Configuration',
    objectName: detailed.objectName,
    status: 'success',
    description: 'E2E NTP change deployed',
    jobId: detailed.jobId,
    affectedObjects: [
      { type: 'Device', name: detailed.objectName, id: 'dev-e2e-1', detail: detailed.objectDetail },
      { type: 'Interface', name: 'ge-0/0/1' },
    ],
    changes: { format: 'json', before: detailed.before, after: detailed.after },
    metadata: { ticket: detailed.ticket, approvedBy: 'e2e.bob' },
  });

  const old = { user: 'e2e.old', count: 3, occurredAt: new Date(now - 60 * DAY) };
  for (let i = 0; i < old.count; i++) {
    events.push({
      userName: old.user,
      occurredAt: new Date(old.occurredAt.getTime() + i * 60_000),
      taskName: 'Logout',
      status: 'success',
      description: `E2E old event ${i}`,
    });
  }

  const stored = await insertEvents(app.store.db, events);
  const detailedRow = stored.find((row) => row.occurredAt.getTime() === detailedAt.getTime());
  if (!detailedRow) throw new Error('the detailed event was not stored');
  return {
    alice: { user: alice, failures: 5, successes: 4 },
    detailed: { ...detailed, id: detailedRow.id },
    old,
    seedEvents: 0,
    seedDays: 0,
  };
}

// ---------------------------------------------------------------------------------------
// Page helpers

/** The control with this label; a required field's label ends in " *". */
export function byLabel(scope: Page | Locator, label: string): Locator {
  return scope.getByLabel(new RegExp(`^${escapeRegExp(label)}(\\s*\\*)?$`));
}

/** Fills the sign-in form on the page it is on (wherever /login sent us). */
export async function submitSignIn(page: Page, username: string, password: string) {
  await byLabel(page, 'Username').fill(username);
  await byLabel(page, 'Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Signs in through the UI and waits for the app's header. */
export async function signIn(page: Page, account: Account): Promise<void> {
  await page.goto('/login');
  await submitSignIn(page, account.username, account.password);
  await page.getByTestId('signed-in-as').waitFor();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  // Let fonts and transitions (drawer, modal) settle.
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(400);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/**
 * An afterEach hook that saves a screenshot of a failed test's page as
 * test-results/screenshots/failed-<test name>.png, for the CI artifact.
 */
export function screenshotOnFailure(getPage: () => Page | undefined) {
  return async (context: { task: { name: string; result?: { state?: string } } }) => {
    const page = getPage();
    if (context.task.result?.state !== 'fail' || !page || page.isClosed()) return;
    const name = context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 80);
    await screenshot(page, `failed-${name}`).catch(() => undefined);
  };
}

/** Waits until `fn` returns a value satisfying `check` (vitest's expect.poll, with our timeout). */
export function poll<T>(fn: () => Promise<T> | T, timeout = STEP_TIMEOUT) {
  return expect.poll(fn, { timeout, interval: 100 });
}

/** The last number in a text ("about 3,012 events" → 3012). */
export function lastNumber(text: string): number {
  const matches = text.replace(/(\d)[,\u00a0\u202f ](?=\d{3}\b)/g, '$1').match(/\d+/g);
  const last = matches?.at(-1);
  if (last === undefined) throw new Error(`no number in "${text}"`);
  return Number(last);
}

/**
 * A column header's sort button: its label, perhaps a note in brackets and a sort arrow
 * ("User ▼", "Time (UTC) ▲"); "User" does not match "User IP".
 */
export function sortButton(scope: Page | Locator, label: string): Locator {
  return scope.getByRole('button', {
    name: new RegExp(`^${escapeRegExp(label)}(\\s*\\([^)]*\\))?(\\s*[▲▼↑↓])?$`),
  });
}

/** A search parameter as the app means it: TanStack Router writes `event="12"` for the string "12". */
export function searchParam(page: Page, name: string): string | null {
  const raw = new URL(page.url()).searchParams.get(name);
  if (raw === null) return null;
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'string' || typeof value === 'number' ? String(value) : raw;
  } catch {
    return raw;
  }
}

/** The <th> holding the sort button for `label`. */
export function columnHeader(page: Page, label: string): Locator {
  return page.getByRole('columnheader').filter({ has: sortButton(page, label) });
}

/** The event table's rows. */
export function eventRows(page: Page): Locator {
  return page.getByTestId('event-row');
}

/** The texts of one column's cells, top to bottom. */
export async function columnTexts(page: Page, column: string): Promise<string[]> {
  const texts = await page
    .locator(`[data-testid="event-row"] [data-col="${column}"]`)
    .allInnerTexts();
  return texts.map((text) => text.trim());
}

/** Every row's whole text: what identifies a page of results. */
export async function rowTexts(page: Page): Promise<string[]> {
  const texts = await eventRows(page).allInnerTexts();
  return texts.map((text) => text.replace(/\s+/g, ' ').trim());
}

/** One request to /trpc as the page sent it: its procedures (a batch has several) and inputs. */
export interface TrpcRequest {
  procedures: string[];
  inputs: unknown[];
  /** When it was sent, its answer began (headers) and ended (the whole body), in Date.now() ms. */
  sent: number;
  answered?: number;
  finished?: number;
}

/** Records the page's tRPC requests from now on (newest last). */
export function recordTrpc(page: Page): TrpcRequest[] {
  const requests: TrpcRequest[] = [];
  const byRequest = new Map<object, TrpcRequest>();
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith('/trpc/')) return;
    const procedures = decodeURIComponent(url.pathname.slice('/trpc/'.length)).split(',');
    const raw = url.searchParams.get('input') ?? request.postData();
    const parsed: unknown = raw ? JSON.parse(raw) : undefined;
    const batched = url.searchParams.get('batch') === '1';
    const inputs = procedures.map((_, i) =>
      batched ? (parsed as Record<string, unknown> | undefined)?.[String(i)] : parsed,
    );
    const entry: TrpcRequest = { procedures, inputs, sent: Date.now() };
    byRequest.set(request, entry);
    requests.push(entry);
  });
  page.on('response', (response) => {
    const entry = byRequest.get(response.request());
    if (entry) entry.answered = Date.now();
  });
  page.on('requestfinished', (request) => {
    const entry = byRequest.get(request);
    if (entry) entry.finished = Date.now();
  });
  return requests;
}

/** The input of the newest recorded call of a procedure. */
export function lastInput(requests: readonly TrpcRequest[], procedure: string): unknown {
  for (const request of [...requests].reverse()) {
    const index = request.procedures.indexOf(procedure);
    if (index >= 0) return request.inputs[index];
  }
  throw new Error(`the page sent no ${procedure} request`);
}

/** The number `data-testid="total"` shows. */
export async function totalShown(page: Page): Promise<number> {
  return lastNumber(await page.getByTestId('total').innerText());
}

/** The form control labelled `label` (not a listbox or description that shares the label). */
export function control(scope: Page | Locator, label: string): Locator {
  const page = 'page' in scope ? scope.page() : scope;
  return byLabel(scope, label).and(page.locator('input, textarea, select, button'));
}

/** Picks an option of a Mantine Select (a combobox with a portal dropdown). */
export async function selectOption(
  page: Page,
  scope: Page | Locator,
  label: string,
  option: string | RegExp,
): Promise<void> {
  const input = control(scope, label);
  await input.click();
  const editable = await input.evaluate(
    (el) => el instanceof HTMLInputElement && !el.readOnly && !el.disabled,
  );
  if (editable && typeof option === 'string') await input.fill(option);
  const name = typeof option === 'string' ? new RegExp(`^${escapeRegExp(option)}$`, 'i') : option;
  await page.getByRole('option', { name }).first().click();
}

/**
 * Sets a date input labelled `label` to `date`'s day in VIEWER_TIME_ZONE: types YYYY-MM-DD into
 * a text or native date input; for a Mantine DatePickerInput (a button), opens its calendar,
 * goes back month by month and clicks the day.
 */
export async function fillDate(scope: Page | Locator, label: string, date: Date): Promise<void> {
  const page = 'page' in scope ? scope.page() : scope;
  const input = control(scope, label);
  const [tag, type] = await input.evaluate((el) => [el.tagName, el.getAttribute('type')]);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: VIEWER_TIME_ZONE,
      year: 'numeric',
      month: 'long',
      day: 'numeric',
    })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  if (tag !== 'BUTTON') {
    const ymd = wallClock(date, VIEWER_TIME_ZONE).slice(0, 10);
    await input.fill(ymd);
    if (type !== 'date') await input.press('Enter');
    return;
  }
  await input.click();
  // Mantine labels each day "D MMMM YYYY".
  const day = page.getByRole('button', {
    name: `${parts.day} ${parts.month} ${parts.year}`,
    exact: true,
  });
  for (let step = 0; step < 36 && !(await day.first().isVisible()); step++) {
    const back = date.getTime() < Date.now();
    await page
      .locator(`[data-direction="${back ? 'previous' : 'next'}"]:visible`)
      .first()
      .click();
  }
  await day.first().click();
}

/** Waits until `check()` is true (for hooks, where expect.poll is not allowed). */
export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeout = STEP_TIMEOUT,
): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The wall clock `YYYY-MM-DD HH:mm:ss` of an instant in a zone (independent of the app's code). */
export function wallClock(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/** A zone's offset from UTC at an instant, in minutes (New York in winter: -300). */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const asUtc = Date.parse(`${wallClock(instant, timeZone).replace(' ', 'T')}Z`);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}
