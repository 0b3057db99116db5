/**
 * Saving a changed connection or a new token, each only after the gateway accepted it: a live check with the
 * edited profile (or the new token), then the write. No UI here: the commands (flows.ts) and the test API use it.
 */
import * as vscode from 'vscode';
import type { Identity } from '../../core/types';
import { describeKind } from '../../gateway';
import { MissingTokenError } from '../../platform/connectionErrors';
import type { ConnectionDraft, ConnectionProfile, ConnectionStore } from '../../platform/connections';

/** What an edit may change (the kind and the id never change). */
export interface ConnectionEdit {
  readonly label?: string;
  readonly baseUrl?: string;
  /** '' removes it (back to the base URL + /v1). */
  readonly chatBaseUrl?: string;
  readonly rawAuthHeader?: boolean;
  readonly allowInsecureHttp?: boolean;
}

/** The edited profile as a draft: unchanged fields kept, the raw auth header only where the kind offers it. */
export function applyEdit(current: ConnectionProfile, edit: ConnectionEdit): ConnectionDraft {
  const chat = edit.chatBaseUrl !== undefined ? edit.chatBaseUrl.trim() : current.chatBaseUrl;
  const rawAuth = edit.rawAuthHeader ?? current.rawAuthHeader;
  const insecure = edit.allowInsecureHttp ?? current.allowInsecureHttp;
  return {
    kind: current.kind,
    label: (edit.label ?? current.label).trim(),
    baseUrl: edit.baseUrl ?? current.baseUrl,
    ...(chat ? { chatBaseUrl: chat } : {}),
    ...(describeKind(current.kind).rawAuthHeader && rawAuth ? { rawAuthHeader: true } : {}),
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
  const profile = await store.update(
    id,
    {
      label: draft.label,
      baseUrl: draft.baseUrl,
      chatBaseUrl: draft.chatBaseUrl ?? '',
      rawAuthHeader: draft.rawAuthHeader === true,
      allowInsecureHttp: draft.allowInsecureHttp === true,
    },
    opts?.token,
  );
  return { profile, identity };
}

/** Saves an edit without a check (the user chose "Save Anyway" after a failed one). */
export function saveConnectionEditUnchecked(
  store: ConnectionStore,
  id: string,
  edit: ConnectionEdit,
  token?: string,
): Promise<ConnectionProfile> {
  const current = store.require(id);
  return store.update(
    id,
    {
      label: edit.label,
      baseUrl: edit.baseUrl,
      chatBaseUrl: edit.chatBaseUrl,
      rawAuthHeader: edit.rawAuthHeader === true && describeKind(current.kind).rawAuthHeader,
      allowInsecureHttp: edit.allowInsecureHttp === true,
    },
    token,
  );
}

/** Checks `token` live against the saved connection and stores it only when the gateway accepts it. */
export async function saveToken(
  store: ConnectionStore,
  id: string,
  token: string,
  opts?: { readonly signal?: AbortSignal },
): Promise<Identity> {
  const current = store.require(id);
  const value = token.trim();
  if (!value) throw new Error(vscode.l10n.t('Enter the token.'));
  const identity = await store.probe(current, value, opts?.signal ? { signal: opts.signal } : undefined);
  await store.update(id, {}, value);
  return identity;
}
