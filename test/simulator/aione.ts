/** The simulated AIone API (FastAPI semantics): management plane /api/v1/* and model plane /v1/*. */
import { buildAnswer, lastUserText, planToolCalls, promptTokens, type ChatMessage } from './answer';
import { aioneCostE4, findModel, MODELS, rmbE4 } from './catalog';
import type { Core } from './core';
import { aioneKeyPrefix, HOUR_WEIGHTS, maskAioneSecret, newAioneSecret, splitByHour } from './aione-data';
import { bearer, has, isRecord, matchPath, sendEmpty, sendJson, sendRaw, type Ctx } from './http-util';
import {
  DAY_MS,
  dayString,
  epochDay,
  fmtE4,
  formatScaled,
  int,
  isoMicros,
  isoSeconds,
  parseDay,
  pct2,
  rngFor,
  uuid,
} from './rng';
import { completionBody, runStream, type ChatPlan } from './stream';
import { inputPlan, reasoningTokens } from './usage';
import { recordAioneRequest, serveAioneRequests } from './aione-requests';
import type { AioneKeyRecord, AioneKeyStatus, AioneState, AioneUsageCell } from './types';
import { clientIp, ipAllowed, isIpOrCidr, normUuid, parseDateTime, uuidErrorDetail } from './validate';

