/**
 * "View details" as a rendered view: one webview panel per key (through the webview host), revealed when already
 * open, re-read whenever the key is written (from the tree, the table or a flow) and closed with its connection. It
 * reads the key, the team names where the tree has not, and this month's usage; the fields shown stay while it reads
 * and if a read fails. Its buttons run the key's commands. The secret never appears (only the masked form). After a
 * reload VS Code gives each panel back with the ids of its key (never the key itself), and it reads the key again.
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import { connectionIdSchema, keyIdSchema } from '../../core/ids';
import type { ApiKey } from '../../core/types';
import { describeKind } from '../../gateway';
import { CommandIds } from '../../platform/commands';
import type { ConnectionStore } from '../../platform/connections';
import { userMessage } from '../../platform/errors';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import { WebviewHost, escapeHtml, webviewPanelOptions } from '../../webview/host';
import {
  type DetailAction,
  type KeyDetailsInbound,
  type KeyDetailsOutbound,
  type KeyDetailsView,
  keyDetailsInboundSchema,
} from '../../webview/keyDetailsProtocol';
import { type MonthUsage, emptyDetailsView, keyDetailsView, monthUsage } from './detailsView';
import type { KeyRef } from './refs';

export const KEY_DETAILS_VIEW_TYPE = 'aiGateway.keyDetails';

/** What VS Code keeps for a details panel across a reload (the page's setState → the serializer): the key's ids. */
const keptDetailsSchema = z.object({ connectionId: connectionIdSchema, keyId: keyIdSchema });

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
    // after a reload VS Code gives the panels back (activation event onWebviewPanel:aiGateway.keyDetails)
    this._register(
      vscode.window.registerWebviewPanelSerializer(KEY_DETAILS_VIEW_TYPE, {
        deserializeWebviewPanel: (panel, state) => {
          this.restore(panel, state);
          return Promise.resolve();
        },
      }),
    );
  }

  /** A panel VS Code restored: a valid state naming a known connection shows that key again; else it is closed. */
  restore(panel: vscode.WebviewPanel, state: unknown): KeyDetailsPanel | undefined {
    const r = keptDetailsSchema.safeParse(state);
    if (!r.success || !this.deps.store.get(r.data.connectionId) || this.panels.has(refKey(r.data))) {
      this.deps.log.debug('key details: a restored panel had no valid state (or its connection is gone); closed');
      panel.dispose();
      return undefined;
    }
    return this.adopt(panel, { connectionId: r.data.connectionId, keyId: r.data.keyId });
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
    return this.adopt(panel, ref);
  }

  private adopt(panel: vscode.WebviewPanel, ref: KeyRef): KeyDetailsPanel {
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

  /** The keys whose details are open (the tests check which connection's are). */
  openRefs(): KeyRef[] {
    return [...this.panels.values()].map((p) => ({ ...p.ref }));
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
        keep: () => ({ connectionId: ref.connectionId, keyId: ref.keyId }),
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
      if (this.error) this.host.post({ type: 'state', view: emptyDetailsView(this.error) });
      return;
    }
    const locale = (this.deps.locale ?? (() => vscode.env.language))();
    const now = Date.now();
    const profile = this.deps.store.get(this.ref.connectionId);
    const view = keyDetailsView(k, {
      locale,
      now,
      connection: profile ? `${profile.label} (${describeKind(profile.kind).label})` : this.ref.connectionId,
      caps: this.deps.store.gateway(this.ref.connectionId).capabilities,
      teams: this.deps.tree.teamsOf(this.ref.connectionId) ?? this.teams,
      usage: this.usage,
      readAt: this.readAt,
      error: this.error,
    });
    this.view = view;
    if (this.host.panel) this.host.panel.title = vscode.l10n.t('Key: {0}', view.title);
    this.host.post({ type: 'state', view });
  }

  reveal(): void {
    this.host.reveal();
  }

  close(): void {
    this.host.close();
  }
}
