/**
 * What a failed AIone management call means: the HTTP status gives the kind; FastAPI's `detail` gives the
 * message — a string (HTTPException), or a ValidationError list (422) whose `loc` of each entry becomes a field
 * path and, where the wire field is one the key form asks for, the input step to send the user back to.
 */
import type { KeyInput } from '../../core/types';
import { GatewayError, kindForStatus, summariseBody, type FieldError } from '../errors';
import { parseRetryAfter } from '../httpTypes';
import { tryParseJson } from '../schema';
import { fastApiErrorSchema } from './schemas';

/** Wire field → KeyInput field, so a 422 can be shown on the input step that caused it. */
const WIRE_TO_INPUT: Readonly<Record<string, keyof KeyInput>> = {
  name: 'name',
  models_allowed: 'modelsAllowed',
  allowed_ips: 'allowedIps',
  rpm_limit: 'rpmLimit',
  tpm_limit: 'tpmLimit',
  expires_at: 'expiresAt',
  is_sandbox: 'isSandbox',
  team_id: 'teamId',
  grace_hours: 'expiresAt',
};

/** The GatewayError for a non-2xx answer of a management call. */
export function aioneError(
  status: number,
  text: string,
  operation: string,
  gateway: string,
  retryAfter?: string,
): GatewayError {
  let message = `HTTP ${status}`;
  const fieldErrors: FieldError[] = [];
  const fe = fastApiErrorSchema.safeParse(tryParseJson(text));
  if (fe.success) {
    const d = fe.data.detail;
    if (typeof d === 'string') message = d;
    else if (Array.isArray(d)) {
      for (const v of d) {
        const loc = v.loc.map(String);
        const wire = loc[0] === 'body' || loc[0] === 'query' || loc[0] === 'path' ? loc[1] : loc[0];
        const input = wire ? WIRE_TO_INPUT[wire] : undefined;
        fieldErrors.push({
          field: loc.join('.'),
          message: v.msg,
          ...(v.type ? { type: v.type } : {}),
          ...(input ? { input } : {}),
        });
      }
      message = fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; ') || 'Validation failed';
    } else {
      message = JSON.stringify(d).slice(0, 300);
    }
  } else {
    message = summariseBody(text) ?? message;
  }
  const retryAfterMs = parseRetryAfter(retryAfter);
  return new GatewayError({
    kind: kindForStatus(status),
    status,
    message,
    fieldErrors,
    gateway,
    operation,
    retryAfterMs,
  });
}
