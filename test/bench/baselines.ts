/** Baselines and timing shared by the benchmarks (reported, never asserted). */
import { performance } from 'node:perf_hooks';
import { parseChatStream } from '../../src/gateway/sse';
import { median } from './report';

const enc = new TextEncoder();

/** A chat stream whose first event carries `bytes` characters of content on one line, cut into 1,460-byte reads (a TCP segment). */
export function sseStream(bytes: number): Uint8Array[] {
  const content = 'x'.repeat(bytes);
  const text =
    `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n` +
    `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`;
  const all = enc.encode(text);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < all.length; i += 1460) parts.push(all.subarray(i, i + 1460));
  return parts;
}

/** Our parser (src/gateway/sse.ts) over the reads; returns the characters of content. */
export async function ourSseContent(parts: readonly Uint8Array[]): Promise<number> {
  async function* body(): AsyncGenerator<Uint8Array> {
    for (const p of parts) yield p;
  }
  let n = 0;
  for await (const e of parseChatStream(body())) if (e.type === 'text') n += e.text.length;
  return n;
}

/**
 * The naive SSE baseline: the hand-written splitter many clients ship (`buf += chunk; split('\n');
 * keep the last piece`), which re-scans the whole pending line on every chunk. Returns the characters of content.
 */
export function naiveSseContent(parts: readonly Uint8Array[]): number {
  const dec = new TextDecoder();
  let buf = '';
  let n = 0;
  for (const p of parts) {
    buf += dec.decode(p, { stream: true });
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('data: ')) continue;
      const data = line.slice(6);
      if (data === '[DONE]') continue;
      const j = JSON.parse(data) as { choices: Array<{ delta: { content?: string } }> };
      n += j.choices[0]?.delta.content?.length ?? 0;
    }
  }
  return n;
}

/** The median time of `runs` runs of `fn`, in ms. */
export async function timeMedian(fn: () => Promise<unknown> | unknown, runs: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}
