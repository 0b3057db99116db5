/**
 * From what a gateway reported (figures) and the user's limits to readings: one per thing that can be crossed,
 * with the level reached now (0 = below every threshold). Pure (no 'vscode'); percent and money compare as decimals.
 *
 * - Budget (per connection): month spend / the user's monthly budget; without one, the gateway's own figure
 *   (AIone's budget_progress_pct), else month spend / the account's monthly budget.
 * - Key budget: the key's month spend / its monthly budget; an AIHubMix key with limits set and a finite quota
 *   also reads its quota used / (used + remaining) against the thresholds.
 * - Balance floor, daily cap: crossed or not (level 100 / 0). The daily cap is per day; everything else per month.
 * - AIone capacity_status other than "sufficient", service_status other than "normal", rpm_usage_pct at or above
 *   the RPM warning percent: crossed (per day).
 */
import Big from 'big.js';
import { type Money, toBig } from '../../core/money';
import type { BudgetSettings, KeyLimits } from './settings';

export type BudgetMetric = 'budget' | 'quota' | 'floor' | 'daily' | 'capacity' | 'service' | 'rpm';

export interface KeyFigures {
  readonly keyId: string;
  readonly keyName: string;
  /** This month's spend of the key (decimal string), when read. */
  readonly monthSpend?: string;
  readonly todaySpend?: string;
  /** The key's quota, when finite: used and remaining (AIHubMix). */
  readonly quotaUsed?: string;
  readonly quotaRemaining?: string;
}

export interface ConnectionFigures {
  readonly connectionId: string;
  readonly label: string;
  readonly currency: Money['currency'];
  /** When read (ms epoch). */
  readonly at: number;
  /** `YYYY-MM` and `YYYY-MM-DD` (UTC) the spend figures belong to. */
  readonly month: string;
  readonly day: string;
  readonly balance?: string;
  readonly monthSpend?: string;
  readonly todaySpend?: string;
  /** Spend of each complete day before today, oldest first (the runway's trend). */
  readonly daily?: readonly string[];
  /** AIone's budget_progress_pct for the month so far. */
  readonly gatewayBudgetPct?: string;
  /** The account's monthly budget the gateway holds (AIone). */
  readonly gatewayMonthlyBudget?: string;
  /** AIHubMix's quota_remind_threshold (the gateway e-mails under this balance). */
  readonly serverRemindThreshold?: string;
  readonly capacityStatus?: string;
  readonly serviceStatus?: string;
  readonly rpmUsagePct?: string;
  readonly keys: readonly KeyFigures[];
  /** Sentences of what could not be read (the rest is still evaluated). */
  readonly errors: readonly string[];
}

export interface Reading {
  /** `<connectionId>|<keyId or ''>|<metric>`: what the crossing memory is keyed by (with the period). */
  readonly id: string;
  readonly connectionId: string;
  readonly keyId?: string;
  readonly keyName?: string;
  readonly metric: BudgetMetric;
  /** The period the level belongs to: `YYYY-MM` or `YYYY-MM-DD`. */
  readonly period: string;
  /** The highest threshold reached now (percent); 100 for a crossed floor / cap / status; 0 below all. */
  readonly level: number;
  /** The figure: a percent (budget, quota, rpm), an amount (floor, daily), or a status word. */
  readonly value: string;
  /** What it is measured against: a budget or cap amount, the floor, the RPM percent; absent for a status. */
  readonly limit?: string;
  /** Where the budget came from (budget metric only). */
  readonly source?: 'user' | 'gateway-pct' | 'gateway-budget';
  readonly severity: 'warning' | 'error';
}

const EXPECTED_CAPACITY = 'sufficient';
const EXPECTED_SERVICE = 'normal';

/** The highest threshold at or under `pct`, or 0. */
export function levelOf(pct: string, thresholds: readonly number[]): number {
  const p = toBig(pct);
  let level = 0;
  for (const t of thresholds) if (p.gte(t) && t > level) level = t;
  return level;
}

/** `part / whole · 100` to 2 places (half-up); undefined when whole is not positive. */
export function percentOf(part: string, whole: string): string | undefined {
  const w = toBig(whole);
  if (w.lte(0)) return undefined;
  return toBig(part).times(100).div(w).round(2, Big.roundHalfUp).toFixed(2);
}

function pctReading(
  base: Pick<Reading, 'connectionId' | 'keyId' | 'keyName'>,
  metric: 'budget' | 'quota',
  period: string,
  pct: string,
  thresholds: readonly number[],
  limit?: string,
  source?: Reading['source'],
): Reading {
  const level = levelOf(pct, thresholds);
  return {
    ...base,
    id: `${base.connectionId}|${base.keyId ?? ''}|${metric}`,
    metric,
    period,
    level,
    value: pct,
    ...(limit !== undefined ? { limit } : {}),
    ...(source ? { source } : {}),
    severity: level >= 100 ? 'error' : 'warning',
  };
}

