/** What the integration tests reach of the LM feature through the extension's test API. */
import { useGatewayKey } from '../../platform/chatKey';
import type { LmFeature } from './index';
import { type LedgerRow, type LedgerTotals, totalsOf } from './ledger';
import { LM_VENDOR, type ProviderStats } from './provider';

/** What the integration tests may touch (through the extension's test API only). */
export interface LmTestApi {
  readonly vendor: string;
  readonly stats: ProviderStats;
  /** Chooses the chat key without the quick pick: one of the connection's keys (revealed) or a secret. */
  useKey(connectionId: string, key: { keyId: string } | { secret: string; label?: string }): Promise<void>;
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
    today: (id) => lm.ledger.today(id),
    totals: (id) => totalsOf(lm.ledger.today(id)),
    settled: () => lm.ledger.whenIdle(),
  };
}
