/**
 * The key write flows: create, edit, rotate (rotate.ts: server-side, or client-side by copy + grace + disable), and
 * verify after write (writeChecks.ts). Every user interaction goes through the Prompter of the PromptService (the real quick input
 * in production, a scripted one in the integration tests).
 */
import * as vscode from 'vscode';
import type { ApiKey, KeyInput } from '../../../core/types';
import { isGatewayError } from '../../../gateway/errors';
import type { Gateway, GatewayCapabilities } from '../../../gateway/gateway';
import { CommandIds, ViewIds } from '../../../platform/commands';
import type { ConnectionProfile, ConnectionStore } from '../../../platform/connections';
import { userMessage } from '../../../platform/errors';
import { Disposable } from '../../../platform/lifecycle';
import type { Logger } from '../../../platform/logger';
import type { ProgressWhere, Prompter } from '../../../platform/prompter';
import type { PromptService } from '../../../platform/vscodePrompter';
import type { KeyRef, KeysView } from '../refs';
import {
  answersFromKey,
  changedFields,
  cloneAnswers,
  emptyAnswers,
  FIELD_ORDER,
  toKeyInput,
  addToAnswers,
  type EditEntry,
  type FieldId,
  type FormAnswers,
} from './draft';
import { runKeyForm, type FormContext, type FormResult, type SubmitOutcome } from './form';
import { fieldLabel } from './messages';
import { RotateFlow, type RotateOutcome } from './rotate';
import { secretPanel } from './secret';
import type { RotationScheduler } from './rotations';
import { SessionKeys } from '../../../platform/sessionKeys';
import type { FieldMismatch } from './verify';
import { checkKeyInput, offered, verifyAfterWrite } from './writeChecks';

export interface KeyFlowDeps {
  readonly connections: ConnectionStore;
  readonly log: Logger;
  readonly rotations: RotationScheduler;
  /** Where every prompt and message goes. */
  readonly prompts: PromptService;
  /** The keys tree, to refresh a connection after a write (absent until the tree exists). */
  readonly keysView?: KeysView | (() => KeysView | undefined);
  readonly now?: () => number;
}

/** A create with its answers filled in (the chat's "Create a key for chat"): it opens on the summary. */
export interface CreatePreset {
  readonly name: string;
  /** The summary's line saying what the preset is. */
  readonly note: string;
}

export type CreateResult = {
  readonly kind: FormResult;
  /** The key created (its `secret` only where the gateway returned it). */
  readonly key?: ApiKey;
  readonly mismatches?: readonly FieldMismatch[];
};

export class KeyFlows extends Disposable {
  /**
   * Answers kept for the next attempt: `create:<connection>` or `edit:<connection>:<key>`. After a failed write the
   * next attempt opens on the summary; a create left with Escape (`at`: the step it was on) is offered to resume there.
   */
  private readonly drafts = new Map<string, { readonly answers: FormAnswers; readonly at?: string }>();
  private readonly now: () => number;
  private readonly rotateFlow: RotateFlow;
  /** The keys created in this session (the chat's key picker offers them first). */
  readonly created = new SessionKeys();

  constructor(private readonly deps: KeyFlowDeps) {
    super();
    this.now = deps.now ?? Date.now;
    const ui = (): Prompter => this.ui;
    this.rotateFlow = new RotateFlow({
      get ui() {
        return ui();
      },
      connections: deps.connections,
      rotations: deps.rotations,
      log: deps.log,
      now: () => this.now(),
      where: (fromTree) => this.where(fromTree),
      context: (id) => this.context(id),
      refresh: (id) => this.refresh(id),
      verifyAfterWrite: (gateway, keyId, sent, signal) => this.verifyAfterWrite(gateway, keyId, sent, signal),
      checkInput: (input) => this.checkInput(input),
    });
  }

  get ui(): Prompter {
    return this.deps.prompts.ui;
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
    return fromTree ? { viewId: ViewIds.keys } : 'notification';
  }

  private context(connectionId: string): { profile: ConnectionProfile; gateway: Gateway } {
    return {
      profile: this.deps.connections.require(connectionId),
      gateway: this.deps.connections.gateway(connectionId),
    };
  }

  /** The key form over the fields and lists of this gateway; with answers kept from a failed attempt, it starts at the summary. */
  private formContext(
    mode: FormContext['mode'],
    title: string,
    on: {
      readonly fields: readonly FieldId[];
      readonly models: FormContext['models'];
      readonly teams: FormContext['teams'];
      readonly caps: GatewayCapabilities;
    },
    keptNote: string | undefined,
  ): FormContext {
    return {
      mode,
      title,
      fields: on.fields,
      models: on.models,
      teams: on.teams,
      ...(on.caps.keyNameLimit ? { nameLimit: on.caps.keyNameLimit } : {}),
      now: this.now,
      startAtSummary: keptNote !== undefined,
      ...(keptNote !== undefined ? { summaryNote: keptNote } : {}),
    };
  }

