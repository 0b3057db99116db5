/**
 * Benchmarks of the gateway layer (the budgets of the design), each figure reported (test/bench/report.ts) beside its
 * baseline measured in the same run. Reported, never asserted: `npm run bench`, or alone
 * `node out/test/bench/gateway.bench.js` after `npm run build`.
 *
 *  - sse.8mib / sse.linear: one 8 MiB data line in 1,460-byte chunks through our parser (budget ≤ 50 ms), and
 *    the 16 MiB / 8 MiB time ratio (budget ≤ 2.2×); baseline: a naive parser that re-scans its whole buffer for
 *    a line end on every chunk (the quadratic mistake), on 1 MiB where it still finishes.
 *  - client.overhead (AIone) and client.overhead.aihubmix: list 50 keys through our client (undici + zod +
 *    mapping) vs a bare undici request + JSON.parse of the same URL on loopback, the simulator in its own process
 *    (budget ≤ 1.2×), interleaved
 *    pairs; the note carries what one page costs on the client, part by part (JSON.parse, schema, mapping),
 *    timed in-process on the same body.
 */
import { performance } from 'node:perf_hooks';
import { request as undiciRequest } from 'undici';
import { createGateway, type DisposableGateway } from '../../src/gateway/index';
import { keyListSchema } from '../../src/gateway/aione/schemas';
import { mapAioneKey } from '../../src/gateway/aione/mapping';
import { parseTokenList } from '../../src/gateway/aihubmix/schemas';
import { mapToken } from '../../src/gateway/aihubmix/mapping';
import { naiveSseContent as naive, ourSseContent as ours, sseStream, timeMedian as time } from './baselines';
import { median, report } from './report';
import { startSimProcess, type SimProcess } from './sim-process';

/** Median µs of a synchronous step, after a warm-up. */
function micro(fn: () => unknown, runs = 400): number {
  for (let i = 0; i < 100; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return median(samples) * 1000;
}

interface OverheadCase {
  readonly id: string;
  readonly label: string;
  readonly gw: DisposableGateway;
  readonly url: string;
  readonly auth: string;
  /** schema and mapping of one page, each timed on its own (µs) */
  readonly parts: (text: string) => { schema: number; mapping: number };
}

async function overhead(c: OverheadCase, log: (line: string) => void): Promise<void> {
  const bare = async (): Promise<void> => {
    const res = await undiciRequest(c.url, { headers: { authorization: c.auth } });
    JSON.parse(await res.body.text());
  };
  const client = async (): Promise<void> => {
    await c.gw.listKeys({ page: 0, pageSize: 50 });
  };
  for (let i = 0; i < 50; i++) {
    await bare();
    await client();
  }
  // interleaved pairs so both see the same machine state; the median of per-call times resists noise
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
  const mc = median(tc);
  const mb = median(tb);
  const ratio = mc / mb;
  const text = await (await undiciRequest(c.url, { headers: { authorization: c.auth } })).body.text();
  const parse = micro(() => JSON.parse(text));
  const { schema, mapping } = c.parts(text);
  report(
    {
      id: c.id,
      what: `List 50 keys through our client (${c.label}) vs a bare request, loopback simulator`,
      value: ratio,
      unit: '×',
      budget: '≤ 1.2×',
      ok: ratio <= 1.2,
      baseline: `bare undici request + JSON.parse ${mb.toFixed(3)} ms/call, our client ${mc.toFixed(3)} ms/call`,
      note: `median of ${rounds} interleaved pairs; one page (${(text.length / 1024).toFixed(1)} KB) on the client: JSON.parse ${parse.toFixed(0)} µs, schema ${schema.toFixed(0)} µs, mapping ${mapping.toFixed(0)} µs`,
    },
    log,
  );
}

export async function runGatewayBench(log: (line: string) => void = console.log): Promise<void> {
  // --- SSE parsing
  const one = sseStream(8 * 1024 * 1024);
  const two = sseStream(16 * 1024 * 1024);
  await ours(one); // warm-up
  const t1 = await time(() => ours(one), 5);
  const t2 = await time(() => ours(two), 5);
  // The naive splitter is quadratic on one long line: compare both on 1 MiB, where it still finishes.
  const small = sseStream(1024 * 1024);
  const o1 = await time(() => ours(small), 5);
  const n1 = await time(() => naive(small), 3);
  report(
    {
      id: 'sse.8mib',
      what: 'SSE parse, one 8 MiB data line in 1,460-byte chunks',
      value: t1,
      unit: 'ms',
      budget: '≤ 50 ms',
      ok: t1 <= 50,
      baseline: `on 1 MiB: naive split-per-chunk ${n1.toFixed(1)} ms, ours ${o1.toFixed(1)} ms`,
      note: 'median of 5',
    },
    log,
  );
  report(
    {
      id: 'sse.linear',
      what: 'SSE parse, 16 MiB / 8 MiB time ratio',
      value: t2 / t1,
      unit: '×',
      budget: '≤ 2.2×',
      ok: t2 / t1 <= 2.2,
      baseline: `8 MiB ${t1.toFixed(1)} ms, 16 MiB ${t2.toFixed(1)} ms`,
    },
    log,
  );

  // --- client overhead on loopback, the simulator in a process of its own (as a gateway is): its work for each
  // answer is then on neither side of the comparison, nor its garbage in this process's collections
  const proc: SimProcess = await startSimProcess({ seed: 1 });
  const sim = proc.info;
  const aione = createGateway({
    kind: 'aione',
    baseUrl: sim.aione.url,
    getToken: () => Promise.resolve(sim.aione.adminToken),
  });
  const hub = createGateway({
    kind: 'aihubmix',
    baseUrl: sim.aihubmix.url,
    getToken: () => Promise.resolve(sim.aihubmix.accessToken),
  });
  try {
    await overhead(
      {
        id: 'client.overhead',
        label: 'AIone',
        gw: aione,
        url: `${sim.aione.url}/api/v1/gateway/keys?page=1&page_size=50`,
        auth: `Bearer ${sim.aione.adminToken}`,
        parts: (text) => {
          const json: unknown = JSON.parse(text);
          const list = keyListSchema.parse(json);
          return {
            schema: micro(() => keyListSchema.parse(json)),
            mapping: micro(() => list.items.map((k) => mapAioneKey(k, 0))),
          };
        },
      },
      log,
    );
    await overhead(
      {
        id: 'client.overhead.aihubmix',
        label: 'AIHubMix',
        gw: hub,
        url: `${sim.aihubmix.url}/api/token/?p=0&num=50`,
        auth: `Bearer ${sim.aihubmix.accessToken}`,
        parts: (text) => {
          const data = (JSON.parse(text) as { data: unknown }).data;
          const list = parseTokenList(data, 'bench', 'list keys');
          return {
            schema: micro(() => parseTokenList(data, 'bench', 'list keys')),
            mapping: micro(() => list.items.map((r) => mapToken(r.token, 0, r.raw))),
          };
        },
      },
      log,
    );
  } finally {
    await aione.dispose();
    await hub.dispose();
    await proc.close();
  }
}

if (require.main === module) {
  runGatewayBench().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
