/**
 * Reads what a budget check needs from one connection's gateway (no 'vscode'): balance, this month's and today's
 * spend, the spend of the complete days before today (the runway's trend), the gateway's own budget and status
 * figures, and the keys the user set limits on. Days and months are UTC days and months (AIone's usage rows are UTC
 * days; AIHubMix's logs are read over the same UTC boundaries). Each part that fails is named in `errors` and
 * left out; the rest is still evaluated.
 *
 * Requests per check: AIone — billing account, one usage query by day (month so far, at least the last 8 days),
 * the dashboard (month so far), the first page of keys and one usage query per key with limits. AIHubMix — the
 * user (balance, reminder threshold), one usage statistic per day of the last 8 and one for the month, the first
 * page of keys and two statistics per key with limits.
 */
import Big from 'big.js';
import { addDecimal } from '../../core/money';
import { RUNWAY_WINDOW_DAYS } from '../../core/runway';
import type { ApiKey } from '../../core/types';
import { mapLimit } from '../../core/usageSeries';
import type { Gateway } from '../../gateway/gateway';
import type { ConnectionFigures, KeyFigures } from './evaluate';
import type { ConnectionLimits } from './settings';

const DAY_MS = 86_400_000;
/** Keys looked at (their names, their quota) per check: the first page. */
export const BUDGET_KEYS_PAGE = 100;
const PARALLEL = 3;

export interface FigureContext {
  readonly connectionId: string;
  readonly label: string;
  readonly gateway: Gateway;
  readonly limits: ConnectionLimits | undefined;
  readonly now: number;
  readonly signal?: AbortSignal;
  /** A failure → one sentence (the platform's userMessage). */
  readonly describe: (e: unknown) => string;
}

