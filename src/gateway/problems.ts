/**
 * What a failed call means for the user, per gateway dialect: one classifier for AIone, one for one-api / new-api
 * (AIHubMix). Each accepts every documented variant of code, type and message; what neither recognises is not
 * a fixable problem (the plain sentence of the error stays).
 */
import type { GatewayKind } from '../core/types';
import { hubmixProblem } from './aihubmix/errors';
import { aioneProblem } from './aione/errors';
import { isGatewayError, type GatewayProblem } from './errors';

export type { GatewayProblem } from './errors';

/** The fixable problem behind `e` on a gateway of this kind; `model` is the model the request asked for. */
export function classifyProblem(e: unknown, kind: GatewayKind, model?: string): GatewayProblem | undefined {
  if (!isGatewayError(e)) return undefined;
  if (e.kind === 'aborted' || e.kind === 'network' || e.kind === 'proxy' || e.kind === 'timeout') return undefined;
  return kind === 'aione' ? aioneProblem(e, model) : hubmixProblem(e, model);
}
