/**
 * The AIHubMix adapter through a scripted transport: what each call puts on the wire (method, path, query, headers,
 * body) in each dialect, and what it returns or refuses — the transport's envelope checks, the dialect learnt from
 * the answers, the key calls, the model list and its catalogue, the usage calls and the account.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyInput } from '../../src/core/types';
import { AihubmixGateway } from '../../src/gateway/aihubmix/adapter';
import { AIHUBMIX_CAPABILITIES, NEWAPI_CAPABILITIES } from '../../src/gateway/aihubmix/capabilities';
import { HubmixClient } from '../../src/gateway/aihubmix/client';
import { mapToken } from '../../src/gateway/aihubmix/mapping';
import { AIHUBMIX_DEFAULT_BASE_URL, AIHUBMIX_ROUTES, AIHUBMIX_TOKEN_ORDER } from '../../src/gateway/aihubmix/routes';
import type { Token } from '../../src/gateway/aihubmix/schemas';
import type { GatewayConfig } from '../../src/gateway/gateway';
import { vendorOf } from '../../src/gateway/vendors';
import { scripted, type Script } from './scripted';
import { rejectionOf as fails } from './gateway-error-fixtures';

const NOW = Date.parse('2026-04-01T12:00:00.000Z');
const SEC = Math.floor(NOW / 1000);
const KEY48 = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijkl';
const TOKENS = '/api/token/';

/** A one-api token as the gateway sends it. */
const oneToken = (over: Partial<Token> & Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 7,
  user_id: 1,
  key: KEY48,
  status: 1,
  name: 'ci',
  created_time: SEC - 86_400,
  accessed_time: SEC - 60,
  expired_time: -1,
  remain_quota: 1_000_000,
  unlimited_quota: false,
  used_quota: 250_000,
  models: 'gpt-4o',
  subnet: '',
  ...over,
});

/** A new-api token (masked key, new-api list names). */
const newToken = (over: Record<string, unknown> = {}): Record<string, unknown> => {
  const { models: _m, subnet: _s, ...rest } = oneToken();
  return { ...rest, key: 'AbCd**********ijkl', model_limits_enabled: false, model_limits: '', allow_ips: '', ...over };
};

const ok = (data: unknown) => ({ json: { success: true, message: '', data } });

function gateway(script: Script, config: Partial<GatewayConfig> = {}) {
  const s = scripted(script);
  const gw = new AihubmixGateway(
    {
      kind: 'aihubmix',
      baseUrl: 'https://hub.test/',
      label: 'Hub (T)',
      getToken: () => Promise.resolve('hub-access-token'),
      ...config,
    },
    s.http,
    () => NOW,
  );
  return { gw, s };
}

const query = (r: { search: URLSearchParams }) => Object.fromEntries(r.search);

