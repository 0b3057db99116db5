/**
 * Display formatting of numbers and money (the models tree, the status bar). No 'vscode' import: the caller passes
 * the display language (vscode.env.language). Money stays a decimal string end to end:
 * Intl.NumberFormat formats the string itself (exact decimal, no float conversion); nothing here does arithmetic
 * on an amount.
 */
import type { Money } from '../core/money';
import { isDecimal } from '../core/money';

const cache = new Map<string, Intl.NumberFormat>();

/** A formatter for the display language (vscode.env.language), falling back to English for an unknown tag. */
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    try {
      f = new Intl.NumberFormat(locale, options);
    } catch {
      f = new Intl.NumberFormat('en', options);
    }
    cache.set(key, f);
  }
  return f;
}

export interface MoneyFormatOptions {
  /** Fewest fraction digits shown (default 2). */
  readonly minFraction?: number;
  /** Most fraction digits shown, rounded half-up on the decimal string (default 2). */
  readonly maxFraction?: number;
}

/** "¥1,234.56" / "$0.15" (narrow symbol, grouping per the display language), from the decimal string as given. */
export function formatMoney(m: Money, locale: string, opts: MoneyFormatOptions = {}): string {
  const min = opts.minFraction ?? 2;
  const max = Math.max(min, opts.maxFraction ?? 2);
  if (!isDecimal(m.amount)) return `${m.amount} ${m.currency}`;
  // Intl.NumberFormat (ES2023) formats a numeric string exactly, without going through a double
  return numberFormat(locale, { style: 'currency', currency: m.currency, currencyDisplay: 'narrowSymbol', minimumFractionDigits: min, maximumFractionDigits: max })
    .format(m.amount.trim() as Intl.StringNumericLiteral);
}

/** A model price per 1M tokens: two decimals, more (up to 4) when the price needs them (0.144, 0.0288). */
export function formatPrice(m: Money, locale: string): string {
  return formatMoney(m, locale, { minFraction: 2, maxFraction: 4 });
}

/** A balance as shown in the status bar: two decimals. */
export function formatBalance(m: Money, locale: string): string {
  return formatMoney(m, locale, { minFraction: 2, maxFraction: 2 });
}

/** A balance exactly as the gateway reported it (tooltip), up to 6 decimals. */
export function formatBalanceExact(m: Money, locale: string): string {
  return formatMoney(m, locale, { minFraction: 2, maxFraction: 6 });
}

/**
 * A token count in short form: 128000 → "128K", 131072 → "128K", 1048576 → "1M", 1047576 → "1M", 8191 → "8.2K".
 * Round thousands use 1000; other multiples of 1024 use 1024 (how vendors advertise 32K/128K windows).
 */
export function formatTokenCount(n: number, locale: string): string {
  if (!Number.isFinite(n) || n < 0) return String(n);
  if (n < 1000) return numberFormat(locale, { maximumFractionDigits: 0 }).format(n);
  const base = n % 1000 !== 0 && n % 1024 === 0 ? 1024 : 1000;
  const [value, unit] = n >= base * base * 0.95 ? [n / (base * base), 'M'] : [n / base, 'K'];
  const digits = value < 10 ? 1 : 0;
  return `${numberFormat(locale, { maximumFractionDigits: digits }).format(value)}${unit}`;
}

/** Plain integer with grouping ("32,768"). */
export function formatInteger(n: number, locale: string): string {
  return numberFormat(locale, { maximumFractionDigits: 0 }).format(n);
}
