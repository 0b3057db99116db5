/**
 * The request log webview's message protocol, shared by the host (src/features/requests) and the browser code
 * (src/ui/requests, which imports this module with `import type` only, so zod stays out of its bundle).
 *
 * - Webview → host: `RequestsInbound`, validated with zod (anything else is dropped). No message names a command;
 *   "copy" carries the request id shown in the row, which the host only puts on the clipboard.
 * - Host → webview: `RequestsOutbound`: records with money as decimal strings, keys by name and id only (never a
 *   secret).
 */
import * as z from 'zod';
import { keyIdSchema } from '../core/ids';
import type { Currency, Money } from '../core/money';
import type { RequestRecord, RequestSortKey, RequestTotals } from '../core/requestLog';

const DAY = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const RANGE_PRESETS = ['24h', '7d', '14d', '30d'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export const requestSortKeySchema = z.enum([
  'at',
  'key',
  'model',
  'input',
  'cached',
  'cacheWrite',
  'output',
  'reasoning',
  'cost',
  'latency',
  'firstToken',
  'status',
]) satisfies z.ZodType<RequestSortKey>;

export const filterChoicesSchema = z.strictObject({
  range: z.union([z.strictObject({ preset: z.enum(RANGE_PRESETS) }), z.strictObject({ from: DAY, to: DAY })]),
  /** A key id of the connection; absent = every key. */
  keyId: keyIdSchema.optional(),
  model: z.string().min(1).max(256).optional(),
  status: z.enum(['success', 'error']).optional(),
});
export type FilterChoices = z.infer<typeof filterChoicesSchema>;

export const requestsInboundSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready') }),
  z.strictObject({ type: z.literal('setFilter'), filter: filterChoicesSchema }),
  z.strictObject({ type: z.literal('page'), page: z.number().int().min(0).max(100_000) }),
  z.strictObject({ type: z.literal('sort'), key: requestSortKeySchema, dir: z.enum(['asc', 'desc']) }),
  z.strictObject({ type: z.literal('copy'), requestId: z.string().min(1).max(200) }),
  z.strictObject({ type: z.literal('export'), format: z.enum(['csv', 'json']) }),
  z.strictObject({ type: z.literal('retry') }),
]);
export type RequestsInbound = z.infer<typeof requestsInboundSchema>;

export interface KeyChoice {
  readonly id: string;
  readonly name: string;
}

export interface RequestsMeta {
  readonly connectionLabel: string;
  readonly gatewayLabel: string;
  readonly currency: Currency;
  /** The most the gateway's figure of one request may be off by its own rounding (our price is compared beyond it). */
  readonly roundingPerRequest?: string;
  /** The keys the filter offers (the first ones listed, and the key the log was opened for). */
  readonly keys: readonly KeyChoice[];
}

export type TotalsView =
  | { readonly status: 'loading'; readonly pagesRead: number }
  | {
      readonly status: 'ready';
      /** 'gateway': the gateway reported them; 'summed': added up here over every page of the filter. */
      readonly source: 'gateway' | 'summed';
      readonly totals: RequestTotals;
      readonly pages?: number;
    }
  | { readonly status: 'error'; readonly message: string };

/** Our price of a row: its tokens at the model's own prices, class by class. */
export interface OurPrice {
  readonly amount: Money;
  /** Every class with tokens had a price (else `amount` is a lower bound). */
  readonly complete: boolean;
  /** The gateway's cost − ours, when they differ beyond the gateway's rounding. */
  readonly difference?: string;
}

/** A row as the table shows it: the gateway's record and our price beside it. */
export type RequestRow = RequestRecord & { readonly ours?: OurPrice };

export type OurTotalsView =
  | { readonly status: 'loading' }
  /** The model list has no prices (or could not be read): no price of ours to show. */
  | { readonly status: 'unavailable' }
  | {
      readonly status: 'ready';
      /** Ours over every row of the filter (the rows without a price left out). */
      readonly amount: Money;
      readonly unpricedRows: number;
      readonly rows: number;
      /** The gateway's total − ours, when every row was priced and they differ beyond the rounding of them all. */
      readonly difference?: string;
    };

export interface RequestsView {
  readonly filter: FilterChoices;
  /** The filter's time range as ISO instants (start inclusive, end exclusive). */
  readonly from: string;
  readonly to: string;
  readonly page: number;
  readonly pageSize: number;
  readonly rows: readonly RequestRow[];
  /** 'day': the rows are daily totals (the gateway reports no per-request records). */
  readonly granularity: 'request' | 'day';
  readonly hasMore: boolean;
  readonly total?: number;
  readonly sort: { readonly key: RequestSortKey; readonly dir: 'asc' | 'desc' };
  readonly status: 'loading' | 'ready' | 'error' | 'unsupported';
  /** The error sentence, or the quiet line saying the gateway has no request log. */
  readonly message?: string;
  readonly totals: TotalsView;
  /** Our price of the whole filter, beside the gateway's. */
  readonly ourTotals: OurTotalsView;
}

export type RequestsOutbound =
  | {
      readonly type: 'init';
      readonly strings: Record<RequestsStringKey, string>;
      readonly meta: RequestsMeta;
    }
  | { readonly type: 'view'; readonly view: RequestsView }
  | { readonly type: 'notice'; readonly message: string };

export const REQUESTS_STRING_KEYS = [
  'title',
  'range',
  'last24h',
  'last7',
  'last14',
  'last30',
  'custom',
  'from',
  'to',
  'apply',
  'key',
  'allKeys',
  'model',
  'anyModel',
  'status',
  'anyStatus',
  'success',
  'error',
  'time',
  'tokens',
  'input',
  'cached',
  'cacheWrite',
  'output',
  'reasoning',
  'cost',
  'latency',
  'firstToken',
  'requestId',
  'copy',
  'copyId',
  'previous',
  'next',
  'page',
  'pageOf',
  'loading',
  'retry',
  'noRows',
  'totals',
  'totalsGateway',
  'totalsSummed',
  'totalsSumming',
  'requests',
  'exportCsv',
  'exportJson',
  'sortHint',
  'filters',
  'timesLocal',
  'ourCost',
  'noPrice',
  'partPrice',
  'differs',
  'diffRule',
  'ourTotal',
  'ourTotalUnpriced',
  'ourTotalSumming',
  'dailyTotals',
  'dayRequests',
  'dayFailed',
  'statusDaily',
  'utcDay',
] as const;
export type RequestsStringKey = (typeof REQUESTS_STRING_KEYS)[number];
