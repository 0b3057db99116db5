/**
 * Client-side rotation reminders (for gateways without server-side rotation, docs/architecture.md): after a copy of a
 * key is made, the old key is disabled once its grace period ends. The reminders live in globalState (ids and
 * names only, never a secret), validated with zod on every read, so they survive a reload and are shared by
 * every window.
 *
 * No work at activation: the constructor only keeps references. `start()` (first use of a key command, or the
 * container's deferred start) reads globalState and arms one timer for the earliest deadline; the network is
 * touched only when a deadline is due. A failed disable keeps the reminder and retries with backoff; the user is
 * told once.
 */
import * as vscode from 'vscode';
import type { KeyStatus } from '../../../core/types';
import { isGatewayError } from '../../../gateway/errors';
import type { ConnectionStore } from '../../../platform/connections';
import { userMessage } from '../../../platform/errors';
import { Disposable, toDisposable } from '../../../platform/lifecycle';
import type { Logger } from '../../../platform/logger';
import { statusLabel } from '../labels';
import type { RotationMark } from '../refs';
import { formatInstant } from './messages';
import {
  PENDING_ROTATIONS_KEY,
  afterFailure,
  dueReminders,
  nextTimerDelay,
  parseReminders,
  pendingRotationSchema,
  replacedReminder,
  withReminder,
  withoutReminder,
  type PendingRotation,
  type ReminderRef,
} from './schedule';

export type { PendingRotation } from './schedule';

export type RotationOutcome =
  | { readonly kind: 'disabled'; readonly reminder: PendingRotation }
  /** The replacement is gone or not active: the old key stays enabled and the reminder waits for the user. */
  | { readonly kind: 'held'; readonly reminder: PendingRotation; readonly reason: NonNullable<PendingRotation['held']> }
  | { readonly kind: 'dropped'; readonly reminder: PendingRotation; readonly reason: 'key-gone' | 'connection-gone' }
  | { readonly kind: 'retry'; readonly reminder: PendingRotation; readonly error: unknown };

/** How the scheduler talks to the user (replaceable in tests). */
export interface RotationNotifier {
  info(message: string): void;
  warn(message: string, actions: readonly string[]): Promise<string | undefined>;
}

/** Why the replacement cannot take over: it is gone, or it is not active (its status as read). */
export type ReplacementProblem = { readonly kind: 'gone' } | { readonly kind: 'inactive'; readonly status: KeyStatus };

const vscodeNotifier: RotationNotifier = {
  info: (m) => void vscode.window.showInformationMessage(m),
  warn: (m, actions) => Promise.resolve(vscode.window.showWarningMessage(m, ...actions)),
};

export class RotationScheduler extends Disposable {
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private running: Promise<RotationOutcome[]> | undefined;
  /** The last list read from globalState, by the stored value it was parsed from (the tree asks per row). */
  private parsed: { readonly raw: unknown; readonly list: PendingRotation[] } | undefined;
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  /** Reminders were added, done or dropped. */
  readonly onDidChange = this._onDidChange.event;

  constructor(
    private readonly state: vscode.Memento,
    private readonly connections: ConnectionStore,
    private readonly log: Logger,
    private readonly notifier: RotationNotifier = vscodeNotifier,
    private readonly now: () => number = Date.now,
    /** Run when the user picks "Show Pending Rotations" on a failure warning. */
    private readonly showPending: () => void = () => undefined,
  ) {
    super();
    this._register(toDisposable(() => this.clearTimer()));
  }

  /** The reminders in globalState; entries that do not validate are dropped (and logged). */
  list(): PendingRotation[] {
    const raw = this.state.get<unknown>(PENDING_ROTATIONS_KEY, []);
    if (this.parsed && raw === this.parsed.raw) return [...this.parsed.list];
    const { reminders, problems } = parseReminders(raw);
    for (const p of problems) this.log.warn(`pending rotations: ${p}`);
    this.parsed = { raw, list: reminders };
    return [...reminders];
  }

