/**
 * Connection profiles: {id, kind, label, baseUrl, chatBaseUrl?, rawAuthHeader?, allowInsecureHttp?}.
 *
 * Where they live: in the application-scoped setting `aiGateway.connections` (user settings.json), not in
 * globalState. Reasons: the user can see and fix them (settings UI / JSON), they survive a reinstall, they can
 * be shared or synced like other settings, and application scope means no workspace can add or alter one (the
 * base URL decides where a token is sent). Nothing secret is in a profile: each token is in SecretStorage under
 * `aiGateway.token.<id>`; a profile whose token is missing (e.g. synced to another machine) asks for it again.
 *
 * Every profile, whoever wrote it (the UI, settings.json, the demo), passes the same rules (profiles.ts). An entry
 * that does not is listed by invalid() with what is wrong, and no client is ever built for it: no token is read
 * or sent for it.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { rememberSecret } from '../core/redact';
import type { GatewayKind, Identity } from '../core/types';
import { createGateway, type DisposableGateway, type TransportOptions } from '../gateway';
import type { CallOptions, GatewayConfig } from '../gateway/gateway';
import { BalanceCache } from './balances';
import type { ConfigService } from './config';
import { Disposable, toDisposable } from './lifecycle';
import { logSink, type Logger } from './logger';
import {
  InvalidBaseUrlError,
  InvalidConnectionError,
  MissingTokenError,
  UnknownConnectionError,
} from './connectionErrors';
import { type ConnectionProfile, type InvalidConnection, checkConnectionEntry, isInsecureProfile } from './profiles';
import type { SecretService } from './secrets';

export type { ConnectionProfile, InvalidConnection } from './profiles';
export { isInsecureProfile } from './profiles';

/** What the user enters for a new connection (the id is assigned on save). */
export interface ConnectionDraft {
  readonly kind: GatewayKind;
  readonly label: string;
  readonly baseUrl: string;
  readonly chatBaseUrl?: string;
  readonly rawAuthHeader?: boolean;
  readonly allowInsecureHttp?: boolean;
  readonly newApiUser?: string;
}

/**
 * State kept for a connection outside its profile and secrets (e.g. pending rotation reminders). Removing the
 * connection asks every owner what it keeps (for the confirmation), then deletes it.
 */
export interface ConnectionStateOwner {
  /** Short phrases ("2 pending rotation reminders …") for the confirmation; empty when nothing is kept. */
  describe(connectionId: string): readonly string[] | Promise<readonly string[]>;
  forget(connectionId: string): Promise<void>;
}

export type GatewayFactory = (config: GatewayConfig, transport?: TransportOptions) => DisposableGateway;

interface CachedGateway {
  readonly fingerprint: string;
  readonly gateway: DisposableGateway;
}

export class ConnectionStore extends Disposable {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  /** Profiles or tokens changed (in this window or another). */
  readonly onDidChange = this._onDidChange.event;
  private readonly gateways = new Map<string, CachedGateway>();
  private readonly owners = new Set<ConnectionStateOwner>();
  private created = 0;
  private readonly log: Logger;
  /** Each connection's balance, shared by the status bar and the connection rows (read only when one asks). */
  readonly balances: BalanceCache;

  constructor(
    private readonly config: ConfigService,
    /** Every secret a connection owns (its token, its chat model key) goes through this service. */
    readonly secrets: SecretService,
    private readonly logService: Logger,
    private readonly factory: GatewayFactory = createGateway,
    private readonly userAgent = 'ai-gateway-console',
  ) {
    super();
    this.log = logService.child('connections');
    this._register(
      config.onDidChange((c) => {
        if (c.network) this.dropGateways();
        if (c.connections) {
          this.dropStaleGateways();
          this._onDidChange.fire();
        }
      }),
    );
    this._register(secrets.onDidChange(() => this._onDidChange.fire()));
    this._register(toDisposable(() => this.dropGateways()));
    this.balances = this._register(new BalanceCache(this, this.log));
  }

  /** How many gateway clients were built (zero right after activation: activation does no network). */
  get gatewaysCreated(): number {
    return this.created;
  }

  /** The valid profiles, in settings order. */
  list(): readonly ConnectionProfile[] {
    return this.config.connections();
  }

  /** The entries of `aiGateway.connections` that break the rules, each with what is wrong (never used). */
  invalid(): readonly InvalidConnection[] {
    return this.config.connectionsSnapshot().invalid;
  }

  /** The position of a valid profile in the settings array. */
  indexOf(id: string): number | undefined {
    return this.config.connectionsSnapshot().indexOf.get(id);
  }

  get(id: string): ConnectionProfile | undefined {
    return this.list().find((p) => p.id === id);
  }

