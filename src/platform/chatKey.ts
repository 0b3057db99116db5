/**
 * Choosing the model key that pays for a connection's chat — the chat panel's and VS Code's chat alike: the same
 * secret (SecretService kind 'chatKey', with its display label). One of the connection's active keys, where the
 * gateway can return a key's secret, or a pasted key (a password input box); or forget the one chosen. The keys
 * created in this session come first, and "Create a key for chat" makes one and chooses it. Only its label (the
 * key's name and masked form) is ever shown; the key stays in SecretStorage.
 */
import * as vscode from 'vscode';
import { maskSecret } from '../core/redact';
import type { ApiKey } from '../core/types';
import type { Gateway } from '../gateway/gateway';
import type { ConnectionProfile, ConnectionStore } from './connections';
import { userMessage } from './errors';
import type { Logger } from './logger';
import { withProgress } from './progress';
import type { CreateKeyWithPreset, SessionKey, SessionKeys } from './sessionKeys';

/** Stores a key of the connection (revealed from the gateway) as its chat model key; returns the label. */
export async function useGatewayKey(store: ConnectionStore, connectionId: string, keyId: string): Promise<string> {
  const gateway = store.gateway(connectionId);
  const key = await gateway.getKey(keyId);
  const secret = key.secret ?? (await gateway.revealKey(keyId));
  const label = `${key.name || key.id} (${maskSecret(secret)})`;
  await store.secrets.storeChatKey(connectionId, secret, label);
  return label;
}

/** The words of the quick pick (the panel and VS Code's chat say whose answers the key pays for). */
export interface ChatKeyPickTexts {
  readonly title: string;
  readonly placeHolder: string;
}

export type ChatKeyChoice = { readonly kind: 'stored'; readonly label: string } | { readonly kind: 'forgotten' };

/** Shows a quick pick (a seam: the integration tests answer it and read its items). */
export type QuickPickFn = <T extends vscode.QuickPickItem>(
  items: readonly T[],
  options: vscode.QuickPickOptions,
) => Thenable<T | undefined>;

/** An item of the key picker as a test sees it. */
export interface KeyPickItem {
  readonly label: string;
  readonly description?: string;
  readonly detail?: string;
  readonly separator: boolean;
}

/**
 * A quick pick that answers itself (the test APIs' seam): records what each showing offered into `shown` and picks
 * the item `choose` names (undefined: cancelled).
 */
export function answeringPick(
  choose: (items: readonly KeyPickItem[]) => number | undefined,
  shown: KeyPickItem[][],
): QuickPickFn {
  return (items) => {
    const view = items.map((i) => ({
      label: i.label,
      ...(i.description ? { description: i.description } : {}),
      ...(i.detail ? { detail: i.detail } : {}),
      separator: i.kind === vscode.QuickPickItemKind.Separator,
    }));
    shown.push(view);
    const n = choose(view);
    return Promise.resolve(n === undefined ? undefined : items[n]);
  };
}

/** Where keys come from besides the gateway's list: this session's new keys, and creating one for the chat. */
export interface ChatKeySources {
  readonly session?: SessionKeys;
  readonly create?: CreateKeyWithPreset;
  readonly pick?: QuickPickFn;
  readonly now?: () => number;
}

