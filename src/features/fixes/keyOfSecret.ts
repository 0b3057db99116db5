/**
 * Which of a connection's keys a model key (secret) is: the key whose secret the gateway returns equal to it, or
 * the one key whose masked form ("sk-nex-ab12…wxyz", "abcd**********wxyz") the secret fits. No 'vscode' import.
 */
import type { ApiKey } from '../../core/types';
import type { Gateway } from '../../gateway/gateway';

/** Whether `secret` fits a masked form: the shown head and tail match (at least 8 characters shown in all). */
export function fitsMask(secret: string, masked: string): boolean {
  const parts = masked.split(/…|\*+|\.{3,}/).filter((p, i, a) => p !== '' || i === 0 || i === a.length - 1);
  if (parts.length < 2) return false;
  const head = parts[0] ?? '';
  const tail = parts[parts.length - 1] ?? '';
  if (head.length + tail.length < 8) return false;
  const bare = secret.replace(/^sk-/, '');
  return (
    (secret.startsWith(head) && secret.endsWith(tail)) ||
    (bare.startsWith(head.replace(/^sk-/, '')) && bare.endsWith(tail))
  );
}

/** The key of `secret` among up to `maxPages` pages of 100 keys; undefined when none (or several) fit. */
export async function keyOfSecret(
  gateway: Gateway,
  secret: string,
  signal?: AbortSignal,
  maxPages = 20,
): Promise<ApiKey | undefined> {
  const masked: ApiKey[] = [];
  for (let page = 0; page < maxPages; page++) {
    const res = await gateway.listKeys({ page, pageSize: 100, ...(signal ? { signal } : {}) });
    for (const k of res.items) {
      if (k.secret !== undefined && (k.secret === secret || `sk-${k.secret}` === secret)) return k;
      if (k.secret === undefined && fitsMask(secret, k.maskedKey)) masked.push(k);
    }
    if (!res.hasMore || res.items.length === 0) break;
  }
  return masked.length === 1 ? masked[0] : undefined;
}
