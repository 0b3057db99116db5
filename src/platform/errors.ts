/**
 * One clear, localised sentence for any failure: which gateway, what failed, what to do.
 * Everything is passed through redact() (a token must never reach a message).
 */
import * as vscode from 'vscode';
import { redact } from '../core/redact';
import { isGatewayError, type GatewayError } from '../gateway/errors';

function advice(e: GatewayError): string {
  switch (e.kind) {
    case 'auth': return vscode.l10n.t('The gateway rejected the token. Check it, or create a new admin token in the gateway\'s console.');
    case 'forbidden': return vscode.l10n.t('The token is valid but not allowed to do this.');
    case 'not-found': return vscode.l10n.t('Not found: check the base URL.');
    case 'validation': return e.fieldErrors.length
      ? vscode.l10n.t('The gateway refused the request: {0}', e.fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; '))
      : vscode.l10n.t('The gateway refused the request.');
    case 'conflict': return vscode.l10n.t('The gateway reported a conflict; refresh and try again.');
    case 'rate-limited': return e.retryAfterMs !== undefined
      ? vscode.l10n.t('Too many requests; try again in {0} s.', Math.ceil(e.retryAfterMs / 1000))
      : vscode.l10n.t('Too many requests; try again shortly.');
    case 'server': return vscode.l10n.t('The gateway had an internal error; try again later.');
    case 'network': return vscode.l10n.t('Could not reach the gateway: check the base URL, the network and the proxy setting (http.proxy).');
    case 'timeout': return vscode.l10n.t('The gateway did not answer in time: check the network, or raise the aiGateway.network timeouts.');
    case 'aborted': return vscode.l10n.t('Cancelled.');
    case 'bad-response': return vscode.l10n.t('The answer was not in the expected format: check that the base URL points to the right kind of gateway.');
    default: return '';
  }
}

export function userMessage(e: unknown): string {
  if (isGatewayError(e)) {
    const what = e.operation
      ? vscode.l10n.t('{0}: {1} failed ({2}).', e.gateway ?? vscode.l10n.t('Gateway'), e.operation, e.message)
      : vscode.l10n.t('{0}: {1}', e.gateway ?? vscode.l10n.t('Gateway'), e.message);
    return redact(`${what} ${advice(e)}`);
  }
  if (e instanceof Error) return redact(e.message);
  return redact(String(e));
}

/** The error's kind when it is a gateway error (e.g. 'auth'), else undefined. */
export function gatewayErrorKind(e: unknown): GatewayError['kind'] | undefined {
  return isGatewayError(e) ? e.kind : undefined;
}
