/**
 * What the integration suites share: the extension's id and test API, and the usual start — activate, start the
 * gateway simulator on loopback, add a connection to each of its gateways — with the matching clean-up (every
 * connection added through the fixture is removed, the simulator closed). Not a test file (mocha loads *.test.js).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AiGatewayTestApi } from '../../../src/extension';
import type { Prompter } from '../../../src/platform/prompter';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../simulator/index';

export type Kind = 'aione' | 'aihubmix';
export const KINDS: readonly Kind[] = ['aione', 'aihubmix'];

const REPO = process.env.AGC_REPO ?? path.resolve(__dirname, '../../../..');

export interface Manifest {
  readonly publisher: string;
  readonly name: string;
  readonly activationEvents?: string[];
  readonly contributes: {
    readonly commands: ReadonlyArray<{ readonly command: string }>;
    readonly configuration: { readonly properties: Record<string, unknown> };
  };
}

export const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as Manifest;
export const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;

/** The extension's test API, activating the extension when nothing did yet. */
export async function testApi(): Promise<AiGatewayTestApi> {
  const ext = vscode.extensions.getExtension<AiGatewayTestApi | undefined>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is loaded`);
  const api = ext.isActive ? ext.exports : await ext.activate();
  assert.ok(api, 'in ExtensionMode.Test activate() returns the test API');
  return api;
}

/** Polls `fn` (every 25 ms) until it gives a value, or fails after `ms`. */
export async function waitFor<T>(what: string, fn: () => T | undefined | false, ms = 20000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The base URL and the management token of one of the simulator's gateways. */
export function gatewayOf(sim: Simulator, kind: Kind): { readonly url: string; readonly token: string } {
  return kind === 'aione'
    ? { url: sim.aione.url, token: sim.aione.adminToken }
    : { url: sim.aihubmix.url, token: sim.aihubmix.accessToken };
}

/** A simulator and the connections a suite added to it. */
export interface SimulatorFixture {
  readonly api: AiGatewayTestApi;
  readonly sim: Simulator;
  /** Adds a connection (to this simulator unless another is given); close() removes it. */
  add(kind: Kind, label: string, opts?: { readonly token?: string; readonly sim?: Simulator }): Promise<string>;
  /** Connections added another way (a command, the demo) that close() removes too. */
  track(...ids: string[]): void;
  /** Removes every connection added or tracked here and closes the simulator. */
  close(): Promise<void>;
}

export interface Gateways extends SimulatorFixture {
  /** The connection added to each gateway ("<prefix> AIone", "<prefix> AIHubMix"), by kind. */
  readonly ids: Record<Kind, string>;
}

/** Activates the extension and starts the simulator (on 127.0.0.1, with `options`); no connection yet. */
export async function openSimulator(options: SimulatorOptions = {}): Promise<SimulatorFixture> {
  const api = await testApi();
  const sim = await startSimulator({ host: '127.0.0.1', ...options });
  const added: string[] = [];
  return {
    api,
    sim,
    add: async (kind, label, opts = {}) => {
      const g = gatewayOf(opts.sim ?? sim, kind);
      const p = await api.connections.add({ kind, label, baseUrl: g.url }, opts.token ?? g.token);
      added.push(p.id);
      return p.id;
    },
    track: (...ids) => {
      added.push(...ids);
    },
    close: async () => {
      for (const id of added) await api.connections.remove(id).catch(() => undefined);
      await sim.close();
    },
  };
}

/**
 * Activates the extension, starts the simulator (on 127.0.0.1, with `options`) and adds a connection to each of its
 * gateways, labelled "<prefix> AIone" and "<prefix> AIHubMix".
 */
export async function startGateways(prefix: string, options: SimulatorOptions = {}): Promise<Gateways> {
  const f = await openSimulator(options);
  const ids = {
    aione: await f.add('aione', `${prefix} AIone`),
    aihubmix: await f.add('aihubmix', `${prefix} AIHubMix`),
  };
  return { ...f, ids };
}

/** Runs `fn` with `p` as the Prompter of every flow (connections, keys), then puts the real one back. */
export async function withPrompter<T>(
  api: AiGatewayTestApi,
  p: Prompter,
  fn: () => Thenable<T> | Promise<T>,
): Promise<T> {
  const d = api.usePrompter(p);
  try {
    return await fn();
  } finally {
    d.dispose();
  }
}

/** The `aiGateway.connections` array of the user settings, as saved. */
export function savedProfiles(): Array<Record<string, unknown>> {
  return (
    vscode.workspace.getConfiguration('aiGateway').inspect<Array<Record<string, unknown>>>('connections')
      ?.globalValue ?? []
  );
}

/** A name no earlier test used: `<prefix>-<5 random characters>`. */
export const uniq = (prefix: string): string => `${prefix}-${Math.random().toString(36).slice(2, 7)}`;

/** The name "Create a key for chat" gives a key today: `chat-<local date>`. */
export function chatKeyNameToday(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `chat-${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}
