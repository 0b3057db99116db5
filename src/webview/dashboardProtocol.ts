/**
 * The dashboard webview's message protocol, shared by the host (src/features/dashboard) and the browser code
 * (src/ui/dashboard, which imports this module with `import type` only, so zod stays out of its bundle).
 *
 * - Webview → host: `DashboardInbound`, validated with zod (anything else is dropped). No message names a command.
 * - Host → webview: `DashboardOutbound`: plain data, money as decimal strings with their currency.
 * - The persisted panel state (`DashboardPanelState`) holds only the connection id and the UI choices.
 */
import * as z from 'zod';
import { connectionIdSchema } from '../core/ids';
import type { Currency, Money } from '../core/money';
import type { BillingAccount, Invoice, Plan } from '../core/types';
import { isCalendarDay, type UsageBucket, type UsageTotals } from '../core/usage';
/** A real calendar day (2024-02-29 yes, 2023-02-29 and 2024-99-99 no). */
const DAY = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine(isCalendarDay, { message: 'not a calendar day' });

export const SECTION_IDS = ['usage', 'extras', 'models', 'teams', 'keys', 'plan', 'account', 'invoices'] as const;
export type SectionId = (typeof SECTION_IDS)[number];

export const uiChoicesSchema = z.object({
  range: z
    .object({
      preset: z.enum(['today', '7d', '30d', '90d', 'custom']),
      from: DAY.optional(),
      to: DAY.optional(),
    })
    .refine((r) => r.preset !== 'custom' || !r.from || !r.to || r.from <= r.to, {
      message: 'the first day of a custom range is after its last day',
    }),
  /** `local`: the webview's own time zone (the user's machine); `utc`: UTC. */
  tz: z.enum(['local', 'utc']),
  granularity: z.enum(['day', 'hour']),
  metric: z.enum(['requests', 'tokens', 'cost']),
  keySort: z.enum(['cost', 'requests']),
  /** What the Models chart measures (a view-only choice; cost when absent). */
  modelMetric: z.enum(['cost', 'tokens', 'requests']).optional(),
});
export type UiChoices = z.infer<typeof uiChoicesSchema>;

export const DEFAULT_CHOICES: UiChoices = {
  range: { preset: '7d' },
  tz: 'local',
  granularity: 'day',
  metric: 'requests',
  keySort: 'cost',
};

/** What VS Code keeps for a panel across reloads (webview setState → the serializer). */
export const dashboardPanelStateSchema = z.object({
  connectionId: connectionIdSchema,
  choices: uiChoicesSchema.optional(),
});
export type DashboardPanelState = z.infer<typeof dashboardPanelStateSchema>;

export const dashboardInboundSchema = z.discriminatedUnion('type', [
  /** The webview has loaded; it tells its own IANA time zone (the "local" one). */
  z.object({
    type: z.literal('ready'),
    timeZone: z
      .string()
      .max(64)
      .regex(/^[A-Za-z0-9_+\-/]+$/),
  }),
  z.object({ type: z.literal('setChoices'), choices: uiChoicesSchema }),
  z.object({ type: z.literal('retry'), section: z.enum(SECTION_IDS) }),
  /** Loads every section again for the same choices (the toolbar's Refresh). */
  z.object({ type: z.literal('refresh') }),
  /** Loads again every section whose last load failed (the banners' Retry all). */
  z.object({ type: z.literal('retryAll') }),
  /** Opens the details of a key of the Top keys card: the row's id as the host posted it, checked against that card. */
  z.object({ type: z.literal('openKey'), id: z.string().min(1).max(200) }),
  z.object({ type: z.literal('invoicesPage'), page: z.number().int().min(0).max(10_000) }),
  /** Saves what is on screen through a save dialog (csv / json) or copies it (markdown). */
  z.object({ type: z.literal('export'), format: z.enum(['csv', 'json', 'markdown']) }),
]);
export type DashboardInbound = z.infer<typeof dashboardInboundSchema>;

// ---- host → webview ----

// The views are the core types themselves (or the part of them the webview shows), never hand copies.
export type MoneyView = Money;
export type BucketView = UsageBucket;

export interface UsageSectionData {
  readonly currency: Currency;
  readonly granularity: 'day' | 'hour';
  readonly buckets: readonly BucketView[];
  readonly totals: UsageTotals;
  /** A sentence about how the figures were made (e.g. logs capped), when needed. */
  readonly note?: string;
  /** When the figures were read (ms epoch): buckets starting after it are still to come and are not plotted. */
  readonly asOf?: number;
  /**
   * The first day with usage, when the range starts earlier and the days before it have none: those days are not
   * drawn as zeros, the screen says "no usage recorded before" this day.
   */
  readonly noDataBefore?: string;
}

export interface ExtrasSectionData {
  readonly p99LatencyMs?: number;
  readonly rpmUsagePct?: string;
  /** Requests / tokens in the last minute (AIHubMix log stat). */
  readonly rpm?: number;
  readonly tpm?: number;
  /** The gateway's own total cost for the range (AIHubMix log stat), to compare with the sum of the buckets. */
  readonly statCost?: MoneyView;
  /** What the figures cover, e.g. "last 7 UTC days". */
  readonly basis?: string;
}

export interface GroupView {
  readonly id: string;
  readonly label: string;
  readonly requests: number;
  readonly tokens: number;
  readonly cost: string;
}

export interface GroupSectionData {
  readonly currency: Currency;
  readonly rows: readonly GroupView[];
  readonly note?: string;
}

export type PlanSectionData = Omit<Plan, 'id'>;

export type AccountSectionData = Omit<BillingAccount, 'updatedAt'>;

