/**
 * The chat stream parser's outcomes one by one: the exact error (kind, code, sentence, gateway, operation) of every
 * way a stream fails, what is logged when something is skipped, the events of each delta field, and the
 * boundaries of the event size cap and of the silence limit.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatStreamEvent } from '../../src/core/types';
import { GatewayError } from '../../src/gateway/errors';
import { parseChatStream, type SseOptions } from '../../src/gateway/sse';

async function* chunks(parts: ReadonlyArray<Uint8Array | string>): AsyncGenerator<Uint8Array | string> {
  for (const p of parts) yield p;
}

interface Outcome {
  events: ChatStreamEvent[];
  error?: GatewayError;
  logs: string[];
}

async function run(parts: ReadonlyArray<Uint8Array | string>, opts: SseOptions = {}): Promise<Outcome> {
  const events: ChatStreamEvent[] = [];
  const logs: string[] = [];
  try {
    for await (const e of parseChatStream(chunks(parts), {
      gateway: 'AIone (Work)',
      log: (m) => logs.push(m),
      ...opts,
    }))
      events.push(e);
    return { events, logs };
  } catch (e) {
    assert.ok(e instanceof GatewayError, `unexpected error ${String(e)}`);
    return { events, error: e, logs };
  }
}

const data = (payload: unknown): string => `data: ${JSON.stringify(payload)}\n\n`;
const delta = (d: Record<string, unknown>, finish: string | null = null): string =>
  data({ choices: [{ index: 0, delta: d, finish_reason: finish }] });

/** The fields of an error that a user or a log sees. */
function shape(e: GatewayError | undefined): Record<string, unknown> {
  return { kind: e?.kind, code: e?.code, message: e?.message, gateway: e?.gateway, operation: e?.operation };
}

