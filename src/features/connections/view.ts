/**
 * The "Connections" view of the AI Gateway activity-bar container: one row per saved connection.
 * When there is none, the view's welcome content (package.json viewsWelcome) offers "Add Connection".
 * Reads settings only; never a secret and never the network.
 */
import * as vscode from 'vscode';
import { describeKind } from '../../gateway';
import type { ConnectionProfile, ConnectionStore } from '../../platform/connections';
import { Disposable } from '../../platform/lifecycle';

export const CONNECTIONS_VIEW_ID = 'aiGateway.connections';

/** The element type of the tree; commands receive it as their argument (they read `connectionId`). */
export class ConnectionNode {
  constructor(readonly connectionId: string, readonly profile: ConnectionProfile) {}
}

export class ConnectionsTreeProvider extends Disposable implements vscode.TreeDataProvider<ConnectionNode> {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<ConnectionNode | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;

  constructor(private readonly store: ConnectionStore) {
    super();
    this._register(store.onDidChange(() => this._onDidChangeTreeData.fire(undefined)));
  }

  getChildren(element?: ConnectionNode): ConnectionNode[] {
    if (element) return [];
    return this.store.list().map((p) => new ConnectionNode(p.id, p));
  }

  getTreeItem(node: ConnectionNode): vscode.TreeItem {
    const p = node.profile;
    const item = new vscode.TreeItem(p.label, vscode.TreeItemCollapsibleState.None);
    item.id = p.id;
    item.description = describeKind(p.kind).label;
    item.tooltip = new vscode.MarkdownString(undefined, false);
    item.tooltip.appendText(`${p.label}\n\n${describeKind(p.kind).label} · ${p.baseUrl}`);
    item.iconPath = new vscode.ThemeIcon(p.allowInsecureHttp ? 'unlock' : 'plug');
    item.contextValue = 'aiGateway.connection';
    return item;
  }
}

export function registerConnectionsView(store: ConnectionStore): vscode.Disposable {
  const provider = new ConnectionsTreeProvider(store);
  const view = vscode.window.createTreeView(CONNECTIONS_VIEW_ID, { treeDataProvider: provider, showCollapseAll: false });
  return vscode.Disposable.from(view, provider);
}
