/**
 * The keys tree (view aiGateway.connections) and the key actions, inside a real VS Code, against the gateway
 * simulator (in this process, on loopback) — for both gateways. Every write is checked in what the simulator holds
 * (GET /__sim/keys), not only in what the tree shows.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { AiGatewayTestApi } from '../../../src/extension';
import type { KeyNode, KeysNode, MessageNode } from '../../../src/features/keys/nodes';
import type { KeyRef } from '../../../src/features/keys/refs';
import { shortMask } from '../../../src/features/keys/items';
import { startSimulator, type Simulator } from '../../simulator/index';
import { gatewayOf, testApi, type Kind } from './fixture';
const PAGE = 50;
const LIST_PATH: Record<Kind, string> = { aione: '/api/v1/gateway/keys', aihubmix: '/api/token/' };

interface SimAione {
  id: string;
  name: string;
  status: string;
  secret: string;
  models_allowed: string[] | null;
}
interface SimHub {
  id: number;
  name: string;
  status: number;
  key: string;
  models: string | null;
}
type SimRecord = SimAione | SimHub;

async function simKeys(s: Simulator, kind: Kind): Promise<SimRecord[]> {
  const res = await fetch(`${kind === 'aione' ? s.aione.url : s.aihubmix.url}/__sim/keys?gateway=${kind}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { items: SimRecord[] }).items;
}
const simKey = async (s: Simulator, kind: Kind, id: string) =>
  (await simKeys(s, kind)).find((k) => String(k.id) === id);
const fullSecret = (kind: Kind, r: SimRecord) =>
  kind === 'aione' ? (r as SimAione).secret : `sk-${(r as SimHub).key}`;
const simStatus = (kind: Kind, r: SimRecord | undefined) =>
  r === undefined
    ? 'gone'
    : kind === 'aione'
      ? (r as SimAione).status
      : ({ 1: 'active', 2: 'disabled', 0: 'disabled', 3: 'expired', 4: 'exhausted' } as Record<number, string>)[
          (r as SimHub).status
        ];

const isKey = (n: KeysNode): n is KeyNode => n.type === 'key';
/** Waits until `f` gives something (polling; fails after 10 s). */
async function until<T>(f: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
const isMessage = (n: KeysNode): n is MessageNode => n.type === 'message';

describe('Keys tree and key actions (real VS Code, simulator)', function () {
  this.timeout(120_000);
  let api: AiGatewayTestApi;
  let simOneApi: Simulator;
  let simNewApi: Simulator;
  let big: Simulator | undefined;
  const added: string[] = [];
  const conn: Partial<Record<Kind | 'newapi', string>> = {};

  async function addConnection(kind: Kind, s: Simulator, label: string, token?: string): Promise<string> {
    const g = gatewayOf(s, kind);
    const p = await api.connections.add({ kind, label, baseUrl: g.url }, token ?? g.token);
    added.push(p.id);
    return p.id;
  }
  async function children(id: string): Promise<KeysNode[]> {
    const node = api.keysView.connectionNode(id);
    assert.ok(node, `the tree has a node for ${id}`);
    return api.keysView.getChildren(node);
  }
  async function keyNodes(id: string): Promise<KeyNode[]> {
    return (await children(id)).filter(isKey);
  }
  const ref = (n: KeyNode): KeyRef => ({ connectionId: n.connectionId, keyId: n.keyId });
  /** List requests of the tree's page size (other features, e.g. the status bar, list with other sizes). */
  const pageSizeOf = (r: { query: Record<string, string> }) => r.query.page_size ?? r.query.num;
  const listCalls = (s: Simulator, kind: Kind) =>
    s.requests.filter(
      (r) => r.gateway === kind && r.method === 'GET' && r.path === LIST_PATH[kind] && pageSizeOf(r) === String(PAGE),
    ).length;

  before(async () => {
    api = await testApi();
    simOneApi = await startSimulator({ host: '127.0.0.1', keyCount: 120, seed: 7 });
    simNewApi = await startSimulator({ host: '127.0.0.1', keyCount: 120, seed: 8, aihubmixDialect: 'new-api' });
  });

  afterEach(() => {
    simOneApi.faults.clear();
    simNewApi.faults.clear();
  });

  after(async () => {
    for (const id of added) await api.connections.remove(id).catch(() => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await simOneApi?.close();
    await simNewApi?.close();
    await big?.close();
  });

  for (const flavor of ['aione', 'aihubmix', 'newapi'] as const) {
    // 'newapi': an AIHubMix connection to a backend built on new-api (the simulator's new-api dialect)
    const kind: Kind = flavor === 'aione' ? 'aione' : 'aihubmix';
    describe(flavor === 'newapi' ? 'aihubmix on new-api' : kind, () => {
      let sim: Simulator;
      before(async () => {
        sim = flavor === 'newapi' ? simNewApi : simOneApi;
        conn[flavor] = await addConnection(kind, sim, `Keys ${flavor}`);
      });

      it('fetches nothing until the connection is expanded, then lists one page; Load more appends the next', async () => {
        const id = conn[flavor]!;
        const roots = await api.keysView.getChildren();
        const root = roots.find((n) => n.type === 'connection' && n.connectionId === id);
        assert.ok(root, 'a top-level node per connection');
        const rootItem = api.keysView.getTreeItem(root);
        assert.equal(rootItem.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
        assert.equal(rootItem.contextValue, 'aiGateway.connection');
        assert.equal(listCalls(sim, kind), 0, 'adding a connection and rendering its node lists nothing');
        assert.equal(api.keysView.loadedKeys(id).length, 0);

        const first = await children(id);
        const keys = first.filter(isKey);
        assert.equal(keys.length, PAGE, 'one page of keys');
        assert.equal(listCalls(sim, kind), 1, 'one list request');
        const last = first[first.length - 1]!;
        assert.equal(last.type, 'loadMore', 'a "Load more…" item ends the page');
        const moreItem = api.keysView.getTreeItem(last);
        assert.equal(moreItem.command?.command, 'aiGateway.loadMoreKeys');

        const stored = await simKeys(sim, kind);
        const byId = new Map(stored.map((r) => [String(r.id), r]));
        for (const k of keys) {
          const r = byId.get(k.keyId);
          assert.ok(r, `key ${k.keyId} exists in the simulator`);
          const item = api.keysView.getTreeItem(k);
          assert.equal(item.label, r.name);
          assert.ok(
            String(item.description).startsWith(shortMask(k.key.maskedKey)),
            'the description starts with the tail of the masked key',
          );
          assert.ok(
            String(item.description).split(' · ').length <= 2,
            `at most the mask and one fact at the side bar's width: ${String(item.description)}`,
          );
          assert.ok(!String(item.description).includes(fullSecret(kind, r)), 'never the full key in the description');
          assert.match(
            String(item.contextValue),
            /^aiGateway\.key\.(active|grace|disabled|expired|exhausted|unknown)$/,
          );
          assert.equal(
            simStatus(kind, r) === 'disabled',
            item.contextValue === 'aiGateway.key.disabled',
            `status of ${k.keyId}`,
          );
        }
        // the tooltip is built lazily, with every field, never the secret
        const k0 = keys[0]!;
        const item0 = api.keysView.getTreeItem(k0);
        assert.equal(item0.tooltip, undefined, 'no tooltip before resolveTreeItem');
        const resolved = api.keysView.resolveTreeItem(item0, k0);
        const tip = (resolved?.tooltip as vscode.MarkdownString).value;
        for (const field of ['Status', 'Expires', 'Last used', 'Models allowed', 'IPs allowed'])
          assert.ok(tip.includes(field), `tooltip has ${field}`);
        assert.ok(!tip.includes(fullSecret(kind, byId.get(k0.keyId)!)));

        await vscode.commands.executeCommand('aiGateway.loadMoreKeys', { connectionId: id });
        const second = await keyNodes(id);
        assert.equal(second.length, 2 * PAGE, 'the next page was appended');
        assert.deepEqual(
          second.slice(0, PAGE).map((n) => n.keyId),
          keys.map((n) => n.keyId),
          'the first page is unchanged',
        );
        assert.equal(new Set(second.map((n) => n.keyId)).size, 2 * PAGE, 'no duplicates');
        assert.equal(api.keysView.loadedKeys(id).length, 2 * PAGE, 'the test API sees the same');
        const req = sim.requests
          .filter((r) => r.gateway === kind && r.path === LIST_PATH[kind] && pageSizeOf(r) === String(PAGE))
          .at(-1)!;
        // AIone `page` from 1; one-api `p` from 0; new-api `p` from 1 (with page_size)
        assert.equal(
          kind === 'aione' ? req.query.page : req.query.p,
          flavor === 'aihubmix' ? '1' : '2',
          'the second page was asked for',
        );
        if (flavor === 'newapi') assert.equal(req.query.page_size, String(PAGE), "new-api's size parameter");
        await api.keysView.loadMore(id);
        const all = await children(id);
        assert.equal(all.filter(isKey).length, 120, 'the last page');
        assert.ok(!all.some((n) => n.type === 'loadMore'), 'no "Load more…" after the last page');
        await api.keysView.settled(id);
      });

      it('filters by status and model over the loaded keys, by name on the server, and sorts by name', async () => {
        const id = conn[flavor]!;
        const loaded = await keyNodes(id);
        api.keysView.setFilter(id, { status: 'disabled' });
        const disabled = await children(id);
        assert.equal(disabled[0]?.type, 'message', 'the filter is shown first');
        // clicking the row changes the filter (it no longer clears it silently); its inline ✕ clears it
        assert.equal(api.keysView.getTreeItem(disabled[0]).command?.command, 'aiGateway.filterKeys');
        assert.equal(
          api.keysView.getTreeItem(disabled[0]).contextValue,
          'aiGateway.message.filter',
          'the row the inline Clear Filter button is on',
        );
        const dk = disabled.filter(isKey);
        assert.ok(dk.length > 0, 'the seeded data has disabled keys');
        assert.equal(dk.length, loaded.filter((n) => n.key.status === 'disabled').length);
        assert.ok(dk.every((n) => n.key.status === 'disabled'));
        const connItem = api.keysView.getTreeItem(api.keysView.connectionNode(id)!);
        assert.match(String(connItem.description), /filtered/, 'the connection says it is filtered');
        assert.match((connItem.tooltip as vscode.MarkdownString).value, /disabled/, 'and its tooltip names the filter');

        const restricted = loaded.find((n) => n.key.modelsAllowed.length > 0)!;
        const model = restricted.key.modelsAllowed[0]!;
        api.keysView.setFilter(id, { model });
        const byModel = (await children(id)).filter(isKey);
        assert.ok(byModel.some((n) => n.keyId === restricted.keyId));
        assert.ok(byModel.every((n) => n.key.modelsAllowed.length === 0 || n.key.modelsAllowed.includes(model)));

        // a name from the simulator's store: found through the gateway's search
        const stored = await simKeys(sim, kind);
        const target = stored.find(
          (r) =>
            !/[^\x20-\x7e]/.test(r.name) &&
            stored.filter((x) => x.name.toLowerCase().includes(r.name.toLowerCase())).length === 1,
        )!;
        assert.ok(target, 'a key with a unique name');
        const before = sim.requests.length;
        api.keysView.setFilter(id, { name: target.name });
        const byName = (await children(id)).filter(isKey);
        assert.deepEqual(
          byName.map((n) => n.keyId),
          [String(target.id)],
        );
        const search = sim.requests
          .slice(before)
          .find(
            (r) =>
              r.gateway === kind && (kind === 'aione' ? r.query.q === target.name : r.path === '/api/token/search'),
          );
        assert.ok(search, 'the name was searched on the gateway');

        await vscode.commands.executeCommand('aiGateway.clearKeyFilter', { connectionId: id });
        assert.equal(api.keysView.filterOf(id), undefined);
        await api.keysView.setSort(id, 'name');
        const sorted = (await keyNodes(id)).map((n) => n.key.name);
        const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
        assert.deepEqual(
          sorted,
          [...sorted].sort((a, b) => collator.compare(a, b)),
        );
        assert.equal(api.keysView.sortOf(id), 'name', 'the sort order is kept for the connection');
        await api.keysView.setSort(id, 'server');
        await api.keysView.settled(id);
      });

      it('type-to-filter: the keys are filtered by name as it is typed; the Clear line clears it', async () => {
        const id = conn[flavor]!;
        const loaded = await keyNodes(id);
        const target = loaded.find((n) => /^[a-z0-9-]{4,}$/i.test(n.key.name))!;
        assert.ok(target, 'a plain name to type');
        const typed = target.key.name.slice(0, -1);
        const running = api.keyPickers.pickFilter(id);
        const input = await until(() => api.keyPickers.openFilter, 'the filter input');
        input.type(typed);
        await until(() => api.keysView.filterOf(id)?.name === typed || undefined, 'the filter to follow the typing');
        const rows = (await children(id)).filter(isKey);
        assert.ok(
          rows.some((n) => n.keyId === target.keyId),
          'the key typed for is shown',
        );
        assert.ok(
          rows.every((n) => n.key.name.toLowerCase().includes(typed.toLowerCase())),
          'only keys whose name matches',
        );
        // still open: the next line chosen clears it (one step, no silent click on the "Filtered:" row)
        input.accept('clear');
        await running;
        assert.equal(api.keysView.filterOf(id), undefined);
        assert.equal((await keyNodes(id)).length, loaded.length);
        await api.keysView.settled(id);
      });

      it('a sort over some pages says "within the N loaded" and offers Load All; after it, the order covers every key', async () => {
        const id = conn[flavor]!;
        api.keysView.refreshConnection(id);
        await children(id);
        await api.keysView.setSort(id, 'name');
        const partial = await children(id);
        const head = partial[0]!;
        assert.ok(isMessage(head) && head.kind === 'partialSort', 'the first row says the order is partial');
        // AIone and new-api report a total; one-api does not
        assert.match(
          head.message,
          flavor === 'aihubmix' ? /within the 50 keys loaded/ : /within the 50 of 120 keys loaded/,
        );
        assert.equal(api.keysView.getTreeItem(head).command?.command, 'aiGateway.loadAllKeys');
        // the sort picker says the same per order: AIHubMix reads its list most used first, so that order covers all
        const choices = new Map(api.keyPickers.sortChoices(id).map((c) => [c.order, c.description ?? '']));
        assert.match(choices.get('name') ?? '', /within the 50/);
        // one-api reads its list most used first (order=used_quota); new-api has no such order
        if (flavor === 'aihubmix') assert.doesNotMatch(choices.get('usage') ?? '', /within/, 'most used covers all');
        if (flavor === 'newapi')
          assert.match(choices.get('usage') ?? '', /within the 50/, 'most used: only the loaded');
        await vscode.commands.executeCommand('aiGateway.loadAllKeys', { connectionId: id });
        const all = await children(id);
        assert.equal(all.filter(isKey).length, 120, 'every page was read');
        assert.ok(
          !all.some((n) => isMessage(n) && n.kind === 'partialSort'),
          'no "partial" row once every key is loaded',
        );
        assert.ok(!all.some((n) => n.type === 'loadMore'));
        const names = all.filter(isKey).map((n) => n.key.name);
        const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
        assert.deepEqual(
          names,
          [...names].sort((a, b) => collator.compare(a, b)),
          'sorted over all 120',
        );
        // an order the gateway has no data for is not offered (AIone keys report no usage)
        assert.equal(api.keysView.sortsFor(id).includes('usage'), kind !== 'aione');
        await api.keysView.setSort(id, 'usage');
        assert.equal(
          api.keysView.sortOf(id),
          kind === 'aione' ? 'server' : 'usage',
          "a stored order without data reads as the gateway's order",
        );
        await api.keysView.setSort(id, 'server');
        api.keysView.refreshConnection(id);
        await children(id);
        await api.keysView.settled(id);
      });

      it(
        kind === 'aione'
          ? 'Last used: AIone does not report it, and the tooltip says so (not "never")'
          : 'Last used: AIHubMix reports it',
        async () => {
          const id = conn[flavor]!;
          const k0 = (await keyNodes(id))[0]!;
          const tip = (api.keysView.resolveTreeItem(api.keysView.getTreeItem(k0), k0).tooltip as vscode.MarkdownString)
            .value;
          if (kind === 'aione') assert.match(tip, /Last used \| not reported by this gateway/);
          else assert.doesNotMatch(tip, /not reported/);
        },
      );

      it('a read that hangs shows a row with Cancel; cancelled, the rows read before stay, marked stale', async () => {
        const id = conn[flavor]!;
        const before = (await keyNodes(id)).map((n) => n.keyId);
        sim.faults.add({ gateway: kind, method: 'GET', path: LIST_PATH[kind], times: 1, fault: { kind: 'hang' } });
        api.keysView.refreshConnection(id);
        const waiting = await children(id);
        const row = waiting[0]!;
        assert.ok(
          isMessage(row) && row.kind === 'loading',
          `a "Reading the keys…" row: ${waiting.map((n) => n.type).join(',')}`,
        );
        assert.equal(api.keysView.getTreeItem(row).command?.command, 'aiGateway.cancelKeysLoad');
        assert.deepEqual(
          waiting.filter(isKey).map((n) => n.keyId),
          before,
          'the rows read before stay while it waits',
        );
        await vscode.commands.executeCommand('aiGateway.cancelKeysLoad', { connectionId: id });
        await api.keysView.settled(id);
        const after = await children(id);
        assert.ok(isMessage(after[0]!) && after[0].kind === 'cancelled', 'the read says it was cancelled');
        assert.deepEqual(
          after.filter(isKey).map((n) => n.keyId),
          before,
        );
        assert.match(String(api.keysView.getTreeItem(after.find(isKey)!).description), /stale/);
        sim.faults.clear();
        api.keysView.refreshConnection(id);
        assert.equal((await keyNodes(id)).length, PAGE, 'a new read lists them again');
        await api.keysView.settled(id);
      });

      it('disable and enable change the key in the simulator, and the tree follows', async () => {
        const id = conn[flavor]!;
        const node = (await keyNodes(id)).find(
          (n) => api.keysView.getTreeItem(n).contextValue === 'aiGateway.key.active',
        )!;
        assert.ok(node);
        const applied = await vscode.commands.executeCommand<boolean>('aiGateway.disableKey', node);
        assert.equal(applied, true);
        assert.equal(
          simStatus(kind, await simKey(sim, kind, node.keyId)),
          'disabled',
          'the simulator holds it disabled',
        );
        const after = (await keyNodes(id)).find((n) => n.keyId === node.keyId)!;
        assert.equal(api.keysView.getTreeItem(after).contextValue, 'aiGateway.key.disabled');

        const r = (await api.keyActions.setEnabled(ref(node), true))!;
        assert.equal(r.applied, true);
        assert.equal(r.key.status, 'active');
        assert.equal(simStatus(kind, await simKey(sim, kind, node.keyId)), 'active');
      });

      it('delete asks first (naming the key and the connection); declined, nothing changes; confirmed, the key is gone', async () => {
        const id = conn[flavor]!;
        const node = (await keyNodes(id)).at(-1)!;
        const asked: string[] = [];
        const saved = api.keyActions.confirm;
        try {
          api.keyActions.confirm = async (message) => {
            asked.push(message);
            return false;
          };
          assert.equal(await vscode.commands.executeCommand('aiGateway.deleteKey', ref(node)), false);
          assert.ok(await simKey(sim, kind, node.keyId), 'declined: still on the gateway');
          assert.equal(asked.length, 1);
          assert.ok(
            asked[0]!.includes(node.key.name) && asked[0]!.includes(`Keys ${flavor}`),
            `the question names the key and the connection: ${asked[0]}`,
          );

          api.keyActions.confirm = async () => true;
          assert.equal(await vscode.commands.executeCommand('aiGateway.deleteKey', node), true);
          assert.equal(await simKey(sim, kind, node.keyId), undefined, 'gone from the simulator');
          assert.ok(!(await keyNodes(id)).some((n) => n.keyId === node.keyId), 'gone from the tree');
        } finally {
          api.keyActions.confirm = saved;
        }
      });

      it(
        kind === 'aihubmix'
          ? 'copy key puts the full key on the clipboard'
          : 'copy key explains that AIone shows a secret only at create / rotate',
        async () => {
          const id = conn[flavor]!;
          const node = (await keyNodes(id))[0]!;
          const marker = `marker-${Date.now()}`;
          await vscode.env.clipboard.writeText(marker);
          const result = await vscode.commands.executeCommand<string>('aiGateway.copyKey', node);
          const stored = (await simKey(sim, kind, node.keyId))!;
          if (kind === 'aihubmix') {
            assert.equal(result, 'copied');
            assert.equal(await vscode.env.clipboard.readText(), fullSecret(kind, stored));
          } else {
            assert.equal(result, 'unavailable');
            assert.equal(await vscode.env.clipboard.readText(), marker, 'nothing was copied');
          }
        },
      );

      it('copy as snippet carries the chat base URL, the key (or a placeholder) and an allowed model', async () => {
        const id = conn[flavor]!;
        const nodes = await keyNodes(id);
        const restricted = nodes.find((n) => n.key.modelsAllowed.length > 0)!;
        const open = nodes.find((n) => n.key.modelsAllowed.length === 0)!;
        const base = `${kind === 'aione' ? sim.aione.url : sim.aihubmix.url}/v1`;
        for (const [node, format] of [
          [restricted, 'python'],
          [open, 'curl'],
        ] as const) {
          await vscode.commands.executeCommand('aiGateway.copyKeySnippet', {
            connectionId: id,
            keyId: node.keyId,
            format,
          });
          const text = await vscode.env.clipboard.readText();
          assert.ok(text.includes(base), `${format}: base URL ${base}`);
          const stored = (await simKey(sim, kind, node.keyId))!;
          if (kind === 'aihubmix') assert.ok(text.includes(fullSecret(kind, stored)), `${format}: the full key`);
          else {
            assert.ok(text.includes('<YOUR_KEY>'), `${format}: a placeholder`);
            assert.ok(!text.includes(fullSecret(kind, stored)));
            assert.match(text, /only when it is created or rotated/);
          }
          if (node === restricted)
            assert.ok(text.includes(`"${node.key.modelsAllowed[0]}"`), "the key's first allowed model");
          else assert.match(text, /"model":"[^"]+"/, "a model from the gateway's list");
        }
      });

      it('the details document shows the key and never its full secret', async () => {
        const id = conn[flavor]!;
        const node = (await keyNodes(id))[1]!;
        const editor = await api.keyActions.showDetails(ref(node));
        const text = editor.document.getText();
        assert.equal(editor.document.uri.scheme, 'aigateway-key');
        assert.ok(text.includes(node.key.name));
        assert.ok(text.includes(node.key.maskedKey));
        const stored = (await simKey(sim, kind, node.keyId))!;
        assert.ok(!text.includes(fullSecret(kind, stored)), 'no full secret');
        assert.ok(!text.includes(fullSecret(kind, stored).slice(-24)), 'not even most of it');
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      });

      it('a 429 on the list becomes an error item with one sentence and a retry', async () => {
        const id = conn[flavor]!;
        await api.keysView.settled(id);
        sim.faults.add({
          gateway: kind,
          method: 'GET',
          path: LIST_PATH[kind],
          times: 10,
          fault: { kind: 'status', status: 429 },
        });
        const shownBefore = (await keyNodes(id)).map((n) => n.keyId);
        await vscode.commands.executeCommand('aiGateway.refreshConnection', { connectionId: id });
        await children(id); // starts the read (retried with backoff on a GET: it may show "Reading the keys…" first)
        await api.keysView.settled(id);
        const nodes = await children(id);
        const err = nodes[0]!;
        assert.ok(isMessage(err) && err.kind === 'error', 'the error comes first');
        // the rows read before stay, marked stale, under the error
        const stale = nodes.filter(isKey);
        assert.deepEqual(
          stale.map((n) => n.keyId),
          shownBefore,
          'the keys read before are kept',
        );
        assert.match(String(api.keysView.getTreeItem(stale[0]!).description), /stale/);
        assert.ok(!nodes.some((n) => n.type === 'loadMore'), 'no "Load more…" under stale rows');
        assert.match(
          (api.keysView.getTreeItem(err).tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' '),
          /as read at .* may be out of date/,
        );
        const item = api.keysView.getTreeItem(err);
        assert.match(String(item.label), /Too many requests/);
        assert.equal(item.command?.command, 'aiGateway.refreshConnection', 'clicking retries');
        sim.faults.clear();
        await vscode.commands.executeCommand(item.command.command, ...((item.command.arguments ?? []) as unknown[]));
        assert.equal((await keyNodes(id)).length, PAGE, 'the retry lists the keys again');
        await api.keysView.settled(id);
      });

      it('a dropped connection becomes an error item', async () => {
        const id = conn[flavor]!;
        await api.keysView.settled(id);
        sim.faults.add({ gateway: kind, method: 'GET', path: LIST_PATH[kind], times: 1, fault: { kind: 'reset' } });
        const shownBefore = (await keyNodes(id)).length;
        api.keysView.refreshConnection(id);
        await children(id);
        await api.keysView.settled(id);
        const nodes = await children(id);
        assert.ok(isMessage(nodes[0]!) && nodes[0].kind === 'error');
        assert.equal(nodes.filter(isKey).length, shownBefore, 'the rows read before stay (stale) under the error');
        assert.match(nodes[0].message, /Could not reach the gateway/);
        assert.equal(
          (api.keysView.getTreeItem(api.keysView.connectionNode(id)!).iconPath as vscode.ThemeIcon).id,
          'warning',
          'the connection shows the error state',
        );
        sim.faults.clear();
        api.keysView.refreshConnection(id);
        assert.equal((await keyNodes(id)).length, PAGE);
        await api.keysView.settled(id);
      });

      it('a wrong token shows "Token rejected — Update token"', async () => {
        const wrongId = await addConnection(kind, sim, `Wrong ${kind}`, 'wrong-token-0123456789abcdef0123456789');
        const nodes = await children(wrongId);
        assert.equal(nodes.length, 1);
        const n = nodes[0]!;
        assert.ok(isMessage(n) && n.kind === 'tokenRejected');
        const item = api.keysView.getTreeItem(n);
        assert.match(String(item.label), /Token rejected/);
        assert.equal(item.command?.command, 'aiGateway.updateToken');
        assert.deepEqual(item.command.arguments, [{ connectionId: wrongId }]);
        const icon = api.keysView.getTreeItem(api.keysView.connectionNode(wrongId)!).iconPath as vscode.ThemeIcon;
        assert.equal(icon.id, 'lock');
        await api.connections.remove(wrongId);
      });

      if (kind === 'aihubmix')
        it('success:false on disable is an error and the simulator is unchanged', async () => {
          const id = conn[flavor]!;
          const node = (await keyNodes(id)).find((n) => n.key.status === 'active')!;
          sim.faults.add({
            gateway: kind,
            method: 'PUT',
            path: '/api/token/',
            times: 1,
            fault: { kind: 'success-false', message: '系统繁忙，请稍后再试' },
          });
          await assert.rejects(api.keyActions.setEnabled(ref(node), false), (e: unknown) => {
            assert.ok(e instanceof Error && e.message.includes('系统繁忙'), `the gateway's message: ${String(e)}`);
            return true;
          });
          assert.equal(
            simStatus(kind, await simKey(sim, kind, node.keyId)),
            'active',
            'the simulator still holds it enabled',
          );
          const still = (await keyNodes(id)).find((n) => n.keyId === node.keyId)!;
          assert.equal(still.key.status, 'active', 'the tree did not pretend');
          // through the command: the failure is reported (one sentence), the command resolves without a result
          sim.faults.add({
            gateway: kind,
            method: 'PUT',
            path: '/api/token/',
            times: 1,
            fault: { kind: 'success-false' },
          });
          assert.equal(await vscode.commands.executeCommand('aiGateway.disableKey', node), undefined);
          assert.equal(simStatus(kind, await simKey(sim, kind, node.keyId)), 'active');
        });
    });
  }

  it('10,000-key mode: the first page is one page, not 10,000 items (both gateways)', async () => {
    const b: Simulator = await startSimulator({ host: '127.0.0.1', keyCount: 10_000, seed: 11 });
    big = b;
    for (const kind of ['aione', 'aihubmix'] as const) {
      const id = await addConnection(kind, b, `Big ${kind}`);
      const nodes = await children(id);
      assert.equal(nodes.filter(isKey).length, PAGE, `${kind}: one page of keys`);
      assert.equal(nodes.length, PAGE + 1, `${kind}: the page and "Load more…"`);
      const more = nodes.at(-1)!;
      assert.equal(more.type, 'loadMore');
      if (kind === 'aione')
        assert.match(String(api.keysView.getTreeItem(more).label), /9950 more/, 'the total is known on AIone');
      const lists = b.requests.filter(
        (r) =>
          r.gateway === kind &&
          r.path === LIST_PATH[kind] &&
          (r.query.page_size === String(PAGE) || r.query.num === String(PAGE)),
      );
      assert.equal(lists.length, 1, `${kind}: one list request of ${PAGE}`);
      await api.keysView.loadMore(id);
      assert.equal((await keyNodes(id)).length, 2 * PAGE);
      await api.keysView.settled(id);
      await api.connections.remove(id);
      assert.equal(api.keysView.connectionNode(id), undefined, 'a removed connection leaves the tree');
    }
  });
});
