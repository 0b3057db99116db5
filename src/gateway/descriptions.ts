/**
 * What the UI says about each kind of gateway before a connection exists (no adapter code, so the lazily loaded
 * bundles can import it cheaply). Features word their per-kind texts from here, never from the kind's name.
 */
import type { GatewayKind } from '../core/types';
import { AIHUBMIX_CAPABILITIES } from './aihubmix/capabilities';
import { AIHUBMIX_DEFAULT_BASE_URL } from './aihubmix/routes';
import { AIONE_CAPABILITIES } from './aione/capabilities';
import { AIONE_DEFAULT_BASE_URL } from './aione/routes';
import type { GatewayCapabilities } from './gateway';

/** Which token a gateway's management API takes (the UI words its prompts after it). */
export type ManagementToken = 'admin-token' | 'system-access-token';

/** What the UI says about a kind of gateway before any connection exists: its name, default URL, token. */
export interface GatewayDescription {
  readonly kind: GatewayKind;
  readonly label: string;
  readonly defaultBaseUrl: string;
  readonly managementToken: ManagementToken;
  /** A token that starts with this is a model key (sk-…), not the management token: the token prompt warns. */
  readonly modelKeyPrefix?: string;
  /** A connection may send the raw token instead of `Bearer <token>` (some relays reject "Bearer"). */
  readonly rawAuthHeader: boolean;
  /**
   * What the kind declares before a connection answers (the billing currency, rotation, quotas…); a connection's
   * own `gateway.capabilities` may know more (AIHubMix learns its backend's dialect from the first answer).
   */
  readonly capabilities: GatewayCapabilities;
  /** The environment variable a coding tool (Codex) reads a key of this gateway from. */
  readonly envKeyName: string;
  /** Cursor calls Claude models of this gateway by their short names ("claude-sonnet-4-6" → "sonnet-4-6"). */
  readonly cursorShortClaudeNames: boolean;
}

/** The kinds of gateway, in the order the UI offers them. */
export const GATEWAY_KINDS: readonly GatewayKind[] = ['aione', 'aihubmix'];

const DESCRIPTIONS: Readonly<Record<GatewayKind, GatewayDescription>> = {
  aione: {
    kind: 'aione',
    label: 'AIone API',
    defaultBaseUrl: AIONE_DEFAULT_BASE_URL,
    managementToken: 'admin-token',
    rawAuthHeader: false,
    capabilities: AIONE_CAPABILITIES,
    envKeyName: 'AIONE_API_KEY',
    cursorShortClaudeNames: true,
  },
  aihubmix: {
    kind: 'aihubmix',
    label: 'AIHubMix',
    defaultBaseUrl: AIHUBMIX_DEFAULT_BASE_URL,
    managementToken: 'system-access-token',
    modelKeyPrefix: 'sk-',
    rawAuthHeader: true,
    capabilities: AIHUBMIX_CAPABILITIES,
    envKeyName: 'AIHUBMIX_API_KEY',
    cursorShortClaudeNames: false,
  },
};

export function describeKind(kind: GatewayKind): GatewayDescription {
  return DESCRIPTIONS[kind];
}
