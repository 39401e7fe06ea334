import { bucketBoundaries, chooseBucket, coverRange, coverSpans } from '@audit/api';

import { eventStatements, type CapturedQuery } from './capture';
import type { BenchOptions } from './options';
import type { ResultRow } from './results';
import { formatMs, summarize } from './stats';
import type { BenchTarget } from './target';

/**
 * The Audit Logs page opening: the list, the histogram and the facets asked for
 * at once, in one batched request, as the web app sends them. The direct side is the
 * least SQL that gives the same screen from the same event counts (the list's own
 * statements, and a histogram and the facets written by hand over event_counts, each on its
 * own connection as the server runs them); for reference, the full scans the product ran
 * before the counts existed.
 */

const DAY = 86_400_000;
/** What the page asks for (packages/web: logs-page.tsx, facets-panel.tsx). */
const FACETS = ['userName', 'taskName', 'objectType', 'status'] as const;
const HISTOGRAM_BUCKETS = 60;
const FACET_LIMIT = 5;
/** Page open p95 for range and single-field views; free text may take this long. */
const PAGE_OPEN_LIMIT_MS = 150;
const FREE_TEXT_LIMIT_MS = 1000;
const DIRECT_RATIO_LIMIT = 1.5;

interface View {
  id: string;
  label: string;
  kind: 'range' | 'field' | 'text';
  /** ms before the data's end; null: all time. */
  span: number | null;
  /** A filter beyond the range. */
  extra: { userName?: string; status?: string; description?: string };
}

const VIEWS: View[] = [
  { id: 'all', label: 'all time', kind: 'range', span: null, extra: {} },
  { id: '30d', label: 'last 30 days', kind: 'range', span: 30 * DAY, extra: {} },
  { id: '7d', label: 'last 7 days (the default)', kind: 'range', span: 7 * DAY, extra: {} },
  { id: '24h', label: 'last 24 hours', kind: 'range', span: DAY, extra: {} },
  {
    id: 'status',
    label: 'status = failure, all time',
    kind: 'field',
    span: null,
    extra: { status: 'failure' },
  },
  {
    id: 'user',
    label: 'user = john.doe, all time',
    kind: 'field',
    span: null,
    extra: { userName: 'john.doe' },
  },
  {
    id: 'text',
    label: 'full text "failed", all time',
    kind: 'text',
    span: null,
    extra: { description: 'failed' },
  },
];

/** The scenario ids, in the order they run. */
export const PAGE_OPEN_IDS = VIEWS.map((view) => `pageopen.${view.id}`);

function filterOf(view: View, target: BenchTarget): Record<string, unknown> {
  const end = target.end.getTime();
  return {
    ...(view.span
      ? { from: new Date(end - view.span).toISOString(), to: target.end.toISOString() }
      : {}),
    ...view.extra,
  };
}

function inputs(view: View, target: BenchTarget) {
  const filter = filterOf(view, target);
  return {
    'auditLogs.list': { filter, limit: 50 },
    'auditLogs.histogram': { filter, buckets: HISTOGRAM_BUCKETS, timeZone: 'UTC' },
    'auditLogs.facets': { filter, fields: FACETS, limit: FACET_LIMIT },
  };
}

/** One GET for the three, as @trpc/client's httpBatchLink sends them. */
function batchUrl(base: string, calls: Record<string, unknown>): string {
  const paths = Object.keys(calls).join(',');
  const input = Object.fromEntries(Object.values(calls).map((value, i) => [i, value]));
  return `${base}/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`;
}

const sqlText = (value: string) => `'${value.replaceAll("'", "''")}'`;
const sqlTime = (ms: number) => `${sqlText(new Date(ms).toISOString())}::timestamptz`;

