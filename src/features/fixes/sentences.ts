/** The sentence of each fixable problem (localised; the request id is added by the caller). */
import * as vscode from 'vscode';
import type { GatewayProblem } from '../../gateway/errors';
import { retryMoment } from '../../platform/errors';

export interface SentenceFacts {
  readonly gateway: string;
  /** The key that paid, as the user knows it ("ci-bot (sk-…abcd)"). */
  readonly keyLabel?: string;
  /** The model asked for. */
  readonly model?: string;
  /** The balance, formatted by the one money formatter, when it could be read. */
  readonly balance?: string;
  /** For an upstream problem: the model offered instead. */
  readonly alternative?: string;
}

function retryText(ms: number | undefined): string {
  if (ms === undefined) return vscode.l10n.t('Try again in a minute.');
  const when = retryMoment(ms);
  return 'seconds' in when
    ? vscode.l10n.t('Try again in {0} s.', when.seconds)
    : vscode.l10n.t('Try again at {0}.', when.at);
}

export function problemSentence(p: GatewayProblem, f: SentenceFacts): string {
  const key = f.keyLabel ?? vscode.l10n.t('this key');
  switch (p.kind) {
    case 'model-not-allowed': {
      const model = p.model ?? f.model ?? vscode.l10n.t('this model');
      return vscode.l10n.t('{0}: the key {1} is not allowed to use {2}.', f.gateway, key, model);
    }
    case 'ip-not-allowed':
      return p.ip
        ? vscode.l10n.t(
            "{0}: the key {1} may only be used from its allowed IPs, and this machine's address ({2}) is not one of them.",
            f.gateway,
            key,
            p.ip,
          )
        : vscode.l10n.t(
            "{0}: the key {1} may only be used from its allowed IPs, and this machine's address is not one of them.",
            f.gateway,
            key,
          );
    case 'rate-limit': {
      const retry = retryText(p.retryAfterMs);
      const limit =
        p.limit === undefined
          ? undefined
          : p.metric === 'tpm'
            ? vscode.l10n.t('{0} tokens per minute', p.limit)
            : vscode.l10n.t('{0} requests per minute', p.limit);
      if (p.scope === 'group')
        return limit
          ? vscode.l10n.t(
              '{0}: the gateway is limiting requests for your account or group ({1}); this limit is not a setting of the key. {2}',
              f.gateway,
              limit,
              retry,
            )
          : vscode.l10n.t(
              '{0}: the gateway is limiting requests for your account or group (too many requests, or a busy upstream); this limit is not a setting of the key. {1}',
              f.gateway,
              retry,
            );
      const which = p.metric === 'tpm' ? vscode.l10n.t('tokens-per-minute') : vscode.l10n.t('requests-per-minute');
      return limit
        ? vscode.l10n.t('{0}: the key {1} reached its limit of {2}. {3}', f.gateway, key, limit, retry)
        : vscode.l10n.t('{0}: the key {1} reached its {2} limit. {3}', f.gateway, key, which, retry);
    }
    case 'balance':
      if (p.scope === 'key') return vscode.l10n.t('{0}: the key {1} has used up its quota.', f.gateway, key);
      return f.balance
        ? vscode.l10n.t('{0}: the account balance is used up (balance {1}).', f.gateway, f.balance)
        : vscode.l10n.t('{0}: the account balance is used up.', f.gateway);
    case 'upstream': {
      const model = p.model ?? f.model ?? vscode.l10n.t('this model');
      return f.alternative
        ? vscode.l10n.t(
            '{0}: the provider behind {1} is unavailable right now. {2} is available instead.',
            f.gateway,
            model,
            f.alternative,
          )
        : vscode.l10n.t('{0}: the provider behind {1} is unavailable right now; try again later.', f.gateway, model);
    }
  }
}
