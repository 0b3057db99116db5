/**
 * "Set Budget…": picks a connection (unless given a connection or key node), then one limit of the connection or
 * the key — monthly budget, balance floor, daily cap, thresholds — or removes them all, and writes that entry of
 * `aiGateway.budgets.limits` back with every other field kept as the user wrote it. Also the parsing of the
 * command's argument and of what the user types.
 */
import * as vscode from 'vscode';
import { formatMoney } from '../../core/format';
import { money } from '../../core/money';
import type { ConnectionStore } from '../../platform/connections';
import type { PromptService } from '../../platform/vscodePrompter';
import { rawBudgetLimits, writeBudgetLimits } from './budgetConfig';
import { type BudgetSettings, withLimits } from './settings';

export interface SetBudgetDeps {
  readonly store: ConnectionStore;
  readonly prompts: PromptService;
  readonly locale: () => string;
  /** The parsed budget settings (current values and default thresholds). */
  readonly settings: () => BudgetSettings;
}

/** "Set Budget…": one limit of a connection or a key, written to aiGateway.budgets.limits. */
export async function setBudget(deps: SetBudgetDeps, arg: unknown): Promise<void> {
  const ref = parseBudgetRef(arg);
  let connectionId = ref?.connectionId;
  if (!connectionId) {
    const all = deps.store.list();
    if (all.length === 0) {
      deps.prompts.ui.info(vscode.l10n.t('No gateway connected yet.'));
      return;
    }
    const r = await deps.prompts.ui.pick({
      id: 'budget.connection',
      title: vscode.l10n.t('Set Budget'),
      canGoBack: false,
      placeholder: vscode.l10n.t('Which connection?'),
      items: all.map((p) => ({ id: p.id, label: p.label, detail: p.baseUrl })),
      canPickMany: false,
    });
    if (r.kind !== 'value') return;
    connectionId = r.value[0];
  }
  if (!connectionId) return;
  const profile = deps.store.require(connectionId);
  const keyId = ref?.keyId;
  const keyName = ref?.keyName ?? keyId;
  const s = deps.settings();
  const current = keyId ? s.limits[connectionId]?.keys[keyId] : s.limits[connectionId];
  const currency = deps.store.gateway(connectionId).capabilities.currency;
  const locale = deps.locale();
  const amount = (v: string | undefined) =>
    v === undefined ? vscode.l10n.t('not set') : formatMoney(money(v, currency), locale, 'amount');
  const title = keyId
    ? vscode.l10n.t('Set budget of key "{0}" on {1}', keyName ?? keyId, profile.label)
    : vscode.l10n.t('Set budget of {0}', profile.label);
  const floorNow = keyId ? undefined : (current as { balanceFloor?: string } | undefined)?.balanceFloor;
  const items = [
    { id: 'monthlyBudget', label: vscode.l10n.t('Monthly budget'), description: amount(current?.monthlyBudget) },
    ...(keyId ? [] : [{ id: 'balanceFloor', label: vscode.l10n.t('Balance floor'), description: amount(floorNow) }]),
    { id: 'dailyCap', label: vscode.l10n.t('Daily spend cap'), description: amount(current?.dailyCap) },
    {
      id: 'thresholds',
      label: vscode.l10n.t('Thresholds (% of budget)'),
      description: (current?.thresholds ?? s.thresholds).join(', '),
    },
    { id: 'clear', label: vscode.l10n.t('Remove all limits') },
  ];
  const picked = await deps.prompts.ui.pick({
    id: 'budget.field',
    title,
    canGoBack: false,
    placeholder: vscode.l10n.t('Which limit?'),
    items,
    canPickMany: false,
  });
  if (picked.kind !== 'value') return;
  const field = picked.value[0];
  const raw = rawBudgetLimits();
  const existing = rawEntry(raw, connectionId, keyId);
  let next: Record<string, unknown>;
  if (field === 'clear') {
    next = {};
  } else if (field === 'thresholds') {
    const r = await deps.prompts.ui.input({
      id: 'budget.value',
      title,
      canGoBack: false,
      prompt: vscode.l10n.t(
        'Percent thresholds, separated by commas (empty: the default {0})',
        s.thresholds.join(', '),
      ),
      value: (current?.thresholds ?? s.thresholds).join(', '),
      validate: (v) =>
        v.trim() === '' || parseThresholdList(v)
          ? undefined
          : vscode.l10n.t('Enter percents above 0, e.g. 50, 80, 95, 100.'),
    });
    if (r.kind !== 'value') return;
    const list = r.value.trim() === '' ? undefined : parseThresholdList(r.value);
    next = { ...existing, thresholds: list };
  } else if (field === 'monthlyBudget' || field === 'balanceFloor' || field === 'dailyCap') {
    const now = field === 'balanceFloor' ? floorNow : current?.[field];
    const r = await deps.prompts.ui.input({
      id: 'budget.value',
      title,
      canGoBack: false,
      prompt: vscode.l10n.t('Amount in {0} (empty: no limit)', currency),
      value: now ?? '',
      validate: (v) =>
        v.trim() === '' || AMOUNT.test(v.trim()) ? undefined : vscode.l10n.t('Enter an amount such as 100 or 12.50.'),
    });
    if (r.kind !== 'value') return;
    next = { ...existing, [field]: r.value.trim() === '' ? undefined : r.value.trim() };
  } else {
    return;
  }
  await writeBudgetLimits(withLimits(raw, connectionId, keyId, next));
}

const AMOUNT = /^\d+(\.\d+)?$/;

function parseThresholdList(v: string): number[] | undefined {
  const parts = v.split(/[,，\s]+/).filter((x) => x !== '');
  if (parts.length === 0 || parts.length > 10) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!AMOUNT.test(p)) return undefined;
    const n = Number(p);
    if (!(n > 0 && n <= 1000)) return undefined;
    out.push(n);
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** The fields of one connection's (or key's) entry as written, without `keys`. */
function rawEntry(raw: unknown, connectionId: string, keyId: string | undefined): Record<string, unknown> {
  const obj = (v: unknown): Record<string, unknown> =>
    v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const conn = obj(obj(raw)[connectionId]);
  if (keyId !== undefined) return { ...obj(obj(conn['keys'])[keyId]) };
  const { keys: _keys, ...rest } = conn;
  return rest;
}

/** A connection node, a key node, `{connectionId, keyId?}` or a connection id. */
function parseBudgetRef(arg: unknown): { connectionId: string; keyId?: string; keyName?: string } | undefined {
  if (arg === undefined || arg === null) return undefined;
  const idOk = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(v);
  if (idOk(arg)) return { connectionId: arg };
  if (typeof arg !== 'object') throw badBudgetArgument();
  const o = arg as { connectionId?: unknown; keyId?: unknown; key?: { name?: unknown } };
  if (!idOk(o.connectionId)) throw badBudgetArgument();
  if (o.keyId === undefined) return { connectionId: o.connectionId };
  if (!idOk(o.keyId)) throw badBudgetArgument();
  const name = typeof o.key?.name === 'string' ? o.key.name : undefined;
  return { connectionId: o.connectionId, keyId: o.keyId, ...(name ? { keyName: name } : {}) };
}

function badBudgetArgument(): Error {
  return new Error(
    vscode.l10n.t('This command was given an argument it does not accept; run it from the command palette instead.'),
  );
}