describe('AIHubMix transport: headers, envelope, dialect', () => {
  it('the base URL loses its trailing slashes; the label defaults to AIHubMix; the default base URL', () => {
    const { http } = scripted();
    const c = new HubmixClient({ kind: 'aihubmix', baseUrl: 'https://hub.test///', getToken: async () => 't' }, http);
    assert.equal(c.baseUrl, 'https://hub.test');
    assert.equal(c.label, 'AIHubMix');
    assert.equal(
      new HubmixClient({ kind: 'aihubmix', baseUrl: 'https://a/b', label: 'L', getToken: async () => 't' }, http).label,
      'L',
    );
    assert.equal(AIHUBMIX_DEFAULT_BASE_URL, 'https://aihubmix.com');
    const { gw } = gateway({});
    assert.equal(gw.kind, 'aihubmix');
    assert.equal(gw.baseUrl, 'https://hub.test');
  });

  it('a management call carries Bearer <token>; raw with rawAuthHeader; APP-Code and a trimmed New-Api-User when set', async () => {
    const self = { [`GET ${AIHUBMIX_ROUTES.self}`]: ok({ id: 3, quota: 0, used_quota: 0 }) };
    const plain = gateway(self);
    await plain.gw.whoAmI();
    assert.deepEqual(plain.s.sent[0]?.headers, { authorization: 'Bearer hub-access-token' });
    assert.equal(plain.s.sent[0]?.url, 'https://hub.test/api/user/self');
    assert.equal(plain.s.sent[0]?.operation, 'check connection');
    const all = gateway(self, { rawAuthHeader: true, appCode: 'APP1', newApiUser: '  42 ' });
    await all.gw.whoAmI();
    assert.deepEqual(all.s.sent[0]?.headers, {
      'APP-Code': 'APP1',
      authorization: 'hub-access-token',
      'New-Api-User': '42',
    });
    const blank = gateway(self, { newApiUser: '   ' });
    await blank.gw.whoAmI();
    assert.deepEqual(blank.s.sent[0]?.headers, { authorization: 'Bearer hub-access-token' });
  });

  it('without a stored token nothing is sent: auth, naming the operation', async () => {
    for (const token of [undefined, '']) {
      const { gw, s } = gateway({}, { getToken: () => Promise.resolve(token) });
      const e = await fails(gw.listKeys({ page: 0, pageSize: 5 }));
      assert.equal(e.kind, 'auth');
      assert.equal(e.message, 'no access token is stored for this connection');
      assert.equal(e.gateway, 'Hub (T)');
      assert.equal(e.operation, 'list keys');
      assert.equal(s.sent.length, 0);
    }
  });

  it('a read may be retried on a transient success:false (HTTP 2xx only); a write never', async () => {
    const { gw, s } = gateway({
      [`GET ${TOKENS}`]: ok([]),
      [`DELETE ${TOKENS}7`]: ok(null),
    });
    await gw.listKeys({ page: 0, pageSize: 1 });
    await gw.deleteKey('7');
    const retryWhen = s.sent[0]?.retryWhen;
    assert.ok(retryWhen, 'a GET says when to retry');
    const busy = JSON.stringify({ success: false, message: '系统繁忙，请稍后再试' });
    const res = (status: number, text: string) => ({ status, headers: {}, text });
    assert.equal(retryWhen(res(200, busy)), true);
    assert.equal(retryWhen(res(299, busy)), true);
    assert.equal(retryWhen(res(300, busy)), false);
    assert.equal(retryWhen(res(199, busy)), false);
    assert.equal(retryWhen(res(200, JSON.stringify({ success: false, message: '无效的令牌' }))), false);
    assert.equal(s.sent[1]?.method, 'DELETE');
    assert.equal(s.sent[1]?.retryWhen, undefined);
  });

  it('an HTTP error: the kind of its status, the envelope message (else "HTTP n") and code; 2xx bounds', async () => {
    const cases: Array<[number, unknown, string, string, string | undefined]> = [
      [401, { success: false, message: '未提供令牌', code: 'unauthorized' }, 'auth', '未提供令牌', 'unauthorized'],
      [404, { success: false, message: 'not here', code: 404 }, 'not-found', 'not here', '404'],
      [500, { success: false, message: '' }, 'server', 'HTTP 500', undefined],
      [503, 'busy', 'server', 'HTTP 503', undefined],
      [300, { success: true, data: [] }, 'bad-response', 'HTTP 300', undefined],
      [199, { success: true, data: [] }, 'bad-response', 'HTTP 199', undefined],
    ];
    for (const [status, json, kind, message, code] of cases) {
      const { gw } = gateway({ [`GET ${TOKENS}`]: { status, json } });
      const e = await fails(gw.listKeys({ page: 0, pageSize: 1 }));
      assert.equal(e.kind, kind, `${status}`);
      assert.equal(e.message, message, `${status}`);
      assert.equal(e.code, code, `${status}`);
      assert.equal(e.status, status);
      assert.equal(e.operation, 'list keys');
      assert.equal(e.gateway, 'Hub (T)');
    }
    const { gw } = gateway({ [`GET ${TOKENS}`]: { status: 299, json: { success: true, data: [] } } });
    assert.deepEqual((await gw.listKeys({ page: 0, pageSize: 1 })).items, []);
  });

  it('a refusal keeps the server’s Retry-After; an answer whose data is not the record names the field under data', async () => {
    const limited = gateway({ [`GET ${TOKENS}`]: { status: 429, json: {}, headers: { 'retry-after': '3' } } });
    const e = await fails(limited.gw.listKeys({ page: 0, pageSize: 1 }));
    assert.equal(e.kind, 'rate-limited');
    assert.equal(e.retryAfterMs, 3000);
    const self = gateway({ [`GET ${AIHUBMIX_ROUTES.self}`]: ok({ id: 'x', quota: 0, used_quota: 0 }) });
    const bad = await fails(self.gw.whoAmI());
    assert.deepEqual([bad.kind, bad.path, bad.operation], ['bad-response', 'data.id', 'check connection']);
    const answers: Array<[string, (gw: AihubmixGateway) => Promise<unknown>, string]> = [
      ['create key', (gw) => gw.createKey({ name: 'n' }), 'create key'],
      ['update key', (gw) => gw.updateKey('7', { name: 'n' }), 'update key'],
      ['enable key', (gw) => gw.setKeyEnabled('7', true), 'enable key'],
    ];
    for (const [name, call, operation] of answers) {
      const { gw } = gateway({
        [`GET ${TOKENS}`]: ok([]),
        [`GET ${TOKENS}7`]: ok(oneToken()),
        [`POST ${TOKENS}`]: ok({ id: 'x' }),
        [`PUT ${TOKENS}`]: ok({ id: 'x' }),
      });
      const r = await fails(call(gw));
      assert.deepEqual([r.kind, r.path, r.operation], ['bad-response', 'data.id', operation], name);
    }
  });

  it('a 2xx that is not JSON, not an envelope, or success:false is an error of its own kind', async () => {
    const run = async (reply: { json?: unknown; text?: string }) => {
      const { gw } = gateway({ [`GET ${TOKENS}`]: reply });
      return fails(gw.listKeys({ page: 0, pageSize: 1 }));
    };
    const malformed = await run({ text: '{"success":' });
    assert.equal(malformed.kind, 'bad-response');
    assert.equal(malformed.message, 'the answer is not valid JSON');
    assert.equal(malformed.operation, 'list keys');
    const notEnvelope = await run({ json: { data: [] } });
    assert.equal(notEnvelope.kind, 'bad-response');
    assert.equal(notEnvelope.path, 'success');
    const silent = await run({ json: { success: false } });
    assert.equal(silent.kind, 'validation');
    assert.equal(silent.message, 'the gateway refused the request without saying why');
    assert.equal(silent.code, undefined);
    const auth = await run({ json: { success: false, message: '无效的令牌', code: 7 } });
    assert.equal(auth.kind, 'auth');
    assert.equal(auth.message, '无效的令牌');
    assert.equal(auth.code, '7');
    assert.equal(auth.status, 200);
  });

  it('the dialect: unknown before any answer; a token list of one-api or new-api names tells it, and the capabilities follow', async () => {
    const one = gateway({ [`GET ${TOKENS}`]: ok([oneToken()]) });
    assert.equal(one.gw.dialect, undefined);
    assert.deepEqual(one.gw.capabilities, AIHUBMIX_CAPABILITIES);
    await one.gw.listKeys({ page: 0, pageSize: 1 });
    assert.equal(one.gw.dialect, 'one-api');
    assert.deepEqual(one.gw.capabilities, AIHUBMIX_CAPABILITIES);
    const neu = gateway({ [`GET ${TOKENS}`]: ok({ page: 1, page_size: 1, total: 1, items: [newToken()] }) });
    await neu.gw.listKeys({ page: 0, pageSize: 1 });
    assert.equal(neu.gw.dialect, 'new-api');
    assert.deepEqual(neu.gw.capabilities, NEWAPI_CAPABILITIES);
  });

  it('a dialect once learnt stays: a later list, key or log page in the other names does not change it', async () => {
    const { gw } = gateway({
      [`GET ${TOKENS}`]: (_req, url) =>
        url.searchParams.get('num') ? ok([oneToken()]) : ok({ page: 1, items: [newToken()] }),
      [`GET ${TOKENS}7`]: ok(newToken()),
      [`GET ${AIHUBMIX_ROUTES.logs}`]: ok({ page: 1, items: [] }),
    });
    await gw.listKeys({ page: 0, pageSize: 1 });
    assert.equal(gw.dialect, 'one-api');
    await gw.listKeys({ page: 0, pageSize: 1 }); // answered in new-api names
    await gw.getKey('7');
    await gw.listUsageLogs({ start: 0, end: 1000, page: 0, pageSize: 1 });
    await gw.listRequests({ start: 0, end: 1000 }, { page: 0, pageSize: 1 });
    assert.equal(gw.dialect, 'one-api');
    const neu = gateway({
      [`GET ${TOKENS}7`]: ok(newToken()),
      [`GET ${AIHUBMIX_ROUTES.logs}`]: ok({ page: 0, items: [] }),
    });
    await neu.gw.getKey('7');
    await neu.gw.listUsageLogs({ start: 0, end: 1000, page: 0, pageSize: 1 });
    assert.equal(neu.gw.dialect, 'new-api');
  });

  it('a search answer tells the dialect by its first key’s names', async () => {
    for (const [answer, dialect] of [
      [ok({ page: 1, total: 1, items: [newToken()] }), 'new-api'],
      [ok([oneToken()]), 'one-api'],
    ] as const) {
      const { gw } = gateway({ [`GET ${AIHUBMIX_ROUTES.tokenSearch}`]: answer });
      await gw.searchKeys('ci');
      assert.equal(gw.dialect, dialect);
    }
  });

  it('a search answer or a later log page tells nothing by its page number (only a first page does)', async () => {
    const { gw } = gateway({
      [`GET ${AIHUBMIX_ROUTES.tokenSearch}`]: ok({ page: 1, total: 0, items: [] }),
      [`GET ${AIHUBMIX_ROUTES.logs}`]: ok({ page: 1, items: [] }),
    });
    await gw.searchKeys('ci');
    assert.equal(gw.dialect, undefined);
    await gw.listRequests({ start: 0, end: 1000 }, { page: 0, pageSize: 1 });
    assert.equal(gw.dialect, 'new-api', 'page 1 answered for the first page');
    const later = gateway({
      [`GET ${TOKENS}`]: ok({ items: [] }),
      [`GET ${AIHUBMIX_ROUTES.logs}`]: ok({ page: 1, items: [] }),
    });
    await later.gw.listRequests({ start: 0, end: 1000 }, { page: 2, pageSize: 1 });
    assert.equal(later.gw.dialect, undefined);
    await later.gw.listUsageLogs({ start: 0, end: 1000, page: 2, pageSize: 1 });
    assert.equal(later.gw.dialect, undefined);
    assert.equal(later.s.sent.filter((r) => r.path === TOKENS).length, 2, 'each later page asked the dialect first');
  });

  it('a call without auth sends no token and needs none: only the APP-Code', async () => {
    const { http, sent } = scripted({ 'GET /api/status': ok({ ok: 1 }) });
    let asked = 0;
    const c = new HubmixClient(
      {
        kind: 'aihubmix',
        baseUrl: 'https://hub.test',
        appCode: 'A',
        getToken: () => {
          asked++;
          return Promise.resolve(undefined);
        },
      },
      http,
    );
    assert.deepEqual(await c.call('GET', AIHUBMIX_ROUTES.status, 'status', { auth: false }), { ok: 1 });
    assert.deepEqual(sent[0]?.headers, { 'APP-Code': 'A' });
    assert.equal(asked, 0);
    assert.equal((await fails(c.call('GET', AIHUBMIX_ROUTES.status, 'status'))).kind, 'auth');
    assert.equal(asked, 1);
  });

  it('an empty list tells the dialect by its shape or its first page number, and is not overwritten later', async () => {
    const cases: Array<[unknown, number, string | undefined]> = [
      [[], 0, 'one-api'],
      [null, 0, 'one-api'],
      [{ page: 1, items: [] }, 0, 'new-api'],
      [{ page: 0, items: [] }, 0, 'one-api'],
      [{ items: [] }, 0, undefined], // no page number: unknown yet
      [{ total: 0, items: [] }, 0, undefined],
      [{ items: [newToken()] }, 0, 'new-api'], // the first token's names tell it, with or without a page number
      [{ page: 1, items: [oneToken()] }, 0, 'one-api'],
      [[newToken()], 0, 'new-api'],
    ];
    for (const [data, page, dialect] of cases) {
      const { gw } = gateway({ [`GET ${TOKENS}`]: ok(data) });
      await gw.listKeys({ page, pageSize: 1 });
      assert.equal(gw.dialect, dialect, JSON.stringify(data));
    }
    // a later page number (the probe is asked for p 0) says nothing: learnt from the probe, kept after
    const { gw, s } = gateway({
      [`GET ${TOKENS}`]: (_req, url) =>
        url.searchParams.get('p') === '0' ? ok([oneToken()]) : ok({ page: 3, items: [newToken()] }),
    });
    await gw.listKeys({ page: 2, pageSize: 1 });
    assert.equal(gw.dialect, 'one-api');
    assert.equal(s.sent.length, 2);
  });

  it('ids: only a positive whole number (a safe integer) goes out; anything else is a validation error, nothing sent', async () => {
    const { gw, s } = gateway({});
    for (const id of ['0', '-1', '1.5', 'abc', '', ' 7', '9007199254740993', '1e3']) {
      const e = await fails(gw.getKey(id));
      assert.equal(e.kind, 'validation', id);
      assert.equal(e.message, `"${id}" is not an AIHubMix key id (a positive whole number)`);
      assert.equal(e.operation, 'get key');
      assert.equal(e.gateway, 'Hub (T)');
    }
    for (const [call, op] of [
      [() => gw.deleteKey('x'), 'delete key'],
      [() => gw.setKeyEnabled('x', true), 'enable key'],
      [() => gw.setKeyEnabled('x', false), 'disable key'],
      [() => gw.revealKey('x'), 'reveal key'],
      [() => gw.updateKey('x', { name: 'n' }), 'update key'],
    ] as const) {
      assert.equal((await fails(call())).operation, op);
    }
    assert.equal(s.sent.length, 0);
    const c = new HubmixClient({ kind: 'aihubmix', baseUrl: 'https://h', getToken: async () => 't' }, s.http);
    assert.equal(c.checkId('9007199254740991', 'x'), 9007199254740991);
    assert.equal(c.checkId('1', 'x'), 1);
  });
});

