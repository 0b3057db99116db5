/**
 * Every command id of the extension, in one map. package.json's contributes.commands must list exactly these
 * (test/unit/manifest.test.ts checks both directions; the integration tier checks each is registered).
 */
import * as vscode from 'vscode';
import { gatewayErrorKind, userMessage } from './errors';
import type { Logger } from './logger';

export const CommandIds = {
  addConnection: 'aiGateway.addConnection',
  testConnection: 'aiGateway.testConnection',
  removeConnection: 'aiGateway.removeConnection',
  showLog: 'aiGateway.showLog',
  editConnection: 'aiGateway.editConnection',
  updateToken: 'aiGateway.updateToken',
  setActiveConnection: 'aiGateway.setActiveConnection',
  openConnectionSettings: 'aiGateway.openConnectionSettings',
  refreshModels: 'aiGateway.refreshModels',
  filterModels: 'aiGateway.filterModels',
  copyModelId: 'aiGateway.copyModelId',
  filterModelCatalogue: 'aiGateway.filterModelCatalogue',
  sortModels: 'aiGateway.sortModels',
  clearModelFilter: 'aiGateway.clearModelFilter',
  allowModelOnKey: 'aiGateway.allowModelOnKey',
  compareModels: 'aiGateway.compareModels',
  addModelToComparison: 'aiGateway.addModelToComparison',
  connectDemo: 'aiGateway.connectDemo',
  createKey: 'aiGateway.createKey',
  editKey: 'aiGateway.editKey',
  rotateKey: 'aiGateway.rotateKey',
  showPendingRotations: 'aiGateway.showPendingRotations',
  viewKeyDetails: 'aiGateway.viewKeyDetails',
  enableKey: 'aiGateway.enableKey',
  disableKey: 'aiGateway.disableKey',
  deleteKey: 'aiGateway.deleteKey',
  copyKey: 'aiGateway.copyKey',
  copyKeySnippet: 'aiGateway.copyKeySnippet',
  refreshConnection: 'aiGateway.refreshConnection',
  loadMoreKeys: 'aiGateway.loadMoreKeys',
  filterKeys: 'aiGateway.filterKeys',
  sortKeys: 'aiGateway.sortKeys',
  clearKeyFilter: 'aiGateway.clearKeyFilter',
  loadAllKeys: 'aiGateway.loadAllKeys',
  cancelKeysLoad: 'aiGateway.cancelKeysLoad',
  openKeysTable: 'aiGateway.openKeysTable',
  openChat: 'aiGateway.openChat',
  openChatInSideBar: 'aiGateway.openChatInSideBar',
  chatWithModel: 'aiGateway.chatWithModel',
  openDashboard: 'aiGateway.openDashboard',
  askAboutSelection: 'aiGateway.askAboutSelection',
  renameConversation: 'aiGateway.renameConversation',
  deleteConversation: 'aiGateway.deleteConversation',
  searchConversations: 'aiGateway.searchConversations',
  exportConversationMarkdown: 'aiGateway.exportConversationMarkdown',
  exportConversationJson: 'aiGateway.exportConversationJson',
  importConversation: 'aiGateway.importConversation',
  chooseChatModelKey: 'aiGateway.chooseChatModelKey',
  configureCodingTool: 'aiGateway.configureCodingTool',
  undoToolConfiguration: 'aiGateway.undoToolConfiguration',
  setBudget: 'aiGateway.setBudget',
  showKeyRequests: 'aiGateway.showKeyRequests',
  showRequests: 'aiGateway.showRequests',
} as const;
export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];

/** The views of package.json's contributes.views (a view's focus command is `<id>.focus`). */
export const ViewIds = {
  /** "Gateways": the connections and their keys. */
  keys: 'aiGateway.connections',
  models: 'aiGateway.models',
} as const;

/**
 * Registers a handler that never throws into VS Code: a failure is logged and shown as one clear sentence.
 * Arguments are `unknown` on purpose: they may come from menus, keybindings, URIs or other extensions, and each
 * handler validates them.
 */
export function registerCommand(
  id: CommandId,
  handler: (...args: unknown[]) => unknown,
  log: Logger,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (e) {
      if (gatewayErrorKind(e) === 'aborted') {
        // the user pressed Cancel: nothing to report but that it stopped
        log.info(`${id}: cancelled`);
        vscode.window.setStatusBarMessage(vscode.l10n.t('Cancelled.'), 4000);
        return undefined;
      }
      log.error(`${id} failed:`, e);
      const showLog = vscode.l10n.t('Show Log');
      void vscode.window.showErrorMessage(userMessage(e), showLog).then((pick) => {
        if (pick === showLog) void vscode.commands.executeCommand(CommandIds.showLog);
      });
      return undefined;
    }
  });
}
