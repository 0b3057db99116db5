/**
 * Display formatting of money, numbers and durations, the one formatter of the extension host and the webviews
 * (pure: no 'vscode', no DOM, no node builtins; the caller passes the display language, vscode.env.language).
 *
 * Money stays a decimal string end to end: Intl.NumberFormat formats the string itself (ES2023: exact decimal,
 * no float on the way), so nothing here does arithmetic on an amount. One rounding rule for every figure:
 * half away from zero ("half-up" for the positive amounts shown), at the number of digits its kind shows.
 */
import { isDecimal, toBig, type Money } from './money';

const cache = new Map<string, Intl.NumberFormat>();

/** A formatter for the display language, falling back to English for a tag Intl does not know. */
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  // Stryker disable next-line ConditionalExpression: → true only builds a new formatter each time (the cache saves work, not meaning); → false leaves none and every test fails (a disable covers a mutator on the whole line)
  if (!f) {
    try {
      f = new Intl.NumberFormat(locale, options);
    } catch {
      f = new Intl.NumberFormat('en', options);
    }
    // Stryker disable next-line CallExpression: without the cache each call builds the same formatter again
    cache.set(key, f);
  }
  return f;
}

/**
 * How many fraction digits an amount of money shows. One rule: a figure of 1 or more shows 2 decimals (¥18.94, never
 * ¥18.9378); a figure under 1 keeps up to the kind's most, so a small one is not shown as zero (0.0288):
 *   balance  2      an account balance (status bar, a connection's row)
 *   amount   2 – 4  a key's quota or spend, a total, a price per 1M tokens (under 1: up to 4)
 *   unit     2 – 6  the cost of one request or message (under 1: up to 6, ¥0.000123)
 *   exact    2 – 6  a balance exactly as the gateway reported it (a tooltip), whatever its size
 */
export type MoneyPrecision = 'balance' | 'amount' | 'unit' | 'exact';

const FRACTION: Readonly<Record<MoneyPrecision, readonly [min: number, max: number]>> = {
  // Stryker disable next-line ArrayDeclaration: the gateways' currencies (CNY, USD) have 2 minor digits, Intl's default when the bounds are left out
  balance: [2, 2],
  amount: [2, 4],
  unit: [2, 6],
  exact: [2, 6],
};

/** Fraction digits given explicitly (a figure whose kind is none of the above); rounded by the same rule. */
export interface MoneyDigits {
  readonly minFraction?: number;
  readonly maxFraction?: number;
}

/** Whether a decimal string is 1 or more in size (so its digits past the second are noise). */
function atLeastOne(amount: string): boolean {
  return toBig(amount).abs().gte(1);
}

/** Explicit digits: 2 for a bound not given, and the most never under the least. */
function explicitDigits(d: MoneyDigits): readonly [min: number, max: number] {
  const least = d.minFraction ?? 2;
  return [least, Math.max(least, d.maxFraction ?? 2)];
}

/** "¥1,234.56" / "$0.15": narrow currency symbol, grouping per the display language, from the decimal string as given. */
export function formatMoney(m: Money, locale: string, precision: MoneyPrecision | MoneyDigits = 'amount'): string {
  if (!isDecimal(m.amount)) return `${m.amount} ${m.currency}`;
  const [min, most] = typeof precision === 'string' ? FRACTION[precision] : explicitDigits(precision);
  const max = (precision === 'amount' || precision === 'unit') && atLeastOne(m.amount) ? min : most;
  return numberFormat(locale, {
    style: 'currency',
    currency: m.currency,
    currencyDisplay: 'narrowSymbol',
    minimumFractionDigits: min,
    maximumFractionDigits: max,
  }).format(m.amount.trim() as Intl.StringNumericLiteral);
}

/** Plain integer with grouping ("32,768"). */
export function formatInteger(n: number, locale: string): string {
  return numberFormat(locale, { maximumFractionDigits: 0 }).format(n);
}