  /** Turns a write failure into: back to the steps it names, or one clear sentence (answers kept for a retry). */
  private writeFailed(
    e: unknown,
    fields: readonly FieldId[],
    draftKey: string,
    answers: FormAnswers,
    retry: () => void,
  ): SubmitOutcome {
    if (isGatewayError(e) && e.kind === 'validation') {
      const errors: Partial<Record<FieldId, string>> = {};
      for (const f of e.fieldErrors) {
        const input = f.input as FieldId | undefined;
        if (input && fields.includes(input) && errors[input] === undefined)
          errors[input] = vscode.l10n.t('The gateway refused this: {0}', f.message);
      }
      if (Object.keys(errors).length > 0) return { kind: 'field-errors', errors };
    }
    this.deps.log.warn('key write failed', e);
    this.drafts.set(draftKey, { answers: cloneAnswers(answers) });
    const again = vscode.l10n.t('Try Again');
    void this.ui
      .error(`${userMessage(e)} ${vscode.l10n.t('Your answers are kept for the next attempt.')}`, [again])
      .then((pick) => {
        if (pick === again) retry();
      });
    return { kind: 'failed' };
  }

  /** Re-reads the key and warns about every field the gateway did not apply. */
  async verifyAfterWrite(
    gateway: Gateway,
    keyId: string,
    sent: KeyInput,
    signal?: AbortSignal,
  ): Promise<{ key?: ApiKey; mismatches: FieldMismatch[] }> {
    return verifyAfterWrite(this.ui, this.deps.log, gateway, keyId, sent, signal);
  }

  // ------------------------------------------------------------------ create

  /** With a preset, no unfinished draft is offered or kept, and the secret is not shown (the caller uses the key). */
  async create(connectionId: string, fromTree = false, preset?: CreatePreset): Promise<CreateResult> {
    this.deps.rotations.start();
    const { profile, gateway } = this.context(connectionId);
    const caps = gateway.capabilities;
    const where = this.where(fromTree);
    const ui = this.ui;
    const [models, teams] = await ui.progress(
      vscode.l10n.t('Reading the models of {0}…', profile.label),
      where,
      (signal) =>
        Promise.all([gateway.listModels({ signal }), caps.teams ? gateway.listTeams({ signal }) : Promise.resolve([])]),
    );
    const fields = FIELD_ORDER.filter((f) => offered(f, caps));
    const draftKey = `create:${connectionId}`;
    let kept = preset ? undefined : this.drafts.get(draftKey);
    if (kept?.at !== undefined) {
      // a create left with Escape: resume it where it was left, or start over
      const name = kept.answers.name.trim();
      const choice = await ui.pick({
        id: 'draft',
        title: vscode.l10n.t('Create key on {0}', profile.label),
        canGoBack: false,
        canPickMany: false,
        placeholder: vscode.l10n.t('You left a new key unfinished. Resume it?'),
        items: [
          {
            id: 'resume',
            label: name
              ? vscode.l10n.t('$(history) Resume "{0}"', name)
              : vscode.l10n.t('$(history) Resume the unfinished key'),
            description: vscode.l10n.t(
              'at "{0}", every answer kept',
              kept.at === 'summary' ? vscode.l10n.t('Summary') : fieldLabel(kept.at as FieldId),
            ),
            picked: true,
          },
          {
            id: 'fresh',
            label: vscode.l10n.t('$(add) Start over'),
            description: vscode.l10n.t('the unfinished answers are discarded'),
          },
        ],
      });
      if (choice.kind !== 'value') return { kind: 'cancelled' };
      if (choice.value[0] === 'fresh') {
        this.drafts.delete(draftKey);
        kept = undefined;
      }
    }
    const answers = kept ? cloneAnswers(kept.answers) : { ...emptyAnswers(), ...(preset ? { name: preset.name } : {}) };
    let created: ApiKey | undefined;
    let mismatches: FieldMismatch[] = [];
    const track = { step: '' };
    const form: FormContext = {
      ...this.formContext(
        'create',
        vscode.l10n.t('Create key on {0}', profile.label),
        { fields, models, teams, caps },
        kept && kept.at === undefined
          ? vscode.l10n.t('Your answers from the last attempt are kept: check them, then create the key.')
          : preset?.note,
      ),
      ...(kept?.at !== undefined ? { startAt: kept.at } : {}),
      track,
    };
    const result = await runKeyForm(ui, form, answers, async (a) => {
      const input = toKeyInput(a, fields, this.now());
      try {
        this.checkInput(input);
        created = await ui.progress(vscode.l10n.t('Creating key "{0}"…', input.name ?? ''), where, (signal) =>
          gateway.createKey(input, { signal }),
        );
      } catch (e) {
        return this.writeFailed(
          e,
          fields,
          draftKey,
          a,
          () => void vscode.commands.executeCommand(CommandIds.createKey, { connectionId }),
        );
      }
      this.drafts.delete(draftKey);
      this.deps.log.info(`created key ${created.id} on ${profile.label}`);
      this.refresh(connectionId);
      const secret = created.secret ?? (await gateway.revealKey(created.id).catch(() => undefined));
      this.created.add(connectionId, created, caps.secretsReadable ? undefined : secret);
      if (secret && preset) created = { ...created, secret };
      else if (secret) {
        void ui.showSecret(
          secretPanel({
            title: vscode.l10n.t('New key "{0}" on {1}', created.name, profile.label),
            key: created,
            secret,
            profile,
            caps,
            ...(models[0] ? { model: models[0].id } : {}),
          }),
        );
      } else {
        ui.info(vscode.l10n.t('Key "{0}" was created.', created.name));
      }
      mismatches = (await this.verifyAfterWrite(gateway, created.id, input)).mismatches;
      return { kind: 'ok' };
    });
    if (result === 'cancelled' && !preset) {
      // Escape loses nothing: what was typed is kept, and the next Create Key offers to resume at this step
      if (JSON.stringify(answers) !== JSON.stringify(emptyAnswers()))
        this.drafts.set(draftKey, { answers: cloneAnswers(answers), at: track.step });
      else this.drafts.delete(draftKey);
    }
    return { kind: result, ...(created ? { key: created } : {}), mismatches };
  }

