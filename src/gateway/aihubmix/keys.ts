/**
 * The key calls of the AIHubMix adapter: list (paged in the dialect's own terms, sorted where it can), search by
 * name, read, create (finding the key again when new-api answers without it), full-replace update, enable/disable,
 * delete and reveal (new-api masks keys until asked). Each call speaks through the management client.
 */
import { pageOf } from '../../core/page';
import type { ApiKey, KeyInput, KeyPage, RotateResult } from '../../core/types';
import { GatewayError } from '../errors';
import type { CallOptions, CreateKeyOptions, ListKeysOptions } from '../gateway';
import { badResponse, wireInt } from '../schema';
import { createBody, replaceBody } from './bodies';
import type { HubmixClient } from './client';
import { isMaskedKey, mapToken } from './mapping';
import { AIHUBMIX_ROUTES as R, AIHUBMIX_TOKEN_ORDER } from './routes';
import { parseToken, parseTokenList, revealSchema, type TokenRead } from './schemas';

export class HubmixKeys {
  constructor(
    private readonly c: HubmixClient,
    private readonly now: () => number,
  ) {}

  async listKeys(opts: ListKeysOptions): Promise<KeyPage> {
    const operation = 'list keys';
    const page = wireInt(opts.page, { field: 'p', gateway: this.c.label, operation }, 0);
    const size = wireInt(opts.pageSize, { field: 'page_size', gateway: this.c.label, operation }, 1);
    if (!this.c.dialect && page > 0) await this.c.ensureDialect(operation, opts.signal);
    // one-api: p from 0, AIHubMix's `num` rows; new-api: p from 1 (p < 1 reads as 1) and `page_size`.
    const p = this.c.dialect === 'new-api' ? page + 1 : page;
    const query =
      this.c.dialect === 'new-api'
        ? { p, page_size: size }
        : this.c.dialect === 'one-api'
          ? { p, num: size }
          : { p, num: size, page_size: size };
    // an order the dialect has no parameter for is not sent (the caller asked capabilities first)
    const order =
      // Stryker disable next-line OptionalChaining: both dialects' capabilities list their orders (new-api: none)
      opts.order && this.c.capabilities.keyListOrders?.includes(opts.order)
        ? AIHUBMIX_TOKEN_ORDER[opts.order]
        : undefined;
    const list = parseTokenList(
      await this.c.call('GET', R.tokens, operation, {
        query: { ...query, ...(order ? { order } : {}) },
        signal: opts.signal,
      }),
      this.c.label,
      operation,
    );
    this.c.learn(list, p);
    const now = this.now();
    return pageOf(
      list.items.map((r) => mapToken(r.token, now, r.raw)),
      list.total,
      page,
      size,
    );
  }

  /**
   * Keys whose name matches. one-api: a name prefix, everything in one answer. new-api: exact unless the
   * keyword has `%` wildcards, at most 100 per page; pages are read up to `maxPages`.
   */
  private async search(keyword: string, exact: boolean, signal?: AbortSignal): Promise<TokenRead[]> {
    const operation = 'search keys';
    const newApi = this.c.dialect === 'new-api';
    const kw = newApi && !exact && keyword.length >= 2 && !keyword.includes('%') ? `%${keyword}%` : keyword;
    const out: TokenRead[] = [];
    const maxPages = 10;
    for (let i = 0; i < maxPages; i++) {
      const query = this.c.dialect === 'one-api' ? { keyword: kw } : { keyword: kw, p: i + 1, page_size: 100 };
      let data: unknown;
      try {
        data = await this.c.call('GET', R.tokenSearch, operation, { query, signal });
      } catch (e) {
        // new-api allows only exact search for users past its token limit: fall back to it
        if (kw !== keyword && e instanceof GatewayError && e.kind === 'validation' && e.message.includes('%'))
          return this.search(keyword, true, signal);
        throw e;
      }
      const list = parseTokenList(data, this.c.label, operation);
      // Stryker disable next-line UnaryOperator: any page number but 0 tells nothing (a search answer is no first page)
      this.c.learn(list, -1);
      out.push(...list.items);
      // Stryker disable next-line ConditionalExpression: a list that is not a page has no total, so `total === undefined` stops the loop the same; the other operands are killed
      if (list.shape !== 'page' || list.total === undefined || out.length >= list.total || list.items.length === 0)
        break;
    }
    return out;
  }

  async searchKeys(keyword: string, opts?: CallOptions): Promise<readonly ApiKey[]> {
    const now = this.now();
    return (await this.search(keyword, false, opts?.signal)).map((r) => mapToken(r.token, now, r.raw));
  }

