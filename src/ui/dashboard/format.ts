/**
 * Number, money and date formatting for the dashboard, per VS Code's language: numbers and money through the one
 * formatter of the extension (core/format; money stays a decimal string), dates and zone offsets here.
 */
import { formatCompact, formatInteger, formatMoney, formatMs } from '../../core/format';
import type { Currency } from '../../core/money';

export class Fmt {
  constructor(readonly locale: string) {}

  count(n: number): string {
    return formatInteger(n, this.locale);
  }

  short(n: number): string {
    return formatCompact(n, this.locale);
  }

  /**
   * A decimal string in its currency (Intl formats the string itself, no float rounding on the way): by the one rule
   * of an amount unless the digits are given (an axis, an invoice, a balance exactly as reported).
   */
  amount(amount: string, currency: Currency, maxDigits?: number): string {
    return formatMoney(
      { amount, currency },
      this.locale,
      maxDigits === undefined ? 'amount' : { minFraction: 2, maxFraction: maxDigits },
    );
  }

  ms(n: number): string {
    return formatMs(n, this.locale);
  }

  pct(p: string): string {
    return `${p}%`;
  }

  /** An invoice period: "2026-05" as the month in the language ("May 2026", "2026年5月"); anything else as sent. */
  period(p: string): string {
    const m = /^(\d{4})-(\d{2})$/.exec(p);
    if (!m) return p;
    return new Intl.DateTimeFormat(this.locale, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(
      Date.UTC(Number(m[1]), Number(m[2]) - 1, 1),
    );
  }

  /** ISO date-time → a short date in the given zone. */
  date(iso: string | null | undefined, timeZone: string): string {
    if (!iso) return '—';
    const t = Date.parse(iso);
    if (Number.isNaN(t)) return iso;
    return new Intl.DateTimeFormat(this.locale, { timeZone, year: 'numeric', month: 'short', day: 'numeric' }).format(
      t,
    );
  }
}

/** "UTC+08:00" for the zone at `at`. */
export function offsetLabel(timeZone: string, at: number): string {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(at);
    const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
    return name.replace(/^GMT/, 'UTC') || 'UTC';
  } catch {
    return '';
  }
}
