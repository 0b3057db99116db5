/**
 * Rotating a key: server-side where the gateway can (a new secret, the old one kept for the grace period the user
 * picks), else on the client — a copy with identical settings, its key shown once, the old key disabled when the
 * grace period ends (a reminder in globalState, rotations.ts). And the list of pending client-side rotations.
 */
import * as vscode from 'vscode';
import type { ApiKey, KeyInput } from '../../../core/types';
import type { Gateway } from '../../../gateway/gateway';
import type { ConnectionProfile, ConnectionStore } from '../../../platform/connections';
import { userMessage } from '../../../platform/errors';
import type { Logger } from '../../../platform/logger';
import type { ProgressWhere, Prompter } from '../../../platform/prompter';
import { statusLabel } from '../labels';
import type { KeyRef } from '../refs';
import { copyInput } from './draft';
import { nameTextProblem } from './formChecks';
import { formatInstant, nameProblem } from './messages';
import type { PendingRotation, RotationScheduler } from './rotations';
import { secretPanel } from './secret';
import {
  MAX_GRACE_HOURS,
  checkName,
  checkNameText,
  localYmd,
  parseGraceHours,
  rotatedName,
  type NameLimit,
} from './validate';
import type { FieldMismatch } from './verify';

export const GRACE_HOURS = [0, 1, 24, 72, 168] as const;

/** What the rotation flow shares with the other key flows (flows.ts). */
export interface FlowHost {
  /** The prompter in use (a scripted one in tests). */
  readonly ui: Prompter;
  readonly connections: ConnectionStore;
  readonly rotations: RotationScheduler;
  readonly log: Logger;
  now(): number;
  where(fromTree: boolean): ProgressWhere;
  context(connectionId: string): { profile: ConnectionProfile; gateway: Gateway };
  /** Re-reads a connection in the keys tree. */
  refresh(connectionId: string): void;
  verifyAfterWrite(
    gateway: Gateway,
    keyId: string,
    sent: KeyInput,
    signal?: AbortSignal,
  ): Promise<{ key?: ApiKey; mismatches: FieldMismatch[] }>;
  /** Throws when a KeyInput cannot be sent. */
  checkInput(input: KeyInput): void;
}

export class RotateFlow {
  constructor(private readonly host: FlowHost) {}

  /** The grace period in whole hours (0 … a year); anything else is refused on the step, never sent. */
  private async askGrace(title: string, placeholder: string, zeroLabel: string): Promise<number | undefined> {
    let validationMessage: string | undefined;
    for (;;) {
      const r = await this.host.ui.pick({
        id: 'grace',
        title,
        canGoBack: false,
        placeholder,
        canPickMany: false,
        ...(validationMessage ? { validationMessage } : {}),
        items: GRACE_HOURS.map((h) => ({
          id: String(h),
          label:
            h === 0
              ? zeroLabel
              : h === 1
                ? vscode.l10n.t('1 hour')
                : h < 48
                  ? vscode.l10n.t('{0} hours', h)
                  : vscode.l10n.t('{0} days', h / 24),
          picked: h === 24,
        })),
      });
      if (r.kind !== 'value') return undefined;
      const h = parseGraceHours(r.value[0] ?? '');
      if (h !== undefined) return h;
      validationMessage = vscode.l10n.t(
        'The grace period must be a whole number of hours from 0 to {0}.',
        MAX_GRACE_HOURS,
      );
    }
  }

  async rotate(ref: KeyRef, fromTree = false): Promise<RotateOutcome> {
    this.host.rotations.start();
    const { profile, gateway } = this.host.context(ref.connectionId);
    const where = this.host.where(fromTree);
    const ui = this.host.ui;
    const key = await ui.progress(vscode.l10n.t('Reading the key…'), where, (signal) =>
      gateway.getKey(ref.keyId, { signal }),
    );
    const name = key.name || key.id;
    if (gateway.capabilities.serverSideRotate) {
      const grace = await this.askGrace(
        vscode.l10n.t('Rotate key "{0}"', name),
        vscode.l10n.t('How long should the current secret keep working?'),
        vscode.l10n.t('Stop it at once'),
      );
      if (grace === undefined) return { kind: 'cancelled' };
      const go = vscode.l10n.t('Rotate');
      const ok = await ui.confirm(
        vscode.l10n.t('Rotate key "{0}" on {1}?', name, profile.label),
        grace === 0
          ? vscode.l10n.t('A new secret is created and the current one stops working at once.')
          : vscode.l10n.t('A new secret is created; the current one keeps working for {0} hours, then stops.', grace),
        [go],
      );
      if (ok !== go) return { kind: 'cancelled' };
      const r = await ui.progress(vscode.l10n.t('Rotating key "{0}"…', name), where, (signal) =>
        gateway.rotateKey(ref.keyId, grace, { signal }),
      );
      this.host.log.info(`rotated key ${ref.keyId} on ${profile.label} (grace ${grace} h)`);
      this.host.refresh(ref.connectionId);
      void ui.showSecret(
        secretPanel({
          title: vscode.l10n.t('New secret of "{0}" on {1}', name, profile.label),
          key: r.key,
          secret: r.secret,
          profile,
          caps: gateway.capabilities,
        }),
      );
      ui.info(
        r.graceUntil
          ? vscode.l10n.t('The previous secret of "{0}" keeps working until {1}.', name, formatInstant(r.graceUntil))
          : vscode.l10n.t('The previous secret of "{0}" no longer works.', name),
      );
      return { kind: 'server', key: r.key, graceUntil: r.graceUntil };
    }
    return this.rotateOnClient(ref, key, profile, gateway, where);
  }

