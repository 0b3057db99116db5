/**
 * The connection flows: Add (kind → base URL → name → token → live check → save), Test (a missing or refused token
 * is asked again), Remove (confirmed, naming what is deleted with it), Edit (name → base URL → chat base URL → how
 * the token is sent, where the kind offers it → live check → save) and Update Token (the old token stays until the
 * new one is proven). Every step and message goes through the Prompter; a token is only ever typed into a password box.
 */
import * as vscode from 'vscode';
import type { Identity } from '../../core/types';
import { describeKind } from '../../gateway';
import { MissingTokenError } from '../../platform/connectionErrors';
import type { ConnectionDraft, ConnectionProfile, ConnectionStore } from '../../platform/connections';
import { gatewayErrorKind, userMessage } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import type { Prompter } from '../../platform/prompter';
import { type ConnectionEdit, saveConnectionEdit, saveConnectionEditUnchecked, saveToken } from './edits';
import { askAnyToken, askAuthHeader, askBaseUrl, askKind, askLabel, askToken } from './prompts';

export interface ConnectionFlowDeps {
  readonly store: ConnectionStore;
  readonly log: Logger;
  readonly ui: Prompter;
  /** Reads the saved token for the live check of an edit (without it, an edit asks for the token). */
  readonly getToken?: (connectionId: string) => Promise<string | undefined>;
}

/** "Connected to …" / "… works", with who the gateway says we are (when that adds anything) and the balance. */
function successMessage(kind: 'added' | 'tested', label: string, identity: Identity): string {
  const who = identity.label && identity.label !== label ? identity.label : undefined;
  const head =
    kind === 'added'
      ? who
        ? vscode.l10n.t('Connected to "{0}" as {1}.', label, who)
        : vscode.l10n.t('Connected to "{0}".', label)
      : who
        ? vscode.l10n.t('"{0}" works: signed in as {1}.', label, who)
        : vscode.l10n.t('"{0}" works.', label);
  return identity.balance
    ? `${head} ${vscode.l10n.t('Balance: {0} {1}.', identity.balance.amount, identity.balance.currency)}`
    : head;
}

/** After a failed check: try again, save without it, or walk away. */
async function afterFailedCheck(
  deps: ConnectionFlowDeps,
  label: string,
  failure: unknown,
  what: string,
): Promise<'retry' | 'save' | 'stop'> {
  if (gatewayErrorKind(failure) === 'aborted') return 'stop';
  deps.log.warn(`${what} failed:`, failure);
  const retry = vscode.l10n.t('Retry');
  const saveAnyway = vscode.l10n.t('Save Anyway');
  const pick = await deps.ui.ask(
    vscode.l10n.t('Could not verify the connection "{0}". {1}', label, userMessage(failure)),
    [retry, saveAnyway],
  );
  return pick === retry ? 'retry' : pick === saveAnyway ? 'save' : 'stop';
}

/** What the user chose after Add Connection's check failed: each reopens one step with the other answers kept. */
type AddRecovery = 'token' | 'url' | 'retry' | 'save' | 'stop';

async function afterFailedAdd(deps: ConnectionFlowDeps, label: string, failure: unknown): Promise<AddRecovery> {
  if (gatewayErrorKind(failure) === 'aborted') return 'stop';
  deps.log.warn(`checking "${label}" failed:`, failure);
  const reenter = vscode.l10n.t('Re-enter Token');
  const changeUrl = vscode.l10n.t('Change URL');
  const retry = vscode.l10n.t('Retry');
  const saveAnyway = vscode.l10n.t('Save Anyway');
  // a refused token is not fixed by sending it again: Retry is offered only where the failure may pass
  const actions =
    gatewayErrorKind(failure) === 'auth' ? [reenter, changeUrl, saveAnyway] : [retry, changeUrl, reenter, saveAnyway];
  const pick = await deps.ui.ask(
    vscode.l10n.t('Could not verify the connection "{0}". {1}', label, userMessage(failure)),
    actions,
  );
  if (pick === reenter) return 'token';
  if (pick === changeUrl) return 'url';
  if (pick === retry) return 'retry';
  if (pick === saveAnyway) return 'save';
  return 'stop';
}

/**
 * The saved connection that already reaches this gateway's URL with this token, if any (the token is compared only
 * with tokens read from secret storage, never logged).
 */
