/** The gateway layer's front door: build a Gateway for a connection. No 'vscode' import. */
import type { Dispatcher } from 'undici';
import type { GatewayKind } from '../core/types';
import { AihubmixGateway } from './aihubmix/adapter';
import { AIHUBMIX_DEFAULT_BASE_URL } from './aihubmix/routes';
import { AioneGateway } from './aione/adapter';
import { AIONE_DEFAULT_BASE_URL } from './aione/routes';
import type { Gateway, GatewayConfig } from './gateway';
import { HttpClient, type LogLevel, type ProxyOptions, type RetryPolicy, type Timeouts, type TlsOptions } from './http';

export type { GatewayConfig } from './gateway';

export interface TransportOptions {
  readonly proxy?: ProxyOptions;
  /** Extra certificate authorities to trust (a corporate or test CA); verification always stays on. */
  readonly tls?: TlsOptions;
  readonly dispatcher?: Dispatcher;
  readonly timeouts?: Partial<Timeouts>;
  readonly retry?: Partial<RetryPolicy>;
  readonly log?: (level: LogLevel, message: string) => void;
  readonly userAgent?: string;
}

export interface DisposableGateway extends Gateway {
  /** Closes the connection pool. */
  dispose(): Promise<void>;
}

/** Which token a gateway's management API takes (the UI words its prompts after it). */
export type ManagementToken = 'admin-token' | 'system-access-token';

/** What the UI says about a kind of gateway before any connection exists: its name, default URL, token. */
export interface GatewayDescription {
  readonly kind: GatewayKind;
  readonly label: string;
  readonly defaultBaseUrl: string;
  readonly managementToken: ManagementToken;
  /** A token that starts with this is a model key (sk-…), not the management token: the token prompt warns. */
  readonly modelKeyPrefix?: string;
  /** A connection may send the raw token instead of `Bearer <token>` (some relays reject "Bearer"). */
  readonly rawAuthHeader: boolean;
}

/** The kinds of gateway, in the order the UI offers them. */
export const GATEWAY_KINDS: readonly GatewayKind[] = ['aione', 'aihubmix'];

const DESCRIPTIONS: Readonly<Record<GatewayKind, GatewayDescription>> = {
  aione: { kind: 'aione', label: 'AIone API', defaultBaseUrl: AIONE_DEFAULT_BASE_URL, managementToken: 'admin-token', rawAuthHeader: false },
  aihubmix: {
    kind: 'aihubmix',
    label: 'AIHubMix',
    defaultBaseUrl: AIHUBMIX_DEFAULT_BASE_URL,
    managementToken: 'system-access-token',
    modelKeyPrefix: 'sk-',
    rawAuthHeader: true,
  },
};

export function describeKind(kind: GatewayKind): GatewayDescription {
  return DESCRIPTIONS[kind];
}

export function createGateway(config: GatewayConfig, transport: TransportOptions = {}): DisposableGateway {
  const http = new HttpClient({
    ...(transport.dispatcher ? { dispatcher: transport.dispatcher } : {}),
    ...(transport.proxy ? { proxy: transport.proxy } : {}),
    ...(transport.tls ? { tls: transport.tls } : {}),
    ...(transport.timeouts ? { timeouts: transport.timeouts } : {}),
    ...(transport.retry ? { retry: transport.retry } : {}),
    ...(transport.log ? { log: transport.log } : {}),
    ...(transport.userAgent ? { userAgent: transport.userAgent } : {}),
    gateway: config.label ?? describeKind(config.kind).label,
  });
  const gateway = config.kind === 'aione' ? new AioneGateway(config, http) : new AihubmixGateway(config, http);
  return Object.assign(gateway, { dispose: () => http.dispose() });
}
