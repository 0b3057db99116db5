/** Base-URL rules for gateway connections. Pure (no 'vscode'), so the unit tier can test it. */
import { isLoopbackHost } from '../core/net';

export type BaseUrlProblem =
  | 'empty'
  | 'invalid' // not a URL at all
  | 'scheme' // not http(s)
  | 'credentials' // user:password@ in the URL (a token must never travel in a URL)
  | 'query' // ?query or #fragment: a base URL has neither
  | 'insecure'; // plain http:// to a host that is not loopback, without the user's confirmation

export type BaseUrlCheck =
  | { readonly ok: true; readonly url: string; readonly insecure: boolean }
  | { readonly ok: false; readonly problem: BaseUrlProblem };

/**
 * Checks and normalises a gateway base URL (trailing slashes removed).
 * `allowInsecureHttp`: the user confirmed plain http:// to a non-loopback host.
 */
export function checkBaseUrl(input: string, allowInsecureHttp = false): BaseUrlCheck {
  const raw = input.trim();
  if (!raw) return { ok: false, problem: 'empty' };
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { ok: false, problem: 'invalid' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { ok: false, problem: 'scheme' };
  if (!u.hostname) return { ok: false, problem: 'invalid' };
  if (u.username || u.password) return { ok: false, problem: 'credentials' };
  if (u.search || u.hash || raw.includes('?') || raw.includes('#')) return { ok: false, problem: 'query' };
  const insecure = u.protocol === 'http:' && !isLoopbackHost(u.hostname);
  if (insecure && !allowInsecureHttp) return { ok: false, problem: 'insecure' };
  const url = `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  return { ok: true, url, insecure };
}
