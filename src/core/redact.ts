/**
 * Redaction for everything that may reach a log, an error message or a webview. In this order:
 *
 * 1. The exact secret values this process holds (admin tokens, model keys, proxy credentials), registered with
 *    rememberSecret(), whatever their shape or length: also when split by white space or a zero-width character
 *    (U+200B–U+200D, U+2060, U+FEFF), when JSON-escaped (`\/`, `\"`, `\uXXXX`, escaped separators) or when
 *    percent-encoded (separators too).
 * 2. The value of every credential header or field, whatever its scheme (`Authorization` and
 *    `Proxy-Authorization` with Basic, Bearer, Token, Digest, a raw token…; `X-Api-Key`, `api_key`, `password`…),
 *    written as a header line, as JSON, as JSON inside a JSON string (`\"authorization\":\"…\"`), or percent-encoded
 *    in a URL (`authorization%3A…`, `api_key=…`).
 * 3. Credentials in a URL (`http://user:pass@host` → `http://***@host`).
 * 4. Shapes: `Bearer …` anywhere, `sk-…` model keys, JWTs, and token-shaped strings (32+ characters of base62 or
 *    base64url with at least one digit).
 */

/** Header names whose value may hold spaces (a scheme and its credentials): the whole value is masked. */
const AUTH_HEADERS = String.raw`(?:proxy[-_]?authorization|authorization)`;
/** Other credential fields: their one-word value is masked. */
const SECRET_FIELDS = String.raw`(?:x[-_]api[-_]key|api[-_]?key|access[-_]token|refresh[-_]token|id[-_]token|client[-_]secret|password|passwd|secret[-_]key|token)`;
const CREDENTIAL_NAMES = `(?:${AUTH_HEADERS}|${SECRET_FIELDS})`;

const PATTERNS: ReadonlyArray<readonly [RegExp, (m: string, ...g: string[]) => string]> = [
  // JSON inside a JSON string: \"authorization\":\"Bearer …\" — the value runs to the next \" .
  [
    new RegExp(String.raw`(\\+"${CREDENTIAL_NAMES}\\+"\s*:\s*\\+")((?:(?!\\+").)*)`, 'gi'),
    (_m, p1: string) => `${p1}***`,
  ],
  // JSON: "authorization": "…" — the value runs to the closing quote (escapes inside it are skipped).
  [new RegExp(String.raw`("${CREDENTIAL_NAMES}"\s*:\s*")((?:[^"\\]|\\.)*)`, 'gi'), (_m, p1: string) => `${p1}***`],
  // JSON with a non-string value: "token": 12345
  [new RegExp(String.raw`("${CREDENTIAL_NAMES}"\s*:\s*)(?!["\s])([^,}\]\s]+)`, 'gi'), (_m, p1: string) => `${p1}***`],
  // authorization=<scheme> <credentials> as text: the rest of the line (the URL rule below stops at the space, so it
  // would mask the scheme word and leave the credentials).
  [
    new RegExp(
      String.raw`((?<![A-Za-z0-9_-])${AUTH_HEADERS}['"]?=\s*)(?![\s'"]*\*\*\*)([A-Za-z][A-Za-z0-9-]*[ \t]+\S[^\r\n]*)`,
      'gi',
    ),
    (_m, p1: string, value: string) => `${p1}${maskLineValue(value)}`,
  ],
  // Percent-encoded in a URL or form, once or twice: authorization%3A%20Bearer%20… / api_key=… (to the next &, an
  // encoded &, a quote or a space).
  [
    new RegExp(
      String.raw`((?<=^|[^A-Za-z]|%[0-9A-Fa-f]{2})${CREDENTIAL_NAMES}(?:%(?:25)*(?:5[cC]|2[27]))*(?:%(?:25)*3[aAdD]|=)(?:%(?:25)*(?:20|5[cC]|2[27])|\+|['"])*)(?!\*\*\*)((?:[^&\s"'<>%]|%(?!(?:25)*26)[0-9a-fA-F]{2})+)`,
      'gi',
    ),
    (_m, p1: string, value: string) => `${p1}${maskFieldValue(p1, value)}`,
  ],
  // A header line: Authorization: Digest username="a", response="b" — the rest of the line.
  [
    new RegExp(String.raw`((?<![A-Za-z0-9_-])${AUTH_HEADERS}['"]?\s*[:=]\s*)(?![\s'"]*\*\*\*)([^\r\n]+)`, 'gi'),
    (_m, p1: string, value: string) => `${p1}${maskLineValue(value)}`,
  ],
  // key: value or key=value text for the other credential fields: the value up to white space or punctuation.
  [
    new RegExp(String.raw`((?<![A-Za-z0-9_-])${SECRET_FIELDS}['"]?\s*[:=]\s*['"]?)(?!\*\*\*)([^\s,;&"'}\])]+)`, 'gi'),
    (_m, p1: string, value: string) => `${p1}${maskFieldValue(p1, value)}`,
  ],
  // URL credentials.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi, (_m, p1: string) => `${p1}***@`],
  // Bearer tokens anywhere.
  [/\b(bearer\s+)(?!\*\*\*)[A-Za-z0-9._~+/=-]{8,}/gi, (_m, p1: string) => `${p1}***`],
  // Model keys: sk-…, sk-nex-…
  [/\bsk-(nex-)?[A-Za-z0-9_-]{6,}/g, (m: string) => `${m.startsWith('sk-nex-') ? 'sk-nex-' : 'sk-'}***${m.slice(-4)}`],
  // JWTs.
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, () => '***'],
  // Token-shaped strings: 32+ characters of base62 / base64url with at least one digit.
  [/\b(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{32,}\b/g, (m: string) => `***${m.slice(-4)}`],
];

