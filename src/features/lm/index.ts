/**
 * The LM feature: registers the gateway's language model chat provider (VS Code activates the extension for it
 * with `onLanguageModelChatProvider:aiGateway`, derived from package.json) and the command that chooses which key
 * pays for VS Code's chat on a connection. Registering does no work: the provider reads secrets and lists models
 * only when VS Code asks it.
 */
import * as vscode from 'vscode';
import { CommandIds, registerCommand } from '../../platform/commands';
import type { ConnectionStore } from '../../platform/connections';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import type { ModelCatalog } from '../../platform/modelCatalog';
import { parseConnectionArg } from '../../platform/pickers';
import { chooseLmKey, pickConnectionForKey, useGatewayKey } from './keys';
import { type LedgerRow, type LedgerTotals, UsageLedger, totalsOf } from './ledger';
import { GatewayChatProvider, LM_VENDOR, type ProviderStats } from './provider';

export { LM_VENDOR };

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

export class LmFeature extends Disposable {
  readonly ledger: UsageLedger;
  readonly provider: GatewayChatProvider;
  private readonly log: Logger;

  constructor(context: vscode.ExtensionContext, private readonly store: ConnectionStore, catalog: ModelCatalog, log: Logger, onCommand: () => void = () => undefined) {
    super();
    this.log = log.child('lm');
    this.ledger = this._register(new UsageLedger(context.globalState));
    this.provider = this._register(new GatewayChatProvider(store, catalog, this.ledger, this.log));
    this._register(vscode.lm.registerLanguageModelChatProvider(LM_VENDOR, this.provider));
    this._register(registerCommand(CommandIds.chooseChatModelKey, async (arg) => {
      onCommand();
      const id = parseConnectionArg(typeof arg === 'string' && arg === LM_VENDOR ? undefined : arg); // VS Code passes the vendor
      const profile = id ? store.require(id) : await pickConnectionForKey(store);
      if (!profile) return undefined;
      const result = await chooseLmKey(store, profile, this.log);
      if (result === 'stored') {
        void vscode.window.showInformationMessage(vscode.l10n.t('The models of {0} are now in VS Code\'s model picker (vendor "AI Gateway").', profile.label));
      }
      return result;
    }, this.log));
    // a removed connection's ledger rows go with it
    this._register(store.addStateOwner({ describe: () => [], forget: (id) => this.ledger.forget(id) }));
  }

  testApi(): LmTestApi {
    const self = this;
    return {
      vendor: LM_VENDOR,
      get stats() { return self.provider.stats; },
      useKey: async (connectionId, key) => {
        if ('keyId' in key) await useGatewayKey(this.store, connectionId, key.keyId);
        else await this.store.secrets.storeChatKey(connectionId, key.secret, key.label ?? 'test key');
      },
      today: (id) => this.ledger.today(id),
      totals: (id) => totalsOf(this.ledger.today(id)),
      settled: () => this.ledger.whenIdle(),
    };
  }
}