  // ------------------------------------------------------------------ edit

  async edit(ref: KeyRef, fromTree = false, entry?: EditEntry): Promise<CreateResult> {
    this.deps.rotations.start();
    const { gateway } = this.context(ref.connectionId);
    const caps = gateway.capabilities;
    const where = this.where(fromTree);
    const ui = this.ui;
    const fields = FIELD_ORDER.filter((f) => caps.editableFields.includes(f));
    const [current, models, teams] = await ui.progress(vscode.l10n.t('Reading the key…'), where, (signal) =>
      Promise.all([
        gateway.getKey(ref.keyId, { signal }),
        fields.includes('modelsAllowed') ? gateway.listModels({ signal }) : Promise.resolve([]),
        // also where the team is fixed at creation: the summary names it, not its id
        caps.teams
          ? gateway.listTeams({ signal }).catch((e: unknown) => (fields.includes('teamId') ? Promise.reject(e) : []))
          : Promise.resolve([]),
      ]),
    );
    const draftKey = `edit:${ref.connectionId}:${ref.keyId}`;
    const kept = this.drafts.get(draftKey);
    const answers = kept ? cloneAnswers(kept.answers) : answersFromKey(current);
    if (entry) addToAnswers(answers, entry);
    let saved: ApiKey | undefined;
    let mismatches: FieldMismatch[] = [];
    // an edit opens on the summary: pick the line to change, see old → new, save; fixed fields are named there
    const readOnly = FIELD_ORDER.filter((f) => !fields.includes(f) && offered(f, caps));
    const form: FormContext = {
      ...this.formContext(
        'edit',
        vscode.l10n.t('Edit key "{0}"', current.name || current.id),
        { fields, models, teams, caps },
        kept ? vscode.l10n.t('Your answers from the last attempt are kept: check them, then save.') : undefined,
      ),
      startAtSummary: true,
      ...(entry && fields.includes(entry.at) ? { startAt: entry.at } : {}),
      original: answersFromKey(current),
      readOnly,
    };
    const result = await runKeyForm(ui, form, answers, async (a) => {
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
        return this.writeFailed(
          e,
          fields,
          draftKey,
          a,
          () => void vscode.commands.executeCommand(CommandIds.editKey, ref),
        );
      }
      this.drafts.delete(draftKey);
      return { kind: 'ok' };
    });
    if (result === 'cancelled') this.drafts.delete(draftKey);
    return { kind: result, ...(saved ? { key: saved } : {}), mismatches };
  }

  /** Sends an edit (only the given fields), refreshes the tree, then verifies it. Throws the gateway's error. */
  async applyEdit(
    ref: KeyRef,
    input: KeyInput,
    fromTree = false,
    gateway: Gateway = this.deps.connections.gateway(ref.connectionId),
  ): Promise<{ key: ApiKey; mismatches: FieldMismatch[] }> {
    const where = this.where(fromTree);
    this.checkInput(input);
    const updated = await this.ui.progress(vscode.l10n.t('Saving the key…'), where, (signal) =>
      gateway.updateKey(ref.keyId, input, { signal }),
    );
    this.deps.log.info(`updated key ${ref.keyId} (${Object.keys(input).join(', ')})`);
    this.refresh(ref.connectionId);
    const v = await this.verifyAfterWrite(gateway, ref.keyId, input);
    if (v.mismatches.length === 0) this.ui.info(vscode.l10n.t('Key "{0}" was saved.', (v.key ?? updated).name));
    return { key: v.key ?? updated, mismatches: v.mismatches };
  }

  /** Refuses a KeyInput that cannot be sent (NaN, Infinity, a negative number, a bad quota or date) before any request. */
  private checkInput(input: KeyInput): void {
    checkKeyInput(input);
  }

  // ------------------------------------------------------------------ rotate (rotate.ts)

  rotate(ref: KeyRef, fromTree = false): Promise<RotateOutcome> {
    return this.rotateFlow.rotate(ref, fromTree);
  }

  showPendingRotations(): Promise<void> {
    return this.rotateFlow.showPendingRotations();
  }
}
