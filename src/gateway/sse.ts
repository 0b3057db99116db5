/**
 * OpenAI-style chat streaming over SSE (docs/gateway-contract.md), on top of eventsource-parser.
 * Bytes → UTF-8 (streaming decoder, so a character split across chunks survives) → SSE events →
 * chat stream events. Comments (keep-alives) are ignored; `[DONE]` ends the stream; a chunk with
 * empty `choices` may carry usage; an `error` payload mid-stream throws after what came before was
 * yielded; EOF without `[DONE]` and without a finish reason is a truncated stream, while a connection that
 * drops (or stalls) after a finish reason has delivered a complete answer. Bounded: one event is at most
 * maxEventChars, and a stream that sends no data event for silenceMs (keep-alives do not count) ends with a
 * timeout.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import * as z from 'zod';
import type { ChatStreamEvent } from '../core/types';
import { parseUsage } from '../core/usage';
import { GatewayError, requestIdInBody, requestIdInText } from './errors';

/**
 * One SSE event (all its data lines together) may hold 32 Mi characters: four times the largest line seen (an 8 MiB
 * base64 image in one delta), with room for a 16 MiB line. Past it the stream fails (too-large).
 */
export const MAX_EVENT_CHARS = 32 * 1024 * 1024;

const toolCallDeltaSchema = z.object({
  index: z.number().int().nonnegative().optional(),
  id: z.string().nullish(),
  type: z.string().nullish(),
  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});

