/**
 * The only place tokens are kept: VS Code's SecretStorage (OS keychain on desktop), one entry per connection
 * under `aiGateway.token.<connectionId>`. Never settings, never globalState, never logs.
 */
import * as vscode from 'vscode';
import { Disposable } from './lifecycle';
import type { Logger } from './logger';

export const TOKEN_KEY_PREFIX = 'aiGateway.token.';
const CONNECTION_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** SecretStorage cannot be used (no keychain, a locked keyring, a broken backend). */
export class SecretStorageUnavailableError extends Error {
  constructor(cause?: unknown) {
    super(
      vscode.l10n.t(
        'VS Code could not access its secure secret storage (the OS keychain), so the token cannot be kept. Tokens are never written to settings. Unlock or set up the keychain (on Linux: a Secret Service such as GNOME Keyring), then try again.',
      ),
      cause === undefined ? undefined : { cause },
    );
    this.name = 'SecretStorageUnavailableError';
  }
}

export function tokenKey(connectionId: string): string {
  if (!CONNECTION_ID.test(connectionId)) throw new Error(`invalid connection id: ${JSON.stringify(connectionId)}`);
  return TOKEN_KEY_PREFIX + connectionId;
}

export class SecretService extends Disposable {
  private readonly cache = new Map<string, string | undefined>();
  private readonly _onDidChange = this._register(new vscode.EventEmitter<string>());
  /** Fires with the connection id whose token changed (in any window). */
  readonly onDidChange = this._onDidChange.event;
  private counters = { reads: 0, writes: 0 };

  constructor(private readonly storage: vscode.SecretStorage, private readonly log: Logger) {
    super();
    this._register(storage.onDidChange((e) => {
      if (!e.key.startsWith(TOKEN_KEY_PREFIX)) return;
      const id = e.key.slice(TOKEN_KEY_PREFIX.length);
      this.cache.delete(id);
      this._onDidChange.fire(id);
    }));
  }

  /** How often the secret store was touched (the test API shows activation touches nothing). */
  get stats(): { readonly reads: number; readonly writes: number } {
    return { ...this.counters };
  }

  /** The token of a connection; `fresh` skips the session cache and asks SecretStorage. */
  async getToken(connectionId: string, opts?: { readonly fresh?: boolean }): Promise<string | undefined> {
    const key = tokenKey(connectionId);
    if (!opts?.fresh && this.cache.has(connectionId)) return this.cache.get(connectionId);
    this.counters.reads++;
    let value: string | undefined;
    try {
      value = await this.storage.get(key);
    } catch (e) {
      this.log.error(`reading the token of ${connectionId} failed`, e);
      throw new SecretStorageUnavailableError(e);
    }
    this.cache.set(connectionId, value);
    return value;
  }

  async hasToken(connectionId: string): Promise<boolean> {
    return (await this.getToken(connectionId)) !== undefined;
  }

  /** Stores the token and reads it back: a backend that silently drops secrets is reported as unavailable. */
  async storeToken(connectionId: string, token: string): Promise<void> {
    const key = tokenKey(connectionId);
    const value = token.trim();
    if (!value) throw new Error(vscode.l10n.t('The token is empty.'));
    this.counters.writes++;
    try {
      await this.storage.store(key, value);
      this.counters.reads++;
      const back = await this.storage.get(key);
      if (back !== value) throw new Error('the stored value did not read back');
    } catch (e) {
      this.cache.delete(connectionId);
      this.log.error(`storing the token of ${connectionId} failed`, e);
      throw new SecretStorageUnavailableError(e);
    }
    this.cache.set(connectionId, value);
    this.log.info(`token stored for ${connectionId}`);
  }

  async deleteToken(connectionId: string): Promise<void> {
    const key = tokenKey(connectionId);
    this.counters.writes++;
    this.cache.delete(connectionId);
    try {
      await this.storage.delete(key);
    } catch (e) {
      this.log.error(`deleting the token of ${connectionId} failed`, e);
      throw new SecretStorageUnavailableError(e);
    }
    this.log.info(`token deleted for ${connectionId}`);
  }
}
