/**
 * Choosing the model key that pays for a connection's chat — the chat panel's and VS Code's chat alike: the same
 * secret (SecretService kind 'chatKey', with its display label). One of the connection's active keys, where the
 * gateway can return a key's secret, or a pasted key (a password input box); or forget the one chosen. Only its
 * label (the key's name and masked form) is ever shown; the key stays in SecretStorage.
 */
import * as vscode from 'vscode';
import { maskSecret } from '../core/redact';
import type { ApiKey } from '../core/types';
import type { ConnectionProfile, ConnectionStore } from './connections';
import { userMessage } from './errors';
import type { Logger } from './logger';
import { withProgress } from './progress';

/** Stores a key of the connection (revealed from the gateway) as its chat model key; returns the label. */
export async function useGatewayKey(store: ConnectionStore, connectionId: string, keyId: string): Promise<string> {
  const gateway = store.gateway(connectionId);
  const key = await gateway.getKey(keyId);
  const secret = key.secret ?? (await gateway.revealKey(keyId));
  const label = `${key.name || key.id} (${maskSecret(secret)})`;
  await store.secrets.storeChatKey(connectionId, secret, label);
  return label;
}

/** The words of the quick pick (the panel and VS Code's chat say whose answers the key pays for). */
export interface ChatKeyPickTexts {
  readonly title: string;
  readonly placeHolder: string;
}

export type ChatKeyChoice = { readonly kind: 'stored'; readonly label: string } | { readonly kind: 'forgotten' };

/** The quick pick; undefined when cancelled. */
export async function chooseChatKey(
  store: ConnectionStore,
  profile: ConnectionProfile,
  log: Logger,
  texts: ChatKeyPickTexts,
): Promise<ChatKeyChoice | undefined> {
  const gateway = store.gateway(profile.id);
  type Item = vscode.QuickPickItem & { key?: ApiKey; action?: 'paste' | 'forget' };
  const items: Item[] = [];
  if (gateway.capabilities.secretsReadable) {
    try {
      const page = await withProgress(
        { where: 'window', title: vscode.l10n.t('Listing the keys of {0}…', profile.label) },
        (signal) => gateway.listKeys({ page: 0, pageSize: 100, signal }),
      );
      for (const k of page.items.filter((x) => x.status === 'active'))
        items.push({ label: k.name || k.id, description: k.maskedKey, key: k });
    } catch (e) {
      log.warn(`listing keys of ${profile.id} for the chat key failed`, e);
      void vscode.window.showWarningMessage(userMessage(e));
    }
    if (items.length)
      items.unshift({ label: vscode.l10n.t('Keys of {0}', profile.label), kind: vscode.QuickPickItemKind.Separator });
  }
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push({
    label: vscode.l10n.t('Paste a model key…'),
    detail: gateway.capabilities.secretsReadable
      ? undefined
      : vscode.l10n.t(
          'This gateway shows a key’s secret only when it is created or rotated, so paste the key you saved then.',
        ),
    action: 'paste',
  });
  const current = store.secrets.chatKeyLabel(profile.id);
  if (current)
    items.push({
      label: vscode.l10n.t('Forget the chat key of {0}', profile.label),
      description: current,
      action: 'forget',
    });
  const pick = await vscode.window.showQuickPick(items, {
    title: texts.title,
    placeHolder: texts.placeHolder,
    ignoreFocusOut: true,
  });
  if (!pick) return undefined;
  if (pick.action === 'forget') {
    await store.secrets.delete('chatKey', profile.id);
    return { kind: 'forgotten' };
  }
  if (pick.key) return { kind: 'stored', label: await useGatewayKey(store, profile.id, pick.key.id) };
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('Model key for {0}', profile.label),
    prompt: vscode.l10n.t('The key (sk-…) that pays for the chat. It is kept in VS Code’s secret storage only.'),
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('The key is empty.')),
  });
  if (value === undefined) return undefined;
  const label = vscode.l10n.t('pasted key ({0})', maskSecret(value));
  await store.secrets.storeChatKey(profile.id, value, label);
  return { kind: 'stored', label };
}
