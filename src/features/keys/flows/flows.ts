/**
 * The key write flows: create, edit, rotate (server-side, or client-side by copy + grace + disable), and
 * verify after write. Every user interaction goes through a Prompter (the real quick input in production, a
 * scripted one in the integration tests).
 */
import * as vscode from 'vscode';
import type { ApiKey, KeyInput } from '../../../core/types';
import { isGatewayError } from '../../../gateway/errors';
import type { Gateway } from '../../../gateway/gateway';
import { CommandIds } from '../../../platform/commands';
import type { ConnectionProfile, ConnectionStore } from '../../../platform/connections';
import { userMessage } from '../../../platform/errors';
import { Disposable, toDisposable } from '../../../platform/lifecycle';
import type { Logger } from '../../../platform/logger';
import type { KeyRef, KeysView } from '../refs';
import { answersFromKey, changedFields, cloneAnswers, copyInput, emptyAnswers, FIELD_ORDER, toKeyInput, type FieldId, type FormAnswers } from './draft';
import { runKeyForm, type FormResult, type SubmitOutcome } from './form';
import { describeMismatches, fieldLabel, formatInstant } from './messages';
import type { ProgressWhere, Prompter } from './prompter';
import type { PendingRotation, RotationScheduler } from './rotations';
import { MAX_GRACE_HOURS, keyInputProblems, localYmd, parseGraceHours, rotatedName } from './validate';
import { verifyApplied, type FieldMismatch } from './verify';
import { VsCodePrompter } from './vscodePrompter';

/** The view the keys live in (progress of a tree-started action is shown there). */
export const KEYS_VIEW_ID = 'aiGateway.connections';

export const GRACE_HOURS = [0, 1, 24, 72, 168] as const;

export interface KeyFlowDeps {
  readonly connections: ConnectionStore;
  readonly log: Logger;
  readonly rotations: RotationScheduler;
  /** The keys tree, to refresh a connection after a write (absent until the tree exists). */
  readonly keysView?: KeysView | (() => KeysView | undefined);
  readonly now?: () => number;
}

export type CreateResult = { readonly kind: FormResult; readonly key?: ApiKey; readonly mismatches?: readonly FieldMismatch[] };

export class KeyFlows extends Disposable {
  private readonly production = new VsCodePrompter();
  private override: Prompter | undefined;
  /** Answers kept after a failed write, for the retry: `create:<connection>` or `edit:<connection>:<key>`. */
  private readonly drafts = new Map<string, FormAnswers>();
  private readonly now: () => number;

  constructor(private readonly deps: KeyFlowDeps) {
    super();
    this.now = deps.now ?? Date.now;
  }

  get ui(): Prompter {
    return this.override ?? this.production;
  }

  /** Tests: route every prompt and message to `p` until disposed. */
  usePrompter(p: Prompter): vscode.Disposable {
    this.override = p;
    return toDisposable(() => { if (this.override === p) this.override = undefined; });
  }

  /** Whether answers of a failed attempt are kept for this connection (create) or key (edit). */
  hasDraft(connectionId: string, keyId?: string): boolean {
    return this.drafts.has(keyId ? `edit:${connectionId}:${keyId}` : `create:${connectionId}`);
  }

  private refresh(connectionId: string): void {
    const v = typeof this.deps.keysView === 'function' ? this.deps.keysView() : this.deps.keysView;
    v?.refreshConnection(connectionId);
  }

  private where(fromTree: boolean): ProgressWhere {
    return fromTree ? { viewId: KEYS_VIEW_ID } : 'notification';
  }

  private context(connectionId: string): { profile: ConnectionProfile; gateway: Gateway } {
    return { profile: this.deps.connections.require(connectionId), gateway: this.deps.connections.gateway(connectionId) };
  }

