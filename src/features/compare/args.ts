/**
 * What "Add to Comparison" may be given, in every shape VS Code passes: nothing (the command palette, a keybinding),
 * a Models view row (`{connectionId, modelId}`, or `{connectionId, model: {id}}`), a row and the rows selected with it
 * (`[row, rows]` for a multi-selection), or a list of rows. Anything else is refused.
 */
import * as z from 'zod';
import { connectionIdSchema } from '../../core/ids';
import type { ModelRef } from './state';

export type CompareArgs = unknown[];

const modelIdSchema = z.string().min(1).max(256);
const rowSchema = z.union([
  z.object({ connectionId: connectionIdSchema, modelId: modelIdSchema }),
  z.object({ connectionId: connectionIdSchema, model: z.object({ id: modelIdSchema }) }),
]);

function refOf(value: unknown): ModelRef | undefined {
  const r = rowSchema.safeParse(value);
  if (!r.success) return undefined;
  return { connectionId: r.data.connectionId, modelId: 'modelId' in r.data ? r.data.modelId : r.data.model.id };
}

/** The models to add, in order and without repeats; `[]` when given nothing; 'bad' for any other shape. */
export function modelRefsOf(args: CompareArgs): ModelRef[] | 'bad' {
  const [first, second] = args;
  // a multi-selection: the clicked row, then every selected row (the clicked one among them)
  const rows: unknown[] =
    Array.isArray(second) && second.length > 0
      ? second
      : Array.isArray(first)
        ? first
        : first === undefined || first === null
          ? []
          : [first];
  const refs: ModelRef[] = [];
  for (const row of rows) {
    const ref = refOf(row);
    if (!ref) return 'bad';
    if (!refs.some((r) => r.connectionId === ref.connectionId && r.modelId === ref.modelId)) refs.push(ref);
  }
  return refs;
}
