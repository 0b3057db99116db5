/**
 * Key warnings for the status bar, worst first. Pure (no 'vscode'): quota comparisons go through decimal
 * strings (core/money), never floats.
 */
import { type Money, addDecimal, compareDecimal, divDecimal, fixedDecimal, mulDecimal } from '../../core/money';
import type { ApiKey } from '../../core/types';

export const EXPIRY_WARNING_DAYS = 7;
/** Remaining quota under this share of (remaining + used) is "low". */
export const LOW_QUOTA_PERCENT = '10';

export type KeyWarning =
  | { readonly kind: 'exhausted'; readonly keyId: string; readonly keyName: string }
  | {
      readonly kind: 'expiring';
      readonly keyId: string;
      readonly keyName: string;
      readonly expiresAt: string;
      readonly msLeft: number;
    }
  | {
      readonly kind: 'low-quota';
      readonly keyId: string;
      readonly keyName: string;
      readonly remaining: Money;
      readonly percentLeft: string;
    };

const RANK: Record<KeyWarning['kind'], number> = { exhausted: 0, expiring: 1, 'low-quota': 2 };

function isExhausted(k: ApiKey): boolean {
  if (k.status === 'exhausted') return true;
  const q = k.quota;
  return (
    !!q &&
    !q.unlimited &&
    q.remaining !== undefined &&
    k.status === 'active' &&
    compareDecimal(q.remaining.amount, '0') <= 0
  );
}

/** Every warning over `keys`, worst first: exhausted, then the soonest expiry, then the lowest quota share. */
export function keyWarnings(keys: readonly ApiKey[], now: number): KeyWarning[] {
  const out: KeyWarning[] = [];
  for (const k of keys) {
    const keyName = k.name || k.maskedKey || k.id;
    if (k.status === 'disabled' || k.status === 'expired') continue; // not in use: nothing to warn about
    if (isExhausted(k)) {
      out.push({ kind: 'exhausted', keyId: k.id, keyName });
      continue;
    }
    // Stryker disable next-line ConditionalExpression: no expiry parses to NaN below and warns of nothing
    if (k.expiresAt) {
      const at = Date.parse(k.expiresAt);
      const left = at - now;
      if (Number.isFinite(at) && left > 0 && left <= EXPIRY_WARNING_DAYS * 86_400_000) {
        out.push({ kind: 'expiring', keyId: k.id, keyName, expiresAt: k.expiresAt, msLeft: left });
      }
    }
    const q = k.quota;
    if (q && !q.unlimited && q.remaining && q.used) {
      const total = addDecimal(q.remaining.amount, q.used.amount);
      // remaining * 100 < total * 10  ⇔  remaining < 10 % of total
      if (
        compareDecimal(total, '0') > 0 &&
        compareDecimal(mulDecimal(q.remaining.amount, 100), mulDecimal(total, LOW_QUOTA_PERCENT)) < 0
      ) {
        out.push({
          kind: 'low-quota',
          keyId: k.id,
          keyName,
          remaining: q.remaining,
          percentLeft: fixedDecimal(divDecimal(mulDecimal(q.remaining.amount, 100), total), 1),
        });
      }
    }
  }
  return out.sort((a, b) => {
    if (a.kind !== b.kind) return RANK[a.kind] - RANK[b.kind];
    // both kinds are equal here (different kinds returned above): testing one is testing both
    // Stryker disable next-line ConditionalExpression,LogicalOperator: the kinds are equal here
    if (a.kind === 'expiring' && b.kind === 'expiring') return a.msLeft - b.msLeft;
    // Stryker disable next-line ConditionalExpression,LogicalOperator: the kinds are equal here
    if (a.kind === 'low-quota' && b.kind === 'low-quota') return compareDecimal(a.percentLeft, b.percentLeft);
    return a.keyName.localeCompare(b.keyName);
  });
}