/** The range the page shows, and the bucket its histogram uses. */
async function rangeOf(view: View, target: BenchTarget): Promise<{ from: number; to: number }> {
  const end = target.end.getTime();
  if (view.span) return { from: end - view.span, to: end };
  const [row] = await target.exec<{ first: string; last: string }>(
    `SELECT (extract(epoch FROM min(occurred_at)) * 1000)::float8::text AS first,
            (extract(epoch FROM max(occurred_at)) * 1000)::float8::text AS last FROM events`,
  );
  return { from: Number(row?.first), to: Number(row?.last) };
}

/** `(grain = 'day' AND bucket >= … AND bucket < …) OR …`: whole buckets of the counts. */
function piecesWhere(pieces: { grain: string; from: number; to: number }[]): string {
  if (pieces.length === 0) return 'false';
  return pieces
    .map(
      (p) =>
        `(grain = '${p.grain}' AND bucket >= ${sqlTime(p.from)} AND bucket < ${sqlTime(p.to)})`,
    )
    .join(' OR ');
}

/** `(occurred_at >= … AND occurred_at < …) OR …`: the ends finer than the counts. */
function edgesWhere(edges: { from: number; to: number }[]): string {
  if (edges.length === 0) return 'false';
  return edges
    .map((e) => `(occurred_at >= ${sqlTime(e.from)} AND occurred_at < ${sqlTime(e.to)})`)
    .join(' OR ');
}

/**
 * The same histogram and facets (the same numbers) written by hand over event_counts:
 * whole buckets of the coarsest grains that fit, and the events of the bits finer than the
 * counts at the range's ends; all time is the month rows alone.
 */
function rollupStatements(view: View, range: { from: number; to: number }): string[] {
  const dimension = view.extra.userName ? 'userName' : '*';
  const finest = view.extra.userName ? 'hour' : 'minute';
  const countFilter = (alias: string) =>
    (view.extra.userName ? ` AND ${alias}value = ${sqlText(view.extra.userName)}` : '') +
    (view.extra.status ? ` AND ${alias}status = ${sqlText(view.extra.status)}` : '');
  const eventFilter =
    (view.extra.userName ? ` AND user_name = ${sqlText(view.extra.userName)}` : '') +
    (view.extra.status ? ` AND status = ${sqlText(view.extra.status)}` : '');

  const bucket = chooseBucket(
    range.to + 1 - range.from,
    HISTOGRAM_BUCKETS,
    finest === 'hour' ? 3_600_000 : 60_000,
  );
  const binned = (column: string) =>
    bucket === 'month'
      ? `date_trunc('month', ${column}, 'UTC')`
      : `date_bin('${bucket / 1000} seconds'::interval, ${column}, timestamptz '2000-01-03 00:00Z')`;
  const boundaries = bucketBoundaries(range.from, range.to, bucket, 'UTC');
  const histogramCover = coverSpans(boundaries, range.from, range.to + 1, finest);
  const histogram = `SELECT start, status, sum(n) AS n FROM (
      SELECT ${binned('bucket')} AS start, status, n FROM event_counts
      WHERE dimension = ${sqlText(dimension)} AND (${piecesWhere(histogramCover.pieces)})${countFilter('')}
      UNION ALL
      SELECT ${binned('occurred_at')}, status, 1 FROM events
      WHERE (${edgesWhere(histogramCover.edges)})${eventFilter}) AS counted
    GROUP BY 1, 2`;

  // Each field from its own rows; status from the totals (or from the filtered field's rows).
  const facetCover =
    view.span === null ? { pieces: [], edges: [] } : coverRange(range.from, range.to + 1, 'hour');
  const facetRanges =
    view.span === null ? `grain = 'month'` : `(${piecesWhere(facetCover.pieces)})`;
  const facetDims = view.extra.userName
    ? ['userName']
    : ['*', 'userName', 'taskName', 'objectType'];
  const edgeFacets = view.extra.userName
    ? `('userName', e.user_name), ('status', e.status::text)`
    : `('userName', e.user_name), ('taskName', e.task_name), ('objectType', e.object_type), ('status', e.status::text)`;
  const facets = `SELECT facet, value, n FROM (
      SELECT facet, value, sum(n) AS n,
             row_number() OVER (PARTITION BY facet ORDER BY sum(n) DESC) AS rank
      FROM (
        SELECT x.facet, x.value, c.n
        FROM event_counts c
        CROSS JOIN LATERAL (VALUES (c.dimension, c.value), ('status', c.status::text)) AS x(facet, value)
        WHERE c.dimension IN (${facetDims.map(sqlText).join(', ')}) AND ${facetRanges}${countFilter('c.')}
          AND CASE WHEN x.facet = 'status' THEN c.dimension = ${sqlText(dimension)}
                   ELSE x.facet = c.dimension AND c.dimension <> '*' END
        UNION ALL
        SELECT x.facet, x.value, 1 FROM events e
        CROSS JOIN LATERAL (VALUES ${edgeFacets}) AS x(facet, value)
        WHERE (${edgesWhere(facetCover.edges)})${eventFilter}) AS rows
      GROUP BY 1, 2) AS ranked WHERE rank <= ${FACET_LIMIT}`;
  const statements = [histogram, facets];
  if (view.extra.userName) {
    // The counts hold one field at a time: the user's tasks and object types come from events.
    for (const column of ['task_name', 'object_type']) {
      statements.push(
        `SELECT ${column}, count(*) FROM events WHERE user_name = ${sqlText(view.extra.userName)}
         GROUP BY 1 ORDER BY 2 DESC LIMIT ${FACET_LIMIT}`,
      );
    }
  }
  return statements;
}

