/**
 * Which proxy a request goes through, decided the way VS Code decides it for extensions (pure: no 'vscode', no I/O):
 *
 * 1. `http.proxySupport: "off"` → never a proxy.
 * 2. A loopback target (see isLoopbackHost) → always direct.
 * 3. A target matched by the no-proxy list → direct. The list is `http.noProxy` when that setting has entries,
 *    else `no_proxy` / `NO_PROXY` from the environment (the setting replaces the variable, as in VS Code).
 * 4. `http.proxy` when set, else the environment: for an https target `https_proxy`, `HTTPS_PROXY`, then
 *    `http_proxy`, `HTTP_PROXY` (VS Code uses one variable for every target); for an http target `http_proxy`,
 *    `HTTP_PROXY`; then `all_proxy`, `ALL_PROXY`. An empty variable counts as unset; a value without a scheme
 *    (`proxy.corp:3128`) means `http://`.
 * 5. The Proxy-Authorization header is `http.proxyAuthorization` when set, else Basic from the user name and
 *    password in the proxy URL. The credentials never appear in `uri` or `display`.
 *
 * No-proxy entries: `*` (every host), a name (`example.com`: the name and its subdomains), `.example.com` or
 * `*.example.com` (the same), `host:port` (that port only), an IP address (`10.1.2.3`, `::1`, `[fd00::1]:8443`)
 * and a CIDR range (`10.0.0.0/8`, `fd00::/8`). Entries are separated by commas or white space; case is ignored.
 */
import { isLoopbackHost, parseCidr, parseIp, sameIp } from '../core/net';

/** The environment variables that decide a proxy (a process.env, or a copy for tests). */
export type ProxyEnv = Readonly<Record<string, string | undefined>>;

export interface ProxySettings {
  /** `http.proxy`: the proxy for every target when set. */
  readonly url?: string;
  /** `http.proxyStrictSSL`: verify certificates on proxied connections (default true). */
  readonly strictSSL?: boolean;
  /** `http.proxyAuthorization`: the whole Proxy-Authorization header value, e.g. `Basic dXNlcjpwYXNz`. */
  readonly authorization?: string;
  /** `http.noProxy`: when it has entries, the environment's no_proxy is ignored. */
  readonly noProxy?: readonly string[];
  /** `http.proxySupport`; `off` turns every proxy off. */
  readonly support?: string;
  /** Where HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY are read from. */
  readonly env?: ProxyEnv;
}

export type ProxyProtocol = 'http:' | 'https:' | 'socks5:';

export interface ResolvedProxy {
  /** The proxy's origin without credentials, e.g. `http://proxy.corp:8080`. */
  readonly uri: string;
  /** `host:port` of the proxy, for logs and error sentences. */
  readonly display: string;
  readonly protocol: ProxyProtocol;
  /** The Proxy-Authorization value to send, when there is one (http and https proxies). */
  readonly authorization?: string;
  /** SOCKS credentials from the URL. */
  readonly socks?: { readonly username: string; readonly password: string };
  readonly strictSSL: boolean;
  /** The setting or variable it came from, e.g. `http.proxy` or `HTTPS_PROXY`. */
  readonly source: string;
}

export type ProxyDecision =
  | { readonly kind: 'direct'; readonly reason: 'not-configured' | 'loopback' | 'no-proxy' | 'proxy-support-off' }
  | { readonly kind: 'proxy'; readonly proxy: ResolvedProxy }
  /** The configured proxy cannot be used; requests fail with a `proxy` error rather than silently go direct. */
  | {
      readonly kind: 'invalid';
      readonly source: string;
      readonly problem: 'url' | 'scheme';
      readonly display?: string;
    };

const ENV_ORDER: Readonly<Record<'http:' | 'https:', readonly string[]>> = {
  'https:': ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY'],
  'http:': ['http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY'],
};

function defaultPort(protocol: string): number {
  return protocol === 'https:' ? 443 : protocol === 'socks5:' ? 1080 : 80;
}

/** A host name without its trailing dot (`example.com.` is `example.com`); lower case already (URL, parseRule). */
function bareHost(hostname: string): string {
  return hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
}

interface NoProxyRule {
  readonly matches: (host: string, ip: Uint8Array | undefined, port: number) => boolean;
}

/** One entry (no separators in it; '' when the list had two in a row). */
function parseRule(raw: string): NoProxyRule | undefined {
  const entry = raw.toLowerCase();
  if (entry === '*') return { matches: () => true };
  const cidr = parseCidr(entry);
  if (cidr) return { matches: (_h, ip) => ip !== undefined && cidr(ip) };
  let host = entry;
  let port: number | undefined;
  // `[v6]:port`; a bracketed address without a port is read by parseIp below, brackets and all
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(entry);
  // `host:port`, where the host has no colon (an IPv6 address is never read as one); `.*` starts at the start
  const withPort = bracketed ?? /(.*):(\d+)$/.exec(entry);
  if (withPort && (bracketed || !withPort[1]!.includes(':'))) {
    host = withPort[1]!;
    port = Number(withPort[2]);
  }
  const portOk = (p: number): boolean => port === undefined || port === p;
  const ip = parseIp(host);
  if (ip) return { matches: (_h, target, p) => target !== undefined && sameIp(ip, target) && portOk(p) };
  const name = bareHost(host.replace(/^\*?\./, '').replace(/^\*/, ''));
  if (!name) return undefined;
  return { matches: (h, _ip, p) => (h === name || h.endsWith(`.${name}`)) && portOk(p) };
}