  private async readToken(id: string, operation: string, signal?: AbortSignal): Promise<TokenRead> {
    this.c.checkId(id, operation);
    const data = await this.c.call('GET', R.token(id), operation, { signal });
    const read = parseToken(data, this.c.label, operation, ['data']);
    this.c.learnFromToken(read.raw);
    return read;
  }

  async getKey(id: string, opts?: CallOptions): Promise<ApiKey> {
    const r = await this.readToken(id, 'get key', opts?.signal);
    return mapToken(r.token, this.now(), r.raw);
  }

  async createKey(input: KeyInput, opts?: CreateKeyOptions): Promise<ApiKey> {
    const operation = 'create key';
    if (!input.name) {
      throw new GatewayError({
        kind: 'validation',
        message: 'a key needs a name',
        gateway: this.c.label,
        operation,
        fieldErrors: [{ field: 'name', message: 'required', input: 'name' }],
      });
    }
    // Stryker disable next-line StringLiteral: only the refusals are wanted here, and they are the same in every dialect
    createBody(input, 'one-api', this.c.label); // refuses a bad quota or expiry before any request, the dialect probe included
    const dialect = await this.c.ensureDialect(operation, opts?.signal);
    const data = await this.c.call('POST', R.tokens, operation, {
      json: createBody(input, dialect, this.c.label, opts?.unmodeled),
      signal: opts?.signal,
    });
    if (data !== undefined && data !== null) {
      const r = parseToken(data, this.c.label, operation, ['data']);
      return mapToken(r.token, this.now(), r.raw);
    }
    // new-api answers a create without the key: the newest key of that exact name is the one just made.
    const found = (await this.search(input.name, true, opts?.signal)).filter((r) => r.token.name === input.name);
    const newest = found.sort((a, b) => Number(b.token.id) - Number(a.token.id))[0];
    if (!newest) {
      throw new GatewayError({
        kind: 'bad-response',
        message: `the key was created, but no key named "${input.name}" could be found again; refresh the list`,
        path: 'data',
        gateway: this.c.label,
        operation,
      });
    }
    return mapToken(newest.token, this.now(), newest.raw);
  }

  async updateKey(id: string, input: KeyInput, opts?: CallOptions): Promise<ApiKey> {
    // Full replace: start from a fresh read and send the whole object back, or the fields left out are reset.
    const base = await this.readToken(id, 'update key', opts?.signal);
    const data = await this.c.call('PUT', R.tokens, 'update key', {
      json: replaceBody(input, base, this.c.label),
      signal: opts?.signal,
    });
    if (data === undefined || data === null) return this.getKey(id, opts);
    const r = parseToken(data, this.c.label, 'update key', ['data']);
    return mapToken(r.token, this.now(), r.raw);
  }

  async setKeyEnabled(id: string, enabled: boolean, opts?: CallOptions): Promise<ApiKey> {
    const operation = enabled ? 'enable key' : 'disable key';
    const n = this.c.checkId(id, operation);
    const data = await this.c.call('PUT', R.tokens, operation, {
      query: { status_only: 'true' },
      json: { id: n, status: enabled ? 1 : 2 },
      signal: opts?.signal,
    });
    if (data === undefined || data === null) return this.getKey(id, opts);
    const r = parseToken(data, this.c.label, operation, ['data']);
    return mapToken(r.token, this.now(), r.raw);
  }

  async deleteKey(id: string, opts?: CallOptions): Promise<void> {
    this.c.checkId(id, 'delete key');
    await this.c.call('DELETE', R.token(id), 'delete key', { signal: opts?.signal });
  }

  rotateKey(): Promise<RotateResult> {
    return Promise.reject(
      new GatewayError({
        kind: 'unsupported',
        message: 'AIHubMix cannot rotate a key itself; rotate on the client (copy, grace, disable)',
        gateway: this.c.label,
        operation: 'rotate key',
      }),
    );
  }

  async revealKey(id: string, opts?: CallOptions): Promise<string> {
    const operation = 'reveal key';
    this.c.checkId(id, operation);
    if (this.c.dialect !== 'new-api') {
      const key = await this.getKey(id, opts);
      if (key.secret) return key.secret;
    }
    // new-api masks keys in list and get, and reveals one here.
    const raw = await this.c.callData('POST', R.tokenReveal(id), operation, revealSchema, { signal: opts?.signal });
    if (isMaskedKey(raw)) throw badResponse(this.c.label, operation, ['data', 'key'], false, 'the key is still masked');
    return raw.startsWith('sk-') ? raw : `sk-${raw}`;
  }
}
