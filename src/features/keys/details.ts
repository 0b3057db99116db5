/**
 * "View details": a rendered view per key (a webview through the webview host: the team by name, this month's usage,
 * limits, access, and the key's actions), re-read whenever the key is written; and a read-only virtual document
 * (scheme `aigateway-key:`) with the same key as Markdown. The secret never appears in either (only the masked
 * form): full keys are shown only on an explicit copy.
 * URI: `aigateway-key:/<connectionId>/<keyId>/<name>.md`.
 */
import * as vscode from 'vscode';
import { formatCompact, formatInteger, formatMoney } from '../../core/format';
import { isConnectionId, isKeyId } from '../../core/ids';
import { type Money, addDecimal } from '../../core/money';
import type { ApiKey } from '../../core/types';
import { describeKind } from '../../gateway';
import type { Gateway } from '../../gateway/gateway';
import { CommandIds } from '../../platform/commands';
import type { ConnectionStore } from '../../platform/connections';
import { userMessage } from '../../platform/errors';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import { WebviewHost, escapeHtml, webviewPanelOptions } from '../../webview/host';
import {
  type DetailAction,
  type DetailRow,
  type KeyDetailsInbound,
  type KeyDetailsOutbound,
  type KeyDetailsView,
  keyDetailsInboundSchema,
} from '../../webview/keyDetailsProtocol';
import { keyFields } from './fields';
import { statusLabel } from './labels';
import { displayStatus } from './logic';
import type { KeyRef } from './refs';

export const KEY_DETAILS_SCHEME = 'aigateway-key';

export function keyDetailsUri(ref: KeyRef, name: string): vscode.Uri {
  const safe =
    (name || ref.keyId)
      .replace(/[^\p{L}\p{N}_ .-]+/gu, '_')
      .slice(0, 60)
      .trim() || ref.keyId;
  return vscode.Uri.from({ scheme: KEY_DETAILS_SCHEME, path: `/${ref.connectionId}/${ref.keyId}/${safe}.md` });
}

export function parseKeyDetailsUri(uri: vscode.Uri): KeyRef | undefined {
  if (uri.scheme !== KEY_DETAILS_SCHEME) return undefined;
  const [, connectionId, keyId] = uri.path.split('/');
  if (!isConnectionId(connectionId) || !isKeyId(keyId)) return undefined;
  return { connectionId, keyId };
}

export class KeyDetailsProvider extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this._onDidChange.event;
  /** The last read of each key shown (masked fields only are ever rendered). */
  private readonly cache = new Map<string, ApiKey>();

  constructor(
    private readonly store: ConnectionStore,
    /** Team names of a connection, where the tree has read them. */
    private readonly teamsOf: (connectionId: string) => ReadonlyMap<string, string> | undefined = () => undefined,
    private readonly locale: () => string = () => vscode.env.language,
  ) {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(KEY_DETAILS_SCHEME, this));
    this._register(
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme === KEY_DETAILS_SCHEME) this.cache.delete(d.uri.toString());
      }),
    );
  }

  /** Shows `key` (as just read) and updates an open document of it. */
  set(uri: vscode.Uri, key: ApiKey): void {
    this.cache.set(uri.toString(), key);
    this._onDidChange.fire(uri);
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const ref = parseKeyDetailsUri(uri);
    if (!ref) return vscode.l10n.t('This is not a key document.');
    let key = this.cache.get(uri.toString());
    if (!key) {
      const ac = new AbortController();
      const sub = token.onCancellationRequested(() => ac.abort());
      try {
        key = await this.store.gateway(ref.connectionId).getKey(ref.keyId, { signal: ac.signal });
        this.cache.set(uri.toString(), key);
      } catch (e) {
        return `# ${vscode.l10n.t('Key details')}\n\n${userMessage(e)}\n`;
      } finally {
        sub.dispose();
      }
    }
    const profile = this.store.get(ref.connectionId);
    const teams = this.teamsOf(ref.connectionId);
    return renderKeyMarkdown(
      key,
      profile ? `${profile.label} (${describeKind(profile.kind).label})` : ref.connectionId,
      this.locale(),
      teams,
    );
  }
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** The document's text: who the key is, then the key-field table (fields.ts) — every field the gateway returned, except the secret. */
export function renderKeyMarkdown(
  k: ApiKey,
  connection: string,
  locale: string,
  teams?: ReadonlyMap<string, string>,
): string {
  const now = Date.now();
  const rows: Array<[string, string]> = [
    [vscode.l10n.t('Name'), k.name],
    [
      vscode.l10n.t('Key'),
      `\`${k.maskedKey.replace(/`/g, '')}\` ${vscode.l10n.t('(masked; use "Copy Key" for the full key)')}`,
    ],
    [vscode.l10n.t('Connection'), connection],
    ...keyFields(k, { now, locale, ...(teams ? { teams } : {}) }).map((f): [string, string] => [f.label, f.value]),
  ];
  const table = rows.map(([a, b]) => `| ${cell(a)} | ${cell(b)} |`).join('\n');
  const title = k.name || k.id;
  return (
    `# ${title.replace(/\r?\n/g, ' ')}\n\n| ${vscode.l10n.t('Field')} | ${vscode.l10n.t('Value')} |\n|---|---|\n${table}\n\n` +
    `_${vscode.l10n.t('Read from the gateway at {0}. Read-only.', new Date(now).toISOString().replace(/\.\d+Z$/, 'Z'))}_\n`
  );
}

