/**
 * The Content-Security-Policy of every webview (docs/architecture.md, the webview boundary) and its nonce. No 'vscode' here,
 * so the Chromium security test can serve a page with exactly this policy.
 */
import { randomBytes } from 'node:crypto';

/** A fresh nonce for one render: 16 random bytes, base64. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

/** `default-src 'none'`; scripts only by nonce; styles and fonts from the extension; images only local or data:. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    "connect-src 'none'",
    "media-src 'none'",
    "frame-src 'none'",
    "worker-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}
