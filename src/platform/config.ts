/**
 * Typed settings, validated with zod. Everything under `aiGateway.*` is application-scoped in package.json and
 * read from the user level only (inspect().globalValue / defaultValue): a workspace can never change a base URL,
 * and so can never redirect a token. The proxy comes from VS Code's own `http.proxy`, `http.proxyStrictSSL`,
 * `http.proxyAuthorization`, `http.noProxy` and `http.proxySupport`, and from the environment (HTTPS_PROXY…).
 * Tokens are never here: they live in SecretStorage (secrets.ts).
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import type { ProxySettings } from '../gateway/proxy';
import { Disposable } from './lifecycle';
import type { Logger } from './logger';

export const SECTION = 'aiGateway';
export const SettingKeys = {
  connections: 'connections',
  connectTimeoutSeconds: 'network.connectTimeoutSeconds',
  requestTimeoutSeconds: 'network.requestTimeoutSeconds',
  streamIdleTimeoutSeconds: 'network.streamIdleTimeoutSeconds',
} as const;

export const connectionProfileSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  kind: z.enum(['aione', 'aihubmix']),
  label: z.string().trim().min(1).max(100),
  baseUrl: z.string().min(1),
  chatBaseUrl: z.string().min(1).optional(),
  rawAuthHeader: z.boolean().optional(),
  /** The user confirmed plain http:// to a host that is not loopback. */
  allowInsecureHttp: z.boolean().optional(),
});
export type ConnectionProfile = z.infer<typeof connectionProfileSchema>;

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
const PROXY_SETTINGS = ['http.proxy', 'http.proxyStrictSSL', 'http.proxyAuthorization', 'http.noProxy', 'http.proxySupport'] as const;

/** The environment variables gateway/proxy reads (a copy, so a client sees one consistent set). */
const PROXY_ENV = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY'] as const;

export interface ConfigChange {
  readonly connections: boolean;
  readonly network: boolean;
}

export class ConfigService extends Disposable {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<ConfigChange>());
  readonly onDidChange = this._onDidChange.event;

  constructor(private readonly log: Logger) {
    super();
    this._register(vscode.workspace.onDidChangeConfiguration((e) => {
      const change: ConfigChange = {
        connections: e.affectsConfiguration(`${SECTION}.${SettingKeys.connections}`),
        network: e.affectsConfiguration(`${SECTION}.network`) || PROXY_SETTINGS.some((k) => e.affectsConfiguration(k)),
      };
      if (change.connections || change.network) this._onDidChange.fire(change);
    }));
  }

  /** A user-level value: the workspace levels are never consulted. */
  private userValue(key: string): unknown {
    const i = vscode.workspace.getConfiguration(SECTION).inspect<unknown>(key);
    return i?.globalValue ?? i?.defaultValue;
  }

  /** The saved connection profiles; an invalid entry is skipped (and logged), never fatal for the others. */
  connections(): readonly ConnectionProfile[] {
    const raw = this.userValue(SettingKeys.connections);
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) {
      this.log.warn(`${SECTION}.${SettingKeys.connections} is not an array; ignored`);
      return [];
    }
    const out: ConnectionProfile[] = [];
    const seen = new Set<string>();
    raw.forEach((entry: unknown, i) => {
      if (entry && typeof entry === 'object' && ('token' in entry || 'adminToken' in entry || 'apiKey' in entry)) {
        this.log.warn(`${SECTION}.${SettingKeys.connections}[${i}] has a token field: tokens belong in secret storage; it is ignored. Remove it from settings.json.`);
      }
      const r = connectionProfileSchema.safeParse(entry);
      if (!r.success) {
        this.log.warn(`${SECTION}.${SettingKeys.connections}[${i}] is invalid and skipped: ${r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
        return;
      }
      if (seen.has(r.data.id)) {
        this.log.warn(`${SECTION}.${SettingKeys.connections}[${i}] repeats id ${r.data.id}; skipped`);
        return;
      }
      seen.add(r.data.id);
      out.push(r.data);
    });
    return out;
  }

  /** Writes the profiles to the user settings (validated first; nothing secret can be in them). */
  async writeConnections(profiles: readonly ConnectionProfile[]): Promise<void> {
    const clean = profiles.map((p) => connectionProfileSchema.parse(p));
    await vscode.workspace.getConfiguration(SECTION).update(SettingKeys.connections, clean, vscode.ConfigurationTarget.Global);
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
        noProxy: Array.isArray(noProxy) ? noProxy.filter((e): e is string => typeof e === 'string') : typeof noProxy === 'string' ? [noProxy] : [],
        ...(support ? { support } : {}),
        env,
      },
    };
  }
}
