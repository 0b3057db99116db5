/**
 * The keys table feature: the `aiGateway.openKeysTable` command (the Gateways view's title bar, a connection row,
 * the command palette), one panel per connection (revealed when already open), closed with its connection. The
 * panel's code is a bundle of its own (`import('./lazy')` → dist/keys-table-lazy.js), loaded when the first table opens.
 */
import * as vscode from 'vscode';
import { CommandIds, registerCommand } from '../../../platform/commands';
import type { ConnectionStore } from '../../../platform/connections';
import { Disposable } from '../../../platform/lifecycle';
import type { Logger } from '../../../platform/logger';
import { parseConnectionArg, pickConnection } from '../../../platform/pickers';
import { redact } from '../../../core/redact';
import { webviewPanelOptions } from '../../../webview/host';
import {
  type KeysTablePanelState,
  type TableStateView,
  keysTablePanelStateSchema,
} from '../../../webview/keysTableProtocol';
import { type Confirm, type RotationReminders, modalConfirm } from '../actions';
import type { KeysTableDeps, KeysTableTree } from './deps';
import type { KeysTablePanel } from './panel';
import type * as Lazy from './lazy';

export const KEYS_TABLE_VIEW_TYPE = 'aiGateway.keysTable';

/**
 * What a table keeps for VS Code to give back after a reload: its connection, order, filter, page size and page. A
 * filter that holds something shaped like a secret (a pasted key) is not kept.
 */
export function keptTable(connectionId: string, s: TableStateView): KeysTablePanelState {
  return {
    connectionId,
    ...(s.sort ? { sort: s.sort } : {}),
    filter: redact(s.filter) === s.filter ? s.filter : '',
    pageSize: s.pageSize,
    page: s.page,
  };
}

export interface KeysTableFeatureDeps {
  readonly extensionUri: vscode.Uri;
  readonly store: ConnectionStore;
  readonly log: Logger;
  readonly tree: KeysTableTree & { selectedConnection(): string | undefined };
  readonly rotations: () => RotationReminders | undefined;
}

export class KeysTableFeature extends Disposable {
  private readonly panels = new Map<string, KeysTablePanel>();
  private code: Promise<typeof Lazy> | undefined;
  /** Replaceable in tests; by default a modal warning. */
  confirm: Confirm = modalConfirm;

  constructor(private readonly deps: KeysTableFeatureDeps) {
    super();
    const { store, log } = deps;
    this._register(
      registerCommand(
        CommandIds.openKeysTable,
        async (arg?: unknown) => {
          let id = parseConnectionArg(arg) ?? (arg === undefined ? deps.tree.selectedConnection() : undefined);
          if (!id) id = (await pickConnection(store, vscode.l10n.t('Whose keys?')))?.id;
          if (id) await this.open(id);
        },
        log,
      ),
    );
    // after a reload VS Code gives the tables back (activation event onWebviewPanel:aiGateway.keysTable)
    this._register(
      vscode.window.registerWebviewPanelSerializer(KEYS_TABLE_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state) => {
          await this.restore(panel, state);
        },
      }),
    );
    this._register(
      store.onDidChange(() => {
        for (const [id, p] of this.panels) if (!store.get(id)) p.close();
      }),
    );
    this._register({
      dispose: () => {
        for (const p of [...this.panels.values()]) p.close();
      },
    });
  }

  /** The panel's code, loaded on first use. */
  private load(): Promise<typeof Lazy> {
    this.code ??= import('./lazy');
    return this.code;
  }

  async open(connectionId: string): Promise<KeysTablePanel> {
    const profile = this.deps.store.require(connectionId);
    const existing = this.panels.get(profile.id);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const code = await this.load();
    const again = this.panels.get(profile.id);
    if (again) {
      again.reveal();
      return again;
    }
    const panel = vscode.window.createWebviewPanel(
      KEYS_TABLE_VIEW_TYPE,
      vscode.l10n.t('Keys: {0}', profile.label),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      webviewPanelOptions(this.deps.extensionUri),
    );
    return this.adopt(code, panel, profile.id, undefined);
  }

  /** A panel VS Code restored: a valid state naming a known connection gets its table back; anything else is closed. */
  async restore(panel: vscode.WebviewPanel, state: unknown): Promise<KeysTablePanel | undefined> {
    const r = keysTablePanelStateSchema.safeParse(state);
    const usable = () =>
      r.success && !!this.deps.store.get(r.data.connectionId) && !this.panels.has(r.data.connectionId);
    const code = usable() ? await this.load() : undefined;
    if (!code || !r.success || !usable()) {
      this.deps.log.debug('keys table: a restored panel had no valid state (or its connection is gone); closed');
      panel.dispose();
      return undefined;
    }
    const { connectionId, ...query } = r.data;
    return this.adopt(code, panel, connectionId, query);
  }

  private adopt(
    code: typeof Lazy,
    panel: vscode.WebviewPanel,
    connectionId: string,
    restored: Omit<KeysTablePanelState, 'connectionId'> | undefined,
  ): KeysTablePanel {
    const self = this;
    const deps: KeysTableDeps = {
      store: this.deps.store,
      log: this.deps.log.child('keysTable'),
      extensionUri: this.deps.extensionUri,
      tree: this.deps.tree,
      rotations: this.deps.rotations,
      get confirm() {
        return self.confirm;
      },
      locale: () => vscode.env.language,
      ...(restored ? { restored } : {}),
    };
    const p = new code.KeysTablePanel(panel, connectionId, deps);
    this.panels.set(connectionId, p);
    p.onDidDispose(() => {
      if (this.panels.get(connectionId) === p) this.panels.delete(connectionId);
    });
    return p;
  }

  panel(connectionId: string): KeysTablePanel | undefined {
    return this.panels.get(connectionId);
  }
}
