/**
 * Host side of every webview: the HTML shell and its Content-Security-Policy (docs/architecture.md, the webview boundary).
 * `default-src 'none'`, scripts only by a fresh 128-bit nonce from `crypto`, styles from the extension's own files
 * (or by nonce), fonts from the extension, images only from the extension or data: — no remote image can load, no
 * eval, no inline handler. The initial state is never inlined: the webview asks for it with a `ready` message.
 */
import type * as vscode from 'vscode';
import { contentSecurityPolicy, makeNonce } from './csp';

export { contentSecurityPolicy, makeNonce } from './csp';

const escapeAttr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface WebviewHtmlOptions {
  readonly webview: vscode.Webview;
  readonly title: string;
  /** BCP-47 language of the UI, e.g. vscode.env.language. */
  readonly lang: string;
  readonly scripts: readonly vscode.Uri[];
  readonly styles: readonly vscode.Uri[];
  /** Static skeleton shown before the script runs (already safe HTML written by us, never data). */
  readonly body: string;
  /** Defaults to makeNonce(). */
  readonly nonce?: string;
}

export function webviewHtml(o: WebviewHtmlOptions): string {
  const nonce = o.nonce ?? makeNonce();
  const csp = contentSecurityPolicy(o.webview.cspSource, nonce);
  const styles = o.styles
    .map((u) => `<link rel="stylesheet" nonce="${nonce}" href="${escapeAttr(o.webview.asWebviewUri(u).toString())}">`)
    .join('\n    ');
  const scripts = o.scripts
    .map((u) => `<script nonce="${nonce}" src="${escapeAttr(o.webview.asWebviewUri(u).toString())}"></script>`)
    .join('\n    ');
  return `<!DOCTYPE html>
<html lang="${escapeAttr(o.lang)}">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    <title>${escapeAttr(o.title)}</title>
  </head>
  <body>
    ${o.body}
    ${scripts}
  </body>
</html>`;
}
