/**
 * How key commands identify a key: a tree node, a menu context or another command passes
 * `{connectionId, keyId}`; with nothing, the command asks with the key picker. Shared by the keys
 * tree (tree.ts) and the write flows (flows/).
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import { connectionIdSchema, keyIdSchema } from '../../core/ids';
import type { ApiKey } from '../../core/types';
import type { ConnectionStore } from '../../platform/connections';
import { badArgument, parseConnectionArg, pickConnection } from '../../platform/pickers';

export { pickConnection };

export interface KeyRef {
  readonly connectionId: string;
  readonly keyId: string;
}

/** A tree node (KeyNode), a menu context or a plain object: anything carrying connectionId + keyId. */
export const keyRefSchema = z.object({ connectionId: connectionIdSchema, keyId: keyIdSchema });

export function parseKeyRef(arg: unknown): KeyRef | undefined {
  if (arg === undefined) return undefined;
  const r = keyRefSchema.safeParse(arg);
  if (!r.success) throw badArgument();
  return r.data;
}

/** The connection a command was given (a connection node, `{connectionId}` or an id), else undefined. */
export function parseConnectionRef(arg: unknown): string | undefined {
  return parseConnectionArg(arg);
}

/** A key's part in a pending client-side rotation, for its row and tooltip. */
export interface RotationMark {
  /** 'old': disabled when the grace period ends; 'replacement': the copy that takes its place. */
  readonly role: 'old' | 'replacement';
  readonly disableAt: string;
  /** The other key's name (the replacement's for the old key, and the other way round). */
  readonly otherName: string;
  /** The old key is not disabled until the user decides (the replacement is gone or not active). */
  readonly held?: boolean;
}

/** The surface of the keys tree that other features use. */
export interface KeysView {
  /** Re-reads one connection's keys (only its subtree changes). */
  refreshConnection(connectionId: string): void;
}

/**
 * Palette path: pick a connection, then one of its keys (searched on the server where it can, else the
 * first pages). Returns the ref and the key as read.
 */
export async function pickKey(
  store: ConnectionStore,
  placeHolder: string,
  filter?: (k: ApiKey) => boolean,
): Promise<{ ref: KeyRef; key: ApiKey } | undefined> {
  const profile = await pickConnection(store, vscode.l10n.t('Which connection?'));
  if (!profile) return undefined;
  const gateway = store.gateway(profile.id);
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { key?: ApiKey }>();
  qp.placeholder = placeHolder;
  qp.matchOnDescription = true;
  qp.ignoreFocusOut = true;
  qp.busy = true;
  const toItems = (keys: readonly ApiKey[]) =>
    keys
      .filter((k) => !filter || filter(k))
      .map((k) => ({ label: k.name || k.id, description: `${k.maskedKey} · ${k.status}`, key: k }));
  let cts = new vscode.CancellationTokenSource();
  const load = async (keyword: string): Promise<void> => {
    cts.cancel();
    cts = new vscode.CancellationTokenSource();
    const ac = new AbortController();
    cts.token.onCancellationRequested(() => ac.abort());
    qp.busy = true;
    try {
      const keys =
        keyword && gateway.capabilities.searchKeys
          ? await gateway.searchKeys(keyword, { signal: ac.signal })
          : (await gateway.listKeys({ page: 0, pageSize: 100, signal: ac.signal })).items;
      qp.items = toItems(keys);
    } catch (e) {
      if (!ac.signal.aborted)
        qp.items = [{ label: vscode.l10n.t('Could not list keys: {0}', e instanceof Error ? e.message : String(e)) }];
    } finally {
      if (!ac.signal.aborted) qp.busy = false;
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const subs = [
    qp.onDidChangeValue((v) => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void load(v.trim()), 300);
    }),
  ];
  void load('');
  try {
    const picked = await new Promise<ApiKey | undefined>((resolve) => {
      subs.push(qp.onDidAccept(() => resolve(qp.selectedItems[0]?.key)));
      subs.push(qp.onDidHide(() => resolve(undefined)));
      qp.show();
    });
    return picked ? { ref: { connectionId: profile.id, keyId: picked.id }, key: picked } : undefined;
  } finally {
    if (timer) clearTimeout(timer);
    cts.cancel();
    for (const s of subs) s.dispose();
    qp.dispose();
  }
}