describe('AIHubMix keys on the wire', () => {
  it('list: the paging of the dialect (unknown: both size names), the mapped keys with the clock, hasMore', async () => {
    const expired = oneToken({ id: 8, expired_time: SEC - 1 });
    const unknown = gateway({ [`GET ${TOKENS}`]: ok([oneToken(), expired]) });
    const page = await unknown.gw.listKeys({ page: 0, pageSize: 2 });
    assert.deepEqual(query(unknown.s.sent[0]!), { p: '0', num: '2', page_size: '2' });
    assert.equal(unknown.s.sent[0]?.path, TOKENS);
    assert.equal(unknown.s.sent[0]?.method, 'GET');
    assert.deepEqual(page, {
      items: [mapToken(oneToken() as Token, NOW, oneToken()), mapToken(expired as Token, NOW, expired)],
      hasMore: true,
    });
    assert.equal(page.items[1]?.status, 'expired');
    // one-api now known: p and num only
    await unknown.gw.listKeys({ page: 1, pageSize: 3 });
    assert.deepEqual(query(unknown.s.sent[1]!), { p: '1', num: '3' });
    assert.equal(unknown.s.sent.length, 2, 'no probe once the dialect is known');
    const neu = gateway({ [`GET ${TOKENS}`]: ok({ page: 1, page_size: 2, total: 5, items: [newToken()] }) });
    assert.deepEqual(await neu.gw.listKeys({ page: 0, pageSize: 2 }).then((p) => [p.total, p.hasMore]), [5, true]);
    await neu.gw.listKeys({ page: 1, pageSize: 2 });
    assert.deepEqual(query(neu.s.sent[1]!), { p: '2', page_size: '2' });
  });

  it('list: a later page before the dialect is known first probes with the smallest list (reported as the list)', async () => {
    const { gw, s } = gateway({ [`GET ${TOKENS}`]: ok({ page: 1, page_size: 1, total: 9, items: [newToken()] }) });
    await gw.listKeys({ page: 2, pageSize: 4 });
    assert.deepEqual(query(s.sent[0]!), { p: '0', num: '1', page_size: '1' });
    assert.equal(s.sent[0]?.operation, 'list keys');
    assert.deepEqual(query(s.sent[1]!), { p: '3', page_size: '4' });
    const bad = gateway({ [`GET ${TOKENS}`]: { status: 500, json: { success: false, message: 'down' } } });
    const e = await fails(bad.gw.listKeys({ page: 1, pageSize: 4 }));
    assert.equal(e.operation, 'list keys');
    assert.equal(bad.s.sent.length, 1);
  });

  it('list: an order the dialect sorts by is sent as its one-api name; new-api and no order send none', async () => {
    const { gw, s } = gateway({ [`GET ${TOKENS}`]: ok([oneToken()]) });
    await gw.listKeys({ page: 0, pageSize: 1 });
    await gw.listKeys({ page: 0, pageSize: 1, order: 'mostUsed' });
    await gw.listKeys({ page: 0, pageSize: 1, order: 'mostRemaining' });
    assert.equal(s.sent[0]?.search.has('order'), false);
    assert.equal(s.sent[1]?.search.get('order'), 'used_quota');
    assert.equal(s.sent[2]?.search.get('order'), 'remain_quota');
    assert.deepEqual(AIHUBMIX_TOKEN_ORDER, { mostUsed: 'used_quota', mostRemaining: 'remain_quota' });
    const neu = gateway({ [`GET ${TOKENS}`]: ok({ page: 1, items: [newToken()] }) });
    await neu.gw.listKeys({ page: 0, pageSize: 1 });
    await neu.gw.listKeys({ page: 0, pageSize: 1, order: 'mostUsed' });
    assert.equal(neu.s.sent[1]?.search.has('order'), false);
  });

  it('list: a page or size that is not a whole number in range never goes out', async () => {
    const { gw, s } = gateway({});
    const bad: Array<[number, number, string]> = [
      [-1, 5, 'p'],
      [0.5, 5, 'p'],
      [0, 0, 'page_size'],
      [0, 2.5, 'page_size'],
    ];
    for (const [page, pageSize, field] of bad) {
      const e = await fails(gw.listKeys({ page, pageSize }));
      assert.equal(e.kind, 'validation');
      assert.equal(e.fieldErrors[0]?.field, field);
      assert.equal(e.operation, 'list keys');
      assert.equal(e.gateway, 'Hub (T)');
    }
    assert.equal(s.sent.length, 0);
  });

  it('search: one-api sends the keyword alone; unknown and new-api page it (100 a page, p from 1), new-api as %kw%', async () => {
    const one = gateway({
      [`GET ${TOKENS}`]: ok([oneToken()]),
      [`GET ${AIHUBMIX_ROUTES.tokenSearch}`]: ok([oneToken()]),
    });
    await one.gw.listKeys({ page: 0, pageSize: 1 });
    const found = await one.gw.searchKeys('ci');
    assert.deepEqual(query(one.s.sent[1]!), { keyword: 'ci' });
    assert.equal(one.s.sent[1]?.operation, 'search keys');
    assert.deepEqual(found, [mapToken(oneToken() as Token, NOW, oneToken())]);
    const unknown = gateway({ [`GET ${AIHUBMIX_ROUTES.tokenSearch}`]: ok([oneToken()]) });
    await unknown.gw.searchKeys('ci');
    assert.deepEqual(query(unknown.s.sent[0]!), { keyword: 'ci', p: '1', page_size: '100' });
    const neu = gateway({
      [`GET ${TOKENS}`]: ok({ page: 1, items: [newToken()] }),
      [`GET ${AIHUBMIX_ROUTES.tokenSearch}`]: ok({ page: 1, total: 1, items: [newToken()] }),
    });
    await neu.gw.listKeys({ page: 0, pageSize: 1 });
    for (const kw of ['ci', 'c', 'c%i', '%']) await neu.gw.searchKeys(kw);
    assert.deepEqual(
      neu.s.sent.slice(1).map((r) => query(r)),
      [
        { keyword: '%ci%', p: '1', page_size: '100' },
        { keyword: 'c', p: '1', page_size: '100' }, // one character: exact
        { keyword: 'c%i', p: '1', page_size: '100' }, // the user's own wildcards
        { keyword: '%', p: '1', page_size: '100' },
      ],
    );
  });

  it('search: pages are read until the total, an empty page, a non-page answer, or the tenth page', async () => {
    const pages = (total: number | undefined, per: number, stopAt = Infinity) =>
      gateway({
        [`GET ${TOKENS}`]: ok({ page: 1, items: [newToken()] }),
        [`GET ${AIHUBMIX_ROUTES.tokenSearch}`]: (_req, url) => {
          const p = Number(url.searchParams.get('p'));
          const items = p > stopAt ? [] : Array.from({ length: per }, (_, i) => newToken({ id: p * 100 + i }));
          return ok({ page: p, ...(total === undefined ? {} : { total }), items });
        },
      });
    const cases: Array<[number | undefined, number, number, number, number]> = [
      // total, per page, last page with items, requests, keys
      [5, 2, Infinity, 3, 6],
      [4, 2, Infinity, 2, 4],
      [100, 2, 3, 4, 6],
      [undefined, 2, Infinity, 1, 2],
      [10_000, 1, Infinity, 10, 10],
    ];
    for (const [total, per, stopAt, requests, keys] of cases) {
      const { gw, s } = pages(total, per, stopAt);
      await gw.listKeys({ page: 0, pageSize: 1 });
      const found = await gw.searchKeys('ci');
      assert.equal(s.sent.length - 1, requests, `total ${total}, ${per} a page`);
      assert.equal(found.length, keys);
      assert.deepEqual(
        s.sent.slice(1).map((r) => r.search.get('p')),
        Array.from({ length: requests }, (_, i) => String(i + 1)),
      );
    }
    // a bare array is the whole answer
    const arr = gateway({ [`GET ${AIHUBMIX_ROUTES.tokenSearch}`]: ok([oneToken(), oneToken({ id: 9 })]) });
    assert.equal((await arr.gw.searchKeys('ci')).length, 2);
    assert.equal(arr.s.sent.length, 1);
  });

  it('search: new-api refusing wildcards (a validation naming %) is searched again exactly; other errors are not', async () => {
    const script = (message: string, status = 200): Script => ({
      [`GET ${TOKENS}`]: ok({ page: 1, items: [newToken()] }),
      [`GET ${AIHUBMIX_ROUTES.tokenSearch}`]: (_req, url) =>
        url.searchParams.get('keyword')?.includes('%')
          ? { status, json: { success: false, message } }
          : ok({ page: 1, total: 1, items: [newToken()] }),
    });
    const wild = gateway(script('令牌数量超过上限，仅允许精确搜索，不支持 % 通配符'));
    await wild.gw.listKeys({ page: 0, pageSize: 1 });
    assert.equal((await wild.gw.searchKeys('ci')).length, 1);
    assert.deepEqual(
      wild.s.sent.slice(1).map((r) => r.search.get('keyword')),
      ['%ci%', 'ci'],
    );
    const other = gateway(script('参数错误'));
    await other.gw.listKeys({ page: 0, pageSize: 1 });
    assert.equal((await fails(other.gw.searchKeys('ci'))).message, '参数错误');
    assert.equal(other.s.sent.length, 2);
    const notValidation = gateway(script('server % busy', 500));
    await notValidation.gw.listKeys({ page: 0, pageSize: 1 });
    assert.equal((await fails(notValidation.gw.searchKeys('ci'))).kind, 'server');
    // an error that is not the gateway's own is passed on as it is, never taken for the wildcard refusal
    const foreign = Object.assign(new Error('refused % wildcards'), { kind: 'validation' });
    const odd = gateway({
      [`GET ${TOKENS}`]: ok({ page: 1, items: [newToken()] }),
      [`GET ${AIHUBMIX_ROUTES.tokenSearch}`]: () => {
        throw foreign;
      },
    });
    await odd.gw.listKeys({ page: 0, pageSize: 1 });
    await assert.rejects(odd.gw.searchKeys('ci'), (e) => e === foreign);
    assert.equal(odd.s.sent.length, 2);
    // an exact search (no wildcard added) that is refused is not repeated
    const exact = gateway({
      [`GET ${TOKENS}`]: ok({ page: 1, items: [newToken()] }),
      [`GET ${AIHUBMIX_ROUTES.tokenSearch}`]: { json: { success: false, message: '不支持 % 通配符' } },
    });
    await exact.gw.listKeys({ page: 0, pageSize: 1 });
    await fails(exact.gw.searchKeys('c'));
    assert.equal(exact.s.sent.length, 2);
  });

  it('get: the path of the key, the mapped key; a key read tells the dialect when no list has', async () => {
    const { gw, s } = gateway({ [`GET ${TOKENS}7`]: ok(newToken()) });
    const key = await gw.getKey('7');
    assert.equal(s.sent[0]?.url, 'https://hub.test/api/token/7');
    assert.equal(s.sent[0]?.operation, 'get key');
    assert.deepEqual(key, mapToken(newToken() as Token, NOW, newToken()));
    assert.equal(gw.dialect, 'new-api');
    const one = gateway({ [`GET ${TOKENS}7`]: ok(oneToken()) });
    await one.gw.getKey('7');
    assert.equal(one.gw.dialect, 'one-api');
    const e = await fails(gateway({ [`GET ${TOKENS}7`]: ok(undefined) }).gw.getKey('7'));
    assert.equal(e.kind, 'bad-response');
    assert.equal(e.path, 'data');
  });

  it('create: a name is required and a bad quota or expiry is refused before anything is sent, the probe included', async () => {
    const { gw, s } = gateway({});
    const noName = await fails(gw.createKey({ quotaUsd: '1' }));
    assert.equal(noName.kind, 'validation');
    assert.equal(noName.message, 'a key needs a name');
    assert.equal(noName.operation, 'create key');
    assert.equal(noName.gateway, 'Hub (T)');
    assert.deepEqual(noName.fieldErrors, [{ field: 'name', message: 'required', input: 'name' }]);
    assert.equal((await fails(gw.createKey({ name: '' }))).message, 'a key needs a name');
    const quota = await fails(gw.createKey({ name: 'n', quotaUsd: '-1' }));
    assert.equal(quota.fieldErrors[0]?.input, 'quotaUsd');
    const expiry = await fails(gw.createKey({ name: 'n', expiresAt: 'tomorrow' }));
    assert.equal(expiry.fieldErrors[0]?.input, 'expiresAt');
    assert.equal(s.sent.length, 0);
  });

  it('create: the body in the dialect probed first; the answered key mapped; unmodeled settings carried', async () => {
    const input: KeyInput = { name: 'ci', quotaUsd: '2', modelsAllowed: ['a', 'b'], allowedIps: ['10.0.0.1'] };
    const { gw, s } = gateway({ [`GET ${TOKENS}`]: ok([]), [`POST ${TOKENS}`]: ok(oneToken({ id: 11 })) });
    const key = await gw.createKey(input, { unmodeled: { group: 'vip', name: 'ignored' } });
    assert.deepEqual(query(s.sent[0]!), { p: '0', num: '1', page_size: '1' });
    assert.equal(s.sent[0]?.operation, 'create key');
    assert.equal(s.sent[1]?.operation, 'create key');
    assert.deepEqual(s.sent[1]?.json, {
      group: 'vip',
      name: 'ci',
      expired_time: -1,
      unlimited_quota: false,
      remain_quota: 1_000_000,
      models: 'a,b',
      subnet: '10.0.0.1',
    });
    assert.equal(key.id, '11');
    assert.deepEqual(key, mapToken(oneToken({ id: 11 }) as Token, NOW, oneToken({ id: 11 })));
    // a second create does not probe again
    await gw.createKey(input);
    assert.equal(s.sent.length, 3);
  });

  it('create after a probe that tells nothing: one-api names, and the next create probes again', async () => {
    const { gw, s } = gateway({ [`GET ${TOKENS}`]: ok({ items: [] }), [`POST ${TOKENS}`]: ok(oneToken()) });
    await gw.createKey({ name: 'ci', modelsAllowed: ['m'] });
    assert.deepEqual(s.sent[1]?.json, {
      name: 'ci',
      expired_time: -1,
      unlimited_quota: true,
      remain_quota: -1,
      models: 'm',
      subnet: '',
    });
    assert.equal(gw.dialect, undefined);
    await gw.createKey({ name: 'ci' });
    assert.deepEqual(
      s.sent.map((r) => r.method),
      ['GET', 'POST', 'GET', 'POST'],
    );
  });

  it('create on new-api: the new-api names; an answer without the key finds the newest key of exactly that name', async () => {
    const { gw, s } = gateway({
      [`GET ${TOKENS}`]: ok({ page: 1, items: [] }),
      [`POST ${TOKENS}`]: ok(null),
      [`GET ${AIHUBMIX_ROUTES.tokenSearch}`]: ok({
        page: 1,
        total: 4,
        items: [
          newToken({ id: 3, name: 'ci' }),
          newToken({ id: 12, name: 'ci' }),
          newToken({ id: 20, name: 'ci-2' }),
          newToken({ id: 5, name: 'ci' }),
        ],
      }),
    });
    const key = await gw.createKey({ name: 'ci', modelsAllowed: ['m'] });
    assert.equal(key.id, '12');
    assert.deepEqual(s.sent[1]?.json, {
      name: 'ci',
      expired_time: -1,
      unlimited_quota: true,
      remain_quota: -1,
      model_limits: 'm',
      model_limits_enabled: true,
      allow_ips: '',
    });
    assert.deepEqual(query(s.sent[2]!), { keyword: 'ci', p: '1', page_size: '100' }, 'an exact search');
    const none = gateway({
      [`GET ${TOKENS}`]: ok({ page: 1, items: [] }),
      [`POST ${TOKENS}`]: ok(undefined),
      [`GET ${AIHUBMIX_ROUTES.tokenSearch}`]: ok({ page: 1, total: 1, items: [newToken({ id: 3, name: 'cid' })] }),
    });
    const e = await fails(none.gw.createKey({ name: 'ci' }));
    assert.equal(e.kind, 'bad-response');
    assert.equal(e.message, 'the key was created, but no key named "ci" could be found again; refresh the list');
    assert.equal(e.path, 'data');
    assert.equal(e.operation, 'create key');
    assert.equal(e.gateway, 'Hub (T)');
  });

  it('update: a fresh read, then PUT of the full replace body; an answer without data is read again', async () => {
    const { gw, s } = gateway({ [`GET ${TOKENS}7`]: ok(oneToken()), [`PUT ${TOKENS}`]: ok(oneToken({ name: 'new' })) });
    const key = await gw.updateKey('7', { name: 'new' });
    assert.deepEqual(
      s.sent.map((r) => [r.method, r.path, r.operation]),
      [
        ['GET', `${TOKENS}7`, 'update key'],
        ['PUT', TOKENS, 'update key'],
      ],
    );
    assert.deepEqual(s.sent[1]?.json, { ...oneToken(), name: 'new' });
    assert.equal(key.name, 'new');
    const empty = gateway({ [`GET ${TOKENS}7`]: ok(oneToken()), [`PUT ${TOKENS}`]: ok(null) });
    assert.equal((await empty.gw.updateKey('7', { name: 'new' })).name, 'ci');
    assert.deepEqual(
      empty.s.sent.map((r) => [r.method, r.operation]),
      [
        ['GET', 'update key'],
        ['PUT', 'update key'],
        ['GET', 'get key'],
      ],
    );
    const undef = gateway({ [`GET ${TOKENS}7`]: ok(oneToken()), [`PUT ${TOKENS}`]: ok(undefined) });
    await undef.gw.updateKey('7', { name: 'new' });
    assert.equal(undef.s.sent.length, 3);
  });

  it('enable / disable: PUT with status_only and {id, status 1 | 2}; the answered key, else a fresh read', async () => {
    const { gw, s } = gateway({ [`PUT ${TOKENS}`]: ok(oneToken({ status: 2 })), [`GET ${TOKENS}7`]: ok(oneToken()) });
    const off = await gw.setKeyEnabled('7', false);
    assert.equal(off.status, 'disabled');
    assert.deepEqual(query(s.sent[0]!), { status_only: 'true' });
    assert.deepEqual(s.sent[0]?.json, { id: 7, status: 2 });
    assert.equal(s.sent[0]?.operation, 'disable key');
    s.script({ [`PUT ${TOKENS}`]: ok(null) });
    const on = await gw.setKeyEnabled('7', true);
    assert.deepEqual(s.sent[1]?.json, { id: 7, status: 1 });
    assert.equal(s.sent[1]?.operation, 'enable key');
    assert.equal(s.sent[2]?.operation, 'get key');
    assert.equal(on.status, 'active');
    s.script({ [`PUT ${TOKENS}`]: ok(undefined) });
    await gw.setKeyEnabled('7', true);
    assert.equal(s.sent.length, 5);
  });

  it('delete: DELETE of the key path; rotate is unsupported and sends nothing', async () => {
    const { gw, s } = gateway({ [`DELETE ${TOKENS}7`]: ok(null) });
    assert.equal(await gw.deleteKey('7'), undefined);
    assert.deepEqual(
      [s.sent[0]?.method, s.sent[0]?.url, s.sent[0]?.operation],
      ['DELETE', 'https://hub.test/api/token/7', 'delete key'],
    );
    const e = await fails(gw.rotateKey());
    assert.equal(e.kind, 'unsupported');
    assert.equal(e.message, 'AIHubMix cannot rotate a key itself; rotate on the client (copy, grace, disable)');
    assert.equal(e.operation, 'rotate key');
    assert.equal(e.gateway, 'Hub (T)');
    assert.equal(s.sent.length, 1);
  });

  it('reveal: one-api reads the key; new-api (or a masked read) asks POST /key and adds sk-; a masked answer is refused', async () => {
    const one = gateway({ [`GET ${TOKENS}7`]: ok(oneToken()) });
    assert.equal(await one.gw.revealKey('7'), `sk-${KEY48}`);
    assert.deepEqual(
      one.s.sent.map((r) => r.operation),
      ['get key'],
    );
    const masked = gateway({
      [`GET ${TOKENS}7`]: ok(oneToken({ key: '' })),
      [`POST ${TOKENS}7/key`]: ok({ key: KEY48 }),
    });
    assert.equal(await masked.gw.revealKey('7'), `sk-${KEY48}`);
    assert.deepEqual(
      masked.s.sent.map((r) => [r.method, r.operation]),
      [
        ['GET', 'get key'],
        ['POST', 'reveal key'],
      ],
    );
    const neu = gateway({ [`GET ${TOKENS}7`]: ok(newToken()), [`POST ${TOKENS}7/key`]: ok(`sk-${KEY48}`) });
    await neu.gw.getKey('7');
    assert.equal(await neu.gw.revealKey('7'), `sk-${KEY48}`);
    assert.equal(neu.s.sent.length, 2, 'new-api: no read before the reveal');
    assert.equal(neu.s.sent[1]?.url, 'https://hub.test/api/token/7/key');
    neu.s.script({ [`POST ${TOKENS}7/key`]: ok({ key: 'AbCd****ijkl' }) });
    const e = await fails(neu.gw.revealKey('7'));
    assert.equal(e.kind, 'bad-response');
    assert.equal(e.path, 'data.key');
    assert.equal(e.message, 'the answer has an unexpected value at data.key (the key is still masked)');
    assert.equal(e.operation, 'reveal key');
  });
});

