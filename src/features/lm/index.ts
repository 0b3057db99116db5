/**
 * The LM feature: registers the gateway's language model chat provider (VS Code activates the extension for it
 * with `onLanguageModelChatProvider:aiGateway`, derived from package.json) and the command that chooses which key
 * pays for VS Code's chat on a connection. Registering does no work: the provider reads secrets and lists models
 * only when VS Code asks it.
 */
import * as vscode from 'vscode';
import type { ChatKeySources, QuickPickFn } from '../../platform/chatKey';
import { CommandIds, registerCommand } from '../../platform/commands';
import type { ActivityService } from '../../platform/activity';
import type { ConnectionStore } from '../../platform/connections';
import type { ErrorFixer } from '../../platform/errors';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import type { ModelCatalog } from '../../platform/modelCatalog';
import { parseConnectionArg } from '../../platform/pickers';
import { chooseLmKey, pickConnectionForKey } from './keys';
import { UsageLedger } from './ledger';
import { GatewayChatProvider, LM_VENDOR } from './provider';

export { LM_VENDOR };

export interface LmFeatureDeps {
  readonly context: vscode.ExtensionContext;
  readonly store: ConnectionStore;
  readonly catalog: ModelCatalog;
  readonly log: Logger;
  /** Choosing the key counts as activity. */
  readonly activity: ActivityService;
  /** This session's new keys and "Create a key for chat", offered in the key picker as in the chat panel's. */
  readonly newKeys?: Pick<ChatKeySources, 'session' | 'create'>;
}

export class LmFeature extends Disposable {
  readonly ledger: UsageLedger;
  readonly provider: GatewayChatProvider;
  private readonly log: Logger;
  readonly store: ConnectionStore;
  /** Shows the key picker (the test API replaces it to answer and read it). */
  pick: QuickPickFn | undefined;

  /** Failed requests of VS Code's chat are explained (and their fixes offered) by `fixer`. */
  useFixer(fixer: ErrorFixer): void {
    this.provider.fixer = fixer;
  }

  constructor(deps: LmFeatureDeps) {
    super();
    const { context, store, catalog, activity } = deps;
    // the key picker's sources, read when it shows (the test API answers it through `pick`)
    const sources = (): ChatKeySources => ({ ...deps.newKeys, ...(this.pick ? { pick: this.pick } : {}) });
    this.store = store;
    this.log = deps.log.child('lm');
    this.ledger = this._register(new UsageLedger(context.globalState));
    this.provider = this._register(new GatewayChatProvider(store, catalog, this.ledger, this.log, sources));
    this._register(vscode.lm.registerLanguageModelChatProvider(LM_VENDOR, this.provider));
    this._register(
      registerCommand(
        CommandIds.chooseChatModelKey,
        async (arg) => {
          activity.note();
          const id = parseConnectionArg(typeof arg === 'string' && arg === LM_VENDOR ? undefined : arg); // VS Code passes the vendor
          const profile = id ? store.require(id) : await pickConnectionForKey(store);
          if (!profile) return undefined;
          const result = await chooseLmKey(store, profile, this.log, sources());
          if (result === 'stored') {
            void vscode.window.showInformationMessage(
              vscode.l10n.t(
                'The models of {0} are now in VS Code\'s model picker (vendor "AI Gateway").',
                profile.label,
              ),
            );
          }
          return result;
        },
        this.log,
      ),
    );
    // a removed connection's ledger rows go with it
    this._register(store.addStateOwner({ describe: () => [], forget: (id) => this.ledger.forget(id) }));
  }
}