  /**
   * The copy's name: the whole original name and the longest rotation suffix that fits the gateway's limit. Where
   * none fits, the user names it, with the limit shown (a name cut short could be another key's).
   */
  private async copyName(key: ApiKey, limit: NameLimit | undefined): Promise<string | undefined> {
    const original = key.name || key.id;
    const automatic = rotatedName(original, localYmd(this.host.now()), limit, new Set([original]));
    if (automatic !== undefined) return automatic;
    const r = await this.host.ui.input({
      id: 'copyName',
      title: vscode.l10n.t('Rotate key "{0}"', original),
      canGoBack: false,
      prompt:
        limit?.unit === 'bytes'
          ? vscode.l10n.t(
              'A name for the copy: "{0}" leaves no room for a "(rotated …)" suffix within this gateway\'s {1}-byte limit (a Chinese character takes 3).',
              original,
              limit.max,
            )
          : vscode.l10n.t(
              'A name for the copy: "{0}" leaves no room for a "(rotated …)" suffix within this gateway\'s {1}-character limit.',
              original,
              limit?.max ?? 0,
            ),
      value: '',
      placeholder: vscode.l10n.t('at most {0}', limit?.max ?? 0),
      validate: (v) =>
        nameTextProblem(checkNameText(v)) ??
        nameProblem(checkName(v, limit)) ??
        (v.trim() === original
          ? vscode.l10n.t(
              'The copy needs a name of its own: the old key keeps "{0}" during the grace period.',
              original,
            )
          : undefined),
    });
    return r.kind === 'value' ? r.value.trim() : undefined;
  }

  /** Where the gateway cannot rotate: a copy with identical settings, the old key kept for a grace period, then disabled. */
  private async rotateOnClient(
    ref: KeyRef,
    key: ApiKey,
    profile: ConnectionProfile,
    gateway: Gateway,
    where: ProgressWhere,
  ): Promise<RotateOutcome> {
    const ui = this.host.ui;
    const caps = gateway.capabilities;
    const name = key.name || key.id;
    if (!caps.enableDisable) {
      ui.warn(
        vscode.l10n.t(
          '{0} can neither rotate a key nor disable one, so a rotation cannot be done here.',
          profile.label,
        ),
      );
      return { kind: 'cancelled' };
    }
    const go = vscode.l10n.t('Create a Copy');
    const ok = await ui.confirm(
      vscode.l10n.t('{0} can\'t rotate a key itself. Rotate "{1}" on this side instead?', profile.label, name),
      vscode.l10n.t(
        'A copy with identical settings (models, IPs, quota, expiry) is created and its key shown once; the old key keeps working for a grace period you choose, then it is disabled. The reminder survives a restart of VS Code.',
      ),
      [go],
    );
    if (ok !== go) return { kind: 'cancelled' };
    const grace = await this.askGrace(
      vscode.l10n.t('Rotate key "{0}"', name),
      vscode.l10n.t('How long should the old key keep working before it is disabled?'),
      vscode.l10n.t('Disable it right after the copy is made'),
    );
    if (grace === undefined) return { kind: 'cancelled' };
    const copyName = await this.copyName(key, caps.keyNameLimit);
    if (copyName === undefined) return { kind: 'cancelled' };
    const input = copyInput(key, copyName, caps);
    let copy: ApiKey;
    try {
      this.host.checkInput(input);
      copy = await ui.progress(vscode.l10n.t('Creating a copy of "{0}"…', name), where, (signal) =>
        gateway.createKey(input, { signal, ...(key.unmodeled ? { unmodeled: key.unmodeled } : {}) }),
      );
    } catch (e) {
      void ui.error(`${userMessage(e)} ${vscode.l10n.t('Nothing was changed: the old key still works.')}`);
      return { kind: 'failed', error: e };
    }
    this.host.log.info(`client-side rotation of key ${key.id}: copy ${copy.id} created`);
    this.host.refresh(ref.connectionId);
    const secret = copy.secret ?? (await gateway.revealKey(copy.id).catch(() => undefined));
    if (secret) {
      void ui.showSecret(
        secretPanel({
          title: vscode.l10n.t('New key "{0}" (the copy of "{1}") on {2}', copy.name, name, profile.label),
          key: copy,
          secret,
          profile,
          caps,
        }),
      );
    }
    const { mismatches } = await this.host.verifyAfterWrite(gateway, copy.id, input);
    const reminder: PendingRotation = {
      connectionId: ref.connectionId,
      oldKeyId: key.id,
      newKeyId: copy.id,
      disableAt: new Date(this.host.now() + grace * 3_600_000).toISOString(),
      oldKeyName: key.name.slice(0, 200),
      newKeyName: copy.name.slice(0, 200),
    };
    await this.host.rotations.add(reminder);
    if (grace === 0) {
      const outcome = await this.host.rotations.disable(reminder);
      this.host.refresh(ref.connectionId);
      return { kind: 'client', copy, reminder, mismatches, disabledNow: outcome.kind === 'disabled' };
    }
    ui.info(
      vscode.l10n.t(
        'The old key "{0}" keeps working until {1}, then it is disabled ("Show Pending Rotations" lists it).',
        name,
        formatInstant(reminder.disableAt),
      ),
    );
    return { kind: 'client', copy, reminder, mismatches, disabledNow: false };
  }

