/**
 * Connection commands: add, edit, test, update token, remove, show log, open the settings. Thin: they resolve the
 * connection (a tree node, an id, or a picker) and run the flow (flows.ts) through the shared Prompter.
 * A command never takes a token as an argument; a token is only ever typed into a password input box.
 */
import * as vscode from 'vscode';
import type { ActivityService } from '../../platform/activity';
import { CommandIds, registerCommand } from '../../platform/commands';
import { settingId, SettingKeys } from '../../platform/config';
import type { ConnectionStore } from '../../platform/connections';
import type { Logger, LogService } from '../../platform/logger';
import { parseConnectionArg, pickConnection } from '../../platform/pickers';
import type { SecretService } from '../../platform/secrets';
import type { PromptService } from '../../platform/vscodePrompter';
import {
  addConnection,
  editConnection,
  removeConnection,
  testConnection,
  updateToken,
  type ConnectionFlowDeps,
} from './flows';

export interface ConnectionCommandDeps {
  readonly connections: ConnectionStore;
  readonly log: LogService;
  readonly prompts: PromptService;
  /** Reads the saved token for the live check of an edit (without it, an edit asks for the token). */
  readonly secrets?: SecretService;
  /** Edit Connection and Update Token count as activity (the status bar starts its lazy refresh). */
  readonly activity?: ActivityService;
}

export function registerConnectionCommands(deps: ConnectionCommandDeps): vscode.Disposable[] {
  const log = deps.log.child('commands');
  const store = deps.connections;
  const secrets = deps.secrets;
  const flow = (): ConnectionFlowDeps => ({
    store,
    log,
    ui: deps.prompts.ui,
    ...(secrets ? { getToken: (id: string) => secrets.getToken(id) } : {}),
  });
  const which = async (arg: unknown, placeHolder: string): Promise<string | undefined> =>
    parseConnectionArg(arg) ?? (await pickConnection(store, placeHolder))?.id;
  return [
    registerCommand(
      CommandIds.addConnection,
      async (...args) => {
        if (args.length && args[0] !== undefined) log.debug('addConnection ignores its arguments');
        await addConnection(flow());
      },
      log,
    ),
    registerCommand(
      CommandIds.testConnection,
      async (arg) => {
        const id = await which(arg, vscode.l10n.t('Which connection should be tested?'));
        if (id) await testConnection(flow(), id);
      },
      log,
    ),
    registerCommand(
      CommandIds.removeConnection,
      async (arg) => {
        const id = await which(arg, vscode.l10n.t('Which connection should be removed?'));
        if (id) await removeConnection(flow(), id);
      },
      log,
    ),
    registerCommand(CommandIds.showLog, () => deps.log.show(), log),
    registerCommand(CommandIds.openConnectionSettings, () => openConnectionSettings(log), log),
    registerCommand(
      CommandIds.editConnection,
      async (arg) => {
        deps.activity?.note();
        const id = await which(arg, vscode.l10n.t('Which connection should be edited?'));
        if (id) await editConnection(flow(), id);
      },
      log,
    ),
    registerCommand(
      CommandIds.updateToken,
      async (arg) => {
        deps.activity?.note();
        const id = await which(arg, vscode.l10n.t('Which connection gets a new token?'));
        if (id) await updateToken(flow(), id);
      },
      log,
    ),
  ];
}

/**
 * Opens the settings JSON where `aiGateway.connections` is kept, at that setting. It is application-scoped, so it
 * lives in the application (default profile) settings file, which is the user settings file of the default profile.
 */
export async function openConnectionSettings(log: Logger): Promise<void> {
  const args = { revealSetting: { key: settingId(SettingKeys.connections), edit: false } };
  try {
    await vscode.commands.executeCommand('workbench.action.openApplicationSettingsJson', args);
  } catch (e) {
    log.debug('openApplicationSettingsJson is not available; opening the user settings', e);
    await vscode.commands.executeCommand('workbench.action.openSettingsJson', args);
  }
}
