/**
 * Progress for a task that can be aborted: VS Code's progress UI at the given place, its Cancel button (where it has
 * one) turned into an AbortSignal the task passes to its requests, and the subscription disposed when the task ends.
 */
import * as vscode from 'vscode';
import type { ProgressWhere } from './prompter';

export interface ProgressOptions {
  /** What is under way ("Checking AIone…"); a view's progress bar needs none. */
  readonly title?: string;
  readonly where: ProgressWhere;
  /** Offer Cancel: by default only a notification does (a view or the status bar shows no button). */
  readonly cancellable?: boolean;
}

function location(where: ProgressWhere): vscode.ProgressOptions['location'] {
  if (where === 'notification') return vscode.ProgressLocation.Notification;
  if (where === 'window') return vscode.ProgressLocation.Window;
  return { viewId: where.viewId };
}

export function withProgress<T>(opts: ProgressOptions, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const cancellable = opts.cancellable ?? opts.where === 'notification';
  return Promise.resolve(vscode.window.withProgress(
    { location: location(opts.where), ...(opts.title !== undefined ? { title: opts.title } : {}), cancellable },
    (_progress, token) => {
      const ac = new AbortController();
      const sub = token.onCancellationRequested(() => ac.abort());
      return task(ac.signal).finally(() => { sub.dispose(); });
    },
  ));
}
