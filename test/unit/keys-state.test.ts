/**
 * The keys tree's state (src/features/keys/state.ts + loading.ts), without VS Code, against the simulator over
 * loopback: nothing is read before a connection is expanded; pages are appended without duplicates and end;
 * a reset starts a new generation whose answers are the only ones shown (a slow answer of the old one is dropped);
 * a name filter searches on the server and is shown a page at a time; failures become one message row of the
 * kind the tree's classifier gives; writes elsewhere update the loaded keys; a removed connection is forgotten.
 */
import { strict as assert } from 'node:assert';
import { after, afterEach, before, describe, it } from 'node:test';
import type { ApiKey, GatewayKind } from '../../src/core/types';
import type { DisposableGateway } from '../../src/gateway/index';
import { isGatewayError } from '../../src/gateway/errors';
import type { Logger } from '../../src/platform/logger';
import type { ConnectionProfile } from '../../src/platform/profiles';
import type { KeyFilter } from '../../src/features/keys/logic';
import type { KeyNode, KeysNode, MessageNode } from '../../src/features/keys/nodes';
import type { KeysSource } from '../../src/features/keys/loading';
import { KeysState } from '../../src/features/keys/state';
import { gatewayFor, startSimulator, type Simulator } from './support';

const PAGE = 10;
const quiet: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

class NoTokenError extends Error {}

/** A source with real gateway clients pointed at the simulator; tokens and profiles as the test sets them. */
class SimSource implements KeysSource {
  profiles: ConnectionProfile[] = [];
  readonly tokens = new Set<string>();
  private readonly clients = new Map<string, DisposableGateway>();
  constructor(private readonly sim: Simulator) {}
  addConnection(id: string, kind: GatewayKind, token?: string): ConnectionProfile {
    const p: ConnectionProfile = {
      id,
      kind,
      label: `Sim ${id}`,
      baseUrl: kind === 'aione' ? this.sim.aione.url : this.sim.aihubmix.url,
    };
    this.profiles = [...this.profiles, p];
    this.tokens.add(id);
    this.clients.set(id, gatewayFor(this.sim, kind, token ? { token } : {}));
    return p;
  }
  list(): readonly ConnectionProfile[] {
    return this.profiles;
  }
  get(id: string): ConnectionProfile | undefined {
    return this.profiles.find((p) => p.id === id);
  }
  require(id: string): ConnectionProfile {
    const p = this.get(id);
    if (!p) throw new Error(`no connection ${id}`);
    return p;
  }
  hasToken(id: string): Promise<boolean> {
    return Promise.resolve(this.tokens.has(id));
  }
  /** Answers already on their way when a read is aborted: the client does not pass the signal on. */
  ignoreAbort = false;
  gateway(id: string): DisposableGateway {
    const g = this.clients.get(id);
    if (!g) throw new Error(`no client ${id}`);
    if (!this.ignoreAbort) return g;
    return Object.assign(Object.create(g) as DisposableGateway, {
      listKeys: (opts: Parameters<DisposableGateway['listKeys']>[0]) =>
        g.listKeys({ page: opts.page, pageSize: opts.pageSize }),
    });
  }
  async dispose(): Promise<void> {
    for (const g of this.clients.values()) await g.dispose();
  }
}

function newState(source: SimSource) {
  return new KeysState({
    source,
    log: quiet,
    texts: {
      noKeys: () => 'no keys',
      noNameMatch: (t) => `no name matches ${t}`,
      noneLoadedMatches: (n) => `none of ${n} matches`,
      noMatch: () => 'no match',
      filter: (f: KeyFilter) => `filter ${JSON.stringify(f)}`,
      loading: () => 'loading',
      cancelled: () => 'cancelled',
      partialSort: (sort, loaded, total) => `sorted by ${sort} within ${loaded} of ${total ?? '?'}`,
    },
    pageSize: () => PAGE,
    sortOf: () => 'server',
    noToken: () => new NoTokenError('no token'),
    classify: (e) => ({
      kind: e instanceof NoTokenError ? 'noToken' : isGatewayError(e) && e.kind === 'auth' ? 'tokenRejected' : 'error',
      message: e instanceof Error ? e.message : String(e),
    }),
    message: (e) => (e instanceof Error ? e.message : String(e)),
    changed: () => undefined,
  });
}

