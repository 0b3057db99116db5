/**
 * Whether a link's visible text misleads about where it goes (pure; shared by the chat's renderer, which marks such
 * a link, and the host, which asks before opening it).
 */

/** Bidi embedding / override / isolate controls and the marks that change how the text around them reads. */
export const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** Bidi controls and invisible characters (zero-width space / joiners, word joiner, BOM, soft hyphen). */
export const INVISIBLE_CHARS = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * Top-level domains a bare name (no scheme, `www.`, path or user info) must end in to read as an address, so that
 * a file name (`README.md`, `main.py`) does not.
 */
const COMMON_TLDS = new Set(
  'com org net edu gov mil int io dev app ai co me info biz xyz site online tech cloud cn jp kr de fr uk ru eu us ca au in br es it nl se ch example test'.split(
    ' ',
  ),
);

/**
 * The host a link text names when it reads as an address: `https://a.example/x`, `www.a.example`, `a.example/x`,
 * `user@a.example`, or a bare `a.com` (a common top-level domain). Undefined for other text.
 */
export function hostNamedBy(text: string): string | undefined {
  const t = text.trim().replace(INVISIBLE_CHARS, '');
  if (!t || /\s/.test(t)) return undefined;
  const m = /^([a-z][a-z0-9+.-]*:\/\/)?([^@/?#]*@)?([^/?#:@]+\.[^/?#:@]*[^\d/?#:@.][^/?#:@]*)(:\d+)?([/?#].*)?$/iu.exec(
    t,
  );
  if (!m) return undefined;
  const named = m[3]!;
  let host: string;
  try {
    host = new URL(`http://${named}`).hostname.replace(/\.$/, '');
  } catch {
    return undefined;
  }
  const marked = !!(m[1] || m[2] || m[4] || m[5] || /^www\./i.test(named));
  const tld = host.slice(host.lastIndexOf('.') + 1).toLowerCase();
  return marked || COMMON_TLDS.has(tld) || tld.startsWith('xn--') ? host : undefined;
}

function hostOf(href: string): string | undefined {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return undefined;
  }
  return url.hostname.replace(/\.$/, '');
}

/**
 * Whether a link's visible text misleads about where it goes: it names another host (`[https://bank.example](https://evil.test)`),
 * or holds bidi controls that can reorder what it shows.
 */
export function textMisleads(text: string, href: string): boolean {
  if (BIDI_CONTROL.test(text)) return true;
  const named = hostNamedBy(text);
  if (!named) return false;
  const real = hostOf(href);
  const bare = (h: string): string => h.toLowerCase().replace(/^www\./, '');
  return real === undefined || bare(named) !== bare(real);
}
