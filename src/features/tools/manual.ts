/**
 * The tools configured by hand: the shell snippet (export lines for each protocol, every value single-quoted) and the
 * values to paste into tools that keep their settings in their own storage.
 */
import * as vscode from 'vscode';
import type { GatewayKind } from '../../core/types';
import { geminiUrl, type ProtocolEndpoints } from '../../gateway/endpoints';
import { describeKind } from '../../gateway/descriptions';
import type { ConnectionProfile } from '../../platform/connections';
import { cursorAliasOf } from '../../platform/modelKinds';
import type { ToolChoice } from './plan';

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** export lines for both protocols (OpenAI SDKs, Anthropic SDKs / Claude Code, Gemini). */
export function shellSnippet(
  kind: GatewayKind,
  ep: ProtocolEndpoints,
  c: Pick<ToolChoice, 'secret' | 'model'>,
): string {
  return [
    `# ${describeKind(kind).label} — OpenAI-compatible (openai SDKs, Continue, Cline, Roo, Cursor)`,
    `export OPENAI_BASE_URL=${shellQuote(ep.openai)}`,
    `export OPENAI_API_KEY=${shellQuote(c.secret)}`,
    `export OPENAI_MODEL=${shellQuote(c.model)}`,
    '',
    `# Anthropic-native (anthropic SDKs; Claude Code uses ANTHROPIC_AUTH_TOKEN)`,
    `export ANTHROPIC_BASE_URL=${shellQuote(ep.anthropic)}`,
    `export ANTHROPIC_AUTH_TOKEN=${shellQuote(c.secret)}`,
    '',
    `# Gemini-native: ${geminiUrl(ep.gemini, 'gemini-2.5-flash')}`,
    `export GEMINI_BASE_URL=${shellQuote(ep.gemini.base)}`,
    '',
  ].join('\n');
}

/** What a tool that keeps its API settings in its own storage (Cline, Roo, Cursor) needs pasted, and where. */
export function copyValuesFor(
  profile: ConnectionProfile,
  ep: ProtocolEndpoints,
  c: ToolChoice,
): { title: string; values: Array<{ label: string; value: string; secret?: boolean }>; note: string } {
  const names: Record<string, string> = { cline: 'Cline', roo: 'Roo Code', cursor: 'Cursor' };
  const values = [
    { label: vscode.l10n.t('Base URL (OpenAI Compatible)'), value: ep.openai },
    { label: vscode.l10n.t('API key'), value: c.secret, secret: true },
    {
      label: vscode.l10n.t('Model id'),
      value:
        c.tool === 'cursor'
          ? (cursorAliasOf(c.model, describeKind(profile.kind).cursorShortClaudeNames) ?? c.model)
          : c.model,
    },
  ];
  const note =
    c.tool === 'cursor'
      ? describeKind(profile.kind).cursorShortClaudeNames
        ? vscode.l10n.t(
            'Cursor: Settings → Models → OpenAI API Key, "Override OpenAI Base URL". AIone\'s naming rules: Claude models go by their short names in Cursor (e.g. sonnet-4-6).',
          )
        : vscode.l10n.t('Cursor: Settings → Models → OpenAI API Key, "Override OpenAI Base URL".')
      : vscode.l10n.t(
          '{0} keeps its API settings in its own storage: choose the "OpenAI Compatible" provider and paste these. Or choose its "VS Code LM API" provider and the vendor "AI Gateway": it then uses this extension\'s models and keys directly.',
          names[c.tool]!,
        );
  return { title: vscode.l10n.t('{0} with {1}', names[c.tool]!, profile.label), values, note };
}
