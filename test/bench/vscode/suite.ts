/**
 * Runs inside the extension host of a real VS Code (loaded as extensionTestsPath by test/bench/vscode.bench.ts).
 * Reports, never asserts:
 *  - activation: `activate()`'s own time (the test API measures it with performance.now()), beside the whole
 *    activation as the caller sees it (VS Code loading dist/extension.js and calling activate());
 *  - keys tree, 10,000 keys: from asking VS Code to expand a connection to its first page shown (TreeView.reveal
 *    with expand resolves once the workbench has fetched the children from the extension host and rendered them),
 *    median over fresh connections, interleaved with the same on the 48-key simulator (the baseline);
 *  - extension-host memory growth (heap + external after a full GC) for the first page and after loading all
 *    10,000 keys into the tree with "Load more", beside the same for 48 keys.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { performance } from 'node:perf_hooks';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AiGatewayTestApi } from '../../../src/extension';
import type { SimInfo } from '../sim-process';
import { median, report } from '../report';

type Kind = 'aione' | 'aihubmix';
const REPO = process.env.AGC_REPO ?? path.resolve(__dirname, '../../../..');
const ROUNDS = Number(process.env.AGC_TREE_ROUNDS ?? 7);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function gcFunction(): (() => void) | undefined {
  const g = (globalThis as { gc?: unknown }).gc;
  if (typeof g === 'function') return g as () => void;
  try {
    v8.setFlagsFromString('--expose-gc');
    const f = vm.runInNewContext('gc') as unknown;
    return typeof f === 'function' ? (f as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/** Heap + external after a full collection; the smallest of three readings (other extensions share this host). */
async function memory(gc: (() => void) | undefined): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    await sleep(150);
    gc?.();
    await new Promise((r) => setImmediate(r));
    gc?.();
    const m = process.memoryUsage();
    best = Math.min(best, m.heapUsed + m.external);
  }
  return best;
}

const MB = 1024 * 1024;

/**
 * Times every call the extension makes into the VS Code API while `fn` runs (the API object is shared by the
 * extension and this module: both live in the extension's folder). Returns the calls by API function, slowest first.
 */
async function timeApiCalls<T>(
  fn: () => Thenable<T>,
): Promise<{ result: T; calls: Array<{ name: string; n: number; ms: number }> }> {
  const acc = new Map<string, { n: number; ms: number }>();
  const restore: Array<() => void> = [];
  const api = vscode as unknown as Record<string, unknown>;
  for (const ns of ['window', 'commands', 'workspace', 'env', 'l10n', 'languages', 'extensions']) {
    const obj = api[ns] as Record<string, unknown> | undefined;
    if (!obj) continue;
    for (const key of Object.keys(obj)) {
      const desc = Object.getOwnPropertyDescriptor(obj, key);
      if (!desc || typeof desc.value !== 'function' || !desc.writable) continue;
      const original = desc.value as (...a: unknown[]) => unknown;
      const name = `${ns}.${key}`;
      obj[key] = function (this: unknown, ...args: unknown[]): unknown {
        const s = performance.now();
        try {
          return original.apply(this, args);
        } finally {
          const a = acc.get(name) ?? { n: 0, ms: 0 };
          a.n++;
          a.ms += performance.now() - s;
          acc.set(name, a);
        }
      };
      restore.push(() => {
        obj[key] = original;
      });
    }
  }
  try {
    const result = await fn();
    return { result, calls: [...acc].map(([name, a]) => ({ name, ...a })).sort((a, b) => b.ms - a.ms) };
  } finally {
    for (const r of restore) r();
  }
}

