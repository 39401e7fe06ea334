import { COUNT_GRAINS, type CountGrain } from '@audit/db/values';
import { TZDate } from '@date-fns/tz';

/**
 * Time arithmetic of the histogram and of the event counts: the histogram's buckets (in the
 * viewer's zone), and how a time range splits into whole buckets of the counts' grains
 * (UTC) plus the bits at its ends that only the events table can answer.
 */

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** A histogram bucket size in ms, or a calendar month; a day or a week is a calendar day or week. */
export type BucketSize = number | 'month';

const BUCKETS_MS = [
  1_000,
  5_000,
  15_000,
  30_000,
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  7 * DAY,
] as const;

/**
 * The smallest bucket that cuts the range into at most `target` buckets, and at least
 * `atLeast` ms long; `month` past a week.
 */
export function chooseBucket(rangeMs: number, target: number, atLeast = 0): BucketSize {
  return BUCKETS_MS.find((size) => size >= atLeast && rangeMs / size <= target) ?? 'month';
}

/** Midnight (local) of the day holding `at` in `timeZone`, `days` days on. */
function midnight(at: number, timeZone: string, days = 0): number {
  const local = new TZDate(at, timeZone);
  return new TZDate(
    local.getFullYear(),
    local.getMonth(),
    local.getDate() + days,
    timeZone,
  ).getTime();
}

function monthStart(at: number, timeZone: string, months = 0): number {
  const local = new TZDate(at, timeZone);
  return new TZDate(local.getFullYear(), local.getMonth() + months, 1, timeZone).getTime();
}

/** Fixed-size buckets count from a Monday midnight in the zone, as they always have. */
function origin(timeZone: string): number {
  return new TZDate(2000, 0, 3, timeZone).getTime();
}

/**
 * Where the histogram's buckets start, covering [from, to] (ms, both inclusive), and where
 * the last one ends: buckets of a day or longer start at midnight in `timeZone` (weeks on
 * a Monday, months on the 1st) and follow its daylight-saving changes; shorter ones are
 * fixed lengths counted from a Monday midnight there.
 */
export function bucketBoundaries(
  from: number,
  to: number,
  size: BucketSize,
  timeZone: string,
): number[] {
  const bounds: number[] = [];
  if (size === 'month') {
    for (let start = monthStart(from, timeZone); ;) {
      bounds.push(start);
      if (start > to) return bounds;
      start = monthStart(start, timeZone, 1);
    }
  }
  if (size === DAY || size === 7 * DAY) {
    const days = size / DAY;
    let start = midnight(from, timeZone);
    if (days === 7) {
      // Back to the Monday (getDay: 0 is Sunday).
      const weekday = new TZDate(start, timeZone).getDay();
      start = midnight(start, timeZone, -((weekday + 6) % 7));
    }
    for (;;) {
      bounds.push(start);
      if (start > to) return bounds;
      start = midnight(start, timeZone, days);
    }
  }
  const zero = origin(timeZone);
  for (let start = zero + Math.floor((from - zero) / size) * size; ; start += size) {
    bounds.push(start);
    if (start > to) return bounds;
  }
}

// ---------------------------------------------------------------- covering a range with counts

/** Start of the UTC `grain` bucket holding `at`. */
export function grainFloor(at: number, grain: CountGrain): number {
  const d = new Date(at);
  switch (grain) {
    case 'minute':
      return Math.floor(at / MINUTE) * MINUTE;
    case 'hour':
      return Math.floor(at / HOUR) * HOUR;
    case 'day':
      return Math.floor(at / DAY) * DAY;
    case 'month': {
      const start = new Date(0);
      start.setUTCFullYear(d.getUTCFullYear(), d.getUTCMonth(), 1);
      return start.getTime();
    }
  }
}

/** Start of the next UTC `grain` bucket after the one holding `at`. */
export function grainNext(at: number, grain: CountGrain): number {
  if (grain !== 'month') {
    const size = { minute: MINUTE, hour: HOUR, day: DAY }[grain];
    return grainFloor(at, grain) + size;
  }
  const next = new Date(grainFloor(at, 'month'));
  next.setUTCMonth(next.getUTCMonth() + 1);
  return next.getTime();
}

