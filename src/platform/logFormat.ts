/** Turns log arguments into one redacted line. Pure (no 'vscode'), so the unit tier can test it. */
import { redact } from '../core/redact';

/** How many links of an error's cause chain a log line shows. */
const MAX_CAUSES = 3;

/**
 * Errors by their message and the messages of their causes (never their stack or enumerable fields, which may
 * carry a request); everything else as text or JSON. The whole line is redacted by formatLogLine.
 */
export function formatLogValue(v: unknown): string {
  if (v instanceof Error) return formatError(v, 0);
  if (typeof v === 'string') return v;
  if (v === undefined) return 'undefined';
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  try {
    return (
      JSON.stringify(v, (_k, val: unknown) =>
        val instanceof Error ? formatLogValue(val) : typeof val === 'bigint' ? String(val) : val,
      ) ?? String(v)
    );
  } catch {
    return Object.prototype.toString.call(v);
  }
}

function formatError(e: Error, depth: number): string {
  const kind = (e as { kind?: unknown }).kind;
  const head = typeof kind === 'string' ? `${e.name}(${kind}): ${e.message}` : `${e.name}: ${e.message}`;
  const cause: unknown = 'cause' in e ? e.cause : undefined;
  if (cause === undefined || depth >= MAX_CAUSES) return head;
  const next = cause instanceof Error ? formatError(cause, depth + 1) : String(cause);
  // A cause the message already quotes (a network error's "connect ECONNREFUSED …") adds nothing.
  return cause instanceof Error && e.message.includes(cause.message) && next === `${cause.name}: ${cause.message}`
    ? head
    : `${head} (cause: ${next})`;
}

export function formatLogLine(component: string | undefined, message: string, args: readonly unknown[]): string {
  const parts = [message, ...args.map(formatLogValue)];
  return redact(`${component ? `[${component}] ` : ''}${parts.join(' ')}`);
}
