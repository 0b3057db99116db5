/**
 * "View details" as a document: a read-only virtual document (scheme `aigateway-key:`) with the key as Markdown, every
 * field the gateway returned. The secret never appears (only the masked form): full keys are shown only on an
 * explicit copy. The rendered view of the same key is detailsPanel.ts.
 * URI: `aigateway-key:/<connectionId>/<keyId>/<name>.md`.
 */
import * as vscode from 'vscode';
import { isConnectionId, isKeyId } from '../../core/ids';
import type { ApiKey } from '../../core/types';
import { describeKind } from '../../gateway';
import type { ConnectionStore } from '../../platform/connections';
import { userMessage } from '../../platform/errors';
import { Disposable } from '../../platform/lifecycle';
import { keyFields } from './fields';
import type { KeyRef } from './refs';

export const KEY_DETAILS_SCHEME = 'aigateway-key';

export function keyDetailsUri(ref: KeyRef, name: string): vscode.Uri {
  const safe =
    (name || ref.keyId)
      .replace(/[^\p{L}\p{N}_ .-]+/gu, '_')
      .slice(0, 60)
      .trim() || ref.keyId;
  return vscode.Uri.from({ scheme: KEY_DETAILS_SCHEME, path: `/${ref.connectionId}/${ref.keyId}/${safe}.md` });
}

export function parseKeyDetailsUri(uri: vscode.Uri): KeyRef | undefined {
  if (uri.scheme !== KEY_DETAILS_SCHEME) return undefined;
  const [, connectionId, keyId] = uri.path.split('/');
  if (!isConnectionId(connectionId) || !isKeyId(keyId)) return undefined;
  return { connectionId, keyId };
}

export class KeyDetailsProvider extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this._onDidChange.event;
  /** The last read of each key shown (masked fields only are ever rendered). */
  private readonly cache = new Map<string, ApiKey>();

  constructor(
    private readonly store: ConnectionStore,
    /** Team names of a connection, where the tree has read them. */
    private readonly teamsOf: (connectionId: string) => ReadonlyMap<string, string> | undefined = () => undefined,
    private readonly locale: () => string = () => vscode.env.language,
  ) {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(KEY_DETAILS_SCHEME, this));
    this._register(
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme === KEY_DETAILS_SCHEME) this.cache.delete(d.uri.toString());
      }),
    );
  }

  /** Shows `key` (as just read) and updates an open document of it. */
  set(uri: vscode.Uri, key: ApiKey): void {
    this.cache.set(uri.toString(), key);
    this._onDidChange.fire(uri);
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const ref = parseKeyDetailsUri(uri);
    if (!ref) return vscode.l10n.t('This is not a key document.');
    let key = this.cache.get(uri.toString());
    if (!key) {
      const ac = new AbortController();
      const sub = token.onCancellationRequested(() => ac.abort());
      try {
        key = await this.store.gateway(ref.connectionId).getKey(ref.keyId, { signal: ac.signal });
        this.cache.set(uri.toString(), key);
      } catch (e) {
        return `# ${vscode.l10n.t('Key details')}\n\n${userMessage(e)}\n`;
      } finally {
        sub.dispose();
      }
    }
    const profile = this.store.get(ref.connectionId);
    const teams = this.teamsOf(ref.connectionId);
    return renderKeyMarkdown(
      key,
      profile ? `${profile.label} (${describeKind(profile.kind).label})` : ref.connectionId,
      this.locale(),
      teams,
    );
  }
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** The document's text: who the key is, then the key-field table (fields.ts) — every field the gateway returned, except the secret. */
export function renderKeyMarkdown(
  k: ApiKey,
  connection: string,
  locale: string,
  teams?: ReadonlyMap<string, string>,
): string {
  const now = Date.now();
  const rows: Array<[string, string]> = [
    [vscode.l10n.t('Name'), k.name],
    [
      vscode.l10n.t('Key'),
      `\`${k.maskedKey.replace(/`/g, '')}\` ${vscode.l10n.t('(masked; use "Copy Key" for the full key)')}`,
    ],
    [vscode.l10n.t('Connection'), connection],
    ...keyFields(k, { now, locale, ...(teams ? { teams } : {}) }).map((f): [string, string] => [f.label, f.value]),
  ];
  const table = rows.map(([a, b]) => `| ${cell(a)} | ${cell(b)} |`).join('\n');
  const title = k.name || k.id;
  return (
    `# ${title.replace(/\r?\n/g, ' ')}\n\n| ${vscode.l10n.t('Field')} | ${vscode.l10n.t('Value')} |\n|---|---|\n${table}\n\n` +
    `_${vscode.l10n.t('Read from the gateway at {0}. Read-only.', new Date(now).toISOString().replace(/\.\d+Z$/, 'Z'))}_\n`
  );
}
