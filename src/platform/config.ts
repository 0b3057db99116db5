/**
 * Typed settings, validated with zod. Everything under `aiGateway.*` is application-scoped in package.json and
 * read from the user level only (inspect().globalValue / defaultValue): a workspace can never change a base URL,
 * and so can never redirect a token. The proxy comes from VS Code's own `http.proxy`, `http.proxyStrictSSL`,
 * `http.proxyAuthorization`, `http.noProxy` and `http.proxySupport`, and from the environment (HTTPS_PROXY…).
 * Tokens are never here: they live in SecretStorage (secrets.ts).
 *
 * `aiGateway.connections` is parsed once into a snapshot (profiles in use + invalid entries with their problems)
 * and parsed again only after the setting changed; an invalid entry is logged once per change.
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import type { ProxySettings } from '../gateway/proxy';
import { Disposable } from './lifecycle';
import type { Logger } from './logger';
import {
  type ConnectionProfile,
  type ConnectionsSnapshot,
  PROFILE_KEYS,
  connectionProfileSchema,
  describeProblemForLog,
  parseConnections,
} from './profiles';

/** The settings section of package.json's contributes.configuration: every setting is `aiGateway.<key>`. */
export const SECTION = 'aiGateway';
export const SettingKeys = {
  connections: 'connections',
  connectTimeoutSeconds: 'network.connectTimeoutSeconds',
  requestTimeoutSeconds: 'network.requestTimeoutSeconds',
  streamIdleTimeoutSeconds: 'network.streamIdleTimeoutSeconds',
  activeConnection: 'activeConnection',
  keysPageSize: 'keys.pageSize',
} as const;

/** `aiGateway.<key>`, as package.json and settings.json name it. */
export function settingId(key: (typeof SettingKeys)[keyof typeof SettingKeys]): string {
  return `${SECTION}.${key}`;
}

const KEYS_PAGE_SIZE = { default: 50, min: 1, max: 100 } as const;

export type { ConnectionProfile } from './profiles';

const seconds = (def: number, max: number) => z.number().min(1).max(max).catch(def);
const networkSchema = z.object({
  connectTimeoutSeconds: seconds(10, 120),
  requestTimeoutSeconds: seconds(30, 600),
  streamIdleTimeoutSeconds: seconds(60, 600),
});

export interface NetworkSettings {
  readonly timeouts: { readonly connectMs: number; readonly headersMs: number; readonly bodyMs: number };
  /** What decides the proxy of each request (resolved per request URL by gateway/proxy). */
  readonly proxy: ProxySettings;
}

/** The VS Code settings that decide the proxy; a change to any of them rebuilds the clients. */
const PROXY_SETTINGS = [
  'http.proxy',
  'http.proxyStrictSSL',
  'http.proxyAuthorization',
  'http.noProxy',
  'http.proxySupport',
] as const;

/** The environment variables gateway/proxy reads (a copy, so a client sees one consistent set). */
const PROXY_ENV = [
  'https_proxy',
  'HTTPS_PROXY',
  'http_proxy',
  'HTTP_PROXY',
  'all_proxy',
  'ALL_PROXY',
  'no_proxy',
  'NO_PROXY',
] as const;

export interface ConfigChange {
  readonly connections: boolean;
  readonly network: boolean;
  readonly activeConnection: boolean;
  readonly keysPageSize: boolean;
}

