/**
 * Connection profiles: {id, kind, label, baseUrl, chatBaseUrl?, rawAuthHeader?, allowInsecureHttp?}.
 *
 * Where they live: in the application-scoped setting `aiGateway.connections` (user settings.json), not in
 * globalState. Reasons: the user can see and fix them (settings UI / JSON), they survive a reinstall, they can
 * be shared or synced like other settings, and application scope means no workspace can add or alter one (the
 * base URL decides where a token is sent). Nothing secret is in a profile: each token is in SecretStorage under
 * `aiGateway.token.<id>`; a profile whose token is missing (e.g. synced to another machine) asks for it again.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { GatewayKind, Identity } from '../core/types';
import { createGateway, type DisposableGateway, type TransportOptions } from '../gateway';
import type { CallOptions, GatewayConfig } from '../gateway/gateway';
import { type ConfigService, type ConnectionProfile, connectionProfileSchema } from './config';
import { Disposable, toDisposable } from './lifecycle';
import { logSink, type Logger } from './logger';
import type { SecretService } from './secrets';
import { checkBaseUrl, type BaseUrlProblem } from './urls';

export type { ConnectionProfile } from './config';

/** What the user enters for a new connection (the id is assigned on save). */
export interface ConnectionDraft {
  readonly kind: GatewayKind;
  readonly label: string;
  readonly baseUrl: string;
  readonly chatBaseUrl?: string;
  readonly rawAuthHeader?: boolean;
  readonly allowInsecureHttp?: boolean;
}

export type GatewayFactory = (config: GatewayConfig, transport?: TransportOptions) => DisposableGateway;

export class InvalidBaseUrlError extends Error {
  constructor(readonly problem: BaseUrlProblem, url: string) {
    super(describeBaseUrlProblem(problem, url));
    this.name = 'InvalidBaseUrlError';
  }
}

export class MissingTokenError extends Error {
  constructor(readonly connectionId: string, label: string) {
    super(vscode.l10n.t('No token is stored for "{0}". Run "Test Connection" to enter it again.', label));
    this.name = 'MissingTokenError';
  }
}

export class UnknownConnectionError extends Error {
  constructor(readonly connectionId: string) {
    super(vscode.l10n.t('There is no gateway connection with id "{0}".', connectionId));
    this.name = 'UnknownConnectionError';
  }
}

export function describeBaseUrlProblem(problem: BaseUrlProblem, url: string): string {
  switch (problem) {
    case 'empty': return vscode.l10n.t('Enter the gateway base URL.');
    case 'invalid': return vscode.l10n.t('"{0}" is not a valid URL.', url);
    case 'scheme': return vscode.l10n.t('The base URL must start with https:// (or http:// for a local gateway).');
    case 'credentials': return vscode.l10n.t('The base URL must not contain a user name or password; the token is entered separately.');
    case 'query': return vscode.l10n.t('The base URL must not contain a query (?…) or fragment (#…).');
    case 'insecure': return vscode.l10n.t('Plain http:// is only allowed for a gateway on this machine (localhost); use https://.');
  }
}

interface CachedGateway {
  readonly fingerprint: string;
  readonly gateway: DisposableGateway;
}

export class ConnectionStore extends Disposable {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  /** Profiles or tokens changed (in this window or another). */
  readonly onDidChange = this._onDidChange.event;
  private readonly gateways = new Map<string, CachedGateway>();
  private created = 0;
  private readonly log: Logger;

  constructor(
    private readonly config: ConfigService,
    private readonly secrets: SecretService,
    private readonly logService: Logger,
    private readonly factory: GatewayFactory = createGateway,
    private readonly userAgent = 'ai-gateway-console',
  ) {
    super();
    this.log = logService.child('connections');
    this._register(config.onDidChange((c) => {
      if (c.network) this.dropGateways();
      if (c.connections) this._onDidChange.fire();
    }));
    this._register(secrets.onDidChange(() => this._onDidChange.fire()));
    this._register(toDisposable(() => this.dropGateways()));
  }

  /** How many gateway clients were built (zero right after activation: activation does no network). */
  get gatewaysCreated(): number {
    return this.created;
  }

  list(): readonly ConnectionProfile[] {
    return this.config.connections();
  }

  get(id: string): ConnectionProfile | undefined {
    return this.list().find((p) => p.id === id);
  }

  require(id: string): ConnectionProfile {
    const p = this.get(id);
    if (!p) throw new UnknownConnectionError(id);
    return p;
  }

  hasToken(id: string): Promise<boolean> {
    return this.secrets.hasToken(id);
  }

  /** Validates a draft into a profile (base URL rules included). */
  private toProfile(draft: ConnectionDraft, id: string): ConnectionProfile {
    const base = checkBaseUrl(draft.baseUrl, draft.allowInsecureHttp === true);
    if (!base.ok) throw new InvalidBaseUrlError(base.problem, draft.baseUrl);
    let chatBaseUrl: string | undefined;
    if (draft.chatBaseUrl?.trim()) {
      const chat = checkBaseUrl(draft.chatBaseUrl, draft.allowInsecureHttp === true);
      if (!chat.ok) throw new InvalidBaseUrlError(chat.problem, draft.chatBaseUrl);
      chatBaseUrl = chat.url;
    }
    return connectionProfileSchema.parse({
      id,
      kind: draft.kind,
      label: draft.label.trim(),
      baseUrl: base.url,
      ...(chatBaseUrl ? { chatBaseUrl } : {}),
      ...(draft.rawAuthHeader ? { rawAuthHeader: true } : {}),
      ...(base.insecure && draft.allowInsecureHttp ? { allowInsecureHttp: true } : {}),
    });
  }

  /** Saves a new connection: the token into SecretStorage first, then the profile into the user settings. */
  async add(draft: ConnectionDraft, token: string): Promise<ConnectionProfile> {
    const profile = this.toProfile(draft, newConnectionId());
    await this.secrets.storeToken(profile.id, token);
    try {
      await this.config.writeConnections([...this.list(), profile]);
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
    if (JSON.stringify(next) !== JSON.stringify(current)) {
      await this.config.writeConnections(this.list().map((p) => (p.id === id ? next : p)));
    }
    this.dropGateway(id);
    this.log.info(`updated connection "${next.label}" (${id})${token !== undefined ? ', token replaced' : ''}`);
    this._onDidChange.fire();
    return next;
  }

  /** Removes the profile and deletes its token. */
  async remove(id: string): Promise<void> {
    const current = this.require(id);
    await this.config.writeConnections(this.list().filter((p) => p.id !== id));
    this.dropGateway(id);
    await this.secrets.deleteToken(id);
    this.log.info(`removed connection "${current.label}" (${id})`);
    this._onDidChange.fire();
  }

  /** The gateway client of a saved connection (built on first use, rebuilt when its profile or the network settings change). */
  gateway(id: string): DisposableGateway {
    const profile = this.require(id);
    const fingerprint = JSON.stringify(profile);
    const cached = this.gateways.get(id);
    if (cached && cached.fingerprint === fingerprint) return cached.gateway;
    if (cached) void cached.gateway.dispose().catch(() => undefined);
    const gateway = this.build(profile, () => this.secrets.getToken(id));
    this.gateways.set(id, { fingerprint, gateway });
    return gateway;
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

  private dropGateways(): void {
    for (const id of [...this.gateways.keys()]) this.dropGateway(id);
  }
}

function newConnectionId(): string {
  return `c${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}
