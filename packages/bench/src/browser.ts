/**
 * The browser scenario: the Audit Logs page's first screen in Chromium (playwright-core),
 * against the bench's loaded server, which serves the built SPA (packages/web/dist) as
 * `pnpm start` does. Signed in as the admin, it opens the default view (no search params) and
 * times, from the start of the navigation, when the first table row, the histogram's bars and
 * the facets' values are on screen. "direct" is the page's own request for that part (the
 * same tRPC input, read from the page's requests), sent from Node: what the page adds to the
 * API's answer is the difference.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import type { Browser, BrowserContext, Page, Response as PageResponse } from 'playwright-core';

import { queryUrl } from './http';
import type { BenchOptions } from './options';
import type { ResultRow } from './results';
import { formatMs, summarize, type Summary } from './stats';
import type { BenchTarget } from './target';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
/** The first screen's target: its first table rows this soon after navigation, warm server. */
export const FIRST_ROWS_TARGET_MS = 500;

const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const WEB_ROOT = new URL('../../web/', import.meta.url).pathname;
const SESSION_COOKIE = 'audit_session';
/** Longest one navigation may take to show its first screen before the run fails. */
const SCREEN_TIMEOUT_MS = 30_000;

/** What is timed, and how the page shows it is there (the same in every version of the SPA). */
const MARKS = {
  rows: '[data-testid="event-row"]',
  histogram: '[data-testid="histogram"] .recharts-bar-rectangle',
  facets: '[data-testid="facets"] [data-testid^="facet-"]',
} as const;
type Mark = keyof typeof MARKS;
type Marks = Record<Mark, number>;

/** The tRPC procedure behind each mark: the "direct" side. */
const PROCEDURES: Record<Mark, string> = {
  rows: 'auditLogs.list',
  histogram: 'auditLogs.histogram',
  facets: 'auditLogs.facets',
};

/** Whether the browser scenario can run: null when it can, else why not. */
export function browserMissing(options: Pick<BenchOptions, 'chromium'>): string | null {
  return existsSync(options.chromium)
    ? null
    : `no Chromium at ${options.chromium} (apt-get install -y chromium, or --chromium PATH)`;
}

/**
 * A private copy of the built SPA for the bench's server to serve (built first when missing
 * or older than its sources), so that a build started meanwhile cannot empty it.
 */
