/**
 * Where each coding tool reads its settings, and the names we give our part of them. No 'vscode' import.
 */
import * as path from 'node:path';
import type { ModelInfo } from '../../core/types';
import { describeKind } from '../../gateway/descriptions';
import type { ProtocolEndpoints } from '../../gateway/endpoints';
import type { ConnectionProfile } from '../../platform/connections';
import { planClaudeSettings } from './claudeSettings';
import { planCodexConfig } from './codexConfig';
import { planContinueConfig, planDotenv } from './formats';

export const TOOL_IDS = ['claude', 'codex', 'continue', 'cline', 'roo', 'cursor', 'env', 'shell'] as const;
export type ToolId = (typeof TOOL_IDS)[number];

export interface ToolFile {
  readonly path: string;
  readonly format: 'claude' | 'codex' | 'continue' | 'env';
  /** The file will hold the key (owner-only permissions, the git warning). */
  readonly holdsKey: boolean;
}

export function toolFiles(
  tool: ToolId,
  where: { home: string; workspace: string | undefined; scope?: string | undefined },
): ToolFile[] {
  switch (tool) {
    case 'claude':
      return [
        where.scope === 'workspace' && where.workspace
          ? { path: path.join(where.workspace, '.claude', 'settings.local.json'), format: 'claude', holdsKey: true }
          : { path: path.join(where.home, '.claude', 'settings.json'), format: 'claude', holdsKey: true },
      ];
    case 'codex':
      return [{ path: path.join(where.home, '.codex', 'config.toml'), format: 'codex', holdsKey: false }];
    case 'continue':
      return [{ path: path.join(where.home, '.continue', 'config.yaml'), format: 'continue', holdsKey: true }];
    case 'env':
      return where.workspace ? [{ path: path.join(where.workspace, '.env'), format: 'env', holdsKey: true }] : [];
    default:
      return [];
  }
}

/** Our Codex provider id for a connection: the gateway kind and the connection id (never a reserved id). */
export function providerIdFor(p: Pick<ConnectionProfile, 'kind' | 'id'>): string {
  return `agc-${p.kind}-${p.id}`.toLowerCase().replace(/[^a-z0-9_-]/g, '-');
}

/** The environment variable Codex reads the key from. */
export function envKeyName(p: Pick<ConnectionProfile, 'kind'>): string {
  return describeKind(p.kind).envKeyName;
}

/** The models Claude Code's opus / sonnet / haiku aliases should use, from what the gateway lists. */
export function claudeModels(
  models: readonly ModelInfo[],
  main: string,
): { opus?: string; sonnet?: string; haiku?: string } {
  const ids = models.map((m) => m.id).filter((id) => /^claude-/i.test(id));
  const newest = (re: RegExp): string | undefined =>
    ids.filter((id) => re.test(id)).sort((a, b) => b.localeCompare(a, undefined, { numeric: true }))[0];
  const out: { opus?: string; sonnet?: string; haiku?: string } = {};
  const opus = newest(/opus/i);
  const sonnet = /sonnet/i.test(main) ? main : newest(/sonnet/i);
  const haiku = newest(/haiku/i);
  if (opus) out.opus = opus;
  if (sonnet) out.sonnet = sonnet;
  if (haiku) out.haiku = haiku;
  return out;
}

/** The choices a run needs; a test passes them all, the palette asks for each. */
export interface ToolChoice {
  readonly connectionId: string;
  /** The key's secret (already revealed or pasted) and how to name it. */
  readonly secret: string;
  readonly keyLabel: string;
  readonly tool: ToolId;
  readonly model: string;
  /** Claude Code: user settings or the workspace's settings.local.json; Codex: the default provider or a profile. */
  readonly scope?: 'user' | 'workspace' | 'default' | 'profile';
}

/** The merged content of one of the tool's files, and the lines that say what changes. */
export function planToolFile(
  f: ToolFile,
  before: string | undefined,
  profile: ConnectionProfile,
  ep: ProtocolEndpoints,
  c: ToolChoice,
  models: readonly ModelInfo[],
): { text: string; changes: readonly string[] } {
  return f.format === 'claude'
    ? planClaudeSettings(f.path, before, {
        baseUrl: ep.anthropic,
        authToken: c.secret,
        model: c.model,
        ...claudeModels(models, c.model),
      })
    : f.format === 'codex'
      ? planCodexConfig(f.path, before, {
          providerId: providerIdFor(profile),
          name: `${profile.label} (AI Gateway)`,
          baseUrl: ep.openai,
          envKey: envKeyName(profile),
          model: c.model,
          scope: c.scope === 'profile' ? 'profile' : 'default',
        })
      : f.format === 'continue'
        ? planContinueConfig(f.path, before, [
            {
              name: `${c.model} (${profile.label})`,
              model: c.model,
              apiBase: ep.openai,
              apiKey: c.secret,
              roles: ['chat', 'edit', 'apply'],
            },
          ])
        : planDotenv(before, {
            OPENAI_BASE_URL: ep.openai,
            OPENAI_API_KEY: c.secret,
            OPENAI_MODEL: c.model,
            ANTHROPIC_BASE_URL: ep.anthropic,
            ANTHROPIC_API_KEY: c.secret,
          });
}