function flagReading(
  base: Pick<Reading, 'connectionId' | 'keyId' | 'keyName'>,
  metric: BudgetMetric,
  period: string,
  crossed: boolean,
  value: string,
  limit: string | undefined,
  severity: Reading['severity'],
): Reading {
  return {
    ...base,
    id: `${base.connectionId}|${base.keyId ?? ''}|${metric}`,
    metric,
    period,
    level: crossed ? 100 : 0,
    value,
    ...(limit !== undefined ? { limit } : {}),
    severity,
  };
}

function keyReadings(f: ConnectionFigures, k: KeyFigures, limits: KeyLimits, thresholds: readonly number[]): Reading[] {
  const out: Reading[] = [];
  const base = { connectionId: f.connectionId, keyId: k.keyId, keyName: k.keyName };
  const t = limits.thresholds ?? thresholds;
  if (limits.monthlyBudget !== undefined && k.monthSpend !== undefined) {
    const pct = percentOf(k.monthSpend, limits.monthlyBudget);
    if (pct !== undefined) out.push(pctReading(base, 'budget', f.month, pct, t, limits.monthlyBudget, 'user'));
  }
  if (k.quotaUsed !== undefined && k.quotaRemaining !== undefined) {
    const total = toBig(k.quotaUsed).plus(toBig(k.quotaRemaining)).toString();
    const pct = percentOf(k.quotaUsed, total);
    if (pct !== undefined) out.push(pctReading(base, 'quota', f.month, pct, t, total));
  }
  if (limits.dailyCap !== undefined && k.todaySpend !== undefined) {
    const over = toBig(k.todaySpend).gte(toBig(limits.dailyCap)) && toBig(limits.dailyCap).gt(0);
    out.push(flagReading(base, 'daily', f.day, over, k.todaySpend, limits.dailyCap, 'warning'));
  }
  return out;
}

/** Every reading of one connection's figures under the settings (readings whose figure is unknown are left out). */
export function evaluate(f: ConnectionFigures, s: BudgetSettings): Reading[] {
  const limits = s.limits[f.connectionId];
  const thresholds = limits?.thresholds ?? s.thresholds;
  const base = { connectionId: f.connectionId };
  const out: Reading[] = [];
  // the month's budget: the user's amount first, then what the gateway holds
  if (limits?.monthlyBudget !== undefined && f.monthSpend !== undefined) {
    const pct = percentOf(f.monthSpend, limits.monthlyBudget);
    if (pct !== undefined) out.push(pctReading(base, 'budget', f.month, pct, thresholds, limits.monthlyBudget, 'user'));
  } else if (limits?.monthlyBudget === undefined && f.gatewayBudgetPct !== undefined) {
    out.push(
      pctReading(base, 'budget', f.month, f.gatewayBudgetPct, thresholds, f.gatewayMonthlyBudget, 'gateway-pct'),
    );
  } else if (
    limits?.monthlyBudget === undefined &&
    f.gatewayMonthlyBudget !== undefined &&
    f.monthSpend !== undefined
  ) {
    const pct = percentOf(f.monthSpend, f.gatewayMonthlyBudget);
    if (pct !== undefined)
      out.push(pctReading(base, 'budget', f.month, pct, thresholds, f.gatewayMonthlyBudget, 'gateway-budget'));
  }
  if (limits?.balanceFloor !== undefined && f.balance !== undefined) {
    const under = toBig(f.balance).lte(toBig(limits.balanceFloor));
    out.push(flagReading(base, 'floor', f.month, under, f.balance, limits.balanceFloor, 'error'));
  }
  if (limits?.dailyCap !== undefined && f.todaySpend !== undefined) {
    const over = toBig(limits.dailyCap).gt(0) && toBig(f.todaySpend).gte(toBig(limits.dailyCap));
    out.push(flagReading(base, 'daily', f.day, over, f.todaySpend, limits.dailyCap, 'warning'));
  }
  if (f.capacityStatus !== undefined) {
    const bad = f.capacityStatus.trim().toLowerCase() !== EXPECTED_CAPACITY;
    out.push(flagReading(base, 'capacity', f.day, bad, f.capacityStatus, undefined, 'warning'));
  }
  if (f.serviceStatus !== undefined) {
    const bad = f.serviceStatus.trim().toLowerCase() !== EXPECTED_SERVICE;
    out.push(flagReading(base, 'service', f.day, bad, f.serviceStatus, undefined, 'warning'));
  }
  if (f.rpmUsagePct !== undefined) {
    const high = toBig(f.rpmUsagePct).gte(s.rpmWarningPercent);
    out.push(flagReading(base, 'rpm', f.day, high, f.rpmUsagePct, String(s.rpmWarningPercent), 'warning'));
  }
  for (const k of f.keys) {
    const kl = limits?.keys[k.keyId];
    if (kl) out.push(...keyReadings(f, k, kl, thresholds));
  }
  return out;
}

/** The readings that are crossed now, worst first (errors, then the highest level). */
export function crossed(readings: readonly Reading[]): Reading[] {
  return readings
    .filter((r) => r.level > 0)
    .sort(
      (a, b) =>
        (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
        b.level - a.level ||
        a.id.localeCompare(b.id),
    );
}
