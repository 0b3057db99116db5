/** What the integration tests reach of "Compare models": open it with models, read the state the panel was sent. */
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
  };
}
