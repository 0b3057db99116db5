/**
 * Property tests of the SSE chat parser: random streams (text, reasoning and tool-call deltas, comments, ids,
 * multi-line data, LF / CRLF / CR line ends) cut into random byte chunks — also inside a UTF-8 character — give
 * exactly the events they encode; `[DONE]` anywhere ends the stream there; an event over the cap is a clear
 * too-large error after the events before it; any bytes at all end in events or a GatewayError, nothing else.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ChatStreamEvent } from '../../src/core/types';
import { GatewayError } from '../../src/gateway/errors';
import { parseChatStream } from '../../src/gateway/sse';

const enc = new TextEncoder();

/** One thing a stream may carry, with the events it must produce. */
interface Item {
  readonly wire: (eol: string) => string;
  readonly events: readonly ChatStreamEvent[];
}

const text = fc
  .array(
    fc.constantFrom(
      'a',
      'Z',
      ' ',
      '0',
      '你',
      '好',
      '🌏',
      '👩‍💻',
      'é',
      '\n',
      '\r',
      '"',
      '\\',
      '</',
      '\u2028',
      ':',
      'data: ',
      '[DONE]',
    ),
    { maxLength: 16, size: 'max' },
  )
  .map((parts) => parts.join(''));

const chunkJson = (delta: Record<string, unknown>, finish: string | null = null): string =>
  JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] });

/** A data event, written on one line or pretty-printed across several data lines. */
const dataEvent = (json: string, multiLine: boolean, eol: string): string => {
  const body = multiLine ? JSON.stringify(JSON.parse(json), null, 1) : json;
  return `${body
    .split('\n')
    .map((l) => `data: ${l}`)
    .join(eol)}${eol}${eol}`;
};

const contentItem: fc.Arbitrary<Item> = fc.tuple(text, fc.boolean()).map(([t, multi]) => ({
  wire: (eol) => dataEvent(chunkJson({ content: t }), multi, eol),
  events: t ? [{ type: 'text', text: t }] : [],
}));

const reasoningItem: fc.Arbitrary<Item> = fc.tuple(text, fc.boolean()).map(([t, multi]) => ({
  wire: (eol) => dataEvent(chunkJson({ reasoning_content: t }), multi, eol),
  events: t ? [{ type: 'reasoning', text: t }] : [],
}));

const toolItem: fc.Arbitrary<Item> = fc.tuple(fc.integer({ min: 0, max: 3 }), text).map(([index, args]) => ({
  wire: (eol) => dataEvent(chunkJson({ tool_calls: [{ index, function: { arguments: args } }] }), false, eol),
  events: [{ type: 'tool-call', index, argumentsDelta: args }],
}));

const noiseItem: fc.Arbitrary<Item> = fc.constantFrom(
  { wire: (eol: string) => `: ping${eol}${eol}`, events: [] },
  { wire: (eol: string) => `:${eol}`, events: [] },
  { wire: (eol: string) => `: keep-alive ${'x'.repeat(40)}${eol}${eol}`, events: [] },
  { wire: (eol: string) => `id: 42${eol}`, events: [] },
  { wire: (eol: string) => `retry: 1000${eol}`, events: [] },
  { wire: (eol: string) => `data: ${eol}${eol}`, events: [] },
  { wire: (eol: string) => `${eol}`, events: [] },
);

const item = fc.oneof(
  { arbitrary: contentItem, weight: 5 },
  { arbitrary: reasoningItem, weight: 1 },
  { arbitrary: toolItem, weight: 1 },
  { arbitrary: noiseItem, weight: 3 },
);

const EOLS = ['\n', '\r\n', '\r'] as const;

const finishItem: Item = {
  wire: (eol) => dataEvent(chunkJson({}, 'stop'), false, eol),
  events: [{ type: 'finish', reason: 'stop' }],
};
const usageItem: Item = {
  wire: (eol) =>
    dataEvent(
      JSON.stringify({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 } }),
      false,
      eol,
    ),
  events: [{ type: 'usage', usage: { promptTokens: 3, completionTokens: 5, totalTokens: 8 } }],
};
const doneItem = (eol: string): string => `data: [DONE]${eol}${eol}`;

/** Cuts bytes at the given offsets (sorted, deduplicated), so a cut may fall inside a UTF-8 character or a CRLF. */
function cut(bytes: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((o) => o % Math.max(1, bytes.length)))]
    .filter((o) => o > 0)
    .sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    parts.push(bytes.slice(prev, p));
    prev = p;
  }
  return parts;
}

async function* from(parts: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield p;
}

async function run(
  parts: readonly Uint8Array[],
  maxEventChars?: number,
): Promise<{ events: ChatStreamEvent[]; error?: unknown }> {
  const events: ChatStreamEvent[] = [];
  try {
    for await (const e of parseChatStream(from(parts), maxEventChars === undefined ? {} : { maxEventChars }))
      events.push(e);
    return { events };
  } catch (error) {
    return { events, error };
  }
}