describe('chat stream: every way it fails, exactly', () => {
  it('an error payload: its message and code (a number code as text), after what came before', async () => {
    const o = await run([delta({ content: 'a' }), data({ error: { message: 'overloaded', code: 529 } })]);
    assert.deepEqual(o.events, [{ type: 'text', text: 'a' }]);
    assert.deepEqual(shape(o.error), {
      kind: 'server',
      code: '529',
      message: 'overloaded',
      gateway: 'AIone (Work)',
      operation: 'chat stream',
    });
  });

  it('an error payload that is a bare string', async () => {
    const o = await run([data({ error: 'quota exhausted' })]);
    assert.deepEqual(shape(o.error), {
      kind: 'server',
      code: undefined,
      message: 'quota exhausted',
      gateway: 'AIone (Work)',
      operation: 'chat stream',
    });
  });

  it('an error payload without a message, or an `event: error` with any payload, gets the default sentence', async () => {
    for (const stream of [
      data({ error: { type: 'x' } }),
      `event: error\ndata: ${JSON.stringify({ detail: 'x' })}\n\n`,
    ]) {
      const o = await run([stream]);
      assert.deepEqual(shape(o.error), {
        kind: 'server',
        code: undefined,
        message: 'The gateway reported an error during the stream',
        gateway: 'AIone (Work)',
        operation: 'chat stream',
      });
    }
  });

  it('a chunk that does not fit its schema names the field', async () => {
    const o = await run([data({ choices: [{ delta: { content: 5 } }] })]);
    assert.equal(o.error?.kind, 'bad-response');
    assert.equal(o.error?.path, 'choices.0.delta.content');
    assert.equal(o.error?.operation, 'chat stream');
    assert.equal(o.error?.gateway, 'AIone (Work)');
    assert.match(o.error?.message ?? '', /^A stream chunk did not fit its schema at choices\.0\.delta\.content: \S/);
    const root = await run([data([1, 2])]);
    assert.match(root.error?.message ?? '', /^A stream chunk did not fit its schema at \(root\): \S/);
  });

  it('an end before the finish reason and [DONE] is truncated', async () => {
    const o = await run([delta({ content: 'half' })]);
    assert.deepEqual(o.events, [{ type: 'text', text: 'half' }]);
    assert.deepEqual(shape(o.error), {
      kind: 'network',
      code: 'truncated',
      message: 'The stream ended before the answer was complete',
      gateway: 'AIone (Work)',
      operation: 'chat stream',
    });
  });

  it('[DONE] without a finish reason is a complete stream, not a truncated one', async () => {
    const o = await run([delta({ content: 'all' }), 'data: [DONE]\n\n']);
    assert.equal(o.error, undefined);
    assert.deepEqual(o.events, [{ type: 'text', text: 'all' }]);
    const spaced = await run([delta({ content: 'all' }), 'data:  [DONE]  \n\n', delta({ content: 'after' })]);
    assert.equal(spaced.error, undefined);
    assert.deepEqual(spaced.events, [{ type: 'text', text: 'all' }], 'nothing after [DONE] is read');
  });

  it('an event over the cap: bad-response / too-large, its size in Mi characters when it is a whole number of them', async () => {
    const small = await run([`data: ${'x'.repeat(100)}\n\n`], { maxEventChars: 50 });
    assert.deepEqual(shape(small.error), {
      kind: 'bad-response',
      code: 'too-large',
      message: 'A stream event is larger than 50 characters',
      gateway: 'AIone (Work)',
      operation: 'chat stream',
    });
    const mi = await run([`data: ${'x'.repeat(1024 * 1024 + 1)}\n\n`], { maxEventChars: 1024 * 1024 });
    assert.equal(mi.error?.message, 'A stream event is larger than 1 Mi characters');
  });

  it('an event of exactly the cap is read; one character more is refused', async () => {
    const text = 'y'.repeat(40);
    const payload = JSON.stringify({ choices: [{ delta: { content: text }, finish_reason: 'stop' }] });
    const at = await run([`data: ${payload}\n\n`], { maxEventChars: payload.length });
    assert.equal(at.error, undefined);
    assert.deepEqual(at.events, [
      { type: 'text', text },
      { type: 'finish', reason: 'stop' },
    ]);
    const over = await run([`data: ${payload}\n\n`], { maxEventChars: payload.length - 1 });
    assert.equal(over.error?.code, 'too-large');
  });

  it('an event over the cap that is still arriving (no end of event yet) is refused too', async () => {
    const o = await run([delta({ content: 'ok' }), `data: ${'z'.repeat(300)}`, 'z'.repeat(300)], {
      maxEventChars: 256,
    });
    assert.deepEqual(o.events, [{ type: 'text', text: 'ok' }]);
    assert.equal(o.error?.code, 'too-large');
  });

  it('a last event over the cap without its blank line is refused at the end of the stream', async () => {
    const o = await run([`data: ${'z'.repeat(200)}`], { maxEventChars: 100 });
    assert.equal(o.error?.code, 'too-large');
  });

  it('silence: timeout / stream-silent, the limit in whole seconds', async () => {
    async function* silent(): AsyncGenerator<string> {
      yield ': ping\n\n';
      await new Promise((r) => setTimeout(r, 10_000).unref());
    }
    const events: ChatStreamEvent[] = [];
    let error: unknown;
    try {
      for await (const e of parseChatStream(silent(), { gateway: 'G', silenceMs: 1400 })) events.push(e);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof GatewayError);
    assert.deepEqual(shape(error), {
      kind: 'timeout',
      code: 'stream-silent',
      message: 'The stream sent no data for 1 s (keep-alives only)',
      gateway: 'G',
      operation: 'chat stream',
    });
  });
});