export async function run(): Promise<void> {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
    publisher: string;
    name: string;
  };
  const ext = vscode.extensions.getExtension<AiGatewayTestApi | undefined>(`${manifest.publisher}.${manifest.name}`);
  if (!ext) throw new Error('the extension is not installed in this host');
  const wasActive = ext.isActive;
  const t0 = performance.now();
  const { result: api, calls } = await timeApiCalls(() => ext.activate());
  const wall = performance.now() - t0;
  if (!api) throw new Error('no test API (is the host in test mode?)');
  const inApi = calls.reduce((a, c) => a + c.ms, 0);
  const top = calls
    .slice(0, 4)
    .map((c) => `${c.name} ×${c.n} ${c.ms.toFixed(1)} ms`)
    .join(', ');
  const production = !/sourceMappingURL=/.test(
    fs.readFileSync(path.join(REPO, 'dist', 'extension.js'), 'utf8').slice(-300),
  );
  report({
    id: 'activation.activate',
    what: 'activate() in the real VS Code (code-server 1.139 extension host)',
    value: api.activationMs,
    unit: 'ms',
    budget: '≤ 15 ms',
    ok: api.activationMs <= 15,
    baseline: wasActive
      ? 'the host had activated it already'
      : `the whole activation as the caller sees it (load dist/extension.js + activate) ${wall.toFixed(1)} ms; anchor GitLens 2017 876 ms`,
    note: `${production ? 'production bundle' : 'development bundle (not what ships)'}; of it, calls into the VS Code API ${inApi.toFixed(1)} ms (${top}), the extension's own code ${(api.activationMs - inApi).toFixed(1)} ms`,
  });

  const sims = JSON.parse(process.env.AGC_BENCH_SIMS ?? '{}') as { big?: SimInfo; small?: SimInfo };
  if (!sims.big || !sims.small) throw new Error('AGC_BENCH_SIMS is missing');
  const gc = gcFunction();
  const tree = api.keysView;
  const view = tree.view;
  let n = 0;

  const addConnection = async (kind: Kind, sim: SimInfo, label: string): Promise<string> => {
    const url = kind === 'aione' ? sim.aione.url : sim.aihubmix.url;
    const token = kind === 'aione' ? sim.aione.adminToken : sim.aihubmix.accessToken;
    const p = await api.connections.add({ kind, label: `${label} ${++n}`, baseUrl: url }, token);
    for (let i = 0; i < 100 && !tree.connectionNode(p.id); i++) await sleep(20);
    const node = tree.connectionNode(p.id);
    if (!node) throw new Error('the tree has no node for the new connection');
    // shown, collapsed: nothing is fetched before it is expanded
    await view.reveal(node, { select: false, focus: false, expand: false });
    await sleep(200);
    return p.id;
  };

  /** ms from asking for the expansion to the first page rendered. */
  const expand = async (id: string, expected: number): Promise<number> => {
    const node = tree.connectionNode(id);
    if (!node) throw new Error('no node');
    const s = performance.now();
    await view.reveal(node, { select: false, focus: false, expand: true });
    const ms = performance.now() - s;
    const loaded = tree.loadedKeys(id).length;
    if (loaded !== expected) throw new Error(`expected a first page of ${expected} keys, the tree holds ${loaded}`);
    return ms;
  };

  const page = vscode.workspace.getConfiguration('aiGateway').get<number>('keys.pageSize') ?? 50;
  for (const kind of ['aione', 'aihubmix'] as const) {
    const big: number[] = [];
    const small: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // interleaved, the order alternating
      for (const which of i % 2 === 0 ? (['big', 'small'] as const) : (['small', 'big'] as const)) {
        const id = await addConnection(kind, sims[which] as SimInfo, `bench ${which}`);
        const ms = await expand(id, which === 'big' ? page : Math.min(48, page));
        (which === 'big' ? big : small).push(ms);
        await tree.settled(id);
        await api.connections.remove(id);
        await sleep(100);
      }
    }
    report({
      id: `tree.expand.${kind}`,
      what: `keys tree, 10,000 keys (${kind === 'aione' ? 'AIone' : 'AIHubMix'}): expand → first page of ${page} shown`,
      value: median(big),
      unit: 'ms',
      budget: '≤ 300 ms',
      ok: median(big) <= 300,
      baseline: `48-key simulator ${median(small).toFixed(1)} ms`,
      note: `median of ${ROUNDS} fresh connections each; 10k samples ${big.map((x) => x.toFixed(0)).join('/')} ms`,
    });
  }

  // ---- memory: first page, then every key loaded through "Load more"
  const growth = async (
    sim: SimInfo,
    keys: number,
  ): Promise<{ first: number; all: number; loadAllMs: number; pages: number }> => {
    const m0 = await memory(gc);
    const id = await addConnection('aione', sim, `memory ${keys}`);
    await expand(id, Math.min(keys, page));
    await tree.settled(id);
    const m1 = await memory(gc);
    const s = performance.now();
    let pages = 1;
    for (let i = 0; i < 1000 && tree.loadedKeys(id).length < keys; i++) {
      await tree.loadMore(id);
      pages++;
    }
    if (tree.loadedKeys(id).length !== keys) throw new Error(`loaded ${tree.loadedKeys(id).length} of ${keys} keys`);
    // the workbench has the whole list once it can reveal the last key
    const last = tree.loadedKeys(id)[keys - 1];
    if (last) await tree.reveal({ connectionId: id, keyId: last.id }, { select: false, focus: false });
    const loadAllMs = performance.now() - s;
    const m2 = await memory(gc);
    await api.connections.remove(id);
    await sleep(300);
    return { first: (m1 - m0) / MB, all: (m2 - m0) / MB, loadAllMs, pages };
  };
  const small = await growth(sims.small, 48);
  const big = await growth(sims.big, 10_000);
  const gcNote = gc ? 'after a full GC' : 'no GC available: raw readings';
  report({
    id: 'tree.memory.firstPage',
    what: 'keys tree, 10,000 keys: extension-host memory growth, first page shown',
    value: big.first,
    unit: 'MB',
    budget: '≤ 20 MB',
    ok: big.first <= 20,
    baseline: `48-key simulator ${small.first.toFixed(2)} MB`,
    note: `heap + external, ${gcNote}`,
  });
  report({
    id: 'tree.memory.allKeys',
    what: 'keys tree: extension-host memory growth with all 10,000 keys loaded ("Load more")',
    value: big.all,
    unit: 'MB',
    budget: '≤ 20 MB',
    ok: big.all <= 20,
    baseline: `all 48 keys of the small simulator ${small.all.toFixed(2)} MB`,
    note: `heap + external, ${gcNote}; loading ${big.pages} pages took ${(big.loadAllMs / 1000).toFixed(1)} s`,
  });
}
