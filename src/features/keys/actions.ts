/**
 * KeyActions: the work behind the key commands that change or show one key without multi-field input — details,
 * enable / disable (verified by a re-read) and delete (confirmed), each naming a pending rotation it touches.
 * Copying is KeyCopying's (copying.ts), the list's filter and order KeyListPickers' (listPickers.ts). Commands stay
 * thin (commands.ts); tests call these methods directly and may replace `confirm`.
 */
import * as vscode from 'vscode';
import type { ApiKey } from '../../core/types';
import type { ConnectionStore } from '../../platform/connections';
import type { Logger } from '../../platform/logger';
import { type KeyDetailsProvider, keyDetailsUri } from './details';
import { formatInstant } from '../../core/format';
import type { PendingRotation } from './flows/rotations';
import type { KeyRef } from './refs';
import type { KeysTree } from './tree';
import { knownOrRead, onKeysView } from './keyAccess';

/** Asks the user to confirm a destructive action; resolves true only when `action` was chosen. */
export type Confirm = (message: string, detail: string, action: string) => Promise<boolean>;

export const modalConfirm: Confirm = async (message, detail, action) =>
  (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;

/** The client-side rotation reminders a key can take part in (the RotationScheduler). */
export interface RotationReminders {
  involving(ref: KeyRef): { asReplacement: PendingRotation[]; asOld: PendingRotation[] };
  cancel(r: Pick<PendingRotation, 'connectionId' | 'oldKeyId'>): Promise<void>;
}

export interface KeyActionsDeps {
  readonly store: ConnectionStore;
  readonly tree: KeysTree;
  readonly details: KeyDetailsProvider;
  readonly log: Logger;
  /** The rotation reminders (created after the actions, hence a getter). */
  readonly rotations?: () => RotationReminders | undefined;
}

export interface ToggleResult {
  /** The key as re-read after the write. */
  readonly key: ApiKey;
  /** Whether the gateway applied the change (the re-read shows the requested status). */
  readonly applied: boolean;
}

export class KeyActions {
  /** Replaceable in tests; by default the real modal warning. */
  confirm: Confirm = modalConfirm;
  private readonly log: Logger;

  constructor(private readonly deps: KeyActionsDeps) {
    this.log = deps.log.child('keyActions');
  }

  private label(connectionId: string): string {
    return this.deps.store.require(connectionId).label;
  }

  // ---- view details -------------------------------------------------------------------------

  async showDetails(ref: KeyRef): Promise<vscode.TextEditor> {
    const key = await onKeysView(vscode.l10n.t('Reading the key…'), (signal) =>
      this.deps.store.gateway(ref.connectionId).getKey(ref.keyId, { signal }),
    );
    const uri = keyDetailsUri(ref, key.name);
    this.deps.details.set(uri, key);
    const doc = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(doc, { preview: true });
  }

  // ---- enable / disable ---------------------------------------------------------------------

  /** Enables or disables, then re-reads the key and warns, naming the field, when the gateway did not apply it. */
  async setEnabled(ref: KeyRef, enabled: boolean): Promise<ToggleResult | undefined> {
    const gateway = this.deps.store.gateway(ref.connectionId);
    const connection = this.label(ref.connectionId);
    const involved = enabled ? undefined : this.deps.rotations?.()?.involving(ref);
    if (involved?.asReplacement.length) {
      // disabling the replacement while the old key's disable is pending would leave neither working: say so first
      const key = await knownOrRead(this.deps, ref);
      const name = key.name || key.id;
      const action = vscode.l10n.t('Disable and Cancel the Rotation');
      const ok = await this.confirm(
        vscode.l10n.t('Disable "{0}" ({1})? It is the replacement in a pending rotation.', name, connection),
        this.rotationDetail(involved.asReplacement, 'disable'),
        action,
      );
      if (!ok) return undefined;
    }
    const result = await onKeysView(
      enabled ? vscode.l10n.t('Enabling the key…') : vscode.l10n.t('Disabling the key…'),
      async (signal) => {
        await gateway.setKeyEnabled(ref.keyId, enabled, { signal });
        const key = await gateway.getKey(ref.keyId, { signal });
        return { key, applied: enabled ? key.status === 'active' : key.status === 'disabled' };
      },
    );
    this.deps.tree.upsertKey(ref.connectionId, result.key);
    if (result.applied && involved) await this.settleReminders(involved);
    const name = result.key.name || result.key.id;
    if (!result.applied) {
      this.log.warn(
        `${connection}: ${enabled ? 'enable' : 'disable'} of key ${ref.keyId} not applied; status is ${String(result.key.rawStatus)}`,
      );
      void vscode.window.showWarningMessage(
        enabled
          ? vscode.l10n.t(
              '{0} did not enable "{1}": read back, its status is still "{2}" (field: status).',
              connection,
              name,
              String(result.key.rawStatus),
            )
          : vscode.l10n.t(
              '{0} did not disable "{1}": read back, its status is still "{2}" (field: status).',
              connection,
              name,
              String(result.key.rawStatus),
            ),
      );
    } else {
      vscode.window.setStatusBarMessage(
        enabled ? vscode.l10n.t('Enabled "{0}".', name) : vscode.l10n.t('Disabled "{0}".', name),
        5000,
      );
    }
    return result;
  }

  // ---- delete -------------------------------------------------------------------------------

  /** Deletes after a modal confirmation naming the key and the connection. Resolves false when the user declined. */
  async delete(ref: KeyRef): Promise<boolean> {
    const connection = this.label(ref.connectionId);
    const key = await knownOrRead(this.deps, ref);
    const name = key.name || key.id;
    const involved = this.deps.rotations?.()?.involving(ref);
    const action = vscode.l10n.t('Delete Key');
    const base = vscode.l10n.t('Every application using this key stops working at once. This cannot be undone.');
    const ok = await this.confirm(
      involved?.asReplacement.length
        ? vscode.l10n.t(
            'Delete the key "{0}" ({1}) from {2}? It is the replacement in a pending rotation.',
            name,
            key.maskedKey,
            connection,
          )
        : vscode.l10n.t('Delete the key "{0}" ({1}) from {2}?', name, key.maskedKey, connection),
      [
        base,
        ...(involved ? [this.rotationDetail(involved.asReplacement, 'delete'), this.oldKeyDetail(involved.asOld)] : []),
      ]
        .filter(Boolean)
        .join('\n\n'),
      action,
    );
    if (!ok) return false;
    await onKeysView(vscode.l10n.t('Deleting "{0}"…', name), (signal) =>
      this.deps.store.gateway(ref.connectionId).deleteKey(ref.keyId, { signal }),
    );
    if (involved) await this.settleReminders(involved);
    this.log.info(`${connection}: deleted key ${ref.keyId}`);
    this.deps.tree.removeKey(ref.connectionId, ref.keyId);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Deleted "{0}".', name), 5000);
    return true;
  }

  /** What happens to the rotations in which the key is the replacement ("" when there are none). */
  private rotationDetail(asReplacement: readonly PendingRotation[], what: 'delete' | 'disable'): string {
    return asReplacement
      .map((r) => {
        const old = r.oldKeyName ?? r.oldKeyId;
        const at = formatInstant(r.disableAt);
        return what === 'delete'
          ? vscode.l10n.t(
              '"{0}" was to be disabled at {1}, once this key took over. Deleting this key cancels that: "{0}" stays enabled, so something still works.',
              old,
              at,
            )
          : vscode.l10n.t(
              '"{0}" was to be disabled at {1}, once this key took over. Disabling this key cancels that: "{0}" stays enabled, so something still works.',
              old,
              at,
            );
      })
      .join('\n');
  }

  /** The rotations in which the key is the old one: there is nothing left to disable ("" when there are none). */
  private oldKeyDetail(asOld: readonly PendingRotation[]): string {
    return asOld.length
      ? vscode.l10n.t('Its pending rotation reminder is removed (there is nothing left to disable).')
      : '';
  }

  /** After the key was deleted or disabled: its pending rotations are over (the old key, if any, stays enabled). */
  private async settleReminders(involved: {
    asReplacement: PendingRotation[];
    asOld: PendingRotation[];
  }): Promise<void> {
    const rotations = this.deps.rotations?.();
    if (!rotations) return;
    for (const r of [...involved.asReplacement, ...involved.asOld]) await rotations.cancel(r);
    if (involved.asReplacement.length) {
      const names = involved.asReplacement.map((r) => `"${r.oldKeyName ?? r.oldKeyId}"`).join(', ');
      void vscode.window.showInformationMessage(
        vscode.l10n.t('The pending rotation was cancelled: {0} stays enabled.', names),
      );
    }
  }

  // ---- copy ---------------------------------------------------------------------------------
}