export class ConfigService extends Disposable {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<ConfigChange>());
  readonly onDidChange = this._onDidChange.event;

  /** The last parse of `aiGateway.connections`, with the JSON it was parsed from. */
  private parsed: { readonly json: string; readonly snapshot: ConnectionsSnapshot } | undefined;
  /** The setting may have changed since `parsed` (compare before parsing again). */
  private dirty = true;
  private parses = 0;

  constructor(private readonly log: Logger) {
    super();
    // registered first, so the snapshot is stale before any listener of onDidChange reads it
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(settingId(SettingKeys.connections))) this.dirty = true;
      }),
    );
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        const change: ConfigChange = {
          connections: e.affectsConfiguration(settingId(SettingKeys.connections)),
          network:
            e.affectsConfiguration(`${SECTION}.network`) || PROXY_SETTINGS.some((k) => e.affectsConfiguration(k)),
          activeConnection: e.affectsConfiguration(settingId(SettingKeys.activeConnection)),
          keysPageSize: e.affectsConfiguration(settingId(SettingKeys.keysPageSize)),
        };
        if (change.connections || change.network || change.activeConnection || change.keysPageSize)
          this._onDidChange.fire(change);
      }),
    );
  }

  /** A user-level value: the workspace levels are never consulted. */
  private userValue(key: string): unknown {
    const i = vscode.workspace.getConfiguration(SECTION).inspect<unknown>(key);
    return i?.globalValue ?? i?.defaultValue;
  }

  /** How often `aiGateway.connections` was parsed (once per change of the setting). */
  get connectionParses(): number {
    return this.parses;
  }

  /** The parsed `aiGateway.connections`: parsed again only when the setting changed since the last parse. */
  connectionsSnapshot(): ConnectionsSnapshot {
    if (this.parsed && !this.dirty) return this.parsed.snapshot;
    const raw = this.userValue(SettingKeys.connections);
    const json = JSON.stringify(raw ?? null);
    this.dirty = false;
    if (this.parsed && this.parsed.json === json) return this.parsed.snapshot;
    this.parses++;
    const snapshot = parseConnections(raw);
    this.parsed = { json, snapshot };
    this.logProblems(snapshot);
    return snapshot;
  }

  private logProblems(s: ConnectionsSnapshot): void {
    const key = settingId(SettingKeys.connections);
    if (s.notArray) this.log.warn(`${key} is not an array; no connection is used until it is fixed`);
    for (const w of s.warnings)
      this.log.warn(`${key}[${w.index}] (${w.id}) ${w.problems.map(describeProblemForLog).join('; ')}`);
    for (const bad of s.invalid) {
      this.log.warn(
        `${key}[${bad.index}]${bad.id ? ` (${bad.id})` : ''} is invalid and not used: ${bad.problems.map(describeProblemForLog).join('; ')}`,
      );
    }
  }

  /** The saved connection profiles that are valid (invalid entries are in connectionsSnapshot().invalid). */
  connections(): readonly ConnectionProfile[] {
    return this.connectionsSnapshot().profiles;
  }

  /**
   * Adds a profile, or replaces the entry with its id, in the user settings. Every other entry is written back as it
   * was (invalid ones included), and keys of a hand-written entry that the profile does not know are kept.
   */
  async saveConnection(profile: ConnectionProfile): Promise<void> {
    const clean = connectionProfileSchema.parse(profile);
    const snap = this.connectionsSnapshot();
    const raw = this.rawConnections();
    const at = snap.indexOf.get(clean.id);
    if (at === undefined) raw.push(clean);
    else raw[at] = { ...unknownKeys(raw[at]), ...clean };
    await this.writeRaw(raw);
  }

  /** Removes every entry with this id (valid or not) from the user settings; false when there was none. */
  async removeConnection(id: string): Promise<boolean> {
    const raw = this.rawConnections();
    const kept = raw.filter((e) => !(e && typeof e === 'object' && (e as { id?: unknown }).id === id));
    if (kept.length === raw.length) return false;
    await this.writeRaw(kept);
    return true;
  }

  /** The connection id `aiGateway.activeConnection` names at the user level (the status bar's choice), if any. */
  activeConnectionId(): string | undefined {
    const v = vscode.workspace.getConfiguration(SECTION).inspect<unknown>(SettingKeys.activeConnection)?.globalValue;
    return typeof v === 'string' ? v : undefined;
  }

  /** Saves the status bar's choice in the user settings. */
  async setActiveConnection(id: string): Promise<void> {
    await vscode.workspace
      .getConfiguration(SECTION)
      .update(SettingKeys.activeConnection, id, vscode.ConfigurationTarget.Global);
  }

  /** Clears `aiGateway.activeConnection` when it names `id`. */
  async forgetActiveConnection(id: string): Promise<boolean> {
    if (this.userValue(SettingKeys.activeConnection) !== id) return false;
    await vscode.workspace
      .getConfiguration(SECTION)
      .update(SettingKeys.activeConnection, undefined, vscode.ConfigurationTarget.Global);
    return true;
  }

  /**
   * Keys per page of the keys tree (`aiGateway.keys.pageSize`, window scope: a workspace may set it, it sends
   * nothing anywhere), a whole number from 1 to 100; anything else reads as the default 50.
   */
  keysPageSize(): number {
    const v = vscode.workspace.getConfiguration(SECTION).get<unknown>(SettingKeys.keysPageSize);
    const n = typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : KEYS_PAGE_SIZE.default;
    return Math.min(KEYS_PAGE_SIZE.max, Math.max(KEYS_PAGE_SIZE.min, n));
  }

  /** A copy of the user-level array (an error when the setting holds something else: it is not overwritten). */
  private rawConnections(): unknown[] {
    const raw = this.userValue(SettingKeys.connections);
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) {
      throw new Error(
        vscode.l10n.t(
          'The setting {0} in settings.json is not a list, so it cannot be changed safely. Fix it (or remove it), then try again.',
          settingId(SettingKeys.connections),
        ),
      );
    }
    return raw.map((e: unknown) => (e && typeof e === 'object' ? structuredClone(e) : e));
  }

  private async writeRaw(raw: readonly unknown[]): Promise<void> {
    await vscode.workspace
      .getConfiguration(SECTION)
      .update(SettingKeys.connections, raw, vscode.ConfigurationTarget.Global);
    this.dirty = true;
  }

  network(): NetworkSettings {
    const n = networkSchema.parse({
      connectTimeoutSeconds: this.userValue(SettingKeys.connectTimeoutSeconds),
      requestTimeoutSeconds: this.userValue(SettingKeys.requestTimeoutSeconds),
      streamIdleTimeoutSeconds: this.userValue(SettingKeys.streamIdleTimeoutSeconds),
    });
    const http = vscode.workspace.getConfiguration('http');
    const text = (key: string): string | undefined => {
      const v = http.get<unknown>(key);
      return typeof v === 'string' && v.trim() ? v.trim() : undefined;
    };
    const noProxy = http.get<unknown>('noProxy');
    const strictSSL = http.get<unknown>('proxyStrictSSL');
    const env: Record<string, string | undefined> = {};
    for (const name of PROXY_ENV) if (process.env[name]) env[name] = process.env[name];
    const url = text('proxy');
    const authorization = text('proxyAuthorization');
    const support = text('proxySupport');
    return {
      timeouts: {
        connectMs: n.connectTimeoutSeconds * 1000,
        headersMs: n.requestTimeoutSeconds * 1000,
        bodyMs: n.streamIdleTimeoutSeconds * 1000,
      },
      proxy: {
        ...(url ? { url } : {}),
        strictSSL: typeof strictSSL === 'boolean' ? strictSSL : true,
        ...(authorization ? { authorization } : {}),
        // A hand-edited string instead of an array is read as one comma separated list; other types are ignored.
        noProxy: Array.isArray(noProxy)
          ? noProxy.filter((e): e is string => typeof e === 'string')
          : typeof noProxy === 'string'
            ? [noProxy]
            : [],
        ...(support ? { support } : {}),
        env,
      },
    };
  }
}

/** The keys of a hand-written entry that a profile does not have (kept when the entry is rewritten). */
function unknownKeys(entry: unknown): Record<string, unknown> {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return {};
  const known = new Set<string>(PROFILE_KEYS);
  return Object.fromEntries(Object.entries(entry as Record<string, unknown>).filter(([k]) => !known.has(k)));
}
