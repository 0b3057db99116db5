/**
 * The AIHubMix management plane's transport: the headers (token, `APP-Code`, `New-Api-User`), one call to a
 * `/api/*` route checked for its HTTP status and its `{success,message,data}` envelope, and the dialect the backend
 * has shown so far (one-api or new-api), learnt from the answers and probed with the smallest key list when a call
 * needs it first. The key, model and log calls are built on it.
 */
import type * as z from 'zod';
import { GatewayError, type GatewayErrorKind, kindForStatus } from '../errors';
import type { GatewayCapabilities, GatewayConfig } from '../gateway';
import type { HttpClient } from '../http';
import type { HttpMethod } from '../httpTypes';
import { parseJson, parseWith, schemaError, tryParseJson } from '../schema';
import { AIHUBMIX_CAPABILITIES, NEWAPI_CAPABILITIES } from './capabilities';
import { classifyMessage, hubmixError, isTransientEnvelope } from './classify';
import { AIHUBMIX_ROUTES as R } from './routes';
import {
  envelopeSchema,
  hasNewApiNames,
  parseTokenList,
  type Dialect,
  type TokenListRead,
  type TokenRead,
} from './schemas';

export interface CallOpts {
  readonly query?: Record<string, string | number | undefined>;
  readonly json?: unknown;
  readonly signal?: AbortSignal;
  readonly auth?: boolean;
}

export class HubmixClient {
  readonly baseUrl: string;
  readonly label: string;
  /** Learnt from the first answer that shows it; undefined until then. */
  private dialectSeen: Dialect | undefined;

  constructor(
    private readonly config: GatewayConfig,
    readonly http: HttpClient,
  ) {
    this.baseUrl = config.baseUrl.replace(/\/+$/, '');
    this.label = config.label ?? 'AIHubMix';
  }

  get capabilities(): GatewayCapabilities {
    return this.dialectSeen === 'new-api' ? NEWAPI_CAPABILITIES : AIHUBMIX_CAPABILITIES;
  }

  /** The dialect the gateway has shown so far (undefined before its first key list). */
  get dialect(): Dialect | undefined {
    return this.dialectSeen;
  }

  appHeaders(): Record<string, string> {
    return this.config.appCode ? { 'APP-Code': this.config.appCode } : {};
  }

  // Stryker disable next-line BooleanLiteral: the default is never used (call always passes auth)
  private async headers(operation: string, auth = true): Promise<Record<string, string>> {
    if (!auth) return this.appHeaders();
    const token = await this.config.getToken();
    if (!token)
      throw new GatewayError({
        kind: 'auth',
        message: 'no access token is stored for this connection',
        gateway: this.label,
        operation,
      });
    const user = this.config.newApiUser?.trim();
    return {
      ...this.appHeaders(),
      // The CLI docs send the raw token, the endpoint pages `Bearer`; one-api and new-api accept both.
      authorization: this.config.rawAuthHeader ? token : `Bearer ${token}`,
      ...(user ? { 'New-Api-User': user } : {}),
    };
  }

  /**
   * Calls a management route and returns its `data` (undefined when absent) after checking the HTTP status and
   * `success`. A read answered `{success:false}` with a "busy / try again later" message is retried like a 503.
   */
  async call(method: HttpMethod, path: string, operation: string, opts: CallOpts = {}): Promise<unknown> {
    const res = await this.http.request({
      method,
      url: this.baseUrl + path,
      query: opts.query,
      json: opts.json,
      // Stryker disable next-line LogicalOperator: an absent auth reaches headers() as undefined, whose default is true
      headers: await this.headers(operation, opts.auth ?? true),
      signal: opts.signal,
      operation,
      ...(method === 'GET'
        ? { retryWhen: (r) => r.status >= 200 && r.status < 300 && isTransientEnvelope(r.text) }
        : {}),
    });
    const json = tryParseJson(res.text);
    const env = envelopeSchema.safeParse(json);
    const refused = (kind: GatewayErrorKind, message: string, code: string | undefined) =>
      hubmixError(kind, message, operation, this.label, res.status, res.headers['retry-after'], code, res.headers);
    if (res.status < 200 || res.status >= 300) {
      const message = env.success && env.data.message ? env.data.message : `HTTP ${res.status}`;
      const code = env.success && env.data.code != null ? String(env.data.code) : undefined;
      throw refused(kindForStatus(res.status), message, code);
    }
    // Stryker disable next-line ConditionalExpression: `true` only reparses a text that did parse, which does nothing (`false` is killed by the malformed-JSON test)
    if (json === undefined) parseJson(res.text, this.label, operation); // malformed JSON → bad-response
    if (!env.success) throw schemaError(env.error, json, this.label, operation);
    if (!env.data.success) {
      const message = env.data.message || 'the gateway refused the request without saying why';
      const code = env.data.code != null ? String(env.data.code) : undefined;
      throw refused(classifyMessage(message), message, code);
    }
    return env.data.data;
  }

  /** `data` parsed with a schema; an absent `data` is a bad-response naming it. */
  async callData<T extends z.ZodType>(
    method: HttpMethod,
    path: string,
    operation: string,
    schema: T,
    opts: CallOpts = {},
  ): Promise<z.infer<T>> {
    const data = await this.call(method, path, operation, opts);
    return parseWith(schema, data, this.label, operation, ['data']);
  }

  learn(list: TokenListRead, requestedP: number): void {
    if (this.dialectSeen) return;
    const first = list.items[0];
    if (first) {
      this.dialectSeen = hasNewApiNames(first.raw) ? 'new-api' : 'one-api';
      return;
    }
    if (list.shape === 'array' || list.shape === 'null') {
      this.dialectSeen = 'one-api';
      return;
    }
    // Stryker disable next-line ConditionalExpression: only a page reaches here without a first item (array and null are handled above, a single token always has one); the line's other conditions are killed
    if (list.shape === 'page' && list.page !== undefined && requestedP === 0)
      this.dialectSeen = list.page === 1 ? 'new-api' : 'one-api';
  }

  /** A key read shows the dialect by its field names (when no list has shown it yet). */
  learnFromToken(raw: TokenRead['raw']): void {
    this.dialectSeen ??= hasNewApiNames(raw) ? 'new-api' : 'one-api';
  }

  /** A page object answered for the first page shows the dialect by its page number (1-based: new-api). */
  learnFromPage(page: number | undefined, requestedPage: number): void {
    if (!this.dialectSeen && page !== undefined && requestedPage === 0)
      this.dialectSeen = page === 1 ? 'new-api' : 'one-api';
  }

  /**
   * Learns the dialect with the smallest list request, when a call needs it before any key list. A failure is
   * reported as the caller's operation (the user is creating a key, not listing them).
   */
  async ensureDialect(operation: string, signal?: AbortSignal): Promise<Dialect> {
    if (!this.dialectSeen) {
      const data = await this.call('GET', R.tokens, operation, { query: { p: 0, num: 1, page_size: 1 }, signal });
      this.learn(parseTokenList(data, this.label, operation), 0);
    }
    // Stryker disable next-line StringLiteral: the bodies write one-api names for any dialect but 'new-api'
    return this.dialectSeen ?? 'one-api';
  }

  checkId(id: string, operation: string): number {
    const n = /^\d+$/.test(id) ? Number(id) : NaN;
    if (!Number.isSafeInteger(n) || n <= 0) {
      throw new GatewayError({
        kind: 'validation',
        message: `"${id}" is not an AIHubMix key id (a positive whole number)`,
        gateway: this.label,
        operation,
      });
    }
    return n;
  }
}
