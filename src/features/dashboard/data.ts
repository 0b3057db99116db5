/**
 * The dashboard's data service: for one connection, one range and one time zone, loads each section on its own
 * (a failing section never stops the others) and shapes it for the webview. Asks the gateway's capabilities,
 * never its name.
 */
import * as vscode from 'vscode';
import { userMessage } from '../../platform/errors';
import type { GatewayCapabilities } from '../../gateway/gateway';
import { isGatewayError } from '../../gateway/errors';
import {
  aggregate,
  groupTotals,
  percentile,
  pointsFromLogs,
  pointsFromRows,
  mapLimit,
  readAllPages,
  utcDayChunks,
  type UsageBucket,
  type UsagePoint,
  type UsageTotals,
} from '../../core/usage';
import type { Invoice, UsageLog } from '../../core/types';
import type {
  AccountSectionData,
  ExtrasSectionData,
  GroupSectionData,
  InvoicesSectionData,
  PlanSectionData,
  SectionDataMap,
  SectionId,
  SectionState,
  UsageSectionData,
} from '../../webview/dashboardProtocol';

// the names other modules read from here (the rest of the limits: ./limits)
export {
  USAGE_HISTORY_DAYS,
  MAX_REQUESTS_PER_VIEW,
  RequestBudget,
  boundChoices,
  type DashboardContext,
  type ResolvedRange,
} from './limits';
import {
  HOURLY_MAX_UTC_DAYS,
  RequestBudgetError,
  LOG_PAGE_SIZE,
  MAX_LOG_PAGES,
  INVOICE_PAGE_SIZE,
  USAGE_CHUNK_PARALLELISM,
  type DashboardContext,
  type ResolvedRange,
  resolveRange,
} from './limits';

type Loader<K extends SectionId> = () => Promise<SectionState<SectionDataMap[K]>>;

/** Loads the sections of one view (one generation); shared fetches (logs, usage rows) are made once. */
export class DashboardLoad {
  readonly resolved: ResolvedRange;
  private logs: Promise<{ items: UsageLog[]; truncated: boolean }> | undefined;
  private rows = new Map<string, Promise<UsagePoint[]>>();

  constructor(private readonly c: DashboardContext) {
    this.resolved = resolveRange(c.gateway, c.choices, c.timeZone, c.now);
  }

  /** One gateway request, counted against the view's budget. */
  private call<T>(fn: () => Promise<T>): Promise<T> {
    this.c.budget.take();
    return fn();
  }

  /** What the connection's gateway can do (its billing currency among them). */
  get capabilities(): GatewayCapabilities {
    return this.c.gateway.capabilities;
  }

  private get caps(): GatewayCapabilities {
    return this.capabilities;
  }

  private unsupported<T>(): SectionState<T> {
    return { status: 'unsupported', message: vscode.l10n.t('Not offered by {0}', this.c.gatewayLabel) };
  }

  /** Runs one section's loader; any failure becomes that section's error sentence. */
  async section<K extends SectionId>(id: K, invoicePage = 0): Promise<SectionState<SectionDataMap[K]>> {
    const loaders: { [P in SectionId]: Loader<P> } = {
      usage: () => this.usage(),
      extras: () => this.extras(),
      models: () => this.groups('model'),
      teams: () => this.groups('team'),
      keys: () => this.groups('key'),
      plan: () => this.plan(),
      account: () => this.account(),
      invoices: () => this.invoices(invoicePage),
    };
    try {
      return await (loaders[id] as Loader<K>)();
    } catch (e) {
      if (isGatewayError(e) && e.kind === 'unsupported') return this.unsupported();
      return {
        status: 'error',
        message: userMessage(e),
        summary: plainSummary(e),
        endpoint: isGatewayError(e) && e.operation ? e.operation : id,
      };
    }
  }

  // ---- shared fetches ----

  private allLogs(): Promise<{ items: UsageLog[]; truncated: boolean }> {
    const { range } = this.resolved;
    this.logs ??= readAllPages(
      (page, pageSize) =>
        this.call(() =>
          this.c.gateway.listUsageLogs(
            { start: range.start, end: range.end - 1, page, pageSize },
            { signal: this.c.signal },
          ),
        ),
      LOG_PAGE_SIZE,
      Math.max(1, Math.min(MAX_LOG_PAGES, this.c.budget.left - 2)),
    );
    return this.logs;
  }

  /**
   * AIone usage rows over the range: hourly in chunks of ≤ 7 UTC days (exact in any whole-hour zone), else in chunks
   * of at most the gateway's `maxUsageRangeDays` UTC days (a longer custom range just works); ≤ 3 requests at a time.
   */
  private usageRows(groupBy: 'hour' | 'day' | 'model' | 'key' | 'team'): Promise<UsagePoint[]> {
    let p = this.rows.get(groupBy);
    if (!p) {
      const { range } = this.resolved;
      const maxDays = this.caps.maxUsageRangeDays;
      const chunks =
        groupBy === 'hour'
          ? utcDayChunks(range, HOURLY_MAX_UTC_DAYS)
          : maxDays
            ? utcDayChunks(range, maxDays)
            : [range];
      // every chunk is reserved before the first is asked: a range too long for the cap fails without a request
      p = (async () => {
        this.c.budget.take(chunks.length);
        const lists = await mapLimit(chunks, USAGE_CHUNK_PARALLELISM, (ch) =>
          this.c.gateway.queryUsage({ start: ch.start, end: ch.end, groupBy }, { signal: this.c.signal }),
        );
        return lists.flatMap((rows) => pointsFromRows(rows));
      })();
      this.rows.set(groupBy, p);
    }
    return p;
  }

