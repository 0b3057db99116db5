/**
 * The demo gateway: `npm start` runs the gateway simulator and passes its URLs and tokens to the extension host
 * in the env var AI_GATEWAY_CONSOLE_DEMO (JSON). "Connect to the demo gateway" adds a connection per simulated
 * gateway ("Demo AIone", "Demo AIHubMix"; loopback http), tokens into SecretStorage, skipping those already there.
 *
 * Activation only reads the env var (no parse, no network, no secret). When it is set and there is no
 * connection yet, the demo is connected shortly after activation (deferred) and, when the JSON asks for it
 * ("focus": true), the AI Gateway view container is shown. With connections already there, only a missing
 * token of a demo connection is restored.
 *
 * The demo's connections are added through the ConnectionStore, so they obey the same profile rules as any other
 * (loopback http:// or https://); its tokens and model keys are registered with the redaction as soon as they are parsed.
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import { maskSecret, rememberSecret } from '../../core/redact';
import type { GatewayKind } from '../../core/types';
import type { ActivityService } from '../../platform/activity';
import { CommandIds, registerCommand } from '../../platform/commands';
import type { ConnectionProfile, ConnectionStore } from '../../platform/connections';
import { Disposable, toDisposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import { checkBaseUrl } from '../../platform/urls';

export const DEMO_ENV = 'AI_GATEWAY_CONSOLE_DEMO';
export const DEMO_CONTEXT_KEY = 'aiGateway.demoAvailable';
const SHOW_CONTAINER_COMMAND = 'workbench.view.extension.aiGateway';

const loopbackUrl = z.string().refine(
  (u) => {
    const c = checkBaseUrl(u, false);
    return c.ok && !c.insecure;
  },
  { message: 'must be an https:// URL or a loopback http:// URL' },
);

function demoSchema() {
  return z
    .object({
      aione: z.object({ url: loopbackUrl, adminToken: z.string().min(1), modelKey: z.string().optional() }).optional(),
      aihubmix: z
        .object({
          url: loopbackUrl,
          accessToken: z.string().min(1),
          modelKey: z.string().optional(),
          userId: z.union([z.string(), z.number()]).optional(),
        })
        .optional(),
      /** Show the AI Gateway view container after connecting automatically. */
      focus: z.boolean().optional(),
    })
    .refine((d) => d.aione || d.aihubmix, { message: 'names neither aione nor aihubmix' });
}

export interface DemoConfig {
  readonly gateways: ReadonlyArray<{
    readonly kind: GatewayKind;
    readonly label: string;
    readonly url: string;
    readonly token: string;
    readonly modelKey?: string;
  }>;
  readonly focus: boolean;
}

/** Parses the env var's JSON; throws an Error naming what is wrong (never echoing a token). */
export function parseDemoConfig(json: string): DemoConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error(vscode.l10n.t('The demo gateway settings ({0}) are not valid JSON.', DEMO_ENV));
  }
  const r = demoSchema().safeParse(raw);
  if (!r.success) {
    const where = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(vscode.l10n.t('The demo gateway settings ({0}) are invalid: {1}', DEMO_ENV, where));
  }
  // the demo's secrets are masked in every log line and message from now on, stored or not
  for (const secret of [
    r.data.aione?.adminToken,
    r.data.aione?.modelKey,
    r.data.aihubmix?.accessToken,
    r.data.aihubmix?.modelKey,
  ])
    rememberSecret(secret);
  const gateways: Array<DemoConfig['gateways'][number]> = [];
  if (r.data.aione)
    gateways.push({
      kind: 'aione',
      label: 'Demo AIone',
      url: r.data.aione.url,
      token: r.data.aione.adminToken,
      ...(r.data.aione.modelKey ? { modelKey: r.data.aione.modelKey } : {}),
    });
  if (r.data.aihubmix)
    gateways.push({
      kind: 'aihubmix',
      label: 'Demo AIHubMix',
      url: r.data.aihubmix.url,
      token: r.data.aihubmix.accessToken,
      ...(r.data.aihubmix.modelKey ? { modelKey: r.data.aihubmix.modelKey } : {}),
    });
  return { gateways, focus: r.data.focus === true };
}

export interface ConnectDemoResult {
  readonly added: readonly ConnectionProfile[];
  /** Already connected (same gateway kind and base URL): left as they are, a missing token is stored again. */
  readonly skipped: readonly ConnectionProfile[];
}

function sameUrl(a: string, b: string): boolean {
  const ca = checkBaseUrl(a, true);
  const cb = checkBaseUrl(b, true);
  return ca.ok && cb.ok && ca.url === cb.url;
}

