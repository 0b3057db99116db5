import Big from 'big.js';

/** Money is always carried as a decimal string with its currency; arithmetic goes through big.js, never floats. */
export type Currency = 'CNY' | 'USD';

export interface Money {
  readonly amount: string; // decimal string, e.g. "12.3400"
  readonly currency: Currency;
}

/** AIHubMix (one-api) quota units per US dollar. */
export const QUOTA_PER_USD = 500_000;

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

export function isDecimal(value: string): boolean {
  return DECIMAL.test(value.trim());
}

/** Parses a decimal given as a string or a JSON number; throws on anything else. */
export function toBig(value: string | number): Big {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new RangeError(`not a finite number: ${value}`);
    }
    return new Big(value);
  }
  if (!isDecimal(value)) {
    throw new RangeError(`not a decimal: ${JSON.stringify(value)}`);
  }
  return new Big(value.trim());
}

export function money(amount: string | number, currency: Currency): Money {
  return { amount: toBig(amount).toString(), currency };
}

export function addDecimal(...values: ReadonlyArray<string>): string {
  return values.reduce((sum, v) => sum.plus(toBig(v)), new Big(0)).toString();
}

export function mulDecimal(a: string | number, b: string | number): string {
  return toBig(a).times(toBig(b)).toString();
}

export function divDecimal(a: string | number, b: string | number, dp = 12): string {
  const divisor = toBig(b);
  if (divisor.eq(0)) {
    throw new RangeError('division by zero');
  }
  const saved = Big.DP;
  Big.DP = dp;
  try {
    return toBig(a).div(divisor).toString();
  } finally {
    Big.DP = saved;
  }
}

export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  return toBig(a).cmp(toBig(b));
}

/** Rounds half-up to `dp` places and keeps trailing zeros, for display and exports. */
export function fixedDecimal(value: string, dp: number): string {
  return toBig(value).toFixed(dp, Big.roundHalfUp);
}

/** one-api quota units → USD, exactly (1 USD = 500,000 units). */
export function quotaToUsd(units: number | string): string {
  return divDecimal(typeof units === 'number' ? String(Math.trunc(units)) : units, QUOTA_PER_USD);
}

/** USD → one-api quota units (integers; rounds half-up to the nearest unit). */
export function usdToQuota(usd: string): number {
  const units = toBig(usd).times(QUOTA_PER_USD).round(0, Big.roundHalfUp);
  const n = Number(units.toString());
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`quota out of range: ${usd} USD`);
  }
  return n;
}
