/**
 * Markdown for model output, which is untrusted: raw HTML off, then sanitised (docs/architecture.md). DOM-free, so Node unit tests can run it.
 *  - markdown-it with raw HTML off (`html: false`): any tag in the text is shown as text.
 *  - Links only to http(s) (no javascript:, data:, file:, protocol-relative //host or relative URLs); they open
 *    on click, through the host.
 *  - Images never load: `![alt](url)` becomes a link labelled with the alt text (CSP img-src blocks remote images
 *    as well).
 *  - Every link's title is its real destination (the normalised href: punycode host, escaped controls); a link
 *    whose text names another host, or whose text holds bidi controls, is marked `deceptive-link`.
 *  - An image inside a link is its alt text only (a link never nests in a link).
 *  - Table column alignment is a class (`align-left|center|right`), since the CSP forbids inline styles.
 *  - Bidi controls and zero-width characters in code, and in a link's text (an autolink's text is its URL), are
 *    shown as a marked placeholder (⟨U+202E⟩) with the character itself kept beside it, hidden, so Copy copies
 *    the text as it came.
 *  - Code is highlighted with highlight.js core and a curated set of languages, registered one by one (bundle
 *    budget), and only when asked (closed blocks).
 * The HTML it returns is still passed through DOMPurify (sanitize.ts) before it reaches the DOM.
 */
import MarkdownIt from 'markdown-it';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import kotlin from 'highlight.js/lib/languages/kotlin';
import markdown from 'highlight.js/lib/languages/markdown';
import php from 'highlight.js/lib/languages/php';
import plaintext from 'highlight.js/lib/languages/plaintext';
import python from 'highlight.js/lib/languages/python';
import ruby from 'highlight.js/lib/languages/ruby';
import rust from 'highlight.js/lib/languages/rust';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import swift from 'highlight.js/lib/languages/swift';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import { INVISIBLE_CHARS, textMisleads } from '../../core/linkText';
import yaml from 'highlight.js/lib/languages/yaml';

const LANGUAGES = {
  bash,
  c,
  cpp,
  csharp,
  css,
  diff,
  go,
  java,
  javascript,
  json,
  kotlin,
  markdown,
  php,
  plaintext,
  python,
  ruby,
  rust,
  shell,
  sql,
  swift,
  typescript,
  xml,
  yaml,
};
let registered = false;
function registerLanguages(): void {
  if (registered) return;
  registered = true;
  for (const [name, lang] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, lang);
}

