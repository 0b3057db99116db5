/**
 * The only place secrets are kept: VS Code's SecretStorage (OS keychain on desktop). Every kind of secret the
 * extension holds goes through this one service — the same read-back check on store, the same "unavailable"
 * error, the same change event, the same registration with the redaction of logs and messages:
 *   token    the admin / system access token of a connection   `aiGateway.token.<connectionId>`
 *   chatKey  the model key (sk-…) that pays for a connection's chat   `aiGateway.chatKey.<connectionId>`
 * Never settings, never globalState, never logs. What may be shown without reading a secret — the chat key's
 * label (its name and masked form) — is kept in globalState (`aiGateway.chatKeyLabels`), and deleted with it.
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import { isConnectionId } from '../core/ids';
import { forgetSecret, rememberSecret } from '../core/redact';
import { Disposable } from './lifecycle';
import type { Logger } from './logger';

export type SecretKind = 'token' | 'chatKey';

export const TOKEN_KEY_PREFIX = 'aiGateway.token.';
export const CHAT_KEY_PREFIX = 'aiGateway.chatKey.';
const PREFIXES: Readonly<Record<SecretKind, string>> = { token: TOKEN_KEY_PREFIX, chatKey: CHAT_KEY_PREFIX };
const KINDS: readonly SecretKind[] = ['token', 'chatKey'];
/** globalState: connection id → display label of its chat key (never the key). */
export const CHAT_KEY_LABELS_STATE = 'aiGateway.chatKeyLabels';
const labelsSchema = z.record(z.string(), z.string());

/** SecretStorage cannot be used (no keychain, a locked keyring, a broken backend). */
export class SecretStorageUnavailableError extends Error {
  constructor(
    cause?: unknown,
    readonly secretKind: SecretKind = 'token',
  ) {
    super(
      secretKind === 'token'
        ? vscode.l10n.t(
            'VS Code could not access its secure secret storage (the OS keychain), so the token cannot be kept. Tokens are never written to settings. Unlock or set up the keychain (on Linux: a Secret Service such as GNOME Keyring), then try again.',
          )
        : vscode.l10n.t(
            'VS Code could not access its secure secret storage (the OS keychain), so the model key cannot be kept. Keys are never written to settings. Unlock or set up the keychain (on Linux: a Secret Service such as GNOME Keyring), then try again.',
          ),
      cause === undefined ? undefined : { cause },
    );
    this.name = 'SecretStorageUnavailableError';
  }
}

export function secretName(kind: SecretKind, connectionId: string): string {
  if (!isConnectionId(connectionId)) throw new Error(`invalid connection id: ${JSON.stringify(connectionId)}`);
  return PREFIXES[kind] + connectionId;
}

/** Which secret a SecretStorage key names (undefined: not one of ours). */
export function parseSecretName(key: string): { kind: SecretKind; connectionId: string } | undefined {
  for (const kind of KINDS) {
    const prefix = PREFIXES[kind];
    if (key.startsWith(prefix)) {
      const connectionId = key.slice(prefix.length);
      return isConnectionId(connectionId) ? { kind, connectionId } : undefined;
    }
  }
  return undefined;
}

export interface SecretChange {
  readonly kind: SecretKind;
  readonly connectionId: string;
}

export class SecretService extends Disposable {
  /** Session cache by secret name. */
  private readonly cache = new Map<string, string | undefined>();
  private readonly _onDidChangeSecret = this._register(new vscode.EventEmitter<SecretChange>());
  /** Fires when any secret of ours changed (in any window): which kind, of which connection. */
  readonly onDidChangeSecret = this._onDidChangeSecret.event;
  private readonly _onDidChange = this._register(new vscode.EventEmitter<string>());
  /** Fires with the connection id whose token changed (in any window). */
  readonly onDidChange = this._onDidChange.event;
  private counters = { reads: 0, writes: 0 };

  constructor(
    private readonly storage: vscode.SecretStorage,
    private readonly log: Logger,
    /** Where the chat key labels are (globalState); without it, labels are kept for the session only. */
    private readonly state?: vscode.Memento,
  ) {
    super();
    this._register(
      storage.onDidChange((e) => {
        const which = parseSecretName(e.key);
        if (!which) return;
        this.cache.delete(e.key);
        this._onDidChangeSecret.fire(which);
        if (which.kind === 'token') this._onDidChange.fire(which.connectionId);
      }),
    );
  }

  /** How often the secret store was touched (the test API shows activation touches nothing). */
  get stats(): { readonly reads: number; readonly writes: number } {
    return { ...this.counters };
  }

  /** A secret of a connection; `fresh` skips the session cache and asks SecretStorage. */
  async get(kind: SecretKind, connectionId: string, opts?: { readonly fresh?: boolean }): Promise<string | undefined> {
    const key = secretName(kind, connectionId);
    if (!opts?.fresh && this.cache.has(key)) return this.cache.get(key);
    this.counters.reads++;
    let value: string | undefined;
    try {
      value = await this.storage.get(key);
    } catch (e) {
      this.log.error(`reading the ${kind} of ${connectionId} failed`, e);
      throw new SecretStorageUnavailableError(e, kind);
    }
    rememberSecret(value);
    this.cache.set(key, value);
    return value;
  }

