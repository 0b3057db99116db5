/**
 * The gateway console's top-up page, from the connection's base URL: AIHubMix (one-api's web console) serves it at
 * `/topup`; AIone's console keeps balance and recharge under `/billing`. No 'vscode' import.
 */
import type { GatewayKind } from '../../core/types';

const TOP_UP_PATH: Readonly<Record<GatewayKind, string>> = {
  aione: '/billing',
  aihubmix: '/topup',
};

/** The top-up page for a connection (the base URL's origin, so a base URL ending in /v1 or /api still works). */
export function topUpUrl(kind: GatewayKind, baseUrl: string): string {
  const u = new URL(baseUrl);
  return `${u.origin}${TOP_UP_PATH[kind]}`;
}
