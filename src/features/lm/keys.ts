/**
 * Choosing the model key that pays for VS Code's chat on a connection. It is the connection's chat model key, the
 * same secret the chat panel uses (SecretService kind 'chatKey', with its display label): one of the connection's
 * keys, where the gateway can return a key's secret, or a pasted key. Runs only when the user asks (the management
 * command, or VS Code asking non-silently); a silent request never reaches this.
 */
import * as vscode from 'vscode';
import { maskSecret } from '../../core/redact';
import type { ApiKey } from '../../core/types';
import type { ConnectionProfile, ConnectionStore } from '../../platform/connections';
import { CommandIds } from '../../platform/commands';
import { userMessage } from '../../platform/errors';
import type { Logger } from '../../platform/logger';

/** Stores a key of the connection (revealed from the gateway) as its chat model key; returns the label. */
export async function useGatewayKey(store: ConnectionStore, connectionId: string, keyId: string): Promise<string> {
  const gateway = store.gateway(connectionId);
  const key = await gateway.getKey(keyId);
  const secret = key.secret ?? (await gateway.revealKey(keyId));
  const label = `${key.name || key.id} (${maskSecret(secret)})`;
  await store.secrets.storeChatKey(connectionId, secret, label);
  return label;
}

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
    return { label: p.label, description: label ? vscode.l10n.t('pays with {0}', label) : vscode.l10n.t('no model key yet'), profile: p };
  });
  return (await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Gateway models in VS Code chat'), placeHolder: vscode.l10n.t('Which connection\'s model key?'), ignoreFocusOut: true }))?.profile;
}

/**
 * The quick pick: an active key of the connection (where its secret can be read), paste a key, or forget the key
 * (its models then leave VS Code's model list). Returns what changed, or undefined when cancelled.
 */
export async function chooseChatKey(store: ConnectionStore, profile: ConnectionProfile, log: Logger): Promise<'stored' | 'forgotten' | undefined> {
  const gateway = store.gateway(profile.id);
  type Item = vscode.QuickPickItem & { key?: ApiKey; action?: 'paste' | 'forget' };
  const items: Item[] = [];
  if (gateway.capabilities.secretsReadable) {
    try {
      const page = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Listing the keys of {0}…', profile.label) },
        () => gateway.listKeys({ page: 0, pageSize: 100 }),
      );
      for (const k of page.items.filter((x) => x.status === 'active')) items.push({ label: k.name || k.id, description: k.maskedKey, key: k });
    } catch (e) {
      log.warn(`listing keys of ${profile.id} for VS Code chat failed`, e);
      void vscode.window.showWarningMessage(userMessage(e));
    }
    if (items.length) items.unshift({ label: vscode.l10n.t('Keys of {0}', profile.label), kind: vscode.QuickPickItemKind.Separator });
  }
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push({
    label: vscode.l10n.t('Paste a model key…'),
    detail: gateway.capabilities.secretsReadable ? undefined : vscode.l10n.t('This gateway shows a key’s secret only when it is created or rotated, so paste the key you saved then.'),
    action: 'paste',
  });
  const current = store.secrets.chatKeyLabel(profile.id);
  if (current) items.push({ label: vscode.l10n.t('Forget the chat key of {0}', profile.label), description: current, action: 'forget' });
  const pick = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Which key pays for VS Code chat on {0}?', profile.label),
    placeHolder: vscode.l10n.t('The same key the AI Gateway chat panel uses; it is kept in VS Code’s secret storage'),
    ignoreFocusOut: true,
  });
  if (!pick) return undefined;
  if (pick.action === 'forget') {
    await store.secrets.delete('chatKey', profile.id);
    return 'forgotten';
  }
  if (pick.key) {
    await useGatewayKey(store, profile.id, pick.key.id);
    return 'stored';
  }
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('Model key for {0}', profile.label),
    prompt: vscode.l10n.t('The key (sk-…) that pays for the chat. It is kept in VS Code’s secret storage only.'),
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('The key is empty.')),
  });
  if (value === undefined) return undefined;
  await store.secrets.storeChatKey(profile.id, value, vscode.l10n.t('pasted key ({0})', maskSecret(value)));
  return 'stored';
}
