/**
 * This machine's public IP, asked of a "what is my IP" service through the same HTTP client as the gateways: the
 * proxy VS Code would use for that URL (`http.proxy`, `http.proxyStrictSSL`, `http.proxyAuthorization`,
 * `http.noProxy`, or HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment), the same timeouts, no retry. Behind a
 * proxy the address the service sees is the one a gateway sees too. No 'vscode' here.
 */
import { isIP } from 'node:net';
import { HttpClient } from '../../gateway/http';
import type { ProxySettings } from '../../gateway/proxy';

export interface PublicIpOptions {
  /** The proxy settings in force (absent: none). */
  readonly proxy?: ProxySettings;
  /** How long the whole lookup may take, in ms (default 10 s). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** The address the service answered (plain text), or throws a GatewayError / an Error saying what it answered. */
export async function lookupPublicIp(url: string, opts: PublicIpOptions = {}): Promise<string> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const http = new HttpClient({
    ...(opts.proxy ? { proxy: opts.proxy } : {}),
    timeouts: { connectMs: timeoutMs, headersMs: timeoutMs, bodyMs: timeoutMs, totalMs: timeoutMs },
    retry: { maxRetries: 0 },
    gateway: new URL(url).host,
  });
  try {
    const res = await http.request({
      method: 'GET',
      url,
      headers: { accept: 'text/plain' },
      operation: 'look up this machine’s public IP',
      retry: false,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const text = res.text.trim().slice(0, 64);
    if (res.status < 200 || res.status >= 300 || isIP(text) === 0)
      throw new Error(`answered HTTP ${res.status} without an IP address`);
    return text;
  } finally {
    await http.dispose();
  }
}
