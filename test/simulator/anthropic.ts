/**
 * The Anthropic-native plane both gateways document for Claude Code and the `anthropic` SDKs: `POST /v1/messages`
 * at the gateway's root (the SDKs append `/v1/messages` to the base URL), plain and streaming.
 *
 *  - Auth: `x-api-key: <model key>` (the SDKs' ANTHROPIC_API_KEY) or `Authorization: Bearer <model key>` (Claude
 *    Code's ANTHROPIC_AUTH_TOKEN); the key is checked against the gateway's own key store (status, expiry, quota).
 *  - `anthropic-version` is required (400 without it), as on Anthropic's API; `anthropic-beta` is accepted.
 *  - Errors: `{"type":"error","error":{"type":…,"message":…}}` with the HTTP status.
 *  - Stream: `message_start` (usage.input_tokens), `content_block_start`, `ping`, `content_block_delta`
 *    (text_delta), `content_block_stop`, `message_delta` (stop_reason, usage.output_tokens), `message_stop`.
 *  - Usage is charged to the key like a chat completion (AIone usage cells, AIHubMix quota and a log).
 * The routing line in index.ts sends every `/v1/messages` and `/v1/responses` request here (handleModelPlaneExtras).
 */
import { performance } from 'node:perf_hooks';
import { buildAnswer, contentText, lastUserText, promptTokens, tokenize, type ChatMessage } from './answer';
import { inputPlan, messagesUsage } from './usage';
import { aioneCostE4, findModel, hubQuota } from './catalog';
import type { Core } from './core';
import { bearer, isRecord, sendJson, sleep, type Ctx } from './http-util';
import { handleResponses } from './responses';
import { epochDay } from './rng';
import type { StreamRecord } from './types';

/** A model key of either gateway that may be used now; undefined (with the reason) otherwise. */
export type KeyCheck =
  | {
      ok: true;
      charge: (model: string, prompt: number, completion: number, latencyMs: number, stream: boolean) => void;
    }
  | { ok: false; status: number; type: string; message: string };

/** Checks a model key against the gateway's key store, as its OpenAI-compatible plane does. */
export function checkModelKey(core: Core, ctx: Ctx, presented: string | undefined): KeyCheck {
  if (!presented)
    return {
      ok: false,
      status: 401,
      type: 'authentication_error',
      message: 'No API key was provided (x-api-key or Authorization: Bearer).',
    };
  const now = core.now();
  if (ctx.gateway === 'aione') {
    const st = core.state.aione;
    const k =
      st.keys.find((x) => x.secret === presented) ??
      st.keys.find((x) => x.previousSecrets.some((p) => p.secret === presented && p.validUntil > now));
    if (!k) return { ok: false, status: 401, type: 'authentication_error', message: 'Invalid API key.' };
    const expired = k.status === 'expired' || (k.expires_at !== null && Date.parse(k.expires_at) <= now);
    if (k.status === 'disabled' || expired)
      return {
        ok: false,
        status: 401,
        type: 'authentication_error',
        message: `This API key is ${expired ? 'expired' : 'disabled'}.`,
      };
    return {
      ok: true,
      charge: (model, prompt, completion, latency) => {
        const cost = aioneCostE4(findModel(model), prompt, completion);
        st.usage.push({
          day: epochDay(now),
          hour: new Date(now).getUTCHours(),
          keyId: k.id,
          teamId: k.team_id,
          model,
          requests: 1,
          promptTokens: prompt,
          completionTokens: completion,
          costE4: cost,
          errors: 0,
          latencySum: Math.round(latency),
        });
        st.balanceE4 -= cost;
        st.accountUpdatedAt = now;
      },
    };
  }
  const st = core.state.aihubmix;
  const key = presented.replace(/^sk-/, '').split('-')[0] ?? '';
  const t = st.tokens.find((x) => x.key === key);
  if (!t) return { ok: false, status: 401, type: 'authentication_error', message: '无效的令牌' };
  const nowSec = Math.floor(now / 1000);
  if (
    t.status !== 1 ||
    (t.expired_time !== -1 && t.expired_time < nowSec) ||
    (!t.unlimited_quota && t.remain_quota <= 0)
  ) {
    return { ok: false, status: 401, type: 'authentication_error', message: '该令牌状态不可用' };
  }
  return {
    ok: true,
    charge: (model, prompt, completion, latency, stream) => {
      const m = findModel(model);
      const quota = hubQuota(m, prompt, completion);
      t.used_quota += quota;
      if (!t.unlimited_quota) {
        t.remain_quota = Math.max(0, t.remain_quota - quota);
        if (t.remain_quota === 0) t.status = 4;
      }
      t.accessed_time = nowSec;
      const u = st.user;
      u.quota -= quota;
      u.used_quota += quota;
      u.request_count++;
      const last = st.logs[st.logs.length - 1];
      st.logs.push({
        id: (last?.id ?? 0) + 1,
        user_id: u.id,
        created_at: nowSec,
        type: 2,
        content: '',
        username: u.username,
        token_name: t.name,
        model_name: model,
        quota,
        prompt_tokens: prompt,
        completion_tokens: completion,
        channel: 1,
        request_id: `sim${core.counter()}`,
        elapsed_time: Math.max(1, Math.round(latency)),
        is_stream: stream,
        system_prompt_reset: false,
      });
    },
  };
}

function anthropicError(ctx: Ctx, status: number, type: string, message: string): void {
  sendJson(ctx.res, status, { type: 'error', error: { type, message } });
}

