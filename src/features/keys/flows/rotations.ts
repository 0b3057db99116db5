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
import { isGatewayError } from '../../../gateway/errors';
import type { ConnectionStore } from '../../../platform/connections';
import { userMessage } from '../../../platform/errors';
import { Disposable, toDisposable } from '../../../platform/lifecycle';
import type { Logger } from '../../../platform/logger';
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

export { PENDING_ROTATIONS_KEY, backoffMs, pendingRotationSchema, type PendingRotation } from './schedule';

export type RotationOutcome =
  | { readonly kind: 'disabled'; readonly reminder: PendingRotation }
  | { readonly kind: 'dropped'; readonly reminder: PendingRotation; readonly reason: 'key-gone' | 'connection-gone' }
  | { readonly kind: 'retry'; readonly reminder: PendingRotation; readonly error: unknown };

/** How the scheduler talks to the user (replaceable in tests). */
export interface RotationNotifier {
  info(message: string): void;
  warn(message: string, actions: readonly string[]): Promise<string | undefined>;
}

const vscodeNotifier: RotationNotifier = {
  info: (m) => void vscode.window.showInformationMessage(m),
  warn: (m, actions) => Promise.resolve(vscode.window.showWarningMessage(m, ...actions)),
};

export class RotationScheduler extends Disposable {
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private running: Promise<RotationOutcome[]> | undefined;
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
    const { reminders, problems } = parseReminders(this.state.get<unknown>(PENDING_ROTATIONS_KEY, []));
    for (const p of problems) this.log.warn(`pending rotations: ${p}`);
    return reminders;
  }

  pendingFor(connectionId: string): PendingRotation[] {
    return this.list().filter((r) => r.connectionId === connectionId);
  }

  private async write(list: readonly PendingRotation[]): Promise<void> {
    await this.state.update(PENDING_ROTATIONS_KEY, list.map((r) => pendingRotationSchema.parse(r)));
    this._onDidChange.fire();
  }

  async add(reminder: PendingRotation): Promise<void> {
    const r = pendingRotationSchema.parse(reminder);
    await this.write(withReminder(this.list(), r));
    this.log.info(`rotation reminder: disable key ${r.oldKeyId} of ${r.connectionId} at ${r.disableAt} (copy ${r.newKeyId})`);
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

  /** Disables the old key now (also the "Disable now" action), verifies it, then drops the reminder. */
  async disable(r: PendingRotation): Promise<RotationOutcome> {
    const profile = this.connections.get(r.connectionId);
    const name = r.oldKeyName ?? r.oldKeyId;
    if (!profile) {
      await this.drop(r);
      this.log.warn(`rotation reminder for key ${r.oldKeyId} dropped: its connection is gone`);
      return { kind: 'dropped', reminder: r, reason: 'connection-gone' };
    }
    try {
      const gateway = this.connections.gateway(r.connectionId);
      await gateway.setKeyEnabled(r.oldKeyId, false);
      const after = await gateway.getKey(r.oldKeyId);
      if (after.status !== 'disabled') {
        throw new Error(vscode.l10n.t('The gateway still shows the key as {0}.', after.status));
      }
      await this.drop(r);
      this.log.info(`rotation finished: key ${r.oldKeyId} of ${r.connectionId} disabled`);
      this.notifier.info(vscode.l10n.t('Rotation finished: the old key "{0}" of {1} is now disabled.', name, profile.label));
      return { kind: 'disabled', reminder: r };
    } catch (e) {
      if (isGatewayError(e) && e.kind === 'not-found') {
        await this.drop(r);
        this.log.info(`rotation reminder for key ${r.oldKeyId} dropped: the key no longer exists`);
        return { kind: 'dropped', reminder: r, reason: 'key-gone' };
      }
      const next = afterFailure(r, this.now());
      await this.replace(next);
      this.log.warn(`rotation: disabling key ${r.oldKeyId} failed (attempt ${next.attempts ?? 1}); retrying after ${next.nextAttemptAt}`, e);
      if (!r.notified) {
        const show = vscode.l10n.t('Show Pending Rotations');
        void this.notifier
          .warn(vscode.l10n.t('Could not disable the old key "{0}" of {1} after its rotation: {2} It will be tried again from {3}.', name, profile.label, userMessage(e), formatInstant(next.nextAttemptAt!)), [show])
          .then((pick) => { if (pick === show) this.showPending(); });
      }
      return { kind: 'retry', reminder: next, error: e };
    }
  }

  private async drop(r: PendingRotation): Promise<void> {
    await this.write(withoutReminder(this.list(), r));
  }

  private async replace(next: PendingRotation): Promise<void> {
    const list = replacedReminder(this.list(), next);
    if (list) await this.write(list); // else cancelled meanwhile (another window)
  }
}
