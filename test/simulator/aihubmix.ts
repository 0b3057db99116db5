/** The simulated AIHubMix gateway (one-api semantics, contract part B). */
import { buildAnswer, lastUserText, planToolCalls, promptTokens, type ChatMessage } from './answer';
import { CHAT_MODELS, findModel, hubQuota, MODELS, usdPer1K } from './catalog';
import type { Core } from './core';
import { CHANNELS, logContent, newHubKey, oneApiRequestId, QUOTA_PER_USD } from './aihubmix-data';
import { bearer, has, isRecord, matchPath, sendEmpty, sendJson, type Ctx } from './http-util';
import { dayString, epochDay, hex } from './rng';
import { completionBody, runStream, type ChatPlan } from './stream';
import { type InputPlan, inputPlan } from './usage';
import type { AihubmixLog, AihubmixState, AihubmixTokenRecord } from './types';
import { clientIp, ipAllowed, isIpOrCidr } from './validate';

const MSG_NO_TOKEN = '无权进行此操作，未登录且未提供 access token';
const MSG_BAD_TOKEN = '无权进行此操作，access token 无效';
const MSG_EXPIRED_ENABLE = '令牌已过期，无法启用，请先修改令牌过期时间，或者设置为永不过期';
const MSG_EXHAUSTED_ENABLE = '令牌可用额度已用尽，无法启用，请先修改令牌剩余额度，或者设置为无限额度';
// new-api (classic builds): the New-Api-User header beside the access token
const MSG_NO_USER = '无权进行此操作，未提供 New-Api-User';
const MSG_BAD_USER = '无权进行此操作，New-Api-User 格式错误';
const MSG_USER_MISMATCH = '无权进行此操作，New-Api-User 与登录用户不匹配';
/** new-api: the largest remain_quota a token may hold (1e9 USD in quota units). */
const NEWAPI_MAX_QUOTA = 1_000_000_000 * 500_000;

/** new-api's MaskTokenKey: first 4 + 10 stars + last 4. */
export function maskNewApiKey(key: string): string {
  if (key === '') return '';
  if (key.length <= 4) return '*'.repeat(key.length);
  if (key.length <= 8) return `${key.slice(0, 2)}****${key.slice(-2)}`;
  return `${key.slice(0, 4)}**********${key.slice(-4)}`;
}

/** new-api's sanitizeLikePattern + LIKE: exact (case-insensitive) without `%`, a pattern with up to two. */
function likeMatcher(input: string): ((s: string) => boolean) | string {
  if (input.includes('%%')) return '搜索模式中不允许包含连续的 % 通配符';
  const count = input.split('%').length - 1;
  if (count > 2) return '搜索模式中最多允许包含 2 个 % 通配符';
  if (count > 0 && input.replace(/%/g, '').length < 2) return '使用模糊搜索时，关键词长度至少为 2 个字符';
  const esc = input
    .split('%')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const re = new RegExp(`^${esc}$`, 'is');
  return (s: string) => re.test(s);
}

function ok(ctx: Ctx, data?: unknown): void {
  const body: Record<string, unknown> = { success: true, message: '' };
  if (data !== undefined) {
    body['data'] = data;
  }
  sendJson(ctx.res, 200, body);
}

function fail(ctx: Ctx, message: string, status = 200): void {
  sendJson(ctx.res, status, { success: false, message });
}

export function aihubmixFaultBody(path: string, status: number, requestId: string, model?: string): unknown {
  if (path === '/v1/chat/completions' && model !== undefined && status === 503) {
    // one-api's distributor: no enabled channel serves the model in the caller's group
    return {
      error: {
        message: `当前分组 default 下对于模型 ${model} 无可用渠道 (request id: ${requestId})`,
        type: 'one_api_error',
      },
    };
  }
  const messages: Record<number, string> = {
    429: '当前分组上游负载已饱和，请稍后再试',
    500: 'internal server error',
    502: 'bad gateway: upstream error',
    503: 'service unavailable',
    504: 'gateway timeout',
  };
  const message = messages[status] ?? `http status ${status}`;
  if (path.startsWith('/api/')) {
    return { success: false, message };
  }
  return {
    error: {
      message: `${message} (request id: ${requestId})`,
      type: 'one_api_error',
      param: '',
      code: status === 429 ? 'rate_limit_exceeded' : null,
    },
  };
}

