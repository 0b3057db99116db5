/**
 * What the keys table needs from the rest of the extension: the connection store and its gateways, the logger, the
 * keys tree (which follows the table's writes, as the table follows the tree's), the pending rotations, the
 * confirmation dialog and the display locale. The feature passes these to each panel it opens.
 */
import type * as vscode from 'vscode';
import type { ApiKey } from '../../../core/types';
import type { ConnectionStore } from '../../../platform/connections';
import type { Logger } from '../../../platform/logger';
import type { KeysTablePanelState } from '../../../webview/keysTableProtocol';
import type { Confirm, RotationReminders } from '../actions';

/** What the table needs from the keys tree: it follows the table's writes, and the table follows the tree's. */
export interface KeysTableTree {
  upsertKey(connectionId: string, key: ApiKey): void;
  removeKey(connectionId: string, keyId: string): void;
  /** Without a key id: any key of the connection may have changed. */
  readonly onDidWriteKey: vscode.Event<{ readonly connectionId: string; readonly keyId?: string }>;
}

export interface KeysTableDeps {
  readonly store: ConnectionStore;
  readonly log: Logger;
  readonly extensionUri: vscode.Uri;
  readonly tree: KeysTableTree;
  readonly rotations: () => RotationReminders | undefined;
  /** Replaceable in tests; by default a modal warning. */
  confirm: Confirm;
  readonly locale: () => string;
  /** The order, filter, page size and page of a table restored after a reload. */
  readonly restored?: Omit<KeysTablePanelState, 'connectionId'>;
}
