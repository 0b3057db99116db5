/**
 * The id rules every layer shares (pure: no 'vscode', no I/O). An id reaches a settings key, a SecretStorage
 * name, a URL path or a webview message, so it is one of a small set of characters and never longer than its limit:
 *   connection id   1–64 of [A-Za-z0-9_-]  (a settings entry, `aiGateway.token.<id>`, a command argument)
 *   key id          1–128 of [A-Za-z0-9_-] (a gateway's key: AIone's uuid, AIHubMix's number)
 *   conversation id 1–64 of [A-Za-z0-9_-]  (a chat history file name, a webview's saved state)
 * The webviews import the patterns and guards too: the schemas are marked pure so their bundles leave zod out.
 */
import * as z from 'zod';

export const CONNECTION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
export const CONVERSATION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isConnectionId(value: unknown): value is string {
  return typeof value === 'string' && CONNECTION_ID_PATTERN.test(value);
}

export function isKeyId(value: unknown): value is string {
  return typeof value === 'string' && KEY_ID_PATTERN.test(value);
}

export function isConversationId(value: unknown): value is string {
  return typeof value === 'string' && CONVERSATION_ID_PATTERN.test(value);
}

export const connectionIdSchema = /* @__PURE__ */ z.string().regex(CONNECTION_ID_PATTERN);
export const keyIdSchema = /* @__PURE__ */ z.string().regex(KEY_ID_PATTERN);
export const conversationIdSchema = /* @__PURE__ */ z.string().regex(CONVERSATION_ID_PATTERN);
