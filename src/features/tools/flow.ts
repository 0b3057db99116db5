/**
 * The work behind "Configure a Coding Tool…" (loaded on first use, bundled with the config-file writers): pick a
 * connection, a key and a tool, and get the tool pointed at the gateway with the right base URL for its protocol.
 *
 *   Claude Code   ~/.claude/settings.json (or the workspace's .claude/settings.local.json): env ANTHROPIC_BASE_URL
 *                 (Anthropic-native root), ANTHROPIC_AUTH_TOKEN, ANTHROPIC_MODEL (+ the opus / sonnet / haiku models)
 *   Codex CLI     ~/.codex/config.toml: a provider (…/v1, wire_api "responses", env_key) — only where the gateway
 *                 serves /v1/responses; the key stays in the environment variable, never in the file
 *   Continue      ~/.continue/config.yaml: one model entry (provider openai, apiBase …/v1, apiKey)
 *   workspace .env, a shell snippet (an untitled editor), and for Cline, Roo and Cursor (whose settings live in
 *   their own storage) the values with copy actions.
 *
 * Every file write: the merged content is shown as a diff first (keys masked in the preview), a file git tracks
 * asks again before a key goes into it, the previous content is kept beside the file (`<name>.agc-backup`), a file
 * holding a key is owner-only (0600), and the notification offers Undo. The home directory is injectable (tests
 * write into a temporary one).
 */
import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { maskSecret, rememberSecret } from '../../core/redact';
import type { ApiKey, ModelInfo } from '../../core/types';
import { protocolEndpoints } from '../../gateway/endpoints';
import { describeKind } from '../../gateway/descriptions';
import type { ConnectionProfile, ConnectionStore } from '../../platform/connections';
import type { Logger } from '../../platform/logger';
import type { ModelCatalog } from '../../platform/modelCatalog';
import { isChatModel } from '../../platform/modelRules';
import { realToolDialogs, type ToolDialogs } from './dialogs';
import { gitTracked, readIfExists, writeWithBackup, type WriteRecord } from './files';
import { type ToolChoice, type ToolId, TOOL_IDS, toolFiles, envKeyName, planToolFile, providerIdFor } from './plan';
import { copyValuesFor, shellQuote, shellSnippet } from './manual';

const UNDO_CONTEXT = 'aiGateway.toolUndoAvailable';

/** What the flow needs from the rest of the extension. */
export interface ToolsDeps {
  readonly store: ConnectionStore;
  readonly catalog: ModelCatalog;
  readonly log: Logger;
  readonly pickConnection: (store: ConnectionStore, placeHolder: string) => Promise<ConnectionProfile | undefined>;
  /** Keeps the text of a preview document (the diff's right side). */
  readonly setPreview: (uri: vscode.Uri, text: string) => void;
  readonly home: () => string;
  readonly workspace: () => string | undefined;
}

export class ToolsFlow {
  private readonly log: Logger;
  private readonly store: ConnectionStore;
  private readonly catalog: ModelCatalog;
  dialogs: ToolDialogs;
  private last: WriteRecord[] = [];

  constructor(private readonly deps: ToolsDeps) {
    this.log = deps.log;
    this.store = deps.store;
    this.catalog = deps.catalog;
    this.dialogs = this.realDialogs();
  }

  private homeDir(): string {
    return this.deps.home();
  }

  private workspaceDir(): string | undefined {
    return this.deps.workspace();
  }

  get lastWrites(): readonly WriteRecord[] {
    return [...this.last];
  }

  // ---- the palette flow ----------------------------------------------------------------------------

