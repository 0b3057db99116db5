/**
 * Which dispatcher a request goes through: the direct agent or one agent per proxy, each created on first use
 * (never at construction), with the client's extra CAs added to Node's and one proxy decision per origin.
 */
import type { LookupFunction } from 'node:net';
import * as nodeTls from 'node:tls';
import type { Agent, ProxyAgent } from 'undici';
import { GatewayError } from './errors';
import type { HttpRequest, ResolvedTimeouts, TlsOptions } from './httpTypes';
import { resolveProxy, type ProxyDecision, type ProxySettings, type ResolvedProxy } from './proxy';
import { createAgent, createProxyAgent, type Dispatcher } from './undici';

export interface Route {
  readonly dispatcher: Dispatcher;
  /** The proxy the request goes through, when it does. */
  readonly via?: ResolvedProxy;
}

export interface RouteOptions {
  readonly dispatcher?: Dispatcher;
  readonly proxy?: ProxySettings;
  readonly tls?: TlsOptions;
  readonly lookup?: LookupFunction;
  readonly gateway?: string;
}

/**
 * The TLS trust of a connection. Node's `ca` replaces its trust store, so the extra CAs are added to the ones Node
 * trusts by default (its bundle, NODE_EXTRA_CA_CERTS): a corporate or test CA never stops public certificates from
 * verifying. Without extra CAs Node's own store is used as it is.
 */
export function trustOptions(
  extra: TlsOptions['ca'],
  strictSSL = true,
): { ca?: string[]; rejectUnauthorized: boolean } {
  if (extra === undefined) return { rejectUnauthorized: strictSSL };
  const defaults =
    // Stryker disable next-line OptionalChaining: Node 24 (the tests' Node) has getCACertificates; the ?. is for an older Node
    (nodeTls as { getCACertificates?: (type: 'default') => string[] }).getCACertificates?.('default') ??
    nodeTls.rootCertificates;
  return { ca: [...defaults, ...(typeof extra === 'string' ? [extra] : extra)], rejectUnauthorized: strictSSL };
}

/** What the agent of one proxy is made with: its URI (SOCKS credentials in it), its token, the TLS of both legs. */
export function proxyAgentOptions(
  via: ResolvedProxy,
  connectMs: number,
  ca: TlsOptions['ca'],
  lookup?: LookupFunction,
): ProxyAgent.Options {
  const tls = {
    timeout: connectMs,
    ...trustOptions(ca, via.strictSSL),
    ...(lookup ? { lookup } : {}),
  };
  const uri = via.socks
    ? `socks5://${encodeURIComponent(via.socks.username)}:${encodeURIComponent(via.socks.password)}@${via.display}`
    : via.uri;
  return {
    uri,
    ...(via.authorization ? { token: via.authorization } : {}),
    // http targets are sent to an http proxy as absolute-URI requests (a forward proxy); https ones tunnel.
    proxyTunnel: false,
    requestTls: tls,
    proxyTls: tls,
    keepAliveTimeout: 10_000,
  };
}

/** What the direct agent is made with: the connect timeout, the TLS trust, the host name resolution. */
export function directAgentOptions(connectMs: number, ca: TlsOptions['ca'], lookup?: LookupFunction): Agent.Options {
  return {
    connect: {
      timeout: connectMs,
      ...trustOptions(ca),
      ...(lookup ? { lookup } : {}),
    },
    keepAliveTimeout: 10_000,
  };
}

export class Dispatchers {
  private direct?: Dispatcher;
  private readonly proxied = new Map<string, Dispatcher>();
  private readonly decisions = new Map<string, ProxyDecision>();

  constructor(
    private readonly options: RouteOptions,
    private readonly timeouts: ResolvedTimeouts,
  ) {}

  /** The dispatcher for one request (created on first use, never at construction) and the proxy it goes through. */
  route(url: URL, req: HttpRequest): Route {
    if (this.options.dispatcher) return { dispatcher: this.options.dispatcher };
    // The settings are fixed for the life of a client, so one decision per origin holds.
    let decision = this.decisions.get(url.origin);
    // Stryker disable next-line ConditionalExpression: deciding again gives the same decision (the settings are fixed)
    if (!decision) {
      decision = resolveProxy(url, this.options.proxy);
      // Stryker disable next-line ConditionalExpression,EqualityOperator,CallExpression: the cache only saves deciding again, which gives the same
      if (this.decisions.size < 256) this.decisions.set(url.origin, decision);
    }
    if (decision.kind === 'invalid') {
      const what =
        decision.problem === 'scheme'
          ? // Stryker disable next-line StringLiteral: a proxy URL with a wrong scheme always has a display
            `The proxy ${decision.display ?? ''} in ${decision.source} uses an unsupported scheme (use http://, https:// or socks5://)`
          : `The proxy in ${decision.source} is not a valid URL (expected http://host:port)`;
      throw new GatewayError({
        kind: 'proxy',
        code: 'proxy-config',
        message: what,
        gateway: this.options.gateway,
        operation: req.operation,
        ...(decision.display ? { proxy: decision.display } : {}),
      });
    }
    if (decision.kind === 'proxy') {
      const via = decision.proxy;
      const key = `${via.uri}|${via.strictSSL}`;
      let dispatcher = this.proxied.get(key);
      if (!dispatcher) {
        dispatcher = createProxyAgent(
          proxyAgentOptions(via, this.timeouts.connectMs, this.options.tls?.ca, this.options.lookup),
        );
        this.proxied.set(key, dispatcher);
      }
      return { dispatcher, via };
    }
    this.direct ??= createAgent(directAgentOptions(this.timeouts.connectMs, this.options.tls?.ca, this.options.lookup));
    return { dispatcher: this.direct };
  }

  /** Closes every dispatcher made so far; a later request makes new ones. */
  async close(): Promise<void> {
    const ds = [this.direct, ...this.proxied.values()].filter((d): d is Dispatcher => d !== undefined);
    this.direct = undefined;
    this.proxied.clear();
    await Promise.all(ds.map((d) => d.close().catch(() => undefined)));
  }
}
