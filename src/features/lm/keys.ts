/**
 * Choosing the model key that pays for VS Code's chat on a connection. It is the connection's chat model key, the
 * same secret the chat panel uses (SecretService kind 'chatKey', with its display label): one of the connection's
 * keys, where the gateway can return a key's secret, or a pasted key. Runs only when the user asks (the management
 * command, or VS Code asking non-silently); a silent request never reaches this.
 */
import * as vscode from 'vscode';
import { type ChatKeySources, chooseChatKey } from '../../platform/chatKey';
import type { ConnectionProfile, ConnectionStore } from '../../platform/connections';
import { CommandIds } from '../../platform/commands';
import type { Logger } from '../../platform/logger';

/** Which connection's key to choose: every valid connection, each saying whether it has one. */
export async function pickConnectionForKey(store: ConnectionStore): Promise<ConnectionProfile | undefined> {
  const all = store.list();
  if (all.length === 0) {
    const add = vscode.l10n.t('Add Connection');
    if ((await vscode.window.showInformationMessage(vscode.l10n.t('No gateway connected yet.'), add)) === add) {
      await vscode.commands.executeCommand(CommandIds.addConnection);
    }
    return undefined;
  }
  if (all.length === 1) return all[0];
  const items = all.map((p) => {
    const label = store.secrets.chatKeyLabel(p.id);
    return {
      label: p.label,
      description: label ? vscode.l10n.t('pays with {0}', label) : vscode.l10n.t('no model key yet'),
      profile: p,
    };
  });
  return (
    await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Gateway models in VS Code chat'),
      placeHolder: vscode.l10n.t("Which connection's model key?"),
      ignoreFocusOut: true,
    })
  )?.profile;
}

/**
 * The quick pick, as the chat panel's: the keys created in this session first, an active key of the connection
 * (where its secret can be read), "Create a key for chat", paste a key, or forget the key (its models then leave
 * VS Code's model list). Returns what changed, or undefined when cancelled.
 */
export async function chooseLmKey(
  store: ConnectionStore,
  profile: ConnectionProfile,
  log: Logger,
  sources: ChatKeySources = {},
): Promise<'stored' | 'forgotten' | undefined> {
  const choice = await chooseChatKey(
    store,
    profile,
    log,
    {
      title: vscode.l10n.t('Which key pays for VS Code chat on {0}?', profile.label),
      placeHolder: vscode.l10n.t('The same key the AI Gateway chat panel uses; it is kept in VS Code’s secret storage'),
    },
    sources,
  );
  return choice?.kind;
}