/** Go's strconv.Atoi on a path/query value. */
function atoi(s: string | undefined): number | null {
  if (s === undefined || !/^[+-]?\d+$/.test(s)) {
    return null;
  }
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

/** A Go-like json.Unmarshal error for a mistyped field of model.Token. */
function goTypeError(field: string, got: unknown, want: string): string {
  const kind =
    got === null
      ? 'null'
      : Array.isArray(got)
        ? 'array'
        : typeof got === 'object'
          ? 'object'
          : typeof got === 'boolean'
            ? 'bool'
            : typeof got;
  return `json: cannot unmarshal ${kind} into Go struct field Token.${field} of type ${want}`;
}

interface TokenBody {
  id?: number;
  status?: number;
  name: string;
  expired_time: number;
  remain_quota: number;
  unlimited_quota: boolean;
  models: string;
  subnet: string;
  present: Set<string>;
}

/** Decodes a token body like Go's json.Unmarshal into model.Token (omitted fields = zero values). */
function decodeTokenBody(body: unknown): TokenBody | string {
  if (!isRecord(body)) {
    return `json: cannot unmarshal ${Array.isArray(body) ? 'array' : typeof body} into Go value of type model.Token`;
  }
  const out: TokenBody = {
    name: '',
    expired_time: 0,
    remain_quota: 0,
    unlimited_quota: false,
    models: '',
    subnet: '',
    present: new Set(Object.keys(body)),
  };
  const intField = (f: 'id' | 'status' | 'expired_time' | 'remain_quota'): string | null => {
    if (!has(body, f) || body[f] === null) {
      return null;
    }
    const v = body[f];
    if (typeof v === 'number' && Number.isInteger(v)) {
      out[f] = v;
      return null;
    }
    // lenient: a string of digits (the docs show expired_time as a string)
    if (typeof v === 'string' && /^-?\d+$/.test(v) && (f === 'expired_time' || f === 'remain_quota')) {
      out[f] = Number(v);
      return null;
    }
    return goTypeError(f, v, f === 'id' || f === 'status' ? 'int' : 'int64');
  };
  for (const f of ['id', 'status', 'expired_time', 'remain_quota'] as const) {
    const e = intField(f);
    if (e) {
      return e;
    }
  }
  if (has(body, 'name') && body['name'] !== null) {
    if (typeof body['name'] !== 'string') {
      return goTypeError('name', body['name'], 'string');
    }
    out.name = body['name'];
  }
  if (has(body, 'unlimited_quota') && body['unlimited_quota'] !== null) {
    if (typeof body['unlimited_quota'] !== 'boolean') {
      return goTypeError('unlimited_quota', body['unlimited_quota'], 'bool');
    }
    out.unlimited_quota = body['unlimited_quota'];
  }
  for (const f of ['models', 'subnet'] as const) {
    if (has(body, f) && body[f] !== null) {
      if (typeof body[f] !== 'string') {
        return goTypeError(f, body[f], '*string');
      }
      out[f] = body[f];
    }
  }
  return out;
}

interface NewApiTokenBody {
  id: number;
  status: number;
  name: string;
  expired_time: number;
  remain_quota: number;
  unlimited_quota: boolean;
  model_limits_enabled: boolean;
  model_limits: string;
  allow_ips: string | null;
  group: string;
  cross_group_retry: boolean;
  auto_groups: { set: boolean; groups: string[] | null };
  present: Set<string>;
}

/** Decodes a body like Go's json.Unmarshal into new-api's tokenRequest (omitted fields = zero values). */
function decodeNewApiBody(body: unknown): NewApiTokenBody | string {
  if (!isRecord(body)) {
    return `json: cannot unmarshal ${Array.isArray(body) ? 'array' : typeof body} into Go value of type controller.tokenRequest`;
  }
  const out: NewApiTokenBody = {
    id: 0,
    status: 0,
    name: '',
    expired_time: 0,
    remain_quota: 0,
    unlimited_quota: false,
    model_limits_enabled: false,
    model_limits: '',
    allow_ips: null,
    group: '',
    cross_group_retry: false,
    auto_groups: { set: false, groups: null },
    present: new Set(Object.keys(body)),
  };
  const err = (f: string, want: string): string =>
    `json: cannot unmarshal ${typeof body[f]} into Go struct field tokenRequest.${f} of type ${want}`;
  for (const f of ['id', 'status', 'expired_time', 'remain_quota'] as const) {
    const v = body[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v)) return err(f, f === 'expired_time' ? 'int64' : 'int');
    out[f] = v;
  }
  for (const f of ['name', 'model_limits', 'group'] as const) {
    const v = body[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') return err(f, 'string');
    out[f] = v;
  }
  for (const f of ['unlimited_quota', 'model_limits_enabled', 'cross_group_retry'] as const) {
    const v = body[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'boolean') return err(f, 'bool');
    out[f] = v;
  }
  if (body['allow_ips'] !== undefined && body['allow_ips'] !== null) {
    if (typeof body['allow_ips'] !== 'string') return err('allow_ips', '*string');
    out.allow_ips = body['allow_ips'];
  }
  if (has(body, 'auto_groups')) {
    const v = body['auto_groups'];
    if (v !== null && !(Array.isArray(v) && v.every((g) => typeof g === 'string')))
      return err('auto_groups', '[]string');
    out.auto_groups = { set: true, groups: v === null ? null : [...v] };
  }
  return out;
}

export class AihubmixGateway {
  constructor(private readonly core: Core) {}

  private get newApi(): boolean {
    return this.core.aihubmixDialect === 'new-api';
  }

  private get st(): AihubmixState {
    return this.core.state.aihubmix;
  }

  private nowSec(): number {
    return Math.floor(this.core.now() / 1000);
  }

  /** new-api's tokenResponse: the Token struct (masked key, DeletedAt without a json tag) plus auto_groups. */
  private newApiView(t: AihubmixTokenRecord): Record<string, unknown> {
    return {
      id: t.id,
      user_id: t.user_id,
      key: maskNewApiKey(t.key),
      status: t.status,
      name: t.name,
      created_time: t.created_time,
      accessed_time: t.accessed_time,
      expired_time: t.expired_time,
      remain_quota: t.remain_quota,
      unlimited_quota: t.unlimited_quota,
      model_limits_enabled: t.model_limits_enabled ?? false,
      model_limits: t.models ?? '',
      allow_ips: t.subnet,
      used_quota: t.used_quota,
      group: t.group ?? '',
      cross_group_retry: t.cross_group_retry ?? false,
      billing_type: t.billing_type ?? 0,
      DeletedAt: null,
      auto_groups: t.auto_groups && t.auto_groups.length > 0 ? t.auto_groups : null,
    };
  }

  private view(t: AihubmixTokenRecord): Record<string, unknown> {
    if (this.newApi) return this.newApiView(t);
    const v = this.core.variants;
    return {
      id: t.id,
      user_id: t.user_id,
      key: t.key,
      status: t.status === 2 && v.aihubmixDisabledStatus === 0 ? 0 : t.status,
      name: t.name,
      created_time: t.created_time,
      accessed_time: t.accessed_time,
      expired_time: v.aihubmixExpiredTime === 'string' ? String(t.expired_time) : t.expired_time,
      remain_quota:
        t.unlimited_quota && v.aihubmixUnlimitedRemain === 'minus-one' ? -1 : t.unlimited_quota ? 0 : t.remain_quota,
      unlimited_quota: t.unlimited_quota,
      used_quota: t.used_quota,
      models: t.models,
      subnet: t.subnet,
    };
  }

  private shaped(ctx: Ctx, items: AihubmixTokenRecord[], total: number, page: number, size: number): unknown {
    const views = items.map((t) => this.view(t));
    switch (this.core.variants.aihubmixListShape) {
      case 'page-object':
        return { page, page_size: size, total, items: views };
      case 'items':
        return { items: views };
      default:
        return views;
    }
  }

  async handle(ctx: Ctx): Promise<void> {
    const { path, method } = ctx;
    if (path.startsWith('/api/')) {
      return this.api(ctx);
    }
    if (path === '/api') {
      return fail(ctx, 'Not Found', 404);
    }
    const requestId = oneApiRequestId(this.core.now(), this.core.counter());
    ctx.res.setHeader('x-oneapi-request-id', requestId);
    if (path === '/v1/models' && method === 'GET') {
      return this.v1Models(ctx, requestId);
    }
    if (path === '/v1/chat/completions' && method === 'POST') {
      return this.chat(ctx, requestId);
    }
    if (
      (path === '/v1/dashboard/billing/subscription' || path === '/dashboard/billing/subscription') &&
      method === 'GET'
    ) {
      return this.billing(ctx, requestId, 'subscription');
    }
    if ((path === '/v1/dashboard/billing/usage' || path === '/dashboard/billing/usage') && method === 'GET') {
      return this.billing(ctx, requestId, 'usage');
    }
    return this.relayError(ctx, 404, `Invalid URL (${method} ${path})`, requestId, 'invalid_request_error');
  }

  private relayError(
    ctx: Ctx,
    status: number,
    message: string,
    requestId: string,
    type = 'one_api_error',
    code: string | null = null,
  ): void {
    const err: Record<string, unknown> = { message: `${message} (request id: ${requestId})`, type };
    if (code !== null) {
      err['param'] = '';
      err['code'] = code;
    }
    sendJson(ctx.res, status, { error: err });
  }

  // ------------------------------------------------------------ management

  private async api(ctx: Ctx): Promise<void> {
    const { path, method } = ctx;
    // public routes
    if (path === '/api/status' && method === 'GET') {
      return ok(ctx, {
        system_name: 'AIHubMix',
        version: 'v0.6.10-sim',
        quota_per_unit: QUOTA_PER_USD,
        display_in_currency: true,
        start_time: Math.floor(this.core.state.anchor / 1000) - 86_400 * 12,
        chat_link: '',
        top_up_link: 'https://aihubmix.com/topup',
        server_address: ctx.baseUrl,
      });
    }
    if (path === '/api/v1/models' && method === 'GET') {
      return this.catalogue(ctx);
    }
    if (path === '/api/token') {
      const qs = ctx.query.toString();
      return sendEmpty(ctx.res, method === 'GET' ? 301 : 307, { location: '/api/token/' + (qs ? `?${qs}` : '') });
    }
    const routes: [string, string, (p: Record<string, string>) => void][] = [
      ['GET', '/api/user/self', () => ok(ctx, { ...this.st.user })],
      ['GET', '/api/user/token', () => this.regenerateAccessToken(ctx)],
      [
        'GET',
        '/api/user/available_models',
        () =>
          ok(
            ctx,
            MODELS.map((m) => m.id),
          ),
      ],
      ['GET', '/api/user/dashboard', () => this.userDashboard(ctx)],
      ['GET', '/api/models', () => this.channelModels(ctx)],
      ['GET', '/api/token/', () => this.listTokens(ctx)],
      ['POST', '/api/token/', () => this.createToken(ctx)],
      ['PUT', '/api/token/', () => this.updateToken(ctx)],
      ['GET', '/api/token/search', () => this.searchTokens(ctx)],
      ['GET', '/api/token/{id}', (p) => this.getToken(ctx, p['id'] ?? '')],
      ['DELETE', '/api/token/{id}', (p) => this.deleteToken(ctx, p['id'] ?? '')],
      ...(this.newApi
        ? ([
            ['POST', '/api/token/{id}/key', (p: Record<string, string>) => this.revealToken(ctx, p['id'] ?? '')],
            ['POST', '/api/token/batch', () => this.batchDelete(ctx)],
          ] as [string, string, (p: Record<string, string>) => void][])
        : []),
      ['GET', '/api/log/self', () => this.logs(ctx)],
      ['GET', '/api/log/self/stat', () => this.logStat(ctx)],
    ];
    for (const [m, tpl, fn] of routes) {
      const params = matchPath(tpl, path);
      if (!params || m !== method) {
        continue;
      }
      if (!this.mgmtAuth(ctx)) {
        return;
      }
      return fn(params);
    }
    return fail(ctx, 'Not Found', 404);
  }

  private mgmtAuth(ctx: Ctx): boolean {
    const h = ctx.req.headers['authorization'];
    if (h === undefined || h.trim() === '') {
      fail(ctx, MSG_NO_TOKEN, 401);
      return false;
    }
    if (bearer(h) !== this.st.accessToken) {
      if (this.newApi) {
        sendJson(ctx.res, 401, { success: false, code: 'AUTH_UNAUTHORIZED', message: MSG_BAD_TOKEN });
      } else {
        fail(ctx, MSG_BAD_TOKEN);
      }
      return false;
    }
    if (this.newApi && this.core.requireNewApiUser) {
      const u = ctx.req.headers['new-api-user'];
      const user = Array.isArray(u) ? u[0] : u;
      if (user === undefined || user.trim() === '') {
        fail(ctx, MSG_NO_USER, 401);
        return false;
      }
      if (!/^\d+$/.test(user.trim())) {
        fail(ctx, MSG_BAD_USER, 401);
        return false;
      }
      if (Number(user.trim()) !== this.st.user.id) {
        fail(ctx, MSG_USER_MISMATCH, 401);
        return false;
      }
    }
    return true;
  }

  private body(ctx: Ctx): { ok: true; body: unknown } | { ok: false } {
    if (ctx.bodyInvalid) {
      const text = ctx.rawBody.toString('utf8').trim();
      const first = text[0] ?? '';
      fail(
        ctx,
        first === '' || text.length < 2
          ? 'unexpected end of JSON input'
          : `invalid character '${first === '{' ? (text[1] ?? '') : first}' looking for beginning of ${first === '{' ? 'object key string' : 'value'}`,
      );
      return { ok: false };
    }
    if (!ctx.hasBody) {
      fail(ctx, 'EOF');
      return { ok: false };
    }
    return { ok: true, body: ctx.body };
  }

  private regenerateAccessToken(ctx: Ctx): void {
    // one-api GenerateAccessToken: a new UUID without dashes; the old token stops working at once.
    this.st.accessToken = hex(this.core.liveRng, 32);
    this.st.accessTokenRegenerations++;
    ok(ctx, this.st.accessToken);
  }

  private channelModels(ctx: Ctx): void {
    const data: Record<string, string[]> = {};
    for (const m of MODELS) {
      const ch = String(CHANNELS[m.provider] ?? 1);
      (data[ch] ??= []).push(m.id);
    }
    ok(ctx, data);
  }

  private catalogue(ctx: Ctx): void {
    const q = ctx.q;
    let items = MODELS.slice();
    if (q['type']) {
      items = items.filter((m) => m.types === q['type']);
    }
    const csv = (s: string | undefined): string[] =>
      (s ?? '')
        .split(',')
        .map((x) => x.trim().toLowerCase())
        .filter((x) => x !== '');
    const mods = csv(q['modalities']);
    if (mods.length > 0) {
      items = items.filter((m) => mods.every((x) => m.modalities.split(',').includes(x)));
    }
    const feats = csv(q['features']);
    if (feats.length > 0) {
      items = items.filter((m) => feats.every((x) => m.features.split(',').includes(x)));
    }
    const name = q['model']?.toLowerCase();
    if (name) {
      items = items.filter((m) => m.id.toLowerCase().includes(name) || m.name.toLowerCase().includes(name));
    }
    const sortBy = q['sort_by'];
    const desc = q['sort_order'] === 'desc';
    const keyOf: Record<string, (m: (typeof MODELS)[number]) => number> = {
      model_ratio: (m) => m.inUsdE4,
      context_length: (m) => m.contextLength,
      coding: (m) => m.coding,
      order: (m) => MODELS.indexOf(m),
    };
    const kf = sortBy ? keyOf[sortBy] : undefined;
    if (kf) {
      items.sort((a, b) => (desc ? kf(b) - kf(a) : kf(a) - kf(b)) || MODELS.indexOf(a) - MODELS.indexOf(b));
    }
    ok(
      ctx,
      items.map((m) => {
        const pricing: Record<string, number> = { input: usdPer1K(m.inUsdE4), output: usdPer1K(m.outUsdE4) };
        if (m.cacheReadE4 !== undefined) {
          pricing['cache_read'] = usdPer1K(m.cacheReadE4);
        }
        if (m.cacheWriteE4 !== undefined) {
          pricing['cache_write'] = usdPer1K(m.cacheWriteE4);
        }
        return {
          model_id: m.id,
          desc: `${m.name} by ${m.provider}.`,
          types: m.types,
          features: m.features,
          input_modalities: m.modalities,
          max_output: m.maxOutput,
          context_length: m.contextLength,
          pricing,
        };
      }),
    );
  }

  // ---------------------------------------------------------------- tokens

  private findToken(id: number): AihubmixTokenRecord | undefined {
    // ids ascending: binary search
    const ts = this.st.tokens;
    let lo = 0;
    let hi = ts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const t = ts[mid];
      if (!t) {
        break;
      }
      if (t.id === id) {
        return t;
      }
      if (t.id < id) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return undefined;
  }

  /** new-api GetPageQuery: `p` from 1 (p < 1 → 1), `page_size` (0 → 10, at most 100). */
  private newApiPage(ctx: Ctx): { page: number; size: number } {
    let page = atoi(ctx.q['p']) ?? 1;
    if (page < 1) page = 1;
    let size = atoi(ctx.q['page_size']) ?? 0;
    if (size <= 0) size = 10;
    return { page, size: Math.min(size, 100) };
  }

  /** new-api's PageInfo as JSON. */
  private pageInfo(page: number, size: number, total: number, items: unknown[]): Record<string, unknown> {
    return { page, page_size: size, start_timestamp: 0, end_timestamp: 0, total, items };
  }

  private newApiList(ctx: Ctx): void {
    const { page, size } = this.newApiPage(ctx);
    const all = this.st.tokens;
    const out: AihubmixTokenRecord[] = [];
    for (let i = all.length - 1 - (page - 1) * size; i >= 0 && out.length < size; i--) {
      const t = all[i];
      if (t) out.push(t);
    }
    ok(
      ctx,
      this.pageInfo(
        page,
        size,
        all.length,
        out.map((t) => this.view(t)),
      ),
    );
  }

  private newApiSearch(ctx: Ctx): void {
    const { page } = this.newApiPage(ctx);
    let limit = atoi(ctx.q['page_size']) ?? 0;
    if (limit <= 0 || limit > 100) limit = 100;
    let found = this.st.tokens.slice().reverse(); // id desc
    const keyword = ctx.q['keyword'] ?? '';
    if (keyword !== '') {
      const m = likeMatcher(keyword);
      if (typeof m === 'string') return fail(ctx, m);
      found = found.filter((t) => m(t.name));
    }
    const token = (ctx.q['token'] ?? '').replace(/^sk-/, '');
    if (token !== '') {
      const m = likeMatcher(token);
      if (typeof m === 'string') return fail(ctx, m);
      found = found.filter((t) => m(t.key));
    }
    const items = found.slice((page - 1) * limit, page * limit);
    ok(
      ctx,
      this.pageInfo(
        page,
        limit,
        found.length,
        items.map((t) => this.view(t)),
      ),
    );
  }

  private revealToken(ctx: Ctx, raw: string): void {
    const id = atoi(raw);
    if (id === null) {
      return fail(ctx, `strconv.Atoi: parsing ${JSON.stringify(raw)}: invalid syntax`);
    }
    const t = this.findToken(id);
    if (!t) {
      return fail(ctx, 'record not found');
    }
    ok(ctx, { key: t.key });
  }

  private batchDelete(ctx: Ctx): void {
    const r = this.body(ctx);
    if (!r.ok) {
      return;
    }
    const ids = isRecord(r.body) ? r.body['ids'] : undefined;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === 'number' && Number.isInteger(x))) {
      return fail(ctx, '无效的参数');
    }
    const set = new Set(ids as number[]);
    const before = this.st.tokens.length;
    this.st.tokens = this.st.tokens.filter((t) => !set.has(t.id));
    ok(ctx, before - this.st.tokens.length);
  }

  /** new-api's checks shared by create and update: name ≤ 50 bytes, quota ≥ 0 and ≤ the ceiling unless unlimited. */
  private newApiValidate(b: NewApiTokenBody): string | null {
    if (Buffer.byteLength(b.name, 'utf8') > 50) {
      return '令牌名称过长';
    }
    if (!b.unlimited_quota) {
      if (b.remain_quota < 0) {
        return '额度值不能为负数';
      }
      if (b.remain_quota > NEWAPI_MAX_QUOTA) {
        return `额度值超出有效范围，最大值为 ${NEWAPI_MAX_QUOTA}`;
      }
    }
    if (b.group === 'auto' && b.auto_groups.groups) {
      const seen = new Set<string>();
      for (const g of b.auto_groups.groups) {
        if (seen.has(g)) return `自动分组 ${g} 重复`;
        seen.add(g);
      }
    }
    return null;
  }

  private newApiCreate(ctx: Ctx): void {
    const r = this.body(ctx);
    if (!r.ok) {
      return;
    }
    const b = decodeNewApiBody(r.body);
    if (typeof b === 'string') {
      return fail(ctx, b);
    }
    const err = this.newApiValidate(b);
    if (err) {
      return fail(ctx, err);
    }
    const now = this.nowSec();
    const last = this.st.tokens[this.st.tokens.length - 1];
    const auto = b.group === 'auto';
    this.st.tokens.push({
      id: (last?.id ?? 0) + 1,
      user_id: this.st.user.id,
      key: newHubKey(this.core.liveRng),
      status: 1,
      name: b.name,
      created_time: now,
      accessed_time: now,
      // gorm writes the column default for a zero value on insert: expired_time 0 becomes -1 (never)
      expired_time: b.expired_time === 0 ? -1 : b.expired_time,
      remain_quota: b.remain_quota,
      unlimited_quota: b.unlimited_quota,
      used_quota: 0,
      models: b.model_limits,
      subnet: b.allow_ips ?? '',
      model_limits_enabled: b.model_limits_enabled,
      group: b.group,
      cross_group_retry: auto ? b.cross_group_retry : false,
      auto_groups: auto ? b.auto_groups.groups : null,
      billing_type: 0,
    });
    ok(ctx); // new-api answers a create without the token
  }

  private newApiUpdate(ctx: Ctx): void {
    const r = this.body(ctx);
    if (!r.ok) {
      return;
    }
    const b = decodeNewApiBody(r.body);
    if (typeof b === 'string') {
      return fail(ctx, b);
    }
    const err = this.newApiValidate(b);
    if (err) {
      return fail(ctx, err);
    }
    if (b.id === 0) {
      return fail(ctx, 'id 为空！');
    }
    const t = this.findToken(b.id);
    if (!t) {
      return fail(ctx, 'record not found');
    }
    const now = this.nowSec();
    if (b.status === 1) {
      if (t.status === 3 && t.expired_time <= now && t.expired_time !== -1) {
        return fail(ctx, MSG_EXPIRED_ENABLE);
      }
      if (t.status === 4 && t.remain_quota <= 0 && !t.unlimited_quota) {
        return fail(ctx, MSG_EXHAUSTED_ENABLE);
      }
    }
    if ((ctx.q['status_only'] ?? '') !== '') {
      if (![1, 2].includes(b.status)) {
        return fail(ctx, '无效的参数');
      }
      t.status = b.status as 1 | 2;
      return ok(ctx, this.view(t));
    }
    // full replace: every field below takes the body's value, an omitted one its zero value
    t.name = b.name;
    t.expired_time = b.expired_time;
    t.remain_quota = b.remain_quota;
    t.unlimited_quota = b.unlimited_quota;
    t.model_limits_enabled = b.model_limits_enabled;
    t.models = b.model_limits;
    t.subnet = b.allow_ips;
    t.group = b.group;
    t.cross_group_retry = b.cross_group_retry;
    if (b.group !== 'auto') {
      t.cross_group_retry = false;
      t.auto_groups = null;
    } else if (b.auto_groups.set) {
      t.auto_groups = b.auto_groups.groups && b.auto_groups.groups.length > 0 ? b.auto_groups.groups : null;
    }
    ok(ctx, this.view(t));
  }

  private listTokens(ctx: Ctx): void {
    if (this.newApi) {
      return this.newApiList(ctx);
    }
    let p = atoi(ctx.q['p']) ?? 0;
    if (p < 0) {
      p = 0;
    }
    let num = atoi(ctx.q['num']) ?? 10;
    if (num <= 0) {
      num = 10;
    }
    num = Math.min(num, 100);
    const all = this.st.tokens;
    let page: AihubmixTokenRecord[];
    const order = ctx.q['order'];
    if (order === 'remain_quota' || order === 'used_quota') {
      const sorted = all
        .slice()
        .sort((a, b) =>
          order === 'remain_quota'
            ? Number(b.unlimited_quota) - Number(a.unlimited_quota) || b.remain_quota - a.remain_quota || b.id - a.id
            : b.used_quota - a.used_quota || b.id - a.id,
        );
      page = sorted.slice(p * num, p * num + num);
    } else {
      page = [];
      for (let i = all.length - 1 - p * num; i >= 0 && page.length < num; i--) {
        const t = all[i];
        if (t) {
          page.push(t);
        }
      }
    }
    ok(ctx, this.shaped(ctx, page, all.length, p, num));
  }

  private searchTokens(ctx: Ctx): void {
    if (this.newApi) {
      return this.newApiSearch(ctx);
    }
    const kw = ctx.q['keyword'];
    if (kw === undefined || kw === '') {
      return fail(ctx, '参数错误：keyword 不能为空');
    }
    const low = kw.toLowerCase();
    const found = this.st.tokens.filter((t) => t.name.toLowerCase().startsWith(low));
    ok(ctx, this.shaped(ctx, found, found.length, 0, found.length));
  }

  private getToken(ctx: Ctx, raw: string): void {
    const id = atoi(raw);
    if (id === null) {
      return fail(ctx, `参数错误：strconv.Atoi: parsing ${JSON.stringify(raw)}: invalid syntax`);
    }
    const t = this.findToken(id);
    if (!t) {
      return fail(ctx, 'record not found');
    }
    ok(ctx, this.view(t));
  }

  /** Validation shared by create and full update; returns an error message or null. */
  private validate(b: TokenBody, checkExpiry: boolean): string | null {
    if (b.name === '') {
      return '令牌名称不能为空';
    }
    if (Buffer.byteLength(b.name, 'utf8') > 30) {
      return '令牌名称过长';
    }
    if (b.subnet !== '') {
      for (const s of b.subnet.split(',')) {
        const part = s.trim();
        if (!isIpOrCidr(part)) {
          return `无效的网段：invalid CIDR address: ${part}`;
        }
      }
    }
    if (checkExpiry && b.expired_time !== -1 && b.expired_time <= this.nowSec()) {
      return '过期时间不能早于当前时间，请设置为 -1（永不过期）或未来的时间';
    }
    return null;
  }

  private createToken(ctx: Ctx): void {
    if (this.newApi) {
      return this.newApiCreate(ctx);
    }
    const r = this.body(ctx);
    if (!r.ok) {
      return;
    }
    const b = decodeTokenBody(r.body);
    if (typeof b === 'string') {
      return fail(ctx, b);
    }
    if (!b.present.has('expired_time')) {
      b.expired_time = -1; // lenient default: never expires
    }
    const err = this.validate(b, true);
    if (err) {
      return fail(ctx, err);
    }
    const now = this.nowSec();
    const last = this.st.tokens[this.st.tokens.length - 1];
    const t: AihubmixTokenRecord = {
      id: (last?.id ?? 0) + 1,
      user_id: this.st.user.id,
      key: newHubKey(this.core.liveRng),
      status: 1,
      name: b.name,
      created_time: now,
      accessed_time: now,
      expired_time: b.expired_time,
      remain_quota: b.unlimited_quota ? 0 : b.remain_quota,
      unlimited_quota: b.unlimited_quota,
      used_quota: 0,
      models: b.models,
      subnet: b.subnet,
    };
    this.st.tokens.push(t);
    ok(ctx, this.view(t));
  }

  private updateToken(ctx: Ctx): void {
    if (this.newApi) {
      return this.newApiUpdate(ctx);
    }
    const r = this.body(ctx);
    if (!r.ok) {
      return;
    }
    const b = decodeTokenBody(r.body);
    if (typeof b === 'string') {
      return fail(ctx, b);
    }
    const statusOnly = (ctx.q['status_only'] ?? '') !== '';
    if (b.id === undefined || b.id === 0) {
      return fail(ctx, '参数错误：id 不能为空');
    }
    const t = this.findToken(b.id);
    if (!t) {
      return fail(ctx, 'record not found');
    }
    const now = this.nowSec();
    if (statusOnly) {
      if (b.status === undefined || ![0, 1, 2].includes(b.status)) {
        return fail(ctx, '参数错误：status 只能为 1（启用）或 2（禁用）');
      }
      if (b.status === 1) {
        if (t.expired_time !== -1 && t.expired_time <= now) {
          return fail(ctx, MSG_EXPIRED_ENABLE);
        }
        if (!t.unlimited_quota && t.remain_quota <= 0) {
          return fail(ctx, MSG_EXHAUSTED_ENABLE);
        }
        t.status = 1;
      } else {
        t.status = 2;
      }
      return ok(ctx, this.view(t));
    }
    // one-api: a body saying status 1 on an expired/exhausted key is refused, even on a full update
    if (b.status === 1) {
      if (t.status === 3 && t.expired_time !== -1 && t.expired_time <= now) {
        return fail(ctx, MSG_EXPIRED_ENABLE);
      }
      if (t.status === 4 && t.remain_quota <= 0 && !t.unlimited_quota) {
        return fail(ctx, MSG_EXHAUSTED_ENABLE);
      }
    }
    // an explicit past expired_time is refused; an omitted one becomes the zero value 0 (= already expired)
    const err = this.validate(b, b.present.has('expired_time'));
    if (err) {
      return fail(ctx, err);
    }
    // full replace: omitted fields take their zero values; status is ignored
    t.name = b.name;
    t.expired_time = b.expired_time;
    t.unlimited_quota = b.unlimited_quota;
    t.remain_quota = b.unlimited_quota ? 0 : b.remain_quota;
    t.models = b.models;
    t.subnet = b.subnet;
    ok(ctx, this.view(t));
  }

  private deleteToken(ctx: Ctx, raw: string): void {
    const id = atoi(raw);
    if (id === null) {
      return fail(ctx, `参数错误：strconv.Atoi: parsing ${JSON.stringify(raw)}: invalid syntax`);
    }
    const t = this.findToken(id);
    if (!t) {
      return fail(ctx, 'record not found');
    }
    this.st.tokens.splice(this.st.tokens.indexOf(t), 1);
    ok(ctx);
  }

  // ------------------------------------------------------------------ logs

  private logFilter(ctx: Ctx, withTime: boolean): (l: AihubmixLog) => boolean {
    const type = atoi(ctx.q['type']) ?? 0;
    const start = atoi(ctx.q['start_timestamp']) ?? 0;
    const end = atoi(ctx.q['end_timestamp']) ?? 0;
    const tokenName = ctx.q['token_name'] ?? '';
    const modelName = ctx.q['model_name'] ?? '';
    return (l) =>
      (type === 0 || l.type === type) &&
      (!withTime || start === 0 || l.created_at >= start) &&
      (!withTime || end === 0 || l.created_at <= end) &&
      (tokenName === '' || l.token_name === tokenName) &&
      (modelName === '' || l.model_name === modelName);
  }

  private newApiLogs(ctx: Ctx): void {
    const { page, size } = this.newApiPage(ctx);
    const f = this.logFilter(ctx, true);
    const matched: AihubmixLog[] = [];
    const logs = this.st.logs;
    for (let i = logs.length - 1; i >= 0; i--) {
      const l = logs[i];
      if (l && f(l)) matched.push(l);
    }
    const items = matched.slice((page - 1) * size, page * size).map((l) => {
      const other = {
        frt: Math.round(l.elapsed_time / 3),
        ...(l.cache_tokens !== undefined
          ? { cache_tokens: l.cache_tokens, cache_creation_tokens: l.cache_creation_tokens ?? 0 }
          : {}),
      };
      const out: Record<string, unknown> = {
        ...l,
        use_time: Math.max(1, Math.round(l.elapsed_time / 1000)),
        group: 'default',
        other: JSON.stringify(other),
      };
      delete out['cache_tokens'];
      delete out['cache_creation_tokens'];
      delete out['elapsed_time']; // new-api logs carry use_time (seconds) instead
      delete out['system_prompt_reset'];
      return out;
    });
    ok(ctx, this.pageInfo(page, size, matched.length, items));
  }

  private logs(ctx: Ctx): void {
    if (this.newApi) {
      return this.newApiLogs(ctx);
    }
    let p = atoi(ctx.q['p']) ?? 0;
    if (p < 0) {
      p = 0;
    }
    let num = atoi(ctx.q['num']) ?? atoi(ctx.q['page_size']) ?? 10;
    if (num <= 0) {
      num = 10;
    }
    num = Math.min(num, 100);
    const f = this.logFilter(ctx, true);
    const out: AihubmixLog[] = [];
    let skip = p * num;
    const logs = this.st.logs;
    for (let i = logs.length - 1; i >= 0 && out.length < num; i--) {
      const l = logs[i];
      if (!l || !f(l)) {
        continue;
      }
      if (skip > 0) {
        skip--;
        continue;
      }
      const copy = { ...l };
      delete copy.cache_tokens; // one-api's log has no cache counts
      delete copy.cache_creation_tokens;
      out.push(copy);
    }
    ok(ctx, out);
  }

  private logStat(ctx: Ctx): void {
    const f = this.logFilter(ctx, true);
    const fNoTime = this.logFilter(ctx, false);
    const since = this.nowSec() - 60;
    let quota = 0;
    let rpm = 0;
    let tpm = 0;
    for (const l of this.st.logs) {
      if (l.type !== 2) {
        continue;
      }
      if (f(l)) {
        quota += l.quota;
      }
      if (l.created_at >= since && fNoTime(l)) {
        rpm++;
        tpm += l.prompt_tokens + l.completion_tokens;
      }
    }
    ok(ctx, { quota, rpm, tpm });
  }

  private userDashboard(ctx: Ctx): void {
    const today = epochDay(this.core.now());
    const from = Math.floor(((today - 6) * 86_400_000) / 1000);
    const by = new Map<
      string,
      {
        day: string;
        model_name: string;
        request_count: number;
        quota: number;
        prompt_tokens: number;
        completion_tokens: number;
      }
    >();
    for (const l of this.st.logs) {
      if (l.type !== 2 || l.created_at < from) {
        continue;
      }
      const day = dayString(Math.floor(l.created_at / 86_400));
      const k = `${day}|${l.model_name}`;
      const e = by.get(k) ?? {
        day,
        model_name: l.model_name,
        request_count: 0,
        quota: 0,
        prompt_tokens: 0,
        completion_tokens: 0,
      };
      e.request_count++;
      e.quota += l.quota;
      e.prompt_tokens += l.prompt_tokens;
      e.completion_tokens += l.completion_tokens;
      by.set(k, e);
    }
    ok(
      ctx,
      [...by.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.model_name < b.model_name ? -1 : 1)),
    );
  }

  // ----------------------------------------------------------- model plane

  /** one-api TokenAuth; sends the error and returns undefined when the key cannot be used. */
  private tokenAuth(ctx: Ctx, requestId: string): AihubmixTokenRecord | undefined {
    let key = bearer(ctx.req.headers['authorization']) ?? '';
    key = key.replace(/^sk-/, '').split('-')[0] ?? '';
    if (key === '') {
      this.relayError(ctx, 401, '未提供令牌', requestId);
      return undefined;
    }
    const t = this.st.tokens.find((x) => x.key === key);
    if (!t) {
      this.relayError(ctx, 401, '无效的令牌', requestId);
      return undefined;
    }
    const now = this.nowSec();
    if (t.status === 3) {
      this.relayError(ctx, 401, '该令牌已过期', requestId);
      return undefined;
    }
    if (t.status === 4) {
      this.relayError(ctx, 401, `API Key ${t.name} 额度已用尽`, requestId);
      return undefined;
    }
    if (t.status !== 1) {
      this.relayError(ctx, 401, '该令牌状态不可用', requestId);
      return undefined;
    }
    if (t.expired_time !== -1 && t.expired_time < now) {
      t.status = 3;
      this.relayError(ctx, 401, '该令牌已过期', requestId);
      return undefined;
    }
    if (!t.unlimited_quota && t.remain_quota <= 0) {
      t.status = 4;
      this.relayError(ctx, 401, '该令牌额度已用尽', requestId);
      return undefined;
    }
    return t;
  }

  private allowedModels(t: AihubmixTokenRecord): string[] | null {
    if (this.newApi && !t.model_limits_enabled) {
      return null;
    }
    const list = (t.models ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    return list.length > 0 ? list : null;
  }

  private v1Models(ctx: Ctx, requestId: string): void {
    const t = this.tokenAuth(ctx, requestId);
    if (!t) {
      return;
    }
    const allowed = this.allowedModels(t);
    const models = allowed ? MODELS.filter((m) => allowed.includes(m.id)) : MODELS;
    sendJson(ctx.res, 200, {
      object: 'list',
      data: models.map((m) => ({
        id: m.id,
        object: 'model',
        created: m.created,
        owned_by: m.provider.toLowerCase(),
        permission: [
          {
            id: `modelperm-${m.id.replace(/[^a-z0-9]/gi, '').slice(0, 20)}`,
            object: 'model_permission',
            created: m.created,
            allow_create_engine: true,
            allow_sampling: true,
            allow_logprobs: true,
            allow_search_indices: false,
            allow_view: true,
            allow_fine_tuning: false,
            organization: '*',
            group: null,
            is_blocking: false,
          },
        ],
        root: m.id,
        parent: null,
      })),
    });
  }

  private billing(ctx: Ctx, requestId: string, what: 'subscription' | 'usage'): void {
    const t = this.tokenAuth(ctx, requestId);
    if (!t) {
      return;
    }
    if (what === 'usage') {
      sendJson(ctx.res, 200, { object: 'list', total_usage: (t.used_quota / QUOTA_PER_USD) * 100 });
      return;
    }
    const amount = t.unlimited_quota ? 100_000_000 : (t.remain_quota + t.used_quota) / QUOTA_PER_USD;
    sendJson(ctx.res, 200, {
      object: 'billing_subscription',
      has_payment_method: true,
      soft_limit_usd: amount,
      hard_limit_usd: amount,
      system_hard_limit_usd: amount,
      access_until: t.expired_time === -1 ? 0 : t.expired_time,
    });
  }

  private async chat(ctx: Ctx, requestId: string): Promise<void> {
    const t = this.tokenAuth(ctx, requestId);
    if (!t) {
      return;
    }
    if (ctx.bodyInvalid || !isRecord(ctx.body)) {
      return this.relayError(
        ctx,
        400,
        'invalid character in request body: not a JSON object',
        requestId,
        'one_api_error',
        'invalid_text_request',
      );
    }
    const body = ctx.body;
    const model = body['model'];
    if (typeof model !== 'string' || model === '') {
      return this.relayError(ctx, 400, '未指定模型名称，模型名称不能为空', requestId);
    }
    const subnet = (t.subnet ?? '').trim();
    if (this.core.variants.keyLimits === 'enforced' && subnet !== '') {
      const ip = clientIp(ctx.req);
      const list = subnet.split(/[,\n]/);
      if (!ipAllowed(ip, list)) {
        return this.relayError(
          ctx,
          403,
          this.newApi ? '您的 IP 不在令牌允许访问的列表中' : `该令牌只能在指定网段使用：${subnet}，当前 ip：${ip}`,
          requestId,
        );
      }
    }
    const allowed = this.allowedModels(t);
    if (allowed && !allowed.includes(model)) {
      return this.relayError(ctx, 403, `该令牌无权使用模型：${model}`, requestId);
    }
    if (this.st.user.quota <= 0) {
      return this.relayError(
        ctx,
        403,
        this.newApi
          ? `用户额度不足, 剩余额度: $${(this.st.user.quota / QUOTA_PER_USD).toFixed(6)}`
          : 'user quota is not enough',
        requestId,
        this.newApi ? 'new_api_error' : 'one_api_error',
        'insufficient_user_quota',
      );
    }
    const cat = findModel(model);
    if (!cat) {
      return this.relayError(ctx, 400, `当前分组 default 下对于模型 ${model} 无可用渠道`, requestId);
    }
    const messages = body['messages'];
    if (
      !Array.isArray(messages) ||
      messages.length === 0 ||
      !messages.every((m) => isRecord(m) && typeof m['role'] === 'string')
    ) {
      return this.relayError(
        ctx,
        400,
        'field messages is required',
        requestId,
        'one_api_error',
        'invalid_text_request',
      );
    }
    const msgs = messages as ChatMessage[];
    const question = lastUserText(msgs);
    this.core.counter(); // a request id is drawn, as for every chat request
    const plan: ChatPlan = {
      gateway: 'aihubmix',
      id: `chatcmpl-${requestId}`,
      created: this.nowSec(),
      model,
      systemFingerprint: 'fp_a1b2c3d4e5',
      content: buildAnswer(this.core.seed, model, question),
      toolCalls: /tool call/i.test(question) ? planToolCalls(this.core.seed, question, body['tools']) : [],
      promptTokens: promptTokens(msgs),
      inputs: inputPlan(model, msgs),
      usageOptions: { gateway: 'aihubmix', newApi: this.newApi },
      includeUsage: true, // one-api forces include_usage upstream
      keepAlive: ': PING',
      keepAliveAtStart: false,
      seed: this.core.seed,
      midStreamErrorMessage: `upstream timeout (request id: ${requestId})`,
    };
    const started = this.core.now();
    if (body['stream'] === true) {
      const out = await runStream(ctx, this.core, plan, ctx.streamFault);
      this.consume(
        t,
        cat.id,
        plan.promptTokens,
        out.completionTokens,
        this.core.now() - started,
        true,
        requestId,
        plan.inputs,
      );
      return;
    }
    const resp = completionBody(plan);
    const usage = resp['usage'] as { completion_tokens: number };
    this.consume(
      t,
      cat.id,
      plan.promptTokens,
      usage.completion_tokens,
      this.core.now() - started + cat.latencyMs,
      false,
      requestId,
      plan.inputs,
    );
    sendJson(ctx.res, 200, resp);
  }

  /** Charges a call: token and user quota, a consume log. */
  private consume(
    t: AihubmixTokenRecord,
    model: string,
    prompt: number,
    completion: number,
    elapsed: number,
    stream: boolean,
    requestId: string,
    inputs?: InputPlan,
  ): void {
    const m = findModel(model) ?? CHAT_MODELS[0];
    const quota = hubQuota(m, prompt, completion);
    t.used_quota += quota;
    if (!t.unlimited_quota) {
      t.remain_quota = Math.max(0, t.remain_quota - quota);
      if (t.remain_quota === 0) {
        t.status = 4;
      }
    }
    const now = this.nowSec();
    t.accessed_time = now;
    const u = this.st.user;
    u.quota -= quota;
    u.used_quota += quota;
    u.request_count++;
    const last = this.st.logs[this.st.logs.length - 1];
    this.st.logs.push({
      id: (last?.id ?? 0) + 1,
      user_id: u.id,
      created_at: now,
      type: 2,
      content: m ? logContent(m) : '',
      username: u.username,
      token_name: t.name,
      model_name: model,
      quota,
      prompt_tokens: prompt,
      completion_tokens: completion,
      channel: m ? (CHANNELS[m.provider] ?? 1) : 1,
      request_id: requestId,
      elapsed_time: Math.max(1, Math.round(elapsed)),
      is_stream: stream,
      system_prompt_reset: false,
      ...(inputs ? { cache_tokens: inputs.cached, cache_creation_tokens: inputs.cacheWrite } : {}),
    });
  }
}
