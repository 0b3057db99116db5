/**
 * Connection commands: add, edit, test, update token, remove, show log. Thin: they ask the user, then call the
 * ConnectionStore; edit and update-token check the result live before anything is saved.
 * A command never takes a token as an argument; a token is only ever typed into a password input box.
 */
import * as vscode from 'vscode';
import type { GatewayKind, Identity } from '../../core/types';
import { describeKind } from '../../gateway';
import { CommandIds, registerCommand } from '../../platform/commands';
import type { ConnectionDraft, ConnectionProfile, ConnectionStore } from '../../platform/connections';
import { MissingTokenError, describeBaseUrlProblem, describeLabelProblem } from '../../platform/connections';
import { gatewayErrorKind, userMessage } from '../../platform/errors';
import type { Logger, LogService } from '../../platform/logger';
import type { SecretService } from '../../platform/secrets';
import { checkLabel } from '../../platform/profiles';
import { checkBaseUrl } from '../../platform/urls';
import { parseConnectionArg, pickConnection } from '../../platform/pickers';

export interface ConnectionCommandDeps {
  readonly connections: ConnectionStore;
  readonly log: LogService;
  /** Reads the saved token for the live check of an edit (without it, an edit asks for the token). */
  readonly secrets?: SecretService;
  /** Called when any of these commands runs (the status bar starts its lazy refresh). */
  readonly onCommand?: () => void;
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
    registerCommand(CommandIds.openConnectionSettings, () => openConnectionSettings(log), log),
    registerCommand(CommandIds.editConnection, async (arg) => {
      deps.onCommand?.();
      const id = parseConnectionArg(arg) ?? (await pickConnection(store, vscode.l10n.t('Which connection should be edited?')))?.id;
      if (id) await editConnection(store, deps.secrets, id, log);
    }, log),
    registerCommand(CommandIds.updateToken, async (arg) => {
      deps.onCommand?.();
      const id = parseConnectionArg(arg) ?? (await pickConnection(store, vscode.l10n.t('Which connection gets a new token?')))?.id;
      if (id) await updateToken(store, id, log);
    }, log),
  ];
}

/** A connection name: visible text, no control or text-direction characters, at most 100 characters. */
function validateLabel(value: string): string | undefined {
  const p = checkLabel(value);
  return p ? describeLabelProblem(p) : undefined;
}

/**
 * Opens the settings JSON where `aiGateway.connections` is kept, at that setting. It is application-scoped, so it
 * lives in the application (default profile) settings file, which is the user settings file of the default profile.
 */
export async function openConnectionSettings(log: Logger): Promise<void> {
  const args = { revealSetting: { key: 'aiGateway.connections', edit: false } };
  try {
    await vscode.commands.executeCommand('workbench.action.openApplicationSettingsJson', args);
  } catch (e) {
    log.debug('openApplicationSettingsJson is not available; opening the user settings', e);
    await vscode.commands.executeCommand('workbench.action.openSettingsJson', args);
  }
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
    validateInput: validateLabel,
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
  const label = store.labelOf(id);
  const plan = await store.removalPlan(id);
  const remove = vscode.l10n.t('Remove');
  const deleted = plan.length
    ? vscode.l10n.t('Deleted with it: {0}.', plan.join('; '))
    : vscode.l10n.t('Nothing else is stored for it.');
  const pick = await vscode.window.showWarningMessage(
    vscode.l10n.t('Remove the connection "{0}"?', label),
    { modal: true, detail: `${deleted} ${vscode.l10n.t('Keys on the gateway are not touched.')}` },
    remove,
  );
  if (pick !== remove) return;
  await store.remove(id);
  void vscode.window.showInformationMessage(vscode.l10n.t('Removed "{0}".', label));
}

// ---------------------------------------------------------------------------------------------
// Edit Connection: label → base URL → chat base URL → (AIHubMix) auth header → live check → save

/** What an edit may change (the kind and the id never change). */
export interface ConnectionEdit {
  readonly label?: string;
  readonly baseUrl?: string;
  /** '' removes it (back to the base URL + /v1). */
  readonly chatBaseUrl?: string;
  readonly rawAuthHeader?: boolean;
  readonly allowInsecureHttp?: boolean;
}

function applyEdit(current: ConnectionProfile, edit: ConnectionEdit): ConnectionDraft {
  const chat = edit.chatBaseUrl !== undefined ? edit.chatBaseUrl.trim() : current.chatBaseUrl;
  const rawAuth = edit.rawAuthHeader ?? current.rawAuthHeader;
  const insecure = edit.allowInsecureHttp ?? current.allowInsecureHttp;
  return {
    kind: current.kind,
    label: (edit.label ?? current.label).trim(),
    baseUrl: edit.baseUrl ?? current.baseUrl,
    ...(chat ? { chatBaseUrl: chat } : {}),
    ...(current.kind === 'aihubmix' && rawAuth ? { rawAuthHeader: true } : {}),
    ...(insecure ? { allowInsecureHttp: true } : {}),
    ...(current.newApiUser ? { newApiUser: current.newApiUser } : {}),
  };
}

