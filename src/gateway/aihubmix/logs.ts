/**
 * The AIHubMix usage calls: consumption logs and their totals (`/api/log/self`, `/api/log/self/stat`) with the
 * time window sent in seconds, and the per-request log page of the Requests view, which a gateway without the
 * one-api log route does not offer.
 */
import type { RequestFilter, RequestPage } from '../../core/requestLog';
import type { UsageLog, UsageLogQuery, UsageStat } from '../../core/types';
import { GatewayError } from '../errors';
import type { CallOptions, RequestPageOptions } from '../gateway';
import { wireInt, wireTime } from '../schema';
import type { HubmixClient } from './client';
import { mapLog, unitsToUsd } from './mapping';
import { hubRequestQuery, mapHubRequestPage, parseHubRequestList } from './requests';
import { AIHUBMIX_ROUTES as R } from './routes';
import { logStatSchema, parseLogList } from './schemas';

export class HubmixLogs {
  constructor(private readonly c: HubmixClient) {}

  private logQuery(
    q: Omit<UsageLogQuery, 'page' | 'pageSize'>,
    operation: string,
  ): Record<string, string | number | undefined> {
    const start = wireTime(q.start, { field: 'start_timestamp', gateway: this.c.label, operation });
    const end = wireTime(q.end, { field: 'end_timestamp', gateway: this.c.label, operation });
    return {
      type: 2, // consume
      start_timestamp: wireInt(
        Math.floor(start / 1000),
        { field: 'start_timestamp', gateway: this.c.label, operation },
        0,
      ),
      end_timestamp: wireInt(Math.floor(end / 1000), { field: 'end_timestamp', gateway: this.c.label, operation }, 0),
      token_name: q.keyName,
      model_name: q.model,
    };
  }

  async listUsageLogs(query: UsageLogQuery, opts?: CallOptions): Promise<readonly UsageLog[]> {
    const operation = 'list usage logs';
    const page = wireInt(query.page, { field: 'p', gateway: this.c.label, operation }, 0);
    const size = wireInt(query.pageSize, { field: 'page_size', gateway: this.c.label, operation }, 1);
    const filters = this.logQuery(query, operation);
    if (!this.c.dialect && page > 0) await this.c.ensureDialect(operation, opts?.signal);
    const paging =
      this.c.dialect === 'new-api'
        ? { p: page + 1, page_size: size }
        : this.c.dialect === 'one-api'
          ? { p: page, num: size }
          : { p: page, num: size, page_size: size };
    const data = await this.c.call('GET', R.logs, operation, {
      query: { ...paging, ...filters },
      signal: opts?.signal,
    });
    const list = parseLogList(data, this.c.label, operation);
    // Stryker disable next-line ConditionalExpression: a log list that is not a page has no page number (undefined either way); `false` is killed
    this.c.learnFromPage(list.shape === 'page' ? list.page : undefined, page);
    return list.items.map(mapLog);
  }

  async getUsageStat(query: Omit<UsageLogQuery, 'page' | 'pageSize'>, opts?: CallOptions): Promise<UsageStat> {
    const operation = 'get usage stat';
    const s = await this.c.callData('GET', R.logStat, operation, logStatSchema, {
      query: this.logQuery(query, operation),
      signal: opts?.signal,
    });
    return {
      cost: unitsToUsd(s.quota),
      ...(s.rpm != null ? { rpm: s.rpm } : {}),
      ...(s.tpm != null ? { tpm: s.tpm } : {}),
    };
  }

  async listRequests(filter: RequestFilter, opts: RequestPageOptions): Promise<RequestPage> {
    const operation = 'list requests';
    if (!this.c.dialect && opts.page > 0) await this.c.ensureDialect(operation, opts.signal);
    const dialect = this.c.dialect;
    const query = hubRequestQuery(filter, opts.page, opts.pageSize, dialect, this.c.label);
    let data: unknown;
    try {
      data = await this.c.call('GET', R.logs, operation, { query, signal: opts.signal });
    } catch (e) {
      // the log route is one-api's, not documented by AIHubMix: a gateway without it answers 404 (not offered)
      if (e instanceof GatewayError && e.kind === 'not-found')
        throw new GatewayError({
          kind: 'unsupported',
          message: 'this gateway does not offer per-request logs',
          gateway: this.c.label,
          operation,
        });
      throw e;
    }
    const list = parseHubRequestList(data, this.c.label);
    this.c.learnFromPage(list.page, opts.page);
    return mapHubRequestPage(list, filter, dialect, opts.page, Math.min(opts.pageSize, 100), this.c.label);
  }
}