/**
 * Adds the demo connections that are not there yet (`addMissing: false`: only gives existing ones their token back).
 * Writes settings and secrets; no network call.
 */
export async function connectDemo(
  store: ConnectionStore,
  config: DemoConfig,
  opts: { readonly addMissing?: boolean } = {},
): Promise<ConnectDemoResult> {
  const added: ConnectionProfile[] = [];
  const skipped: ConnectionProfile[] = [];
  for (const g of config.gateways) {
    const existing = store.list().find((p) => p.kind === g.kind && sameUrl(p.baseUrl, g.url));
    if (existing) {
      if (!(await store.hasToken(existing.id))) await store.update(existing.id, {}, g.token);
      skipped.push(existing);
      continue;
    }
    if (opts.addMissing === false) continue;
    const p = await store.add({ kind: g.kind, label: g.label, baseUrl: g.url }, g.token);
    // the demo's model key pays for its chat (the chat panel, VS Code's chat), so its models are ready to use
    if (g.modelKey && store.secrets.chatKeyLabel(p.id) === undefined)
      await store.secrets.storeChatKey(p.id, g.modelKey, vscode.l10n.t('demo model key ({0})', maskSecret(g.modelKey)));
    added.push(p);
  }
  return { added, skipped };
}

export interface DemoFeatureDeps {
  readonly store: ConnectionStore;
  readonly log: Logger;
  /** "Connect to the Demo Gateway" counts as activity (the status bar starts its lazy refresh). */
  readonly activity: ActivityService;
  /** The env var's value, read at activation (cheap); parsed only when needed. Default: process.env. */
  readonly raw?: string;
}

export class DemoFeature extends Disposable {
  private parsed: DemoConfig | undefined;
  private readonly log: Logger;
  private readonly store: ConnectionStore;
  private readonly raw: string | undefined;

  constructor(deps: DemoFeatureDeps) {
    super();
    this.store = deps.store;
    this.raw = deps.raw ?? process.env[DEMO_ENV];
    const raw = this.raw;
    this.log = deps.log.child('demo');
    this._register(
      registerCommand(
        CommandIds.connectDemo,
        async () => {
          deps.activity.note();
          await this.connectFromCommand();
        },
        this.log,
      ),
    );
    if (raw?.trim()) {
      void vscode.commands.executeCommand('setContext', DEMO_CONTEXT_KEY, true);
      // after activation, never during it: writes settings and secrets, no network
      const t = setTimeout(() => void this.autoConnect(), 250);
      this._register(toDisposable(() => clearTimeout(t)));
    }
  }

  get available(): boolean {
    return !!this.raw?.trim();
  }

  /** The demo settings from the env var (parsed once). */
  config(): DemoConfig {
    if (!this.raw?.trim()) throw new Error(vscode.l10n.t('No demo gateway is configured: `npm start` provides one.'));
    this.parsed ??= parseDemoConfig(this.raw);
    return this.parsed;
  }

  /** Adds the demo connections from a JSON string like the env var's (the tests call this), or from the env var. */
  async connect(json?: string): Promise<ConnectDemoResult> {
    return connectDemo(this.store, json === undefined ? this.config() : parseDemoConfig(json));
  }

  private async connectFromCommand(): Promise<void> {
    const r = await this.connect();
    if (r.added.length) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Connected to the demo gateway: {0}.', r.added.map((p) => p.label).join(', ')),
      );
    } else {
      void vscode.window.showInformationMessage(vscode.l10n.t('The demo gateway is already connected.'));
    }
    await vscode.commands.executeCommand(SHOW_CONTAINER_COMMAND);
  }

  /**
   * With no connection yet: adds the demo connections. With some: only gives the demo ones their token back when
   * it is missing (code-server keeps SecretStorage in the browser, so another browser starts without tokens).
   */
  private async autoConnect(): Promise<void> {
    if (this.isDisposed) return;
    try {
      const cfg = this.config();
      const fresh = this.store.list().length === 0;
      const r = await connectDemo(this.store, cfg, { addMissing: fresh });
      this.log.info(
        `demo gateway: ${r.added.map((p) => p.label).join(', ') || 'nothing new'} added, ${r.skipped.length} already there`,
      );
      if (cfg.focus && !this.isDisposed) await vscode.commands.executeCommand(SHOW_CONTAINER_COMMAND);
    } catch (e) {
      this.log.warn('connecting the demo gateway failed:', e);
    }
  }
}