/** The name of a key made for the chat: "chat-<local date>". */
export function chatKeyName(nowMs: number): string {
  const d = new Date(nowMs);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `chat-${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

type Item = vscode.QuickPickItem & {
  key?: ApiKey;
  session?: SessionKey;
  action?: 'paste' | 'forget' | 'create';
};

/** This session's keys of the connection that still exist and are active (read again: one may have been deleted). */
async function sessionItems(gateway: Gateway, keys: readonly SessionKey[], log: Logger): Promise<Item[]> {
  const read = await Promise.all(
    keys.map(async (k) => {
      try {
        const key = await gateway.getKey(k.keyId);
        return key.status === 'active' ? { k, key } : undefined;
      } catch (e) {
        log.debug(`a key created in this session is gone: ${k.keyId}: ${userMessage(e)}`);
        return undefined;
      }
    }),
  );
  return read
    .filter((r) => r !== undefined)
    .map(({ k, key }) => ({
      label: `$(sparkle) ${key.name || key.id}`,
      description: key.maskedKey,
      detail: vscode.l10n.t('created in this session'),
      key,
      session: k,
    }));
}

/** The quick pick; undefined when cancelled. */
export async function chooseChatKey(
  store: ConnectionStore,
  profile: ConnectionProfile,
  log: Logger,
  texts: ChatKeyPickTexts,
  sources: ChatKeySources = {},
): Promise<ChatKeyChoice | undefined> {
  const gateway = store.gateway(profile.id);
  const readable = gateway.capabilities.secretsReadable;
  // where the gateway cannot reveal a key, only a new key whose secret was kept can be chosen
  const session = (sources.session?.of(profile.id) ?? []).filter((k) => readable || k.secret);
  const items: Item[] = [];
  const listed = await withProgress(
    { where: 'window', title: vscode.l10n.t('Listing the keys of {0}…', profile.label) },
    (signal) =>
      Promise.all([
        sessionItems(gateway, session, log),
        readable
          ? gateway.listKeys({ page: 0, pageSize: 100, signal }).then(
              (page) => page.items.filter((x) => x.status === 'active'),
              (e: unknown) => {
                log.warn(`listing keys of ${profile.id} for the chat key failed`, e);
                void vscode.window.showWarningMessage(userMessage(e));
                return [];
              },
            )
          : Promise.resolve([]),
      ]),
  );
  const [mine, others] = listed;
  if (mine.length) {
    items.push({ label: vscode.l10n.t('Created in this session'), kind: vscode.QuickPickItemKind.Separator });
    items.push(...mine);
  }
  const seen = new Set(mine.map((i) => i.key?.id));
  const rest = others.filter((k) => !seen.has(k.id));
  if (rest.length) {
    items.push({ label: vscode.l10n.t('Keys of {0}', profile.label), kind: vscode.QuickPickItemKind.Separator });
    for (const k of rest) items.push({ label: k.name || k.id, description: k.maskedKey, key: k });
  }
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  const now = (sources.now ?? Date.now)();
  if (sources.create)
    items.push({
      label: `$(add) ${vscode.l10n.t('Create a key for chat')}`,
      description: chatKeyName(now),
      detail: vscode.l10n.t('A new key for every model, with the gateway’s default limits; the chat uses it at once.'),
      action: 'create',
    });
  items.push({
    label: vscode.l10n.t('Paste a model key…'),
    detail: readable
      ? undefined
      : vscode.l10n.t(
          'This gateway shows a key’s secret only when it is created or rotated, so paste the key you saved then.',
        ),
    action: 'paste',
  });
  const current = store.secrets.chatKeyLabel(profile.id);
  if (current)
    items.push({
      label: vscode.l10n.t('Forget the chat key of {0}', profile.label),
      description: current,
      action: 'forget',
    });
  const show: QuickPickFn = sources.pick ?? ((i, o) => vscode.window.showQuickPick(i, o));
  const pick = await show(items, { title: texts.title, placeHolder: texts.placeHolder, ignoreFocusOut: true });
  if (!pick) return undefined;
  if (pick.action === 'forget') {
    await store.secrets.delete('chatKey', profile.id);
    return { kind: 'forgotten' };
  }
  if (pick.action === 'create' && sources.create) return createForChat(store, profile, sources, now);
  if (pick.session?.secret && pick.key) {
    const label = `${pick.key.name || pick.key.id} (${maskSecret(pick.session.secret)})`;
    await store.secrets.storeChatKey(profile.id, pick.session.secret, label);
    return { kind: 'stored', label };
  }
  if (pick.key) return { kind: 'stored', label: await useGatewayKey(store, profile.id, pick.key.id) };
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('Model key for {0}', profile.label),
    prompt: vscode.l10n.t('The key (sk-…) that pays for the chat. It is kept in VS Code’s secret storage only.'),
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('The key is empty.')),
  });
  if (value === undefined) return undefined;
  const label = vscode.l10n.t('pasted key ({0})', maskSecret(value));
  await store.secrets.storeChatKey(profile.id, value, label);
  return { kind: 'stored', label };
}

/**
 * "Create a key for chat": the key create flow opens on its summary with a chat preset (named "chat-<date>", every
 * model, the gateway's default limits and expiry); the new key becomes the chat's key. Its secret goes to the secret
 * storage only: the confirmation names the key by its masked form.
 */
async function createForChat(
  store: ConnectionStore,
  profile: ConnectionProfile,
  sources: ChatKeySources,
  now: number,
): Promise<ChatKeyChoice | undefined> {
  const key = await sources.create!(profile.id, {
    name: chatKeyName(now),
    note: vscode.l10n.t(
      'A key for the chat: every model, no limits beyond the gateway’s defaults. Change any line, or create it.',
    ),
  });
  if (!key) return undefined;
  const gateway = store.gateway(profile.id);
  const secret =
    key.secret ??
    sources.session?.get(profile.id, key.id)?.secret ??
    (gateway.capabilities.secretsReadable ? await gateway.revealKey(key.id) : undefined);
  if (!secret)
    throw new Error(
      vscode.l10n.t(
        'Key "{0}" was created on {1}, but the gateway did not return its secret; choose it again, or paste it.',
        key.name,
        profile.label,
      ),
    );
  const label = `${key.name || key.id} (${maskSecret(secret)})`;
  await store.secrets.storeChatKey(profile.id, secret, label);
  void vscode.window.showInformationMessage(
    vscode.l10n.t('Key "{0}" was created on {1}; the chat uses it now.', label, profile.label),
  );
  return { kind: 'stored', label };
}
