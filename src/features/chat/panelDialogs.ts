/**
 * What the chat panel asks the user: a link that is not a plain public one, model output into a file that runs
 * code, which document "+ File" attaches. A seam: the integration tests answer and record it.
 */
import type { ModelInfo } from '../../core/types';
import { pickChatModel } from './modelPick';
import * as vscode from 'vscode';
import type { InsertRisk, LinkConcern, LinkReview } from './guards';

/** An open document offered by "+ File". */
export interface DocumentChoice {
  readonly uri: vscode.Uri;
  readonly label: string;
  readonly note?: string;
}

/** What the panel asks the user (a seam: the integration tests answer and record it). */
export interface ChatPanelDialogs {
  /** A link that is not a plain public http(s) link: true to open it. */
  confirmLink(review: LinkReview): Promise<boolean>;
  /** Model output into a file that configures tools or runs code: true to insert. */
  confirmInsert(file: string, risk: InsertRisk): Promise<boolean>;
  /** Which document "+ File" attaches (an open one, or any file through the open dialog). */
  pickDocument(choices: readonly DocumentChoice[]): Promise<vscode.Uri | undefined>;
  openExternal(uri: vscode.Uri): Promise<boolean>;
  /** A short information message. */
  info(message: string): void;
  /** The model picker (chat models, searchable, with prices): the chosen id, or undefined. */
  pickModel(models: readonly ModelInfo[], current: string | undefined, connection: string): Promise<string | undefined>;
}

function concernSentence(c: LinkConcern): string {
  switch (c) {
    case 'loopback':
      return vscode.l10n.t('It points to this computer (loopback), where local services listen.');
    case 'private-ip':
      return vscode.l10n.t('It points to a private or reserved network address, not a public site.');
    case 'ip-address':
      return vscode.l10n.t('It uses a bare IP address instead of a domain name.');
    case 'local-name':
      return vscode.l10n.t('It uses a local network name, not a public domain.');
    case 'userinfo':
      return vscode.l10n.t('Text before "@" is user info, not the site: the link goes to the host shown above.');
    case 'punycode':
      return vscode.l10n.t('The host is an internationalised name (punycode "xn--"): check both forms above.');
    case 'non-ascii':
      return vscode.l10n.t('The host has non-ASCII letters, which can imitate a familiar name.');
    case 'mixed-script':
      return vscode.l10n.t('The host mixes letters of different scripts in one name, a common look-alike trick.');
    case 'text-names-other-host':
      return vscode.l10n.t('The link’s text names another address than the one it opens.');
    case 'bidi-text':
      return vscode.l10n.t('The link’s text holds invisible direction controls, which can reorder what it shows.');
  }
}

function riskSentence(r: InsertRisk): string {
  switch (r) {
    case 'editor-settings':
      return vscode.l10n.t('It configures VS Code or an extension.');
    case 'tasks':
      return vscode.l10n.t('It defines tasks that VS Code runs as commands.');
    case 'launch':
      return vscode.l10n.t('It defines programs the debugger starts.');
    case 'keybindings':
      return vscode.l10n.t('It binds keys to commands.');
    case 'workspace-file':
      return vscode.l10n.t('It is a workspace file: settings, tasks and launch configurations of the workspace.');
    case 'mcp':
      return vscode.l10n.t('It configures MCP servers, programs your AI tools start.');
    case 'agent-config':
      return vscode.l10n.t('It configures a coding agent (rules, hooks or tools it runs).');
    case 'git':
      return vscode.l10n.t('It is git configuration or a git hook, which runs on git commands.');
    case 'ci':
      return vscode.l10n.t("It is a CI workflow, which runs commands with the repository's secrets.");
    case 'dev-container':
      return vscode.l10n.t('It defines a dev container and the commands it runs.');
    case 'shell-profile':
      return vscode.l10n.t('It is a shell profile, run by every new terminal.');
    case 'ssh':
      return vscode.l10n.t('It is an SSH file (keys, authorised keys or client configuration).');
    case 'package-scripts':
      return vscode.l10n.t('Its scripts run on npm install, npm test and similar commands.');
    case 'package-manager':
      return vscode.l10n.t('It configures a package manager or git hooks that run commands.');
  }
}

export const realPanelDialogs: ChatPanelDialogs = {
  pickModel: pickChatModel,
  async confirmLink(r) {
    const lines = [vscode.l10n.t('Address: {0}', r.href), vscode.l10n.t('Host: {0}', r.host)];
    if (r.unicodeHost) lines.push(vscode.l10n.t('Host decoded: {0}', r.unicodeHost));
    if (r.userinfo) lines.push(vscode.l10n.t('User info before the host: {0}', r.userinfo));
    if (r.port) lines.push(vscode.l10n.t('Port: {0}', r.port));
    if (r.text !== undefined) lines.push(vscode.l10n.t('Link text: {0}', r.text));
    lines.push('', ...r.concerns.map(concernSentence));
    const open = vscode.l10n.t('Open Link');
    const picked = await vscode.window.showWarningMessage(
      vscode.l10n.t('Open this link from the chat? It goes to {0}.', r.host),
      { modal: true, detail: lines.join('\n') },
      open,
    );
    return picked === open;
  },
  async confirmInsert(file, risk) {
    const insert = vscode.l10n.t('Insert Anyway');
    const picked = await vscode.window.showWarningMessage(
      vscode.l10n.t('Insert code from the chat into {0}?', file),
      {
        modal: true,
        detail: `${riskSentence(risk)} ${vscode.l10n.t('Code from a model could make it run something you did not intend; read it first.')}`,
      },
      insert,
    );
    return picked === insert;
  },
  async pickDocument(choices) {
    type Item = vscode.QuickPickItem & { uri?: vscode.Uri };
    const browse: Item = { label: `$(folder-opened) ${vscode.l10n.t('Other file…')}` };
    const items: Item[] = [
      ...choices.map((c) => ({ label: c.label, uri: c.uri, ...(c.note ? { description: c.note } : {}) })),
      browse,
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Attach a file to the next message'),
      placeHolder: vscode.l10n.t('Which file goes to the model?'),
    });
    if (!picked) return undefined;
    if (picked.uri) return picked.uri;
    const files = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: vscode.l10n.t('Attach') });
    return files?.[0];
  },
  openExternal: (uri) => Promise.resolve(vscode.env.openExternal(uri)),
  info: (message) => {
    void vscode.window.showInformationMessage(message);
  },
};
