/**
 * The "Compare models" panel's messages. The host sends one state with every cell already formatted (money through
 * the one formatter); the webview draws the table and asks for changes. Validated with zod on the host side.
 */
import * as z from 'zod';
import { connectionIdSchema } from '../core/ids';

export const COMPARE_MAX = 4;

export const compareInboundSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** Take the model in this column out of the comparison. */
  z.object({
    type: z.literal('remove'),
    index: z
      .number()
      .int()
      .min(0)
      .max(COMPARE_MAX - 1),
  }),
  /** Choose the models again (the picker opens with the current ones chosen). */
  z.object({ type: z.literal('choose') }),
]);
export type CompareInbound = z.infer<typeof compareInboundSchema>;

/** The rows of the table, in order. */
export const COMPARE_ROWS = [
  'connection',
  'id',
  'alias',
  'vendor',
  'type',
  'features',
  'modalities',
  'context',
  'maxOutput',
  'input',
  'output',
  'cacheRead',
  'cacheWrite',
  'typical',
] as const;
export type CompareRow = (typeof COMPARE_ROWS)[number];

export interface CompareColumn {
  readonly connectionId: string;
  readonly modelId: string;
  /** One text per row ("—" where the gateway says nothing). */
  readonly cells: Readonly<Record<CompareRow, string>>;
  /** The cheapest typical request of the columns in the same currency. */
  readonly cheapest: boolean;
}

export const COMPARE_STRING_KEYS = ['remove', 'choose', 'empty', 'one', 'cheapest', 'assumed'] as const;
export type CompareStringKey = (typeof COMPARE_STRING_KEYS)[number];

export interface CompareState {
  readonly title: string;
  /** Says which request size the typical cost is for, and where it comes from (history or the default). */
  readonly typicalNote: string;
  /** The rows in order (the page holds no list of its own: it imports only this file's types). */
  readonly rows: readonly CompareRow[];
  readonly rowLabels: Readonly<Record<CompareRow, string>>;
  readonly strings: Readonly<Record<CompareStringKey, string>>;
  readonly columns: readonly CompareColumn[];
}

export type CompareOutbound = { readonly type: 'state'; readonly state: CompareState };

/** What VS Code keeps for the panel across a reload (the page's setState → the serializer): the models compared. */
export const comparePanelStateSchema = z.object({
  models: z.array(z.object({ connectionId: connectionIdSchema, modelId: z.string().min(1).max(256) })).max(COMPARE_MAX),
});
export type ComparePanelState = z.infer<typeof comparePanelStateSchema>;
