/** What the integration tests reach of "Compare models": open it with models, read the state the panel was sent. */
import type * as vscode from 'vscode';
import type { CompareState } from '../../webview/compareProtocol';
import type { CompareFeature } from './index';
import type { ModelRef } from './state';
import type { TypicalRequest } from './typical';

export interface CompareTestApi {
  open(refs: readonly ModelRef[]): Promise<void>;
  /** The models compared now. */
  readonly models: readonly ModelRef[];
  /** The state last sent to the panel. */
  readonly state: CompareState | undefined;
  /** The request size the typical cost is for. */
  readonly typical: TypicalRequest | undefined;
  /** How many times the panel's page asked for its state (it has loaded and drawn). */
  readonly readyCount: number;
  readonly isOpen: boolean;
  close(): void;
  /** What the page was last asked to keep for a reload (VS Code gives it to the serializer). */
  readonly kept: object | undefined;
  /** Restores the panel as VS Code does after a reload, from a kept state (validated); false when it was refused. */
  restore(panel: vscode.WebviewPanel, state: unknown): Promise<boolean>;
}

export function compareTestApi(f: CompareFeature): CompareTestApi {
  return {
    open: (refs) => f.open(refs),
    get models() {
      return f.models;
    },
    get state() {
      return f.state;
    },
    get typical() {
      return f.typicalRequest;
    },
    get readyCount() {
      return f.panelHost?.readyCount ?? 0;
    },
    get isOpen() {
      return f.panelHost?.isOpen ?? false;
    },
    close: () => f.panelHost?.close(),
    get kept() {
      return f.panelHost?.kept;
    },
    restore: (panel, state) => f.restore(panel, state),
  };
}
