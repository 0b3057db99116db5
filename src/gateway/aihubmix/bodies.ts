/**
 * What is sent to AIHubMix for a key: the create body and the full-replace body, in the field names of the
 * gateway's dialect (one-api: `models` / `subnet`; new-api: `model_limits` / `allow_ips`). A quota, an expiry or a
 * number the gateway cannot take is refused with a validation error naming its input step, before any request.
 */
import { usdToQuota } from '../../core/money';
import type { KeyInput } from '../../core/types';
import { GatewayError } from '../errors';
import { wireInt, type WireField } from '../schema';
import { isMaskedKey, MODELED } from './mapping';
import { hasNewApiNames, type Dialect, type TokenRead } from './schemas';

function inputField(field: string, input: keyof KeyInput, gateway: string | undefined, operation: string): WireField {
  return { field, input, gateway, operation };
}

/** ISO date-time → Unix seconds; null = never (-1). A date before 1970 would read as "never" on the wire, so it is refused. */
function expiryTs(iso: string | null, f: WireField): number {
  if (iso === null) return -1;
  const ms = Date.parse(iso);
  const ts = Math.floor(ms / 1000);
  if (Number.isNaN(ms) || ts <= 0) {
    throw new GatewayError({
      kind: 'validation',
      message: `${f.field} must be a date after 1970 (got ${JSON.stringify(iso)}); nothing was sent`,
      gateway: f.gateway,
      operation: f.operation,
      fieldErrors: [{ field: f.field, message: 'not a valid date', input: f.input }],
    });
  }
  return ts;
}

/** USD decimal → quota units; "unlimited" handled by the caller. A negative, malformed or too large amount is refused. */
function quotaUnits(usd: string, f: WireField): number {
  let units: number;
  try {
    units = usdToQuota(usd);
  } catch {
    throw new GatewayError({
      kind: 'validation',
      message: `${f.field} must be an amount in USD (got ${JSON.stringify(usd)}); nothing was sent`,
      gateway: f.gateway,
      operation: f.operation,
      fieldErrors: [{ field: f.field, message: 'not an amount in USD', input: 'quotaUsd' }],
    });
  }
  return wireInt(units, f, 0);
}

function quotaFields(quota: string, f: WireField): { unlimited_quota: boolean; remain_quota: number } {
  // AIHubMix docs: -1 = unlimited; one-api and new-api ignore remain_quota when unlimited_quota is true.
  return quota === 'unlimited'
    ? { unlimited_quota: true, remain_quota: -1 }
    : { unlimited_quota: false, remain_quota: quotaUnits(quota, f) };
}

function listFields(
  models: readonly string[] | undefined,
  ips: readonly string[] | undefined,
  names: Dialect,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (names === 'new-api') {
    if (models !== undefined) {
      out.model_limits = models.join(',');
      out.model_limits_enabled = models.length > 0;
    }
    if (ips !== undefined) out.allow_ips = ips.join('\n');
  } else {
    if (models !== undefined) out.models = models.join(',');
    if (ips !== undefined) out.subnet = ips.join(',');
  }
  return out;
}

/** The body of a create: every field the API takes, in the field names of the gateway's dialect. */
export function createBody(
  input: KeyInput,
  dialect: Dialect,
  gateway?: string,
  unmodeled?: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const operation = 'create key';
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(unmodeled ?? {})) if (!MODELED.has(k)) extra[k] = v;
  return {
    ...extra,
    name: input.name ?? '',
    expired_time:
      input.expiresAt === undefined
        ? -1
        : expiryTs(input.expiresAt, inputField('expired_time', 'expiresAt', gateway, operation)),
    ...quotaFields(input.quotaUsd ?? 'unlimited', inputField('remain_quota', 'quotaUsd', gateway, operation)),
    ...listFields(input.modelsAllowed ?? [], input.allowedIps ?? [], dialect),
  };
}

/**
 * The body of a full replace: every field the fresh read returned — also those this client does not model
 * (new-api's `group`, `cross_group_retry`, `auto_groups`…), so a rename never clears them — with the edited
 * fields written over it in the names the read used. A masked key is not sent back.
 */
export function replaceBody(input: KeyInput, base: TokenRead, gateway?: string): Record<string, unknown> {
  const operation = 'update key';
  const { token, raw } = base;
  const body: Record<string, unknown> = { ...raw, id: Number(token.id) };
  // Stryker disable next-line ConditionalExpression: the token schema already requires a string key, so only the mask test decides (its mutants are killed)
  if (typeof raw.key !== 'string' || isMaskedKey(raw.key)) delete body.key;
  // normalised numbers: a string of digits read back goes out as an integer
  body.expired_time = token.expired_time;
  body.remain_quota = token.remain_quota;
  if (input.name !== undefined) body.name = input.name;
  if (input.expiresAt !== undefined)
    body.expired_time = expiryTs(input.expiresAt, inputField('expired_time', 'expiresAt', gateway, operation));
  if (input.quotaUsd !== undefined)
    Object.assign(body, quotaFields(input.quotaUsd, inputField('remain_quota', 'quotaUsd', gateway, operation)));
  const newNames = hasNewApiNames(raw);
  const oneNames = 'models' in raw || 'subnet' in raw || !newNames;
  if (newNames) Object.assign(body, listFields(input.modelsAllowed, input.allowedIps, 'new-api'));
  // Stryker disable next-line StringLiteral: listFields writes one-api names for any dialect but 'new-api'
  if (oneNames) Object.assign(body, listFields(input.modelsAllowed, input.allowedIps, 'one-api'));
  return body;
}