  /** Turns a write failure into: back to the steps it names, or one clear sentence (answers kept for a retry). */
  private writeFailed(e: unknown, fields: readonly FieldId[], draftKey: string, answers: FormAnswers, retry: () => void): SubmitOutcome {
    if (isGatewayError(e) && e.kind === 'validation') {
      const errors: Partial<Record<FieldId, string>> = {};
      for (const f of e.fieldErrors) {
        const input = f.input as FieldId | undefined;
        if (input && fields.includes(input) && errors[input] === undefined) errors[input] = vscode.l10n.t('The gateway refused this: {0}', f.message);
      }
      if (Object.keys(errors).length > 0) return { kind: 'field-errors', errors };
    }
    this.deps.log.warn('key write failed', e);
    this.drafts.set(draftKey, cloneAnswers(answers));
    const again = vscode.l10n.t('Try Again');
    void this.ui.error(`${userMessage(e)} ${vscode.l10n.t('Your answers are kept for the next attempt.')}`, [again]).then((pick) => {
      if (pick === again) retry();
    });
    return { kind: 'failed' };
  }

  /** Re-reads the key and warns about every field the gateway did not apply. */
  async verifyAfterWrite(gateway: Gateway, keyId: string, sent: KeyInput, signal?: AbortSignal): Promise<{ key?: ApiKey; mismatches: FieldMismatch[] }> {
    try {
      const fresh = await gateway.getKey(keyId, signal ? { signal } : undefined);
      const mismatches = verifyApplied(sent, fresh);
      if (mismatches.length > 0) {
        this.deps.log.warn(`verify after write: key ${keyId} did not take ${mismatches.map((m) => m.field).join(', ')}`);
        this.ui.warn(describeMismatches(fresh.name || keyId, mismatches));
      }
      return { key: fresh, mismatches };
    } catch (e) {
      this.ui.warn(vscode.l10n.t('The key was saved, but reading it back to check it failed: {0}', userMessage(e)));
      return { mismatches: [] };
    }
  }

  // ------------------------------------------------------------------ create

  async create(connectionId: string, fromTree = false): Promise<CreateResult> {
    this.deps.rotations.start();
    const { profile, gateway } = this.context(connectionId);
    const caps = gateway.capabilities;
    const where = this.where(fromTree);
    const ui = this.ui;
    const [models, teams] = await ui.progress(vscode.l10n.t('Reading the models of {0}…', profile.label), where, (signal) =>
      Promise.all([gateway.listModels({ signal }), caps.teams ? gateway.listTeams({ signal }) : Promise.resolve([])]));
    const fields = FIELD_ORDER.filter((f) => {
      switch (f) {
        case 'rpmLimit': case 'tpmLimit': return caps.rpmTpmLimits;
        case 'quotaUsd': return caps.keyQuota;
        case 'isSandbox': return caps.sandboxKeys;
        case 'teamId': return caps.teams;
        default: return true;
      }
    });
    const draftKey = `create:${connectionId}`;
    const kept = this.drafts.get(draftKey);
    const answers = kept ? cloneAnswers(kept) : emptyAnswers();
    let created: ApiKey | undefined;
    let mismatches: FieldMismatch[] = [];
    const result = await runKeyForm(ui, {
      mode: 'create',
      title: vscode.l10n.t('Create key on {0}', profile.label),
      fields,
      models,
      teams,
      ...(caps.keyNameLimit ? { nameLimit: caps.keyNameLimit } : {}),
      now: this.now,
      startAtSummary: kept !== undefined,
      ...(kept ? { summaryNote: vscode.l10n.t('Your answers from the last attempt are kept: check them, then create the key.') } : {}),
    }, answers, async (a) => {
      const input = toKeyInput(a, fields, this.now());
      try {
        this.checkInput(input);
        created = await ui.progress(vscode.l10n.t('Creating key "{0}"…', input.name ?? ''), where, (signal) => gateway.createKey(input, { signal }));
      } catch (e) {
        return this.writeFailed(e, fields, draftKey, a, () => void vscode.commands.executeCommand(CommandIds.createKey, { connectionId }));
      }
      this.drafts.delete(draftKey);
      this.deps.log.info(`created key ${created.id} on ${profile.label}`);
      this.refresh(connectionId);
      const secret = created.secret ?? (await gateway.revealKey(created.id).catch(() => undefined));
      if (secret) {
        ui.showSecretOnce(vscode.l10n.t('Key "{0}" was created: {1} — copy it now, it will not be shown again.', created.name, secret), secret);
      } else {
        ui.info(vscode.l10n.t('Key "{0}" was created.', created.name));
      }
      mismatches = (await this.verifyAfterWrite(gateway, created.id, input)).mismatches;
      return { kind: 'ok' };
    });
    if (result === 'cancelled') this.drafts.delete(draftKey); // walking away from kept answers discards them
    return { kind: result, ...(created ? { key: created } : {}), mismatches };
  }