/** Parses a no-proxy list (setting entries, or a variable split on commas and white space). */
export function parseNoProxy(entries: readonly string[] | string | undefined): (target: URL) => boolean {
  // the setting's text entries (a settings file may hold anything) as one list; one separator at a time: the
  // empty entries between two are dropped by parseRule
  const text = typeof entries === 'string' ? entries : (entries ?? []).filter((e) => typeof e === 'string').join(',');
  const list = text.split(/[\s,]/);
  const rules = list.map(parseRule).filter((r): r is NoProxyRule => r !== undefined);
  return (target) => {
    const host = bareHost(target.hostname);
    const ip = parseIp(host);
    const port = target.port ? Number(target.port) : defaultPort(target.protocol);
    return rules.some((r) => r.matches(host, ip, port));
  };
}

function envValue(env: ProxyEnv | undefined, name: string): string | undefined {
  const v = env?.[name]?.trim();
  return v ? v : undefined;
}

/** Where the proxy URL for this target comes from, before it is parsed. */
function configuredProxy(target: URL, settings: ProxySettings): { value: string; source: string } | undefined {
  const fromSetting = settings.url?.trim();
  if (fromSetting) return { value: fromSetting, source: 'http.proxy' };
  const order = ENV_ORDER[target.protocol === 'https:' ? 'https:' : 'http:'];
  for (const name of order) {
    const value = envValue(settings.env, name);
    if (value) return { value, source: name };
  }
  return undefined;
}

/** The host of a proxy URL this client cannot use, with its port only when written (its scheme's default is unknown). */
function writtenHost(url: URL): string {
  return url.port ? `${url.hostname}:${url.port}` : url.hostname;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Parses a proxy URL into what the client needs (credentials split off), or says why it cannot be used. */
export function parseProxyUrl(value: string, source: string, settings: ProxySettings): ProxyDecision {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { kind: 'invalid', source, problem: 'url' };
  }
  if (!url.hostname) return { kind: 'invalid', source, problem: 'url' };
  const scheme = url.protocol.toLowerCase();
  const protocol: ProxyProtocol | undefined =
    scheme === 'http:' || scheme === 'https:'
      ? scheme
      : scheme === 'socks5:' || scheme === 'socks5h:' || scheme === 'socks:'
        ? 'socks5:'
        : undefined;
  if (!protocol) return { kind: 'invalid', source, problem: 'scheme', display: writtenHost(url) };
  const username = decode(url.username);
  const password = decode(url.password);
  const port = url.port || String(defaultPort(protocol));
  const origin = `${protocol}//${url.hostname}:${port}`;
  const explicit = settings.authorization?.trim();
  const authorization =
    protocol === 'socks5:'
      ? undefined
      : explicit ||
        (username || password ? `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` : undefined);
  return {
    kind: 'proxy',
    proxy: {
      uri: origin,
      display: `${url.hostname}:${port}`,
      protocol,
      ...(authorization ? { authorization } : {}),
      ...(protocol === 'socks5:' && (username || password) ? { socks: { username, password } } : {}),
      strictSSL: settings.strictSSL ?? true,
      source,
    },
  };
}

/** The proxy decision for one request URL. */
export function resolveProxy(target: URL, settings: ProxySettings | undefined): ProxyDecision {
  if (!settings) return { kind: 'direct', reason: 'not-configured' };
  if (settings.support?.trim().toLowerCase() === 'off') return { kind: 'direct', reason: 'proxy-support-off' };
  if (isLoopbackHost(target.hostname)) return { kind: 'direct', reason: 'loopback' };
  const configured = configuredProxy(target, settings);
  if (!configured) return { kind: 'direct', reason: 'not-configured' };
  const fromSetting = (settings.noProxy ?? []).some((e) => typeof e === 'string' && e.trim() !== '');
  const bypass = parseNoProxy(
    fromSetting ? settings.noProxy : (envValue(settings.env, 'no_proxy') ?? envValue(settings.env, 'NO_PROXY')),
  );
  if (bypass(target)) return { kind: 'direct', reason: 'no-proxy' };
  return parseProxyUrl(configured.value, configured.source, settings);
}

/** Every secret a proxy configuration holds (the URL password, the Proxy-Authorization value and its credentials). */
export function proxySecrets(settings: ProxySettings | undefined): string[] {
  if (!settings) return [];
  const out: string[] = [];
  const auth = settings.authorization?.trim();
  if (auth) {
    out.push(auth);
    const cred = /^\S+\s+(\S+)$/.exec(auth)?.[1];
    if (cred) out.push(cred);
  }
  const values = [
    settings.url,
    ...Object.values(ENV_ORDER)
      .flat()
      .map((n) => settings.env?.[n]),
  ];
  for (const v of values) {
    if (v === undefined) continue;
    const text = v.trim();
    const m = /^[a-z][a-z0-9+.-]*:\/\/([^/@]*)@/i.exec(text) ?? /^([^/@]*)@/.exec(text);
    const userinfo = m?.[1];
    if (!userinfo) continue;
    const colon = userinfo.indexOf(':');
    const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
    const pass = colon < 0 ? '' : userinfo.slice(colon + 1);
    if (pass) out.push(pass, decode(pass));
    if (user && !pass) out.push(user, decode(user));
    out.push(Buffer.from(`${decode(user)}:${decode(pass)}`).toString('base64'));
  }
  return [...new Set(out)];
}
