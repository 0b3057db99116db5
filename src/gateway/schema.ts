/** zod helpers shared by the adapters: parse or fail with a bad-response error naming the field. */
import * as z from 'zod';
import { GatewayError } from './errors';

export function parseJson(text: string, gateway: string | undefined, operation: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new GatewayError({
      kind: 'bad-response',
      message: `The response to ${operation} is not valid JSON`,
      gateway,
      operation,
      cause,
    });
  }
}

interface FoundIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** The most specific issue: inside a union, the branch that got deepest into the value. */
function deepestIssue(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[] = []): FoundIssue {
  const here: FoundIssue = { path: [...prefix, ...issue.path], message: issue.message };
  if (issue.code !== 'invalid_union') return here;
  let best: FoundIssue | undefined;
  for (const branch of issue.errors) {
    for (const sub of branch) {
      const found = deepestIssue(sub, here.path);
      if (!best || found.path.length > best.path.length) best = found;
    }
  }
  return best && best.path.length > here.path.length ? best : here;
}

export function parseWith<T extends z.ZodType>(schema: T, value: unknown, gateway: string | undefined, operation: string): z.infer<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  const issue = first ? deepestIssue(first) : undefined;
  const path = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
  throw new GatewayError({
    kind: 'bad-response',
    message: `The response to ${operation} does not fit its schema at ${path}: ${issue?.message ?? 'invalid'}`,
    gateway,
    operation,
    path,
  });
}

/** An integer sent as a number or as a string of digits (the docs disagree on some fields). */
export const intLike = z.union([
  z.number(),
  z.string().regex(/^-?\d+$/).transform((s) => Number(s)),
]);

/** A decimal sent as a string (preferred) or as a JSON number; kept as a string. */
export const decimalLike = z.union([
  z.string().regex(/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/),
  z.number().refine(Number.isFinite).transform((n) => String(n)),
]);

/** A list sent as an array or as a comma / newline separated string; null/"" = empty. */
export const listLike = z
  .union([z.array(z.string()), z.string(), z.null()])
  .optional()
  .transform((v): string[] => {
    if (v == null) return [];
    const arr = Array.isArray(v) ? v : v.split(/[,\n]/);
    return arr.map((s) => s.trim()).filter((s) => s.length > 0);
  });