/** The extra model-plane routes (Anthropic messages, OpenAI responses); true when the request was handled here. */
export async function handleModelPlaneExtras(core: Core, ctx: Ctx): Promise<boolean> {
  const path = ctx.path.replace(/\/+$/, '');
  if (path === '/v1/messages') {
    if (ctx.method !== 'POST') anthropicError(ctx, 405, 'invalid_request_error', 'Method Not Allowed');
    else await messages(core, ctx);
    return true;
  }
  if (path === '/v1/responses') {
    await handleResponses(core, ctx);
    return true;
  }
  return false;
}

/** Anthropic content (a string or blocks) as the simulator's chat messages. */
function toChatMessages(body: Record<string, unknown>): ChatMessage[] {
  const out: ChatMessage[] = [];
  const system = body['system'];
  if (system !== undefined)
    out.push({ role: 'system', content: typeof system === 'string' ? system : contentText(system) });
  for (const m of body['messages'] as unknown[]) {
    if (isRecord(m)) out.push({ role: String(m['role']), content: m['content'] });
  }
  return out;
}

async function messages(core: Core, ctx: Ctx): Promise<void> {
  const header = ctx.req.headers['x-api-key'];
  const presented = (Array.isArray(header) ? header[0] : header) ?? bearer(ctx.req.headers['authorization']);
  const auth = checkModelKey(core, ctx, presented);
  if (!auth.ok) return anthropicError(ctx, auth.status, auth.type, auth.message);
  if (!ctx.req.headers['anthropic-version'])
    return anthropicError(ctx, 400, 'invalid_request_error', 'anthropic-version: header is required');
  if (ctx.bodyInvalid || !isRecord(ctx.body))
    return anthropicError(ctx, 400, 'invalid_request_error', 'The request body is not valid JSON.');
  const body = ctx.body;
  const model = body['model'];
  if (typeof model !== 'string' || !model)
    return anthropicError(ctx, 400, 'invalid_request_error', 'model: Field required');
  if (typeof body['max_tokens'] !== 'number' || !Number.isInteger(body['max_tokens']) || body['max_tokens'] < 1) {
    return anthropicError(ctx, 400, 'invalid_request_error', 'max_tokens: Field required');
  }
  const msgs = body['messages'];
  if (
    !Array.isArray(msgs) ||
    msgs.length === 0 ||
    !msgs.every((m) => isRecord(m) && (m['role'] === 'user' || m['role'] === 'assistant'))
  ) {
    return anthropicError(
      ctx,
      400,
      'invalid_request_error',
      'messages: at least one message with role user or assistant is required',
    );
  }
  const cat = findModel(model);
  if (!cat || cat.types !== 'llm') return anthropicError(ctx, 404, 'not_found_error', `model: ${model}`);
  const chat = toChatMessages(body);
  const input = promptTokens(chat);
  const inputs = inputPlan(model, chat, 'anthropic');
  const text = buildAnswer(core.seed, model, lastUserText(chat));
  const pieces = tokenize(text, core.seed);
  const maxTokens = body['max_tokens'];
  const used = pieces.slice(0, maxTokens);
  const stopReason = used.length < pieces.length ? 'max_tokens' : 'end_turn';
  const id = `msg_sim${core.counter().toString(36).padStart(8, '0')}`;
  const started = core.now();
  if (body['stream'] !== true) {
    auth.charge(model, input, used.length, cat.latencyMs, false);
    return sendJson(
      ctx.res,
      200,
      {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [{ type: 'text', text: used.join('') }],
        stop_reason: stopReason,
        stop_sequence: null,
        usage: messagesUsage(inputs, used.length),
      },
      { 'request-id': id },
    );
  }
  const out = await streamEvents(core, ctx, id, model, [
    [
      'message_start',
      {
        type: 'message_start',
        message: {
          id,
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: messagesUsage(inputs, 1),
        },
      },
    ],
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
    ['ping', { type: 'ping' }],
    ...used.map((piece): Ev => [
      'content_block_delta',
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } },
      true,
    ]),
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    [
      'message_delta',
      {
        type: 'message_delta',
        delta: { stop_reason: stopReason, stop_sequence: null },
        usage: { output_tokens: used.length },
      },
    ],
    ['message_stop', { type: 'message_stop' }],
  ]);
  auth.charge(model, input, out.sentPaced, Math.max(1, core.now() - started), true);
}

/** An SSE event: its name, its JSON data, whether it is a paced (token) event. */
export type Ev = [event: string, data: Record<string, unknown>, paced?: boolean];

/** Writes named SSE events, pacing the token events at the simulator's rate; stops when the client goes away. */
export async function streamEvents(
  core: Core,
  ctx: Ctx,
  id: string,
  model: string,
  events: readonly Ev[],
): Promise<{ sentPaced: number; finished: boolean }> {
  const { res } = ctx;
  const rec: StreamRecord = {
    id,
    gateway: ctx.gateway,
    model,
    chunksSent: 0,
    finished: false,
    closedByClient: false,
    splitWrites: 0,
  };
  core.recordStream(rec);
  let closed = false;
  let ended = false;
  res.on('close', () => {
    closed = true;
    if (!ended && !core.isClosing()) rec.closedByClient = true;
  });
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const rate = core.streamTokensPerSecond;
  const start = performance.now();
  let paced = 0;
  for (const [event, data, isPaced] of events) {
    if (closed || res.destroyed) break;
    if (isPaced && rate > 0) {
      while (paced >= Math.floor(((performance.now() - start) * rate) / 1000) + 1 && !closed)
        await sleep(rate >= 50 ? 20 : 1000 / rate);
      if (closed) break;
    }
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    rec.chunksSent++;
    if (isPaced) paced++;
  }
  if (!closed && !res.destroyed) {
    ended = true;
    res.end();
    rec.finished = true;
  }
  return { sentPaced: paced, finished: rec.finished };
}