function utcDayStart(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

function utcMonthStart(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/** The UTC day starts of the `n` complete days before today's, oldest first. */
function pastDays(today: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => today - (n - i) * DAY_MS);
}

export async function readFigures(c: FigureContext): Promise<ConnectionFigures> {
  const g = c.gateway;
  const caps = g.capabilities;
  const today = utcDayStart(c.now);
  const monthStart = utcMonthStart(c.now);
  const end = today + DAY_MS;
  const errors: string[] = [];
  const opts = c.signal ? { signal: c.signal } : {};
  const soft = <T>(p: Promise<T>): Promise<T | undefined> =>
    p.catch((e: unknown) => {
      if (c.signal?.aborted) throw e;
      errors.push(c.describe(e));
      return undefined;
    });
  const keyLimits = c.limits?.keys ?? {};
  const limitedKeys = Object.keys(keyLimits);

  const accountP = caps.billingAccount ? soft(g.getBillingAccount(opts)) : Promise.resolve(undefined);
  const keysP = soft(g.listKeys({ page: 0, pageSize: BUDGET_KEYS_PAGE, ...opts }));
  let monthSpend: string | undefined;
  let todaySpend: string | undefined;
  let daily: string[] | undefined;
  let gatewayBudgetPct: string | undefined;
  let capacityStatus: string | undefined;
  let serviceStatus: string | undefined;
  let rpmUsagePct: string | undefined;
  const past = pastDays(today, RUNWAY_WINDOW_DAYS + 1);

  const spendP = (async () => {
    if (caps.usageSeries) {
      const from = Math.min(monthStart, past[0] ?? today);
      const rows = await soft(g.queryUsage({ start: from, end, groupBy: 'day' }, opts));
      if (!rows) return;
      const byDay = new Map<string, string>();
      for (const r of rows) {
        const day = r.bucket.slice(0, 10);
        byDay.set(day, addDecimal(byDay.get(day) ?? '0', r.cost.amount));
      }
      todaySpend = byDay.get(isoDay(today)) ?? '0';
      daily = past.map((t) => byDay.get(isoDay(t)) ?? '0');
      monthSpend = addDecimal('0', ...[...byDay].filter(([d]) => d >= isoDay(monthStart)).map(([, v]) => v));
    } else if (caps.usageLogs) {
      const ranges = [...past, today].map((t) => ({ start: t, end: t + DAY_MS - 1 }));
      const stats = await soft(mapLimit(ranges, PARALLEL, (r) => g.getUsageStat(r, opts)));
      if (stats) {
        const costs = stats.map((s) => s.cost.amount);
        todaySpend = costs[costs.length - 1];
        daily = costs.slice(0, -1);
      }
      const m = await soft(g.getUsageStat({ start: monthStart, end: end - 1 }, opts));
      if (m) monthSpend = m.cost.amount;
    }
  })();

  const dashP = (async () => {
    if (!caps.dashboard) return;
    const days = Math.round((today - monthStart) / DAY_MS) + 1;
    const d = await soft(g.getDashboard(days, opts));
    if (!d) return;
    gatewayBudgetPct = d.business?.budgetProgressPct;
    capacityStatus = d.business?.capacityStatus;
    serviceStatus = d.business?.serviceStatus;
    rpmUsagePct = d.rpmUsagePct;
  })();

  const [account, keysPage] = await Promise.all([accountP, keysP, spendP, dashP]);
  const listed = new Map<string, ApiKey>((keysPage?.items ?? []).map((k) => [k.id, k]));
  const keys: KeyFigures[] = await mapLimit(limitedKeys, PARALLEL, async (keyId) => {
    const k = listed.get(keyId) ?? (await soft(g.getKey(keyId, opts)));
    const keyName = k?.name || keyId;
    const quota =
      k?.quota && !k.quota.unlimited && k.quota.used && k.quota.remaining
        ? { quotaUsed: k.quota.used.amount, quotaRemaining: k.quota.remaining.amount }
        : {};
    let spend: { monthSpend?: string; todaySpend?: string } = {};
    if (caps.usageSeries) {
      const rows = await soft(g.queryUsage({ start: monthStart, end, groupBy: 'day', keyId }, opts));
      if (rows) {
        const mine = rows.filter((r) => r.keyId === undefined || r.keyId === keyId);
        spend = {
          monthSpend: addDecimal('0', ...mine.map((r) => r.cost.amount)),
          todaySpend: addDecimal(
            '0',
            ...mine.filter((r) => r.bucket.slice(0, 10) === isoDay(today)).map((r) => r.cost.amount),
          ),
        };
      }
    } else if (caps.usageLogs && k) {
      const [m, t] = await Promise.all([
        soft(g.getUsageStat({ start: monthStart, end: end - 1, keyName: k.name }, opts)),
        soft(g.getUsageStat({ start: today, end: end - 1, keyName: k.name }, opts)),
      ]);
      spend = { ...(m ? { monthSpend: m.cost.amount } : {}), ...(t ? { todaySpend: t.cost.amount } : {}) };
    }
    return { keyId, keyName, ...quota, ...spend };
  });
  return {
    connectionId: c.connectionId,
    label: c.label,
    currency: caps.currency,
    at: c.now,
    month: isoDay(today).slice(0, 7),
    day: isoDay(today),
    ...(account ? { balance: new Big(account.balance.amount).toString() } : {}),
    ...(monthSpend !== undefined ? { monthSpend } : {}),
    ...(todaySpend !== undefined ? { todaySpend } : {}),
    ...(daily ? { daily } : {}),
    ...(gatewayBudgetPct !== undefined ? { gatewayBudgetPct } : {}),
    ...(account?.monthlyBudget ? { gatewayMonthlyBudget: account.monthlyBudget.amount } : {}),
    ...(account?.remindThreshold ? { serverRemindThreshold: account.remindThreshold.amount } : {}),
    ...(capacityStatus !== undefined ? { capacityStatus } : {}),
    ...(serviceStatus !== undefined ? { serviceStatus } : {}),
    ...(rpmUsagePct !== undefined ? { rpmUsagePct } : {}),
    keys,
    errors,
  };
}