export type InvoiceView = Omit<Invoice, 'pdfUrl'> & {
  /** Unpaid past its due date (or the gateway says overdue). */
  readonly overdue: boolean;
};

export interface InvoicesSectionData {
  readonly items: readonly InvoiceView[];
  readonly page: number;
  readonly pageSize: number;
  readonly total?: number;
  readonly hasMore: boolean;
}

export interface SectionDataMap {
  usage: UsageSectionData;
  extras: ExtrasSectionData;
  models: GroupSectionData;
  teams: GroupSectionData;
  keys: GroupSectionData;
  plan: PlanSectionData;
  account: AccountSectionData;
  invoices: InvoicesSectionData;
}

export type SectionState<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly data: T }
  /**
   * The load failed: `summary` in plain words, `message` the full sentence (folded away under Details); `endpoint`
   * names the gateway call that failed (one banner per endpoint); `stale` the last good data of the same view.
   */
  | {
      readonly status: 'error';
      readonly message: string;
      readonly summary?: string;
      readonly endpoint?: string;
      readonly stale?: { readonly data: T; readonly since: number };
    }
  /** The gateway does not offer it: said quietly, never an error. */
  | { readonly status: 'unsupported'; readonly message: string };

export interface DashboardMeta {
  readonly connectionId: string;
  readonly connectionLabel: string;
  readonly gatewayLabel: string;
  readonly currency: Currency;
  readonly choices: UiChoices;
  /** The range shown: first and last day (inclusive) in `timeZone`. */
  readonly from: string;
  readonly to: string;
  readonly days: number;
  /** The IANA zone the buckets are in. */
  readonly timeZone: string;
  /** Hourly buckets are possible for this range and gateway. */
  readonly hourlyAvailable: boolean;
  /** The bucket size actually used (a one-day range is always hourly where hours are offered). */
  readonly granularity?: 'day' | 'hour';
  /** Daily buckets make sense for this range (not for a single day shown by the hour). */
  readonly dailyAvailable?: boolean;
  /**
   * The screen's one day basis, as a sentence ("Days are UTC days…"): the KPIs, the chart and every breakdown count
   * the same days.
   */
  readonly basis?: string;
  /** The local zone cannot be the day basis here (the gateway's breakdowns are per UTC day): the screen is in UTC. */
  readonly localUnavailable?: boolean;
  /** The BCP-47 language of VS Code (formatting of numbers, money and dates). */
  readonly locale: string;
  /** The days a custom range may cover: the history the dashboard reads, first and last day (today) in `timeZone`. */
  readonly minDay: string;
  readonly maxDay: string;
  /** One sentence saying how long a history the gateway keeps (shown beside the range picker). */
  readonly historyNote: string;
  /** Set when the asked range was cut to that history: what was shown instead. */
  readonly rangeNote?: string;
}

export type DashboardOutbound =
  | { readonly type: 'init'; readonly strings: Record<DashboardStringKey, string>; readonly meta: DashboardMeta }
  | { readonly type: 'meta'; readonly meta: DashboardMeta }
  /** A choice was refused (e.g. a range with no day the gateway keeps): the sentence to show beside the picker. */
  | { readonly type: 'notice'; readonly message: string }
  | {
      readonly [K in SectionId]: {
        readonly type: 'section';
        readonly id: K;
        readonly state: SectionState<SectionDataMap[K]>;
      };
    }[SectionId];

export type DashboardStringKey =
  | 'title'
  | 'range'
  | 'fromAfterTo'
  | 'today'
  | 'last7'
  | 'last30'
  | 'last90'
  | 'custom'
  | 'from'
  | 'to'
  | 'apply'
  | 'timeZone'
  | 'local'
  | 'utc'
  | 'buckets'
  | 'daily'
  | 'hourly'
  | 'requests'
  | 'tokens'
  | 'tokensIn'
  | 'tokensOut'
  | 'cost'
  | 'avgLatency'
  | 'p99Latency'
  | 'errorRate'
  | 'rpmUsage'
  | 'rpmNow'
  | 'trend'
  | 'models'
  | 'teams'
  | 'topKeys'
  | 'byCost'
  | 'byUsage'
  | 'billing'
  | 'plan'
  | 'account'
  | 'invoices'
  | 'balance'
  | 'creditLimit'
  | 'monthlyBudget'
  | 'usedTotal'
  | 'period'
  | 'amount'
  | 'status'
  | 'issued'
  | 'due'
  | 'previous'
  | 'next'
  | 'retry'
  | 'loading'
  | 'exportCsv'
  | 'exportJson'
  | 'copyMarkdown'
  | 'dataTable'
  | 'bucket'
  | 'model'
  | 'key'
  | 'team'
  | 'share'
  | 'noData'
  | 'name'
  | 'price'
  | 'cycle'
  | 'rpmLimit'
  | 'tpmLimit'
  | 'maxKeys'
  | 'renewal'
  | 'features'
  | 'unlimited'
  | 'page'
  | 'total'
  | 'gatewayStat'
  | 'shownIn'
  | 'usage'
  | 'kpis'
  | 'cachedIn'
  | 'cacheWrites'
  | 'refresh'
  | 'retryAll'
  | 'details'
  | 'staleSince'
  | 'notLoaded'
  | 'couldNotLoad'
  | 'notOffered'
  | 'noDataBefore'
  | 'pageOf'
  | 'pageN'
  | 'overdue'
  | 'paid'
  | 'unpaid'
  | 'active'
  | 'monthly'
  | 'yearly'
  | 'openKeyTitle'
  | 'oneDayHourly'
  | 'localUnavailable';
