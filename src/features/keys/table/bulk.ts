/**
 * A bulk action on the keys selected in the table, as a plan (pure, unit-tested in test/unit/keys-table.test.ts):
 * which keys it will change, which already are as asked (said, never silently skipped), which are no longer known
 * (said too), and which take part in a pending client-side rotation (named in the one confirmation).
 */
import type { ApiKey } from '../../../core/types';
import type { BulkAction } from '../../../webview/keysTableProtocol';
import type { PendingRotation } from '../flows/rotations';

export interface RotationInvolvement {
  readonly asReplacement: readonly PendingRotation[];
  readonly asOld: readonly PendingRotation[];
}

export interface BulkPlan {
  readonly action: BulkAction;
  /** The keys the action will be sent for, in the order selected. */
  readonly todo: readonly ApiKey[];
  /** Already in the state asked for (disable a disabled key, enable an active one): nothing is sent. */
  readonly already: readonly ApiKey[];
  /** Ids selected that are no longer among the keys read (deleted elsewhere, the list re-read). */
  readonly missing: readonly string[];
  /** The keys of `todo` that take part in a pending rotation, with how. */
  readonly rotations: ReadonlyArray<{ readonly key: ApiKey; readonly involved: RotationInvolvement }>;
}

export function planBulk(
  action: BulkAction,
  ids: readonly string[],
  known: ReadonlyMap<string, ApiKey>,
  involving: (key: ApiKey) => RotationInvolvement | undefined,
): BulkPlan {
  const todo: ApiKey[] = [];
  const already: ApiKey[] = [];
  const missing: string[] = [];
  const rotations: Array<{ key: ApiKey; involved: RotationInvolvement }> = [];
  for (const id of new Set(ids)) {
    const key = known.get(id);
    if (!key) {
      missing.push(id);
      continue;
    }
    if ((action === 'disable' && key.status === 'disabled') || (action === 'enable' && key.status === 'active')) {
      already.push(key);
      continue;
    }
    todo.push(key);
    const involved = involving(key);
    // enabling takes nothing away from a rotation; disabling or deleting its replacement or its old key does
    if (action !== 'enable' && involved && (involved.asReplacement.length > 0 || involved.asOld.length > 0))
      rotations.push({ key, involved });
  }
  return { action, todo, already, missing, rotations };
}

/** What happened to one key of a bulk action. */
export type BulkOutcome =
  | { readonly key: ApiKey; readonly result: 'done' }
  /** The gateway answered, but a re-read shows the key as it was. */
  | { readonly key: ApiKey; readonly result: 'notApplied'; readonly status: string }
  | { readonly key: ApiKey; readonly result: 'failed'; readonly error: string }
  /** Not sent: the user cancelled before its turn. */
  | { readonly key: ApiKey; readonly result: 'cancelled' };

export function tally(outcomes: readonly BulkOutcome[]): {
  done: number;
  failed: BulkOutcome[];
  cancelled: number;
} {
  return {
    done: outcomes.filter((o) => o.result === 'done').length,
    failed: outcomes.filter((o) => o.result === 'failed' || o.result === 'notApplied'),
    cancelled: outcomes.filter((o) => o.result === 'cancelled').length,
  };
}

/** Up to `max` names quoted and joined, then how many more ("…and 7 more" is the caller's words). */
export function someNames(keys: readonly ApiKey[], max = 10): { names: string; more: number } {
  const shown = keys.slice(0, max).map((k) => `"${k.name || k.id}"`);
  return { names: shown.join(', '), more: Math.max(0, keys.length - max) };
}