async function sameConnection(
  deps: ConnectionFlowDeps,
  draft: ConnectionDraft,
  token: string,
): Promise<ConnectionProfile | undefined> {
  if (!deps.getToken) return undefined;
  const url = draft.baseUrl.replace(/\/+$/, '');
  for (const p of deps.store.list()) {
    if (p.kind !== draft.kind || p.baseUrl.replace(/\/+$/, '') !== url) continue;
    const saved = await deps.getToken(p.id).catch(() => undefined);
    if (saved !== undefined && saved.trim() === token.trim()) return p;
  }
  return undefined;
}

/** The profile saved, or undefined when the user walked away. */
export async function addConnection(deps: ConnectionFlowDeps): Promise<ConnectionProfile | undefined> {
  const { ui, store } = deps;
  const title = vscode.l10n.t('Add Gateway Connection');
  const kind = await askKind(ui, { title, step: 1, totalSteps: 4 });
  if (!kind) return undefined;
  const meta = describeKind(kind);
  const askUrl = (value: string) =>
    askBaseUrl(
      ui,
      { title, step: 2, totalSteps: 4 },
      {
        id: 'baseUrl',
        prompt: vscode.l10n.t('Base URL of the {0} management API', meta.label),
        value,
      },
    );
  let base = await askUrl(meta.defaultBaseUrl);
  if (!base) return undefined;
  let proposed = meta.label;
  try {
    proposed = `${meta.label} (${new URL(base.url).host})`;
  } catch {
    /* keep */
  }
  const label = await askLabel(ui, { title, step: 3, totalSteps: 4 }, proposed);
  if (label === undefined) return undefined;
  let token = await askToken(ui, { title, step: 4, totalSteps: 4 }, kind);
  if (token === undefined) return undefined;

  for (;;) {
    const draft: ConnectionDraft = {
      kind,
      label,
      baseUrl: base.url,
      ...(base.insecure ? { allowInsecureHttp: true } : {}),
    };
    const existing = await sameConnection(deps, draft, token);
    if (existing) {
      const addAnyway = vscode.l10n.t('Add Anyway');
      const pick = await ui.confirm(
        vscode.l10n.t('"{0}" already connects to {1} with this token.', existing.label, existing.baseUrl),
        vscode.l10n.t('A second connection would show the same keys twice. Add it anyway?'),
        [addAnyway],
      );
      if (pick !== addAnyway) return undefined;
    }
    let failure: unknown;
    let identity: Identity | undefined;
    try {
      identity = await ui.progress(vscode.l10n.t('Checking {0}…', label), 'notification', (signal) =>
        store.probe(draft, token!, { signal }),
      );
    } catch (e) {
      failure = e;
    }
    if (identity) {
      const saved = await store.add(draft, token);
      ui.info(successMessage('added', saved.label, identity));
      return saved;
    }
    const next = await afterFailedAdd(deps, label, failure);
    if (next === 'retry') continue;
    if (next === 'token') {
      const t = await askToken(ui, { title, step: 4, totalSteps: 4 }, kind);
      if (t === undefined) return undefined;
      token = t;
      continue;
    }
    if (next === 'url') {
      const b = await askUrl(base.url);
      if (!b) return undefined;
      base = b;
      continue;
    }
    if (next === 'save') {
      const saved = await store.add(draft, token);
      ui.info(vscode.l10n.t('Saved "{0}" without a successful check.', saved.label));
      return saved;
    }
    return undefined;
  }
}

export async function testConnection(deps: ConnectionFlowDeps, id: string): Promise<void> {
  const { ui, store } = deps;
  const profile = store.require(id);
  for (;;) {
    try {
      const identity = await ui.progress(vscode.l10n.t('Testing {0}…', profile.label), 'notification', (signal) =>
        store.test(id, { signal }),
      );
      ui.info(successMessage('tested', profile.label, identity));
      return;
    } catch (e) {
      if (gatewayErrorKind(e) === 'aborted') return;
      if (e instanceof MissingTokenError || gatewayErrorKind(e) === 'auth') {
        const enter = vscode.l10n.t('Enter Token');
        if ((await ui.error(userMessage(e), [enter])) !== enter) return;
        const token = await askAnyToken(ui, profile.label);
        if (token === undefined) return;
        await store.update(id, {}, token);
        continue;
      }
      throw e;
    }
  }
}