/**
 * Checks the edited profile live (with `token`, else the saved token) and saves it only when the gateway
 * accepts it. Throws the gateway's error (nothing is saved then). Used by the command and by the tests.
 */
export async function saveConnectionEdit(
  store: ConnectionStore,
  getToken: (id: string) => Promise<string | undefined>,
  id: string,
  edit: ConnectionEdit,
  opts?: { readonly signal?: AbortSignal; readonly token?: string },
): Promise<{ profile: ConnectionProfile; identity: Identity }> {
  const current = store.require(id);
  const draft = applyEdit(current, edit);
  const token = opts?.token ?? (await getToken(id));
  if (token === undefined) throw new MissingTokenError(id, current.label);
  const identity = await store.probe(draft, token, opts?.signal ? { signal: opts.signal } : undefined);
  const profile = await store.update(id, {
    label: draft.label,
    baseUrl: draft.baseUrl,
    chatBaseUrl: draft.chatBaseUrl ?? '',
    rawAuthHeader: draft.rawAuthHeader === true,
    allowInsecureHttp: draft.allowInsecureHttp === true,
  }, opts?.token);
  return { profile, identity };
}

/** Checks `token` live against the saved connection and stores it only when the gateway accepts it. */
export async function saveToken(store: ConnectionStore, id: string, token: string, opts?: { readonly signal?: AbortSignal }): Promise<Identity> {
  const current = store.require(id);
  const value = token.trim();
  if (!value) throw new Error(vscode.l10n.t('Enter the token.'));
  const identity = await store.probe(current, value, opts?.signal ? { signal: opts.signal } : undefined);
  await store.update(id, {}, value);
  return identity;
}

async function withCheckProgress<T>(label: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking {0}…', label), cancellable: true },
    async (_p, cancel) => {
      const ac = new AbortController();
      const sub = cancel.onCancellationRequested(() => ac.abort());
      try { return await run(ac.signal); } finally { sub.dispose(); }
    },
  );
}

async function askBaseUrl(title: string, prompt: string, value: string, optional: boolean): Promise<{ url: string; insecure: boolean } | undefined> {
  for (;;) {
    const input = await vscode.window.showInputBox({
      title,
      prompt,
      value,
      ignoreFocusOut: true,
      validateInput: (v) => {
        if (optional && !v.trim()) return undefined;
        const c = checkBaseUrl(v, true);
        if (!c.ok) return describeBaseUrlProblem(c.problem, v.trim());
        if (c.insecure) return { message: vscode.l10n.t('Plain http:// to another machine sends the token unencrypted.'), severity: vscode.InputBoxValidationSeverity.Warning };
        return undefined;
      },
    });
    if (input === undefined) return undefined;
    if (optional && !input.trim()) return { url: '', insecure: false };
    const check = checkBaseUrl(input, true);
    if (!check.ok) return undefined;
    if (check.insecure) {
      const useHttp = vscode.l10n.t('Use Plain HTTP');
      const confirm = await vscode.window.showWarningMessage(
        vscode.l10n.t('{0} is not encrypted and is not on this machine: the admin token would be readable on the network. Use it anyway?', check.url),
        { modal: true },
        useHttp,
      );
      if (confirm !== useHttp) { value = input; continue; }
    }
    return { url: check.url, insecure: check.insecure };
  }
}

