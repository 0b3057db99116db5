/**
 * Progress for a task that can be aborted: VS Code's progress UI at the given place, its Cancel button turned into an
 * AbortSignal the task passes to its requests, and the subscriptions disposed when the task ends.
 *
 * A view's progress bar and the status bar have no Cancel button, so a task shown there that is still running after
 * CANCEL_OFFER_MS also gets a notification with Cancel ("Still waiting: …"): a hanging call can always be stopped.
 */
import * as vscode from 'vscode';
import type { ProgressWhere } from './prompter';

/** How long a task shown on a view (or the status bar) runs before a notification offers Cancel. */
export const CANCEL_OFFER_MS = 2000;

export interface ProgressOptions {
  /** What is under way ("Checking AIone…"); a view's progress bar needs none. */
  readonly title?: string;
  readonly where: ProgressWhere;
  /** Offer Cancel (default): at once in a notification, after CANCEL_OFFER_MS elsewhere. */
  readonly cancellable?: boolean;
  /** Overrides CANCEL_OFFER_MS (tests). */
  readonly cancelOfferMs?: number;
}

function location(where: ProgressWhere): vscode.ProgressOptions['location'] {
  if (where === 'notification') return vscode.ProgressLocation.Notification;
  if (where === 'window') return vscode.ProgressLocation.Window;
  return { viewId: where.viewId };
}

export function withProgress<T>(opts: ProgressOptions, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const cancellable = opts.cancellable ?? true;
  const ac = new AbortController();
  const inNotification = opts.where === 'notification';
  const run = Promise.resolve(
    vscode.window.withProgress(
      {
        location: location(opts.where),
        ...(opts.title !== undefined ? { title: opts.title } : {}),
        cancellable: cancellable && inNotification,
      },
      (_progress, token) => {
        const sub = token.onCancellationRequested(() => ac.abort());
        return task(ac.signal).finally(() => {
          sub.dispose();
        });
      },
    ),
  );
  if (!cancellable || inNotification) return run;
  // elsewhere: a notification with Cancel once the task has taken a while
  let done = false;
  let finish: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const timer = setTimeout(() => {
    if (done) return;
    const title = vscode.l10n.t('Still waiting: {0}', opts.title ?? vscode.l10n.t('the gateway has not answered yet'));
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      (_p, token) => {
        const sub = token.onCancellationRequested(() => ac.abort());
        return ended.finally(() => {
          sub.dispose();
        });
      },
    );
  }, opts.cancelOfferMs ?? CANCEL_OFFER_MS);
  return run.finally(() => {
    done = true;
    clearTimeout(timer);
    finish();
  });
}
