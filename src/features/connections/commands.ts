/**
 * Connection commands: add, test, remove, show log. Thin: they ask the user, then call the ConnectionStore.
 * A command never takes a token as an argument; a token is only ever typed into a password input box.
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import type { GatewayKind, Identity } from '../../core/types';
import { describeKind } from '../../gateway';
import { CommandIds, registerCommand } from '../../platform/commands';
import type { ConnectionDraft, ConnectionProfile, ConnectionStore } from '../../platform/connections';
import { MissingTokenError, describeBaseUrlProblem } from '../../platform/connections';
import { gatewayErrorKind, userMessage } from '../../platform/errors';
import type { Logger, LogService } from '../../platform/logger';
import { checkBaseUrl } from '../../platform/urls';

export interface ConnectionCommandDeps {
  readonly connections: ConnectionStore;
  readonly log: LogService;
}

const CONNECTION_ID = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
/** What may identify a connection: nothing (ask), its id, or a tree node / menu context carrying `connectionId`. */
const connectionArg = z.union([z.undefined(), CONNECTION_ID, z.object({ connectionId: CONNECTION_ID })]);

function parseConnectionArg(arg: unknown): string | undefined {
  const r = connectionArg.safeParse(arg);
  if (!r.success) throw new Error(vscode.l10n.t('This command was given an argument it does not accept; run it from the command palette instead.'));
  return typeof r.data === 'string' ? r.data : r.data?.connectionId;
}

export function registerConnectionCommands(deps: ConnectionCommandDeps): vscode.Disposable[] {
  const log = deps.log.child('commands');
  const store = deps.connections;
  return [
    registerCommand(CommandIds.addConnection, (...args) => {
      if (args.length && args[0] !== undefined) log.debug('addConnection ignores its arguments');
      return addConnection(store, log);
    }, log),
    registerCommand(CommandIds.testConnection, async (arg) => {
      const id = parseConnectionArg(arg) ?? (await pickConnection(store, vscode.l10n.t('Which connection should be tested?')))?.id;
      if (id) await testConnection(store, id);
    }, log),
    registerCommand(CommandIds.removeConnection, async (arg) => {
      const id = parseConnectionArg(arg) ?? (await pickConnection(store, vscode.l10n.t('Which connection should be removed?')))?.id;
      if (id) await removeConnection(store, id);
    }, log),
    registerCommand(CommandIds.showLog, () => deps.log.show(), log),
  ];
}

async function pickConnection(store: ConnectionStore, placeHolder: string): Promise<ConnectionProfile | undefined> {
  const all = store.list();
  if (all.length === 0) {
    const add = vscode.l10n.t('Add Connection');
    const pick = await vscode.window.showInformationMessage(vscode.l10n.t('No gateway connected yet.'), add);
    if (pick === add) await vscode.commands.executeCommand(CommandIds.addConnection);
    return undefined;
  }
  if (all.length === 1) return all[0];
  const items = all.map((p) => ({ label: p.label, description: describeKind(p.kind).label, detail: p.baseUrl, profile: p }));
  return (await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true, matchOnDetail: true }))?.profile;
}

/** "Connected to …" / "… works", with who the gateway says we are (when that adds anything) and the balance. */
function successMessage(kind: 'added' | 'tested', label: string, identity: Identity): string {
  const who = identity.label && identity.label !== label ? identity.label : undefined;
  const head = kind === 'added'
    ? (who ? vscode.l10n.t('Connected to "{0}" as {1}.', label, who) : vscode.l10n.t('Connected to "{0}".', label))
    : (who ? vscode.l10n.t('"{0}" works: signed in as {1}.', label, who) : vscode.l10n.t('"{0}" works.', label));
  return identity.balance ? `${head} ${vscode.l10n.t('Balance: {0} {1}.', identity.balance.amount, identity.balance.currency)}` : head;
}

