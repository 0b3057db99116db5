/**
 * Which model key pays for the chat of a connection. The key goes through the secret service like the admin token
 * (SecretStorage under `aiGateway.chatKey.<connectionId>`, read back after storing, masked in every log line); its
 * display label (the key's name and masked form) is kept beside it, so the panel can show it without reading a
 * secret. Removing the connection deletes both. Neither the key nor more than its masked form (core/redact
 * maskSecret) reaches the webview, settings or logs.
 */
import * as vscode from 'vscode';
import { type ChatKeySources, chooseChatKey, type QuickPickFn, useGatewayKey } from '../../platform/chatKey';
import type { ConnectionStore } from '../../platform/connections';
import type { Logger } from '../../platform/logger';
import type { SecretService } from '../../platform/secrets';

export class ChatKeys {
  /** Shows the key picker (the test API replaces it to answer and read it). */
  quickPick: QuickPickFn | undefined;

  constructor(
    private readonly secrets: SecretService,
    private readonly log: Logger,
    /** This session's new keys and "Create a key for chat" (absent: the gateway's keys and a pasted one only). */
    private readonly sources: Omit<ChatKeySources, 'pick'> = {},
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
    const label = await useGatewayKey(store, connectionId, keyId);
    this.log.info(`chat key chosen for ${connectionId}: ${label}`);
    return label;
  }

  /**
   * The quick pick on the host side: the keys created in this session first, then the connection's active keys
   * (when the gateway can return their secret), "Create a key for chat", or a pasted model key (a password input
   * box). Returns the new label, or undefined when cancelled.
   */
  async pick(store: ConnectionStore, connectionId: string): Promise<string | undefined> {
    const profile = store.require(connectionId);
    const choice = await chooseChatKey(
      store,
      profile,
      this.log,
      {
        title: vscode.l10n.t('Which key chats on {0}?', profile.label),
        placeHolder: vscode.l10n.t('The key pays for the answers; it is kept in VS Code’s secret storage'),
      },
      { ...this.sources, ...(this.quickPick ? { pick: this.quickPick } : {}) },
    );
    if (choice?.kind !== 'stored') return undefined;
    this.log.info(`chat key chosen for ${connectionId}: ${choice.label}`);
    return choice.label;
  }
}