  // ------------------------------------------------------------------ edit

  async edit(ref: KeyRef, fromTree = false): Promise<CreateResult> {
    this.deps.rotations.start();
    const { profile, gateway } = this.context(ref.connectionId);
    const caps = gateway.capabilities;
    const where = this.where(fromTree);
    const ui = this.ui;
    const fields = FIELD_ORDER.filter((f) => caps.editableFields.includes(f));
    const [current, models, teams] = await ui.progress(vscode.l10n.t('Reading the key…'), where, (signal) =>
      Promise.all([
        gateway.getKey(ref.keyId, { signal }),
        fields.includes('modelsAllowed') ? gateway.listModels({ signal }) : Promise.resolve([]),
        fields.includes('teamId') ? gateway.listTeams({ signal }) : Promise.resolve([]),
      ]));
    const draftKey = `edit:${ref.connectionId}:${ref.keyId}`;
    const kept = this.drafts.get(draftKey);
    const answers = kept ? cloneAnswers(kept) : answersFromKey(current);
    let saved: ApiKey | undefined;
    let mismatches: FieldMismatch[] = [];
    const result = await runKeyForm(ui, {
      mode: 'edit',
      title: vscode.l10n.t('Edit key "{0}"', current.name || current.id),
      fields,
      models,
      teams,
      ...(caps.keyNameLimit ? { nameLimit: caps.keyNameLimit } : {}),
      now: this.now,
      startAtSummary: kept !== undefined,
      ...(kept ? { summaryNote: vscode.l10n.t('Your answers from the last attempt are kept: check them, then save.') } : {}),
    }, answers, async (a) => {
      const input = changedFields(toKeyInput(a, fields, this.now()), current);
      if (Object.keys(input).length === 0) {
        this.drafts.delete(draftKey);
        ui.info(vscode.l10n.t('Nothing was changed.'));
        return { kind: 'ok' };
      }
      try {
        const r = await this.applyEdit(ref, input, fromTree, gateway);
        saved = r.key;
        mismatches = r.mismatches;
      } catch (e) {
        return this.writeFailed(e, fields, draftKey, a, () => void vscode.commands.executeCommand(CommandIds.editKey, ref));
      }
      this.drafts.delete(draftKey);
      return { kind: 'ok' };
    });
    if (result === 'cancelled') this.drafts.delete(draftKey);
    return { kind: result, ...(saved ? { key: saved } : {}), mismatches };
  }

  /** Sends an edit (only the given fields), refreshes the tree, then verifies it. Throws the gateway's error. */
  async applyEdit(ref: KeyRef, input: KeyInput, fromTree = false, gateway: Gateway = this.deps.connections.gateway(ref.connectionId)): Promise<{ key: ApiKey; mismatches: FieldMismatch[] }> {
    const where = this.where(fromTree);
    this.checkInput(input);
    const updated = await this.ui.progress(vscode.l10n.t('Saving the key…'), where, (signal) => gateway.updateKey(ref.keyId, input, { signal }));
    this.deps.log.info(`updated key ${ref.keyId} (${Object.keys(input).join(', ')})`);
    this.refresh(ref.connectionId);
    const v = await this.verifyAfterWrite(gateway, ref.keyId, input);
    if (v.mismatches.length === 0) this.ui.info(vscode.l10n.t('Key "{0}" was saved.', (v.key ?? updated).name));
    return { key: v.key ?? updated, mismatches: v.mismatches };
  }

