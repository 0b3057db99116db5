/**
 * Running a bulk disable / enable / delete from the keys table: the plan's one confirmation (the count, the keys, any
 * pending rotation they take part in), the writes one key at a time with progress and Cancel (a write is never
 * retried; a toggle is verified by reading the key back), then each key's outcome applied to the table and the tree
 * and reported. The table it runs against is a small interface, so this file holds no panel state.
 */
import * as vscode from 'vscode';
import type { ApiKey } from '../../../core/types';
import type { Gateway } from '../../../gateway/gateway';
import { userMessage } from '../../../platform/errors';
import type { Logger } from '../../../platform/logger';
import type { BulkAction } from '../../../webview/keysTableProtocol';
import type { Confirm, RotationReminders } from '../actions';
import { type BulkOutcome, type BulkPlan, planBulk, someNames, tally } from './bulk';

/** The table a bulk action runs against. */
export interface BulkTarget {
  readonly connectionId: string;
  readonly label: string;
  gateway(): Gateway;
  readonly log: Logger;
  readonly confirm: Confirm;
  readonly rotations: () => RotationReminders | undefined;
  /** The keys the table holds, by id. */
  known(): Map<string, ApiKey>;
  /** The row of a key read back (the tree is not told). */
  replace(key: ApiKey): void;
  /** A key written: its row and the tree follow. */
  written(key: ApiKey): void;
  /** A key deleted: its row goes, and the tree follows. */
  remove(keyId: string): void;
  /** Runs the outcome's updates with the table ignoring the tree's echo of its own writes. */
  quiet(fn: () => Promise<void>): Promise<void>;
  /** The keys written are no longer selected; the table is drawn again. */
  deselect(keyIds: string[]): void;
  /** The bulk action's report, line by line. */
  report(lines: string[]): void;
}

/** A bulk action on the selected keys: one confirmation, progress with Cancel, each key's outcome reported. */
export async function runBulk(
  table: BulkTarget,
  action: BulkAction,
  keyIds: readonly string[],
): Promise<BulkOutcome[] | undefined> {
  const rotations = table.rotations();
  const plan = planBulk(action, keyIds, table.known(), (k) =>
    rotations?.involving({ connectionId: table.connectionId, keyId: k.id }),
  );
  if (plan.todo.length === 0) {
    void vscode.window.showInformationMessage(nothingToDo(plan));
    return [];
  }
  const ok = await table.confirm(question(plan, table.label), detail(plan), bulkVerb(action));
  if (!ok) return undefined;
  const gateway = table.gateway();
  const outcomes: BulkOutcome[] = [];
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: progressTitle(plan, table.label), cancellable: true },
    async (progress, token) => {
      const ac = new AbortController();
      const sub = token.onCancellationRequested(() => ac.abort());
      try {
        for (const [i, key] of plan.todo.entries()) {
          if (ac.signal.aborted) {
            outcomes.push({ key, result: 'cancelled' });
            continue;
          }
          progress.report({
            message: vscode.l10n.t('{0} of {1}: "{2}"', i + 1, plan.todo.length, key.name || key.id),
            increment: 100 / plan.todo.length,
          });
          outcomes.push(await one(gateway, action, key, ac.signal));
        }
      } finally {
        sub.dispose();
      }
    },
  );
  await table.quiet(() => afterBulk(table, plan, outcomes));
  return outcomes;
}

/** One key of a bulk action; a write is never retried, a toggle is verified by a re-read. */
async function one(gateway: Gateway, action: BulkAction, key: ApiKey, signal: AbortSignal): Promise<BulkOutcome> {
  try {
    if (action === 'delete') {
      await gateway.deleteKey(key.id, { signal });
      return { key, result: 'done' };
    }
    const enabled = action === 'enable';
    await gateway.setKeyEnabled(key.id, enabled, { signal });
    const fresh = await gateway.getKey(key.id, { signal });
    const applied = enabled ? fresh.status === 'active' : fresh.status === 'disabled';
    return applied
      ? { key: fresh, result: 'done' }
      : { key: fresh, result: 'notApplied', status: String(fresh.rawStatus) };
  } catch (e) {
    if (signal.aborted) return { key, result: 'cancelled' };
    return { key, result: 'failed', error: userMessage(e) };
  }
}