describe('chat stream: what is skipped, and said in the log', () => {
  it('a data line that is not JSON is skipped with its length', async () => {
    const o = await run(['data: {oops\n\n', delta({ content: 'x' }, 'stop')]);
    assert.equal(o.error, undefined);
    assert.deepEqual(o.logs, ['ignored a non-JSON stream event (5 chars)']);
    assert.deepEqual(o.events, [
      { type: 'text', text: 'x' },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('empty data lines and keep-alives sent as data are skipped without a word', async () => {
    const o = await run(['data:\n\n', 'data: : keep-alive\n\n', 'data:   \n\n', delta({}, 'stop')]);
    assert.equal(o.error, undefined);
    assert.deepEqual(o.logs, []);
    assert.deepEqual(o.events, [{ type: 'finish', reason: 'stop' }]);
  });

  it('a usage that does not fit is left out and logged; the answer goes on', async () => {
    const o = await run([
      data({ choices: [{ delta: { content: 'x' }, finish_reason: 'stop' }], usage: { prompt_tokens: -1 } }),
    ]);
    assert.equal(o.error, undefined);
    assert.deepEqual(o.events, [
      { type: 'text', text: 'x' },
      { type: 'finish', reason: 'stop' },
    ]);
    assert.equal(o.logs.length, 1);
    assert.match(o.logs[0] ?? '', /^ignored the stream's usage: usage field prompt_tokens: /);
  });

  it('a null usage is no usage, and says nothing', async () => {
    const o = await run([data({ choices: [], usage: null }), delta({}, 'stop')]);
    assert.deepEqual(o.events, [{ type: 'finish', reason: 'stop' }]);
    assert.deepEqual(o.logs, []);
  });

  it('a drop after the finish reason is logged as a complete answer', async () => {
    async function* dropping(): AsyncGenerator<string> {
      yield delta({ content: 'done' }, 'stop');
      throw new GatewayError({ kind: 'network', message: 'socket hang up' });
    }
    const logs: string[] = [];
    const events: ChatStreamEvent[] = [];
    for await (const e of parseChatStream(dropping(), { log: (m) => logs.push(m) })) events.push(e);
    assert.deepEqual(events, [
      { type: 'text', text: 'done' },
      { type: 'finish', reason: 'stop' },
    ]);
    assert.deepEqual(logs, ['the stream ended after its finish reason (socket hang up); the answer is complete']);
  });

  it('an error that is not a connection end is thrown even after the finish reason', async () => {
    for (const failure of [
      new GatewayError({ kind: 'aborted', message: 'cancelled by the user' }),
      new GatewayError({ kind: 'server', message: 'boom' }),
      new Error('plain'),
    ]) {
      async function* failing(): AsyncGenerator<string> {
        yield delta({}, 'stop');
        throw failure;
      }
      await assert.rejects(
        (async () => {
          for await (const _e of parseChatStream(failing())) {
            /* drain */
          }
        })(),
        (e: unknown) => e === failure,
      );
    }
  });

  it('a timeout after the finish reason is a complete answer too', async () => {
    async function* stalling(): AsyncGenerator<string> {
      yield delta({}, 'length');
      throw new GatewayError({ kind: 'timeout', message: 'body timeout' });
    }
    const events: ChatStreamEvent[] = [];
    for await (const e of parseChatStream(stalling())) events.push(e);
    assert.deepEqual(events, [{ type: 'finish', reason: 'length' }]);
  });
});

describe('chat stream: the events of each delta field', () => {
  it('reasoning before text in one delta; empty strings yield nothing', async () => {
    const o = await run([
      delta({ reasoning_content: 'think', content: 'say' }),
      delta({ reasoning_content: '', content: '' }),
      delta({ content: null, reasoning_content: null }, 'stop'),
    ]);
    assert.deepEqual(o.events, [
      { type: 'reasoning', text: 'think' },
      { type: 'text', text: 'say' },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('a tool call delta: index defaults to 0, id and name only when given, arguments default to empty', async () => {
    const o = await run([
      delta({ tool_calls: [{ index: 2, id: 'call_9', function: { name: 'f', arguments: '{' } }] }),
      delta({ tool_calls: [{ id: '', function: { name: '' } }] }),
      delta({ tool_calls: [{ index: 1 }] }, 'tool_calls'),
    ]);
    assert.deepEqual(o.events, [
      { type: 'tool-call', index: 2, id: 'call_9', name: 'f', argumentsDelta: '{' },
      { type: 'tool-call', index: 0, argumentsDelta: '' },
      { type: 'tool-call', index: 1, argumentsDelta: '' },
      { type: 'finish', reason: 'tool_calls' },
    ]);
  });

  it('every choice of a chunk is read; an empty finish reason is no finish', async () => {
    const o = await run([
      data({
        choices: [
          { index: 0, delta: { content: 'a' }, finish_reason: '' },
          { index: 1, delta: { content: 'b' } },
        ],
      }),
      'data: [DONE]\n\n',
    ]);
    assert.deepEqual(o.events, [
      { type: 'text', text: 'a' },
      { type: 'text', text: 'b' },
    ]);
    assert.equal(o.error, undefined);
  });

  it('usage in a chunk comes after that chunk’s deltas', async () => {
    const o = await run([
      data({
        choices: [{ delta: { content: 'x' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 2, completion_tokens: 1 },
      }),
    ]);
    assert.deepEqual(o.events, [
      { type: 'text', text: 'x' },
      { type: 'finish', reason: 'stop' },
      { type: 'usage', usage: { promptTokens: 2, completionTokens: 1, totalTokens: 3 } },
    ]);
  });
});

describe('chat stream: line ends', () => {
  it('a CR at the end of one chunk and an LF at the start of the next are one line end', async () => {
    const o = await run(['data: {"choices":[{"delta":{"content":"a"}}]}\r', '\ndata: more\r\n\r\n', delta({}, 'stop')]);
    // "data: more" is the second line of the same event: the event is not JSON, so it is skipped
    assert.deepEqual(o.logs, ['ignored a non-JSON stream event (44 chars)']);
    assert.deepEqual(o.events, [{ type: 'finish', reason: 'stop' }]);
  });

  it('an LF at the start of a chunk not after a CR is a line end of its own', async () => {
    const o = await run([delta({ content: 'a' }).trimEnd() + '\n', '\n', delta({}, 'stop')]);
    assert.deepEqual(o.events, [
      { type: 'text', text: 'a' },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('lone CRs end lines', async () => {
    const o = await run([
      `data: ${JSON.stringify({ choices: [{ delta: { content: 'c' }, finish_reason: 'stop' }] })}\r\r`,
    ]);
    assert.deepEqual(o.events, [
      { type: 'text', text: 'c' },
      { type: 'finish', reason: 'stop' },
    ]);
  });
});

describe('chat stream: the body is stopped when the parser stops early', () => {
  it('calls return() on the body after [DONE] and after an error, not after the body ended itself', async () => {
    const returned: string[] = [];
    const body = (name: string, parts: string[]): AsyncIterable<string> => ({
      [Symbol.asyncIterator]() {
        let i = 0;
        return {
          next: () =>
            Promise.resolve(
              i < parts.length ? { done: false, value: parts[i++] as string } : { done: true, value: undefined },
            ),
          return: () => {
            returned.push(name);
            return Promise.resolve({ done: true, value: undefined });
          },
        };
      },
    });
    for await (const _e of parseChatStream(body('done', ['data: [DONE]\n\n', delta({ content: 'never' })]))) {
      /* drain */
    }
    await assert.rejects(async () => {
      for await (const _e of parseChatStream(body('error', [data({ error: 'x' }), 'more']))) {
        /* drain */
      }
    });
    for await (const _e of parseChatStream(body('ended', [delta({}, 'stop')]))) {
      /* drain */
    }
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(returned, ['done', 'error']);
  });
});

describe('chat stream: edge cases of what it reads', () => {
  it('[DONE] with anything after it on its line still ends the stream', async () => {
    const o = await run([delta({ content: 'a' }), 'data: [DONE] (end)\n\n', delta({ content: 'after' })]);
    assert.equal(o.error, undefined);
    assert.deepEqual(o.events, [{ type: 'text', text: 'a' }]);
    assert.deepEqual(o.logs, []);
  });

  it('a choice without a delta, and a chunk without choices, are read without failing', async () => {
    const o = await run([
      data({ choices: [{ index: 0 }] }),
      data({ usage: null }),
      data({ choices: [{ finish_reason: 'stop' }] }),
    ]);
    assert.equal(o.error, undefined);
    assert.deepEqual(o.events, [{ type: 'finish', reason: 'stop' }]);
  });

  it('a usage that does not fit, with no log given, is dropped quietly', async () => {
    const events: ChatStreamEvent[] = [];
    for await (const e of parseChatStream(
      chunks([data({ choices: [{ delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 'x' } })]),
    ))
      events.push(e);
    assert.deepEqual(events, [{ type: 'finish', reason: 'stop' }]);
  });

  it('without a silence limit a slow body is waited for', async () => {
    async function* slow(): AsyncGenerator<string> {
      await new Promise((r) => setTimeout(r, 30));
      yield delta({ content: 'late' });
      await new Promise((r) => setTimeout(r, 30));
      yield delta({}, 'stop');
    }
    const events: ChatStreamEvent[] = [];
    for await (const e of parseChatStream(slow())) events.push(e);
    assert.deepEqual(events, [
      { type: 'text', text: 'late' },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('a body that fails while a silence limit runs fails with its own error, at once', async () => {
    const failure = new GatewayError({ kind: 'network', message: 'connection reset' });
    async function* failing(): AsyncGenerator<string> {
      yield delta({ content: 'a' });
      await new Promise((r) => setTimeout(r, 5));
      throw failure;
    }
    const started = Date.now();
    await assert.rejects(
      (async () => {
        for await (const _e of parseChatStream(failing(), { silenceMs: 60_000 })) {
          /* drain */
        }
      })(),
      (e: unknown) => e === failure,
    );
    assert.ok(Date.now() - started < 30_000, 'it did not wait for the silence limit');
  });

  it('after the finish reason and a drop, a half-received event is not read', async () => {
    async function* dropping(): AsyncGenerator<string> {
      yield `${delta({}, 'stop')}data: ${JSON.stringify({ choices: [{ delta: { content: 'late' } }] })}`;
      throw new GatewayError({ kind: 'network', message: 'socket hang up' });
    }
    const events: ChatStreamEvent[] = [];
    for await (const e of parseChatStream(dropping())) events.push(e);
    assert.deepEqual(events, [{ type: 'finish', reason: 'stop' }]);
  });

  it('a line the SSE parser finds odd (a bad retry field) is no size error', async () => {
    const o = await run(['retry: soon\n\n', 'id\u0000x: 1\n\n', delta({ content: 'x' }, 'stop')]);
    assert.equal(o.error, undefined);
    assert.deepEqual(o.events, [
      { type: 'text', text: 'x' },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('a CR that ends a chunk drops only an LF that starts the next, nothing else', async () => {
    const o = await run([
      'data: {"choices":[{"delta":{"content":"a"}}]}\r',
      '\r',
      'data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\n',
    ]);
    assert.equal(o.error, undefined);
    assert.deepEqual(o.events, [
      { type: 'text', text: 'a' },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('a body iterator without return() is left alone when the parser stops early', async () => {
    const parts = ['data: [DONE]\n\n', 'more'];
    const body: AsyncIterable<string> = {
      [Symbol.asyncIterator]() {
        let i = 0;
        return {
          next: () =>
            Promise.resolve(
              i < parts.length ? { done: false, value: parts[i++] as string } : { done: true, value: undefined },
            ),
        };
      },
    };
    const events: ChatStreamEvent[] = [];
    for await (const e of parseChatStream(body)) events.push(e);
    assert.deepEqual(events, []);
  });
});