/** What the product ran before the counts: a histogram and each facet over the matching events. */
function fullScanStatements(view: View, range: { from: number; to: number }): string[] {
  const conditions = [`occurred_at BETWEEN ${sqlTime(range.from)} AND ${sqlTime(range.to)}`];
  if (view.extra.userName) conditions.push(`user_name = ${sqlText(view.extra.userName)}`);
  if (view.extra.status) conditions.push(`status = ${sqlText(view.extra.status)}`);
  if (view.extra.description) {
    conditions.push(
      `to_tsvector('simple', coalesce(description, '')) @@ websearch_to_tsquery('simple', ${sqlText(view.extra.description)})`,
    );
  }
  const where = conditions.join(' AND ');
  const bucket = chooseBucket(range.to + 1 - range.from, HISTOGRAM_BUCKETS);
  const binned =
    bucket === 'month'
      ? `date_trunc('month', occurred_at, 'UTC')`
      : `date_bin('${bucket / 1000} seconds'::interval, occurred_at, timestamptz '2000-01-03 00:00Z')`;
  const columns = {
    userName: 'user_name',
    taskName: 'task_name',
    objectType: 'object_type',
    status: 'status',
  };
  return [
    `SELECT ${binned}, status, count(*) FROM events WHERE ${where} GROUP BY 1, 2`,
    ...FACETS.map(
      (f) =>
        `SELECT ${columns[f]}, count(*) FROM events WHERE ${where} GROUP BY 1 ORDER BY 2 DESC LIMIT ${FACET_LIMIT}`,
    ),
  ];
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

export async function runPageOpen(
  target: BenchTarget,
  options: Pick<BenchOptions, 'runs' | 'scenarioBudgetMs' | 'quick' | 'scenarios'>,
  selected: (id: string) => boolean,
  log: (line: string) => void,
): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  for (const view of VIEWS) {
    const id = `pageopen.${view.id}`;
    if (!selected(id)) continue;
    const calls = inputs(view, target);
    const url = batchUrl(target.admin.base, calls);
    const ours = async () => {
      const response = await fetch(url, { headers: target.admin.headers });
      const body = (await response.json()) as { error?: unknown }[];
      if (!response.ok || body.some((part) => part.error)) {
        throw new Error(`${id}: HTTP ${response.status}: ${JSON.stringify(body).slice(0, 500)}`);
      }
      return body as { result: { data: { basis?: { exact: boolean } } } }[];
    };

    // The list's own statements, as the server sent them.
    const listQueries = eventStatements(
      await target.capture.during(async () => {
        await target.captureServer.inject({
          method: 'GET',
          url: `/trpc/auditLogs.list?input=${encodeURIComponent(JSON.stringify(calls['auditLogs.list']))}`,
          headers: target.admin.headers,
        });
      }),
    );
    const range = await rangeOf(view, target);
    const statement = (text: string): CapturedQuery => ({ text, params: [] });
    const lanes: CapturedQuery[][] = [
      ...listQueries.map((q) => [q]),
      ...(view.kind === 'text'
        ? fullScanStatements(view, range)
        : rollupStatements(view, range)
      ).map((text) => [statement(text)]),
    ];
    // Each lane on its own connection (PGlite has one: they queue, as the server's do).
    const direct = () =>
      Promise.all(
        lanes.map(async (lane) => {
          for (const q of lane) await target.direct(q);
        }),
      );

    for (let i = 0; i < (options.quick ? 1 : 3); i++) {
      await ours();
      await direct();
    }
    const oursMs: number[] = [];
    const directMs: number[] = [];
    const started = performance.now();
    while (
      oursMs.length < options.runs &&
      (oursMs.length < 3 || performance.now() - started < options.scenarioBudgetMs)
    ) {
      oursMs.push(await timed(ours));
      directMs.push(await timed(direct));
    }
    const answer = await ours();
    const exact = answer.slice(1).every((part) => part.result.data.basis?.exact !== false);

    // Each call on its own (the before/after table), and the full scans of before.
    const perCall: string[] = [];
    for (const [path, input] of Object.entries(calls)) {
      const callUrl = `${target.admin.base}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`;
      const samples: number[] = [];
      for (let i = 0; i < (options.quick ? 2 : 10); i++) {
        samples.push(
          await timed(() =>
            fetch(callUrl, { headers: target.admin.headers }).then((r) => r.json()),
          ),
        );
      }
      perCall.push(`${path.replace('auditLogs.', '')} ${formatMs(summarize(samples).median)}`);
    }
    const [histogramScan, ...facetScans] = fullScanStatements(view, range);
    const scanMs: number[] = [];
    for (let i = 0; i < (options.quick ? 1 : 3); i++) {
      if (histogramScan) scanMs.push(await timed(() => target.direct(statement(histogramScan))));
    }
    const facetScanMs: number[] = [];
    for (let i = 0; i < (options.quick ? 1 : 3); i++) {
      facetScanMs.push(
        await timed(async () => {
          for (const text of facetScans) await target.direct(statement(text));
        }),
      );
    }

    const oursSummary = summarize(oursMs);
    const directSummary = summarize(directMs);
    const limit = view.kind === 'text' ? FREE_TEXT_LIMIT_MS : PAGE_OPEN_LIMIT_MS;
    const withinRatio =
      view.kind === 'text' || oursSummary.p95 <= DIRECT_RATIO_LIMIT * directSummary.p95;
    const met = oursSummary.p95 <= limit && withinRatio;
    rows.push({
      id,
      label: `page open (list + histogram + facets), ${view.label}`,
      timing: { ours: oursSummary, direct: directSummary },
      target: met
        ? 'met'
        : `missed (p95 ≤ ${limit} ms${view.kind === 'text' ? '' : ` and ≤ ${DIRECT_RATIO_LIMIT} × direct`})`,
      note:
        `${exact ? 'exact' : 'approximate (labelled)'}; each call alone (median): ${perCall.join(', ')}; ` +
        `before the counts, the full scans took ${formatMs(summarize(scanMs).median)} (histogram) and ` +
        `${formatMs(summarize(facetScanMs).median)} (the ${FACETS.length} facets)` +
        (view.kind === 'text' ? '; direct: those full scans' : ''),
    });
    log(
      `  ${id}: ours p95 ${oursSummary.p95.toFixed(1)} ms, direct p95 ${directSummary.p95.toFixed(1)} ms, ` +
        `${exact ? 'exact' : 'approximate'}, ${met ? 'met' : 'missed'}`,
    );
  }
  return rows;
}