function grainCeil(at: number, grain: CountGrain): number {
  const floor = grainFloor(at, grain);
  return floor === at ? at : grainNext(at, grain);
}

/**
 * Whole buckets of one grain, [from, to): the counts there answer for every event in it,
 * times `weight` (below 1 only where a bucket stands in for part of itself: an estimate).
 */
export interface CountPiece {
  grain: CountGrain;
  from: number;
  to: number;
  weight: number;
}

/** [from, to): a stretch shorter than the finest grain, answered from the events table. */
export interface Edge {
  from: number;
  to: number;
}

export interface Cover {
  pieces: CountPiece[];
  edges: Edge[];
}

/**
 * Splits [from, to) into the fewest whole buckets of grains from `finest` to `coarsest`
 * (months in the middle, then days, hours… towards the ends) and what is left at the
 * ends, finer than `finest`. Adjacent pieces of one grain are merged.
 */
export function coverRange(
  from: number,
  to: number,
  finest: CountGrain,
  coarsest: CountGrain = 'month',
): Cover {
  const grains = COUNT_GRAINS.slice(
    COUNT_GRAINS.indexOf(finest),
    COUNT_GRAINS.indexOf(coarsest) + 1,
  ).reverse();
  const cover: Cover = { pieces: [], edges: [] };
  const split = (start: number, end: number, level: number): void => {
    if (start >= end) return;
    const grain = grains[level];
    if (!grain) {
      cover.edges.push({ from: start, to: end });
      return;
    }
    const first = grainCeil(start, grain);
    const last = grainFloor(end, grain);
    if (first >= last) {
      split(start, end, level + 1);
      return;
    }
    split(start, first, level + 1);
    cover.pieces.push({ grain, from: first, to: last, weight: 1 });
    split(last, end, level + 1);
  };
  split(from, to, 0);
  return { pieces: mergePieces(cover.pieces), edges: mergeEdges(cover.edges) };
}

/** Covers each of several adjacent spans (the histogram's buckets) on its own, then merges. */
export function coverSpans(boundaries: number[], from: number, to: number, finest: CountGrain) {
  const all: Cover = { pieces: [], edges: [] };
  for (let i = 0; i + 1 < boundaries.length; i++) {
    const start = Math.max(boundaries[i] as number, from);
    const end = Math.min(boundaries[i + 1] as number, to);
    if (start >= end) continue;
    const { pieces, edges } = coverRange(start, end, finest);
    all.pieces.push(...pieces);
    all.edges.push(...edges);
  }
  return { pieces: mergePieces(all.pieces), edges: mergeEdges(all.edges) };
}

function mergePieces(pieces: CountPiece[]): CountPiece[] {
  const sorted = [...pieces].sort((a, b) => a.from - b.from);
  const merged: CountPiece[] = [];
  for (const piece of sorted) {
    const last = merged.at(-1);
    const whole = piece.weight === 1 && last?.weight === 1;
    if (last && whole && last.grain === piece.grain && last.to === piece.from) last.to = piece.to;
    else merged.push({ ...piece });
  }
  return merged;
}

function mergeEdges(edges: Edge[]): Edge[] {
  const sorted = [...edges].sort((a, b) => a.from - b.from);
  const merged: Edge[] = [];
  for (const edge of sorted) {
    const last = merged.at(-1);
    if (last && last.to === edge.from) last.to = edge.to;
    else merged.push({ ...edge });
  }
  return merged;
}

/**
 * Estimates for edges too big to read: each `grain` bucket an edge overlaps, weighted by the
 * share of it the edge covers (as if its events were spread evenly over it).
 */
export function edgeEstimates(edges: Edge[], grain: CountGrain): CountPiece[] {
  const weights = new Map<number, number>();
  for (const edge of edges) {
    for (
      let start = grainFloor(edge.from, grain);
      start < edge.to;
      start = grainNext(start, grain)
    ) {
      const end = grainNext(start, grain);
      const covered = Math.min(end, edge.to) - Math.max(start, edge.from);
      weights.set(start, (weights.get(start) ?? 0) + covered / (end - start));
    }
  }
  return [...weights].map(([from, weight]) => ({
    grain,
    from,
    to: grainNext(from, grain),
    weight,
  }));
}
