/**
 * KeyCopying: copy a key's secret, or a snippet (curl / Python / Node / .env / Anthropic / Gemini / Claude Code) with
 * the chat base URL, the key (or a placeholder where the gateway cannot reveal it) and a model the key may call.
 * Tests replace `clipboard`.
 */
import * as vscode from 'vscode';
import type { ModelInfo } from '../../core/types';
import { protocolEndpoints } from '../../gateway/endpoints';
import type { ConnectionStore } from '../../platform/connections';
import type { Logger } from '../../platform/logger';
import { SNIPPET_KINDS, type SnippetKind, buildSnippet, chatBaseUrl } from './logic';
import type { KeyRef } from './refs';
import type { KeysTree } from './tree';
import { knownOrRead, onKeysView } from './keyAccess';

export interface Clipboard {
  writeText(value: string): Thenable<void>;
}

export type CopyKeyResult = 'copied' | 'unavailable';

export interface KeyCopyingDeps {
  readonly store: ConnectionStore;
  readonly tree: KeysTree;
  readonly log: Logger;
}

export class KeyCopying {
  /** Replaceable in tests; by default VS Code's clipboard. */
  clipboard: Clipboard = vscode.env.clipboard;
  private readonly log: Logger;

  constructor(private readonly deps: KeyCopyingDeps) {
    this.log = deps.log.child('keyCopying');
  }

  private label(connectionId: string): string {
    return this.deps.store.require(connectionId).label;
  }

  /** The full secret where the gateway can return it; undefined (with the reason) where it cannot. */
  private async secretOf(ref: KeyRef, signal: AbortSignal): Promise<string | undefined> {
    const gateway = this.deps.store.gateway(ref.connectionId);
    if (!gateway.capabilities.secretsReadable) return undefined;
    const cached = this.deps.tree.cachedKey(ref)?.secret;
    return cached ?? (await gateway.revealKey(ref.keyId, { signal }));
  }

  private unavailableText(connectionId: string): string {
    return vscode.l10n.t(
      "{0} shows a key's full secret only once, when the key is created or rotated; it cannot be read again. Use the copy you saved then, or rotate the key to get a new secret.",
      this.label(connectionId),
    );
  }

  async copyKey(ref: KeyRef): Promise<CopyKeyResult> {
    const secret = await onKeysView(vscode.l10n.t('Reading the key…'), (signal) => this.secretOf(ref, signal));
    if (!secret) {
      void vscode.window.showInformationMessage(this.unavailableText(ref.connectionId));
      return 'unavailable';
    }
    await this.clipboard.writeText(secret);
    const key = this.deps.tree.cachedKey(ref);
    vscode.window.setStatusBarMessage(
      vscode.l10n.t('Copied the key "{0}" to the clipboard.', key?.name || ref.keyId),
      5000,
    );
    return 'copied';
  }