describe('AIHubMix account, models and usage on the wire', () => {
  it('whoAmI: display name, else user name, else "user <id>"; the id and the balance in USD', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ display_name: 'Ann', username: 'ann' }, 'Ann'],
      [{ display_name: '', username: 'ann' }, 'ann'],
      [{ display_name: null, username: '' }, 'user 42'],
      [{}, 'user 42'],
    ];
    for (const [names, label] of cases) {
      const { gw } = gateway({
        [`GET ${AIHUBMIX_ROUTES.self}`]: ok({ id: 42, quota: 1_250_000, used_quota: 5, ...names }),
      });
      assert.deepEqual(await gw.whoAmI(), { label, userId: '42', balance: { amount: '2.5', currency: 'USD' } });
    }
  });

  it('billing: balance, used and the remind threshold when set; updatedAt null', async () => {
    const { gw, s } = gateway({
      [`GET ${AIHUBMIX_ROUTES.self}`]: ok({
        id: 1,
        quota: 500_000,
        used_quota: 1_000_000,
        quota_remind_threshold: 250_000,
      }),
    });
    assert.deepEqual(await gw.getBillingAccount(), {
      balance: { amount: '1', currency: 'USD' },
      usedTotal: { amount: '2', currency: 'USD' },
      remindThreshold: { amount: '0.5', currency: 'USD' },
      updatedAt: null,
    });
    assert.equal(s.sent[0]?.operation, 'get balance');
    for (const threshold of [null, undefined]) {
      const g = gateway({
        [`GET ${AIHUBMIX_ROUTES.self}`]: ok({ id: 1, quota: 0, used_quota: 0, quota_remind_threshold: threshold }),
      });
      assert.equal('remindThreshold' in (await g.gw.getBillingAccount()), false);
    }
    const zero = gateway({
      [`GET ${AIHUBMIX_ROUTES.self}`]: ok({ id: 1, quota: 0, used_quota: 0, quota_remind_threshold: 0 }),
    });
    assert.deepEqual((await zero.gw.getBillingAccount()).remindThreshold, { amount: '0', currency: 'USD' });
  });

  it('what it does not offer: unsupported, naming it, nothing sent; no teams', async () => {
    const { gw, s } = gateway({});
    const cases: Array<[() => Promise<unknown>, string, string]> = [
      [() => gw.queryUsage(), 'query usage', 'AIHubMix does not offer a usage series'],
      [() => gw.getDashboard(), 'get dashboard', 'AIHubMix does not offer a dashboard'],
      [() => gw.getPlan(), 'get plan', 'AIHubMix does not offer plans'],
      [() => gw.listInvoices(), 'list invoices', 'AIHubMix does not offer invoices'],
    ];
    for (const [call, operation, message] of cases) {
      const e = await fails(call());
      assert.equal(e.kind, 'unsupported');
      assert.equal(e.operation, operation);
      assert.equal(e.message, message);
      assert.equal(e.gateway, 'Hub (T)');
    }
    assert.deepEqual(await gw.listTeams(), []);
    assert.equal(s.sent.length, 0);
  });

  it('chat goes to <base>/v1 (or the chat base URL) with the model key and the APP-Code', async () => {
    const completion = {
      id: 'c1',
      object: 'chat.completion',
      model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    };
    const { gw, s } = gateway({ 'POST /v1/chat/completions': { json: completion } }, { appCode: 'APP1' });
    const r = await gw.chat({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, { apiKey: 'sk-model' });
    assert.equal(r.content, 'hi');
    assert.equal(s.sent[0]?.url, 'https://hub.test/v1/chat/completions');
    assert.equal(s.sent[0]?.headers?.['APP-Code'], 'APP1');
    assert.match(String(s.sent[0]?.headers?.authorization), /sk-model/);
    const other = gateway(
      { 'POST /openai/chat/completions': { json: completion } },
      { chatBaseUrl: 'https://chat.test/openai' },
    );
    await other.gw.chat({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, { apiKey: 'sk-model' });
    assert.equal(other.s.sent[0]?.url, 'https://chat.test/openai/chat/completions');
    const streamed = gateway({
      'POST /v1/chat/completions': {
        text: `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'yo' }, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`,
        headers: { 'content-type': 'text/event-stream' },
      },
    });
    let text = '';
    for await (const ev of streamed.gw.streamChat(
      { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      { apiKey: 'k' },
    ))
      if (ev.type === 'text') text += ev.text;
    assert.equal(text, 'yo');
    assert.equal(streamed.s.sent[0]?.url, 'https://hub.test/v1/chat/completions');
  });
});

describe('AIHubMix model list: the account’s models, enriched by the public catalogue', () => {
  const AVAILABLE = `GET ${AIHUBMIX_ROUTES.availableModels}`;
  const CATALOGUE = `GET ${AIHUBMIX_ROUTES.catalogue}`;
  const gpt = {
    model_id: 'gpt-4o',
    types: 'llm',
    features: 'tools',
    input_modalities: '',
    context_length: 128000,
    pricing: { input: 0.0025 },
  };
  const claude = { model_id: 'claude-3', types: '', features: '', input_modalities: '' };

  it('both calls go out; the catalogue without the token (with the APP-Code); each available id enriched when listed', async () => {
    const { gw, s } = gateway(
      { [AVAILABLE]: ok(['gpt-4o', 'unknown-x']), [CATALOGUE]: ok([gpt, claude]) },
      { appCode: 'APP1' },
    );
    const models = await gw.listModels();
    assert.deepEqual(
      models.map((m) => m.id),
      ['gpt-4o', 'unknown-x'],
    );
    assert.equal(models[0]?.contextLength, 128000);
    assert.deepEqual(models[0]?.price, { inputPerMTok: { amount: '2.5', currency: 'USD' } });
    assert.deepEqual(models[1], { id: 'unknown-x', vendor: vendorOf('unknown-x') });
    const cat = s.sent.find((r) => r.path === AIHUBMIX_ROUTES.catalogue)!;
    assert.deepEqual(cat.headers, { 'APP-Code': 'APP1' });
    assert.equal(cat.method, 'GET');
    assert.equal(cat.url, 'https://hub.test/api/v1/models');
    assert.equal(cat.operation, 'list models');
    const av = s.sent.find((r) => r.path === AIHUBMIX_ROUTES.availableModels)!;
    assert.equal(av.headers?.authorization, 'Bearer hub-access-token');
    assert.equal(av.operation, 'list models');
  });

  it('the catalogue in each form: an envelope, a bare array, {data}; a failed or refused catalogue only drops the prices', async () => {
    const forms: Array<[string, { status?: number; json?: unknown; text?: string }, boolean]> = [
      ['envelope', ok([gpt]), true],
      ['array', { json: [gpt] }, true],
      ['{data}', { json: { data: [gpt] } }, true],
      ['404', { status: 404, json: {} }, false],
      ['300', { status: 300, json: [gpt] }, false],
      ['199', { status: 199, json: [gpt] }, false],
      ['success:false', { json: { success: false, message: 'no', data: [gpt] } }, false],
      ['not JSON', { text: '<html>' }, false],
      ['a bad entry', { json: [{ model_id: '' }] }, false],
    ];
    for (const [name, reply, enriched] of forms) {
      const { gw } = gateway({ [AVAILABLE]: ok(['gpt-4o']), [CATALOGUE]: reply });
      const [m] = await gw.listModels();
      assert.equal(m?.contextLength, enriched ? 128000 : undefined, name);
      assert.equal(m?.id, 'gpt-4o');
    }
    const ok299 = gateway({ [AVAILABLE]: ok(['gpt-4o']), [CATALOGUE]: { status: 299, json: [gpt] } });
    assert.equal((await ok299.gw.listModels())[0]?.contextLength, 128000);
  });

  it('an empty account list, or a gateway without the route (404), lists the catalogue', async () => {
    for (const available of [ok([]), { status: 404, json: { success: false, message: 'not found' } }]) {
      const { gw } = gateway({ [AVAILABLE]: available, [CATALOGUE]: ok([gpt, claude]) });
      assert.deepEqual(
        (await gw.listModels()).map((m) => m.id),
        ['gpt-4o', 'claude-3'],
      );
    }
  });

  it('neither offered: not-found naming both; a broken catalogue is reported when it is all there is', async () => {
    const none = gateway({ [AVAILABLE]: { status: 404, json: {} }, [CATALOGUE]: { status: 404, json: {} } });
    const e = await fails(none.gw.listModels());
    assert.equal(e.kind, 'not-found');
    assert.equal(e.message, 'neither the model list of this account nor the public catalogue is offered');
    assert.equal(e.operation, 'list models');
    assert.equal(e.gateway, 'Hub (T)');
    const broken = gateway({ [AVAILABLE]: { status: 404, json: {} }, [CATALOGUE]: { text: 'not json' } });
    assert.equal((await fails(broken.gw.listModels())).kind, 'bad-response');
    const empty = gateway({ [AVAILABLE]: { status: 404, json: {} }, [CATALOGUE]: { text: 'null' } });
    assert.equal((await fails(empty.gw.listModels())).kind, 'bad-response');
  });

  it('a refused token, a busy server or a broken account list is reported, never hidden behind the catalogue', async () => {
    const cases: Array<[{ status?: number; json?: unknown }, string]> = [
      [{ status: 401, json: { success: false, message: 'bad token' } }, 'auth'],
      [{ json: { success: false, message: '无效的令牌' } }, 'auth'],
      [{ status: 503, json: {} }, 'server'],
      [ok('gpt-4o'), 'bad-response'],
    ];
    for (const [reply, kind] of cases) {
      const { gw } = gateway({ [AVAILABLE]: reply, [CATALOGUE]: ok([gpt]) });
      assert.equal((await fails(gw.listModels())).kind, kind);
    }
    // a broken catalogue beside a refused token: the token's error, and the catalogue's never left unhandled
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { gw } = gateway({ [AVAILABLE]: { status: 401, json: {} }, [CATALOGUE]: { text: 'not json' } });
      assert.equal((await fails(gw.listModels())).kind, 'auth');
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('AIHubMix usage logs and stat on the wire', () => {
  const LOGS = `GET ${AIHUBMIX_ROUTES.logs}`;
  const STAT = `GET ${AIHUBMIX_ROUTES.logStat}`;
  const log = {
    id: 1,
    created_at: SEC,
    quota: 500_000,
    prompt_tokens: 10,
    completion_tokens: 2,
    token_name: 'ci',
    model_name: 'm',
  };
  const q = { start: 10_999, end: 20_001, page: 0, pageSize: 10, keyName: 'ci', model: 'm' };

  it('logs: type 2, the window in whole seconds, the filters, the paging of the dialect; mapped rows', async () => {
    const { gw, s } = gateway({ [LOGS]: ok([log]) });
    const rows = await gw.listUsageLogs(q);
    assert.deepEqual(query(s.sent[0]!), {
      p: '0',
      num: '10',
      page_size: '10',
      type: '2',
      start_timestamp: '10',
      end_timestamp: '20',
      token_name: 'ci',
      model_name: 'm',
    });
    assert.equal(s.sent[0]?.operation, 'list usage logs');
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0]?.cost, { amount: '1', currency: 'USD' });
    assert.equal(gw.dialect, undefined, 'a bare array of logs says nothing of the dialect');
    const neu = gateway({ [LOGS]: ok({ page: 1, items: [log] }) });
    await neu.gw.listUsageLogs(q);
    assert.equal(neu.gw.dialect, 'new-api', 'page 1 answered for p 0');
    await neu.gw.listUsageLogs({ ...q, page: 2 });
    assert.deepEqual(
      [neu.s.sent[1]?.search.get('p'), neu.s.sent[1]?.search.get('page_size'), neu.s.sent[1]?.search.has('num')],
      ['3', '10', false],
    );
    const one = gateway({ [LOGS]: ok({ page: 0, items: [] }) });
    await one.gw.listUsageLogs(q);
    assert.equal(one.gw.dialect, 'one-api');
    await one.gw.listUsageLogs({ ...q, page: 1 });
    assert.deepEqual(
      [one.s.sent[1]?.search.get('p'), one.s.sent[1]?.search.get('num'), one.s.sent[1]?.search.has('page_size')],
      ['1', '10', false],
    );
  });

  it('logs: a later page first learns the dialect (reported as the log call); bad paging or times never go out', async () => {
    const { gw, s } = gateway({ [`GET ${TOKENS}`]: ok([]), [LOGS]: ok([log]) });
    await gw.listUsageLogs({ ...q, page: 1 });
    assert.deepEqual(
      s.sent.map((r) => [r.path, r.operation]),
      [
        [TOKENS, 'list usage logs'],
        [AIHUBMIX_ROUTES.logs, 'list usage logs'],
      ],
    );
    assert.deepEqual([s.sent[1]?.search.get('p'), s.sent[1]?.search.get('num')], ['1', '10']);
    const bad = gateway({});
    const cases: Array<[Partial<typeof q>, string]> = [
      [{ page: -1 }, 'p'],
      [{ pageSize: 0 }, 'page_size'],
      [{ start: Number.NaN }, 'start_timestamp'],
      [{ end: Infinity }, 'end_timestamp'],
      [{ start: -1000 }, 'start_timestamp'],
      [{ end: -1000 }, 'end_timestamp'],
    ];
    for (const [over, field] of cases) {
      const e = await fails(bad.gw.listUsageLogs({ ...q, ...over }));
      assert.equal(e.kind, 'validation', field);
      assert.equal(e.fieldErrors[0]?.field, field);
      assert.equal(e.operation, 'list usage logs');
      assert.equal(e.gateway, 'Hub (T)');
    }
    assert.equal(bad.s.sent.length, 0);
    const start0 = gateway({ [LOGS]: ok([]) });
    await start0.gw.listUsageLogs({ ...q, start: 999, end: 1000 });
    assert.deepEqual(
      [start0.s.sent[0]?.search.get('start_timestamp'), start0.s.sent[0]?.search.get('end_timestamp')],
      ['0', '1'],
    );
  });

  it('stat: the same window and filters, no paging; the cost in USD, rpm and tpm when answered', async () => {
    const { gw, s } = gateway({ [STAT]: ok({ quota: 250_000, rpm: 3, tpm: 0 }) });
    assert.deepEqual(await gw.getUsageStat(q), { cost: { amount: '0.5', currency: 'USD' }, rpm: 3, tpm: 0 });
    assert.deepEqual(query(s.sent[0]!), {
      type: '2',
      start_timestamp: '10',
      end_timestamp: '20',
      token_name: 'ci',
      model_name: 'm',
    });
    assert.equal(s.sent[0]?.operation, 'get usage stat');
    for (const none of [null, undefined]) {
      const g = gateway({ [STAT]: ok({ quota: 0, rpm: none, tpm: none }) });
      assert.deepEqual(await g.gw.getUsageStat(q), { cost: { amount: '0', currency: 'USD' } });
    }
    const e = await fails(gateway({}).gw.getUsageStat({ ...q, end: Number.NaN }));
    assert.equal(e.operation, 'get usage stat');
    assert.equal(e.fieldErrors[0]?.field, 'end_timestamp');
  });

  it('requests: the log route in the dialect; a 404 is unsupported (not offered); other errors pass; the size capped at 100', async () => {
    const row = { id: 4, created_at: SEC, type: 2, quota: 0 };
    const { gw, s } = gateway({ [LOGS]: ok({ page: 1, total: 1, items: [row] }) });
    const f = { start: 10_000, end: 20_000, status: 'success' as const };
    const page = await gw.listRequests(f, { page: 0, pageSize: 500 });
    assert.equal(s.sent[0]?.operation, 'list requests');
    assert.deepEqual([s.sent[0]?.search.get('num'), s.sent[0]?.search.get('page_size')], ['100', '100']);
    assert.deepEqual([page.page, page.pageSize, page.total, page.hasMore, page.items.length], [0, 100, 1, false, 1]);
    assert.equal(gw.dialect, 'new-api');
    const later = gateway({ [`GET ${TOKENS}`]: ok([]), [LOGS]: ok([]) });
    await later.gw.listRequests(f, { page: 3, pageSize: 10 });
    assert.deepEqual(
      later.s.sent.map((r) => [r.path, r.operation]),
      [
        [TOKENS, 'list requests'],
        [AIHUBMIX_ROUTES.logs, 'list requests'],
      ],
    );
    assert.deepEqual(
      [later.s.sent[1]?.search.get('p'), later.s.sent[1]?.search.get('num'), later.s.sent[1]?.search.has('page_size')],
      ['3', '10', false],
    );
    const missing = gateway({ [LOGS]: { status: 404, json: { success: false, message: 'Not Found' } } });
    const e = await fails(missing.gw.listRequests(f, { page: 0, pageSize: 10 }));
    assert.equal(e.kind, 'unsupported');
    assert.equal(e.message, 'this gateway does not offer per-request logs');
    assert.equal(e.operation, 'list requests');
    assert.equal(e.gateway, 'Hub (T)');
    const foreign = Object.assign(new Error('not found'), { kind: 'not-found' });
    const odd = gateway({
      [LOGS]: () => {
        throw foreign;
      },
    });
    await assert.rejects(odd.gw.listRequests(f, { page: 0, pageSize: 10 }), (e) => e === foreign);
    const busy = gateway({ [LOGS]: { status: 503, json: {} } });
    assert.equal((await fails(busy.gw.listRequests(f, { page: 0, pageSize: 10 }))).kind, 'server');
  });
});

describe('AIHubMix: the caller’s abort signal reaches every request of a call', () => {
  it('each call, its dialect probe and its follow-up reads carry the signal', async () => {
    const signal = new AbortController().signal;
    const opts = { signal };
    const script = (): Script => ({
      [`GET ${AIHUBMIX_ROUTES.self}`]: ok({ id: 1, quota: 0, used_quota: 0 }),
      [`GET ${TOKENS}`]: ok([]),
      [`POST ${TOKENS}`]: ok(null),
      [`PUT ${TOKENS}`]: ok(null),
      [`GET ${TOKENS}7`]: ok(oneToken({ key: '' })),
      [`DELETE ${TOKENS}7`]: ok(null),
      [`POST ${TOKENS}7/key`]: ok({ key: KEY48 }),
      [`GET ${AIHUBMIX_ROUTES.tokenSearch}`]: ok([oneToken({ name: 'n' })]),
      [`GET ${AIHUBMIX_ROUTES.availableModels}`]: ok(['m']),
      [`GET ${AIHUBMIX_ROUTES.catalogue}`]: ok([]),
      [`GET ${AIHUBMIX_ROUTES.logs}`]: ok([]),
      [`GET ${AIHUBMIX_ROUTES.logStat}`]: ok({ quota: 0 }),
    });
    const window = { start: 0, end: 1000 };
    const calls: Array<[string, (gw: AihubmixGateway) => Promise<unknown>, number]> = [
      ['whoAmI', (gw) => gw.whoAmI(opts), 1],
      ['billing', (gw) => gw.getBillingAccount(opts), 1],
      ['list keys (probe first)', (gw) => gw.listKeys({ page: 1, pageSize: 1, signal }), 2],
      ['search', (gw) => gw.searchKeys('n', opts), 1],
      ['get', (gw) => gw.getKey('7', opts), 1],
      ['create (probe, post, search)', (gw) => gw.createKey({ name: 'n' }, opts), 3],
      ['update (read, put, read)', (gw) => gw.updateKey('7', { name: 'n' }, opts), 3],
      ['enable (put, read)', (gw) => gw.setKeyEnabled('7', true, opts), 2],
      ['delete', (gw) => gw.deleteKey('7', opts), 1],
      ['reveal (read, reveal)', (gw) => gw.revealKey('7', opts), 2],
      ['models', (gw) => gw.listModels(opts), 2],
      ['usage logs (probe first)', (gw) => gw.listUsageLogs({ ...window, page: 1, pageSize: 1 }, opts), 2],
      ['usage stat', (gw) => gw.getUsageStat(window, opts), 1],
      ['requests (probe first)', (gw) => gw.listRequests(window, { page: 1, pageSize: 1, signal }), 2],
    ];
    for (const [name, call, requests] of calls) {
      const { gw, s } = gateway(script());
      await call(gw);
      assert.equal(s.sent.length, requests, name);
      for (const r of s.sent) assert.equal(r.signal, signal, `${name}: ${r.method} ${r.path}`);
    }
  });
});