  /** The valid profile with this id; an invalid entry with it throws InvalidConnectionError (saying why). */
  require(id: string): ConnectionProfile {
    const p = this.get(id);
    if (p) return p;
    const bad = this.invalid().find((x) => x.id === id);
    if (bad) throw new InvalidConnectionError(bad.problems, id, bad.label);
    throw new UnknownConnectionError(id);
  }

  hasToken(id: string): Promise<boolean> {
    this.require(id);
    return this.secrets.hasToken(id);
  }

  /** Another part of the extension keeps state for connections: removing one deletes it too. */
  addStateOwner(owner: ConnectionStateOwner): vscode.Disposable {
    this.owners.add(owner);
    return toDisposable(() => this.owners.delete(owner));
  }

  /** Validates a draft into a profile: the same rules as a hand-written settings entry. */
  private toProfile(draft: ConnectionDraft, id: string): ConnectionProfile {
    const c = checkConnectionEntry({
      id,
      kind: draft.kind,
      label: draft.label,
      baseUrl: draft.baseUrl,
      ...(draft.chatBaseUrl?.trim() ? { chatBaseUrl: draft.chatBaseUrl } : {}),
      ...(draft.rawAuthHeader ? { rawAuthHeader: true } : {}),
      ...(draft.allowInsecureHttp ? { allowInsecureHttp: true } : {}),
      ...(draft.newApiUser?.trim() ? { newApiUser: draft.newApiUser } : {}),
    });
    if (c.ok) {
      const p = c.profile;
      // the insecure flag is kept only where it is needed (plain http:// to another machine)
      if (p.allowInsecureHttp && !isInsecureProfile(p)) {
        const { allowInsecureHttp: _unneeded, ...rest } = p;
        return rest;
      }
      return p;
    }
    const url = c.problems.find((x) => x.field === 'baseUrl' || x.field === 'chatBaseUrl');
    if (url && url.code !== 'missing' && url.code !== 'not-string') {
      throw new InvalidBaseUrlError(
        url.code,
        url.field === 'baseUrl' ? draft.baseUrl.trim() : (draft.chatBaseUrl ?? '').trim(),
      );
    }
    throw new InvalidConnectionError(c.problems);
  }

  /** Saves a new connection: the token into SecretStorage first, then the profile into the user settings. */
  async add(draft: ConnectionDraft, token: string): Promise<ConnectionProfile> {
    const profile = this.toProfile(draft, newConnectionId());
    await this.secrets.storeToken(profile.id, token);
    try {
      await this.config.saveConnection(profile);
    } catch (e) {
      await this.secrets.deleteToken(profile.id).catch(() => undefined);
      throw e;
    }
    this.log.info(`added ${profile.kind} connection "${profile.label}" (${profile.id}) at ${profile.baseUrl}`);
    this._onDidChange.fire();
    return profile;
  }

  /** Changes a profile and/or replaces its token. */
  async update(id: string, patch: Partial<ConnectionDraft>, token?: string): Promise<ConnectionProfile> {
    const current = this.require(id);
    const next = this.toProfile({ ...current, ...patch }, id);
    if (token !== undefined) await this.secrets.storeToken(id, token);
    if (JSON.stringify(next) !== JSON.stringify(current)) await this.config.saveConnection(next);
    this.dropGateway(id);
    this.log.info(`updated connection "${next.label}" (${id})${token !== undefined ? ', token replaced' : ''}`);
    this._onDidChange.fire();
    return next;
  }

  /**
   * What removing the connection deletes, as phrases for the confirmation: its secrets (read from SecretStorage)
   * and what other owners keep. Works for an invalid settings entry with this id too.
   */
  async removalPlan(id: string): Promise<string[]> {
    this.labelOf(id);
    const out = await this.secrets.describeConnection(id);
    for (const owner of this.owners) {
      try {
        out.push(...(await owner.describe(id)));
      } catch (e) {
        this.log.warn(`describing the state of ${id} failed`, e);
      }
    }
    return out;
  }

  /**
   * Removes the connection (a valid profile, or an invalid settings entry with this id): its settings entry, every
   * secret it owns (token, chat model key and its label), the state other owners keep for it, and the
   * `aiGateway.activeConnection` choice when it names it. Every step is tried; the first failure is thrown.
   */
  async remove(id: string): Promise<void> {
    const label = this.labelOf(id);
    await this.config.removeConnection(id);
    this.dropGateway(id);
    const failures: unknown[] = [];
    const attempt = async (what: string, fn: () => Promise<unknown>): Promise<void> => {
      try {
        await fn();
      } catch (e) {
        this.log.warn(`removing ${id}: ${what} failed`, e);
        failures.push(e);
      }
    };
    await attempt('deleting its secrets', () => this.secrets.deleteConnection(id));
    for (const owner of this.owners) await attempt('deleting its state', () => owner.forget(id));
    await attempt('clearing the active connection', () => this.config.forgetActiveConnection(id));
    this.log.info(`removed connection "${label}" (${id})`);
    this._onDidChange.fire();
    if (failures.length > 0) throw failures[0];
  }