  // ------------------------------------------------------------------ rotate

  /** The grace period in whole hours (0 … a year); anything else is refused on the step, never sent. */
  private async askGrace(title: string, placeholder: string, zeroLabel: string): Promise<number | undefined> {
    let validationMessage: string | undefined;
    for (;;) {
      const r = await this.ui.pick({
        id: 'grace',
        title,
        canGoBack: false,
        placeholder,
        canPickMany: false,
        ...(validationMessage ? { validationMessage } : {}),
        items: GRACE_HOURS.map((h) => ({
          id: String(h),
          label: h === 0 ? zeroLabel : h === 1 ? vscode.l10n.t('1 hour') : h < 48 ? vscode.l10n.t('{0} hours', h) : vscode.l10n.t('{0} days', h / 24),
          picked: h === 24,
        })),
      });
      if (r.kind !== 'value') return undefined;
      const h = parseGraceHours(r.value[0] ?? '');
      if (h !== undefined) return h;
      validationMessage = vscode.l10n.t('The grace period must be a whole number of hours from 0 to {0}.', MAX_GRACE_HOURS);
    }
  }

  /** Refuses a KeyInput that cannot be sent (NaN, Infinity, a negative number, a bad quota or date) before any request. */
  private checkInput(input: KeyInput): void {
    const problems = keyInputProblems(input);
    if (problems.length === 0) return;
    throw new Error(vscode.l10n.t('Nothing was sent: these values cannot be saved: {0}.', problems.map((p) => fieldLabel(p.field)).join(', ')));
  }

