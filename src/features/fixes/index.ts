/**
 * Errors that say how to fix them: a failed call becomes one sentence (with the gateway's request id) and the
 * actions that fix it — allow the model on the key, add this machine's IP, raise the key's limit or quota (each
 * opens the key's edit flow at that step, with the change made and nothing else touched), top up, try a healthy
 * alternative model, copy the request id. The chat panel shows them as buttons; VS Code's chat gets the sentence
 * (and one notification per kind of problem).
 */
import * as vscode from 'vscode';
import { formatMoney } from '../../core/format';
import { isGatewayError, type GatewayProblem } from '../../gateway/errors';
import { classifyProblem } from '../../gateway/problems';
import { readBalance } from '../../platform/balances';
import type { ConnectionStore } from '../../platform/connections';
import {
  requestIdNote,
  userMessage,
  type Diagnosis,
  type ErrorFixer,
  type FailureContext,
  type FixButton,
  type FixId,
  type FixOutcome,
} from '../../platform/errors';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import type { ModelCatalog } from '../../platform/modelCatalog';
import type { PromptService } from '../../platform/vscodePrompter';
import type { ProxySettings } from '../../gateway/proxy';
import { chooseAlternative } from './alternative';
import { lookupPublicIp } from './publicIp';
import { keyOfSecret } from './keyOfSecret';
import { problemSentence } from './sentences';
import { topUpUrl } from './topUp';

/** The key form's steps a fix opens at. */
export type FixStep = 'modelsAllowed' | 'allowedIps' | 'rpmLimit' | 'tpmLimit' | 'quotaUsd';

/** Opens a key's edit flow at a step, with models or IPs already added to the answers (every other field as read). */
export type EditKeyAt = (
  ref: { readonly connectionId: string; readonly keyId: string },
  entry: { readonly at: FixStep; readonly addModels?: readonly string[]; readonly addIps?: readonly string[] },
) => Promise<{ readonly kind: string }>;

export interface FixesDeps {
  readonly store: ConnectionStore;
  readonly catalog: ModelCatalog;
  readonly log: Logger;
  readonly prompts: PromptService;
  readonly editKeyAt: EditKeyAt;
  /** The proxy settings in force (VS Code's http.proxy… and the environment), read when the public IP is asked. */
  readonly proxy?: () => ProxySettings | undefined;
}

/** A model whose upstream failed is not offered as an alternative for this long. */
const UNHEALTHY_MS = 10 * 60_000;
/** The setting naming the service asked for this machine's public IP (only when the user clicks, after saying so). */
const IP_SERVICE_SETTING = 'fixes.publicIpService';

export class FixesFeature extends Disposable implements ErrorFixer {
  /** connectionId → model → when its upstream last failed. */
  private readonly failures = new Map<string, Map<string, number>>();
  /** Opens a URL (the test API records instead). */
  opener: (uri: vscode.Uri) => Thenable<boolean> = (uri) => vscode.env.openExternal(uri);
  /** What was opened and copied (tests). */
  readonly record: { opened: string[]; copied: string[] } = { opened: [], copied: [] };

  constructor(private readonly deps: FixesDeps) {
    super();
  }

  private unhealthy(connectionId: string): Set<string> {
    const now = Date.now();
    const m = this.failures.get(connectionId);
    return new Set([...(m ?? [])].filter(([, at]) => now - at < UNHEALTHY_MS).map(([id]) => id));
  }

