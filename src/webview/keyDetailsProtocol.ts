/**
 * The key details webview's message protocol, shared by the host (src/features/keys/details.ts) and the browser
 * code (src/ui/keyDetails, `import type` only). The host sends the key as rows of display text (never the secret);
 * the webview sends back only which of a fixed set of actions was clicked.
 */
import * as z from 'zod';

export const DETAIL_ACTIONS = [
  'edit',
  'rotate',
  'disable',
  'enable',
  'delete',
  'copySnippet',
  'copyKey',
  'refresh',
] as const;
export type DetailAction = (typeof DETAIL_ACTIONS)[number];

export const keyDetailsInboundSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('action'), action: z.enum(DETAIL_ACTIONS) }),
]);
export type KeyDetailsInbound = z.infer<typeof keyDetailsInboundSchema>;

export interface DetailRow {
  readonly label: string;
  readonly value: string;
}

export interface DetailSection {
  readonly heading: string;
  readonly rows: readonly DetailRow[];
  /** One line under the rows ("" when none): where a figure comes from, or why it is missing. */
  readonly note: string;
}

export interface KeyDetailsView {
  readonly title: string;
  /** Masked key · connection. */
  readonly subtitle: string;
  readonly status: string;
  readonly statusText: string;
  readonly sections: readonly DetailSection[];
  readonly actions: ReadonlyArray<{ readonly action: DetailAction; readonly label: string; readonly danger?: boolean }>;
  /** When the key was read, in words. */
  readonly readAt: string;
  /** Why the last read failed ("" when it did not); the fields shown are kept. */
  readonly error: string;
}

export type KeyDetailsOutbound = { readonly type: 'state'; readonly view: KeyDetailsView };
