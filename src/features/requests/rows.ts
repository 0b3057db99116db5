/**
 * The request log's export rows: a CSV header and one line per record (through the one CSV escaping, formula-safe),
 * and the JSON document written piece by piece (head, one record per line, tail with the totals) so an export of
 * every page never holds the whole log in memory. No 'vscode' here. Nothing secret: keys appear by name and id.
 * Each row carries the gateway's cost and ours (its tokens at the model's own prices) with their difference where it
 * is beyond the gateway's rounding; a daily-total row says how many requests it sums.
 */
import { csvRow } from '../../core/csv';
import { type RequestFilter, type RequestRecord, type RequestTotals, uncachedTokens } from '../../core/requestLog';
import type { OurPrice, OurTotalsView } from '../../webview/requestsProtocol';

export const CSV_HEADER = [
  'time',
  'key',
  'key_id',
  'model',
  'status',
  'input_tokens',
  'cached_tokens',
  'cache_write_tokens',
  'output_tokens',
  'reasoning_tokens',
  'prompt_tokens',
  'cost',
  'currency',
  'our_cost',
  'cost_difference',
  'requests',
  'latency_ms',
  'first_token_ms',
  'stream',
  'request_id',
  'error',
] as const;

const opt = (n: number | undefined): string | number => (n === undefined ? '' : n);

export function csvHeaderLine(): string {
  return `${csvRow(CSV_HEADER)}\n`;
}

/**
 * One record as a CSV line (input = uncached input; prompt = every input token; our_cost empty without a price, and
 * followed by `+` when it is a lower bound; requests = 1, or the count a daily total sums).
 */
export function csvLine(r: RequestRecord, ours?: OurPrice): string {
  return `${csvRow([
    r.at,
    r.keyName ?? '',
    r.keyId ?? '',
    r.model,
    r.status,
    uncachedTokens(r),
    opt(r.usage.cachedTokens),
    opt(r.usage.cacheWriteTokens),
    r.usage.completionTokens,
    opt(r.usage.reasoningTokens),
    r.usage.promptTokens,
    r.cost.amount,
    r.cost.currency,
    ours ? `${ours.amount.amount}${ours.complete ? '' : '+'}` : '',
    ours?.difference ?? '',
    r.aggregate?.requests ?? 1,
    opt(r.latencyMs),
    opt(r.firstTokenMs),
    r.stream === undefined ? '' : r.stream ? 'true' : 'false',
    r.requestId ?? '',
    r.error ?? '',
  ])}\n`;
}

export interface ExportMeta {
  readonly connection: string;
  readonly gateway: string;
  readonly filter: RequestFilter;
  readonly currency: 'CNY' | 'USD';
}

/** The JSON document's start, up to the opening of its `requests` array. */
export function jsonHead(meta: ExportMeta): string {
  const f = meta.filter;
  const head = {
    format: 'ai-gateway-console.requests/1',
    connection: meta.connection,
    gateway: meta.gateway,
    currency: meta.currency,
    filter: {
      from: new Date(f.start).toISOString(),
      to: new Date(f.end).toISOString(),
      ...(f.keyId ? { keyId: f.keyId } : {}),
      ...(f.keyName ? { keyName: f.keyName } : {}),
      ...(f.model ? { model: f.model } : {}),
      ...(f.status ? { status: f.status } : {}),
    },
  };
  const text = JSON.stringify(head, null, 2);
  return `${text.slice(0, -2)},\n  "requests": [\n`;
}

/** One record as an element of the array (`first`: no comma before it), with our price as `ours` where known. */
export function jsonRecord(r: RequestRecord, first: boolean, ours?: OurPrice): string {
  return `${first ? '' : ',\n'}    ${JSON.stringify(ours ? { ...r, ours } : r)}`;
}

/**
 * The end: the totals of every record written (`wrote`: at least one record came before), and our price of them
 * (`ours`) when the models have prices.
 */
export function jsonTail(totals: RequestTotals, wrote: boolean, ours?: OurTotalsView): string {
  const our = ours?.status === 'ready' ? `,\n  "ours": ${JSON.stringify(ours)}` : '';
  return `${wrote ? '\n' : ''}  ],\n  "totals": ${JSON.stringify(totals)}${our}\n}\n`;
}
