/**
 * The keys table feature: the `aiGateway.openKeysTable` command (the Gateways view's title bar, a connection row,
 * the command palette), one panel per connection (revealed when already open), closed with its connection.
 */
import * as vscode from 'vscode';
import { CommandIds, registerCommand } from '../../../platform/commands';
import type { ConnectionStore } from '../../../platform/connections';
import { Disposable } from '../../../platform/lifecycle';
import type { Logger } from '../../../platform/logger';
import { parseConnectionArg, pickConnection } from '../../../platform/pickers';
import { webviewPanelOptions } from '../../../webview/host';
import { type Confirm, type RotationReminders, modalConfirm } from '../actions';
import type { KeysTableDeps, KeysTableTree } from './deps';
import { KEYS_TABLE_VIEW_TYPE, KeysTablePanel } from './panel';

export interface KeysTableFeatureDeps {
  readonly extensionUri: vscode.Uri;
  readonly store: ConnectionStore;
  readonly log: Logger;
  readonly tree: KeysTableTree & { selectedConnection(): string | undefined };
  readonly rotations: () => RotationReminders | undefined;
}

export class KeysTableFeature extends Disposable {
  private readonly panels = new Map<string, KeysTablePanel>();
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
          if (id) this.open(id);
        },
        log,
      ),
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

  open(connectionId: string): KeysTablePanel {
    const profile = this.deps.store.require(connectionId);
    const existing = this.panels.get(profile.id);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      KEYS_TABLE_VIEW_TYPE,
      vscode.l10n.t('Keys: {0}', profile.label),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      webviewPanelOptions(this.deps.extensionUri),
    );
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
    };
    const p = new KeysTablePanel(panel, profile.id, deps);
    this.panels.set(profile.id, p);
    p.onDidDispose(() => {
      if (this.panels.get(profile.id) === p) this.panels.delete(profile.id);
    });
    return p;
  }

  panel(connectionId: string): KeysTablePanel | undefined {
    return this.panels.get(connectionId);
  }
}
