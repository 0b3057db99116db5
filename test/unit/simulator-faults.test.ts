/* Tests of the gateway simulator over real loopback HTTP (node:test + fetch): fault injection. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as z from 'zod';
import { envelopeSchema } from '../../src/gateway/aihubmix/schemas';
import { fastApiErrorSchema } from '../../src/gateway/aione/schemas';
import { openAiErrorSchema } from '../../src/gateway/openai';
import { startSimulator, type Simulator } from '../simulator/index';
import { call, callAs, clock, json, parse, parseSse, startShared } from './simulator-support';

const openAiError = openAiErrorSchema.extend({ error: z.object({ message: z.string(), code: z.string().nullish() }) });

let sim: Simulator;
let aAuth: Record<string, string>;
let hAuth: Record<string, string>;
before(async () => {
  ({ sim, aAuth, hAuth } = await startShared());
});
after(() => sim.close());

const A = (p: string): string => sim.aione.url + p;
const H = (p: string): string => sim.aihubmix.url + p;

describe('fault injection', () => {
  test('status with Retry-After, in each gateway envelope; times counts down', async () => {
    sim.faults.add({
      gateway: 'aione',
      path: '/api/v1/gateway/*',
      times: 2,
      fault: { kind: 'status', status: 429, retryAfter: 3 },
    });
    assert.equal(sim.faults.list()[0]?.times, 2);
    const r1 = await callAs(fastApiErrorSchema, A('/api/v1/gateway/keys'), { headers: aAuth });
    assert.equal(r1.status, 429);
    assert.equal(r1.headers.get('retry-after'), '3');
    assert.equal(typeof r1.body.detail, 'string');
    assert.equal((await call(A('/api/v1/gateway/keys'), { headers: aAuth })).status, 429);
    assert.equal((await call(A('/api/v1/gateway/keys'), { headers: aAuth })).status, 200);
    assert.equal(sim.faults.list().length, 0);

    sim.faults.add({ gateway: 'aihubmix', method: 'GET', path: '/api/token/', fault: { kind: 'status', status: 503 } });
    const h = await callAs(envelopeSchema, H('/api/token/'), { headers: hAuth });
    assert.equal(h.status, 503);
    assert.equal(h.body.success, false);
    sim.faults.add({ gateway: 'aione', path: '/v1/*', fault: { kind: 'status', status: 502 } });
    const v = await callAs(openAiError, A('/v1/models'), {
      headers: { authorization: `Bearer ${sim.aione.modelKey}` },
    });
    assert.equal(v.status, 502);
    assert.equal(typeof v.body.error.message, 'string');
    assert.equal(sim.requests[sim.requests.length - 1]?.fault, 'status');
  });

  test('latency, hang, reset, malformed JSON, success:false', async () => {
    sim.faults.add({ gateway: 'aione', path: '/api/v1/billing/plan', fault: { kind: 'latency', ms: 150 } });
    const t = Date.now();
    const lat = await call(A('/api/v1/billing/plan'), { headers: aAuth });
    assert.equal(lat.status, 200);
    assert.ok(Date.now() - t >= 140);

    sim.faults.add({ gateway: 'aione', path: '/api/v1/billing/account', fault: { kind: 'hang' } });
    await assert.rejects(
      fetch(A('/api/v1/billing/account'), { headers: aAuth, signal: AbortSignal.timeout(200) }),
      (e: Error) => e.name === 'TimeoutError',
    );

    sim.faults.add({ gateway: 'aihubmix', path: '/api/user/self', fault: { kind: 'reset' } });
    await assert.rejects(fetch(H('/api/user/self'), { headers: hAuth }));

    sim.faults.add({ path: '/api/v1/gateway/keys', fault: { kind: 'malformed-json' } });
    const mal = await fetch(A('/api/v1/gateway/keys'), { headers: aAuth });
    assert.equal(mal.status, 200);
    assert.match(mal.headers.get('content-type') ?? '', /application\/json/);
    await assert.rejects(mal.json());

    // success-false never matches AIone; it waits for the first AIHubMix request
    sim.faults.add({ fault: { kind: 'success-false', message: '系统维护中' } });
    assert.equal((await call(A('/api/v1/billing/plan'), { headers: aAuth })).status, 200);
    const sf = await call(H('/api/token/'), { headers: hAuth });
    assert.equal(sf.status, 200);
    assert.deepEqual(sf.body, { success: false, message: '系统维护中' });
  });

  test('stream faults: truncate, mid-stream error, JSON error instead of stream', async () => {
    const body = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hello' }], stream: true };
    const auth = { authorization: `Bearer ${sim.aione.modelKey}` };
    // stream faults do not match non-stream requests
    sim.faults.add({ gateway: 'aione', fault: { kind: 'truncate-stream', afterChunks: 5 } });
    assert.equal((await call(A('/v1/models'), { headers: auth })).status, 200);
    const tr = parseSse(await (await fetch(A('/v1/chat/completions'), json('POST', body, auth))).text());
    assert.equal(tr.chunks.length, 5);
    assert.ok(!tr.data.includes('[DONE]'));
    assert.ok(tr.chunks.every((c) => c.choices?.[0]?.finish_reason === null));
    assert.equal(sim.streams[sim.streams.length - 1]?.finished, false);

    sim.faults.add({ gateway: 'aihubmix', fault: { kind: 'mid-stream-error', afterChunks: 3, thenDone: true } });
    const me = parseSse(
      await (
        await fetch(H('/v1/chat/completions'), json('POST', body, { authorization: `Bearer ${sim.aihubmix.modelKey}` }))
      ).text(),
    );
    assert.equal(me.chunks.length, 4);
    const midError = me.chunks[3]?.error;
    assert.ok(typeof midError === 'object');
    assert.equal(midError.code, 'bad_response');
    assert.equal(me.data[me.data.length - 1], '[DONE]');

    sim.faults.add({ fault: { kind: 'mid-stream-error', afterChunks: 2 } });
    const me2 = parseSse(await (await fetch(A('/v1/chat/completions'), json('POST', body, auth))).text());
    assert.ok(me2.chunks[2]?.error && !me2.data.includes('[DONE]'));

    sim.faults.add({ fault: { kind: 'json-error-instead-of-stream', status: 503 } });
    const je = await fetch(A('/v1/chat/completions'), json('POST', body, auth));
    assert.equal(je.status, 503);
    assert.match(je.headers.get('content-type') ?? '', /application\/json/);
    const jb = parse(openAiError, await je.json());
    assert.equal(typeof jb.error.message, 'string');
  });

  test('client abort marks closedByClient; keep-alive comments while slow', async () => {
    const slow = await startSimulator({ seed: 5, keyCount: 2, now: clock, streamTokensPerSecond: 40 });
    try {
      const ac = new AbortController();
      const r = await fetch(slow.aione.url + '/v1/chat/completions', {
        ...json(
          'POST',
          { model: 'gpt-4.1', messages: [{ role: 'user', content: 'long answer please' }], stream: true },
          { authorization: `Bearer ${slow.aione.modelKey}` },
        ),
        signal: ac.signal,
      });
      const reader = r.body?.getReader();
      assert.ok(reader);
      let got = '';
      const dec = new TextDecoder();
      const until = Date.now() + 1400;
      while (Date.now() < until) {
        const { value, done } = await reader.read();
        if (done) {
          break;
        }
        got += dec.decode(value, { stream: true });
        if (got.split(': keepalive').length > 2) {
          break; // the opening comment plus one periodic keep-alive
        }
      }
      ac.abort();
      await reader.cancel().catch(() => undefined);
      assert.ok(got.split(': keepalive').length > 2, 'a periodic keep-alive comment arrived');
      const rec = slow.streams[0];
      for (let i = 0; i < 50 && !rec?.closedByClient; i++) {
        await new Promise((res) => setTimeout(res, 20));
      }
      assert.ok(rec);
      assert.equal(rec.closedByClient, true);
      assert.equal(rec.finished, false);
      const sent = rec.chunksSent;
      await new Promise((res) => setTimeout(res, 100));
      assert.equal(rec.chunksSent, sent, 'writing stopped');
    } finally {
      await slow.close();
    }
  });
});
