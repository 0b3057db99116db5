/**
 * The checks around every key write: which fields the gateway has at all at creation, the refusal of a KeyInput that
 * cannot be sent (NaN, Infinity, a negative number, a bad quota or date) before any request, and the read-back after
 * a write that warns about every field the gateway did not apply.
 */
import * as vscode from 'vscode';
import type { ApiKey, KeyInput } from '../../../core/types';
import type { Gateway, GatewayCapabilities } from '../../../gateway/gateway';
import { userMessage } from '../../../platform/errors';
import type { Logger } from '../../../platform/logger';
import type { Prompter } from '../../../platform/prompter';
import type { FieldId } from './draft';
import { describeMismatches, fieldLabel } from './messages';
import { keyInputProblems } from './validate';
import { verifyApplied, type FieldMismatch } from './verify';

/** Whether the gateway has the field at all (at creation). */
export function offered(f: FieldId, caps: GatewayCapabilities): boolean {
  switch (f) {
    case 'rpmLimit':
    case 'tpmLimit':
      return caps.rpmTpmLimits;
    case 'quotaUsd':
      return caps.keyQuota;
    case 'isSandbox':
      return caps.sandboxKeys;
    case 'teamId':
      return caps.teams;
    default:
      return true;
  }
}

/** Throws (nothing sent) when the KeyInput has a value that cannot be saved, naming its fields. */
export function checkKeyInput(input: KeyInput): void {
  const problems = keyInputProblems(input);
  if (problems.length === 0) return;
  throw new Error(
    vscode.l10n.t(
      'Nothing was sent: these values cannot be saved: {0}.',
      problems.map((p) => fieldLabel(p.field)).join(', '),
    ),
  );
}

/** Re-reads the key and warns about every field the gateway did not apply. */
export async function verifyAfterWrite(
  ui: Prompter,
  log: Logger,
  gateway: Gateway,
  keyId: string,
  sent: KeyInput,
  signal?: AbortSignal,
): Promise<{ key?: ApiKey; mismatches: FieldMismatch[] }> {
  try {
    const fresh = await gateway.getKey(keyId, signal ? { signal } : undefined);
    const mismatches = verifyApplied(sent, fresh);
    if (mismatches.length > 0) {
      log.warn(`verify after write: key ${keyId} did not take ${mismatches.map((m) => m.field).join(', ')}`);
      ui.warn(describeMismatches(fresh.name || keyId, mismatches));
    }
    return { key: fresh, mismatches };
  } catch (e) {
    ui.warn(vscode.l10n.t('The key was saved, but reading it back to check it failed: {0}', userMessage(e)));
    return { mismatches: [] };
  }
}