  // ---- sections ----

  private async usage(): Promise<SectionState<UsageSectionData>> {
    const { range, granularity } = this.resolved;
    if (this.caps.usageSeries) {
      const hourly = this.caps.hourlyUsage;
      const points = await this.usageRows(hourly ? 'hour' : 'day');
      const a = aggregate(points, { range, timeZone: this.resolved.timeZone, granularity });
      return { status: 'ready', data: this.usageData(a.buckets, a.totals) };
    }
    if (this.caps.usageLogs) {
      const logs = await this.allLogs();
      const a = aggregate(pointsFromLogs(logs.items), { range, timeZone: this.resolved.timeZone, granularity });
      const note = logs.truncated
        ? vscode.l10n.t(
            'Only the newest {0} requests of this range were read; the figures are partial.',
            logs.items.length,
          )
        : undefined;
      return { status: 'ready', data: this.usageData(a.buckets, a.totals, note) };
    }
    return this.unsupported();
  }

  /** The usage section: when it was read, and the first day with usage when the days before it have none. */
  private usageData(buckets: readonly UsageBucket[], totals: UsageTotals, note?: string): UsageSectionData {
    const first = buckets.findIndex((b) => b.requests > 0);
    const noDataBefore =
      this.resolved.granularity === 'day' && first > 0 ? buckets[first]?.key.slice(0, 10) : undefined;
    return {
      currency: this.caps.currency,
      granularity: this.resolved.granularity,
      buckets,
      totals,
      asOf: this.c.now,
      ...(note ? { note } : {}),
      ...(noDataBefore ? { noDataBefore } : {}),
    };
  }

  private async extras(): Promise<SectionState<ExtrasSectionData>> {
    const { range, days } = this.resolved;
    if (this.caps.dashboard) {
      if (this.c.choices.range.preset === 'custom' || days > 365) return this.unsupported();
      const d = await this.call(() => this.c.gateway.getDashboard(days, { signal: this.c.signal }));
      return {
        status: 'ready',
        data: {
          ...(d.p99LatencyMs !== undefined ? { p99LatencyMs: d.p99LatencyMs } : {}),
          ...(d.rpmUsagePct !== undefined ? { rpmUsagePct: d.rpmUsagePct } : {}),
          basis: vscode.l10n.t('last {0} UTC days', days),
        },
      };
    }
    if (this.caps.usageLogs) {
      const [stat, logs] = await Promise.all([
        this.call(() =>
          this.c.gateway.getUsageStat({ start: range.start, end: range.end - 1 }, { signal: this.c.signal }),
        ),
        this.allLogs(),
      ]);
      const latencies = logs.items.flatMap((l) =>
        l.elapsedMs !== undefined && Date.parse(l.at) >= range.start && Date.parse(l.at) < range.end
          ? [l.elapsedMs]
          : [],
      );
      const p99 = percentile(latencies, 99);
      return {
        status: 'ready',
        data: {
          ...(p99 !== undefined ? { p99LatencyMs: p99 } : {}),
          ...(stat.rpm !== undefined ? { rpm: stat.rpm } : {}),
          ...(stat.tpm !== undefined ? { tpm: stat.tpm } : {}),
          statCost: stat.cost,
        },
      };
    }
    return this.unsupported();
  }

  private async groups(by: 'model' | 'key' | 'team'): Promise<SectionState<GroupSectionData>> {
    const { range } = this.resolved;
    const currency = this.caps.currency;
    const sortBy = by === 'model' ? 'requests' : by === 'key' ? this.c.choices.keySort : 'cost';
    if (by === 'team' && !this.caps.teams) return this.unsupported();
    if (this.caps.usageSeries) {
      const [points, teams] = await Promise.all([
        this.usageRows(by),
        by === 'team' ? this.call(() => this.c.gateway.listTeams({ signal: this.c.signal })) : Promise.resolve([]),
      ]);
      const names = new Map(teams.map((t) => [t.id, t.name]));
      const keyNames =
        by === 'key' && points.some((p) => p.keyId && !p.keyName) ? await this.keyNames() : new Map<string, string>();
      // rows are per UTC day and the view's days are UTC days here (resolveRange): every row returned is in range
      const whole = { start: Number.MIN_SAFE_INTEGER, end: Number.MAX_SAFE_INTEGER };
      const rows = groupTotals(
        points,
        whole,
        (p) => {
          if (by === 'model') return p.model ? { id: p.model, label: p.model } : undefined;
          if (by === 'key')
            return p.keyId ? { id: p.keyId, label: p.keyName ?? keyNames.get(p.keyId) ?? p.keyId } : undefined;
          const id = p.teamId ?? '';
          return { id: id || '-', label: id ? (names.get(id) ?? id) : vscode.l10n.t('(no team)') };
        },
        sortBy,
      );
      return { status: 'ready', data: { currency, rows } };
    }
    if (this.caps.usageLogs && by !== 'team') {
      const logs = await this.allLogs();
      const rows = groupTotals(
        pointsFromLogs(logs.items),
        range,
        (p) => {
          const v = by === 'model' ? p.model : p.keyName;
          return v ? { id: v, label: v } : undefined;
        },
        sortBy,
      );
      return { status: 'ready', data: { currency, rows } };
    }
    return this.unsupported();
  }

