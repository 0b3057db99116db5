/* Tests of the gateway simulator over real loopback HTTP (node:test + fetch): determinism, variants, 10,000 keys, control routes. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as z from 'zod';
import { tokenSchema } from '../../src/gateway/aihubmix/schemas';
import { invoiceListSchema, keyListSchema, keyResponseSchema } from '../../src/gateway/aione/schemas';
import { startSimulator } from '../simulator/index';
import { call, callAs, clock, envelope, json, NOW, parse } from './simulator-support';

/** new-api's page object, as the client reads it (its items with the client's token schema). */
const tokenPage = z.object({ items: z.array(tokenSchema), page: z.number(), page_size: z.number(), total: z.number() });
/** What the simulator's control routes answer (no client reads them). */
const simState = z.object({ aione: z.object({ keys: z.number() }), aihubmix: z.object({ keys: z.number() }) });
const simKeys = z.object({ items: z.array(z.object({ secret: z.string().optional(), key: z.string().optional() })) });
const simRequests = z.array(
  z.object({
    method: z.string(),
    path: z.string(),
    status: z.number().optional(),
    headers: z.record(z.string(), z.string()),
    body: z.unknown().optional(),
  }),
);
const simStreams = z.array(z.object({ finished: z.boolean() }));

describe('determinism, variants, 10k keys, control routes', () => {
  test('same seed and clock → same data; another seed → different', async () => {
    const fixed = (): number => NOW;
    const a = await startSimulator({ seed: 7, keyCount: 10, now: fixed });
    const b = await startSimulator({ seed: 7, keyCount: 10, now: fixed });
    const c = await startSimulator({ seed: 8, keyCount: 10, now: fixed });
    try {
      assert.deepEqual(a.state, b.state);
      assert.equal(a.aione.adminToken, b.aione.adminToken);
      assert.notEqual(a.aione.adminToken, c.aione.adminToken);
      const la = await call(a.aione.url + '/api/v1/gateway/keys', {
        headers: { authorization: `Bearer ${a.aione.adminToken}` },
      });
      const lb = await call(b.aione.url + '/api/v1/gateway/keys', {
        headers: { authorization: `Bearer ${b.aione.adminToken}` },
      });
      assert.deepEqual(la.body, lb.body);
      const ha = await call(a.aihubmix.url + '/api/token/?num=100', {
        headers: { authorization: a.aihubmix.accessToken },
      });
      const hb = await call(b.aihubmix.url + '/api/token/?num=100', {
        headers: { authorization: b.aihubmix.accessToken },
      });
      assert.deepEqual(ha.body, hb.body);
      // reset restores the seeded data
      await call(
        a.aione.url + '/api/v1/gateway/keys',
        json('POST', { name: 'temp' }, { authorization: `Bearer ${a.aione.adminToken}` }),
      );
      assert.equal(a.state.aione.keys.length, 11);
      a.reset();
      assert.deepEqual(a.state, b.state);
      assert.equal(a.requests.length, 0);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  test('variants switch the wire shapes', async () => {
    const v = await startSimulator({ seed: 11, keyCount: 30, now: clock, variants: { aioneInvoices: 'wrapped' } });
    try {
      const aa = { authorization: `Bearer ${v.aione.adminToken}` };
      const ha = { authorization: v.aihubmix.accessToken };
      const inv = await callAs(invoiceListSchema, v.aione.url + '/api/v1/billing/invoices?page=1&page_size=5', {
        headers: aa,
      });
      assert.equal(inv.body.total, 14);
      assert.equal(inv.body.items.length, 5);
      v.setVariants({
        aihubmixListShape: 'page-object',
        aihubmixDisabledStatus: 0,
        aihubmixExpiredTime: 'string',
        aihubmixUnlimitedRemain: 'minus-one',
        aioneCreateStatus: 200,
        aioneDeleteStatus: 200,
      });
      const list = await callAs(envelope(tokenPage), v.aihubmix.url + '/api/token/?p=1&num=10', { headers: ha });
      assert.deepEqual(Object.keys(parse(envelope(z.record(z.string(), z.unknown())), list.raw).data).sort(), [
        'items',
        'page',
        'page_size',
        'total',
      ]);
      assert.equal(list.body.data.total, 30);
      assert.equal(list.body.data.items.length, 10);
      const allRes = await callAs(envelope(tokenPage), v.aihubmix.url + '/api/token/?num=100', { headers: ha });
      const all = allRes.body.data.items;
      assert.ok(all.some((t) => t.status === 0));
      assert.ok(!all.some((t) => t.status === 2));
      // on the wire (the client's schema reads a string of digits as the number)
      assert.ok(
        parse(
          envelope(z.object({ items: z.array(z.object({ expired_time: z.unknown() })) })),
          allRes.raw,
        ).data.items.every((t) => typeof t.expired_time === 'string'),
      );
      assert.ok(all.filter((t) => t.unlimited_quota).every((t) => t.remain_quota === -1));
      const c = await callAs(keyResponseSchema, v.aione.url + '/api/v1/gateway/keys', json('POST', { name: 'v' }, aa));
      assert.equal(c.status, 200);
      const d = await call(v.aione.url + `/api/v1/gateway/keys/${c.body.id}`, { method: 'DELETE', headers: aa });
      assert.equal(d.status, 200);
      assert.deepEqual(d.body, { ok: true });
      v.setVariants({ aihubmixListShape: 'items' });
      assert.deepEqual(
        Object.keys(
          parse(
            envelope(z.object({ items: z.array(tokenSchema) }).loose()),
            (await call(v.aihubmix.url + '/api/token/', { headers: ha })).raw,
          ).data,
        ),
        ['items'],
      );
      assert.throws(() => v.setVariants({ aioneCreateStatus: 202 as 201 }));
    } finally {
      await v.close();
    }
  });

  test('10,000 keys: fast start, correct paging on both gateways', async () => {
    const t = Date.now();
    const big = await startSimulator({ seed: 42, keyCount: 10_000, now: clock });
    const startMs = Date.now() - t;
    try {
      assert.ok(startMs < 3000, `started in ${startMs} ms`);
      const aa = { authorization: `Bearer ${big.aione.adminToken}` };
      const first = await callAs(keyListSchema, big.aione.url + '/api/v1/gateway/keys?page=1&page_size=100', {
        headers: aa,
      });
      assert.equal(first.body.total, 10_000);
      const last = await callAs(keyListSchema, big.aione.url + '/api/v1/gateway/keys?page=100&page_size=100', {
        headers: aa,
      });
      assert.equal(last.body.items.length, 100);
      const beyond = await callAs(keyListSchema, big.aione.url + '/api/v1/gateway/keys?page=101&page_size=100', {
        headers: aa,
      });
      assert.equal(beyond.body.items.length, 0);
      const ids = new Set([...first.body.items, ...last.body.items].map((k) => k.id));
      assert.equal(ids.size, 200);
      const ha = { authorization: big.aihubmix.accessToken };
      const tokens = envelope(z.array(tokenSchema));
      const h0 = await callAs(tokens, big.aihubmix.url + '/api/token/?p=0&num=100', { headers: ha });
      const h99 = await callAs(tokens, big.aihubmix.url + '/api/token/?p=99&num=100', { headers: ha });
      const h100 = await callAs(tokens, big.aihubmix.url + '/api/token/?p=100&num=100', { headers: ha });
      assert.equal(h0.body.data.length, 100);
      assert.equal(h99.body.data.length, 100);
      assert.equal(h100.body.data.length, 0);
      assert.ok(h0.body.data[0]!.id > h99.body.data[99]!.id);
      assert.ok(big.state.aione.usage.length < 40_000, 'usage stays compact');
    } finally {
      await big.close();
    }
  });

  test('HTTP control routes', async () => {
    const c = await startSimulator({ seed: 9, keyCount: 5, now: clock, streamTokensPerSecond: 0 });
    try {
      const ctl = (p: string): string => c.aihubmix.url + p;
      const add = await call(
        ctl('/__sim/faults'),
        json('POST', { gateway: 'aione', path: '/api/v1/billing/plan', fault: { kind: 'status', status: 500 } }),
      );
      assert.equal(add.status, 200);
      assert.equal(c.faults.list()[0]?.times, 1);
      const aa = { authorization: `Bearer ${c.aione.adminToken}` };
      assert.equal((await call(c.aione.url + '/api/v1/billing/plan', { headers: aa })).status, 500);
      assert.equal((await call(c.aione.url + '/api/v1/billing/plan', { headers: aa })).status, 200);
      await call(ctl('/__sim/faults'), json('POST', { fault: { kind: 'hang' }, times: 'Infinity' }));
      assert.equal(c.faults.list()[0]?.times, Infinity);
      assert.equal((await call(ctl('/__sim/faults'), { method: 'DELETE' })).status, 200);
      assert.equal(c.faults.list().length, 0);
      assert.equal((await call(ctl('/__sim/faults'), json('POST', { fault: { kind: 'nope' } }))).status, 400);

      const st = await callAs(simState, c.aione.url + '/__sim/state');
      assert.equal(st.body.aione.keys, 5);
      assert.equal(st.body.aihubmix.keys, 5);
      const keys = await callAs(simKeys, ctl('/__sim/keys?gateway=aione'));
      assert.equal(keys.body.items.length, 5);
      assert.ok(keys.body.items.some((k) => k.secret === c.aione.modelKey));
      const hk = await callAs(simKeys, ctl('/__sim/keys?gateway=aihubmix'));
      assert.ok(hk.body.items.some((k) => k.key !== undefined && `sk-${k.key}` === c.aihubmix.modelKey));

      await call(c.aione.url + '/api/v1/gateway/keys', json('POST', { name: 'ctl' }, aa));
      const reqs = await callAs(simRequests, ctl('/__sim/requests'));
      const post = reqs.body.find((r) => r.method === 'POST' && r.path === '/api/v1/gateway/keys');
      assert.ok(post);
      assert.equal(post.headers.authorization, 'Bearer ***');
      assert.deepEqual(post.body, { name: 'ctl' });
      assert.equal(post.status, 201);
      assert.ok(!JSON.stringify(reqs.body).includes(c.aione.adminToken));

      await fetch(
        c.aione.url + '/v1/chat/completions',
        json(
          'POST',
          { model: 'gpt-4.1', messages: [{ role: 'user', content: 'x' }], stream: true },
          { authorization: `Bearer ${c.aione.modelKey}` },
        ),
      ).then((r) => r.text());
      const streams = await callAs(simStreams, ctl('/__sim/streams'));
      assert.equal(streams.body.length, 1);
      assert.equal(streams.body[0]?.finished, true);

      const reset = await call(ctl('/__sim/reset'), { method: 'POST' });
      assert.equal(reset.status, 200);
      assert.equal(c.state.aione.keys.length, 5);
      assert.equal(c.requests.length, 0);
      assert.equal((await call(ctl('/__sim/variants'), json('POST', { aihubmixListShape: 'items' }))).status, 200);
    } finally {
      await c.close();
    }
  });

  test('close() ends hung requests', async () => {
    const c = await startSimulator({ seed: 1, keyCount: 2, now: clock });
    c.faults.add({ fault: { kind: 'hang' }, times: Infinity });
    const pending = fetch(c.aione.url + '/api/v1/billing/plan').then(
      () => 'answered',
      () => 'rejected',
    );
    await new Promise((r) => setTimeout(r, 50));
    const t = Date.now();
    await c.close();
    assert.equal(await pending, 'rejected');
    assert.ok(Date.now() - t < 1000);
  });
});
