/** Seeded randomness and the encodings drawn from it: reruns must repeat every value. */

/** mulberry32: tiny, fast, and good enough for demo data. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  u32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** [0, 1) */
  next(): number {
    return this.u32() / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  between(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** An index in [0, n) favouring the low end: a few devices and sites get most of the work. */
  skewed(n: number): number {
    const r = this.next();
    return Math.floor(r * r * n);
  }
}

/** A seeded PRNG (mulberry32) returning floats in [0, 1). */
export function createRng(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

const HEX_DIGITS = '0123456789abcdef';
const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).padStart(2, '0'),
);
const hexByte = (n: number) => HEX[n & 0xff] as string;
export const hex8 = (n: number) =>
  hexByte(n >>> 24) + hexByte(n >>> 16) + hexByte(n >>> 8) + hexByte(n);
export const hex4 = (n: number) => hexByte(n >>> 8) + hexByte(n);

/** A version-4-formatted uuid drawn from the PRNG (never crypto: reruns must repeat it). */
export function uuidV4(rng: Rng): string {
  const a = rng.u32();
  const b = rng.u32();
  const c = rng.u32();
  const d = rng.u32();
  return (
    hex8(a) +
    '-' +
    hex4(b >>> 16) +
    '-4' +
    (HEX_DIGITS[(b >>> 8) & 0xf] as string) +
    hexByte(b) +
    '-' +
    hex4(((c >>> 16) & 0x3fff) | 0x8000) +
    '-' +
    hex4(c) +
    hex8(d)
  );
}

export const hex16 = (rng: Rng) => hex8(rng.u32()) + hex8(rng.u32());

/** Weighted choice: cumulative weights and a binary search. */
export class Weighted<T> {
  private readonly items: readonly T[];
  private readonly cum: Float64Array;
  private readonly total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    if (entries.length === 0) throw new Error('Weighted: no entries');
    this.items = entries.map(([item]) => item);
    this.cum = new Float64Array(entries.length);
    let sum = 0;
    entries.forEach(([, weight], i) => {
      sum += weight;
      this.cum[i] = sum;
    });
    this.total = sum;
  }

  pick(rng: Rng): T {
    const x = rng.next() * this.total;
    let lo = 0;
    let hi = this.items.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cum[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo] as T;
  }
}

/** Zipf-like weights for a list ranked most frequent first. */
export function zipf<T>(items: readonly T[], s: number): (readonly [T, number])[] {
  return items.map((item, i) => [item, 1 / Math.pow(i + 1, s)] as const);
}

export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./';

export function randomText(rng: Rng, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[rng.int(alphabet.length)] as string;
  return out;
}
