/**
 * OpenAI-style chat streaming over SSE (api-contract Part C), on top of eventsource-parser.
 * Bytes → UTF-8 (streaming decoder, so a character split across chunks survives) → SSE events →
 * chat stream events. Comments (keep-alives) are ignored; `[DONE]` ends the stream; a chunk with
 * empty `choices` may carry usage; an `error` payload mid-stream throws after what came before was
 * yielded; EOF without `[DONE]` and without a finish reason is a truncated stream.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import * as z from 'zod';
import type { ChatStreamEvent, TokenUsage } from '../core/types';
import { GatewayError } from './errors';

/** Big enough for one 8 MiB data line and then some. */
const MAX_EVENT_CHARS = 64 * 1024 * 1024;

export const usageSchema = z.object({
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
  total_tokens: z.number().nullish(),
  prompt_tokens_details: z.object({ cached_tokens: z.number().nullish() }).nullish(),
  completion_tokens_details: z.object({ reasoning_tokens: z.number().nullish() }).nullish(),
});

export function toTokenUsage(u: z.infer<typeof usageSchema>): TokenUsage {
  const promptTokens = u.prompt_tokens ?? 0;
  const completionTokens = u.completion_tokens ?? 0;
  return {
    promptTokens,
    completionTokens,
    totalTokens: u.total_tokens ?? promptTokens + completionTokens,
    ...(u.prompt_tokens_details?.cached_tokens != null ? { cachedTokens: u.prompt_tokens_details.cached_tokens } : {}),
    ...(u.completion_tokens_details?.reasoning_tokens != null ? { reasoningTokens: u.completion_tokens_details.reasoning_tokens } : {}),
  };
}

const toolCallDeltaSchema = z.object({
  index: z.number().int().nonnegative().optional(),
  id: z.string().nullish(),
  type: z.string().nullish(),
  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});

const chunkSchema = z.object({
  choices: z
    .array(
      z.object({
        index: z.number().optional(),
        delta: z
          .object({
            role: z.string().nullish(),
            content: z.string().nullish(),
            reasoning_content: z.string().nullish(),
            tool_calls: z.array(toolCallDeltaSchema).nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: usageSchema.nullish(),
});

export const streamErrorSchema = z.object({
  error: z.union([
    z.object({ message: z.string().nullish(), type: z.string().nullish(), code: z.unknown().optional() }),
    z.string(),
  ]),
});

export interface SseOptions {
  readonly gateway?: string;
  readonly log?: (message: string) => void;
}

/** Turns one parsed SSE event into chat events; returns 'done' on [DONE]. */
function* eventsOf(msg: EventSourceMessage, opts: SseOptions, state: { finished: boolean }): Generator<ChatStreamEvent, 'done' | void> {
  const data = msg.data.trim();
  if (data.startsWith('[DONE]')) return 'done';
  if (data === '' || data.startsWith(':')) return; // keep-alives sent as data lines by broken relays
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    opts.log?.(`ignored a non-JSON stream event (${data.length} chars)`);
    return;
  }
  const err = streamErrorSchema.safeParse(json);
  if (err.success || msg.event === 'error') {
    const e = err.success ? err.data.error : undefined;
    const message = typeof e === 'string' ? e : e?.message ?? 'The gateway reported an error during the stream';
    const code = typeof e === 'object' && e?.code != null ? String(e.code) : undefined;
    throw new GatewayError({ kind: 'server', message, code, gateway: opts.gateway, operation: 'chat stream' });
  }
  const chunk = chunkSchema.safeParse(json);
  if (!chunk.success) {
    const issue = chunk.error.issues[0];
    throw new GatewayError({
      kind: 'bad-response',
      message: `A stream chunk did not fit its schema at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? ''}`,
      path: issue?.path.join('.'),
      gateway: opts.gateway,
      operation: 'chat stream',
    });
  }
  for (const choice of chunk.data.choices ?? []) {
    const delta = choice.delta;
    if (delta?.reasoning_content) yield { type: 'reasoning', text: delta.reasoning_content };
    if (delta?.content) yield { type: 'text', text: delta.content };
    for (const tc of delta?.tool_calls ?? []) {
      yield {
        type: 'tool-call',
        index: tc.index ?? 0,
        ...(tc.id ? { id: tc.id } : {}),
        ...(tc.function?.name ? { name: tc.function.name } : {}),
        argumentsDelta: tc.function?.arguments ?? '',
      };
    }
    if (choice.finish_reason) {
      state.finished = true;
      yield { type: 'finish', reason: choice.finish_reason };
    }
  }
  if (chunk.data.usage) yield { type: 'usage', usage: toTokenUsage(chunk.data.usage) };
}

/**
 * Parses a chat completion SSE body. Yields events as soon as their bytes arrive.
 * Throws GatewayError: `server` for an error event, `network` (code `truncated`) when the stream
 * ends before a finish reason or [DONE].
 */
export async function* parseChatStream(body: AsyncIterable<Uint8Array | string>, opts: SseOptions = {}): AsyncGenerator<ChatStreamEvent> {
  const decoder = new TextDecoder('utf-8');
  const pending: EventSourceMessage[] = [];
  let parseError: Error | undefined;
  const parser = createParser({
    onEvent: (e) => pending.push(e),
    onError: (e) => {
      if (e.type === 'max-buffer-size-exceeded') parseError = e;
    },
    maxBufferSize: MAX_EVENT_CHARS,
  });
  const state = { finished: false };
  let done = false;

  const drain = function* (): Generator<ChatStreamEvent, boolean> {
    while (pending.length > 0) {
      const msg = pending.shift() as EventSourceMessage;
      const result = yield* eventsOf(msg, opts, state);
      if (result === 'done') return true;
    }
    return false;
  };

  for await (const chunk of body) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    if (parseError) {
      throw new GatewayError({ kind: 'bad-response', message: 'A stream event exceeded 64 MiB', gateway: opts.gateway, operation: 'chat stream' });
    }
    if (yield* drain()) {
      done = true;
      break;
    }
  }
  if (!done) {
    const tail = decoder.decode();
    // A final event without its blank line still counts (lenient), as EventSource does not, but relays do cut it.
    parser.feed(tail + '\n\n');
    done = yield* drain();
  }
  if (!done && !state.finished) {
    throw new GatewayError({
      kind: 'network',
      code: 'truncated',
      message: 'The stream ended before the answer was complete',
      gateway: opts.gateway,
      operation: 'chat stream',
    });
  }
}
