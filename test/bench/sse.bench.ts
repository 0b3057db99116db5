/**
 * SSE parsing (reported, never asserted): one 8 MiB data line delivered in 1,460-byte chunks (a TCP segment's
 * payload) through our chat-stream parser, and the time ratio of 16 MiB to 8 MiB (linear ≤ 2.2×). Baselines in the
 * same run: the floor (eventsource-parser + TextDecoder + JSON.parse, none of our checks) on the same input, and the
 * naive splitter many clients ship (`buf += chunk; split('\n')`), whose 2×-input ratio shows the quadratic cost — on
 * 0.5 and 1 MiB, where it still finishes.
 */
import { createParser } from 'eventsource-parser';
import { naiveSseContent as naive, ourSseContent as ours, sseStream, timeMedian as time } from './baselines';
import { report } from './report';

/** The floor: the same event parser and decoder with no schema, no events, no checks. */
async function floor(parts: readonly Uint8Array[]): Promise<number> {
  async function* body(): AsyncGenerator<Uint8Array> {
    for (const p of parts) yield p;
  }
  const dec = new TextDecoder();
  let n = 0;
  const parser = createParser({
    onEvent: (e) => {
      if (e.data === '[DONE]') return;
      const j = JSON.parse(e.data) as { choices: Array<{ delta: { content?: string } }> };
      n += j.choices[0]?.delta.content?.length ?? 0;
    },
    maxBufferSize: 64 * 1024 * 1024,
  });
  for await (const p of body()) parser.feed(dec.decode(p, { stream: true }));
  return n;
}

async function main(): Promise<void> {
  const MiB = 1024 * 1024;
  const eight = sseStream(8 * MiB);
  const sixteen = sseStream(16 * MiB);
  if ((await ours(eight)) !== 8 * MiB) throw new Error('our parser lost text');
  if ((await floor(eight)) !== 8 * MiB) throw new Error('the floor lost text');
  const t8 = await time(() => ours(eight), 7);
  const t16 = await time(() => ours(sixteen), 5);
  const f8 = await time(() => floor(eight), 7);
  report({
    id: 'sse.8mib',
    what: 'SSE: one 8 MiB data line in 1,460-byte chunks, our parser',
    value: t8,
    unit: 'ms',
    budget: '≤ 50 ms',
    ok: t8 <= 50,
    baseline: `floor (eventsource-parser + JSON.parse, no checks) ${f8.toFixed(1)} ms; anchor undici EventSource 42 ms`,
    note: 'median of 7',
  });

  const half = sseStream(MiB / 2);
  const one = sseStream(MiB);
  naive(half);
  const n05 = await time(() => naive(half), 3);
  const n1 = await time(() => naive(one), 3);
  const o1 = await time(() => ours(one), 5);
  report({
    id: 'sse.linearity',
    what: 'SSE: time for 16 MiB / time for 8 MiB, our parser',
    value: t16 / t8,
    unit: '×',
    budget: '≤ 2.2×',
    ok: t16 / t8 <= 2.2,
    baseline: `naive split-per-chunk 1 MiB / 0.5 MiB ${(n1 / n05).toFixed(2)}× (${n05.toFixed(0)} → ${n1.toFixed(0)} ms)`,
    note: `16 MiB ${t16.toFixed(1)} ms; at 1 MiB ours ${o1.toFixed(1)} ms vs naive ${n1.toFixed(0)} ms`,
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
