/** Timestamps: exactly the asked number, ascending, with a working-day rhythm. */
import type { Rng } from './random';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Relative activity per UTC hour: office hours busy, nights quiet. */
const HOUR_WEIGHTS = [
  0.12, 0.1, 0.09, 0.09, 0.1, 0.14, 0.25, 0.45, 0.75, 0.95, 1, 1, 0.85, 0.95, 1, 0.97, 0.85, 0.65,
  0.45, 0.35, 0.28, 0.22, 0.18, 0.14,
];
const WEEKEND_FACTOR = 0.3;

function activityAt(ms: number): number {
  const hour = Math.floor(ms / HOUR) % 24;
  const weekday = (((Math.floor(ms / DAY) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  const base = HOUR_WEIGHTS[(hour + 24) % 24] as number;
  return weekday === 0 || weekday === 6 ? base * WEEKEND_FACTOR : base;
}

/**
 * Exactly `count` timestamps in [start, end], ascending, distributed like a Poisson
 * process with the daily rhythm above conditioned on its count: uniform order statistics
 * drawn smallest first (so nothing is sorted or held in memory), mapped through the
 * inverse of the cumulative activity, hour segment by hour segment.
 */
export class Clock {
  private readonly segStart: Float64Array;
  private readonly segRate: Float64Array;
  private readonly segCum: Float64Array;
  private readonly total: number;
  private seg = 0;
  /** 1 - (the last uniform order statistic). */
  private complement = 1;
  private remaining: number;
  private prev: number;

  constructor(
    private readonly rng: Rng,
    private readonly start: number,
    private readonly end: number,
    count: number,
  ) {
    this.remaining = count;
    this.prev = start;
    const starts: number[] = [];
    for (let t = start; t < end; t = (Math.floor(t / HOUR) + 1) * HOUR) starts.push(t);
    if (starts.length === 0) starts.push(start);
    this.segStart = Float64Array.from(starts);
    this.segRate = new Float64Array(starts.length);
    this.segCum = new Float64Array(starts.length);
    let sum = 0;
    for (let i = 0; i < starts.length; i++) {
      const t0 = starts[i] as number;
      const t1 = i + 1 < starts.length ? (starts[i + 1] as number) : end;
      const rate = activityAt(t0);
      this.segRate[i] = rate;
      sum += rate * (t1 - t0);
      this.segCum[i] = sum;
    }
    this.total = sum;
  }

  next(): number {
    if (this.total <= 0) return this.end;
    // Smallest of `remaining` uniforms on (u, 1): 1 - (1-u)·V^(1/remaining).
    this.complement *= Math.pow(1 - this.rng.next(), 1 / this.remaining);
    this.remaining--;
    const target = (1 - this.complement) * this.total;
    const last = this.segCum.length - 1;
    while (this.seg < last && (this.segCum[this.seg] as number) <= target) this.seg++;
    const before = this.seg > 0 ? (this.segCum[this.seg - 1] as number) : 0;
    const t =
      (this.segStart[this.seg] as number) + (target - before) / (this.segRate[this.seg] as number);
    let ms = Math.floor(t);
    if (ms > this.end) ms = this.end;
    if (ms < this.prev) ms = this.prev;
    this.prev = ms;
    return ms;
  }
}