// ---------------------------------------------------------------------------------------------
// Add Connection: kind → base URL → label → token → live check → save
async function addConnection(store: ConnectionStore, log: Logger): Promise<void> {
  const title = vscode.l10n.t('Add Gateway Connection');
  const kinds: Array<vscode.QuickPickItem & { gatewayKind: GatewayKind }> = (['aione', 'aihubmix'] as const).map((kind) => ({
    gatewayKind: kind,
    label: describeKind(kind).label,
    description: describeKind(kind).defaultBaseUrl,
    detail: kind === 'aione'
      ? vscode.l10n.t('Uses the admin token of your AIone API account.')
      : vscode.l10n.t('Uses the system access token (AIHubMix Settings → Generate System Access Token), not an sk- API key.'),
  }));
  const kindPick = await vscode.window.showQuickPick(kinds, { title: `${title} (1/4)`, placeHolder: vscode.l10n.t('Which gateway?'), ignoreFocusOut: true });
  if (!kindPick) return;
  const kind = kindPick.gatewayKind;
  const meta = describeKind(kind);

  let baseUrl = meta.defaultBaseUrl;
  let label = meta.label;
  let allowInsecureHttp = false;
  for (;;) {
    const urlInput = await vscode.window.showInputBox({
      title: `${title} (2/4)`,
      prompt: vscode.l10n.t('Base URL of the {0} management API', meta.label),
      value: baseUrl,
      ignoreFocusOut: true,
      validateInput: (v) => {
        const c = checkBaseUrl(v, true);
        if (!c.ok) return describeBaseUrlProblem(c.problem, v.trim());
        if (c.insecure) return { message: vscode.l10n.t('Plain http:// to another machine sends the token unencrypted.'), severity: vscode.InputBoxValidationSeverity.Warning };
        return undefined;
      },
    });
    if (urlInput === undefined) return;
    const check = checkBaseUrl(urlInput, true);
    if (!check.ok) return;
    baseUrl = check.url;
    if (check.insecure) {
      const useHttp = vscode.l10n.t('Use Plain HTTP');
      const confirm = await vscode.window.showWarningMessage(
        vscode.l10n.t('{0} is not encrypted and is not on this machine: the admin token would be readable on the network. Use it anyway?', baseUrl),
        { modal: true },
        useHttp,
      );
      if (confirm !== useHttp) continue;
      allowInsecureHttp = true;
    }
    break;
  }
  if (label === meta.label) {
    try { label = `${meta.label} (${new URL(baseUrl).host})`; } catch { /* keep */ }
  }
  const labelInput = await vscode.window.showInputBox({
    title: `${title} (3/4)`,
    prompt: vscode.l10n.t('A name for this connection'),
    value: label,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter a name.')),
  });
  if (labelInput === undefined) return;
  label = labelInput.trim();

  const token = await vscode.window.showInputBox({
    title: `${title} (4/4)`,
    prompt: kind === 'aione'
      ? vscode.l10n.t('AIone admin token (stored only in VS Code\'s secret storage)')
      : vscode.l10n.t('AIHubMix system access token (stored only in VS Code\'s secret storage)'),
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => {
      if (!v.trim()) return vscode.l10n.t('Enter the token.');
      if (kind === 'aihubmix' && v.trim().startsWith('sk-')) {
        return { message: vscode.l10n.t('This looks like a model API key (sk-…). Management needs the system access token.'), severity: vscode.InputBoxValidationSeverity.Warning };
      }
      return undefined;
    },
  });
  if (token === undefined) return;

  const draft: ConnectionDraft = { kind, label, baseUrl, ...(allowInsecureHttp ? { allowInsecureHttp: true } : {}) };
  for (;;) {
    let failure: unknown;
    let identity: Identity | undefined;
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking {0}…', label), cancellable: true },
      async (_p, cancel) => {
        const ac = new AbortController();
        const sub = cancel.onCancellationRequested(() => ac.abort());
        try { identity = await store.probe(draft, token, { signal: ac.signal }); } catch (e) { failure = e; } finally { sub.dispose(); }
      },
    );
    if (identity) {
      const saved = await store.add(draft, token);
      void vscode.window.showInformationMessage(successMessage('added', saved.label, identity));
      return;
    }
    if (gatewayErrorKind(failure) === 'aborted') return;
    log.warn(`checking "${label}" failed:`, failure);
    const retry = vscode.l10n.t('Retry');
    const saveAnyway = vscode.l10n.t('Save Anyway');
    const pick = await vscode.window.showWarningMessage(
      vscode.l10n.t('Could not verify the connection "{0}". {1}', label, userMessage(failure)),
      retry,
      saveAnyway,
    );
    if (pick === retry) continue;
    if (pick === saveAnyway) {
      const saved = await store.add(draft, token);
      void vscode.window.showInformationMessage(vscode.l10n.t('Saved "{0}" without a successful check.', saved.label));
    }
    return;
  }
}

// ---------------------------------------------------------------------------------------------
async function testConnection(store: ConnectionStore, id: string): Promise<void> {
  const profile = store.require(id);
  for (;;) {
    try {
      const identity = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Testing {0}…', profile.label), cancellable: true },
        (_p, cancel) => {
          const ac = new AbortController();
          const sub = cancel.onCancellationRequested(() => ac.abort());
          return store.test(id, { signal: ac.signal }).finally(() => sub.dispose());
        },
      );
      void vscode.window.showInformationMessage(successMessage('tested', profile.label, identity));
      return;
    } catch (e) {
      if (gatewayErrorKind(e) === 'aborted') return;
      if (e instanceof MissingTokenError || gatewayErrorKind(e) === 'auth') {
        const enter = vscode.l10n.t('Enter Token');
        const pick = await vscode.window.showErrorMessage(userMessage(e), enter);
        if (pick !== enter) return;
        const token = await vscode.window.showInputBox({
          title: vscode.l10n.t('Token for {0}', profile.label),
          prompt: vscode.l10n.t('Stored only in VS Code\'s secret storage'),
          password: true,
          ignoreFocusOut: true,
          validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter the token.')),
        });
        if (token === undefined) return;
        await store.update(id, {}, token);
        continue;
      }
      throw e;
    }
  }
}

async function removeConnection(store: ConnectionStore, id: string): Promise<void> {
  const profile = store.require(id);
  const remove = vscode.l10n.t('Remove');
  const pick = await vscode.window.showWarningMessage(
    vscode.l10n.t('Remove the connection "{0}"?', profile.label),
    { modal: true, detail: vscode.l10n.t('Its token is deleted from VS Code\'s secret storage. Keys on the gateway are not touched.') },
    remove,
  );
  if (pick !== remove) return;
  await store.remove(id);
  void vscode.window.showInformationMessage(vscode.l10n.t('Removed "{0}".', profile.label));
}
