/**
 * Time to first token (reported, never asserted): from the call to the first text delta, through our client
 * (`gateway.streamChat`: undici + SSE parser + schema checks) and through a bare undici stream of the same request
 * (its own keep-alive Agent, a plain split on blank lines, JSON.parse), against the simulator in its own process on
 * loopback, streaming as fast as the socket takes it. Median of many interleaved pairs (the order alternates, so
 * neither side always runs on a warmer machine). Budget: ours ≤ bare + 1 ms. Both read every answer to its end, so
 * each next request reuses a kept-alive connection.
 */
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { createGateway } from '../../src/gateway/index';
import type { ChatRequest } from '../../src/core/types';
import { median, report } from './report';
import { startSimProcess } from './sim-process';

const PAIRS = Number(process.env.AGC_TTFT_PAIRS ?? 300);

async function main(): Promise<void> {
  const sim = await startSimProcess({ rate: 0 });
  const { url, adminToken, modelKey } = sim.info.aione;
  const gw = createGateway({
    kind: 'aione',
    baseUrl: url,
    getToken: () => Promise.resolve(adminToken),
    label: 'bench',
  });
  const agent = new Agent({ keepAliveTimeout: 10_000 });
  const req: ChatRequest = {
    model: 'gpt-4.1',
    messages: [{ role: 'user', content: 'What is the time to first token?' }],
  };
  const body = JSON.stringify({
    model: req.model,
    messages: req.messages,
    stream: true,
    stream_options: { include_usage: true },
  });

  /** ms to the first text delta through our client; the rest of the answer is read (not timed). */
  const ours = async (): Promise<number> => {
    const t0 = performance.now();
    let first = NaN;
    for await (const e of gw.streamChat(req, { apiKey: modelKey })) {
      if (e.type === 'text' && Number.isNaN(first)) first = performance.now() - t0;
    }
    return first;
  };

  /** The same request with undici alone. */
  const bare = async (): Promise<number> => {
    const t0 = performance.now();
    let first = NaN;
    const res = await request(`${url}/v1/chat/completions`, {
      method: 'POST',
      dispatcher: agent,
      headers: { authorization: `Bearer ${modelKey}`, 'content-type': 'application/json', accept: 'text/event-stream' },
      body,
    });
    const dec = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body) {
      if (!Number.isNaN(first)) continue;
      buf += dec.decode(chunk as Uint8Array, { stream: true });
      let at: number;
      while ((at = buf.indexOf('\n\n')) >= 0) {
        const event = buf.slice(0, at);
        buf = buf.slice(at + 2);
        if (!event.startsWith('data: ') || event === 'data: [DONE]') continue;
        const j = JSON.parse(event.slice(6)) as { choices?: Array<{ delta?: { content?: string | null } }> };
        if (j.choices?.[0]?.delta?.content) {
          first = performance.now() - t0;
          break;
        }
      }
    }
    return first;
  };

  try {
    for (let i = 0; i < 30; i++) {
      await ours();
      await bare();
    }
    const a: number[] = [];
    const b: number[] = [];
    const diff: number[] = [];
    for (let i = 0; i < PAIRS; i++) {
      let x: number;
      let y: number;
      if (i % 2 === 0) {
        x = await ours();
        y = await bare();
      } else {
        y = await bare();
        x = await ours();
      }
      if (Number.isNaN(x) || Number.isNaN(y)) throw new Error('a stream carried no text');
      a.push(x);
      b.push(y);
      diff.push(x - y);
    }
    const mo = median(a);
    const mb = median(b);
    report({
      id: 'ttft.loopback',
      what: 'time to first token, our client (streamChat), loopback simulator',
      value: mo,
      unit: 'ms',
      budget: '≤ bare undici + 1 ms',
      ok: mo <= mb + 1,
      baseline: `bare undici stream ${mb.toFixed(2)} ms`,
      note: `median of ${PAIRS} interleaved pairs; median per-pair difference ${median(diff).toFixed(3)} ms`,
    });
  } finally {
    await gw.dispose();
    await agent.close();
    await sim.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