const offsets = fc.array(fc.nat(), { maxLength: 60, size: 'max' });

describe('SSE parser fuzz', () => {
  it('random streams in random chunks give exactly the events they encode', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(item, { maxLength: 25, size: 'max' }),
        fc.constantFrom(...EOLS),
        fc.boolean(),
        fc.boolean(),
        offsets,
        async (items, eol, withDone, withUsage, cuts) => {
          const all = [...items, finishItem, ...(withUsage ? [usageItem] : [])];
          const wire = all.map((i) => i.wire(eol)).join('') + (withDone ? doneItem(eol) : '');
          const { events, error } = await run(cut(enc.encode(wire), cuts));
          assert.equal(error, undefined, String(error));
          assert.deepEqual(
            events,
            all.flatMap((i) => i.events),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('[DONE] anywhere ends the stream there: nothing after it is read or yielded', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(item, { minLength: 1, maxLength: 20, size: 'max' }),
        fc.nat(),
        fc.constantFrom(...EOLS),
        offsets,
        async (items, at, eol, cuts) => {
          const stop = at % (items.length + 1);
          const before = items.slice(0, stop);
          const wire =
            before.map((i) => i.wire(eol)).join('') +
            doneItem(eol) +
            items
              .slice(stop)
              .map((i) => i.wire(eol))
              .join('') +
            finishItem.wire(eol);
          const { events, error } = await run(cut(enc.encode(wire), cuts));
          assert.equal(error, undefined, String(error));
          assert.deepEqual(
            events,
            before.flatMap((i) => i.events),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a stream cut before its finish reason is truncated, after yielding everything before the cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(contentItem, { minLength: 1, maxLength: 10, size: 'max' }),
        fc.constantFrom(...EOLS),
        offsets,
        async (items, eol, cuts) => {
          const wire = items.map((i) => i.wire(eol)).join('');
          const { events, error } = await run(cut(enc.encode(wire), cuts));
          assert.ok(
            error instanceof GatewayError && error.kind === 'network' && error.code === 'truncated',
            String(error),
          );
          assert.deepEqual(
            events,
            items.flatMap((i) => i.events),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('an event over the cap is bad-response / too-large, after the events before it; one under the cap passes', async () => {
    const cap = 4096;
    await fc.assert(
      fc.asyncProperty(
        fc.array(contentItem, { maxLength: 5, size: 'max' }),
        fc.integer({ min: 1, max: 3 * cap }),
        fc.constantFrom(...EOLS),
        fc.boolean(),
        offsets,
        async (items, size, eol, comment, cuts) => {
          // The big line is a comment (a keep-alive gone wrong) or a data line: either way it is buffered whole.
          const big = comment
            ? `:${'k'.repeat(size)}${eol}${eol}`
            : dataEvent(chunkJson({ content: 'y'.repeat(size) }), false, eol);
          // what the cap counts: a comment's whole line, a data event's value (without its `data: ` field name)
          const bigChars = comment ? size + 1 : big.length - 2 * eol.length - 'data: '.length;
          const wire = items.map((i) => i.wire(eol)).join('') + big + finishItem.wire(eol);
          const { events, error } = await run(cut(enc.encode(wire), cuts), cap);
          const before = items.flatMap((i) => i.events);
          const tooLarge = error instanceof GatewayError && error.kind === 'bad-response' && error.code === 'too-large';
          if (tooLarge) {
            assert.deepEqual(events.slice(0, before.length), before);
            assert.ok(
              events.every((e) => e.type !== 'finish'),
              'nothing after the oversized event',
            );
          }
          if (bigChars > cap && !comment) {
            // A data event over the cap always fails; a comment is never kept, so only one buffered across chunks does.
            assert.ok(tooLarge, String(error));
          } else if (bigChars < cap - 64) {
            assert.equal(error, undefined, String(error));
            assert.deepEqual(events, [
              ...before,
              ...(comment ? [] : [{ type: 'text', text: 'y'.repeat(size) }]),
              { type: 'finish', reason: 'stop' },
            ]);
          } else {
            assert.ok(error === undefined || tooLarge, String(error));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('any bytes at all end in events or a GatewayError, never another exception', async () => {
    const piece = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc
        .constantFrom(
          'data: ',
          'data: [DONE]',
          '\n',
          '\r\n',
          '\r',
          ': x',
          'event: error',
          '{"choices":[',
          '{"error":',
          '"}',
          'null',
          '\u00e9',
          '🌏',
        )
        .map((s) => enc.encode(s)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 40, size: 'max' }), async (pieces) => {
        const { error } = await run(pieces);
        assert.ok(error === undefined || error instanceof GatewayError, String(error));
      }),
      { numRuns: 300 },
    );
  });
});
