/** The OpenAI-compatible model plane (`/v1/chat/completions`, `/v1/models`), shared by both gateways. */
import * as z from 'zod';
import type { ChatCompletion, ChatMessage, ChatRequest, ChatStreamEvent, ToolCall } from '../core/types';
import { classifyMessage } from './aihubmix/classify';
import { errorHeaderFacts, GatewayError, kindForStatus, requestIdInBody, summariseBody } from './errors';
import type { HttpClient } from './http';
import { parseChatStream } from './sse';
import { parseUsage } from '../core/usage';
import { parseJson, parseWith, tryParseJson } from './schema';

export const openAiErrorSchema = z.object({
  error: z.union([
    z.object({
      message: z.string().nullish(),
      type: z.string().nullish(),
      code: z.unknown().optional(),
      param: z.unknown().optional(),
    }),
    z.string(),
  ]),
});
const detailErrorSchema = z.object({ detail: z.unknown() });
const envelopeErrorSchema = z.object({ success: z.literal(false), message: z.string().nullish() });

/** An OpenAI `{error}` body or one-api's `{success:false}` envelope, whatever the HTTP status. */
function isErrorEnvelope(json: unknown): boolean {
  return openAiErrorSchema.safeParse(json).success || envelopeErrorSchema.safeParse(json).success;
}

/** Builds the GatewayError of a failed model-plane call from any error body the gateways send. */
export function modelPlaneError(
  status: number,
  text: string,
  gateway: string | undefined,
  operation: string,
  retryAfterMs?: number,
  headers?: Readonly<Record<string, string | undefined>>,
): GatewayError {
  let message = `HTTP ${status}`;
  let code: string | undefined;
  let errorType: string | undefined;
  let param: string | undefined;
  const json = tryParseJson(text);
  const oe = openAiErrorSchema.safeParse(json);
  if (oe.success) {
    const e = oe.data.error;
    message = typeof e === 'string' ? e : (e.message ?? message);
    code =
      // Stryker disable next-line ConditionalExpression,LogicalOperator: a string error has neither a code nor a type, so the object test only narrows
      typeof e === 'object' && e.code != null ? String(e.code) : typeof e === 'object' && e.type ? e.type : undefined;
    // Stryker disable next-line ConditionalExpression,LogicalOperator: a string error has no type, so the object test only narrows
    if (typeof e === 'object' && e.type) errorType = e.type;
    // Stryker disable next-line ConditionalExpression: a string error has no param, so the object test only narrows
    if (typeof e === 'object' && typeof e.param === 'string' && e.param) param = e.param;
  } else if (detailErrorSchema.safeParse(json).success) {
    const d = (json as { detail: unknown }).detail;
    message = typeof d === 'string' ? d : JSON.stringify(d);
  } else if (envelopeErrorSchema.safeParse(json).success) {
    message = (json as { message?: string }).message || message;
  } else {
    message = summariseBody(text) ?? message;
  }
  // a business error sent with a success status (one-api's HTTP 200 `success:false`) is classified by its meaning
  let kind = status >= 200 && status < 300 ? classifyMessage(message) : kindForStatus(status);
  // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral,LogicalOperator: kindForStatus already makes every 404 not-found
  if (status === 404 && code !== 'model_not_found') kind = 'not-found';
  if (status === 400 && code === 'model_not_found') kind = 'not-found';
  const facts = errorHeaderFacts(headers);
  const requestId = facts.requestId ?? requestIdInBody(json);
  return new GatewayError({
    kind,
    status,
    code,
    message,
    gateway,
    operation,
    retryAfterMs: retryAfterMs ?? facts.retryAfterMs,
    ...(requestId ? { requestId } : {}),
    ...(facts.rateLimit ? { rateLimit: facts.rateLimit } : {}),
    ...(errorType ? { errorType } : {}),
    ...(param ? { param } : {}),
  });
}