export const chunkSchema = z.object({
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
  /** Read by parseUsage (every gateway variant); a usage that does not fit is logged and left out. */
  usage: z.unknown().optional(),
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
  /** Longest wait for an event that carries data (keep-alive comments and empty data lines do not count). */
  readonly silenceMs?: number;
  /** The largest event, in characters (default MAX_EVENT_CHARS). */
  readonly maxEventChars?: number;
  /** The response's request id (its headers), kept in a failure whose own event names none. */
  readonly requestId?: string;
}

interface StreamState {
  finished: boolean;
  /** When the last event with data arrived. */
  progressAt: number;
}

/** Turns one parsed SSE event into chat events; returns 'done' on [DONE]. */
function* eventsOf(
  msg: EventSourceMessage,
  opts: SseOptions,
  state: StreamState,
): Generator<ChatStreamEvent, 'done' | void> {
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
  state.progressAt = Date.now();
  const err = streamErrorSchema.safeParse(json);
  if (err.success || msg.event === 'error') {
    const e = err.success ? err.data.error : undefined;
    const message = typeof e === 'string' ? e : (e?.message ?? 'The gateway reported an error during the stream');
    // Stryker disable next-line ConditionalExpression,OptionalChaining: the type test only narrows: for a string or undefined the optional chain reads no code either way
    const code = typeof e === 'object' && e?.code != null ? String(e.code) : undefined;
    // the event's own id (a field, or " (request id: …)" in its words) first, else the response's
    const requestId = requestIdInBody(json) ?? requestIdInText(message) ?? opts.requestId;
    throw new GatewayError({
      kind: 'server',
      message,
      code,
      gateway: opts.gateway,
      operation: 'chat stream',
      ...(requestId ? { requestId } : {}),
    });
  }
  const chunk = chunkSchema.safeParse(json);
  if (!chunk.success) {
    const issue = chunk.error.issues[0];
    throw new GatewayError({
      kind: 'bad-response',
      // Stryker disable next-line OptionalChaining,StringLiteral: a schema that fails has at least one issue, with a message
      message: `A stream chunk did not fit its schema at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? ''}`,
      // Stryker disable next-line OptionalChaining: a schema that fails has at least one issue
      path: issue?.path.join('.'),
      gateway: opts.gateway,
      operation: 'chat stream',
    });
  }
  // Stryker disable next-line ArrayDeclaration: a made-up choice without delta or finish reason yields nothing
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
  const usage = parseUsage(chunk.data.usage);
  if (!usage.ok) opts.log?.(`ignored the stream's usage: ${usage.error}`);
  else if (usage.usage) yield { type: 'usage', usage: usage.usage };
}

function tooLarge(maxEventChars: number, opts: SseOptions): GatewayError {
  const size =
    maxEventChars % (1024 * 1024) === 0
      ? `${maxEventChars / (1024 * 1024)} Mi characters`
      : `${maxEventChars} characters`;
  return new GatewayError({
    kind: 'bad-response',
    code: 'too-large',
    message: `A stream event is larger than ${size}`,
    gateway: opts.gateway,
    operation: 'chat stream',
  });
}

function isConnectionEnd(e: unknown): boolean {
  return e instanceof GatewayError && (e.kind === 'network' || e.kind === 'timeout');
}

/** The iterator's next result, or a timeout error when it takes longer than `ms`. */
function nextWithin<T>(
  it: AsyncIterator<T>,
  ms: number,
  opts: SseOptions,
  limitMs: number,
): Promise<IteratorResult<T>> {
  const next = it.next();
  if (!Number.isFinite(ms)) return next;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => {
        reject(
          new GatewayError({
            kind: 'timeout',
            code: 'stream-silent',
            message: `The stream sent no data for ${Math.round(limitMs / 1000)} s (keep-alives only)`,
            gateway: opts.gateway,
            operation: 'chat stream',
          }),
        );
      },
      Math.max(0, ms),
    );
    next.then(
      (v) => {
        // Stryker disable next-line CallExpression: a timer left running rejects a promise already settled, which does nothing
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        // Stryker disable next-line CallExpression: a timer left running rejects a promise already settled, which does nothing
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/**
 * Parses a chat completion SSE body. Yields events as soon as their bytes arrive.
 * Throws GatewayError: `server` for an error event, `network` (code `truncated`) when the stream
 * ends before a finish reason or [DONE], `timeout` (code `stream-silent`) when no data event came for
 * silenceMs, `bad-response` (code `too-large`) for an event over the cap. A network error or stall after a
 * finish reason ends the stream normally.
 */
/**
 * Line ends as LF only. SSE allows CRLF, LF and CR; a CR at the end of a chunk may be the first half of a CRLF, and a
 * parser that waits for the next chunk to tell would hold a finished event back (and lose it when that chunk is
 * over the size cap). Here the CR counts as a line end at once and an LF that starts the next chunk is dropped.
 */
function lineEndNormaliser(): (text: string) => string {
  // Stryker disable next-line BooleanLiteral: an LF that starts the first chunk only ends an empty event, which dispatches nothing
  let afterCr = false;
  return (text) => {
    const start = afterCr && text.startsWith('\n') ? 1 : 0;
    if (text.length > 0) afterCr = text.endsWith('\r');
    return text.slice(start).replace(/\r\n?/g, '\n');
  };
}

export async function* parseChatStream(
  body: AsyncIterable<Uint8Array | string>,
  opts: SseOptions = {},
): AsyncGenerator<ChatStreamEvent> {
  const decoder = new TextDecoder('utf-8');
  const lineEnds = lineEndNormaliser();
  const pending: EventSourceMessage[] = [];
  const maxEventChars = opts.maxEventChars ?? MAX_EVENT_CHARS;
  let parseError: Error | undefined;
  const parser = createParser({
    onEvent: (e) => pending.push(e),
    onError: (e) => {
      if (e.type === 'max-buffer-size-exceeded') parseError = e;
    },
    maxBufferSize: maxEventChars,
  });
  const state: StreamState = { finished: false, progressAt: Date.now() };
  const silenceMs = opts.silenceMs ?? Infinity;
  let done = false;

  const drain = function* (): Generator<ChatStreamEvent, boolean> {
    while (pending.length > 0) {
      const msg = pending.shift() as EventSourceMessage;
      // The parser bounds what it buffers across chunks; an event that arrived whole in one chunk is checked here.
      if (msg.data.length > maxEventChars) throw tooLarge(maxEventChars, opts);
      const result = yield* eventsOf(msg, opts, state);
      if (result === 'done') return true;
    }
    return false;
  };

  const it = body[Symbol.asyncIterator]();
  let ended = false;
  try {
    for (;;) {
      let r: IteratorResult<Uint8Array | string>;
      try {
        r = await nextWithin(it, state.progressAt + silenceMs - Date.now(), opts, silenceMs);
      } catch (e) {
        if (state.finished && isConnectionEnd(e)) {
          opts.log?.(
            `the stream ended after its finish reason (${e instanceof GatewayError ? e.message : String(e)}); the answer is complete`,
          );
          done = true;
          break;
        }
        throw e;
      }
      if (r.done) {
        ended = true;
        break;
      }
      const chunk = r.value;
      parser.feed(lineEnds(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })));
      // Events completed before an oversized one are still delivered, then the oversized one fails the stream.
      if (yield* drain()) {
        done = true;
        break;
      }
      if (parseError) throw tooLarge(maxEventChars, opts);
    }
  } finally {
    // Stops the body (a generator waiting for bytes returns once they come; the caller also closes the socket).
    if (!ended) void Promise.resolve(it.return?.()).catch(() => undefined);
  }
  if (!done) {
    const tail = decoder.decode();
    // A final event without its blank line still counts (lenient), as EventSource does not, but relays do cut it.
    // (it ends in a blank line, so the parser is left no unfinished line to overflow; drain refuses an event over the cap)
    parser.feed(lineEnds(tail) + '\n\n');
    done = yield* drain();
  }
  if (!done && !state.finished) {
    throw new GatewayError({
      kind: 'network',
      code: 'truncated',
      message: 'The stream ended before the answer was complete',
      gateway: opts.gateway,
      operation: 'chat stream',
      ...(opts.requestId ? { requestId: opts.requestId } : {}),
    });
  }
}
