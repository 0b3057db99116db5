/**
 * Redaction for everything that may reach a log, an error message or a webview.
 * Masks Authorization headers, sk-… model keys, bearer tokens and long token-shaped strings.
 */
const PATTERNS: ReadonlyArray<[RegExp, (m: string, ...g: string[]) => string]> = [
  // Authorization: Bearer xxx / Authorization: xxx (header dumps, JSON or text)
  [/("?authorization"?\s*[:=]\s*"?)(bearer\s+)?[^\s",}]+/gi, (_m, p1: string, p2?: string) => `${p1}${p2 ?? ''}***`],
  [/\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, (_m, p1: string) => `${p1}***`],
  // model keys: sk-…, sk-nex-…
  [/\bsk-(nex-)?[A-Za-z0-9_-]{6,}/g, (m: string) => `${m.startsWith('sk-nex-') ? 'sk-nex-' : 'sk-'}***${m.slice(-4)}`],
  // token-shaped strings: 32+ chars of hex or base62 with at least one digit
  [/\b(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{32,}\b/g, (m: string) => `***${m.slice(-4)}`],
];

/**
 * The exact secret values this process holds (admin tokens, model keys), registered by the secret service as it
 * reads or stores them. They are masked wherever they appear, whatever their shape.
 */
const knownSecrets = new Set<string>();
/** Shorter values are not registered: masking every 3-letter word that happens to be a token would garble logs. */
const MIN_KNOWN_SECRET_LENGTH = 6;

export function rememberSecret(value: string | undefined): void {
  const v = value?.trim();
  if (v && v.length >= MIN_KNOWN_SECRET_LENGTH) knownSecrets.add(v);
}

export function forgetSecret(value: string | undefined): void {
  const v = value?.trim();
  if (v) knownSecrets.delete(v);
}

function redactKnown(text: string): string {
  let out = text;
  for (const secret of [...knownSecrets].sort((a, b) => b.length - a.length)) {
    if (out.includes(secret)) out = out.split(secret).join(`***${secret.slice(-4)}`);
  }
  return out;
}

export function redact(text: string): string {
  let out = redactKnown(text);
  for (const [re, fn] of PATTERNS) {
    out = out.replace(re, fn as (substring: string, ...args: string[]) => string);
  }
  return out;
}

/** Masks a secret for display: keeps a recognisable prefix and the last four characters. */
export function maskSecret(secret: string): string {
  const s = secret.trim();
  if (s.length <= 12) {
    return s.length <= 4 ? '****' : `${s.slice(0, 2)}…${s.slice(-2)}`;
  }
  const prefix = s.startsWith('sk-nex-') ? s.slice(0, 11) : s.startsWith('sk-') ? s.slice(0, 7) : s.slice(0, 4);
  return `${prefix}…${s.slice(-4)}`;
}
