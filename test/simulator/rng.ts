/** Deterministic pseudo-random helpers (mulberry32), time helpers and money formatting. */

export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a 32-bit hash of a string. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** An independent stream for (seed, label): changing one part of the data never shifts another. */
export function rngFor(seed: number, label: string): Rng {
  return mulberry32((hash32(label) ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0);
}

export function int(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  const v = items[Math.floor(rng() * items.length)];
  if (v === undefined) {
    throw new Error('pick from an empty list');
  }
  return v;
}

export function chance(rng: Rng, p: number): boolean {
  return rng() < p;
}

/** k distinct items, order of the source preserved. */
export function sample<T>(rng: Rng, items: readonly T[], k: number): T[] {
  const idx = items.map((_, i) => ({ i, r: rng() }));
  idx.sort((a, b) => a.r - b.r);
  return idx
    .slice(0, Math.min(k, items.length))
    .map((x) => x.i)
    .sort((a, b) => a - b)
    .map((i) => items[i] as T);
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

export function alnum(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    s += ALNUM[Math.floor(rng() * ALNUM.length)];
  }
  return s;
}

export function hex(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    s += HEX[Math.floor(rng() * 16)];
  }
  return s;
}

/** A version-4 style UUID from the stream. */
export function uuid(rng: Rng): string {
  const h = hex(rng, 32).split('');
  h[12] = '4';
  h[16] = HEX[8 + Math.floor(rng() * 4)] ?? '8';
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

// ------------------------------------------------------------------- time

export const DAY_MS = 86_400_000;

export function epochDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** 'YYYY-MM-DD' of an epoch day (UTC). */
export function dayString(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Parses a strict 'YYYY-MM-DD' into an epoch day, or null. */
export function parseDay(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) {
    return null;
  }
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    return null;
  }
  return ms / DAY_MS;
}

/** ISO-8601 UTC with 'Z' and no milliseconds. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** ISO-8601 UTC with microseconds, like Pydantic v2 serialises a Python datetime. */
export function isoMicros(ms: number, micros: number): string {
  const base = new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
  return `${base}.${String(micros % 1_000_000).padStart(6, '0')}Z`;
}

// ------------------------------------------------------------------ money

/** Formats an integer amount of 1/10^scale units as a decimal string with exactly `scale` decimals. */
export function formatScaled(units: number, scale: number, decimals = scale): string {
  if (!Number.isSafeInteger(units)) {
    throw new RangeError(`not a safe integer: ${units}`);
  }
  let v = BigInt(units);
  let sc = scale;
  // round half away from zero when fewer decimals are requested
  while (sc > decimals) {
    const neg = v < 0n;
    const abs = neg ? -v : v;
    const q = (abs + 5n) / 10n;
    v = neg ? -q : q;
    sc--;
  }
  const neg = v < 0n;
  const abs = (neg ? -v : v).toString().padStart(sc + 1, '0');
  const whole = abs.slice(0, abs.length - sc);
  const frac = abs.slice(abs.length - sc);
  return `${neg ? '-' : ''}${whole}${sc > 0 ? '.' + frac : ''}`;
}

/** Formats a 1/10000 amount with exactly 4 decimals. */
export function fmtE4(units: number): string {
  return formatScaled(units, 4);
}

/** Percentage numerator/denominator × 100 with exactly 2 decimals, integer arithmetic. */
export function pct2(num: number, den: number): string {
  if (den <= 0) {
    return '0.00';
  }
  const v = (BigInt(Math.round(num)) * 10000n * 2n + BigInt(den)) / (2n * BigInt(den));
  return formatScaled(Number(v), 2);
}

/** Largest-remainder apportionment of an integer total over integer weights; sums exactly to total. */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sumW = weights.reduce((a, b) => a + b, 0);
  const out = new Array<number>(weights.length).fill(0);
  if (total <= 0 || sumW <= 0) {
    return out;
  }
  const rems: { i: number; r: number }[] = [];
  let given = 0;
  weights.forEach((w, i) => {
    const exact = (total * w) / sumW;
    const fl = Math.floor(exact);
    out[i] = fl;
    given += fl;
    rems.push({ i, r: exact - fl });
  });
  rems.sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; k < total - given; k++) {
    const e = rems[k % rems.length];
    if (e) {
      out[e.i] = (out[e.i] ?? 0) + 1;
    }
  }
  return out;
}