  /** The label of a valid or invalid entry with this id (throws UnknownConnectionError when there is none). */
  labelOf(id: string): string {
    const p = this.get(id);
    if (p) return p.label;
    const bad = this.invalid().find((x) => x.id === id);
    if (bad) return bad.label ?? id;
    throw new UnknownConnectionError(id);
  }

  /** The gateway client of a saved connection (built on first use, rebuilt when its profile or the network settings change). */
  gateway(id: string): DisposableGateway {
    const profile = this.require(id);
    const fingerprint = JSON.stringify(profile);
    const cached = this.gateways.get(id);
    if (cached && cached.fingerprint === fingerprint) return cached.gateway;
    if (cached) void cached.gateway.dispose().catch(() => undefined);
    const gateway = this.build(profile, () => this.tokenFor(profile));
    this.gateways.set(id, { fingerprint, gateway });
    return gateway;
  }

  /**
   * The token for a client built from `built`: only while the connection is still valid and still points where it
   * did (a client kept by a caller across a settings change never sends the token to a URL it was not built for).
   */
  private async tokenFor(built: ConnectionProfile): Promise<string | undefined> {
    const id = built.id;
    const now = this.get(id);
    if (!now) {
      const bad = this.invalid().find((x) => x.id === id);
      throw bad ? new InvalidConnectionError(bad.problems, id, bad.label) : new UnknownConnectionError(id);
    }
    const target = (p: ConnectionProfile) =>
      JSON.stringify([p.kind, p.baseUrl, p.chatBaseUrl ?? '', p.allowInsecureHttp === true]);
    if (target(now) !== target(built)) {
      throw new Error(
        vscode.l10n.t(
          'The connection "{0}" was changed while a request was being made; nothing was sent. Try again.',
          now.label,
        ),
      );
    }
    return this.secrets.getToken(id);
  }

  /** Proves a saved connection: its token is present and the gateway accepts it. */
  async test(id: string, opts?: CallOptions): Promise<Identity> {
    const profile = this.require(id);
    if (!(await this.secrets.hasToken(id))) throw new MissingTokenError(id, profile.label);
    const t = Date.now();
    const identity = await this.gateway(id).whoAmI(opts);
    this.log.info(`connection "${profile.label}" OK in ${Date.now() - t} ms`);
    return identity;
  }

  /** Checks a draft and a token before anything is saved (a throw-away client). */
  async probe(draft: ConnectionDraft, token: string, opts?: CallOptions): Promise<Identity> {
    const profile = this.toProfile(draft, 'probe');
    const value = token.trim();
    rememberSecret(value);
    const gateway = this.build(profile, () => Promise.resolve(value));
    try {
      return await gateway.whoAmI(opts);
    } finally {
      void gateway.dispose().catch(() => undefined);
    }
  }

  private build(profile: ConnectionProfile, getToken: () => Promise<string | undefined>): DisposableGateway {
    const net = this.config.network();
    this.created++;
    this.log.debug(`building a ${profile.kind} client for "${profile.label}"`);
    return this.factory(
      {
        kind: profile.kind,
        baseUrl: profile.baseUrl,
        ...(profile.chatBaseUrl ? { chatBaseUrl: profile.chatBaseUrl } : {}),
        ...(profile.rawAuthHeader ? { rawAuthHeader: true } : {}),
        ...(profile.newApiUser ? { newApiUser: profile.newApiUser } : {}),
        label: profile.label,
        getToken,
      },
      {
        timeouts: net.timeouts,
        ...(net.proxy ? { proxy: net.proxy } : {}),
        log: logSink(this.logService.child('http')),
        userAgent: this.userAgent,
      },
    );
  }

  private dropGateway(id: string): void {
    const cached = this.gateways.get(id);
    if (!cached) return;
    this.gateways.delete(id);
    void cached.gateway.dispose().catch(() => undefined);
  }

  /** Clients whose profile is gone, became invalid or changed in settings.json: disposed at once. */
  private dropStaleGateways(): void {
    for (const [id, cached] of [...this.gateways]) {
      const p = this.get(id);
      if (!p || JSON.stringify(p) !== cached.fingerprint) this.dropGateway(id);
    }
  }

  private dropGateways(): void {
    for (const id of [...this.gateways.keys()]) this.dropGateway(id);
  }
}

function newConnectionId(): string {
  return `c${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}
