/** What the integration tests reach of the LM feature through the extension's test API. */
import { answeringPick, type KeyPickItem, useGatewayKey } from '../../platform/chatKey';
import type { LmFeature } from './index';
import { type LedgerRow, type LedgerTotals, totalsOf } from './ledger';
import { LM_VENDOR, type ProviderStats } from './provider';

/** What the integration tests may touch (through the extension's test API only). */
export interface LmTestApi {
  readonly vendor: string;
  readonly stats: ProviderStats;
  /** Chooses the chat key without the quick pick: one of the connection's keys (revealed) or a secret. */
  useKey(connectionId: string, key: { keyId: string } | { secret: string; label?: string }): Promise<void>;
  /**
   * Answers the key picker of VS Code's chat (the command "Choose Model Key"): `choose` names the item to pick
   * (undefined: cancel); returns what each showing offered. `undefined` restores the real quick pick.
   */
  answerKeyPick(choose: ((items: readonly KeyPickItem[]) => number | undefined) | undefined): KeyPickItem[][];
  /** The label of the connection's chat model key (undefined: none chosen). */
  keyLabel(connectionId: string): string | undefined;
  /** Today's ledger rows (all connections, or one). */
  today(connectionId?: string): LedgerRow[];
  totals(connectionId?: string): LedgerTotals;
  /** Resolves after pending ledger writes. */
  settled(): Promise<void>;
}

export function lmTestApi(lm: LmFeature): LmTestApi {
  return {
    vendor: LM_VENDOR,
    get stats() {
      return lm.provider.stats;
    },
    useKey: async (connectionId, key) => {
      if ('keyId' in key) await useGatewayKey(lm.store, connectionId, key.keyId);
      else await lm.store.secrets.storeChatKey(connectionId, key.secret, key.label ?? 'test key');
    },
    answerKeyPick: (choose) => {
      const shown: KeyPickItem[][] = [];
      lm.pick = choose ? answeringPick(choose, shown) : undefined;
      return shown;
    },
    keyLabel: (id) => lm.store.secrets.chatKeyLabel(id),
    today: (id) => lm.ledger.today(id),
    totals: (id) => totalsOf(lm.ledger.today(id)),
    settled: () => lm.ledger.whenIdle(),
  };
}