  async has(kind: SecretKind, connectionId: string): Promise<boolean> {
    return (await this.get(kind, connectionId)) !== undefined;
  }

  /** Stores the secret and reads it back: a backend that silently drops secrets is reported as unavailable. */
  async store(kind: SecretKind, connectionId: string, secret: string): Promise<void> {
    const key = secretName(kind, connectionId);
    const value = secret.trim();
    if (!value)
      throw new Error(kind === 'token' ? vscode.l10n.t('The token is empty.') : vscode.l10n.t('The key is empty.'));
    rememberSecret(value);
    this.counters.writes++;
    try {
      await this.storage.store(key, value);
      this.counters.reads++;
      const back = await this.storage.get(key);
      if (back !== value) throw new Error('the stored value did not read back');
    } catch (e) {
      this.cache.delete(key);
      this.log.error(`storing the ${kind} of ${connectionId} failed`, e);
      throw new SecretStorageUnavailableError(e, kind);
    }
    const previous = this.cache.get(key);
    this.cache.set(key, value);
    if (previous !== value) this.forgetUnlessHeld(previous);
    this.log.info(`${kind} stored for ${connectionId}`);
  }

  /** Deletes the secret (and, for a chat key, its label). */
  async delete(kind: SecretKind, connectionId: string): Promise<void> {
    const key = secretName(kind, connectionId);
    // the value is forgotten by the redaction too, so it must be known: the cache, else one read
    let known = this.cache.get(key);
    if (!this.cache.has(key)) {
      this.counters.reads++;
      known = await Promise.resolve(this.storage.get(key)).then(
        (v) => v,
        () => undefined,
      );
    }
    this.counters.writes++;
    this.cache.delete(key);
    try {
      await this.storage.delete(key);
    } catch (e) {
      this.log.error(`deleting the ${kind} of ${connectionId} failed`, e);
      throw new SecretStorageUnavailableError(e, kind);
    }
    this.forgetUnlessHeld(known);
    if (kind === 'chatKey') await this.setLabel(connectionId, undefined);
    this.log.info(`${kind} deleted for ${connectionId}`);
  }

  /** The chat key's display label (its name and masked form), without reading the secret. */
  chatKeyLabel(connectionId: string): string | undefined {
    return this.labels()[connectionId];
  }

  /** Stores a chat key with its display label. */
  async storeChatKey(connectionId: string, secret: string, label: string): Promise<void> {
    await this.store('chatKey', connectionId, secret);
    await this.setLabel(connectionId, label);
  }

  /** What is kept for a connection, as phrases for a confirmation ("its admin token", …); reads SecretStorage. */
  async describeConnection(connectionId: string): Promise<string[]> {
    const out: string[] = [];
    if (await this.has('token', connectionId).catch(() => true)) out.push(vscode.l10n.t('its token'));
    const label = this.chatKeyLabel(connectionId);
    if (label !== undefined) out.push(vscode.l10n.t('its chat model key ({0})', label));
    else if (await this.has('chatKey', connectionId).catch(() => false)) out.push(vscode.l10n.t('its chat model key'));
    return out;
  }

  /** Deletes every secret of a connection and the chat key's label; every deletion is tried, the first failure is thrown. */
  async deleteConnection(connectionId: string): Promise<void> {
    const failures: unknown[] = [];
    for (const kind of KINDS) {
      try {
        await this.delete(kind, connectionId);
      } catch (e) {
        failures.push(e);
      }
    }
    if (this.chatKeyLabel(connectionId) !== undefined) await this.setLabel(connectionId, undefined);
    if (failures.length > 0) throw failures[0];
  }

  // ---- the token of a connection (what most callers need) ----

  getToken(connectionId: string, opts?: { readonly fresh?: boolean }): Promise<string | undefined> {
    return this.get('token', connectionId, opts);
  }

  hasToken(connectionId: string): Promise<boolean> {
    return this.has('token', connectionId);
  }

  storeToken(connectionId: string, token: string): Promise<void> {
    return this.store('token', connectionId, token);
  }

  deleteToken(connectionId: string): Promise<void> {
    return this.delete('token', connectionId);
  }

  /** Stops masking a value no secret of ours holds any more (another connection may hold the same one). */
  private forgetUnlessHeld(value: string | undefined): void {
    if (value === undefined) return;
    for (const v of this.cache.values()) if (v === value) return;
    forgetSecret(value);
  }

  // ---- labels ----

  private readonly sessionLabels: Record<string, string> = {};

  private labels(): Record<string, string> {
    if (!this.state) return this.sessionLabels;
    const r = labelsSchema.safeParse(this.state.get(CHAT_KEY_LABELS_STATE));
    return r.success ? r.data : {};
  }

  private async setLabel(connectionId: string, label: string | undefined): Promise<void> {
    const { [connectionId]: _old, ...rest } = this.labels();
    const next = label === undefined ? rest : { ...rest, [connectionId]: label };
    if (!this.state) {
      for (const k of Object.keys(this.sessionLabels)) delete this.sessionLabels[k];
      Object.assign(this.sessionLabels, next);
      return;
    }
    await this.state.update(CHAT_KEY_LABELS_STATE, next);
  }
}
