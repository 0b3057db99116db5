/**
 * Markdown for model output, which is untrusted: raw HTML off, then sanitised (docs/architecture.md). DOM-free, so Node unit tests can run it.
 *  - markdown-it with raw HTML off (`html: false`): any tag in the text is shown as text.
 *  - Links only to http(s) (no javascript:, data:, file:, protocol-relative //host or relative URLs); they open
 *    on click, through the host.
 *  - Images never load: `![alt](url)` becomes a link labelled with the alt text (CSP img-src blocks remote images
 *    as well).
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

export function createMarkdown(opts: MarkdownOptions): MarkdownIt.MarkdownIt {
  const md = new MarkdownIt({
    html: false,
    linkify: true,
    typographer: false,
    breaks: false,
    ...(opts.highlight ? { highlight: (code: string, lang: string) => highlightCode(code, lang) } : {}),
  });
  md.validateLink = isSafeLink;
  const label = opts.imageLabel ?? 'image';
  md.renderer.rules.image = (tokens, idx) => {
    const token = tokens[idx]!;
    const src = String(token.attrGet('src') ?? '');
    const alt = String(token.children?.map((t) => t.content).join('') || token.content || src);
    const text = `[${escapeHtml(label)}: ${escapeHtml(alt)}]`;
    return isSafeLink(src)
      ? `<a href="${escapeHtml(src)}" class="image-link" title="${escapeHtml(src)}">${text}</a>`
      : `<span class="image-link">${text}</span>`;
  };
  return md;
}