  async rotate(ref: KeyRef, fromTree = false): Promise<RotateOutcome> {
    this.deps.rotations.start();
    const { profile, gateway } = this.context(ref.connectionId);
    const where = this.where(fromTree);
    const ui = this.ui;
    const key = await ui.progress(vscode.l10n.t('Reading the key…'), where, (signal) => gateway.getKey(ref.keyId, { signal }));
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
      const r = await ui.progress(vscode.l10n.t('Rotating key "{0}"…', name), where, (signal) => gateway.rotateKey(ref.keyId, grace, { signal }));
      this.deps.log.info(`rotated key ${ref.keyId} on ${profile.label} (grace ${grace} h)`);
      this.refresh(ref.connectionId);
      ui.showSecretOnce(vscode.l10n.t('New secret of "{0}": {1} — copy it now, it will not be shown again.', name, r.secret), r.secret);
      ui.info(r.graceUntil
        ? vscode.l10n.t('The previous secret of "{0}" keeps working until {1}.', name, formatInstant(r.graceUntil))
        : vscode.l10n.t('The previous secret of "{0}" no longer works.', name));
      return { kind: 'server', key: r.key, graceUntil: r.graceUntil };
    }
    return this.rotateOnClient(ref, key, profile, gateway, where);
  }

  /** DESIGN.md §2: a copy with identical settings, the old key kept for a grace period, then disabled. */
  private async rotateOnClient(ref: KeyRef, key: ApiKey, profile: ConnectionProfile, gateway: Gateway, where: ProgressWhere): Promise<RotateOutcome> {
    const ui = this.ui;
    const caps = gateway.capabilities;
    const name = key.name || key.id;
    if (!caps.enableDisable) {
      ui.warn(vscode.l10n.t('{0} can neither rotate a key nor disable one, so a rotation cannot be done here.', profile.label));
      return { kind: 'cancelled' };
    }
    const go = vscode.l10n.t('Create a Copy');
    const ok = await ui.confirm(
      vscode.l10n.t('{0} can\'t rotate a key itself. Rotate "{1}" on this side instead?', profile.label, name),
      vscode.l10n.t('A copy with identical settings (models, IPs, quota, expiry) is created and its key shown once; the old key keeps working for a grace period you choose, then it is disabled. The reminder survives a restart of VS Code.'),
      [go],
    );
    if (ok !== go) return { kind: 'cancelled' };
    const grace = await this.askGrace(
      vscode.l10n.t('Rotate key "{0}"', name),
      vscode.l10n.t('How long should the old key keep working before it is disabled?'),
      vscode.l10n.t('Disable it right after the copy is made'),
    );
    if (grace === undefined) return { kind: 'cancelled' };
    const input = copyInput(key, rotatedName(key.name || 'key', localYmd(this.now()), caps.keyNameLimit), caps);
    let copy: ApiKey;
    try {
      this.checkInput(input);
      copy = await ui.progress(vscode.l10n.t('Creating a copy of "{0}"…', name), where, (signal) => gateway.createKey(input, { signal, ...(key.unmodeled ? { unmodeled: key.unmodeled } : {}) }));
    } catch (e) {
      void ui.error(`${userMessage(e)} ${vscode.l10n.t('Nothing was changed: the old key still works.')}`);
      return { kind: 'failed', error: e };
    }
    this.deps.log.info(`client-side rotation of key ${key.id}: copy ${copy.id} created`);
    this.refresh(ref.connectionId);
    const secret = copy.secret ?? (await gateway.revealKey(copy.id).catch(() => undefined));
    if (secret) ui.showSecretOnce(vscode.l10n.t('Key "{0}" (the copy of "{1}") was created: {2} — copy it now, it will not be shown again.', copy.name, name, secret), secret);
    const { mismatches } = await this.verifyAfterWrite(gateway, copy.id, input);
    const reminder: PendingRotation = {
      connectionId: ref.connectionId,
      oldKeyId: key.id,
      newKeyId: copy.id,
      disableAt: new Date(this.now() + grace * 3_600_000).toISOString(),
      oldKeyName: key.name.slice(0, 200),
      newKeyName: copy.name.slice(0, 200),
    };
    await this.deps.rotations.add(reminder);
    if (grace === 0) {
      const outcome = await this.deps.rotations.disable(reminder);
      this.refresh(ref.connectionId);
      return { kind: 'client', copy, reminder, mismatches, disabledNow: outcome.kind === 'disabled' };
    }
    ui.info(vscode.l10n.t('The old key "{0}" keeps working until {1}, then it is disabled ("Show Pending Rotations" lists it).', name, formatInstant(reminder.disableAt)));
    return { kind: 'client', copy, reminder, mismatches, disabledNow: false };
  }

  // ------------------------------------------------------------------ pending rotations

  async showPendingRotations(): Promise<void> {
    const rotations = this.deps.rotations;
    rotations.start();
    const ui = this.ui;
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
        description: this.deps.connections.get(r.connectionId)?.label ?? r.connectionId,
        detail: (r.attempts ?? 0) > 0
          ? vscode.l10n.t('Disabling failed {0} times; next try {1}', r.attempts ?? 0, formatInstant(r.nextAttemptAt ?? r.disableAt))
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
    const go = vscode.l10n.t('Disable');
    if ((await ui.confirm(vscode.l10n.t('Disable the old key "{0}" now?', name), vscode.l10n.t('Anything still using it stops working.'), [go])) !== go) return;
    const outcome = await ui.progress(vscode.l10n.t('Disabling "{0}"…', name), 'notification', () => rotations.disable(r));
    this.refresh(r.connectionId);
    if (outcome.kind === 'dropped') ui.info(vscode.l10n.t('"{0}" no longer exists; the reminder was removed.', name));
  }
}

export type RotateOutcome =
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'server'; readonly key: ApiKey; readonly graceUntil: string | null }
  | { readonly kind: 'client'; readonly copy: ApiKey; readonly reminder: PendingRotation; readonly mismatches: readonly FieldMismatch[]; readonly disabledNow: boolean };