  async diagnose(e: unknown, ctx: FailureContext): Promise<Diagnosis> {
    const profile = this.deps.store.get(ctx.connectionId);
    const requestId = isGatewayError(e) ? e.requestId : undefined;
    const problem = profile ? classifyProblem(e, profile.kind, ctx.model) : undefined;
    const copy: FixButton[] = requestId ? [{ id: 'copy-request-id', label: vscode.l10n.t('Copy request id') }] : [];
    if (!profile || !problem) return { sentence: userMessage(e), ...(requestId ? { requestId } : {}), fixes: copy };

    const gateway = this.deps.store.gateway(profile.id);
    const caps = gateway.capabilities;
    const editable = (f: FixStep): boolean => (caps.editableFields as readonly string[]).includes(f);
    const keyLabel = this.deps.store.secrets.chatKeyLabel(profile.id);
    const keyName = keyLabel ?? vscode.l10n.t('the key');
    const fixes: FixButton[] = [];
    let balance: string | undefined;
    let alternative: string | undefined;
    switch (problem.kind) {
      case 'model-not-allowed':
        if (editable('modelsAllowed'))
          fixes.push({
            id: 'allow-model',
            label: vscode.l10n.t('Allow {0} on {1}', problem.model ?? ctx.model ?? '', keyName),
          });
        break;
      case 'ip-not-allowed':
        if (editable('allowedIps')) fixes.push({ id: 'add-ip', label: vscode.l10n.t("Add this machine's IP") });
        break;
      case 'rate-limit':
        if (
          problem.scope !== 'group' &&
          caps.rpmTpmLimits &&
          editable(problem.metric === 'tpm' ? 'tpmLimit' : 'rpmLimit')
        )
          fixes.push({ id: 'raise-limit', label: vscode.l10n.t('Raise the limit') });
        break;
      case 'balance':
        if (problem.scope === 'key') {
          if (caps.keyQuota && editable('quotaUsd'))
            fixes.push({ id: 'raise-quota', label: vscode.l10n.t("Raise the key's quota") });
        } else {
          balance = await this.balanceText(profile.id);
          fixes.push({ id: 'top-up', label: vscode.l10n.t('Top up') });
        }
        break;
      case 'upstream': {
        const failing = problem.model ?? ctx.model;
        if (failing) {
          let m = this.failures.get(profile.id);
          if (!m) this.failures.set(profile.id, (m = new Map<string, number>()));
          m.set(failing, Date.now());
          const models = await this.deps.catalog.get(profile.id).catch(() => []);
          alternative = chooseAlternative(models, failing, { unhealthy: this.unhealthy(profile.id) })?.id;
          if (alternative && ctx.surface === 'chat')
            fixes.push({ id: 'try-model', label: vscode.l10n.t('Try {0}', alternative) });
        }
        break;
      }
    }
    const text = problemSentence(problem, {
      gateway: profile.label,
      ...(keyLabel ? { keyLabel } : {}),
      ...(ctx.model ? { model: ctx.model } : {}),
      ...(balance ? { balance } : {}),
      ...(alternative ? { alternative } : {}),
    });
    // the gateway's own words stay (support and search find them), without the request id it carries: said once
    const said = isGatewayError(e) ? gatewayWords(e.message) : '';
    const note = requestIdNote(e, text);
    return {
      sentence: [text, said ? vscode.l10n.t('(The gateway said: {0})', said) : '', note].filter(Boolean).join(' '),
      problem,
      fixes: [...fixes, ...copy],
      ...(requestId ? { requestId } : {}),
      ...(alternative ? { alternative } : {}),
    };
  }

  private async balanceText(connectionId: string): Promise<string | undefined> {
    try {
      const m = await readBalance(this.deps.store.gateway(connectionId), { signal: AbortSignal.timeout(5000) });
      return m ? formatMoney(m, vscode.env.language, 'balance') : undefined;
    } catch (e) {
      this.deps.log.debug(`reading the balance for an error message failed: ${userMessage(e)}`);
      return undefined;
    }
  }

  async run(d: Diagnosis, fix: FixId, ctx: FailureContext): Promise<FixOutcome> {
    if (!d.fixes.some((f) => f.id === fix)) return { kind: 'cancelled' };
    const ui = this.deps.prompts.ui;
    const profile = this.deps.store.require(ctx.connectionId);
    switch (fix) {
      case 'copy-request-id':
        if (!d.requestId) return { kind: 'cancelled' };
        await vscode.env.clipboard.writeText(d.requestId);
        this.record.copied.push(d.requestId);
        ui.info(vscode.l10n.t('Request id {0} copied.', d.requestId));
        return { kind: 'done' };
      case 'top-up': {
        const url = topUpUrl(profile.kind, profile.baseUrl);
        this.record.opened.push(url);
        await this.opener(vscode.Uri.parse(url, true));
        return { kind: 'done' };
      }
      case 'try-model':
        return d.alternative ? { kind: 'use-model', model: d.alternative } : { kind: 'cancelled' };
      default:
        return this.editKey(d.problem, fix, ctx);
    }
  }