interface VErr {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

const PLAN = {
  name: 'Team Pro',
  tier: 'pro',
  priceE4: 19_990_000,
  rpm: 3000,
  tpm: 2_000_000,
  features: [
    'unlimited_teams',
    'usage_analytics',
    'key_rotation',
    'ip_allowlist',
    'sandbox_keys',
    'priority_support',
    'invoice_billing',
  ],
};

function detail(ctx: Ctx, status: number, message: string): void {
  sendJson(ctx.res, status, { detail: message });
}

function send422(ctx: Ctx, errors: VErr[]): void {
  sendJson(ctx.res, 422, { detail: errors });
}

/** OpenAI-style error on the model plane. */
function oaiError(
  ctx: Ctx,
  status: number,
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
): void {
  sendJson(ctx.res, status, { error: { message, type, param, code } });
}

/** An AIone request id (`x-request-id`), from a one-api-style stamp + counter. */
export function aioneRequestId(stampAndCounter: string): string {
  return `req_${stampAndCounter}`;
}

export function aioneFaultBody(path: string, status: number, model?: string): unknown {
  if (path === '/v1/chat/completions' && model !== undefined && (status === 502 || status === 503)) {
    return {
      error: {
        message: `The upstream provider of model '${model}' is temporarily unavailable. Retry later or switch to another model.`,
        type: 'server_error',
        param: null,
        code: 'upstream_unavailable',
      },
    };
  }
  const messages: Record<number, string> = {
    400: 'Bad Request',
    401: 'Not authenticated',
    403: 'Forbidden',
    404: 'Not Found',
    408: 'Request Timeout',
    409: 'Conflict',
    429: 'Rate limit exceeded, please retry later',
    500: 'Internal Server Error',
    502: 'Bad Gateway: upstream unavailable',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  const message = messages[status] ?? `HTTP ${status}`;
  if (path.startsWith('/v1/')) {
    const type =
      status === 429
        ? 'rate_limit_error'
        : status >= 500
          ? 'server_error'
          : status === 401
            ? 'authentication_error'
            : 'invalid_request_error';
    const code = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : null;
    return { error: { message, type, param: null, code } };
  }
  return { detail: message };
}

// ----------------------------------------------------------------- validation

function intParam(
  raw: string | undefined,
  loc: (string | number)[],
  def: number,
  ge?: number,
  le?: number,
): number | VErr {
  if (raw === undefined) {
    return def;
  }
  if (!/^[+-]?\d+$/.test(raw.trim())) {
    return {
      type: 'int_parsing',
      loc,
      msg: 'Input should be a valid integer, unable to parse string as an integer',
      input: raw,
    };
  }
  const n = Number(raw.trim());
  if (ge !== undefined && n < ge) {
    return {
      type: 'greater_than_equal',
      loc,
      msg: `Input should be greater than or equal to ${ge}`,
      input: raw,
      ctx: { ge },
    };
  }
  if (le !== undefined && n > le) {
    return {
      type: 'less_than_equal',
      loc,
      msg: `Input should be less than or equal to ${le}`,
      input: raw,
      ctx: { le },
    };
  }
  return n;
}

function isVErr(v: unknown): v is VErr {
  return isRecord(v) && typeof v['type'] === 'string' && Array.isArray(v['loc']);
}

function literalErr(loc: (string | number)[], input: unknown, options: string[]): VErr {
  const expected = options.map((o) => `'${o}'`);
  const text =
    expected.length > 1
      ? `${expected.slice(0, -1).join(', ')} or ${expected[expected.length - 1] ?? ''}`
      : (expected[0] ?? '');
  return { type: 'literal_error', loc, msg: `Input should be ${text}`, input, ctx: { expected: text } };
}

function bodyInt(v: unknown, loc: (string | number)[], ge?: number, le?: number): number | VErr {
  if (typeof v === 'boolean' || (typeof v !== 'number' && typeof v !== 'string')) {
    return { type: 'int_type', loc, msg: 'Input should be a valid integer', input: v };
  }
  let n: number;
  if (typeof v === 'string') {
    if (!/^[+-]?\d+$/.test(v.trim())) {
      return {
        type: 'int_parsing',
        loc,
        msg: 'Input should be a valid integer, unable to parse string as an integer',
        input: v,
      };
    }
    n = Number(v.trim());
  } else {
    if (!Number.isFinite(v) || !Number.isInteger(v)) {
      return {
        type: 'int_from_float',
        loc,
        msg: 'Input should be a valid integer, got a number with a fractional part',
        input: v,
      };
    }
    n = v;
  }
  if (ge !== undefined && n < ge) {
    return {
      type: 'greater_than_equal',
      loc,
      msg: `Input should be greater than or equal to ${ge}`,
      input: v,
      ctx: { ge },
    };
  }
  if (le !== undefined && n > le) {
    return { type: 'less_than_equal', loc, msg: `Input should be less than or equal to ${le}`, input: v, ctx: { le } };
  }
  return n;
}

function stringList(
  v: unknown,
  loc: (string | number)[],
  errors: VErr[],
  check: (s: string, i: number) => VErr | null,
): string[] | null {
  if (v === null) {
    return null;
  }
  if (!Array.isArray(v)) {
    errors.push({ type: 'list_type', loc, msg: 'Input should be a valid list', input: v });
    return null;
  }
  const out: string[] = [];
  v.forEach((item: unknown, i) => {
    if (typeof item !== 'string') {
      errors.push({ type: 'string_type', loc: [...loc, i], msg: 'Input should be a valid string', input: item });
      return;
    }
    const e = check(item, i);
    if (e) {
      errors.push(e);
    } else {
      out.push(item);
    }
  });
  return out;
}

interface KeyFields {
  name?: string;
  team_id?: string | null;
  models_allowed?: string[] | null;
  allowed_ips?: string[] | null;
  rpm_limit?: number | null;
  tpm_limit?: number | null;
  is_sandbox?: boolean;
  expires_at?: string | null;
}

/** Validates KeyCreateRequest / KeyUpdateRequest; update only knows name, models_allowed, allowed_ips, rpm/tpm. */
function validateKeyBody(body: unknown, mode: 'create' | 'update', now: number): { errors: VErr[]; values: KeyFields } {
  const errors: VErr[] = [];
  const values: KeyFields = {};
  if (!isRecord(body)) {
    errors.push({
      type: 'model_attributes_type',
      loc: ['body'],
      msg: 'Input should be a valid dictionary or object to extract fields from',
      input: body ?? null,
    });
    return { errors, values };
  }
  // name
  if (!has(body, 'name')) {
    if (mode === 'create') {
      errors.push({ type: 'missing', loc: ['body', 'name'], msg: 'Field required', input: body });
    }
  } else {
    const name = body['name'];
    if (typeof name !== 'string') {
      errors.push({ type: 'string_type', loc: ['body', 'name'], msg: 'Input should be a valid string', input: name });
    } else if (Array.from(name).length < 1 || name.trim() === '') {
      errors.push({
        type: 'string_too_short',
        loc: ['body', 'name'],
        msg: 'String should have at least 1 character',
        input: name,
        ctx: { min_length: 1 },
      });
    } else if (Array.from(name).length > 64) {
      errors.push({
        type: 'string_too_long',
        loc: ['body', 'name'],
        msg: 'String should have at most 64 characters',
        input: name,
        ctx: { max_length: 64 },
      });
    } else {
      values.name = name;
    }
  }
  // models_allowed
  if (has(body, 'models_allowed')) {
    const list = stringList(body['models_allowed'], ['body', 'models_allowed'], errors, (s, i) =>
      findModel(s)
        ? null
        : {
            type: 'value_error',
            loc: ['body', 'models_allowed', i],
            msg: `Value error, Unknown model '${s}'`,
            input: s,
            ctx: { error: {} },
          },
    );
    values.models_allowed = list;
  }
  // allowed_ips
  if (has(body, 'allowed_ips')) {
    const list = stringList(body['allowed_ips'], ['body', 'allowed_ips'], errors, (s, i) =>
      isIpOrCidr(s)
        ? null
        : {
            type: 'value_error',
            loc: ['body', 'allowed_ips', i],
            msg: `Value error, '${s}' is not a valid IPv4/IPv6 address or CIDR network`,
            input: s,
            ctx: { error: {} },
          },
    );
    values.allowed_ips = list;
  }
  // limits
  for (const f of ['rpm_limit', 'tpm_limit'] as const) {
    if (!has(body, f)) {
      continue;
    }
    const v = body[f];
    if (v === null) {
      values[f] = null;
      continue;
    }
    const n = bodyInt(v, ['body', f], 1);
    if (isVErr(n)) {
      errors.push(n);
    } else {
      values[f] = n;
    }
  }
  if (mode === 'create') {
    if (has(body, 'team_id') && body['team_id'] !== null) {
      const t = body['team_id'];
      if (typeof t !== 'string') {
        errors.push({
          type: 'uuid_type',
          loc: ['body', 'team_id'],
          msg: 'UUID input should be a string, bytes or UUID object',
          input: t,
        });
      } else {
        const u = normUuid(t);
        if (!u) {
          const err = uuidErrorDetail(t);
          errors.push({
            type: 'uuid_parsing',
            loc: ['body', 'team_id'],
            msg: `Input should be a valid UUID, ${err}`,
            input: t,
            ctx: { error: err },
          });
        } else {
          values.team_id = u;
        }
      }
    } else if (has(body, 'team_id')) {
      values.team_id = null;
    }
    if (has(body, 'is_sandbox')) {
      const s = body['is_sandbox'];
      if (typeof s !== 'boolean') {
        errors.push({
          type: 'bool_type',
          loc: ['body', 'is_sandbox'],
          msg: 'Input should be a valid boolean',
          input: s,
        });
      } else {
        values.is_sandbox = s;
      }
    }
    if (has(body, 'expires_at') && body['expires_at'] !== null) {
      const e = body['expires_at'];
      const ms = parseDateTime(e);
      if (typeof ms === 'string') {
        errors.push({
          type: 'datetime_parsing',
          loc: ['body', 'expires_at'],
          msg: `Input should be a valid datetime, ${ms}`,
          input: e,
          ctx: { error: ms },
        });
      } else if (ms <= now) {
        errors.push({
          type: 'value_error',
          loc: ['body', 'expires_at'],
          msg: 'Value error, expires_at must be in the future',
          input: e,
          ctx: { error: {} },
        });
      } else {
        values.expires_at = isoSeconds(ms);
      }
    } else if (has(body, 'expires_at')) {
      values.expires_at = null;
    }
  }
  return { errors, values };
}

// ------------------------------------------------------------------- usage

interface Agg {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  costE4: number;
  errors: number;
  latencySum: number;
}

const zeroAgg = (): Agg => ({ requests: 0, promptTokens: 0, completionTokens: 0, costE4: 0, errors: 0, latencySum: 0 });

function addAgg(a: Agg, c: Agg): void {
  a.requests += c.requests;
  a.promptTokens += c.promptTokens;
  a.completionTokens += c.completionTokens;
  a.costE4 += c.costE4;
  a.errors += c.errors;
  a.latencySum += c.latencySum;
}

function rowMetrics(a: Agg): Record<string, unknown> {
  return {
    requests: a.requests,
    prompt_tokens: a.promptTokens,
    completion_tokens: a.completionTokens,
    total_tokens: a.promptTokens + a.completionTokens,
    cost_rmb: fmtE4(a.costE4),
    errors: a.errors,
    avg_latency_ms: a.requests > 0 ? Math.round(a.latencySum / a.requests) : 0,
  };
}

interface CellFilter {
  from: number;
  to: number;
  keyId?: string;
  teamId?: string;
  model?: string;
}

function cellsIn(state: AioneState, f: CellFilter): AioneUsageCell[] {
  return state.usage.filter(
    (c) =>
      c.day >= f.from &&
      c.day <= f.to &&
      (f.keyId === undefined || c.keyId === f.keyId) &&
      (f.teamId === undefined || c.teamId === f.teamId) &&
      (f.model === undefined || c.model === f.model),
  );
}

// ------------------------------------------------------------------- gateway

export class AioneGateway {
  /** Admitted model calls per key id in the last minute (RPM), when key limits are enforced. */
  private readonly calls = new Map<string, number[]>();
  private requestSeq = 0;

  constructor(private readonly core: Core) {}

  private get st(): AioneState {
    return this.core.state.aione;
  }

  /** Effective status (an active key past expires_at becomes expired, persistently). */
  private refresh(k: AioneKeyRecord): AioneKeyStatus {
    if (k.status === 'active' && k.expires_at !== null && Date.parse(k.expires_at) <= this.core.now()) {
      k.status = 'expired';
    }
    return k.status;
  }

  private view(k: AioneKeyRecord, full: boolean): Record<string, unknown> {
    this.refresh(k);
    return {
      id: k.id,
      org_id: k.org_id,
      team_id: k.team_id,
      name: k.name,
      key: full ? k.secret : maskAioneSecret(k.secret),
      key_prefix: k.key_prefix,
      models_allowed: k.models_allowed === null ? null : [...k.models_allowed],
      rpm_limit: k.rpm_limit,
      tpm_limit: k.tpm_limit,
      is_sandbox: k.is_sandbox,
      allowed_ips: k.allowed_ips === null ? null : [...k.allowed_ips],
      expires_at: k.expires_at,
      rotate_grace_until: k.rotate_grace_until,
      status: k.status,
      created_at: k.created_at,
    };
  }

  async handle(ctx: Ctx): Promise<void> {
    const { path, method } = ctx;
    if (path === '/v1/models' || path === '/v1/chat/completions') {
      const stamp = new Date(this.core.now()).toISOString().slice(0, 19).replace(/[-T:]/g, '');
      ctx.res.setHeader('x-request-id', aioneRequestId(`${stamp}${String(++this.requestSeq).padStart(8, '0')}`));
      if (path === '/v1/models' && method === 'GET') {
        return this.v1Models(ctx);
      }
      if (path === '/v1/chat/completions' && method === 'POST') {
        return this.chat(ctx);
      }
      return detail(ctx, 405, 'Method Not Allowed');
    }
    const inv = matchPath('/api/v1/billing/invoices/{id}/pdf', path);
    if (inv && method === 'GET') {
      return sendRaw(ctx.res, 200, 'application/pdf', minimalPdf(`Invoice ${inv['id'] ?? ''}`));
    }
    const routes: [string, string, (p: Record<string, string>) => void | Promise<void>][] = [
      ['GET', '/api/v1/gateway/keys', () => this.listKeys(ctx)],
      ['POST', '/api/v1/gateway/keys', () => this.createKey(ctx)],
      ['GET', '/api/v1/gateway/keys/{key_id}', (p) => this.getKey(ctx, p['key_id'] ?? '')],
      ['PUT', '/api/v1/gateway/keys/{key_id}', (p) => this.updateKey(ctx, p['key_id'] ?? '')],
      ['DELETE', '/api/v1/gateway/keys/{key_id}', (p) => this.deleteKey(ctx, p['key_id'] ?? '')],
      ['PUT', '/api/v1/gateway/keys/{key_id}/rotate', (p) => this.rotateKey(ctx, p['key_id'] ?? '')],
      ['PUT', '/api/v1/gateway/keys/{key_id}/disable', (p) => this.setEnabled(ctx, p['key_id'] ?? '', false)],
      ['PUT', '/api/v1/gateway/keys/{key_id}/enable', (p) => this.setEnabled(ctx, p['key_id'] ?? '', true)],
      ['GET', '/api/v1/models', () => this.listModels(ctx)],
      ['GET', '/api/v1/obs/usage', () => this.usage(ctx)],
      [
        'GET',
        '/api/v1/obs/requests',
        () =>
          // a deployment without the (inferred) per-request route: FastAPI's answer to an unknown path
          this.core.variants.aioneRequestLog === 'absent'
            ? detail(ctx, 404, 'Not Found')
            : serveAioneRequests(ctx, this.st, this.core.seed, this.core.now()),
      ],
      ['GET', '/api/v1/obs/dashboard', () => this.dashboard(ctx)],
      ['GET', '/api/v1/billing/plan', () => this.plan(ctx)],
      ['GET', '/api/v1/billing/account', () => this.account(ctx)],
      ['GET', '/api/v1/billing/invoices', () => this.invoices(ctx)],
    ];
    let pathMatched = false;
    for (const [m, tpl, fn] of routes) {
      const params = matchPath(tpl, path);
      if (!params) {
        continue;
      }
      pathMatched = true;
      if (m !== method) {
        continue;
      }
      if (!this.mgmtAuth(ctx)) {
        return;
      }
      return fn(params);
    }
    if (pathMatched) {
      return detail(ctx, 405, 'Method Not Allowed');
    }
    if (path.length > 1 && path.endsWith('/')) {
      const trimmed = path.replace(/\/+$/, '');
      if (routes.some(([, tpl]) => matchPath(tpl, trimmed))) {
        const qs = ctx.query.toString();
        return sendEmpty(ctx.res, 307, { location: trimmed + (qs ? `?${qs}` : '') });
      }
    }
    return detail(ctx, 404, 'Not Found');
  }

  private mgmtAuth(ctx: Ctx): boolean {
    const h = ctx.req.headers['authorization'];
    if (h === undefined || h.trim() === '') {
      sendJson(ctx.res, 401, { detail: 'Not authenticated' }, { 'www-authenticate': 'Bearer' });
      return false;
    }
    const isBearer = /^bearer\s+/i.test(h.trim());
    const token = bearer(h) ?? '';
    if (token.startsWith('sk-nex-')) {
      detail(ctx, 403, 'Model keys cannot manage the gateway');
      return false;
    }
    if (!isBearer || token !== this.st.adminToken) {
      sendJson(ctx.res, 401, { detail: 'Invalid authentication credentials' }, { 'www-authenticate': 'Bearer' });
      return false;
    }
    return true;
  }

  /** Parses the JSON body of a management write; sends 422 json_invalid and returns undefined on bad JSON. */
  private jsonBody(ctx: Ctx): { ok: true; body: unknown } | { ok: false } {
    if (ctx.bodyInvalid) {
      send422(ctx, [{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' } as VErr]);
      return { ok: false };
    }
    return { ok: true, body: ctx.body };
  }

  private findKey(ctx: Ctx, rawId: string): AioneKeyRecord | undefined {
    const id = normUuid(rawId);
    if (!id) {
      const err = uuidErrorDetail(rawId);
      send422(ctx, [
        {
          type: 'uuid_parsing',
          loc: ['path', 'key_id'],
          msg: `Input should be a valid UUID, ${err}`,
          input: rawId,
          ctx: { error: err },
        },
      ]);
      return undefined;
    }
    const k = this.st.keys.find((x) => x.id === id);
    if (!k) {
      detail(ctx, 404, 'Key not found');
      return undefined;
    }
    return k;
  }

  // ---------------------------------------------------------------- keys

  private listKeys(ctx: Ctx): void {
    const errors: VErr[] = [];
    const page = intParam(ctx.q['page'], ['query', 'page'], 1, 1);
    const size = intParam(ctx.q['page_size'], ['query', 'page_size'], 20, 1, 100);
    if (isVErr(page)) {
      errors.push(page);
    }
    if (isVErr(size)) {
      errors.push(size);
    }
    const status = ctx.q['status'];
    if (status !== undefined && !['active', 'disabled', 'expired'].includes(status)) {
      errors.push(literalErr(['query', 'status'], status, ['active', 'disabled', 'expired']));
    }
    let teamId: string | undefined;
    const rawTeam = ctx.q['team_id'];
    if (rawTeam !== undefined) {
      const u = normUuid(rawTeam);
      if (!u) {
        const err = uuidErrorDetail(rawTeam);
        errors.push({
          type: 'uuid_parsing',
          loc: ['query', 'team_id'],
          msg: `Input should be a valid UUID, ${err}`,
          input: rawTeam,
          ctx: { error: err },
        });
      } else {
        teamId = u;
      }
    }
    if (errors.length > 0 || isVErr(page) || isVErr(size)) {
      return send422(ctx, errors);
    }
    const q = ctx.q['q']?.toLowerCase();
    const filtered = this.st.keys.filter((k) => {
      const s = this.refresh(k);
      return (
        (status === undefined || s === status) &&
        (teamId === undefined || k.team_id === teamId) &&
        (q === undefined || q === '' || k.name.toLowerCase().includes(q))
      );
    });
    const items = filtered.slice((page - 1) * size, page * size).map((k) => this.view(k, false));
    sendJson(ctx.res, 200, { items, total: filtered.length, page, page_size: size });
  }

  private createKey(ctx: Ctx): void {
    const b = this.jsonBody(ctx);
    if (!b.ok) {
      return;
    }
    const now = this.core.now();
    const { errors, values } = validateKeyBody(b.body, 'create', now);
    if (errors.length > 0) {
      return send422(ctx, errors);
    }
    if (values.team_id && !this.st.teams.some((t) => t.id === values.team_id)) {
      return detail(ctx, 404, 'Team not found');
    }
    const rng = this.core.liveRng;
    const secret = newAioneSecret(rng);
    const k: AioneKeyRecord = {
      id: uuid(rng),
      org_id: this.st.orgId,
      team_id: values.team_id ?? null,
      name: values.name ?? '',
      secret,
      key_prefix: aioneKeyPrefix(secret),
      models_allowed: values.models_allowed === undefined ? [] : values.models_allowed,
      rpm_limit: values.rpm_limit ?? null,
      tpm_limit: values.tpm_limit ?? null,
      is_sandbox: values.is_sandbox ?? false,
      allowed_ips: values.allowed_ips === undefined ? [] : values.allowed_ips,
      expires_at: values.expires_at ?? null,
      rotate_grace_until: null,
      status: 'active',
      created_at: isoMicros(now, int(rng, 0, 999_999)),
      previousSecrets: [],
    };
    this.st.keys.unshift(k);
    sendJson(ctx.res, this.core.variants.aioneCreateStatus, this.view(k, true));
  }

  private getKey(ctx: Ctx, id: string): void {
    const k = this.findKey(ctx, id);
    if (k) {
      sendJson(ctx.res, 200, this.view(k, false));
    }
  }

  private updateKey(ctx: Ctx, id: string): void {
    const k = this.findKey(ctx, id);
    if (!k) {
      return;
    }
    const b = this.jsonBody(ctx);
    if (!b.ok) {
      return;
    }
    const { errors, values } = validateKeyBody(b.body, 'update', this.core.now());
    if (errors.length > 0) {
      return send422(ctx, errors);
    }
    // Only these five fields are part of KeyUpdateRequest; anything else is silently ignored.
    if (values.name !== undefined) {
      k.name = values.name;
    }
    if (values.models_allowed !== undefined) {
      k.models_allowed = values.models_allowed;
    }
    if (values.allowed_ips !== undefined) {
      k.allowed_ips = values.allowed_ips;
    }
    if (values.rpm_limit !== undefined) {
      k.rpm_limit = values.rpm_limit;
    }
    if (values.tpm_limit !== undefined) {
      k.tpm_limit = values.tpm_limit;
    }
    sendJson(ctx.res, 200, this.view(k, false));
  }

  private deleteKey(ctx: Ctx, id: string): void {
    const k = this.findKey(ctx, id);
    if (!k) {
      return;
    }
    const i = this.st.keys.indexOf(k);
    this.st.keys.splice(i, 1);
    if (this.core.variants.aioneDeleteStatus === 200) {
      sendJson(ctx.res, 200, { ok: true });
    } else {
      sendEmpty(ctx.res, 204);
    }
  }

  private rotateKey(ctx: Ctx, id: string): void {
    const k = this.findKey(ctx, id);
    if (!k) {
      return;
    }
    const b = this.jsonBody(ctx);
    if (!b.ok) {
      return;
    }
    let grace = 24;
    if (ctx.hasBody && b.body !== null && b.body !== undefined) {
      if (!isRecord(b.body)) {
        return send422(ctx, [
          {
            type: 'model_attributes_type',
            loc: ['body'],
            msg: 'Input should be a valid dictionary or object to extract fields from',
            input: b.body,
          },
        ]);
      }
      if (has(b.body, 'grace_hours') && b.body['grace_hours'] !== null) {
        const g = bodyInt(b.body['grace_hours'], ['body', 'grace_hours'], 0, 168);
        if (isVErr(g)) {
          return send422(ctx, [g]);
        }
        grace = g;
      }
    }
    if (this.refresh(k) !== 'active') {
      return detail(ctx, 409, 'Only active keys can be rotated');
    }
    const now = this.core.now();
    const until = now + grace * 3_600_000;
    if (grace > 0) {
      k.previousSecrets.push({ secret: k.secret, validUntil: until });
    }
    k.secret = newAioneSecret(this.core.liveRng);
    k.key_prefix = aioneKeyPrefix(k.secret);
    k.rotate_grace_until = grace > 0 ? isoSeconds(until) : null;
    sendJson(ctx.res, 200, this.view(k, true));
  }

  private setEnabled(ctx: Ctx, id: string, enable: boolean): void {
    const k = this.findKey(ctx, id);
    if (!k) {
      return;
    }
    const s = this.refresh(k);
    if (enable) {
      if (k.expires_at !== null && Date.parse(k.expires_at) <= this.core.now()) {
        return detail(ctx, 409, 'Key has expired');
      }
      if (s === 'disabled' || s === 'expired') {
        k.status = 'active';
      }
    } else {
      k.status = 'disabled';
    }
    sendJson(ctx.res, 200, this.view(k, false));
  }

  // -------------------------------------------------------------- models

  private listModels(ctx: Ctx): void {
    const items = MODELS.map((m) => ({
      id: m.id,
      name: m.name,
      provider: m.provider,
      context_length: m.aioneNoContext ? null : m.contextLength,
      input_price: m.aioneNoPrice ? null : fmtE4(rmbE4(m.inUsdE4)),
      output_price: m.aioneNoPrice ? null : fmtE4(rmbE4(m.outUsdE4)),
      cache_read_price: m.aioneNoPrice || m.cacheReadE4 === undefined ? null : fmtE4(rmbE4(m.cacheReadE4)),
      cache_write_price: m.aioneNoPrice || m.cacheWriteE4 === undefined ? null : fmtE4(rmbE4(m.cacheWriteE4)),
      max_output: m.aioneNoContext || m.maxOutput === 0 ? null : m.maxOutput,
      // AIone names the kinds and features in lists (AIHubMix sends comma strings)
      types: [m.types],
      features: m.features === '' ? [] : m.features.split(','),
      input_modalities: m.modalities.split(','),
      currency: 'CNY',
    }));
    sendJson(ctx.res, 200, { items, total: items.length });
  }

  /** A model-plane credential: the key record and whether it may be used now. */
  private modelKeyAuth(ctx: Ctx, allowAdmin: boolean): { key: AioneKeyRecord | null } | undefined {
    const h = ctx.req.headers['authorization'];
    const token = bearer(h);
    if (!token) {
      oaiError(
        ctx,
        401,
        "You didn't provide an API key. Provide it in the Authorization header: 'Authorization: Bearer sk-nex-...'.",
        'authentication_error',
        'invalid_api_key',
      );
      return undefined;
    }
    if (allowAdmin && token === this.st.adminToken) {
      return { key: null };
    }
    const now = this.core.now();
    const k =
      this.st.keys.find((x) => x.secret === token) ??
      this.st.keys.find((x) => x.previousSecrets.some((p) => p.secret === token && p.validUntil > now));
    const shown = token.length > 12 ? `${token.slice(0, 10)}...${token.slice(-3)}` : '***';
    if (!k) {
      oaiError(ctx, 401, `Invalid API key provided: ${shown}.`, 'authentication_error', 'invalid_api_key');
      return undefined;
    }
    const s = this.refresh(k);
    if (s === 'disabled') {
      oaiError(ctx, 401, 'This API key has been disabled.', 'authentication_error', 'invalid_api_key');
      return undefined;
    }
    if (s === 'expired') {
      oaiError(ctx, 401, 'This API key has expired.', 'authentication_error', 'invalid_api_key');
      return undefined;
    }
    return { key: k };
  }

  private v1Models(ctx: Ctx): void {
    const auth = this.modelKeyAuth(ctx, true);
    if (!auth) {
      return;
    }
    const allowed = auth.key?.models_allowed;
    const models = allowed && allowed.length > 0 ? MODELS.filter((m) => allowed.includes(m.id)) : MODELS;
    sendJson(ctx.res, 200, {
      object: 'list',
      data: models.map((m) => ({ id: m.id, object: 'model', created: m.created, owned_by: m.provider.toLowerCase() })),
    });
  }

  // ---------------------------------------------------------------- chat

  private async chat(ctx: Ctx): Promise<void> {
    const auth = this.modelKeyAuth(ctx, false);
    if (!auth || !auth.key) {
      return;
    }
    const key = auth.key;
    if (ctx.bodyInvalid) {
      return oaiError(
        ctx,
        400,
        'We could not parse the JSON body of your request.',
        'invalid_request_error',
        'invalid_json',
      );
    }
    const body = ctx.body;
    if (!isRecord(body)) {
      return oaiError(ctx, 400, 'The request body must be a JSON object.', 'invalid_request_error', 'invalid_request');
    }
    const model = body['model'];
    if (typeof model !== 'string' || model === '') {
      return oaiError(
        ctx,
        400,
        "Missing required parameter: 'model'.",
        'invalid_request_error',
        'missing_required_parameter',
        'model',
      );
    }
    const messages = body['messages'];
    if (
      !Array.isArray(messages) ||
      messages.length === 0 ||
      !messages.every((m) => isRecord(m) && typeof m['role'] === 'string')
    ) {
      return oaiError(
        ctx,
        400,
        "Missing required parameter: 'messages'.",
        'invalid_request_error',
        'missing_required_parameter',
        'messages',
      );
    }
    const cat = findModel(model);
    if (!cat) {
      return oaiError(ctx, 404, `Model '${model}' not found`, 'invalid_request_error', 'model_not_found', 'model');
    }
    if (key.models_allowed && key.models_allowed.length > 0 && !key.models_allowed.includes(model)) {
      return oaiError(
        ctx,
        403,
        `This API key is not allowed to use model '${model}'.`,
        'permission_error',
        'model_not_allowed',
        'model',
      );
    }
    if (this.refusedByKeyLimits(ctx, key) || this.refusedByBalance(ctx)) {
      return;
    }
    const msgs = messages as ChatMessage[];
    const question = lastUserText(msgs);
    const n = this.core.counter();
    const plan: ChatPlan = {
      gateway: 'aione',
      id: `chatcmpl-${rngFor(this.core.seed, `aione-chat-${n}`)().toString(36).slice(2, 14)}${n}`,
      created: Math.floor(this.core.now() / 1000),
      model,
      content: buildAnswer(this.core.seed, model, question),
      toolCalls: /tool call/i.test(question) ? planToolCalls(this.core.seed, question, body['tools']) : [],
      promptTokens: promptTokens(msgs),
      inputs: inputPlan(model, msgs),
      usageOptions: { gateway: 'aione' },
      includeUsage: isRecord(body['stream_options']) && body['stream_options']['include_usage'] === true,
      keepAlive: ': keepalive',
      keepAliveAtStart: true,
      seed: this.core.seed,
      midStreamErrorMessage: 'upstream timeout',
    };
    const started = this.core.now();
    if (body['stream'] === true) {
      const out = await runStream(ctx, this.core, plan, ctx.streamFault);
      this.recordUsage(
        key,
        model,
        plan.promptTokens,
        out.completionTokens,
        Math.max(1, this.core.now() - started),
        !out.finished,
      );
      this.recordRequest(key, plan, out.completionTokens, Math.max(1, this.core.now() - started), true, !out.finished);
      return;
    }
    const resp = completionBody(plan);
    const usage = resp['usage'] as { completion_tokens: number };
    this.recordUsage(
      key,
      model,
      plan.promptTokens,
      usage.completion_tokens,
      Math.max(1, this.core.now() - started) + cat.latencyMs,
      false,
    );
    this.recordRequest(
      key,
      plan,
      usage.completion_tokens,
      Math.max(1, this.core.now() - started) + cat.latencyMs,
      false,
      false,
    );
    sendJson(ctx.res, 200, resp);
  }

  /** The key's allowed IPs and RPM limit (when enforced): a 403 or a 429 with its headers, as OpenAI-style bodies. */
  private refusedByKeyLimits(ctx: Ctx, key: AioneKeyRecord): boolean {
    if (this.core.variants.keyLimits !== 'enforced') {
      return false;
    }
    const ip = clientIp(ctx.req);
    if (key.allowed_ips && key.allowed_ips.length > 0 && !ipAllowed(ip, key.allowed_ips)) {
      oaiError(
        ctx,
        403,
        "Your IP address is not allowed to use this API key. Add it to the key's allowed IPs in the console.",
        'permission_error',
        'ip_not_allowed',
      );
      return true;
    }
    const now = this.core.now();
    const recent = (this.calls.get(key.id) ?? []).filter((t) => t > now - 60_000);
    if (key.rpm_limit != null && recent.length >= key.rpm_limit) {
      const resetMs = Math.max(1000, (recent[0] ?? now) + 60_000 - now);
      const seconds = Math.ceil(resetMs / 1000);
      ctx.res.setHeader('retry-after', String(seconds));
      ctx.res.setHeader('x-ratelimit-limit-requests', String(key.rpm_limit));
      ctx.res.setHeader('x-ratelimit-remaining-requests', '0');
      ctx.res.setHeader('x-ratelimit-reset-requests', `${seconds}s`);
      if (key.tpm_limit != null) {
        ctx.res.setHeader('x-ratelimit-limit-tokens', String(key.tpm_limit));
      }
      this.calls.set(key.id, recent);
      oaiError(
        ctx,
        429,
        `Rate limit reached for requests per minute (RPM): limit ${key.rpm_limit}, used ${recent.length}. Please retry after ${seconds} s.`,
        'rate_limit_error',
        'rate_limit_exceeded',
      );
      return true;
    }
    recent.push(now);
    this.calls.set(key.id, recent);
    return false;
  }

  /** A spent organisation balance: 402 with OpenAI's insufficient_quota type. */
  private refusedByBalance(ctx: Ctx): boolean {
    if (this.st.balanceE4 > 0) {
      return false;
    }
    oaiError(
      ctx,
      402,
      `Insufficient account balance (¥${fmtE4(this.st.balanceE4)}). Top up in the AIone console to continue.`,
      'insufficient_quota',
      'insufficient_balance',
    );
    return true;
  }

  /** The per-request row of a chat completion (its tokens by class, as the usage it answered with). */
  private recordRequest(
    k: AioneKeyRecord,
    plan: ChatPlan,
    completion: number,
    latency: number,
    stream: boolean,
    error: boolean,
  ): void {
    let reasoning = 0;
    for (let v = completion; v >= 0; v--) {
      const r = reasoningTokens(plan.model, v);
      if (v + r === completion) {
        reasoning = r;
        break;
      }
    }
    recordAioneRequest(this.st, this.core.seed, this.core.now(), {
      request_id: plan.id,
      key_id: k.id,
      key_name: k.name,
      model: plan.model,
      status: error ? 'error' : 'success',
      is_stream: stream,
      prompt_tokens: plan.promptTokens,
      cached_tokens: plan.inputs?.cached ?? 0,
      cache_write_tokens: plan.inputs?.cacheWrite ?? 0,
      completion_tokens: completion,
      reasoning_tokens: reasoning,
      latency_ms: Math.round(latency),
      first_token_ms: null,
      error: error ? 'the stream ended early' : null,
    });
  }

  private recordUsage(
    k: AioneKeyRecord,
    model: string,
    prompt: number,
    completion: number,
    latency: number,
    error: boolean,
  ): void {
    const now = this.core.now();
    const cost = aioneCostE4(findModel(model), prompt, completion);
    this.st.usage.push({
      day: epochDay(now),
      hour: new Date(now).getUTCHours(),
      keyId: k.id,
      teamId: k.team_id,
      model,
      requests: 1,
      promptTokens: prompt,
      completionTokens: completion,
      costE4: cost,
      errors: error ? 1 : 0,
      latencySum: Math.round(latency),
    });
    this.st.balanceE4 -= cost;
    this.st.accountUpdatedAt = now;
  }

  // --------------------------------------------------------------- usage

  private usage(ctx: Ctx): void {
    const today = epochDay(this.core.now());
    const errors: VErr[] = [];
    const parseDate = (name: 'start_date' | 'end_date', def: number): number => {
      const raw = ctx.q[name];
      if (raw === undefined) {
        return def;
      }
      const d = parseDay(raw);
      if (d === null) {
        errors.push({
          type: 'date_from_datetime_parsing',
          loc: ['query', name],
          msg: 'Input should be a valid date or datetime, invalid date format (expected YYYY-MM-DD)',
          input: raw,
          ctx: { error: 'invalid date format' },
        });
        return def;
      }
      return d;
    };
    const end = parseDate('end_date', today);
    const start = parseDate('start_date', end - 6);
    const groupBy = ctx.q['group_by'] ?? 'day';
    const groups = ['day', 'model', 'key', 'team', 'hour'];
    if (!groups.includes(groupBy)) {
      errors.push(literalErr(['query', 'group_by'], groupBy, groups));
    }
    const filter: CellFilter = { from: start, to: end };
    for (const [param, field] of [
      ['key_id', 'keyId'],
      ['team_id', 'teamId'],
    ] as const) {
      const raw = ctx.q[param];
      if (raw === undefined) {
        continue;
      }
      const u = normUuid(raw);
      if (!u) {
        const err = uuidErrorDetail(raw);
        errors.push({
          type: 'uuid_parsing',
          loc: ['query', param],
          msg: `Input should be a valid UUID, ${err}`,
          input: raw,
          ctx: { error: err },
        });
      } else {
        filter[field] = u;
      }
    }
    if (ctx.q['model'] !== undefined && ctx.q['model'] !== '') {
      filter.model = ctx.q['model'];
    }
    if (errors.length > 0) {
      return send422(ctx, errors);
    }
    const span = end - start + 1;
    if (end < start) {
      return send422(ctx, [
        {
          type: 'value_error',
          loc: ['query', 'end_date'],
          msg: 'Value error, end_date must not be before start_date',
          input: ctx.q['end_date'] ?? dayString(end),
          ctx: { error: {} },
        },
      ]);
    }
    if (span > 92) {
      return send422(ctx, [
        {
          type: 'value_error',
          loc: ['query', 'start_date'],
          msg: 'Value error, the date range must not exceed 92 days',
          input: ctx.q['start_date'] ?? dayString(start),
          ctx: { error: {} },
        },
      ]);
    }
    if (groupBy === 'hour' && span > 7) {
      return send422(ctx, [
        {
          type: 'value_error',
          loc: ['query', 'group_by'],
          msg: "Value error, group_by 'hour' is only allowed for ranges of at most 7 days",
          input: 'hour',
          ctx: { error: {} },
        },
      ]);
    }
    const cells = cellsIn(this.st, filter);
    const lastDay = Math.min(end, today);
    const items: Record<string, unknown>[] = [];
    if (groupBy === 'day') {
      const byDay = new Map<number, Agg>();
      for (const c of cells) {
        const a = byDay.get(c.day) ?? zeroAgg();
        addAgg(a, c);
        byDay.set(c.day, a);
      }
      for (let d = start; d <= lastDay; d++) {
        items.push({ date: dayString(d), ...rowMetrics(byDay.get(d) ?? zeroAgg()) });
      }
    } else if (groupBy === 'hour') {
      const now = this.core.now();
      const nowHour = Math.floor(now / 3_600_000);
      const byHour = new Map<number, Agg>();
      for (const c of cells) {
        for (const hc of c.hour < 0 ? splitByHour(c) : [c]) {
          const h = hc.day * 24 + hc.hour;
          const a = byHour.get(h) ?? zeroAgg();
          addAgg(a, hc);
          byHour.set(h, a);
        }
      }
      for (let h = start * 24; h <= (lastDay + 1) * 24 - 1 && h <= nowHour; h++) {
        const iso = new Date(h * 3_600_000).toISOString().slice(0, 13) + ':00:00Z';
        items.push({ date: iso, ...rowMetrics(byHour.get(h) ?? zeroAgg()) });
      }
    } else {
      const field = groupBy === 'model' ? 'model' : groupBy === 'key' ? 'key_id' : 'team_id';
      const by = new Map<string, { day: number; g: string | null; agg: Agg }>();
      for (const c of cells) {
        const g = groupBy === 'model' ? c.model : groupBy === 'key' ? c.keyId : c.teamId;
        const id = `${c.day}|${g ?? ''}`;
        const e = by.get(id) ?? { day: c.day, g, agg: zeroAgg() };
        addAgg(e.agg, c);
        by.set(id, e);
      }
      const rows = [...by.values()].sort(
        (a, b) => a.day - b.day || (a.g === null ? 1 : b.g === null ? -1 : a.g < b.g ? -1 : a.g > b.g ? 1 : 0),
      );
      for (const r of rows) {
        items.push({ date: dayString(r.day), [field]: r.g, ...rowMetrics(r.agg) });
      }
    }
    sendJson(ctx.res, 200, { items });
  }

  private dashboard(ctx: Ctx): void {
    const errors: VErr[] = [];
    const range = intParam(ctx.q['range_days'], ['query', 'range_days'], 7, 1, 365);
    if (isVErr(range)) {
      errors.push(range);
    }
    const viewMode = ctx.q['view_mode'] ?? 'tech';
    if (viewMode !== 'tech' && viewMode !== 'business') {
      errors.push(literalErr(['query', 'view_mode'], viewMode, ['tech', 'business']));
    }
    if (errors.length > 0 || isVErr(range)) {
      return send422(ctx, errors);
    }
    sendJson(ctx.res, 200, this.dashboardData(range, viewMode));
  }

  /** The dashboard for the last `range` UTC days including today. */
  dashboardData(range: number, viewMode: string): Record<string, unknown> {
    const today = epochDay(this.core.now());
    const from = today - range + 1;
    const cells = cellsIn(this.st, { from, to: today });
    const total = zeroAgg();
    const byDay = new Map<number, Agg>();
    const byModel = new Map<string, Agg>();
    const byTeam = new Map<string, Agg>();
    for (const c of cells) {
      addAgg(total, c);
      for (const [map, k] of [
        [byDay, c.day],
        [byModel, c.model],
      ] as [Map<number | string, Agg>, number | string][]) {
        const a = map.get(k) ?? zeroAgg();
        addAgg(a, c);
        map.set(k, a);
      }
      if (c.teamId) {
        const a = byTeam.get(c.teamId) ?? zeroAgg();
        addAgg(a, c);
        byTeam.set(c.teamId, a);
      }
    }
    const dailyTrend: Record<string, unknown>[] = [];
    let maxDayReq = 0;
    for (let d = from; d <= today; d++) {
      const a = byDay.get(d) ?? zeroAgg();
      maxDayReq = Math.max(maxDayReq, a.requests);
      dailyTrend.push({
        date: dayString(d),
        requests: a.requests,
        tokens: a.promptTokens + a.completionTokens,
        cost_rmb: fmtE4(a.costE4),
      });
    }
    const modelDist = [...byModel.entries()]
      .sort((a, b) => b[1].requests - a[1].requests || (a[0] < b[0] ? -1 : 1))
      .map(([model, a]) => ({ model, requests: a.requests, tokens: a.promptTokens + a.completionTokens }));
    let p99 = 0;
    for (const a of byModel.values()) {
      if (a.requests > 0) {
        p99 = Math.max(p99, Math.round((a.latencySum / a.requests) * 2.2));
      }
    }
    const maxW = Math.max(...HOUR_WEIGHTS);
    const sumW = HOUR_WEIGHTS.reduce((s, w) => s + w, 0);
    const totalTokens = total.promptTokens + total.completionTokens;
    const tech = {
      total_tokens: totalTokens,
      prompt_tokens: total.promptTokens,
      completion_tokens: total.completionTokens,
      total_requests: total.requests,
      total_cost_rmb: fmtE4(total.costE4),
      avg_latency_ms: total.requests > 0 ? Math.round(total.latencySum / total.requests) : 0,
      p99_latency_ms: p99,
      error_rate_pct: pct2(total.errors, total.requests),
      rpm_usage_pct: pct2(maxDayReq * maxW, sumW * 60 * PLAN.rpm),
      model_distribution: modelDist,
      daily_trend: dailyTrend,
    };
    const teamRanking = this.st.teams
      .map((t) => {
        const a = byTeam.get(t.id) ?? zeroAgg();
        return { team_id: t.id, team_name: t.name, costE4: a.costE4, conversations: a.requests };
      })
      .sort((a, b) => b.costE4 - a.costE4 || (a.team_name < b.team_name ? -1 : 1))
      .map((t) => ({
        team_id: t.team_id,
        team_name: t.team_name,
        cost_rmb: fmtE4(t.costE4),
        conversations: t.conversations,
      }));
    const business = {
      total_chars_wan: Math.round((totalTokens * 3) / 20_000),
      total_conversations: total.requests,
      total_cost_rmb: fmtE4(total.costE4),
      budget_progress_pct: pct2(total.costE4, this.st.monthlyBudgetE4),
      capacity_status: this.st.capacityStatus ?? 'sufficient',
      service_status: this.st.serviceStatus ?? 'normal',
      team_cost_ranking: teamRanking,
      daily_trend: dailyTrend,
    };
    return { view_mode: viewMode, tech, business };
  }

  // ------------------------------------------------------------- billing

  private plan(ctx: Ctx): void {
    const now = new Date(this.core.now());
    const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
    sendJson(ctx.res, 200, {
      id: this.st.planId,
      name: PLAN.name,
      tier: PLAN.tier,
      price_rmb: formatScaled(PLAN.priceE4, 4, 2),
      billing_cycle: 'monthly',
      rpm_limit: PLAN.rpm,
      tpm_limit: PLAN.tpm,
      max_keys: Math.max(500, Math.ceil((this.core.state.keyCount * 1.2) / 1000) * 1000),
      features: PLAN.features,
      current_period_start: isoSeconds(start),
      current_period_end: isoSeconds(end),
      status: 'active',
    });
  }

  private account(ctx: Ctx): void {
    sendJson(ctx.res, 200, {
      id: this.st.accountId,
      org_id: this.st.orgId,
      balance_rmb: fmtE4(this.st.balanceE4),
      credit_limit_rmb: '5000.00',
      currency: 'CNY',
      monthly_budget_rmb: formatScaled(this.st.monthlyBudgetE4, 4, 2),
      auto_recharge: false,
      updated_at: isoSeconds(this.st.accountUpdatedAt),
    });
  }

  private invoices(ctx: Ctx): void {
    const errors: VErr[] = [];
    const page = intParam(ctx.q['page'], ['query', 'page'], 1, 1);
    const size = intParam(ctx.q['page_size'], ['query', 'page_size'], 20, 1, 100);
    if (isVErr(page)) {
      errors.push(page);
    }
    if (isVErr(size)) {
      errors.push(size);
    }
    if (errors.length > 0 || isVErr(page) || isVErr(size)) {
      return send422(ctx, errors);
    }
    const all = this.invoiceList(ctx.baseUrl);
    const items = all.slice((page - 1) * size, page * size);
    if (this.core.variants.aioneInvoices === 'wrapped') {
      sendJson(ctx.res, 200, { items, total: all.length, page, page_size: size });
    } else {
      sendJson(ctx.res, 200, items);
    }
  }

  private invoiceList(baseUrl: string): Record<string, unknown>[] {
    const now = this.core.now();
    const anchor = this.core.state.anchor;
    const d = new Date(now);
    const out: Record<string, unknown>[] = [];
    const firstUsageDay = epochDay(anchor) - 89;
    for (let i = 1; i <= 14; i++) {
      const pStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - i, 1);
      const pEnd = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - i + 1, 1);
      const period = new Date(pStart).toISOString().slice(0, 7);
      const rng = rngFor(this.core.seed, `aione-invoice-${period}`);
      const id = uuid(rng);
      let usageE4: number;
      if (epochDay(pStart) >= firstUsageDay) {
        usageE4 = cellsIn(this.st, { from: epochDay(pStart), to: epochDay(pEnd) - 1 }).reduce(
          (s, c) => s + c.costE4,
          0,
        );
      } else {
        usageE4 = int(rng, 800, 6000) * 10_000 + int(rng, 0, 9999);
      }
      const issued = pEnd;
      const due = issued + 30 * DAY_MS;
      const status = i === 1 ? (due > now ? 'unpaid' : 'overdue') : i === 2 && due <= now ? 'overdue' : 'paid';
      out.push({
        id,
        period,
        amount_rmb: formatScaled(PLAN.priceE4 + usageE4, 4, 2),
        status,
        issued_at: isoSeconds(issued),
        due_at: isoSeconds(due),
        pdf_url: `${baseUrl}/api/v1/billing/invoices/${id}/pdf`,
      });
    }
    return out;
  }
}

function minimalPdf(title: string): Buffer {
  const text = title.replace(/[()\\]/g, '');
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${`BT /F1 18 Tf 72 770 Td (${text}) Tj ET`.length} >>\nstream\nBT /F1 18 Tf 72 770 Td (${text}) Tj ET\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}
