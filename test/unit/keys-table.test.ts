/**
 * The keys table's logic (src/features/keys/table/model.ts, bulk.ts) and the gateway-side sort both the table and
 * the tree ask for: which gateway pages make a table page, which column orders the gateway gives across every page,
 * what a page's order covers (said, never claimed), the header's cycle, the bulk plan (nothing silently skipped,
 * pending rotations named), and AIHubMix's `order=used_quota` read through the real client from the simulator.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { addDecimal, compareDecimal, usdToQuota } from '../../src/core/money';
import type { ApiKey } from '../../src/core/types';
import { planBulk, someNames, tally } from '../../src/features/keys/table/bulk';
import {
  type TableCaps,
  gatewayOrderFor,
  gatewayPages,
  nextSort,
  pageRows,
  sortableColumns,
  spendByKey,
} from '../../src/features/keys/table/model';
import { type KeySort, gatewayOrder, sortIsComplete, sortKeys } from '../../src/features/keys/logic';
import type { KeyNode } from '../../src/features/keys/nodes';
import type { KeysSource } from '../../src/features/keys/loading';
import { KeysState } from '../../src/features/keys/state';
import type { Logger } from '../../src/platform/logger';
import type { ConnectionProfile } from '../../src/platform/profiles';
import { AIHUBMIX_CAPABILITIES, NEWAPI_CAPABILITIES } from '../../src/gateway/aihubmix/capabilities';
import { AIONE_CAPABILITIES } from '../../src/gateway/aione/capabilities';
import { gatewayFor, startSimulator, type Simulator } from './support';

const key = (id: string, over: Partial<ApiKey> = {}): ApiKey => ({
  id,
  name: id,
  maskedKey: `sk-…${id}`,
  status: 'active',
  rawStatus: 1,
  modelsAllowed: [],
  allowedIps: [],
  expiresAt: null,
  ...over,
});
const quiet: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const usd = (amount: string) => ({ amount, currency: 'USD' as const });

const HUB: TableCaps = { keyListOrders: ['mostUsed', 'mostRemaining'], keyQuota: true, lastUsed: true, spend: 'used' };
const AIONE: TableCaps = { keyQuota: false, lastUsed: false, spend: 'month' };

describe('keys table: pages, orders, scope', () => {
  it('a table page is one gateway page when it fits a request, else consecutive pages of 100', () => {
    assert.deepEqual(gatewayPages(0, 25), { size: 25, pages: [0] });
    assert.deepEqual(gatewayPages(3, 50), { size: 50, pages: [3] });
    assert.deepEqual(gatewayPages(0, 200), { size: 100, pages: [0, 1] });
    assert.deepEqual(gatewayPages(2, 200), { size: 100, pages: [4, 5] });
  });

  it('the gateway sorts only what it has a parameter for: spend and quota, descending, on AIHubMix one-api', () => {
    assert.equal(gatewayOrderFor({ column: 'spend', dir: 'desc' }, HUB), 'mostUsed');
    assert.equal(gatewayOrderFor({ column: 'quota', dir: 'desc' }, HUB), 'mostRemaining');
    assert.equal(gatewayOrderFor({ column: 'spend', dir: 'asc' }, HUB), undefined, 'no ascending parameter');
    assert.equal(gatewayOrderFor({ column: 'name', dir: 'asc' }, HUB), undefined);
    assert.equal(gatewayOrderFor({ column: 'spend', dir: 'desc' }, AIONE), undefined, 'AIone sorts no list');
    assert.equal(gatewayOrderFor({ column: 'spend', dir: 'desc' }, { ...HUB, keyListOrders: [] }), undefined);
    // the tree asks the same question through the capabilities themselves
    assert.equal(gatewayOrder('usage', AIHUBMIX_CAPABILITIES), 'mostUsed');
    assert.equal(gatewayOrder('usage', NEWAPI_CAPABILITIES), undefined, 'new-api has no documented order');
    assert.equal(gatewayOrder('name', AIHUBMIX_CAPABILITIES), undefined);
    assert.equal(gatewayOrder('usage', AIONE_CAPABILITIES), undefined);
  });

  it('a sort is complete in the gateway order, read in its gateway order, or with every page read; not otherwise', () => {
    assert.equal(sortIsComplete('server', undefined, true), true);
    assert.equal(sortIsComplete('usage', 'mostUsed', true), true);
    assert.equal(sortIsComplete('usage', undefined, true), false);
    assert.equal(sortIsComplete('name', 'mostUsed', true), false);
    assert.equal(sortIsComplete('name', undefined, false), true);
  });

  it('columns the gateway reports nothing for are not sortable', () => {
    assert.deepEqual(sortableColumns(AIONE), ['name', 'status', 'expiry', 'spend', 'created']);
    assert.deepEqual(sortableColumns(HUB), ['name', 'status', 'quota', 'expiry', 'lastUsed', 'spend', 'created']);
    assert.ok(!sortableColumns({ ...HUB, spend: 'none' }).includes('spend'));
  });

  it('a page sorted locally says it covers only its keys; read in the gateway order it says so; all loaded covers all', () => {
    const keys = [
      key('b', { quota: { unlimited: false, used: usd('1') } }),
      key('a', { quota: { unlimited: false, used: usd('3') } }),
      key('c', { quota: { unlimited: false, used: usd('2') } }),
    ];
    const base = { keys, source: 'page' as const, filter: '', page: 0, pageSize: 25, caps: HUB, total: 60 };
    const local = pageRows({ ...base, sort: { column: 'name', dir: 'asc' } });
    assert.deepEqual(
      local.rows.map((k) => k.id),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(local.scope, { kind: 'within', count: 3, total: 60 });
    assert.equal(local.pageCount, 3);
    const server = pageRows({ ...base, sort: { column: 'spend', dir: 'desc' }, readIn: 'mostUsed' });
    assert.deepEqual(server.scope, { kind: 'gatewaySorted' });
    assert.deepEqual(
      server.rows.map((k) => k.id),
      ['a', 'c', 'b'],
    );
    assert.deepEqual(pageRows(base).scope, { kind: 'gateway' });
    assert.equal(pageRows({ ...base, filter: 'a' }).scope.kind, 'within', 'a filter over one page says so too');
    const all = pageRows({ ...base, source: 'all', pageSize: 2, page: 1, sort: { column: 'name', dir: 'desc' } });
    assert.deepEqual(
      all.rows.map((k) => k.id),
      ['a'],
    );
    assert.deepEqual(all.scope, { kind: 'all', count: 3 });
    assert.equal(all.pageCount, 2);
  });

  it("AIone's spend is this month's usage per key joined by id: a key the usage does not list spent 0, not 'the name'", () => {
    const monthly = spendByKey(
      [
        { keyId: 'x', cost: { amount: '1.10' } },
        { keyId: 'y', cost: { amount: '0.50' } },
        { keyId: 'x', cost: { amount: '2.05' } },
        { cost: { amount: '9' } },
      ],
      addDecimal,
    );
    assert.equal(compareDecimal(monthly.get('x')!, '3.15'), 0);
    const r = pageRows({
      keys: [key('a'), key('y'), key('x')],
      source: 'all',
      filter: '',
      page: 0,
      pageSize: 25,
      caps: AIONE,
      monthly,
      sort: { column: 'spend', dir: 'desc' },
    });
    assert.deepEqual(
      r.rows.map((k) => k.id),
      ['x', 'y', 'a'],
    );
  });

  it('a header click cycles natural → reversed → the gateway order; another column starts at its natural order', () => {
    assert.deepEqual(nextSort(undefined, 'name'), { column: 'name', dir: 'asc' });
    assert.deepEqual(nextSort({ column: 'name', dir: 'asc' }, 'name'), { column: 'name', dir: 'desc' });
    assert.equal(nextSort({ column: 'name', dir: 'desc' }, 'name'), undefined);
    assert.deepEqual(nextSort({ column: 'name', dir: 'asc' }, 'spend'), { column: 'spend', dir: 'desc' });
  });

  it('the tree and the table share one comparator: "most used" orders by used quota, unknown last', () => {
    const ks = [
      key('n'),
      key('lo', { quota: { unlimited: false, used: usd('0.5') } }),
      key('hi', { quota: { unlimited: false, used: usd('7') } }),
    ];
    assert.deepEqual(
      sortKeys(ks, 'usage').map((k) => k.id),
      ['hi', 'lo', 'n'],
    );
  });
});

describe('keys table: bulk plan', () => {
  const rotation = {
    connectionId: 'c',
    oldKeyId: 'old',
    oldKeyName: 'old-key',
    newKeyId: 'b',
    disableAt: '2030-01-01T00:00:00Z',
  };
  const known = new Map(
    [key('a'), key('b'), key('d', { status: 'disabled', rawStatus: 2 })].map((k) => [k.id, k] as const),
  );
  const involving = (k: ApiKey) =>
    k.id === 'b' ? { asReplacement: [rotation as never], asOld: [] } : { asReplacement: [], asOld: [] };

  it('disable: keys already disabled and ids no longer listed are reported, not sent; the replacement is named', () => {
    const plan = planBulk('disable', ['a', 'b', 'd', 'gone', 'a'], known, involving);
    assert.deepEqual(
      plan.todo.map((k) => k.id),
      ['a', 'b'],
      'each key once, in the order selected',
    );
    assert.deepEqual(
      plan.already.map((k) => k.id),
      ['d'],
    );
    assert.deepEqual(plan.missing, ['gone']);
    assert.deepEqual(
      plan.rotations.map((r) => r.key.id),
      ['b'],
    );
  });

  it('enable: an active key is already done; enabling takes nothing from a rotation', () => {
    const plan = planBulk('enable', ['a', 'b', 'd'], known, involving);
    assert.deepEqual(
      plan.todo.map((k) => k.id),
      ['d'],
    );
    assert.equal(plan.already.length, 2);
    assert.equal(plan.rotations.length, 0);
  });

  it('the tally counts failures and keys not applied alike; names are cut at ten with the rest counted', () => {
    const t = tally([
      { key: key('a'), result: 'done' },
      { key: key('b'), result: 'failed', error: 'x' },
      { key: key('c'), result: 'notApplied', status: '1' },
      { key: key('e'), result: 'cancelled' },
    ]);
    assert.equal(t.done, 1);
    assert.equal(t.failed.length, 2);
    assert.equal(t.cancelled, 1);
    const many = Array.from({ length: 12 }, (_, i) => key(`k${i}`));
    const n = someNames(many);
    assert.equal(n.more, 2);
    assert.ok(n.names.startsWith('"k0", "k1"'));
  });
});

describe('AIHubMix sorts its whole list on the server (simulator)', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ seed: 21, keyCount: 30, streamTokensPerSecond: 0 });
  });
  after(() => sim.close());

  it('order=used_quota: every page continues the order of the one before (not a sort of each page)', async () => {
    const g = gatewayFor(sim, 'aihubmix');
    try {
      const p0 = await g.listKeys({ page: 0, pageSize: 10, order: 'mostUsed' });
      const p1 = await g.listKeys({ page: 1, pageSize: 10, order: 'mostUsed' });
      const used = [...p0.items, ...p1.items].map((k) => k.quota?.used?.amount ?? '0');
      for (let i = 1; i < used.length; i++)
        assert.ok(compareDecimal(used[i - 1]!, used[i]!) >= 0, `page order broken at ${i}: ${used.join(', ')}`);
      const sent = sim.requests.filter((r) => r.path === '/api/token/' && r.method === 'GET').at(-1);
      assert.equal(sent?.query['order'], 'used_quota');
      // the most used key of all is first: the gateway's own order would start with the newest
      const all = sim.state.aihubmix.tokens.map((t) => t.used_quota);
      assert.equal(usdToQuota(p0.items[0]!.quota!.used!.amount), Math.max(...all));
      const plain = await g.listKeys({ page: 0, pageSize: 10 });
      assert.notDeepEqual(
        plain.items.map((k) => k.id),
        p0.items.map((k) => k.id),
      );
    } finally {
      await g.dispose();
    }
  });
});

describe('the keys tree sorts "most used" on the gateway where it can (simulator)', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ seed: 22, keyCount: 30, streamTokensPerSecond: 0 });
  });
  after(() => sim.close());

  function treeState(kind: 'aihubmix', sort: KeySort, orders: boolean) {
    const g = gatewayFor(sim, kind);
    // the same client with no gateway order: what the tree did before it asked the gateway to sort
    const gateway = orders
      ? g
      : (Object.create(g, { capabilities: { value: { ...g.capabilities, keyListOrders: [] } } }) as typeof g);
    const profile: ConnectionProfile = { id: 'h', kind, label: 'Sim h', baseUrl: sim.aihubmix.url };
    const source: KeysSource = {
      list: () => [profile],
      get: (id) => (id === 'h' ? profile : undefined),
      require: () => profile,
      hasToken: () => Promise.resolve(true),
      gateway: () => gateway,
    };
    const state = new KeysState({
      source,
      log: quiet,
      texts: {
        noKeys: () => 'no keys',
        noNameMatch: () => 'no match',
        noneLoadedMatches: () => 'none',
        noMatch: () => 'no match',
        filter: () => 'filter',
        loading: () => 'loading',
        cancelled: () => 'cancelled',
        partialSort: (s, n) => `sorted by ${s} within ${n}`,
      },
      pageSize: () => 10,
      sortOf: () => sort,
      orderOf: () => gatewayOrder(sort, gateway.capabilities),
      noToken: () => new Error('no token'),
      classify: (e) => ({ kind: 'error', message: String(e) }),
      message: String,
      changed: () => undefined,
    });
    return { state, node: state.nodeFor(profile), g };
  }

  it('AIHubMix one-api: the first page is the most used of all keys, and no row says "within the N loaded"', async () => {
    const { state, node, g } = treeState('aihubmix', 'usage', true);
    try {
      const rows = await state.children(node);
      assert.ok(!rows.some((n) => n.type === 'message' && n.kind === 'partialSort'), 'the order covers every key');
      const first = rows.find((n): n is KeyNode => n.type === 'key')!;
      const maxUsed = Math.max(...sim.state.aihubmix.tokens.map((t) => t.used_quota));
      assert.equal(usdToQuota(first.key.quota!.used!.amount), maxUsed, 'the most used key of all 30, not of a page');
      await state.loadMore('h');
      const used = (await state.children(node))
        .filter((n): n is KeyNode => n.type === 'key')
        .map((n) => n.key.quota?.used?.amount ?? '0');
      for (let i = 1; i < used.length; i++) assert.ok(compareDecimal(used[i - 1]!, used[i]!) >= 0, `order at ${i}`);
    } finally {
      state.dispose();
      await g.dispose();
    }
  });

  it('a gateway without the order: the sort says it covers only the keys loaded', async () => {
    const { state, node, g } = treeState('aihubmix', 'usage', false);
    try {
      const rows = await state.children(node);
      const head = rows[0]!;
      assert.ok(head.type === 'message' && head.kind === 'partialSort');
      assert.equal(head.type === 'message' ? head.message : '', 'sorted by usage within 10');
    } finally {
      state.dispose();
      await g.dispose();
    }
  });
});