export const completionSchema = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  choices: z
    .array(
      z.object({
        message: z
          .object({
            content: z.string().nullish(),
            tool_calls: z
              .array(
                z.object({
                  id: z.string().nullish(),
                  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
                }),
              )
              .nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z.unknown().optional(),
});

function toCompletion(data: z.infer<typeof completionSchema>): ChatCompletion {
  // a usage that does not fit its schema is left out: the answer itself is still good
  const usage = parseUsage(data.usage);
  const first = data.choices[0];
  // Stryker disable next-line OptionalChaining: the schema asks for at least one choice
  const toolCalls: ToolCall[] = (first?.message?.tool_calls ?? []).map((tc, index) => ({
    index,
    ...(tc.id ? { id: tc.id } : {}),
    ...(tc.function?.name ? { name: tc.function.name } : {}),
    arguments: tc.function?.arguments ?? '',
  }));
  return {
    ...(data.id ? { id: data.id } : {}),
    ...(data.model ? { model: data.model } : {}),
    // Stryker disable next-line OptionalChaining: the schema asks for at least one choice
    content: first?.message?.content ?? '',
    toolCalls,
    // Stryker disable next-line OptionalChaining: the schema asks for at least one choice
    finishReason: first?.finish_reason ?? null,
    ...(usage.ok && usage.usage ? { usage: usage.usage } : {}),
  };
}

export function chatBody(request: ChatRequest, stream: boolean): Record<string, unknown> {
  return {
    model: request.model,
    messages: request.messages.map(messageBody),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
    ...(request.tools && request.tools.length > 0
      ? {
          tools: request.tools.map((t) => ({
            type: 'function',
            function: {
              name: t.name,
              ...(t.description ? { description: t.description } : {}),
              parameters: t.parameters ?? { type: 'object', properties: {} },
            },
          })),
        }
      : {}),
    ...(request.toolChoice !== undefined && request.tools && request.tools.length > 0
      ? { tool_choice: toolChoiceBody(request.toolChoice) }
      : {}),
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
}

/** One message on the wire: text or content parts (images as data URLs), an assistant's tool calls, a tool result's id. */
function messageBody(m: ChatMessage): Record<string, unknown> {
  const content =
    m.parts && m.parts.length > 0
      ? m.parts.map((p) =>
          p.type === 'text'
            ? { type: 'text', text: p.text }
            : { type: 'image_url', image_url: { url: `data:${p.mimeType};base64,${p.data}` } },
        )
      : m.toolCalls && m.toolCalls.length > 0 && m.content === ''
        ? null
        : m.content;
  return {
    role: m.role,
    content,
    ...(m.toolCalls && m.toolCalls.length > 0
      ? {
          tool_calls: m.toolCalls.map((c) => ({
            id: c.id,
            type: 'function',
            function: { name: c.name, arguments: c.arguments },
          })),
        }
      : {}),
    ...(m.toolCallId ? { tool_call_id: m.toolCallId } : {}),
  };
}

function toolChoiceBody(choice: NonNullable<ChatRequest['toolChoice']>): unknown {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

export class OpenAiCompatible {
  constructor(
    private readonly http: HttpClient,
    private readonly chatBaseUrl: string,
    private readonly gateway: string | undefined,
    private readonly extraHeaders: Readonly<Record<string, string>> = {},
  ) {}

  private url(path: string): string {
    return this.chatBaseUrl.replace(/\/+$/, '') + path;
  }

  private headers(apiKey: string): Record<string, string> {
    return { ...this.extraHeaders, authorization: `Bearer ${apiKey}` };
  }

  async chat(request: ChatRequest, apiKey: string, signal?: AbortSignal): Promise<ChatCompletion> {
    const operation = 'chat';
    const res = await this.http.request({
      method: 'POST',
      url: this.url('/chat/completions'),
      headers: this.headers(apiKey),
      json: chatBody(request, false),
      signal,
      operation,
      retry: false,
    });
    if (res.status < 200 || res.status >= 300)
      throw modelPlaneError(res.status, res.text, this.gateway, operation, res.retryAfterMs, res.headers);
    const json = parseJson(res.text, this.gateway, operation);
    if (isErrorEnvelope(json))
      throw modelPlaneError(res.status, res.text, this.gateway, operation, res.retryAfterMs, res.headers);
    return toCompletion(parseWith(completionSchema, json, this.gateway, operation));
  }

  async *streamChat(request: ChatRequest, apiKey: string, signal?: AbortSignal): AsyncGenerator<ChatStreamEvent> {
    const operation = 'chat stream';
    const res = await this.http.stream({
      method: 'POST',
      url: this.url('/chat/completions'),
      headers: this.headers(apiKey),
      json: chatBody(request, true),
      signal,
      operation,
      retry: false,
    });
    try {
      const contentType = res.headers['content-type'] ?? '';
      if (res.status < 200 || res.status >= 300) {
        throw modelPlaneError(res.status, await res.text(), this.gateway, operation, res.retryAfterMs, res.headers);
      }
      if (contentType.includes('application/json')) {
        // A JSON body instead of a stream: an error envelope, or a whole completion from a relay that ignored stream:true.
        const text = await res.text();
        const json = parseJson(text, this.gateway, operation);
        if (isErrorEnvelope(json))
          throw modelPlaneError(res.status, text, this.gateway, operation, res.retryAfterMs, res.headers);
        const c = toCompletion(parseWith(completionSchema, json, this.gateway, operation));
        if (c.content) yield { type: 'text', text: c.content };
        for (const tc of c.toolCalls)
          yield {
            type: 'tool-call',
            index: tc.index,
            ...(tc.id ? { id: tc.id } : {}),
            ...(tc.name ? { name: tc.name } : {}),
            argumentsDelta: tc.arguments,
          };
        yield { type: 'finish', reason: c.finishReason ?? 'stop' };
        if (c.usage) yield { type: 'usage', usage: c.usage };
        return;
      }
      if (contentType && !/text\/event-stream|application\/x-ndjson|text\/plain/i.test(contentType)) {
        // a 200 that is neither a stream nor JSON: a captive portal or a proxy's page, not a cut stream
        const summary = summariseBody(await res.text()) ?? `a ${contentType.split(';')[0]} body`;
        throw new GatewayError({
          kind: 'bad-response',
          status: res.status,
          code: 'not-a-stream',
          message: `the gateway answered with ${summary}, not a stream`,
          gateway: this.gateway,
          operation,
        });
      }
      const requestId = errorHeaderFacts(res.headers).requestId;
      yield* parseChatStream(res.body, {
        gateway: this.gateway,
        silenceMs: res.timeouts.streamSilenceMs,
        ...(requestId ? { requestId } : {}),
      });
    } finally {
      res.close();
    }
  }

  async listModelIds(token: string, signal?: AbortSignal): Promise<Array<{ id: string; ownedBy?: string }>> {
    const operation = 'list models';
    const res = await this.http.request({
      method: 'GET',
      url: this.url('/models'),
      headers: this.headers(token),
      signal,
      operation,
    });
    if (res.status < 200 || res.status >= 300)
      throw modelPlaneError(res.status, res.text, this.gateway, operation, res.retryAfterMs, res.headers);
    const schema = z.object({ data: z.array(z.object({ id: z.string(), owned_by: z.string().nullish() })) });
    const parsed = parseWith(schema, parseJson(res.text, this.gateway, operation), this.gateway, operation);
    return parsed.data.map((m) => ({ id: m.id, ...(m.owned_by ? { ownedBy: m.owned_by } : {}) }));
  }
}