  /** Key id → name, for usage rows that carry only the id (a few pages of the key list; ids stay when it fails). */
  private async keyNames(): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    try {
      for (let page = 0; page < 5; page++) {
        const r = await this.call(() => this.c.gateway.listKeys({ page, pageSize: 100, signal: this.c.signal }));
        for (const k of r.items) names.set(k.id, k.name);
        if (!r.hasMore) break;
      }
    } catch {
      // the ranking still shows the key ids
    }
    return names;
  }

  private async plan(): Promise<SectionState<PlanSectionData>> {
    if (!this.caps.plan) return this.unsupported();
    const p = await this.call(() => this.c.gateway.getPlan({ signal: this.c.signal }));
    return {
      status: 'ready',
      data: {
        name: p.name,
        ...(p.tier ? { tier: p.tier } : {}),
        ...(p.price ? { price: p.price } : {}),
        ...(p.billingCycle ? { billingCycle: p.billingCycle } : {}),
        rpmLimit: p.rpmLimit ?? null,
        tpmLimit: p.tpmLimit ?? null,
        maxKeys: p.maxKeys ?? null,
        periodStart: p.periodStart ?? null,
        periodEnd: p.periodEnd ?? null,
        ...(p.status ? { status: p.status } : {}),
        features: p.features,
      },
    };
  }

  private async account(): Promise<SectionState<AccountSectionData>> {
    if (!this.caps.billingAccount) return this.unsupported();
    const a = await this.call(() => this.c.gateway.getBillingAccount({ signal: this.c.signal }));
    return {
      status: 'ready',
      data: {
        balance: a.balance,
        ...(a.creditLimit ? { creditLimit: a.creditLimit } : {}),
        ...(a.monthlyBudget ? { monthlyBudget: a.monthlyBudget } : {}),
        ...(a.usedTotal ? { usedTotal: a.usedTotal } : {}),
        ...(a.autoRecharge !== undefined ? { autoRecharge: a.autoRecharge } : {}),
      },
    };
  }

  private async invoices(page: number): Promise<SectionState<InvoicesSectionData>> {
    if (!this.caps.invoices) return this.unsupported();
    const r = await this.call(() => this.c.gateway.listInvoices(page, INVOICE_PAGE_SIZE, { signal: this.c.signal }));
    return {
      status: 'ready',
      data: {
        items: r.items.map((i) => ({
          overdue: isOverdue(i, this.c.now),
          id: i.id,
          period: i.period,
          amount: i.amount,
          status: i.status,
          issuedAt: i.issuedAt ?? null,
          dueAt: i.dueAt ?? null,
        })),
        page,
        pageSize: INVOICE_PAGE_SIZE,
        ...(r.total !== undefined ? { total: r.total } : {}),
        hasMore: r.hasMore,
      },
    };
  }
}

/** Unpaid past its due date, or marked overdue by the gateway; a paid, void or refunded invoice never is. */
function isOverdue(i: Invoice, now: number): boolean {
  const status = i.status.toLowerCase();
  if (/overdue|past[\s_-]?due/.test(status)) return true;
  if (/^(paid|void|voided|refunded|cancell?ed|draft)$/.test(status)) return false;
  const due = i.dueAt ? Date.parse(i.dueAt) : NaN;
  return Number.isFinite(due) && due < now;
}

/** What went wrong in a few plain words (the full sentence, with the call and the status, is folded away). */
function plainSummary(e: unknown): string {
  switch (isGatewayError(e) ? e.kind : e instanceof RequestBudgetError ? 'budget' : undefined) {
    case 'auth':
    case 'forbidden':
      return vscode.l10n.t('The gateway did not accept the admin token.');
    case 'server':
      return vscode.l10n.t('The gateway had a problem on its side; try again in a moment.');
    case 'rate-limited':
      return vscode.l10n.t('The gateway asked to slow down; try again in a moment.');
    case 'network':
    case 'proxy':
      return vscode.l10n.t('The gateway could not be reached.');
    case 'timeout':
      return vscode.l10n.t('The gateway did not answer in time.');
    case 'budget':
      return vscode.l10n.t('This range needs too many requests; choose a shorter range.');
    default:
      return vscode.l10n.t("The gateway's answer could not be used.");
  }
}
