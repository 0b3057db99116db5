/** Turns log arguments into one redacted line. Pure (no 'vscode'), so the unit tier can test it. */
import { redact } from '../core/redact';

/** Errors by their message (never their stack or enumerable fields, which may carry a request). */
export function formatLogValue(v: unknown): string {
  if (v instanceof Error) {
    const kind = (v as { kind?: unknown }).kind;
    return typeof kind === 'string' ? `${v.name}(${kind}): ${v.message}` : `${v.name}: ${v.message}`;
  }
  if (typeof v === 'string') return v;
  if (v === undefined) return 'undefined';
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  try {
    return JSON.stringify(v, (_k, val: unknown) => (val instanceof Error ? formatLogValue(val) : val)) ?? String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

export function formatLogLine(component: string | undefined, message: string, args: readonly unknown[]): string {
  const parts = [message, ...args.map(formatLogValue)];
  return redact(`${component ? `[${component}] ` : ''}${parts.join(' ')}`);
}
