/** The gateway layer's front door: build a Gateway for a connection. No 'vscode' import. */
import type { Dispatcher } from 'undici';
import { AihubmixGateway } from './aihubmix/adapter';
import { AioneGateway } from './aione/adapter';
import { describeKind } from './descriptions';
import type { Gateway, GatewayConfig } from './gateway';
import { HttpClient } from './http';
import type { LogLevel, ProxyOptions, RetryPolicy, Timeouts, TlsOptions } from './httpTypes';

export type { GatewayConfig } from './gateway';
export { describeKind, GATEWAY_KINDS, type ManagementToken } from './descriptions';

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