  async run(arg: unknown): Promise<void> {
    const ref = parseArg(arg);
    const profile = ref?.connectionId
      ? this.store.require(ref.connectionId)
      : await this.deps.pickConnection(this.store, vscode.l10n.t('Configure a coding tool for which connection?'));
    if (!profile) return;
    const key = await this.pickKey(profile, ref?.keyId);
    if (!key) return;
    const tool = await this.pickTool(profile);
    if (!tool) return;
    const model = await this.pickModel(profile, tool);
    if (!model) return;
    let scope: ToolChoice['scope'];
    if (tool === 'claude' && this.workspaceDir()) {
      const s = await vscode.window.showQuickPick(
        [
          { label: vscode.l10n.t('For me (~/.claude/settings.json)'), scope: 'user' as const },
          {
            label: vscode.l10n.t('For this workspace only (.claude/settings.local.json)'),
            detail: vscode.l10n.t('Claude Code keeps this file out of git by convention'),
            scope: 'workspace' as const,
          },
        ],
        { title: vscode.l10n.t('Where should Claude Code read it?') },
      );
      if (!s) return;
      scope = s.scope;
    } else if (tool === 'codex') {
      const s = await vscode.window.showQuickPick(
        [
          {
            label: vscode.l10n.t('As the default provider'),
            detail: vscode.l10n.t('codex uses the gateway from now on'),
            scope: 'default' as const,
          },
          {
            label: vscode.l10n.t('As a profile'),
            detail: vscode.l10n.t('codex --profile {0}', providerIdFor(profile)),
            scope: 'profile' as const,
          },
        ],
        { title: vscode.l10n.t('How should Codex use {0}?', profile.label) },
      );
      if (!s) return;
      scope = s.scope;
    }
    await this.configure({
      connectionId: profile.id,
      secret: key.secret,
      keyLabel: key.label,
      tool,
      model,
      ...(scope ? { scope } : {}),
    });
  }

