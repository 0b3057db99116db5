/**
 * The keys created in this window since activation, newest first, held in memory only (never written anywhere):
 * the chat's key picker offers them first. Where the gateway shows a key's secret only at creation, the secret is
 * kept here too, so the key can still be chosen for the chat in this session; it is dropped when the window closes.
 */
import type { ApiKey } from '../core/types';

export interface SessionKey {
  readonly connectionId: string;
  readonly keyId: string;
  readonly name: string;
  readonly maskedKey: string;
  readonly createdAt: number;
  /** Only where the gateway cannot reveal the key again. */
  readonly secret?: string;
}

/** Keys created in this session (newest first). */
export class SessionKeys {
  private readonly keys: SessionKey[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** A key was created (the create flow's success path reports it). */
  add(connectionId: string, key: Pick<ApiKey, 'id' | 'name' | 'maskedKey'>, secret?: string): void {
    this.remove(connectionId, key.id);
    this.keys.unshift({
      connectionId,
      keyId: key.id,
      name: key.name,
      maskedKey: key.maskedKey,
      createdAt: this.now(),
      ...(secret ? { secret } : {}),
    });
  }

  /** The keys created on this connection in this session, newest first. */
  of(connectionId: string): readonly SessionKey[] {
    return this.keys.filter((k) => k.connectionId === connectionId);
  }

  get(connectionId: string, keyId: string): SessionKey | undefined {
    return this.keys.find((k) => k.connectionId === connectionId && k.keyId === keyId);
  }

  /** Forgets a key (deleted), or every key of a connection (removed). */
  remove(connectionId: string, keyId?: string): void {
    for (let i = this.keys.length - 1; i >= 0; i--) {
      const k = this.keys[i]!;
      if (k.connectionId === connectionId && (keyId === undefined || k.keyId === keyId)) this.keys.splice(i, 1);
    }
  }
}

/** A new key's answers filled in before the create flow opens (on its summary). */
export interface NewKeyPreset {
  readonly name: string;
  /** The summary's line saying what the preset is. */
  readonly note: string;
}

/**
 * Runs the key create flow with a preset: the key created (its `secret` where the gateway returned it), or undefined
 * when the user cancelled or the write failed (the flow has said why).
 */
export type CreateKeyWithPreset = (connectionId: string, preset: NewKeyPreset) => Promise<ApiKey | undefined>;