  /** A key's part in a pending rotation (the old key, or its replacement), for the keys tree's rows. */
  markOf(ref: { readonly connectionId: string; readonly keyId: string }): RotationMark | undefined {
    for (const r of this.list()) {
      if (r.connectionId !== ref.connectionId) continue;
      if (r.oldKeyId === ref.keyId)
        return {
          role: 'old',
          disableAt: r.disableAt,
          otherName: r.newKeyName ?? r.newKeyId,
          ...(r.held ? { held: true } : {}),
        };
      if (r.newKeyId === ref.keyId)
        return {
          role: 'replacement',
          disableAt: r.disableAt,
          otherName: r.oldKeyName ?? r.oldKeyId,
          ...(r.held ? { held: true } : {}),
        };
    }
    return undefined;
  }

  /** The reminders in which this key is the replacement, or the old key. */
  involving(ref: { readonly connectionId: string; readonly keyId: string }): {
    asReplacement: PendingRotation[];
    asOld: PendingRotation[];
  } {
    const mine = this.list().filter((r) => r.connectionId === ref.connectionId);
    return {
      asReplacement: mine.filter((r) => r.newKeyId === ref.keyId),
      asOld: mine.filter((r) => r.oldKeyId === ref.keyId),
    };
  }

  /**
   * Whether the replacement can take over: it still exists and is active. A read that fails for another reason
   * throws (the disable is retried later, as any failure is).
   */
  async checkReplacement(r: PendingRotation): Promise<ReplacementProblem | undefined> {
    try {
      const k = await this.connections.gateway(r.connectionId).getKey(r.newKeyId);
      return k.status === 'active' ? undefined : { kind: 'inactive', status: k.status };
    } catch (e) {
      if (isGatewayError(e) && e.kind === 'not-found') return { kind: 'gone' };
      throw e;
    }
  }

  pendingFor(connectionId: string): PendingRotation[] {
    return this.list().filter((r) => r.connectionId === connectionId);
  }

  private async write(list: readonly PendingRotation[]): Promise<void> {
    await this.state.update(
      PENDING_ROTATIONS_KEY,
      list.map((r) => pendingRotationSchema.parse(r)),
    );
    this._onDidChange.fire();
  }

  async add(reminder: PendingRotation): Promise<void> {
    const r = pendingRotationSchema.parse(reminder);
    await this.write(withReminder(this.list(), r));
    this.log.info(
      `rotation reminder: disable key ${r.oldKeyId} of "${this.connections.get(r.connectionId)?.label ?? r.connectionId}" at ${r.disableAt} (copy ${r.newKeyId})`,
    );
    this.started = true;
    this.arm();
  }

  /** Forgets a reminder without touching the key (the user keeps the old key enabled). */
  async cancel(ref: ReminderRef): Promise<void> {
    await this.write(withoutReminder(this.list(), ref));
    this.log.info(`rotation reminder for key ${ref.oldKeyId} cancelled`);
    this.arm();
  }

  /** Arms the timer (idempotent). Reads globalState only; no network until a deadline is due. */
  start(): void {
    if (this.isDisposed) return;
    this.started = true;
    if (!this.timer) this.arm();
  }

