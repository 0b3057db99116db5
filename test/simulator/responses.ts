/**
 * OpenAI's Responses API (`POST /v1/responses`), which Codex CLI speaks (`wire_api = "responses"`), plain and
 * streaming, on both gateways. `Authorization: Bearer <model key>`; `input` is a string or a list of items
 * (messages with `input_text` parts, tool outputs); `instructions` is the system prompt. The stream is the
 * documented event sequence: response.created, response.in_progress, response.output_item.added,
 * response.content_part.added, response.output_text.delta…, response.output_text.done, response.content_part.done,
 * response.output_item.done, response.completed (with usage: input_tokens, output_tokens, total_tokens and their
 * details). Errors are OpenAI-shaped `{"error":{message,type,code}}`.
 */
import { buildAnswer, promptTokens, tokenize, type ChatMessage } from './answer';
import { inputPlan, reasoningTokens, responsesUsage } from './usage';
import { checkModelKey, streamEvents, type Ev } from './anthropic';
import { findModel } from './catalog';
import type { Core } from './core';
import { bearer, isRecord, sendJson, type Ctx } from './http-util';

function oaiError(ctx: Ctx, status: number, message: string, type: string, code: string | null): void {
  sendJson(ctx.res, status, { error: { message, type, param: null, code } });
}

/** Text of a Responses `content` (a string or parts with `text`). */
function partsText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p) => (isRecord(p) && typeof p['text'] === 'string' ? p['text'] : '')).join('\n');
}

/** `instructions` + `input` as the simulator's chat messages. */
function toChatMessages(body: Record<string, unknown>): ChatMessage[] {
  const out: ChatMessage[] = [];
  if (typeof body['instructions'] === 'string') out.push({ role: 'system', content: body['instructions'] });
  const input = body['input'];
  if (typeof input === 'string') out.push({ role: 'user', content: input });
  else if (Array.isArray(input)) {
    for (const item of input) {
      if (!isRecord(item)) continue;
      if ((item['type'] === undefined || item['type'] === 'message') && typeof item['role'] === 'string')
        out.push({ role: item['role'] === 'developer' ? 'system' : item['role'], content: partsText(item['content']) });
      else if (item['type'] === 'function_call_output')
        out.push({
          role: 'tool',
          content: typeof item['output'] === 'string' ? item['output'] : JSON.stringify(item['output']),
        });
    }
  }
  return out;
}

export async function handleResponses(core: Core, ctx: Ctx): Promise<void> {
  if (ctx.method !== 'POST') return oaiError(ctx, 405, 'Method Not Allowed', 'invalid_request_error', null);
  const auth = checkModelKey(core, ctx, bearer(ctx.req.headers['authorization']));
  if (!auth.ok) return oaiError(ctx, auth.status, auth.message, 'authentication_error', 'invalid_api_key');
  if (ctx.bodyInvalid || !isRecord(ctx.body))
    return oaiError(
      ctx,
      400,
      'We could not parse the JSON body of your request.',
      'invalid_request_error',
      'invalid_json',
    );
  const body = ctx.body;
  const model = body['model'];
  if (typeof model !== 'string' || !model)
    return oaiError(
      ctx,
      400,
      "Missing required parameter: 'model'.",
      'invalid_request_error',
      'missing_required_parameter',
    );
  const chat = toChatMessages(body);
  if (!chat.some((m) => m.role === 'user'))
    return oaiError(
      ctx,
      400,
      "Missing required parameter: 'input'.",
      'invalid_request_error',
      'missing_required_parameter',
    );
  const cat = findModel(model);
  if (!cat || cat.types !== 'llm')
    return oaiError(ctx, 404, `The model '${model}' does not exist`, 'invalid_request_error', 'model_not_found');
  const n = core.counter();
  const id = `resp_sim${n.toString(36).padStart(8, '0')}`;
  const itemId = `msg_sim${n.toString(36).padStart(8, '0')}`;
  const created = Math.floor(core.now() / 1000);
  const question = [...chat].reverse().find((m) => m.role === 'user');
  const text = buildAnswer(core.seed, model, typeof question?.content === 'string' ? question.content : '');
  const pieces = tokenize(text, core.seed);
  const input = promptTokens(chat);
  const inputs = inputPlan(model, chat, 'openai');
  const reasoning = reasoningTokens(model, pieces.length);
  const usage = (visible: number) => responsesUsage(inputs, visible + reasoning, reasoning);
  const item = (status: string, t: string) => ({
    id: itemId,
    type: 'message',
    status,
    role: 'assistant',
    content: status === 'in_progress' ? [] : [{ type: 'output_text', text: t, annotations: [] }],
  });
  const response = (status: string, output: unknown[], u: unknown) => ({
    id,
    object: 'response',
    created_at: created,
    status,
    model,
    output,
    usage: u,
    error: null,
    incomplete_details: null,
  });
  const started = core.now();
  if (body['stream'] !== true) {
    auth.charge(model, input, pieces.length + reasoning, cat.latencyMs, false);
    return sendJson(ctx.res, 200, response('completed', [item('completed', text)], usage(pieces.length)));
  }
  let seq = 0;
  const ev = (type: string, data: Record<string, unknown>, paced = false): Ev => [
    type,
    { type, sequence_number: seq++, ...data },
    paced,
  ];
  const events: Ev[] = [
    ev('response.created', { response: response('in_progress', [], null) }),
    ev('response.in_progress', { response: response('in_progress', [], null) }),
    ev('response.output_item.added', { output_index: 0, item: item('in_progress', '') }),
    ev('response.content_part.added', {
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      part: { type: 'output_text', text: '', annotations: [] },
    }),
    ...pieces.map((delta) =>
      ev('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta }, true),
    ),
    ev('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text }),
    ev('response.content_part.done', {
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      part: { type: 'output_text', text, annotations: [] },
    }),
    ev('response.output_item.done', { output_index: 0, item: item('completed', text) }),
    ev('response.completed', { response: response('completed', [item('completed', text)], usage(pieces.length)) }),
  ];
  const out = await streamEvents(core, ctx, id, model, events);
  auth.charge(model, input, out.sentPaced, Math.max(1, core.now() - started), true);
}
