/**
 * Which model key pays for the chat of a connection. The key goes through the secret service like the admin token
 * (SecretStorage under `aiGateway.chatKey.<connectionId>`, read back after storing, masked in every log line); its
 * display label (the key's name and masked form) is kept beside it, so the panel can show it without reading a
 * secret. Removing the connection deletes both. Neither the key nor more than its masked form (core/redact
 * maskSecret) reaches the webview, settings or logs.
 */
import * as vscode from 'vscode';
import { maskSecret } from '../../core/redact';
import type { ApiKey } from '../../core/types';
import type { ConnectionStore } from '../../platform/connections';
import { userMessage } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import type { SecretService } from '../../platform/secrets';

export class ChatKeys {
  constructor(
    private readonly secrets: SecretService,
    private readonly log: Logger,
  ) {}

  label(connectionId: string): string | undefined {
    return this.secrets.chatKeyLabel(connectionId);
  }

  async get(connectionId: string): Promise<string | undefined> {
    return this.secrets.get('chatKey', connectionId);
  }

  async set(connectionId: string, secret: string, label: string): Promise<void> {
    await this.secrets.storeChatKey(connectionId, secret, label);
    this.log.info(`chat key chosen for ${connectionId}: ${label}`);
  }

  async forget(connectionId: string): Promise<void> {
    await this.secrets.delete('chatKey', connectionId);
  }

  /** Uses one of the connection's keys, where the gateway returns its secret (capabilities.secretsReadable). */
  async useGatewayKey(store: ConnectionStore, connectionId: string, keyId: string): Promise<string> {
    const gateway = store.gateway(connectionId);
    const key = await gateway.getKey(keyId);
    const secret = await gateway.revealKey(keyId);
    const label = `${key.name || key.id} (${maskSecret(secret)})`;
    await this.set(connectionId, secret, label);
    return label;
  }

  /**
   * The quick pick on the host side: one of the connection's active keys (when the gateway can return its secret)
   * or a pasted model key (a password input box). Returns the new label, or undefined when cancelled.
   */
  async pick(store: ConnectionStore, connectionId: string): Promise<string | undefined> {
    const profile = store.require(connectionId);
    const gateway = store.gateway(connectionId);
    type Item = vscode.QuickPickItem & { key?: ApiKey; action?: 'paste' | 'forget' };
    const items: Item[] = [];
    if (gateway.capabilities.secretsReadable) {
      try {
        const page = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Listing the keys of {0}…', profile.label) },
          () => gateway.listKeys({ page: 0, pageSize: 100 }),
        );
        for (const k of page.items.filter((x) => x.status === 'active')) {
          items.push({ label: k.name || k.id, description: k.maskedKey, key: k });
        }
      } catch (e) {
        this.log.warn(`listing keys of ${connectionId} for chat failed`, e);
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
    if (this.label(connectionId)) items.push({ label: vscode.l10n.t('Forget the chat key of {0}', profile.label), action: 'forget' });
    const pick = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Which key chats on {0}?', profile.label),
      placeHolder: vscode.l10n.t('The key pays for the answers; it is kept in VS Code’s secret storage'),
      ignoreFocusOut: true,
    });
    if (!pick) return undefined;
    if (pick.action === 'forget') {
      await this.forget(connectionId);
      return undefined;
    }
    if (pick.key) return this.useGatewayKey(store, connectionId, pick.key.id);
    const value = await vscode.window.showInputBox({
      title: vscode.l10n.t('Model key for {0}', profile.label),
      prompt: vscode.l10n.t('The key (sk-…) that pays for the chat. It is kept in VS Code’s secret storage only.'),
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('The key is empty.')),
    });
    if (value === undefined) return undefined;
    const label = vscode.l10n.t('pasted key ({0})', maskSecret(value));
    await this.set(connectionId, value, label);
    return label;
  }
}