export async function removeConnection(deps: ConnectionFlowDeps, id: string): Promise<void> {
  const { ui, store } = deps;
  const label = store.labelOf(id);
  const plan = await store.removalPlan(id);
  const remove = vscode.l10n.t('Remove');
  const deleted = plan.length
    ? vscode.l10n.t('Deleted with it: {0}.', plan.join('; '))
    : vscode.l10n.t('Nothing else is stored for it.');
  const pick = await ui.confirm(
    vscode.l10n.t('Remove the connection "{0}"?', label),
    `${deleted} ${vscode.l10n.t('Keys on the gateway are not touched.')}`,
    [remove],
  );
  if (pick !== remove) return;
  await store.remove(id);
  ui.info(vscode.l10n.t('Removed "{0}".', label));
}

export async function editConnection(deps: ConnectionFlowDeps, id: string): Promise<void> {
  const { ui, store } = deps;
  const current = store.require(id);
  const meta = describeKind(current.kind);
  const steps = meta.rawAuthHeader ? 4 : 3;
  const title = vscode.l10n.t('Edit Connection "{0}"', current.label);
  const at = (step: number) => ({ title, step, totalSteps: steps });

  const label = await askLabel(ui, at(1), current.label);
  if (label === undefined) return;
  const base = await askBaseUrl(ui, at(2), {
    id: 'baseUrl',
    prompt: vscode.l10n.t('Base URL of the {0} management API', meta.label),
    value: current.baseUrl,
  });
  if (!base) return;
  const chat = await askBaseUrl(ui, at(3), {
    id: 'chatBaseUrl',
    prompt: vscode.l10n.t('Base URL for model calls (OpenAI-compatible). Leave empty for {0}/v1.', base.url),
    value: current.chatBaseUrl ?? '',
    optional: true,
  });
  if (!chat) return;
  let rawAuthHeader = current.rawAuthHeader === true;
  if (meta.rawAuthHeader) {
    const raw = await askAuthHeader(ui, at(4), rawAuthHeader);
    if (raw === undefined) return;
    rawAuthHeader = raw;
  }
  const edit: ConnectionEdit = {
    label,
    baseUrl: base.url,
    chatBaseUrl: chat.url,
    rawAuthHeader,
    allowInsecureHttp: base.insecure || chat.insecure,
  };
  const getToken = deps.getToken ?? (() => Promise.resolve(undefined));
  let token: string | undefined;
  if (!(await store.hasToken(id))) {
    token = await askToken(ui, { title: vscode.l10n.t('Token for {0}', current.label) }, current.kind);
    if (token === undefined) return;
  }
  for (;;) {
    let failure: unknown;
    let saved: ConnectionProfile | undefined;
    try {
      saved = (
        await ui.progress(vscode.l10n.t('Checking {0}…', label), 'notification', (signal) =>
          saveConnectionEdit(store, getToken, id, edit, { signal, ...(token !== undefined ? { token } : {}) }),
        )
      ).profile;
    } catch (e) {
      failure = e;
    }
    if (saved) {
      ui.info(vscode.l10n.t('Saved the connection "{0}".', saved.label));
      return;
    }
    const next = await afterFailedCheck(deps, label, failure, `checking the edited "${current.label}"`);
    if (next === 'retry') continue;
    if (next === 'save') {
      const p = await saveConnectionEditUnchecked(store, id, edit, token);
      ui.info(vscode.l10n.t('Saved "{0}" without a successful check.', p.label));
    }
    return;
  }
}

export async function updateToken(deps: ConnectionFlowDeps, id: string): Promise<void> {
  const { ui, store } = deps;
  const profile = store.require(id);
  for (;;) {
    const token = await askToken(ui, { title: vscode.l10n.t('Token for {0}', profile.label) }, profile.kind);
    if (token === undefined) return;
    try {
      const identity = await ui.progress(vscode.l10n.t('Checking {0}…', profile.label), 'notification', (signal) =>
        saveToken(store, id, token, { signal }),
      );
      ui.info(
        identity.label && identity.label !== profile.label
          ? vscode.l10n.t('Updated the token of "{0}" (signed in as {1}).', profile.label, identity.label)
          : vscode.l10n.t('Updated the token of "{0}".', profile.label),
      );
      return;
    } catch (e) {
      if (gatewayErrorKind(e) === 'aborted') return;
      deps.log.warn(`the new token for "${profile.label}" was not accepted:`, e);
      const again = vscode.l10n.t('Enter Again');
      if ((await ui.error(vscode.l10n.t('The new token was not saved. {0}', userMessage(e)), [again])) !== again)
        return;
    }
  }
}