/**
 * The value of a credential field: `***`, and — like a token-shaped string — its last four characters when it is a
 * long token (32+ characters ending in four letters or digits), so a user can tell two keys apart. Authorization
 * values and passwords never show any of it.
 */
function maskFieldValue(prefix: string, value: string): string {
  if (/authorization|pass|secret/i.test(prefix)) return '***';
  return value.length >= 32 && /[A-Za-z0-9]{4}$/.test(value) ? `***${value.slice(-4)}` : '***';
}

/**
 * The value after `Authorization:` in a text line: masked up to the end of the line, except a closing quote or
 * bracket that belongs to the surrounding text (so `{"a":"Authorization: Bearer x"}` keeps its `"}`).
 */
function maskLineValue(value: string): string {
  // Stryker disable next-line OptionalChaining,StringLiteral: the pattern also matches the empty string, so exec never returns null
  const tail = /["'}\])\s]*$/.exec(value)?.[0] ?? '';
  return `***${tail}`;
}

/**
 * The exact secret values this process holds (admin tokens, model keys, proxy credentials), registered by the
 * secret service as it reads or stores them. They are masked wherever they appear, whatever their shape.
 */
// Stryker disable next-line ArrayDeclaration: a made-up first entry would only be masked in a text that contains it
const knownSecrets = new Set<string>();
/** The secrets as they are searched: without separators, longest first. */
// Stryker disable next-line ArrayDeclaration: rebuildKnown() replaces the list before a secret can be searched, and a made-up first entry would only be masked in a text that contains it
let searchOrder: string[] = [];
/** Shorter values are not registered: masking every 3-letter word that happens to be a token would garble logs. */
const MIN_KNOWN_SECRET_LENGTH = 6;

/** Characters that may be slipped between the characters of a secret without changing how it looks. */
const SEPARATOR_CHARS = /[\s\u200B-\u200D\u2060\uFEFF]/;

function rebuildKnown(): void {
  const unique = [...new Set([...knownSecrets].map((s) => s.replace(new RegExp(SEPARATOR_CHARS, 'g'), '')))].filter(
    (s) => s.length > 0,
  );
  // Stryker disable next-line MethodExpression,ArrowFunction,ArithmeticOperator: redactKnown orders what it finds by start and then length, so the search order only decides the order ranges are found in
  searchOrder = unique.sort((a, b) => b.length - a.length);
}

export function rememberSecret(value: string | undefined): void {
  const v = value?.trim();
  if (!v || v.length < MIN_KNOWN_SECRET_LENGTH || knownSecrets.has(v)) return;
  knownSecrets.add(v);
  rebuildKnown();
}

export function forgetSecret(value: string | undefined): void {
  const v = value?.trim();
  if (v && knownSecrets.delete(v)) rebuildKnown();
}

/**
 * The text as it reads once escapes are undone and separators dropped, with where each of its characters came from:
 * `\\uXXXX` and `\\c` at any depth of backslashes (JSON, JSON inside JSON), `%XX` UTF-8 sequences, and separators
 * (white space, zero-width characters, and their escaped or percent-encoded forms) skipped.
 */
const utf8 = new TextEncoder();

/** The byte `%XX` at `at` of `text` (the caller has checked the hex digits). */
const byteAt = (text: string, at: number): number => parseInt(text.slice(at + 1, at + 3), 16);

/**
 * How many bytes of the `%XX` run text[from, to) make whole UTF-8 sequences from its start, as decodeURIComponent
 * accepts them (no overlong form, no surrogate, nothing past U+10FFFF): 0 when the first byte starts none.
 */
export function wholeUtf8Bytes(text: string, from: number, to: number): number {
  const n = (to - from) / 3;
  let k = 0;
  // Stryker disable next-line EqualityOperator: `<=` reads one byte past the run, and the cut check below stops there (a sequence of at least one byte starting at n is never whole within n); `>=` reads nothing and decodes nothing, which the percent-encoded secret tests catch (checked by hand: a disable covers the mutator on the whole line)
  while (k < n) {
    const b = byteAt(text, from + 3 * k);
    let len: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b < 0x80) len = 1;
    else if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else break;
    if (k + len > n) break;
    let ok = true;
    for (let c = 1; c < len && ok; c++) {
      const cb = byteAt(text, from + 3 * (k + c));
      ok = c === 1 ? cb >= lo && cb <= hi : cb >= 0x80 && cb <= 0xbf;
    }
    if (!ok) break;
    k += len;
  }
  return k;
}

