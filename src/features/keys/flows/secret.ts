/**
 * The panel a new key is shown in (create, rotate): the key, and ready-made texts that hold it — `.env` lines and
 * snippets with the connection's chat base URL and a model the key may call. Whether it says "shown only now"
 * comes from the gateway's capabilities (one-api / new-api can show a key again; AIone cannot).
 */
import * as vscode from 'vscode';
import type { ApiKey } from '../../../core/types';
import type { GatewayCapabilities } from '../../../gateway/gateway';
import type { ConnectionProfile } from '../../../platform/connections';
import type { SecretPanel } from '../../../platform/prompter';
import { buildSnippet, chatBaseUrl, type SnippetKind } from '../logic';

const COPIES: ReadonlyArray<SnippetKind> = ['env', 'curl', 'python', 'node'];

function copyLabel(kind: SnippetKind): string {
  switch (kind) {
    case 'env':
      return vscode.l10n.t('Copy as .env');
    case 'curl':
      return vscode.l10n.t('Copy as curl snippet');
    case 'python':
      return vscode.l10n.t('Copy as Python snippet');
    case 'node':
      return vscode.l10n.t('Copy as Node.js snippet');
    default:
      return kind;
  }
}

export function secretPanel(opts: {
  readonly title: string;
  readonly key: ApiKey;
  readonly secret: string;
  readonly profile: ConnectionProfile;
  readonly caps: Pick<GatewayCapabilities, 'secretsReadable'>;
  /** A model the key may call (its first allowed one, else the gateway's first). */
  readonly model?: string;
}): SecretPanel {
  const model = opts.key.modelsAllowed[0] ?? opts.model ?? 'gpt-4o-mini';
  const baseUrl = chatBaseUrl(opts.profile);
  return {
    title: opts.title,
    keyName: opts.key.name || opts.key.id,
    secret: opts.secret,
    once: !opts.caps.secretsReadable,
    copies: COPIES.map((kind) => ({
      id: kind,
      label: copyLabel(kind),
      text: buildSnippet(kind, { baseUrl, key: opts.secret, model }),
    })),
  };
}
