import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ChatStreamEvent } from '../../src/core/types';
import { GatewayError } from '../../src/gateway/errors';
import { parseChatStream } from '../../src/gateway/sse';

const enc = new TextEncoder();

async function* chunks(parts: ReadonlyArray<Uint8Array | string>): AsyncGenerator<Uint8Array | string> {
  for (const p of parts) yield p;
}

async function collect(
  parts: ReadonlyArray<Uint8Array | string>,
): Promise<{ events: ChatStreamEvent[]; error?: GatewayError }> {
  const events: ChatStreamEvent[] = [];
  try {
    for await (const e of parseChatStream(chunks(parts))) events.push(e);
    return { events };
  } catch (e) {
    assert.ok(e instanceof GatewayError, `unexpected error ${String(e)}`);
    return { events, error: e };
  }
}

const chunk = (delta: Record<string, unknown>, finish: string | null = null, usage: unknown = null): string =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1711500000, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }], usage })}\n\n`;
const usageChunk = `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1711500000, model: 'm', choices: [], usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } })}\n\n`;

/** A recorded stream with everything the contract names: comments, CJK and emoji, tool calls, usage, [DONE]. */
const RECORDED =
  ': PING\n\n' +
  chunk({ role: 'assistant', content: '' }) +
  chunk({ content: 'Hello, ' }) +
  ': keepalive\n\n' +
  chunk({ content: '你好，世界 🌏' }) +
  chunk({ content: '\n```ts\nconst x = 1;\n```' }) +
  chunk({
    tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":' } }],
  }) +
  chunk({ tool_calls: [{ index: 0, function: { arguments: '"漢字"}' } }] }) +
  chunk({}, 'stop') +
  usageChunk +
  'data: [DONE]\n\n';

const EXPECTED: ChatStreamEvent[] = [
  { type: 'text', text: 'Hello, ' },
  { type: 'text', text: '你好，世界 🌏' },
  { type: 'text', text: '\n```ts\nconst x = 1;\n```' },
  { type: 'tool-call', index: 0, id: 'call_1', name: 'lookup', argumentsDelta: '{"q":' },
  { type: 'tool-call', index: 0, argumentsDelta: '"漢字"}' },
  { type: 'finish', reason: 'stop' },
  { type: 'usage', usage: { promptTokens: 9, completionTokens: 3, totalTokens: 12 } },
];

describe('SSE chat stream parser', () => {
  it('parses the canonical stream: keep-alive comments ignored, usage chunk with empty choices, [DONE]', async () => {
    const { events, error } = await collect([RECORDED]);
    assert.equal(error, undefined);
    assert.deepEqual(events, EXPECTED);
  });

  it('yields the same events for every way of splitting the recorded bytes into chunks (property)', async () => {
    const bytes = enc.encode(RECORDED);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }),
        async (cuts) => {
          const sorted = [...cuts].sort((a, b) => a - b);
          const parts: Uint8Array[] = [];
          let prev = 0;
          for (const c of [...sorted, bytes.length]) {
            parts.push(bytes.slice(prev, c));
            prev = c;
          }
          const { events, error } = await collect(parts);
          assert.equal(error, undefined);
          assert.deepEqual(events, EXPECTED);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('splits every single byte apart and still decodes multi-byte UTF-8', async () => {
    const bytes = enc.encode(RECORDED);
    const parts = Array.from(bytes, (b) => Uint8Array.of(b));
    const { events } = await collect(parts);
    assert.deepEqual(events, EXPECTED);
  });

  it('accepts CRLF and CR line endings', async () => {
    const crlf = RECORDED.replace(/\n/g, '\r\n');
    assert.deepEqual((await collect([crlf])).events, EXPECTED);
    const cr =
      chunk({ content: 'a' }).replace(/\n/g, '\r') + chunk({}, 'stop').replace(/\n/g, '\r') + 'data: [DONE]\r\r';
    assert.deepEqual((await collect([cr])).events, [
      { type: 'text', text: 'a' },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('throws a server error on a mid-stream error event, after yielding the partial text', async () => {
    const stream =
      chunk({ content: 'partial ' }) +
      chunk({ content: 'answer' }) +
      'data: {"error":{"message":"upstream timeout","type":"upstream_error","code":"bad_response"}}\n\n' +
      'data: [DONE]\n\n';
    const { events, error } = await collect([stream]);
    assert.deepEqual(events, [
      { type: 'text', text: 'partial ' },
      { type: 'text', text: 'answer' },
    ]);
    assert.equal(error?.kind, 'server');
    assert.equal(error?.message, 'upstream timeout');
    assert.equal(error?.code, 'bad_response');
  });

  it('treats `event: error` as an error even with an odd payload', async () => {
    const { error } = await collect([chunk({ content: 'x' }) + 'event: error\ndata: {"message":"overloaded"}\n\n']);
    assert.equal(error?.kind, 'server');
  });

  it('reports a truncated stream (EOF without finish or [DONE]) and keeps what came', async () => {
    const { events, error } = await collect([chunk({ content: 'half' }) + 'data: {"id":"x","choi']);
    assert.deepEqual(events, [{ type: 'text', text: 'half' }]);
    assert.equal(error?.kind, 'network');
    assert.equal(error?.code, 'truncated');
  });

  it('accepts EOF without [DONE] once a finish reason was seen', async () => {
    const { events, error } = await collect([chunk({ content: 'ok' }) + chunk({}, 'stop')]);
    assert.equal(error, undefined);
    assert.deepEqual(events, [
      { type: 'text', text: 'ok' },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('skips keep-alives sent as empty or non-JSON data lines, and usage on the last content chunk', async () => {
    const stream =
      'data: \n\n' +
      'data: : ping\n\n' +
      'data: OPENROUTER PROCESSING\n\n' +
      chunk({ content: 'x' }, 'length', { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }) +
      'data: [DONE]\n\n';
    const { events, error } = await collect([stream]);
    assert.equal(error, undefined);
    assert.deepEqual(events, [
      { type: 'text', text: 'x' },
      { type: 'finish', reason: 'length' },
      { type: 'usage', usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 } },
    ]);
  });

  it('joins multi-line data fields and reads reasoning_content', async () => {
    const payload = JSON.stringify(
      { choices: [{ index: 0, delta: { reasoning_content: 'think', content: 'say' }, finish_reason: null }] },
      null,
      1,
    );
    const multi =
      payload
        .split('\n')
        .map((l) => `data: ${l}`)
        .join('\n') +
      '\n\n' +
      chunk({}, 'stop');
    const { events } = await collect([multi]);
    assert.deepEqual(events, [
      { type: 'reasoning', text: 'think' },
      { type: 'text', text: 'say' },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('names the field of a chunk that does not fit its schema', async () => {
    const { error } = await collect(['data: {"choices":[{"delta":{"content":42}}]}\n\n']);
    assert.equal(error?.kind, 'bad-response');
    assert.match(error?.path ?? '', /^choices\.0\.delta\.content$/);
  });

  it('stops reading at [DONE] even if the server keeps sending', async () => {
    let pulledAfterDone = 0;
    async function* body(): AsyncGenerator<string> {
      yield chunk({ content: 'a' }) + chunk({}, 'stop') + 'data: [DONE]\n\n';
      pulledAfterDone++;
      yield chunk({ content: 'junk' });
    }
    const events: ChatStreamEvent[] = [];
    for await (const e of parseChatStream(body())) events.push(e);
    assert.equal(pulledAfterDone, 0);
    assert.equal(events.length, 2);
  });

  it('handles one 8 MiB data line delivered in 1,460-byte chunks', async () => {
    const big = 'x'.repeat(8 * 1024 * 1024);
    const bytes = enc.encode(chunk({ content: big }) + chunk({}, 'stop') + 'data: [DONE]\n\n');
    const parts: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += 1460) parts.push(bytes.subarray(i, i + 1460));
    const { events, error } = await collect(parts);
    assert.equal(error, undefined);
    assert.equal(events[0]?.type === 'text' ? events[0].text.length : -1, big.length);
  });

  it('takes a connection drop after the finish reason as a complete answer', async () => {
    // Before: ECONNRESET after finish_reason was thrown as a network error and the answer shown as failed.
    async function* body(): AsyncGenerator<string> {
      yield chunk({ content: 'all of it' }) + chunk({}, 'stop');
      throw new GatewayError({
        kind: 'network',
        code: 'ECONNRESET',
        message: 'Network error: ECONNRESET other side closed',
      });
    }
    const events: ChatStreamEvent[] = [];
    for await (const e of parseChatStream(body())) events.push(e);
    assert.deepEqual(events, [
      { type: 'text', text: 'all of it' },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('still fails a drop before the finish reason, and never hides a cancel', async () => {
    async function* reset(): AsyncGenerator<string> {
      yield chunk({ content: 'half' });
      throw new GatewayError({ kind: 'network', code: 'ECONNRESET', message: 'reset' });
    }
    const events: ChatStreamEvent[] = [];
    await assert.rejects(
      (async () => {
        for await (const e of parseChatStream(reset())) events.push(e);
      })(),
      (e: unknown) => e instanceof GatewayError && e.kind === 'network',
    );
    assert.deepEqual(events, [{ type: 'text', text: 'half' }]);
    async function* cancelled(): AsyncGenerator<string> {
      yield chunk({ content: 'x' }, 'stop');
      throw new GatewayError({ kind: 'aborted', message: 'cancelled' });
    }
    await assert.rejects(
      (async () => {
        for await (const _e of parseChatStream(cancelled())) {
          /* drain */
        }
      })(),
      (e: unknown) => e instanceof GatewayError && e.kind === 'aborted',
    );
  });

  it('ends a stream of keep-alives only with a timeout after the silence limit', async () => {
    // Before: keep-alive comments kept a stream open for as long as the server sent them.
    let pings = 0;
    async function* keepAlives(): AsyncGenerator<string> {
      for (;;) {
        pings++;
        yield ': PING\n\n';
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    await assert.rejects(
      (async () => {
        for await (const _e of parseChatStream(keepAlives(), { silenceMs: 150 })) {
          /* none */
        }
      })(),
      (e: unknown) => {
        assert.ok(e instanceof GatewayError);
        assert.equal(e.kind, 'timeout');
        assert.equal(e.code, 'stream-silent');
        return true;
      },
    );
    assert.ok(pings > 1, 'the pings kept coming, and did not count as data');
  });

  it('does not time out a stream that keeps sending data', async () => {
    async function* slowButSteady(): AsyncGenerator<string> {
      for (let i = 0; i < 8; i++) {
        yield chunk({ content: String(i) });
        await new Promise((r) => setTimeout(r, 30));
      }
      yield chunk({}, 'stop');
    }
    let text = '';
    for await (const e of parseChatStream(slowButSteady(), { silenceMs: 200 })) if (e.type === 'text') text += e.text;
    assert.equal(text, '01234567');
  });

  it('refuses one event over the cap with bad-response / too-large, after what came before', async () => {
    const { events, error } = await (async () => {
      const out: ChatStreamEvent[] = [];
      try {
        for await (const e of parseChatStream(
          chunks([chunk({ content: 'before' }), `data: ${'x'.repeat(5000)}`, '\n\n']),
          { maxEventChars: 4096 },
        ))
          out.push(e);
        return { events: out };
      } catch (e) {
        return { events: out, error: e };
      }
    })();
    assert.deepEqual(events, [{ type: 'text', text: 'before' }]);
    assert.ok(
      error instanceof GatewayError && error.kind === 'bad-response' && error.code === 'too-large',
      String(error),
    );
  });

  it('an event that ends in CR CR at the end of a chunk is delivered at once, even when the next chunk is over the cap', async () => {
    // fuzz counterexample: the trailing CR could be half of a CRLF, so the event was held back and then dropped
    const before = chunk({ content: 'before' }).replace(/\n/g, '\r');
    const out: ChatStreamEvent[] = [];
    let error: unknown;
    try {
      for await (const e of parseChatStream(chunks([before, `:${'k'.repeat(5000)}`, '\r\r']), { maxEventChars: 4096 }))
        out.push(e);
    } catch (e) {
      error = e;
    }
    assert.deepEqual(out, [{ type: 'text', text: 'before' }]);
    assert.ok(error instanceof GatewayError && error.code === 'too-large', String(error));
  });

  it('a CRLF cut between its CR and its LF is one line end, not two', async () => {
    const crlf = chunk({ content: 'a' }).replace(/\n/g, '\r\n') + chunk({}, 'stop').replace(/\n/g, '\r\n');
    const at = crlf.indexOf('\r\n') + 1;
    const { events, error } = await collect([crlf.slice(0, at), crlf.slice(at)]);
    assert.equal(error, undefined);
    assert.deepEqual(events, [
      { type: 'text', text: 'a' },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('an empty chunk between the CR and the LF of a CRLF keeps them one line end (a multi-line data field stays whole)', async () => {
    const parts = [
      'data: {"choices":[{"index":0,"delta":{"content":"x"}\r',
      '',
      '\ndata: ,"finish_reason":"stop"}]}\r\n\r\n',
    ];
    const { events, error } = await collect(parts);
    assert.equal(error, undefined);
    assert.deepEqual(events, [
      { type: 'text', text: 'x' },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('a last event without its blank line still counts', async () => {
    const { events, error } = await collect([chunk({ content: 'a' }), chunk({}, 'stop').trimEnd()]);
    assert.equal(error, undefined);
    assert.deepEqual(events, [
      { type: 'text', text: 'a' },
      { type: 'finish', reason: 'stop' },
    ]);
  });
});