  /** Starts after `ms` (the container calls this at activation: nothing runs now). */
  startDeferred(ms = 30_000): void {
    const t = setTimeout(() => this.start(), ms);
    this._register(toDisposable(() => clearTimeout(t)));
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    this.clearTimer();
    if (!this.started || this.isDisposed) return;
    const delay = nextTimerDelay(this.list(), this.now());
    if (delay === undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.checkNow().catch((e: unknown) => this.log.error('rotation check failed', e));
    }, delay);
  }

  /** Processes every reminder whose deadline has passed; then re-arms. */
  checkNow(): Promise<RotationOutcome[]> {
    if (!this.running) {
      this.running = this.runDue().finally(() => {
        this.running = undefined;
        this.arm();
      });
    }
    return this.running;
  }

  private async runDue(): Promise<RotationOutcome[]> {
    const due = dueReminders(this.list(), this.now());
    const out: RotationOutcome[] = [];
    for (const r of due) out.push(await this.disable(r));
    return out;
  }

  /**
   * Disables the old key now (also the "Disable now" action), verifies it, then drops the reminder. First it checks
   * that the replacement still exists and is active: if not, nothing is disabled, the reminder is held for the user
   * to decide, and the user is told (once). `force` skips that check (the user chose to disable it anyway).
   */
  async disable(r: PendingRotation, opts: { readonly force?: boolean } = {}): Promise<RotationOutcome> {
    const profile = this.connections.get(r.connectionId);
    const name = r.oldKeyName ?? r.oldKeyId;
    if (!profile) {
      await this.drop(r);
      this.log.warn(`rotation reminder for key ${r.oldKeyId} dropped: its connection is gone`);
      return { kind: 'dropped', reminder: r, reason: 'connection-gone' };
    }
    try {
      const gateway = this.connections.gateway(r.connectionId);
      if (!opts.force) {
        const problem = await this.checkReplacement(r);
        if (problem) return await this.hold(r, problem, profile.label);
      }
      await gateway.setKeyEnabled(r.oldKeyId, false);
      const after = await gateway.getKey(r.oldKeyId);
      if (after.status !== 'disabled') {
        throw new Error(vscode.l10n.t('The gateway still shows the key as {0}.', statusLabel(after.status)));
      }
      await this.drop(r);
      this.log.info(`rotation finished: key ${r.oldKeyId} of "${profile.label}" disabled`);
      this.notifier.info(
        vscode.l10n.t('Rotation finished: the old key "{0}" of {1} is now disabled.', name, profile.label),
      );
      return { kind: 'disabled', reminder: r };
    } catch (e) {
      if (isGatewayError(e) && e.kind === 'not-found') {
        await this.drop(r);
        this.log.info(`rotation reminder for key ${r.oldKeyId} dropped: the key no longer exists`);
        return { kind: 'dropped', reminder: r, reason: 'key-gone' };
      }
      const next = afterFailure(r, this.now());
      await this.replace(next);
      this.log.warn(
        `rotation: disabling key ${r.oldKeyId} of "${profile.label}" failed (attempt ${next.attempts ?? 1}); retrying after ${next.nextAttemptAt}`,
        e,
      );
      if (!r.notified) {
        const show = vscode.l10n.t('Show Pending Rotations');
        void this.notifier
          .warn(
            vscode.l10n.t(
              'Could not disable the old key "{0}" of {1} after its rotation: {2} It will be tried again from {3}.',
              name,
              profile.label,
              userMessage(e),
              formatInstant(next.nextAttemptAt!),
            ),
            [show],
          )
          .then((pick) => {
            if (pick === show) this.showPending();
          });
      }
      return { kind: 'retry', reminder: next, error: e };
    }
  }

  /** Keeps the old key enabled and the reminder waiting for the user; tells them once, with what they can do. */
  private async hold(r: PendingRotation, problem: ReplacementProblem, connection: string): Promise<RotationOutcome> {
    const reason = problem.kind === 'gone' ? ('replacement-gone' as const) : ('replacement-inactive' as const);
    const next: PendingRotation = { ...r, held: reason };
    await this.replace(next);
    const oldName = r.oldKeyName ?? r.oldKeyId;
    const newName = r.newKeyName ?? r.newKeyId;
    this.log.warn(
      `rotation: key ${r.oldKeyId} of "${connection}" left enabled: its replacement ${r.newKeyId} is ${problem.kind === 'gone' ? 'gone' : `not active (${problem.status})`}`,
    );
    if (!r.held) {
      const show = vscode.l10n.t('Show Pending Rotations');
      const message =
        problem.kind === 'gone'
          ? vscode.l10n.t(
              'The rotation of "{0}" ({1}) is on hold: its replacement "{2}" no longer exists, so "{0}" was not disabled — it is the only key left. Decide in Show Pending Rotations.',
              oldName,
              connection,
              newName,
            )
          : vscode.l10n.t(
              'The rotation of "{0}" ({1}) is on hold: its replacement "{2}" is {3}, so "{0}" was not disabled. Decide in Show Pending Rotations.',
              oldName,
              connection,
              newName,
              statusLabel(problem.status),
            );
      void this.notifier.warn(message, [show]).then((pick) => {
        if (pick === show) this.showPending();
      });
    }
    return { kind: 'held', reminder: next, reason };
  }

  private async drop(r: PendingRotation): Promise<void> {
    await this.write(withoutReminder(this.list(), r));
  }

  private async replace(next: PendingRotation): Promise<void> {
    const list = replacedReminder(this.list(), next);
    if (list) await this.write(list); // else cancelled meanwhile (another window)
  }
}