  /** The fixes that edit the key that paid: find it among the connection's keys, then open its edit at the step. */
  private async editKey(problem: GatewayProblem | undefined, fix: FixId, ctx: FailureContext): Promise<FixOutcome> {
    const ui = this.deps.prompts.ui;
    const profile = this.deps.store.require(ctx.connectionId);
    let addIps: string[] | undefined;
    if (fix === 'add-ip') {
      const ip = problem?.kind === 'ip-not-allowed' && problem.ip ? problem.ip : await this.askPublicIp();
      if (!ip) return { kind: 'cancelled' };
      addIps = [ip];
    }
    const secret = await this.deps.store.secrets.get('chatKey', profile.id);
    const gateway = this.deps.store.gateway(profile.id);
    const key = secret
      ? await ui.progress(vscode.l10n.t('Finding the key on {0}…', profile.label), 'notification', (signal) =>
          keyOfSecret(gateway, secret, signal),
        )
      : undefined;
    if (!key) {
      // the key that paid was deleted (or rotated) since: said, nothing changed
      void ui.error(
        secret
          ? vscode.l10n.t(
              'The key that made this request is no longer among the keys of {0} (deleted or rotated): nothing was changed.',
              profile.label,
            )
          : vscode.l10n.t(
              'Could not tell which key of {0} made this request; edit the key from the Keys view instead.',
              profile.label,
            ),
      );
      return { kind: 'cancelled' };
    }
    const model = problem?.kind === 'model-not-allowed' ? (problem.model ?? ctx.model) : undefined;
    const at: FixStep =
      fix === 'allow-model'
        ? 'modelsAllowed'
        : fix === 'add-ip'
          ? 'allowedIps'
          : fix === 'raise-quota'
            ? 'quotaUsd'
            : problem?.kind === 'rate-limit' && problem.metric === 'tpm'
              ? 'tpmLimit'
              : 'rpmLimit';
    const r = await this.deps.editKeyAt(
      { connectionId: profile.id, keyId: key.id },
      { at, ...(model ? { addModels: [model] } : {}), ...(addIps ? { addIps } : {}) },
    );
    return r.kind === 'done' ? { kind: 'done' } : { kind: 'cancelled' };
  }

  /** This machine's public IP from the configured service, after the user agreed to ask it; undefined otherwise. */
  private async askPublicIp(): Promise<string | undefined> {
    const ui = this.deps.prompts.ui;
    const url =
      vscode.workspace.getConfiguration('aiGateway').get<string>(IP_SERVICE_SETTING) ?? 'https://api.ipify.org';
    let host: string;
    try {
      const u = new URL(url);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('not http(s)');
      host = u.host;
    } catch {
      void ui.error(vscode.l10n.t('The setting aiGateway.fixes.publicIpService is not an http(s) URL.'));
      return undefined;
    }
    const ask = vscode.l10n.t('Ask {0}', host);
    const pick = await ui.confirm(
      vscode.l10n.t("The gateway did not say which address it saw. Ask {0} for this machine's public IP?", host),
      vscode.l10n.t(
        'One request to {0}; it sees this machine’s address, nothing else is sent. The service is set by aiGateway.fixes.publicIpService.',
        url,
      ),
      [ask],
    );
    if (pick !== ask) return undefined;
    try {
      // through the proxy the gateways are reached through: behind it, that is the address they see
      const proxy = this.deps.proxy?.();
      return await lookupPublicIp(url, proxy ? { proxy } : {});
    } catch (e) {
      void ui.error(
        vscode.l10n.t('{0} did not tell this machine’s IP ({1}).', host, e instanceof Error ? e.message : String(e)),
      );
      return undefined;
    }
  }

  /** The fixes VS Code's chat cannot show as buttons: offered once per kind of problem and connection in a notification. */
  private readonly notified = new Set<string>();

  offer(d: Diagnosis, ctx: FailureContext): void {
    const actionable = d.fixes.filter((f) => f.id !== 'try-model');
    if (!d.problem || !actionable.some((f) => f.id !== 'copy-request-id')) return;
    const once = `${ctx.connectionId}:${d.problem.kind}`;
    if (this.notified.has(once)) return;
    this.notified.add(once);
    this.offered.push(d.sentence);
    void this.deps.prompts.ui
      .error(
        d.sentence,
        actionable.map((f) => f.label),
      )
      .then(async (pick) => {
        const fix = actionable.find((f) => f.label === pick);
        if (fix) await this.run(d, fix.id, ctx);
      })
      .catch((e: unknown) => this.deps.log.warn('a fix offered in a notification failed', e));
  }

  /** Sentences offered in a notification (tests). */
  readonly offered: string[] = [];
}

/** A gateway's message as one short line, without the request id one-api appends to it. */
function gatewayWords(message: string): string {
  const m = message
    .replace(/\s*[(（]\s*request[ _-]?id\s*[:：][^)）]*[)）]/gi, '')
    .replace(/\s+/g, ' ')
    .trim();
  return m.length > 200 ? `${m.slice(0, 199)}…` : m;
}
