/** What the key commands share: progress on the keys view, and a key as the tree has it (else one read). */
import type { ApiKey } from '../../core/types';
import { ViewIds } from '../../platform/commands';
import type { ConnectionStore } from '../../platform/connections';
import { withProgress } from '../../platform/progress';
import type { KeyRef } from './refs';
import type { KeysTree } from './tree';

/** Progress shown on the keys view, where tree actions start. */
export function onKeysView<T>(title: string, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return withProgress({ title, where: { viewId: ViewIds.keys } }, task);
}

/** The key as the tree has it, else one read. */
export async function knownOrRead(deps: { store: ConnectionStore; tree: KeysTree }, ref: KeyRef): Promise<ApiKey> {
  return deps.tree.cachedKey(ref) ?? (await deps.store.gateway(ref.connectionId).getKey(ref.keyId));
}
