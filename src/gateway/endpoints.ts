/**
 * The base URL of each protocol a gateway speaks, from a connection's base URLs. Tools and SDKs differ in what
 * they expect:
 *   OpenAI-compatible   `…/v1`            (the OpenAI SDKs, Continue, Cline, Roo, Cursor, Codex append `/chat/completions`
 *                                          or `/responses`)
 *   Anthropic-native    the gateway root  (the anthropic SDKs and Claude Code append `/v1/messages`)
 *   Gemini-native       AIone: the root, `POST /v1beta/models/{model}:generateContent`, `Authorization: Bearer`;
 *                       AIHubMix: `<root>/gemini` as the Google SDK's base URL, the key as `x-goog-api-key`
 * and whether it serves OpenAI's Responses API (Codex CLI): documented by AIHubMix, not by AIone.
 */
import type { GatewayKind } from '../core/types';

export interface GeminiEndpoint {
  /** What the Google SDK takes as its base URL. */
  readonly base: string;
  /** How the key is sent. */
  readonly auth: 'bearer' | 'x-goog-api-key';
}

export interface ProtocolEndpoints {
  readonly openai: string;
  readonly anthropic: string;
  readonly gemini: GeminiEndpoint;
  /** The gateway serves `POST /v1/responses` (needed by Codex CLI, which speaks only the Responses API). */
  readonly responses: boolean;
}

const trim = (u: string): string => u.replace(/\/+$/, '');

export function protocolEndpoints(p: {
  readonly kind: GatewayKind;
  readonly baseUrl: string;
  readonly chatBaseUrl?: string;
}): ProtocolEndpoints {
  const openai = trim(p.chatBaseUrl ?? `${trim(p.baseUrl)}/v1`);
  // the Anthropic SDKs add /v1/messages themselves: the OpenAI base without its /v1, else the gateway's root
  const root = /\/v1$/.test(openai) ? openai.slice(0, -3) : trim(p.baseUrl);
  return {
    openai,
    anthropic: root,
    gemini: p.kind === 'aihubmix' ? { base: `${root}/gemini`, auth: 'x-goog-api-key' } : { base: root, auth: 'bearer' },
    responses: p.kind === 'aihubmix',
  };
}

/** Gemini `generateContent` (or its SSE stream) of a model at an endpoint. */
export function geminiUrl(e: GeminiEndpoint, model: string, stream = false): string {
  return `${e.base}/v1beta/models/${encodeURIComponent(model)}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`;
}