async function editConnection(store: ConnectionStore, secrets: SecretService | undefined, id: string, log: Logger): Promise<void> {
  const current = store.require(id);
  const meta = describeKind(current.kind);
  const steps = current.kind === 'aihubmix' ? 4 : 3;
  const title = vscode.l10n.t('Edit Connection "{0}"', current.label);

  const label = await vscode.window.showInputBox({
    title: `${title} (1/${steps})`,
    prompt: vscode.l10n.t('A name for this connection'),
    value: current.label,
    ignoreFocusOut: true,
    validateInput: validateLabel,
  });
  if (label === undefined) return;
  const base = await askBaseUrl(`${title} (2/${steps})`, vscode.l10n.t('Base URL of the {0} management API', meta.label), current.baseUrl, false);
  if (!base) return;
  const chat = await askBaseUrl(
    `${title} (3/${steps})`,
    vscode.l10n.t('Base URL for model calls (OpenAI-compatible). Leave empty for {0}/v1.', base.url),
    current.chatBaseUrl ?? '',
    true,
  );
  if (!chat) return;
  let rawAuthHeader = current.rawAuthHeader === true;
  if (current.kind === 'aihubmix') {
    const bearer = { label: vscode.l10n.t('Authorization: Bearer <token>'), description: vscode.l10n.t('the usual form'), raw: false };
    const raw = { label: vscode.l10n.t('Authorization: <token>'), description: vscode.l10n.t('the raw token, for gateways that reject "Bearer"'), raw: true };
    const items = rawAuthHeader ? [raw, bearer] : [bearer, raw];
    const pick = await vscode.window.showQuickPick(items, { title: `${title} (4/${steps})`, placeHolder: vscode.l10n.t('How is the token sent?'), ignoreFocusOut: true });
    if (!pick) return;
    rawAuthHeader = pick.raw;
  }
  const edit: ConnectionEdit = {
    label: label.trim(),
    baseUrl: base.url,
    chatBaseUrl: chat.url,
    rawAuthHeader,
    allowInsecureHttp: base.insecure || chat.insecure,
  };
  const getToken = async (cid: string) => (secrets ? secrets.getToken(cid) : undefined);
  let token: string | undefined;
  if (!(await store.hasToken(id))) {
    token = await askToken(current);
    if (token === undefined) return;
  }
  for (;;) {
    let failure: unknown;
    let saved: ConnectionProfile | undefined;
    try {
      saved = (await withCheckProgress(edit.label ?? current.label, (signal) => saveConnectionEdit(store, getToken, id, edit, { signal, ...(token !== undefined ? { token } : {}) }))).profile;
    } catch (e) {
      failure = e;
    }
    if (saved) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Saved the connection "{0}".', saved.label));
      return;
    }
    if (gatewayErrorKind(failure) === 'aborted') return;
    log.warn(`checking the edited "${current.label}" failed:`, failure);
    const retry = vscode.l10n.t('Retry');
    const saveAnyway = vscode.l10n.t('Save Anyway');
    const pick = await vscode.window.showWarningMessage(
      vscode.l10n.t('Could not verify the connection "{0}". {1}', edit.label ?? current.label, userMessage(failure)),
      retry,
      saveAnyway,
    );
    if (pick === retry) continue;
    if (pick === saveAnyway) {
      const p = await store.update(id, {
        label: edit.label,
        baseUrl: edit.baseUrl,
        chatBaseUrl: edit.chatBaseUrl,
        rawAuthHeader: edit.rawAuthHeader === true && current.kind === 'aihubmix',
        allowInsecureHttp: edit.allowInsecureHttp === true,
      }, token);
      void vscode.window.showInformationMessage(vscode.l10n.t('Saved "{0}" without a successful check.', p.label));
    }
    return;
  }
}

function askToken(profile: ConnectionProfile): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: vscode.l10n.t('Token for {0}', profile.label),
    prompt: profile.kind === 'aione'
      ? vscode.l10n.t('AIone admin token (stored only in VS Code\'s secret storage)')
      : vscode.l10n.t('AIHubMix system access token (stored only in VS Code\'s secret storage)'),
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => {
      if (!v.trim()) return vscode.l10n.t('Enter the token.');
      if (profile.kind === 'aihubmix' && v.trim().startsWith('sk-')) {
        return { message: vscode.l10n.t('This looks like a model API key (sk-…). Management needs the system access token.'), severity: vscode.InputBoxValidationSeverity.Warning };
      }
      return undefined;
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Update Token: password box → live check → store (the old token stays until the new one is proven)
async function updateToken(store: ConnectionStore, id: string, log: Logger): Promise<void> {
  const profile = store.require(id);
  for (;;) {
    const token = await askToken(profile);
    if (token === undefined) return;
    try {
      const identity = await withCheckProgress(profile.label, (signal) => saveToken(store, id, token, { signal }));
      void vscode.window.showInformationMessage(
        identity.label && identity.label !== profile.label
          ? vscode.l10n.t('Updated the token of "{0}" (signed in as {1}).', profile.label, identity.label)
          : vscode.l10n.t('Updated the token of "{0}".', profile.label),
      );
      return;
    } catch (e) {
      if (gatewayErrorKind(e) === 'aborted') return;
      log.warn(`the new token for "${profile.label}" was not accepted:`, e);
      const again = vscode.l10n.t('Enter Again');
      const pick = await vscode.window.showErrorMessage(
        vscode.l10n.t('The new token was not saved. {0}', userMessage(e)),
        again,
      );
      if (pick !== again) return;
    }
  }
}