/** Only absolute http(s) URLs are links. */
export function isSafeLink(url: string): boolean {
  return /^https?:\/\/[^\s/]/i.test(url.trim());
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface MarkdownOptions {
  /** Highlight fenced code (closed blocks); false for the open block while it streams. */
  readonly highlight: boolean;
  /** Word shown before an image's alt text, e.g. "image". */
  readonly imageLabel?: string;
}

export function highlightCode(code: string, lang: string): string {
  registerLanguages();
  const name = lang.trim().split(/\s+/, 1)[0]?.toLowerCase() ?? '';
  if (!name || !hljs.getLanguage(name)) return '';
  try {
    return hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
  } catch {
    return '';
  }
}

const codePoint = (ch: string): string => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Makes bidi and zero-width characters in code visible: each becomes a marked placeholder; the character itself
 * follows in a hidden span, so the code's text (what Copy takes) is unchanged. `html` is escaped markup.
 */
export function revealInvisible(html: string): string {
  return html.replace(INVISIBLE_CHARS, (ch) => {
    const cp = codePoint(ch);
    return `<span class="invisible-char" title="${cp}">\u27e8${cp}\u27e9</span><span class="invisible-raw">${ch}</span>`;
  });
}

type RenderRule = NonNullable<MarkdownIt.MarkdownIt['renderer']['rules']['fence']>;

/** How many links the renderer is inside (kept in the render's env, so one render never leaks into the next). */
const LINK_DEPTH = Symbol('linkDepth');
function linkDepth(env: unknown, step: number): number {
  if (typeof env !== 'object' || env === null) return 0;
  const e = env as { [LINK_DEPTH]?: number };
  e[LINK_DEPTH] = Math.max(0, (e[LINK_DEPTH] ?? 0) + step);
  return e[LINK_DEPTH];
}

const ALIGN = /^text-align:\s*(left|center|right)$/;

export function createMarkdown(opts: MarkdownOptions): MarkdownIt.MarkdownIt {
  const md = new MarkdownIt({
    html: false,
    linkify: true,
    typographer: false,
    breaks: false,
    ...(opts.highlight ? { highlight: (code: string, lang: string) => highlightCode(code, lang) } : {}),
  });
  md.validateLink = isSafeLink;
  const rules = md.renderer.rules;
  rules.link_open = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    const href = String(token.attrGet('href') ?? '');
    let text = '';
    for (let i = idx + 1; i < tokens.length && tokens[i]!.type !== 'link_close'; i++) {
      const t = tokens[i]!;
      text += t.type === 'image' ? (t.children?.map((c) => c.content).join('') ?? '') : t.content;
    }
    // the title is the real destination, whatever title the text gave
    token.attrSet('title', href);
    if (textMisleads(text, href)) token.attrJoin('class', 'deceptive-link');
    linkDepth(env, +1);
    return self.renderToken(tokens, idx, options);
  };
  rules.link_close = (tokens, idx, options, env, self) => {
    linkDepth(env, -1);
    return self.renderToken(tokens, idx, options);
  };
  // a link's text shows its invisible characters, as code does: a link can hide where it goes behind them
  const text = rules.text!;
  rules.text = (tokens, idx, options, env, self) => {
    const out = text(tokens, idx, options, env, self);
    return linkDepth(env, 0) > 0 ? revealInvisible(out) : out;
  };
  const aligned: RenderRule = (tokens, idx, options, _env, self) => {
    const token = tokens[idx]!;
    const style = token.attrGet('style');
    const m = style !== null ? ALIGN.exec(String(style)) : null;
    if (style !== null) {
      token.attrs = (token.attrs ?? []).filter((a) => a[0] !== 'style');
      if (m) token.attrJoin('class', `align-${m[1]!}`);
    }
    return self.renderToken(tokens, idx, options);
  };
  rules.th_open = aligned;
  rules.td_open = aligned;
  const fence = rules.fence!;
  rules.fence = (tokens, idx, options, env, self) => revealInvisible(fence(tokens, idx, options, env, self));
  const codeBlock = rules.code_block!;
  rules.code_block = (tokens, idx, options, env, self) => revealInvisible(codeBlock(tokens, idx, options, env, self));
  const codeInline = rules.code_inline!;
  rules.code_inline = (tokens, idx, options, env, self) => revealInvisible(codeInline(tokens, idx, options, env, self));
  const label = opts.imageLabel ?? 'image';
  rules.image = (tokens, idx) => {
    const token = tokens[idx]!;
    const src = String(token.attrGet('src') ?? '');
    const alt = String(token.children?.map((t) => t.content).join('') || token.content || src);
    const text = `[${escapeHtml(label)}: ${escapeHtml(alt)}]`;
    // inside a link the image is its label only: a link never nests in a link
    let inLink = false;
    for (let i = idx - 1; i >= 0; i--) {
      const t = tokens[i]!.type;
      if (t === 'link_close') break;
      if (t === 'link_open') {
        inLink = true;
        break;
      }
    }
    if (inLink) return `<span class="image-link">${revealInvisible(text)}</span>`;
    return isSafeLink(src)
      ? `<a href="${escapeHtml(src)}" class="image-link" title="${escapeHtml(src)}">${text}</a>`
      : `<span class="image-link">${text}</span>`;
  };
  return md;
}