// ---- the rendered view ----------------------------------------------------------------------------

export const KEY_DETAILS_VIEW_TYPE = 'aiGateway.keyDetails';

/** What the rendered details need from the keys tree: team names, and every write to a key. */
export interface KeyDetailsTree {
  teamsOf(connectionId: string): ReadonlyMap<string, string> | undefined;
  readonly onDidWriteKey: vscode.Event<{ readonly connectionId: string; readonly keyId?: string }>;
}

export interface KeyDetailsViewsDeps {
  readonly store: ConnectionStore;
  readonly tree: KeyDetailsTree;
  readonly log: Logger;
  readonly extensionUri: vscode.Uri;
  readonly locale?: () => string;
}

/** This month's usage of one key, as the gateway reports it (undefined: it reports none per key). */
export interface MonthUsage {
  readonly cost: Money;
  readonly requests?: number;
  readonly tokens?: number;
  /** AIHubMix counts by the key's name: keys sharing a name share the figure. */
  readonly byName?: boolean;
}

/** The first instant of the current UTC month. */
export function monthStartUtc(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** This month's usage of a key: AIone's usage per key, AIHubMix's log statistics for the key's name. */
export async function monthUsage(
  gateway: Gateway,
  key: ApiKey,
  now: number,
  signal?: AbortSignal,
): Promise<MonthUsage | undefined> {
  const start = monthStartUtc(now);
  const caps = gateway.capabilities;
  if (caps.usageSeries) {
    const rows = await gateway.queryUsage({ start, end: now + 1, groupBy: 'day', keyId: key.id }, { signal });
    return {
      cost: {
        amount: addDecimal('0', ...rows.map((r) => r.cost.amount)),
        currency: rows[0]?.cost.currency ?? caps.currency,
      },
      requests: rows.reduce((n, r) => n + r.requests, 0),
      tokens: rows.reduce((n, r) => n + r.totalTokens, 0),
    };
  }
  if (caps.usageLogs && key.name) {
    const stat = await gateway.getUsageStat({ start, end: now + 1, keyName: key.name }, { signal });
    return { cost: stat.cost, byName: true };
  }
  return undefined;
}

/** One rendered details panel per key, revealed when already open, re-read whenever the key is written. */
export class KeyDetailsViews extends Disposable {
  private readonly panels = new Map<string, KeyDetailsPanel>();

  constructor(private readonly deps: KeyDetailsViewsDeps) {
    super();
    this._register(
      deps.tree.onDidWriteKey((w) => {
        for (const p of this.panels.values())
          if (p.ref.connectionId === w.connectionId && (w.keyId === undefined || w.keyId === p.ref.keyId))
            void p.read();
      }),
    );
    this._register(
      deps.store.onDidChange(() => {
        for (const p of [...this.panels.values()]) if (!deps.store.get(p.ref.connectionId)) p.close();
      }),
    );
    this._register({
      dispose: () => {
        for (const p of [...this.panels.values()]) p.close();
      },
    });
  }

  open(ref: KeyRef): KeyDetailsPanel {
    const existing = this.panels.get(refKey(ref));
    if (existing) {
      existing.reveal();
      void existing.read();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      KEY_DETAILS_VIEW_TYPE,
      vscode.l10n.t('Key details'),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      webviewPanelOptions(this.deps.extensionUri),
    );
    const p = new KeyDetailsPanel(panel, ref, this.deps);
    this.panels.set(refKey(ref), p);
    p.onDidDispose(() => {
      if (this.panels.get(refKey(ref)) === p) this.panels.delete(refKey(ref));
    });
    return p;
  }

  panel(ref: KeyRef): KeyDetailsPanel | undefined {
    return this.panels.get(refKey(ref));
  }
}

const refKey = (r: KeyRef) => `${r.connectionId}/${r.keyId}`;

export class KeyDetailsPanel extends Disposable {
  readonly host: WebviewHost<KeyDetailsInbound, KeyDetailsOutbound>;
  private readonly _onDidDispose = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this._onDidDispose.event;
  private key: ApiKey | undefined;
  /** Team names read here, where the tree had not read them. */
  private teams: ReadonlyMap<string, string> | undefined;
  private usage: MonthUsage | undefined | 'error';
  private readAt = 0;
  private error = '';
  private gen = 0;
  private work: Promise<void> = Promise.resolve();
  /** The last view posted (the tests read it). */
  view: KeyDetailsView | undefined;

  constructor(
    panel: vscode.WebviewPanel,
    readonly ref: KeyRef,
    private readonly deps: KeyDetailsViewsDeps,
  ) {
    super();
    this.host = this._register(
      new WebviewHost<KeyDetailsInbound, KeyDetailsOutbound>(deps.extensionUri, {
        ui: 'keyDetails',
        schema: keyDetailsInboundSchema,
        log: deps.log,
        handlers: {
          ready: () => this.post(),
          action: (m) => this.act(m.action),
        },
      }),
    );
    this.host.attach(
      panel,
      vscode.l10n.t('Key details'),
      `<main id="app" aria-busy="true"><p>${escapeHtml(vscode.l10n.t('Reading the key…'))}</p></main>`,
    );
    this._register(
      this.host.onDidClose(() => {
        this._onDidDispose.fire();
        this.dispose();
      }),
    );
    void this.read();
  }

  /** Every read finished (the tests wait on it). */
  settled(): Promise<void> {
    return this.work;
  }

  /** Reads the key and this month's usage again; the fields shown stay while it reads, and if it fails. */
  read(): Promise<void> {
    const p = this.doRead();
    this.work = this.work.then(() => p).catch(() => undefined);
    return p;
  }

  private async doRead(): Promise<void> {
    const gen = ++this.gen;
    try {
      const gateway = this.deps.store.gateway(this.ref.connectionId);
      const key = await gateway.getKey(this.ref.keyId);
      if (gen !== this.gen || this.isDisposed) return;
      this.key = key;
      this.readAt = Date.now();
      this.error = '';
      // the team by its name: read the names once where the tree has not
      if (key.teamId && gateway.capabilities.teams && !this.deps.tree.teamsOf(this.ref.connectionId) && !this.teams) {
        const teams = await gateway.listTeams().catch(() => undefined);
        if (teams) this.teams = new Map(teams.map((t) => [t.id, t.name]));
        if (gen !== this.gen || this.isDisposed) return;
      }
      this.post();
      const usage = await monthUsage(gateway, key, this.readAt).catch((e: unknown) => {
        this.deps.log.debug(`key details: this month's usage not read`, e);
        return 'error' as const;
      });
      if (gen !== this.gen) return;
      this.usage = usage;
    } catch (e) {
      if (gen !== this.gen) return;
      this.error = userMessage(e);
    }
    this.post();
  }

  private async act(action: DetailAction): Promise<void> {
    if (action === 'refresh') return this.read();
    const command = {
      edit: CommandIds.editKey,
      rotate: CommandIds.rotateKey,
      disable: CommandIds.disableKey,
      enable: CommandIds.enableKey,
      delete: CommandIds.deleteKey,
      copySnippet: CommandIds.copyKeySnippet,
      copyKey: CommandIds.copyKey,
    }[action];
    await vscode.commands.executeCommand(command, { ...this.ref });
  }

  private post(): void {
    if (this.isDisposed) return;
    const k = this.key;
    if (!k) {
      if (this.error) this.host.post({ type: 'state', view: this.emptyView() });
      return;
    }
    const locale = (this.deps.locale ?? (() => vscode.env.language))();
    const now = Date.now();
    const profile = this.deps.store.get(this.ref.connectionId);
    const caps = this.deps.store.gateway(this.ref.connectionId).capabilities;
    const teams = this.deps.tree.teamsOf(this.ref.connectionId) ?? this.teams;
    const fields = keyFields(k, { now, locale, ...(teams ? { teams } : {}) });
    const pick = (labels: string[]) => fields.filter((f) => labels.includes(f.label));
    const L = {
      status: vscode.l10n.t('Status'),
      grace: vscode.l10n.t('Rotation grace until'),
      remaining: vscode.l10n.t('Remaining quota'),
      used: vscode.l10n.t('Used'),
      rpm: vscode.l10n.t('Requests per minute'),
      tpm: vscode.l10n.t('Tokens per minute'),
      expires: vscode.l10n.t('Expires'),
      lastUsed: vscode.l10n.t('Last used'),
      created: vscode.l10n.t('Created'),
      models: vscode.l10n.t('Models allowed'),
      ips: vscode.l10n.t('IPs allowed'),
      sandbox: vscode.l10n.t('Sandbox'),
      id: vscode.l10n.t('Key id'),
    };
    // the team by its name; its id only where the name was not read
    const team: DetailRow[] =
      k.teamId === undefined
        ? []
        : [
            {
              label: vscode.l10n.t('Team'),
              value: k.teamId ? (teams?.get(k.teamId) ?? k.teamId) : vscode.l10n.t('none'),
            },
          ];
    const u = this.usage;
    const usageRows: DetailRow[] =
      u && u !== 'error'
        ? [
            { label: vscode.l10n.t('Spend'), value: formatMoney(u.cost, locale, 'amount') },
            ...(u.requests !== undefined
              ? [{ label: vscode.l10n.t('Requests'), value: formatInteger(u.requests, locale) }]
              : []),
            ...(u.tokens !== undefined
              ? [{ label: vscode.l10n.t('Tokens'), value: formatCompact(u.tokens, locale) }]
              : []),
          ]
        : [];
    const usageNote =
      u === 'error'
        ? vscode.l10n.t("This month's usage could not be read.")
        : u === undefined
          ? this.readAt && !caps.usageSeries && !caps.usageLogs
            ? vscode.l10n.t('This gateway does not report usage per key.')
            : vscode.l10n.t('Reading…')
          : u.byName
            ? vscode.l10n.t("From the gateway's request log for this key's name, since the 1st (UTC).")
            : vscode.l10n.t('Since the 1st of the month (UTC).');
    const status = displayStatus(k, now);
    const view: KeyDetailsView = {
      title: k.name || k.id,
      subtitle: `${k.maskedKey} · ${profile ? `${profile.label} (${describeKind(profile.kind).label})` : this.ref.connectionId}`,
      status,
      statusText: statusLabel(status),
      sections: [
        { heading: vscode.l10n.t('This month'), rows: usageRows, note: usageNote },
        {
          heading: vscode.l10n.t('Limits'),
          rows: pick([L.remaining, L.used, L.rpm, L.tpm, L.expires, L.grace]),
          note: '',
        },
        {
          heading: vscode.l10n.t('Access'),
          rows: [...pick([L.models, L.ips]), ...team, ...pick([L.sandbox])],
          note: '',
        },
        { heading: vscode.l10n.t('Key'), rows: pick([L.status, L.lastUsed, L.created, L.id]), note: '' },
      ],
      actions: [
        { action: 'copySnippet', label: vscode.l10n.t('Copy as Snippet') },
        ...(caps.secretsReadable ? [{ action: 'copyKey' as const, label: vscode.l10n.t('Copy Key') }] : []),
        { action: 'edit', label: vscode.l10n.t('Edit') },
        { action: 'rotate', label: vscode.l10n.t('Rotate') },
        k.status === 'disabled'
          ? { action: 'enable', label: vscode.l10n.t('Enable') }
          : { action: 'disable', label: vscode.l10n.t('Disable') },
        { action: 'delete', label: vscode.l10n.t('Delete'), danger: true },
        { action: 'refresh', label: vscode.l10n.t('Refresh') },
      ],
      readAt: vscode.l10n.t(
        'Read from the gateway at {0}.',
        new Date(this.readAt).toISOString().replace(/\.\d+Z$/, 'Z'),
      ),
      error: this.error,
    };
    this.view = view;
    if (this.host.panel) this.host.panel.title = vscode.l10n.t('Key: {0}', view.title);
    this.host.post({ type: 'state', view });
  }

  private emptyView(): KeyDetailsView {
    return {
      title: vscode.l10n.t('Key details'),
      subtitle: '',
      status: 'unknown',
      statusText: '',
      sections: [],
      actions: [{ action: 'refresh', label: vscode.l10n.t('Refresh') }],
      readAt: '',
      error: this.error,
    };
  }

  reveal(): void {
    this.host.reveal();
  }

  close(): void {
    this.host.close();
  }
}
