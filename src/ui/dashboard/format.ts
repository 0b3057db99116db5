/** Number, money and date formatting for the dashboard, per VS Code's language (Intl; money stays a decimal string). */

export class Fmt {
  private readonly int: Intl.NumberFormat;
  private readonly compact: Intl.NumberFormat;
  private readonly money = new Map<string, Intl.NumberFormat>();

  constructor(readonly locale: string) {
    this.int = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
    this.compact = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 });
  }

  count(n: number): string {
    return this.int.format(n);
  }

  short(n: number): string {
    return this.compact.format(n);
  }

  /** A decimal string in its currency: exact digits (Intl formats the string itself, no float rounding on the way). */
  amount(amount: string, currency: string, maxDigits = 4): string {
    const k = `${currency}/${maxDigits}`;
    let f = this.money.get(k);
    if (!f) {
      f = new Intl.NumberFormat(this.locale, { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: maxDigits });
      this.money.set(k, f);
    }
    return f.format(amount as `${number}`);
  }

  ms(n: number): string {
    return `${this.int.format(n)} ms`;
  }

  pct(p: string): string {
    return `${p}%`;
  }

  /** ISO date-time → a short date in the given zone. */
  date(iso: string | null | undefined, timeZone: string): string {
    if (!iso) return '—';
    const t = Date.parse(iso);
    if (Number.isNaN(t)) return iso;
    return new Intl.DateTimeFormat(this.locale, { timeZone, year: 'numeric', month: 'short', day: 'numeric' }).format(t);
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
