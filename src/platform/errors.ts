/**
 * One clear, localised sentence for any failure: which gateway, what failed, what to do.
 * Everything is passed through redact() (a token must never reach a message).
 */
import * as vscode from 'vscode';
import { redact } from '../core/redact';
import { isGatewayError, type FixId, type GatewayError, type GatewayProblem } from '../gateway/errors';

/** Up to this wait the sentence says "in N s"; past it, the clock time ("at 14:05"). */
const SAY_SECONDS_UP_TO_MS = 90_000;

/** "in 12 s" or "at 14:05" for the moment the server named, or undefined when it named none. */
function retryWhen(e: GatewayError): { seconds: number } | { at: string } | undefined {
  if (e.retryAfterMs === undefined) return undefined;
  return retryMoment(e.retryAfterMs, e.retryAt);
}

/** A wait as "in 12 s" (up to 90 s) or the clock time it ends ("at 14:05"). */
export function retryMoment(waitMs: number, atMs?: number): { seconds: number } | { at: string } {
  if (waitMs <= SAY_SECONDS_UP_TO_MS) return { seconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  const at = new Date(atMs ?? Date.now() + waitMs);
  let text: string;
  try {
    text = at.toLocaleTimeString(vscode.env.language, { hour: '2-digit', minute: '2-digit' });
  } catch {
    text = at.toLocaleTimeString('en', { hour: '2-digit', minute: '2-digit' });
  }
  return { at: text };
}

function advice(e: GatewayError): string {
  const when = retryWhen(e);
  switch (e.kind) {
    case 'auth':
      return vscode.l10n.t(
        "The gateway rejected the token. Check it, or create a new admin token in the gateway's console.",
      );
    case 'forbidden':
      return vscode.l10n.t('The token is valid but not allowed to do this.');
    case 'not-found':
      return vscode.l10n.t('Not found: check the base URL.');
    case 'validation':
      return e.fieldErrors.length
        ? vscode.l10n.t(
            'The gateway refused the request: {0}',
            e.fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; '),
          )
        : vscode.l10n.t('The gateway refused the request.');
    case 'conflict':
      return vscode.l10n.t('The gateway reported a conflict; refresh and try again.');
    case 'rate-limited':
      return when === undefined
        ? vscode.l10n.t('Too many requests; try again shortly.')
        : 'seconds' in when
          ? vscode.l10n.t('Too many requests; try again in {0} s.', when.seconds)
          : vscode.l10n.t('Too many requests; try again at {0}.', when.at);
    case 'server':
      return when === undefined
        ? vscode.l10n.t('The gateway had an internal error; try again later.')
        : 'seconds' in when
          ? vscode.l10n.t('The gateway is unavailable; try again in {0} s.', when.seconds)
          : vscode.l10n.t('The gateway is unavailable; try again at {0}.', when.at);
    case 'network':
      return vscode.l10n.t(
        'Could not reach the gateway: check the base URL, the network and the proxy setting (http.proxy).',
      );
    case 'proxy':
      return e.code === 'proxy-auth'
        ? vscode.l10n.t(
            'Check the proxy credentials: the user name and password in the proxy URL, or the http.proxyAuthorization setting.',
          )
        : vscode.l10n.t(
            'Check the proxy address (http.proxy, or HTTPS_PROXY / HTTP_PROXY in the environment), its credentials (in the proxy URL or http.proxyAuthorization), and http.noProxy for hosts that should not use it.',
          );
    case 'timeout':
      return vscode.l10n.t(
        'The gateway did not answer in time: check the network, or raise the aiGateway.network timeouts.',
      );
    case 'aborted':
      return vscode.l10n.t('Cancelled.');
    case 'bad-response':
      return e.code === 'too-large'
        ? vscode.l10n.t(
            'The answer was larger than this extension reads; narrow the request (a smaller page or range), or check that the base URL points to the right kind of gateway.',
          )
        : vscode.l10n.t(
            'The answer was not in the expected format: check that the base URL points to the right kind of gateway.',
          );
    default:
      return '';
  }
}

/** "Request id: X." when the gateway gave the failed request an id the message does not show yet (for support). */
export function requestIdNote(e: unknown, shown = ''): string {
  if (!isGatewayError(e) || !e.requestId || shown.includes(e.requestId)) return '';
  return vscode.l10n.t('Request id: {0}.', e.requestId);
}

export function userMessage(e: unknown): string {
  if (isGatewayError(e)) {
    const what = e.operation
      ? vscode.l10n.t('{0}: {1} failed ({2}).', e.gateway ?? vscode.l10n.t('Gateway'), e.operation, e.message)
      : vscode.l10n.t('{0}: {1}', e.gateway ?? vscode.l10n.t('Gateway'), e.message);
    const id = requestIdNote(e, what);
    return redact(`${what} ${advice(e)}${id ? ` ${id}` : ''}`);
  }
  if (e instanceof Error) return redact(e.message);
  return redact(String(e));
}

/** The error's kind when it is a gateway error (e.g. 'auth'), else undefined. */
export function gatewayErrorKind(e: unknown): GatewayError['kind'] | undefined {
  return isGatewayError(e) ? e.kind : undefined;
}

// ==== errors that say how to fix them =========================================================================

export type { FixId } from '../gateway/errors';

export interface FixButton {
  readonly id: FixId;
  readonly label: string;
}

/** A failure explained: the sentence (request id included), and the buttons that fix it. */
export interface Diagnosis {
  readonly sentence: string;
  readonly requestId?: string;
  /** The fixable problem behind it (what each fix works from), or undefined when it is not a fixable one. */
  readonly problem?: GatewayProblem;
  readonly fixes: readonly FixButton[];
  /** For 'try-model': the model offered. */
  readonly alternative?: string;
}

/** Where a failure happened: the connection, the model asked for, the key that paid (its secret stays in the store). */
export interface FailureContext {
  readonly connectionId: string;
  readonly model?: string;
  /** Who asks: the chat panel can run every fix; VS Code's chat only shows the sentence (and a notification). */
  readonly surface: 'chat' | 'lm' | 'connection' | 'keys';
}

/** What running a fix asks of the caller: nothing more, or (try-model) to send the last message with this model. */
export type FixOutcome =
  { readonly kind: 'done' } | { readonly kind: 'cancelled' } | { readonly kind: 'use-model'; readonly model: string };

/** Turns failures into sentences and actions (features/fixes); the chat and VS Code's chat use it through this. */
export interface ErrorFixer {
  diagnose(e: unknown, ctx: FailureContext): Promise<Diagnosis>;
  run(diagnosis: Diagnosis, fix: FixId, ctx: FailureContext): Promise<FixOutcome>;
  /** Where a fix cannot be a button (VS Code's chat): a notification with its actions, once per kind of problem. */
  offer(diagnosis: Diagnosis, ctx: FailureContext): void;
}