function canonicalPass(text: string): { chars: string; from: number[]; to: number[] } {
  let chars = '';
  const from: number[] = [];
  const to: number[] = [];
  const emit = (c: string, a: number, b: number): void => {
    if (SEPARATOR_CHARS.test(c)) return;
    for (let k = 0; k < c.length; k++) {
      chars += c[k];
      from.push(a);
      to.push(b);
    }
  };
  let i = 0;
  // Stryker disable next-line EqualityOperator: `<=` only appends a NUL that no secret ends in (a NUL is no token character); `>=` reads nothing and decodes nothing, which the percent-encoded secret tests catch (checked by hand: a disable covers the mutator on the whole line) by the known-secret tests, checked by hand (a disable covers a mutator on the whole line)
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '\\') {
      let j = i;
      while (text[j] === '\\') j++;
      const next = text[j];
      // Stryker disable next-line Regex: the slice holds at most four characters, so one anchor is as good as two
      if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(j + 1, j + 5))) {
        emit(String.fromCharCode(parseInt(text.slice(j + 1, j + 5), 16)), i, j + 5);
        i = j + 5;
        continue;
      }
      if (next === 'n' || next === 'r' || next === 't') {
        i = j + 1; // an escaped separator
        continue;
      }
      if (next !== undefined) {
        emit(next, i, j + 1);
        i = j + 1;
        continue;
      }
      i = j;
      continue;
    }
    // Stryker disable next-line ConditionalExpression,LogicalOperator,Regex: a character that does not start a %XX sequence finds no run below, so nothing is decoded and it is read as itself (→ true, ||, a weakened pattern); the two mutants that decode nothing (→ false, the negated class) are killed by the percent-encoded known-secret tests, checked by hand (a disable covers a mutator on the whole line)
    if (ch === '%' && /^%[0-9a-fA-F]{2}/.test(text.slice(i, i + 3))) {
      let j = i;
      // Stryker disable next-line Regex,EqualityOperator: a three-character slice holds %XX only at its start, and a sequence without its second hex digit fails the decode below; `<=` lets a fifth sequence in, which decodes the same as on the next turn; the negated class and `>=` decode nothing and are killed by the percent-encoded known-secret tests, checked by hand (a disable covers a mutator on the whole line)
      while (/^%[0-9a-fA-F]{2}/.test(text.slice(j, j + 3)) && j - i < 12) j += 3;
      // The longest run of whole UTF-8 sequences from here, found from the bytes (no failed decode is tried: on a
      // long run of broken sequences such as %FF%FF… each try threw, seconds of work for 60 KB).
      const whole = wholeUtf8Bytes(text, i, j);
      const end = i + 3 * whole;
      // (those are decodeURIComponent's own rules, so this never throws; nothing to decode gives "")
      const decoded = decodeURIComponent(text.slice(i, end));
      if (decoded) {
        let at = i;
        for (const c of decoded) {
          const width = utf8.encode(c).length * 3;
          emit(c, at, at + width);
          at += width;
        }
        i = end;
        continue;
      }
    }
    const cp = text.codePointAt(i) ?? 0;
    const c = String.fromCodePoint(cp);
    emit(c, i, i + c.length);
    i += c.length;
  }
  return { chars, from, to };
}