  /** A key with its secret: the chat key, one of the gateway's keys (where it can return the secret), or pasted. */
  private async pickKey(
    profile: ConnectionProfile,
    keyId: string | undefined,
  ): Promise<{ secret: string; label: string } | undefined> {
    const gateway = this.store.gateway(profile.id);
    if (keyId) {
      const k = await gateway.getKey(keyId);
      const secret = k.secret ?? (gateway.capabilities.secretsReadable ? await gateway.revealKey(keyId) : undefined);
      if (secret) return { secret, label: `${k.name || k.id} (${maskSecret(secret)})` };
      return this.pasteKey(profile, k);
    }
    type Item = vscode.QuickPickItem & { run: () => Promise<{ secret: string; label: string } | undefined> };
    const items: Item[] = [];
    const chatLabel = this.store.secrets.chatKeyLabel(profile.id);
    if (chatLabel) {
      items.push({
        label: vscode.l10n.t('The chat model key'),
        description: chatLabel,
        run: async () => {
          const s = await this.store.secrets.get('chatKey', profile.id);
          return s ? { secret: s, label: chatLabel } : undefined;
        },
      });
    }
    if (gateway.capabilities.secretsReadable) {
      const page = await gateway.listKeys({ page: 0, pageSize: 100 }).catch(() => undefined);
      for (const k of page?.items.filter((x) => x.status === 'active') ?? []) {
        items.push({
          label: k.name || k.id,
          description: k.maskedKey,
          run: async () => {
            const secret = k.secret ?? (await gateway.revealKey(k.id));
            return { secret, label: `${k.name || k.id} (${maskSecret(secret)})` };
          },
        });
      }
    }
    items.push({ label: vscode.l10n.t('Paste a model key…'), run: () => this.pasteKey(profile, undefined) });
    const pick = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Which key should the tool use?'),
      ignoreFocusOut: true,
    });
    return pick ? pick.run() : undefined;
  }

  private async pasteKey(
    profile: ConnectionProfile,
    key: ApiKey | undefined,
  ): Promise<{ secret: string; label: string } | undefined> {
    const v = await vscode.window.showInputBox({
      title: vscode.l10n.t('Model key for {0}', profile.label),
      prompt: key
        ? vscode.l10n.t(
            '{0} shows a key\'s secret only when it is created or rotated: paste the secret of "{1}".',
            profile.label,
            key.name || key.id,
          )
        : vscode.l10n.t('The key (sk-…) the tool should use.'),
      password: true,
      ignoreFocusOut: true,
      validateInput: (s) => (s.trim() ? undefined : vscode.l10n.t('The key is empty.')),
    });
    if (v === undefined) return undefined;
    rememberSecret(v.trim());
    return {
      secret: v.trim(),
      label: key
        ? `${key.name || key.id} (${maskSecret(v.trim())})`
        : vscode.l10n.t('pasted key ({0})', maskSecret(v.trim())),
    };
  }

  private async pickTool(profile: ConnectionProfile): Promise<ToolId | undefined> {
    const ep = protocolEndpoints(profile);
    const describe: Record<ToolId, string> = {
      claude: vscode.l10n.t('~/.claude/settings.json — Anthropic-native {0}', ep.anthropic),
      codex: ep.responses
        ? vscode.l10n.t('~/.codex/config.toml — Responses API {0}', ep.openai)
        : vscode.l10n.t('{0} does not document /v1/responses, which Codex requires', describeKind(profile.kind).label),
      continue: vscode.l10n.t('~/.continue/config.yaml — OpenAI-compatible {0}', ep.openai),
      cline: vscode.l10n.t("values to paste into Cline's settings"),
      roo: vscode.l10n.t("values to paste into Roo Code's settings"),
      cursor: vscode.l10n.t("values for Cursor's OpenAI base URL override"),
      env: vscode.l10n.t('.env in the workspace folder'),
      shell: vscode.l10n.t('export lines in a new editor'),
    };
    const names: Record<ToolId, string> = {
      claude: 'Claude Code',
      codex: 'Codex CLI',
      continue: 'Continue',
      cline: 'Cline',
      roo: 'Roo Code',
      cursor: 'Cursor',
      env: vscode.l10n.t('Workspace .env'),
      shell: vscode.l10n.t('Shell snippet'),
    };
    const pick = await vscode.window.showQuickPick(
      TOOL_IDS.filter((t) => t !== 'env' || this.workspaceDir()).map((t) => ({
        label: names[t],
        detail: describe[t],
        tool: t,
        disabled: t === 'codex' && !ep.responses,
      })),
      { title: vscode.l10n.t('Which tool?'), matchOnDetail: true },
    );
    if (pick?.disabled) {
      void vscode.window.showWarningMessage(describe.codex);
      return undefined;
    }
    return pick?.tool;
  }

  private async pickModel(profile: ConnectionProfile, tool: ToolId): Promise<string | undefined> {
    const models: readonly ModelInfo[] = await Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Reading the models of {0}…', profile.label) },
        () => this.catalog.get(profile.id),
      ),
    ).catch(() => []);
    const chat = models.filter(isChatModel);
    const preferred = tool === 'claude' ? chat.filter((m) => /claude/i.test(m.id)) : chat;
    const rest = chat.filter((m) => !preferred.includes(m));
    const items = [...preferred, ...rest].map((m) => ({
      label: m.id,
      description: m.name && m.name !== m.id ? m.name : m.vendor,
    }));
    if (items.length === 0) {
      return vscode.window.showInputBox({
        title: vscode.l10n.t('Which model?'),
        prompt: vscode.l10n.t('A model id, e.g. gpt-4o-mini'),
      });
    }
    return (
      await vscode.window.showQuickPick(items, {
        title: vscode.l10n.t('Which model should {0} use?', tool === 'claude' ? 'Claude Code' : tool),
        matchOnDescription: true,
      })
    )?.label;
  }

  // ---- configuring ------------------------------------------------------------------------------------

  /** Plans every file of the choice, asks, writes; returns what was written. */
  async configure(c: ToolChoice): Promise<readonly WriteRecord[]> {
    const profile = this.store.require(c.connectionId);
    const ep = protocolEndpoints(profile);
    rememberSecret(c.secret);
    if (c.tool === 'cline' || c.tool === 'roo' || c.tool === 'cursor') {
      const v = copyValuesFor(profile, ep, c);
      await this.dialogs.showValues(v.title, v.values, v.note);
      return [];
    }
    if (c.tool === 'shell') {
      const doc = await vscode.workspace.openTextDocument({
        language: 'shellscript',
        content: shellSnippet(profile.kind, ep, c),
      });
      await vscode.window.showTextDocument(doc);
      return [];
    }
    if (c.tool === 'codex' && !ep.responses)
      throw new Error(
        vscode.l10n.t('{0} does not document /v1/responses, which Codex requires', describeKind(profile.kind).label),
      );
    const files = toolFiles(c.tool, { home: this.homeDir(), workspace: this.workspaceDir(), scope: c.scope });
    const written: WriteRecord[] = [];
    for (const f of files) {
      const before = await readIfExists(f.path);
      let plan: { text: string; changes: readonly string[] };
      try {
        const models = f.format === 'claude' ? await this.catalog.get(profile.id).catch(() => []) : [];
        plan = planToolFile(f, before, profile, ep, c, models);
      } catch (e) {
        throw new Error(vscode.l10n.t('{0} was not changed: {1}', f.path, e instanceof Error ? e.message : String(e)), {
          cause: e,
        });
      }
      if (plan.changes.length === 0 && before !== undefined) {
        void vscode.window.showInformationMessage(vscode.l10n.t('{0} already has these settings.', f.path));
        continue;
      }
      if (!(await this.dialogs.review(f.path, before, plan.text, plan.changes, c.secret))) return written;
      if (f.holdsKey && (await gitTracked(f.path)) && !(await this.dialogs.confirmTracked(f.path))) return written;
      written.push(await writeWithBackup(f.path, before, plan.text, f.holdsKey));
    }
    if (written.length) {
      this.last = written;
      void vscode.commands.executeCommand('setContext', UNDO_CONTEXT, true);
      this.log.info(`configured ${c.tool} for "${profile.label}": ${written.map((w) => w.file).join(', ')}`);
      if (c.tool === 'codex') {
        await this.dialogs.showValues(
          vscode.l10n.t('Codex reads the key from {0}', envKeyName(profile)),
          [
            {
              label: `export ${envKeyName(profile)}=…`,
              value: `export ${envKeyName(profile)}=${shellQuote(c.secret)}`,
              secret: true,
            },
          ],
          vscode.l10n.t('Add this line to your shell profile (the key is not written into config.toml).'),
        );
      }
      void this.dialogs.written(written.map((w) => w.file).join(', '), c.tool).then(async (a) => {
        if (a === 'undo') await this.undo();
        else if (a === 'open') await vscode.window.showTextDocument(vscode.Uri.file(written[0]!.file));
      });
    }
    return written;
  }

  /** Restores what the last configuration changed (the file as it was, or no file), when nobody changed it since. */
  async undo(): Promise<boolean> {
    const last = this.last;
    if (last.length === 0) return false;
    for (const w of [...last].reverse()) {
      const now = await readIfExists(w.file);
      if (now !== w.after) {
        const go = vscode.l10n.t('Restore Anyway');
        const r = await vscode.window.showWarningMessage(
          vscode.l10n.t('{0} was changed after it was configured. Restore the content it had before?', w.file),
          { modal: true },
          go,
        );
        if (r !== go) continue;
      }
      if (w.before === undefined) await fs.rm(w.file, { force: true });
      else await fs.writeFile(w.file, w.before);
    }
    this.last = [];
    void vscode.commands.executeCommand('setContext', UNDO_CONTEXT, false);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Restored {0}.', last.map((w) => w.file).join(', ')), 5000);
    return true;
  }

  realDialogs(): ToolDialogs {
    return realToolDialogs(this.deps.setPreview);
  }
}

function parseArg(arg: unknown): { connectionId: string; keyId?: string } | undefined {
  if (arg && typeof arg === 'object' && typeof (arg as { connectionId?: unknown }).connectionId === 'string') {
    const a = arg as { connectionId: string; keyId?: unknown };
    return { connectionId: a.connectionId, ...(typeof a.keyId === 'string' ? { keyId: a.keyId } : {}) };
  }
  if (typeof arg === 'string') return { connectionId: arg };
  return undefined;
}