export async function prepareWebDir(
  log: (line: string) => void,
): Promise<{ dir: string; remove: () => Promise<void> }> {
  execFileSync(process.execPath, [join(WEB_ROOT, 'scripts/ensure-built.mjs')], {
    cwd: WEB_ROOT,
    stdio: 'inherit',
    // What users get, whatever NODE_ENV this runs under (vitest sets "test", and Vite would
    // then build React's development bundle).
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const dist = join(WEB_ROOT, 'dist');
  const dir = await mkdtemp(join(tmpdir(), 'audit-bench-web-'));
  await cp(dist, dir, { recursive: true });
  const html = await readFile(join(dir, 'index.html'), 'utf8');
  if (!/<script[^>]+src="\/assets\//.test(html)) {
    throw new Error(`${dist}/index.html names no script: is the web build broken?`);
  }
  log(`Serving the SPA from a copy of ${dist}`);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Run in the page before its own scripts (page code, hence a string: this package has no DOM
 * types): notes when each mark first shows, at the frame after it enters the document.
 */
const MARK_OBSERVER = `(() => {
  const marks = ${JSON.stringify(MARKS)};
  const seen = {};
  const check = () => {
    for (const [name, selector] of Object.entries(marks)) {
      if (name in seen || !document.querySelector(selector)) continue;
      seen[name] = null;
      requestAnimationFrame(() => { seen[name] = performance.now(); });
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true });
  window.__firstScreen = seen;
})();`;

/** Page code: whether every mark has its time. */
const ALL_MARKED = `Object.keys(${JSON.stringify(MARKS)}).every(
  (name) => typeof window.__firstScreen?.[name] === 'number')`;

/**
 * Page code: the marks, the page's tRPC requests as the browser timed them, and when the
 * document arrived and its scripts had run (DOMContentLoaded waits for module scripts).
 */
const RESULTS = `[window.__firstScreen,
  performance.getEntriesByType('resource')
    .filter((entry) => new URL(entry.name).pathname.startsWith('/trpc/'))
    .map((entry) => ({ url: entry.name, start: entry.startTime, end: entry.responseEnd })),
  ((n) => ({ html: n.responseEnd, scriptsRun: n.domContentLoadedEventStart }))(
    performance.getEntriesByType('navigation')[0])]`;

interface Visit {
  marks: Marks;
  /** The page's tRPC requests: path (`a,b` when batched) and URL. */
  trpc: { url: string; start: number; end: number }[];
  /** Scripts fetched over the network (not from the cache): URL and body bytes. */
  scripts: { url: string; bytes: number; gzip: number }[];
  /** When the document had arrived and its scripts had run. */
  document: { html: number; scriptsRun: number };
}

async function visit(page: Page, url: string): Promise<Visit> {
  const scripts: Visit['scripts'] = [];
  const pending: Promise<void>[] = [];
  const onResponse = (response: PageResponse) => {
    if (response.request().resourceType() !== 'script' || response.fromServiceWorker()) return;
    pending.push(
      response
        .body()
        .then((body) => {
          scripts.push({ url: response.url(), bytes: body.length, gzip: gzipSync(body).length });
        })
        // A cached script has no body to read; it was not fetched.
        .catch(() => undefined),
    );
  };
  page.on('response', onResponse);
  try {
    await page.goto('about:blank');
    await page.goto(url, { waitUntil: 'commit' });
    // Polled from here (the marks hold their own times): the server's CSP forbids the page
    // to eval the string waitForFunction would send.
    const deadline = performance.now() + SCREEN_TIMEOUT_MS;
    while (!(await page.evaluate<boolean>(ALL_MARKED))) {
      if (performance.now() > deadline) {
        throw new Error(`${url}: the first screen was not complete after ${SCREEN_TIMEOUT_MS} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const [marks, trpc, document] =
      await page.evaluate<[Marks, Visit['trpc'], Visit['document']]>(RESULTS);
    await Promise.all(pending);
    return { marks, trpc, scripts, document };
  } finally {
    page.off('response', onResponse);
  }
}

/** The input the page sent to a procedure, from its (perhaps batched) request URL. */
export function inputOf(urls: readonly string[], procedure: string): unknown {
  for (const raw of urls) {
    const url = new URL(raw);
    const paths = decodeURIComponent(url.pathname.slice('/trpc/'.length)).split(',');
    const index = paths.indexOf(procedure);
    if (index < 0) continue;
    const input = url.searchParams.get('input');
    if (input === null) return undefined;
    const parsed: unknown = JSON.parse(input);
    return url.searchParams.get('batch') === '1'
      ? (parsed as Record<string, unknown>)[String(index)]
      : parsed;
  }
  throw new Error(`the page sent no ${procedure} request`);
}

async function newContext(browser: Browser, target: BenchTarget): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  const cookie = target.admin.headers.cookie ?? '';
  const value = cookie.slice(`${SESSION_COOKIE}=`.length);
  if (!cookie.startsWith(`${SESSION_COOKIE}=`) || !value) {
    throw new Error('the bench admin session has no cookie');
  }
  await context.addCookies([{ name: SESSION_COOKIE, value, url: target.admin.base }]);
  await context.addInitScript({ content: MARK_OBSERVER });
  return context;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

/** The waterfall of one visit, for the log: when each tRPC request went out and came back. */
function describeVisit(v: Visit): string {
  const requests = v.trpc
    .map((r) => {
      const path = decodeURIComponent(new URL(r.url).pathname.slice('/trpc/'.length));
      return `${path} ${r.start.toFixed(0)}–${r.end.toFixed(0)}`;
    })
    .join('; ');
  const marks = (Object.keys(MARKS) as Mark[]).map((m) => `${m} ${v.marks[m].toFixed(0)}`);
  const { html, scriptsRun } = v.document;
  return `${marks.join(', ')} ms; document ${html.toFixed(0)}, scripts run ${scriptsRun.toFixed(0)}; requests: ${requests}`;
}

/**
 * Runs the scenario: warm runs in one signed-in browser tab (assets cached, as for someone
 * who uses the app), then as many runs each in a new browser context (empty cache, as on a
 * first visit), which also count the JavaScript the first screen loads.
 */
export async function runBrowserScenario(
  target: BenchTarget,
  options: Pick<BenchOptions, 'runs' | 'quick' | 'scenarioBudgetMs' | 'chromium'>,
  log: (line: string) => void,
): Promise<ResultRow[]> {
  const missing = browserMissing(options);
  if (missing) {
    log(`  browser: skipped, ${missing}`);
    return [
      {
        id: 'browser',
        label: 'browser: first screen of the default view',
        cells: { ours: 'skipped', direct: '', ratio: '' },
        target: '',
        note: `skipped: ${missing}`,
      },
    ];
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: options.chromium,
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  try {
    const url = `${target.admin.base}/`;
    const warmContext = await newContext(browser, target);
    const page = await warmContext.newPage();
    // Untimed: the server's request path and the browser's cache warm up.
    let last = await visit(page, url);
    if (!options.quick) last = await visit(page, url);
    const urls = last.trpc.map((r) => r.url);
    const inputs = Object.fromEntries(
      (Object.keys(PROCEDURES) as Mark[]).map((m) => [m, inputOf(urls, PROCEDURES[m])]),
    ) as Record<Mark, unknown>;
    const direct = async (mark: Mark) => {
      const started = performance.now();
      const response = await fetch(queryUrl(target.admin.base, PROCEDURES[mark], inputs[mark]), {
        headers: target.admin.headers,
      });
      await response.json();
      if (!response.ok) throw new Error(`${PROCEDURES[mark]}: HTTP ${response.status}`);
      return performance.now() - started;
    };

    const warm: Marks[] = [];
    const cold: Marks[] = [];
    const directMs: Record<Mark, number[]> = { rows: [], histogram: [], facets: [] };
    const budget = options.scenarioBudgetMs * 3;
    const started = performance.now();
    while (
      warm.length < options.runs &&
      (warm.length < 3 || performance.now() - started < budget)
    ) {
      last = await visit(page, url);
      warm.push(last.marks);
      for (const mark of Object.keys(MARKS) as Mark[]) directMs[mark].push(await direct(mark));
    }
    log(`  browser, a warm visit: ${describeVisit(last)}`);
    await warmContext.close();

    let firstScreenJs: Visit['scripts'] = [];
    for (let i = 0; i < warm.length; i++) {
      const context = await newContext(browser, target);
      try {
        const v = await visit(await context.newPage(), url);
        cold.push(v.marks);
        if (i === 0) {
          firstScreenJs = v.scripts;
          log(`  browser, a first visit: ${describeVisit(v)}`);
          const files = v.scripts.map((f) => `${f.url.split('/').pop() ?? ''} ${kib(f.bytes)}`);
          log(`  browser, its JavaScript: ${files.join(', ')}`);
        }
      } finally {
        await context.close();
      }
    }

    const js = firstScreenJs.reduce(
      (sum, s) => ({ bytes: sum.bytes + s.bytes, gzip: sum.gzip + s.gzip }),
      { bytes: 0, gzip: 0 },
    );
    const jsNote =
      `JavaScript the first screen loads (empty cache): ${kib(js.bytes)} in ${firstScreenJs.length} ` +
      `file(s), ${kib(js.gzip)} gzipped`;
    const series = (runs: Marks[], mark: Mark): Summary => summarize(runs.map((r) => r[mark]));
    const firstRowsTarget = (s: Summary) =>
      s.p95 <= FIRST_ROWS_TARGET_MS
        ? `first rows ≤ ${FIRST_ROWS_TARGET_MS} ms: met`
        : `first rows ≤ ${FIRST_ROWS_TARGET_MS} ms: missed (p95 ${formatMs(s.p95)})`;
    const view = 'browser, default view';
    const rows: ResultRow[] = [
      {
        id: 'browser.rows',
        label: `${view}: navigation → first table row`,
        timing: { ours: series(warm, 'rows'), direct: summarize(directMs.rows) },
        target: firstRowsTarget(series(warm, 'rows')),
        note:
          `Chromium (${browser.version()}, headless, 1280×800) signed in as the admin opens \`/\`; ` +
          `${warm.length} timed visits in one tab (assets cached), each from about:blank; times from ` +
          'the start of the navigation to the frame after the element appears. direct: the ' +
          "page's own tRPC request for that part, from Node. " +
          jsNote +
          '.',
      },
      {
        id: 'browser.histogram',
        label: `${view}: navigation → histogram drawn`,
        timing: { ours: series(warm, 'histogram'), direct: summarize(directMs.histogram) },
        target: '',
      },
      {
        id: 'browser.facets',
        label: `${view}: navigation → facets drawn`,
        timing: { ours: series(warm, 'facets'), direct: summarize(directMs.facets) },
        target: '',
      },
      {
        id: 'browser.rowsFirstVisit',
        label: `${view}, empty browser cache: navigation → first table row`,
        timing: { ours: series(cold, 'rows'), direct: summarize(directMs.rows) },
        target: firstRowsTarget(series(cold, 'rows')),
        note: `${cold.length} visits, each in a new browser context (nothing cached). ${jsNote}.`,
      },
    ];
    for (const row of rows) {
      const t = row.timing;
      if (t) {
        log(
          `  ${row.id}: median ${formatMs(t.ours.median)}, p95 ${formatMs(t.ours.p95)}; ` +
            `direct p95 ${formatMs(t.direct.p95)}${row.target ? `; ${row.target}` : ''}`,
        );
      }
    }
    log(`  ${jsNote}`);
    return rows;
  } finally {
    await browser.close();
  }
}