async function afterBulk(table: BulkTarget, plan: BulkPlan, outcomes: readonly BulkOutcome[]): Promise<void> {
  const rotations = table.rotations();
  const byId = new Map(plan.rotations.map((r) => [r.key.id, r.involved]));
  const done: string[] = [];
  for (const o of outcomes) {
    if (o.result !== 'done') {
      if (o.result === 'notApplied') table.replace(o.key);
      continue;
    }
    done.push(o.key.id);
    if (plan.action === 'delete') {
      table.remove(o.key.id);
    } else {
      table.written(o.key);
    }
    // a deleted or disabled key's pending rotations are over: the old key stays enabled
    const involved = byId.get(o.key.id);
    if (involved && rotations)
      for (const r of [...involved.asReplacement, ...involved.asOld]) await rotations.cancel(r);
  }
  table.log.info(
    `keys table of "${table.label}": bulk ${plan.action} of ${plan.todo.length} key(s): ${done.length} done`,
  );
  table.deselect(done);
  const t = tally(outcomes);
  const lines = t.failed.map((o) =>
    o.result === 'failed'
      ? vscode.l10n.t('"{0}": {1}', o.key.name || o.key.id, o.error)
      : o.result === 'notApplied'
        ? vscode.l10n.t('"{0}": not applied, read back its status is still "{1}".', o.key.name || o.key.id, o.status)
        : '',
  );
  const extra = [
    ...(t.cancelled ? [vscode.l10n.t('{0} not sent (cancelled).', t.cancelled)] : []),
    ...(plan.already.length ? [alreadyText(plan)] : []),
    ...(plan.missing.length ? [vscode.l10n.t('{0} no longer listed, not sent.', plan.missing.length)] : []),
  ];
  const summary = vscode.l10n.t('{0}: {1} of {2} keys done.', bulkVerb(plan.action), t.done, plan.todo.length);
  if (t.failed.length || t.cancelled) {
    void vscode.window.showWarningMessage(
      `${summary} ${vscode.l10n.t('{0} failed.', t.failed.length)}`,
      { modal: false, detail: [...lines, ...extra].join('\n') },
      ...[],
    );
    table.report([summary, ...lines, ...extra]);
  } else {
    table.report([summary, ...extra]);
    vscode.window.setStatusBarMessage([summary, ...extra].join(' '), 8000);
  }
}

function alreadyText(plan: BulkPlan): string {
  return plan.action === 'disable'
    ? vscode.l10n.t('{0} already disabled: {1}', plan.already.length, someNames(plan.already).names)
    : vscode.l10n.t('{0} already enabled: {1}', plan.already.length, someNames(plan.already).names);
}

function nothingToDo(plan: BulkPlan): string {
  return [
    plan.already.length ? alreadyText(plan) : '',
    plan.missing.length ? vscode.l10n.t('{0} no longer listed, not sent.', plan.missing.length) : '',
  ]
    .filter(Boolean)
    .join(' ');
}

function question(plan: BulkPlan, label: string): string {
  const n = plan.todo.length;
  switch (plan.action) {
    case 'delete':
      return vscode.l10n.t('Delete {0} keys from {1}?', n, label);
    case 'disable':
      return vscode.l10n.t('Disable {0} keys of {1}?', n, label);
    case 'enable':
      return vscode.l10n.t('Enable {0} keys of {1}?', n, label);
  }
}

function detail(plan: BulkPlan): string {
  const { names, more } = someNames(plan.todo);
  const parts = [more ? vscode.l10n.t('{0} and {1} more.', names, more) : names];
  if (plan.action === 'delete')
    parts.push(vscode.l10n.t('Every application using these keys stops working at once. This cannot be undone.'));
  if (plan.action === 'disable') parts.push(vscode.l10n.t('Every application using these keys stops working.'));
  for (const { key, involved } of plan.rotations) {
    const name = key.name || key.id;
    for (const r of involved.asReplacement)
      parts.push(
        vscode.l10n.t(
          '"{0}" is the replacement in a pending rotation: "{1}" was to be disabled once it took over. That is cancelled, so "{1}" stays enabled.',
          name,
          r.oldKeyName ?? r.oldKeyId,
        ),
      );
    if (involved.asOld.length) parts.push(vscode.l10n.t('"{0}" has a pending rotation reminder: it is removed.', name));
  }
  if (plan.already.length) parts.push(alreadyText(plan));
  if (plan.missing.length) parts.push(vscode.l10n.t('{0} no longer listed, not sent.', plan.missing.length));
  return parts.join('\n\n');
}

function progressTitle(plan: BulkPlan, label: string): string {
  switch (plan.action) {
    case 'delete':
      return vscode.l10n.t('Deleting {0} keys of {1}', plan.todo.length, label);
    case 'disable':
      return vscode.l10n.t('Disabling {0} keys of {1}', plan.todo.length, label);
    case 'enable':
      return vscode.l10n.t('Enabling {0} keys of {1}', plan.todo.length, label);
  }
}

function bulkVerb(action: BulkAction): string {
  switch (action) {
    case 'delete':
      return vscode.l10n.t('Delete Keys');
    case 'disable':
      return vscode.l10n.t('Disable Keys');
    case 'enable':
      return vscode.l10n.t('Enable Keys');
  }
}