const keysOf = (rows: readonly KeysNode[]): KeyNode[] => rows.filter((n): n is KeyNode => n.type === 'key');
const listRequests = (sim: Simulator, kind: GatewayKind) =>
  sim.requests.filter(
    (r) =>
      r.gateway === kind &&
      r.method === 'GET' &&
      r.path === (kind === 'aione' ? '/api/v1/gateway/keys' : '/api/token/'),
  );

describe('keys state (no VS Code, simulator)', () => {
  let sim: Simulator;
  let source: SimSource;

  before(async () => {
    sim = await startSimulator({ seed: 13, keyCount: 25, streamTokensPerSecond: 0 });
  });
  afterEach(async () => {
    sim.faults.clear();
    await source?.dispose();
  });
  after(() => sim.close());

  it('reads nothing before a connection is expanded, then one page with "Load more…" naming what is left', async () => {
    source = new SimSource(sim);
    const p = source.addConnection('a1', 'aione');
    const state = newState(source);
    const before = listRequests(sim, 'aione').length;
    assert.equal(state.view('a1').phase, 'idle');
    assert.equal(listRequests(sim, 'aione').length, before, 'nothing was read');
    const rows = await state.children(state.nodeFor(p));
    assert.equal(keysOf(rows).length, PAGE);
    const more = rows.at(-1)!;
    assert.equal(more.type, 'loadMore');
    assert.equal(more.type === 'loadMore' ? more.remaining : -1, 25 - PAGE, 'AIone reports its total');
    assert.equal(state.view('a1').total, 25);
    assert.equal(listRequests(sim, 'aione').length, before + 1, 'one request');
    state.dispose();
  });

  it('appends later pages without duplicates until the last, and keeps the nodes of keys already shown', async () => {
    source = new SimSource(sim);
    const p = source.addConnection('h1', 'aihubmix');
    const state = newState(source);
    const node = state.nodeFor(p);
    const first = keysOf(await state.children(node));
    await state.loadMore('h1');
    await state.loadMore('h1');
    await state.loadMore('h1');
    const rows = await state.children(node);
    const all = keysOf(rows);
    assert.equal(all.length, 25, 'every key once');
    assert.equal(new Set(all.map((k) => k.keyId)).size, 25, 'no duplicate');
    assert.ok(!rows.some((n) => n.type === 'loadMore'), 'no "Load more…" after the last page');
    assert.equal(all[0], first[0], 'the node of a key already shown is the same object (the view keeps its selection)');
    state.dispose();
  });

  it('a reset starts a new generation: a slow answer of the old one is dropped, the new read is shown', async () => {
    source = new SimSource(sim);
    const p = source.addConnection('a2', 'aione');
    const state = newState(source);
    const node = state.nodeFor(p);
    sim.faults.add({
      gateway: 'aione',
      method: 'GET',
      path: '/api/v1/gateway/keys',
      times: 1,
      fault: { kind: 'latency', ms: 400 },
    });
    const slow = state.children(node);
    for (let i = 0; i < 100 && sim.faults.list().length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(state.view('a2').phase, 'loading');
    state.reset('a2');
    assert.equal(state.view('a2').phase, 'idle', 'the reset forgets the read under way');
    const stale = await slow;
    assert.equal(state.view('a2').phase, 'idle', 'the old answer did not land');
    assert.deepEqual(stale, [], 'the old read shows nothing');
    const fresh = await state.children(node);
    assert.equal(keysOf(fresh).length, PAGE);
    assert.equal(state.view('a2').phase, 'ok');
    state.dispose();
  });

  it('an answer that arrives for an older generation (not stopped by the abort) is dropped; the newer read wins', async () => {
    source = new SimSource(sim);
    source.ignoreAbort = true;
    const p = source.addConnection('a6', 'aione');
    const state = newState(source);
    const node = state.nodeFor(p);
    const term = sim.state.aione.keys[0]!.name.slice(0, 4);
    sim.faults.add({
      gateway: 'aione',
      method: 'GET',
      path: '/api/v1/gateway/keys',
      times: 1,
      fault: { kind: 'latency', ms: 300 },
    });
    const slow = state.children(node); // the first page, held 300 ms by the gateway
    for (let i = 0; i < 100 && sim.faults.list().length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    state.reset('a6');
    state.setFilter('a6', { name: term });
    await state.children(node); // the newer read: a server-side name search
    assert.ok(state.view('a6').searching);
    await slow; // now the old page arrives
    assert.ok(state.view('a6').searching, 'the old page did not replace the search results');
    const shown = state.loadedKeys('a6');
    assert.ok(
      shown.length > 0 && shown.every((k) => k.name.toLowerCase().includes(term.toLowerCase())),
      'only the search results are held',
    );
    state.dispose();
  });

  it('a name filter searches on the server and shows the results a page at a time', async () => {
    source = new SimSource(sim);
    const p = source.addConnection('a3', 'aione');
    const state = newState(source);
    const node = state.nodeFor(p);
    await state.children(node);
    const name = state.loadedKeys('a3')[0]!.name;
    const term = name.slice(0, 3);
    const searches = () => sim.requests.filter((r) => r.gateway === 'aione' && r.query.q !== undefined).length;
    const before = searches();
    state.setFilter('a3', { name: term });
    const rows = await state.children(node);
    assert.equal(searches(), before + 1, 'the gateway was asked');
    assert.ok(state.view('a3').searching);
    assert.equal(rows[0]!.type, 'message');
    assert.equal((rows[0] as MessageNode).kind, 'filter');
    const found = keysOf(rows);
    assert.ok(
      found.length > 0 && found.every((k) => k.key.name.toLowerCase().includes(term.toLowerCase())),
      'only matching names',
    );
    assert.ok(found.length <= PAGE);
    state.setFilter('a3', undefined);
    const back = await state.children(node);
    assert.ok(!state.view('a3').searching, 'clearing the name reads the pages again');
    assert.equal(keysOf(back).length, PAGE);
    state.dispose();
  });

  it('a failed first page is one message row of the kind the classifier gives; a missing token is asked for, not sent', async () => {
    source = new SimSource(sim);
    const bad = source.addConnection('h2', 'aihubmix', 'wrong-token-0123456789abcdef0123456789');
    const none = source.addConnection('h3', 'aihubmix');
    source.tokens.delete('h3');
    const state = newState(source);
    const rejected = await state.children(state.nodeFor(bad));
    assert.equal(rejected.length, 1);
    assert.equal((rejected[0] as MessageNode).kind, 'tokenRejected');
    assert.equal(state.view('h2').error?.kind, 'tokenRejected');
    const before = sim.requests.length;
    const missing = await state.children(state.nodeFor(none));
    assert.equal((missing[0] as MessageNode).kind, 'noToken');
    assert.equal(sim.requests.length, before, 'no request without a token');
    state.dispose();
  });

  it('a write elsewhere updates the loaded keys (never keeping a secret); a delete removes it; the total follows', async () => {
    source = new SimSource(sim);
    const p = source.addConnection('a4', 'aione');
    const state = newState(source);
    const node = state.nodeFor(p);
    await state.children(node);
    const first = state.loadedKeys('a4')[0]!;
    const fresh: ApiKey = {
      ...first,
      id: 'new-key-1',
      name: 'fresh',
      secret: 'sk-nex-THIS-IS-A-SECRET-VALUE-0123456789',
    };
    state.upsertKey('a4', fresh);
    assert.equal(state.loadedKeys('a4')[0]!.id, 'new-key-1', 'a new key goes first');
    assert.equal(state.loadedKeys('a4')[0]!.secret, undefined, 'the secret shown once is not kept');
    assert.equal(state.view('a4').total, 26);
    state.upsertKey('a4', { ...first, name: 'renamed' });
    assert.equal(
      state.cachedKey({ connectionId: 'a4', keyId: first.id })?.name,
      'renamed',
      'a known key is replaced in place',
    );
    state.removeKey('a4', 'new-key-1');
    assert.ok(!state.loadedKeys('a4').some((k) => k.id === 'new-key-1'));
    assert.equal(state.view('a4').total, 25);
    state.dispose();
  });

  it('a connection removed while its keys are read: its node and state are forgotten, the late answer shows nothing', async () => {
    source = new SimSource(sim);
    const p = source.addConnection('a5', 'aione');
    const state = newState(source);
    sim.faults.add({
      gateway: 'aione',
      method: 'GET',
      path: '/api/v1/gateway/keys',
      times: 1,
      fault: { kind: 'latency', ms: 300 },
    });
    const reading = state.children(state.nodeFor(p));
    for (let i = 0; i < 100 && sim.faults.list().length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    source.profiles = [];
    state.profilesChanged();
    assert.equal(state.connectionNode('a5'), undefined);
    assert.deepEqual(await reading, []);
    assert.equal(state.view('a5').phase, 'idle');
    state.dispose();
  });
});