  /** Copies a snippet (curl / Python / Node / .env) with the chat base URL, the key (or a placeholder) and an allowed model. */
  async copySnippet(ref: KeyRef, kind?: SnippetKind): Promise<string | undefined> {
    const format = kind ?? (await pickSnippetKind());
    if (!format) return undefined;
    const profile = this.deps.store.require(ref.connectionId);
    const gateway = this.deps.store.gateway(ref.connectionId);
    const { key, secret, model, claude, gemini } = await onKeysView(
      vscode.l10n.t('Preparing the snippet…'),
      async (signal) => {
        const k = await knownOrRead(this.deps, ref);
        let s: string | undefined;
        try {
          s = await this.secretOf(ref, signal);
        } catch (e) {
          this.log.warn(`${profile.label}: could not read the secret of ${ref.keyId} for a snippet:`, e);
        }
        let m = k.modelsAllowed[0];
        let ids: readonly string[] = k.modelsAllowed;
        if (!m || (format !== 'curl' && format !== 'python' && format !== 'node' && format !== 'env')) {
          const models: readonly ModelInfo[] = k.modelsAllowed.length
            ? []
            : await gateway.listModels({ signal }).catch((e: unknown) => {
                this.log.warn(`${profile.label}: listing models for a snippet failed:`, e);
                return [];
              });
          if (!ids.length) ids = models.map((x) => x.id);
          m ??= models[0]?.id;
        }
        return {
          key: k,
          secret: s,
          model: m ?? 'gpt-4o-mini',
          claude: ids.find((x) => /^claude-/i.test(x)),
          gemini: ids.find((x) => /^gemini-/i.test(x)),
        };
      },
    );
    const note = gateway.capabilities.secretsReadable
      ? vscode.l10n.t(
          'Replace <YOUR_KEY> with the key "{0}": it could not be read from the gateway.',
          key.name || key.id,
        )
      : vscode.l10n.t(
          'Replace <YOUR_KEY> with the key "{0}": {1} shows it only when it is created or rotated.',
          key.name || key.id,
          profile.label,
        );
    const ep = protocolEndpoints(profile);
    const text = buildSnippet(format, {
      baseUrl: chatBaseUrl(profile),
      ...(secret ? { key: secret } : {}),
      model,
      note,
      anthropicBaseUrl: ep.anthropic,
      anthropicModel: claude ?? 'claude-sonnet-4-6',
      gemini: ep.gemini,
      geminiModel: gemini ?? 'gemini-2.5-flash',
    });
    await this.clipboard.writeText(text);
    if (secret) {
      vscode.window.setStatusBarMessage(
        vscode.l10n.t(
          'Copied a {0} snippet for "{1}" (it contains the full key).',
          snippetLabel(format),
          key.name || key.id,
        ),
        5000,
      );
    } else {
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'Copied a {0} snippet for "{1}" with the placeholder <YOUR_KEY>: {2}',
          snippetLabel(format),
          key.name || key.id,
          this.unavailableText(ref.connectionId),
        ),
      );
    }
    return text;
  }
}

export function snippetLabel(kind: SnippetKind): string {
  switch (kind) {
    case 'curl':
      return 'curl';
    case 'python':
      return 'Python (openai)';
    case 'node':
      return 'Node.js (openai)';
    case 'env':
      return '.env';
    case 'anthropic-curl':
      return 'curl (Anthropic /v1/messages)';
    case 'anthropic-python':
      return 'Python (anthropic)';
    case 'anthropic-node':
      return 'Node.js (@anthropic-ai/sdk)';
    case 'claude-env':
      return 'Claude Code (env)';
    case 'gemini-curl':
      return 'curl (Gemini generateContent)';
  }
}

async function pickSnippetKind(): Promise<SnippetKind | undefined> {
  const details: Record<SnippetKind, string> = {
    curl: vscode.l10n.t('A chat completion request from the shell'),
    python: vscode.l10n.t('The official openai package for Python'),
    node: vscode.l10n.t('The official openai package for Node.js'),
    env: vscode.l10n.t('OPENAI_BASE_URL, OPENAI_API_KEY and OPENAI_MODEL lines'),
    'anthropic-curl': vscode.l10n.t('An Anthropic-native messages request (the gateway root, x-api-key)'),
    'anthropic-python': vscode.l10n.t('The official anthropic package for Python'),
    'anthropic-node': vscode.l10n.t('The official Anthropic SDK for Node.js'),
    'claude-env': vscode.l10n.t('ANTHROPIC_BASE_URL, ANTHROPIC_AUTH_TOKEN and ANTHROPIC_MODEL for Claude Code'),
    'gemini-curl': vscode.l10n.t('A Gemini-native generateContent request'),
  };
  const pick = await vscode.window.showQuickPick(
    SNIPPET_KINDS.map((k) => ({ label: snippetLabel(k), detail: details[k], format: k })),
    { title: vscode.l10n.t('Copy as Snippet'), placeHolder: vscode.l10n.t('Which snippet?') },
  );
  return pick?.format;
}