/** A count in short form per the display language: 60 → "60", 120000 → "120K" (zh-cn "12万"), 2500000 → "2.5M". */
export function formatCompact(n: number, locale: string): string {
  if (!Number.isFinite(n)) return String(n);
  return numberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

/**
 * A token count in short form: 128000 → "128K", 131072 → "128K", 1048576 → "1M", 1047576 → "1M", 8191 → "8.2K".
 * Round thousands use 1000; other multiples of 1024 use 1024 (how vendors advertise 32K/128K windows).
 */
export function formatTokenCount(n: number, locale: string): string {
  // Stryker disable next-line EqualityOperator: `n <= 0` sends 0 to String(0), which reads as formatInteger(0) ("0"); `>=` is killed by every count test (a disable covers a mutator on the whole line)
  if (!Number.isFinite(n) || n < 0) return String(n);
  if (n < 1000) return formatInteger(n, locale);
  const base = n % 1000 !== 0 && n % 1024 === 0 ? 1024 : 1000;
  const [value, unit] = n >= base * base * 0.95 ? [n / (base * base), 'M'] : [n / base, 'K'];
  // Stryker disable next-line EqualityOperator: at exactly 10 there is no fraction to show, so 1 or 0 digits read the same; `>=` is killed by the 8.2K test (a disable covers a mutator on the whole line)
  const digits = value < 10 ? 1 : 0;
  return `${numberFormat(locale, { maximumFractionDigits: digits }).format(value)}${unit}`;
}

/** A latency or elapsed time in whole milliseconds ("1,234 ms"). */
export function formatMs(ms: number, locale: string): string {
  return `${formatInteger(Math.round(ms), locale)} ms`;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** A span of time in the one unit that reads best: minutes under an hour, hours under two days, else days. */
export interface Duration {
  readonly value: number;
  readonly unit: 'm' | 'h' | 'd';
}

/** Rounds a span to whole units of the unit it reads in, at least 1 (an instant away is "1 min"). */
export function durationOf(ms: number): Duration {
  const abs = Math.abs(ms);
  if (abs < HOUR_MS) return { value: roundUnits(abs, MINUTE_MS), unit: 'm' };
  if (abs < 2 * DAY_MS) return { value: roundUnits(abs, HOUR_MS), unit: 'h' };
  return { value: roundUnits(abs, DAY_MS), unit: 'd' };
}

/** A span in whole days by the same rule (at least 1): "expires in 3 d". */
export function daysOf(ms: number): number {
  return roundUnits(Math.abs(ms), DAY_MS);
}

function roundUnits(abs: number, unit: number): number {
  return Math.max(1, Math.round(abs / unit));
}

/**
 * An instant as a local date-time with its UTC offset, the one form every host surface shows ("2026-03-10 20:00
 * (UTC+08:00)"; a time of 00:00 or 23:59 — the end of a day — is left out). `offsetMinutes` is east of UTC (the
 * display's time zone: -new Date(ms).getTimezoneOffset()); a text that is no instant is returned as it was given.
 */
export function formatInstant(iso: string, offsetMinutes?: number): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const off = offsetMinutes ?? -new Date(ms).getTimezoneOffset();
  const d = new Date(ms + off * MINUTE_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  const sign = off >= 0 ? '+' : '-';
  const tz = `UTC${sign}${p(Math.floor(Math.abs(off) / 60))}:${p(Math.abs(off) % 60)}`;
  const time = `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
  const date = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`;
  return time === '23:59' || time === '00:00' ? `${date} (${tz})` : `${date} ${time} (${tz})`;
}

const COUNT_UNITS: Readonly<Record<string, number>> = { k: 3, K: 3, m: 6, M: 6, 万: 4, w: 4, W: 4, 亿: 8 };

export type CompactParse =
  | { readonly ok: true; readonly value: number }
  /** not a count at all / digits and unit that make no whole number ("1.2345k") / beyond a safe integer */
  | { readonly ok: false; readonly reason: 'format' | 'fraction' | 'too-large' };

/**
 * A count typed as the compact form shows it: "1M", "120K", "1.5k", "12万", "1,000,000", "60" → a whole number.
 * Exact on the digits (no float arithmetic): "1.1M" is 1,100,000; "1.2345k" is no whole number.
 */
export function parseCompact(text: string): CompactParse {
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*([kKmMwW万亿])?$/u.exec(text.trim());
  if (!m) return { ok: false, reason: 'format' };
  const whole = m[1]!.replace(/,/g, '');
  const frac = m[2] ?? '';
  const zeros = m[3] ? COUNT_UNITS[m[3]]! : 0;
  // digits past the unit's zeros must all be 0 ("1.50k" is 1500; "1.5" and "1.2345k" are not whole)
  if (!/^0*$/.test(frac.slice(zeros))) return { ok: false, reason: 'fraction' };
  // Number() reads leading zeros as the decimal they are ("007" is 7)
  const value = Number(whole + frac.slice(0, zeros).padEnd(zeros, '0'));
  return !Number.isSafeInteger(value) ? { ok: false, reason: 'too-large' } : { ok: true, value };
}