/** canonicalPass() until nothing changes (at most three times: a \u escape inside percent-encoding inside JSON…). */
function canonical(text: string): { chars: string; from: number[]; to: number[] } {
  let cur = canonicalPass(text);
  // Stryker disable next-line EqualityOperator,UpdateOperator: more rounds only undo encodings nested deeper than three levels; the bound limits the work
  for (let round = 0; round < 2; round++) {
    const next = canonicalPass(cur.chars);
    // Stryker disable next-line ConditionalExpression: a pass that changes nothing maps every position to itself, so one more round keeps the result
    if (next.chars === cur.chars) break;
    cur = {
      chars: next.chars,
      from: next.from.map((i) => cur.from[i] ?? 0),
      to: next.to.map((i) => cur.to[i - 1] ?? text.length),
    };
  }
  return cur;
}

/** Masks every occurrence of a known secret, in whatever form canonical() undoes. */
function redactKnown(text: string): string {
  // Stryker disable next-line ConditionalExpression: with no secret the search below finds nothing and returns the text
  if (searchOrder.length === 0) return text;
  // Fast path for the common line: with no escape, percent sign or zero-width character in it, a secret can only be
  // there whole or split by white space, which one squashed copy shows.
  // Stryker disable ConditionalExpression,Regex,BlockStatement,MethodExpression,ArrowFunction: a fast path; without it every text goes through canonical(), which finds the same
  if (!/[\\%\u200B-\u200D\u2060\uFEFF]/.test(text)) {
    const squashed = text.replace(/\s+/g, '');
    if (!searchOrder.some((secret) => squashed.includes(secret))) return text;
  }
  // Stryker restore ConditionalExpression,Regex,BlockStatement,MethodExpression,ArrowFunction
  const c = canonical(text);
  const ranges: Array<[number, number, string]> = [];
  for (const secret of searchOrder) {
    for (let at = c.chars.indexOf(secret); at >= 0; at = c.chars.indexOf(secret, at + secret.length)) {
      ranges.push([c.from[at] ?? 0, c.to[at + secret.length - 1] ?? text.length, secret]);
    }
  }
  // Stryker disable next-line ConditionalExpression: with no range the loop below copies the text unchanged
  if (ranges.length === 0) return text;
  ranges.sort(
    (a, b) =>
      a[0] - b[0] ||
      // Stryker disable next-line ArithmeticOperator: ranges are found longest secret first, so of two that start together the longer one already comes first
      b[1] - a[1],
  );
  let out = '';
  let pos = 0;
  for (const [a, b, secret] of ranges) {
    if (a < pos) {
      pos = Math.max(pos, b);
      continue;
    }
    out += text.slice(pos, a) + maskKnown(secret);
    pos = b;
  }
  return out + text.slice(pos);
}

/** `***` and, for a long secret, its last four characters (a short one shows nothing: four would be most of it). */
function maskKnown(secret: string): string {
  const plain = [...secret];
  if (plain.length < 20) return '***';
  const tail = plain.slice(-4).join('');
  // Stryker disable next-line Regex: the tail is four characters, so one anchor is as good as two
  return /^[A-Za-z0-9_-]{4}$/.test(tail) ? `***${tail}` : '***';
}

export function redact(text: string): string {
  let out = redactKnown(text);
  for (const [re, fn] of PATTERNS) {
    out = out.replace(re, fn);
  }
  return out;
}

/**
 * A copy of an error that is safe to keep or log: message and stack redacted, `code`, `name` and the `cause`
 * chain kept (each link redacted the same way, at most 8 deep). Anything that is not an Error becomes its
 * redacted text.
 */
export function redactError(e: unknown, depth = 0): unknown {
  if (!(e instanceof Error)) return e === undefined || e === null ? e : redact(safeString(e));
  const cause = depth < 8 ? redactError(e.cause, depth + 1) : undefined;
  const copy = new Error(redact(e.message), cause === undefined ? undefined : { cause });
  copy.name = e.name;
  copy.stack = e.stack === undefined ? undefined : redact(e.stack);
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number')
    Object.defineProperty(copy, 'code', { value: code, enumerable: true });
  return copy;
}

function safeString(v: unknown): string {
  try {
    return typeof v === 'object' ? (JSON.stringify(v) ?? String(v)) : String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
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
