/**
 * The steps the connection commands ask, each through the Prompter (the real quick input, or a scripted one in the
 * integration tests): which gateway, its base URL (plain http:// to another machine only after a confirmation), a
 * name, the token (a password box), how the token is sent. The words for a kind come from its description, never
 * from its name. Each step returns its value, or undefined when the user walked away.
 */
import * as vscode from 'vscode';
import type { GatewayKind } from '../../core/types';
import { describeKind, GATEWAY_KINDS, type ManagementToken } from '../../gateway';
import { describeBaseUrlProblem, describeLabelProblem } from '../../platform/connectionErrors';
import { checkLabel } from '../../platform/profiles';
import type { Prompter } from '../../platform/prompter';
import { checkBaseUrl } from '../../platform/urls';

/** Where a step sits in its flow: "Add Gateway Connection (2/4)". */
export interface StepPlace {
  readonly title: string;
  readonly step?: number;
  readonly totalSteps?: number;
}

const place = (p: StepPlace) => ({
  title: p.title,
  ...(p.step !== undefined ? { step: p.step } : {}),
  ...(p.totalSteps !== undefined ? { totalSteps: p.totalSteps } : {}),
  canGoBack: false,
});

function tokenTexts(token: ManagementToken): { readonly detail: string; readonly prompt: string } {
  switch (token) {
    case 'admin-token':
      return {
        detail: vscode.l10n.t('Uses the admin token of your AIone API account.'),
        prompt: vscode.l10n.t("AIone admin token (stored only in VS Code's secret storage)"),
      };
    case 'system-access-token':
      return {
        detail: vscode.l10n.t(
          'Uses the system access token (AIHubMix Settings → Generate System Access Token), not an sk- API key.',
        ),
        prompt: vscode.l10n.t("AIHubMix system access token (stored only in VS Code's secret storage)"),
      };
  }
}

/** A connection name: visible text, no control or text-direction characters, at most 100 characters. */
export function labelProblem(value: string): string | undefined {
  const p = checkLabel(value);
  return p ? describeLabelProblem(p) : undefined;
}

export async function askKind(ui: Prompter, at: StepPlace): Promise<GatewayKind | undefined> {
  const r = await ui.pick({
    id: 'kind',
    ...place(at),
    placeholder: vscode.l10n.t('Which gateway?'),
    canPickMany: false,
    items: GATEWAY_KINDS.map((kind) => {
      const d = describeKind(kind);
      return { id: kind, label: d.label, description: d.defaultBaseUrl, detail: tokenTexts(d.managementToken).detail };
    }),
  });
  const kind = r.kind === 'value' ? r.value[0] : undefined;
  return GATEWAY_KINDS.find((k) => k === kind);
}

/**
 * A base URL, normalised; plain http:// to another machine only once the user confirmed it (else the step is asked
 * again). `optional`: an empty answer is allowed and returned as ''.
 */
export async function askBaseUrl(
  ui: Prompter,
  at: StepPlace,
  opts: { readonly id: string; readonly prompt: string; readonly value: string; readonly optional?: boolean },
): Promise<{ url: string; insecure: boolean } | undefined> {
  let value = opts.value;
  for (;;) {
    const r = await ui.input({
      id: opts.id,
      ...place(at),
      prompt: opts.prompt,
      value,
      validate: (v) => {
        if (opts.optional && !v.trim()) return undefined;
        const c = checkBaseUrl(v, true);
        return c.ok ? undefined : describeBaseUrlProblem(c.problem, v.trim());
      },
      warn: (v) => {
        const c = checkBaseUrl(v, true);
        return c.ok && c.insecure
          ? vscode.l10n.t('Plain http:// to another machine sends the token unencrypted.')
          : undefined;
      },
    });
    if (r.kind !== 'value') return undefined;
    if (opts.optional && !r.value.trim()) return { url: '', insecure: false };
    const check = checkBaseUrl(r.value, true);
    if (!check.ok) return undefined;
    if (check.insecure) {
      const useHttp = vscode.l10n.t('Use Plain HTTP');
      const confirm = await ui.confirm(
        vscode.l10n.t(
          '{0} is not encrypted and is not on this machine: the admin token would be readable on the network. Use it anyway?',
          check.url,
        ),
        undefined,
        [useHttp],
      );
      if (confirm !== useHttp) {
        value = r.value;
        continue;
      }
    }
    return { url: check.url, insecure: check.insecure };
  }
}

export async function askLabel(ui: Prompter, at: StepPlace, value: string): Promise<string | undefined> {
  const r = await ui.input({
    id: 'label',
    ...place(at),
    prompt: vscode.l10n.t('A name for this connection'),
    value,
    validate: labelProblem,
  });
  return r.kind === 'value' ? r.value.trim() : undefined;
}

/** The management token of a kind of gateway, in a password box; a model key where the management token belongs is warned about. */
export async function askToken(ui: Prompter, at: StepPlace, kind: GatewayKind): Promise<string | undefined> {
  const d = describeKind(kind);
  const r = await ui.input({
    id: 'token',
    ...place(at),
    prompt: tokenTexts(d.managementToken).prompt,
    value: '',
    password: true,
    validate: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter the token.')),
    warn: (v) =>
      d.modelKeyPrefix && v.trim().startsWith(d.modelKeyPrefix)
        ? vscode.l10n.t('This looks like a model API key (sk-…). Management needs the system access token.')
        : undefined,
  });
  return r.kind === 'value' ? r.value : undefined;
}

/** A token for a saved connection whose token is missing or was refused (Test Connection). */
export async function askAnyToken(ui: Prompter, label: string): Promise<string | undefined> {
  const r = await ui.input({
    id: 'token',
    ...place({ title: vscode.l10n.t('Token for {0}', label) }),
    prompt: vscode.l10n.t("Stored only in VS Code's secret storage"),
    value: '',
    password: true,
    validate: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter the token.')),
  });
  return r.kind === 'value' ? r.value : undefined;
}

/** How the token is sent (for the kinds that offer the raw form); the current choice first. */
export async function askAuthHeader(ui: Prompter, at: StepPlace, raw: boolean): Promise<boolean | undefined> {
  const bearer = {
    id: 'bearer',
    label: vscode.l10n.t('Authorization: Bearer <token>'),
    description: vscode.l10n.t('the usual form'),
  };
  const rawItem = {
    id: 'raw',
    label: vscode.l10n.t('Authorization: <token>'),
    description: vscode.l10n.t('the raw token, for gateways that reject "Bearer"'),
  };
  const r = await ui.pick({
    id: 'authHeader',
    ...place(at),
    placeholder: vscode.l10n.t('How is the token sent?'),
    canPickMany: false,
    items: raw ? [{ ...rawItem, picked: true }, bearer] : [{ ...bearer, picked: true }, rawItem],
  });
  return r.kind === 'value' ? r.value[0] === 'raw' : undefined;
}
