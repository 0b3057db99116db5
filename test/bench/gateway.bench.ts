/**
 * Benchmarks of the gateway layer (DESIGN.md §5), each figure printed beside its baseline measured
 * in the same run. Reported, never asserted: `npm run bench`.
 *
 *  - SSE parsing: one 8 MiB data line in 1,460-byte chunks through our parser (budget ≤ 50 ms),
 *    and the 2× input ratio (budget ≤ 2.2×); baseline: a naive parser that re-scans its whole
 *    buffer for a blank line on every chunk (the quadratic mistake).
 *  - Client overhead: list keys through our client (undici + zod + mapping) vs a bare undici
 *    request + JSON.parse of the same URL on loopback (budget ≤ 1.2×).
 */
import { performance } from 'node:perf_hooks';
import { request as undiciRequest } from 'undici';
import { parseChatStream } from '../../src/gateway/sse';
import { createGateway } from '../../src/gateway/index';
import { startSimulator } from '../simulator/index';

const enc = new TextEncoder();

function bigStream(mib: number): Uint8Array[] {
  const content = 'x'.repeat(mib * 1024 * 1024);
  const text =
    `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n` +
    `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`;
  const bytes = enc.encode(text);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 1460) parts.push(bytes.subarray(i, i + 1460));
  return parts;
}

async function ours(parts: readonly Uint8Array[]): Promise<number> {
  async function* body(): AsyncGenerator<Uint8Array> {
    for (const p of parts) yield p;
  }
  let n = 0;
  for await (const e of parseChatStream(body())) if (e.type === 'text') n += e.text.length;
  return n;
}

/**
 * The naive baseline: the hand-written splitter many clients ship (`buf += chunk; split('\n');
 * keep the last piece`), which re-scans the whole pending line on every chunk.
 */
function naive(parts: readonly Uint8Array[]): number {
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

async function time<T>(fn: () => Promise<T> | T, runs: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? NaN;
}

const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;

export async function runGatewayBench(log: (line: string) => void = console.log): Promise<void> {
  // --- SSE parsing
  const one = bigStream(8);
  const two = bigStream(16);
  await ours(one); // warm-up
  const t1 = await time(() => ours(one), 5);
  const t2 = await time(() => ours(two), 5);
  log(`SSE parse, one 8 MiB line in 1,460-byte chunks: ours ${fmt(t1)} (budget ≤ 50 ms)`);
  // The naive splitter is quadratic on one long line: compare both on 1 MiB, where it still finishes.
  const small = bigStream(1);
  const o1 = await time(() => ours(small), 5);
  const n1 = await time(() => naive(small), 3);
  log(`SSE parse, one 1 MiB line in 1,460-byte chunks: ours ${fmt(o1)} | naive split-per-chunk baseline ${fmt(n1)}`);
  log(`SSE parse, 16 MiB / 8 MiB time ratio: ours ${(t2 / t1).toFixed(2)}× (budget ≤ 2.2×)`);

  // --- client overhead on loopback
  const sim = await startSimulator({ seed: 1 });
  const gw = createGateway({ kind: 'aione', baseUrl: sim.aione.url, getToken: () => Promise.resolve(sim.aione.adminToken) });
  const url = `${sim.aione.url}/api/v1/gateway/keys?page=1&page_size=50`;
  const bare = async (): Promise<void> => {
    const res = await undiciRequest(url, { headers: { authorization: `Bearer ${sim.aione.adminToken}` } });
    JSON.parse(await res.body.text());
  };
  const client = async (): Promise<void> => {
    await gw.listKeys({ page: 0, pageSize: 50 });
  };
  for (let i = 0; i < 30; i++) {
    await bare();
    await client();
  }
  // interleaved pairs so both see the same machine state; the median of per-pair times resists noise
  const rounds = 600;
  const tb: number[] = [];
  const tc: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let t0 = performance.now();
    await bare();
    tb.push(performance.now() - t0);
    t0 = performance.now();
    await client();
    tc.push(performance.now() - t0);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const mc = median(tc);
  const mb = median(tb);
  log(`List 50 keys on loopback (median of ${rounds}): our client ${mc.toFixed(3)} ms/call | bare undici + JSON.parse ${mb.toFixed(3)} ms/call | ratio ${(mc / mb).toFixed(2)}× (budget ≤ 1.2×)`);
  await gw.dispose();
  await sim.close();
}

if (require.main === module) {
  runGatewayBench().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