  // ------------------------------------------------------------------ pending rotations

  async showPendingRotations(): Promise<void> {
    const rotations = this.host.rotations;
    rotations.start();
    const ui = this.host.ui;
    const list = rotations.list();
    if (list.length === 0) {
      ui.info(vscode.l10n.t('No rotation is pending.'));
      return;
    }
    const idOf = (r: PendingRotation) => `${r.connectionId}/${r.oldKeyId}`;
    const picked = await ui.pick({
      id: 'pending',
      title: vscode.l10n.t('Pending rotations'),
      canGoBack: false,
      canPickMany: false,
      placeholder: vscode.l10n.t('Old keys waiting to be disabled after a rotation'),
      items: list.map((r) => ({
        id: idOf(r),
        label: `${r.oldKeyName ?? r.oldKeyId} → ${r.newKeyName ?? r.newKeyId}`,
        description: this.host.connections.get(r.connectionId)?.label ?? r.connectionId,
        detail: r.held
          ? r.held === 'replacement-gone'
            ? vscode.l10n.t('On hold: the replacement no longer exists, so the old key was left enabled. Decide below.')
            : vscode.l10n.t('On hold: the replacement is not active, so the old key was left enabled. Decide below.')
          : (r.attempts ?? 0) > 0
            ? vscode.l10n.t(
                'Disabling failed {0} times; next try {1}',
                r.attempts ?? 0,
                formatInstant(r.nextAttemptAt ?? r.disableAt),
              )
            : vscode.l10n.t('Disabled at {0}', formatInstant(r.disableAt)),
      })),
    });
    if (picked.kind !== 'value') return;
    const r = list.find((x) => idOf(x) === picked.value[0]);
    if (!r) return;
    const name = r.oldKeyName ?? r.oldKeyId;
    const action = await ui.pick({
      id: 'pending.action',
      title: vscode.l10n.t('Pending rotation of "{0}"', name),
      canGoBack: false,
      canPickMany: false,
      placeholder: vscode.l10n.t('What should happen to the old key?'),
      items: [
        { id: 'disable', label: vscode.l10n.t('Disable the old key now') },
        { id: 'cancel', label: vscode.l10n.t('Cancel the reminder (the old key stays enabled)') },
      ],
    });
    if (action.kind !== 'value') return;
    if (action.value[0] === 'cancel') {
      await rotations.cancel(r);
      ui.info(vscode.l10n.t('The reminder was cancelled; "{0}" stays enabled.', name));
      return;
    }
    // the replacement must still be there and active, or disabling leaves nothing working: that is said first
    const problem = await ui.progress(
      vscode.l10n.t('Checking the replacement "{0}"…', r.newKeyName ?? r.newKeyId),
      'notification',
      () => rotations.checkReplacement(r),
    );
    const go = vscode.l10n.t('Disable');
    const detail = problem
      ? problem.kind === 'gone'
        ? vscode.l10n.t(
            'Its replacement "{0}" no longer exists: after this, no key of this rotation works.',
            r.newKeyName ?? r.newKeyId,
          )
        : vscode.l10n.t(
            'Its replacement "{0}" is {1}: after this, no key of this rotation works.',
            r.newKeyName ?? r.newKeyId,
            statusLabel(problem.status),
          )
      : vscode.l10n.t('Anything still using it stops working.');
    if ((await ui.confirm(vscode.l10n.t('Disable the old key "{0}" now?', name), detail, [go])) !== go) return;
    const outcome = await ui.progress(vscode.l10n.t('Disabling "{0}"…', name), 'notification', () =>
      rotations.disable(r, { force: true }),
    );
    this.host.refresh(r.connectionId);
    if (outcome.kind === 'dropped') ui.info(vscode.l10n.t('"{0}" no longer exists; the reminder was removed.', name));
  }
}

export type RotateOutcome =
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'server'; readonly key: ApiKey; readonly graceUntil: string | null }
  | {
      readonly kind: 'client';
      readonly copy: ApiKey;
      readonly reminder: PendingRotation;
      readonly mismatches: readonly FieldMismatch[];
      readonly disabledNow: boolean;
    };
