/**
 * HTML of the splitter's pieces (pure, DOM-free; unit-tested in Node). A 'rows' / 'items' piece is rendered the
 * way markdown-it renders it inside the whole table / list — with the table's header, with the list's looseness —
 * and only the tokens of its rows / items are kept; what follows the table or list in the same piece is `rest`.
 * `composeHtml` joins pieces the way the chat view joins their DOM, so a test can compare it with the HTML of the
 * whole text.
 */
import type MarkdownIt from 'markdown-it';

type Md = MarkdownIt.MarkdownIt;
import type { Piece } from './blocks';

type Token = MarkdownIt.Token;

/** Index of the token that closes the one at `open` (same level, nesting back to 0). */
function closing(tokens: Token[], open: number): number {
  const level = tokens[open]!.level;
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.level === level) depth += t.nesting;
    if (depth === 0) return i;
  }
  return tokens.length - 1;
}

function firstTopLevel(tokens: Token[], types: readonly string[]): number {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.level === 0 && t.nesting === 1) return types.includes(t.type) ? i : -1;
  }
  return -1;
}

/** Shows the paragraphs of the first top-level list's items, as markdown-it does for a loose list. */
function loosen(tokens: Token[]): void {
  const open = firstTopLevel(tokens, ['bullet_list_open', 'ordered_list_open']);
  if (open < 0) return;
  const end = closing(tokens, open);
  const level = tokens[open]!.level + 2;
  for (let i = open + 1; i < end; i++) {
    const t = tokens[i]!;
    if (t.level === level && t.type === 'paragraph_open') {
      t.hidden = false;
      const c = tokens[i + 2];
      if (c?.type === 'paragraph_close') c.hidden = false;
    }
  }
}

const render = (md: Md, tokens: Token[], env: MarkdownIt.Env): string => md.renderer.render(tokens, md.options, env);

/** The HTML of markdown text; `loose`: its first list's items keep their paragraphs. */
export function renderMarkdown(md: Md, text: string, loose = false): string {
  if (!loose) return md.render(text);
  const env: MarkdownIt.Env = {};
  const tokens = md.parse(text, env);
  loosen(tokens);
  return render(md, tokens, env);
}

/**
 * A 'rows' or 'items' piece split into the HTML that joins the open table / list (`<tr>…` or `<li>…` elements)
 * and the HTML of whatever follows it in the piece.
 */
export function joinParts(md: Md, piece: Piece): { readonly join: string; readonly rest: string } {
  const env: MarkdownIt.Env = {};
  if (piece.join === 'rows') {
    const tokens = md.parse(`${piece.head ?? ''}${piece.text}`, env);
    const table = firstTopLevel(tokens, ['table_open']);
    if (table < 0) return { join: '', rest: render(md, tokens, env) };
    const end = closing(tokens, table);
    const body = tokens.findIndex((t, i) => i > table && i < end && t.type === 'tbody_open');
    const join = body < 0 ? '' : render(md, tokens.slice(body + 1, closing(tokens, body)), env);
    return { join, rest: render(md, tokens.slice(end + 1), env) };
  }
  const source = piece.join === 'relist' ? (piece.source ?? '') : piece.text;
  const tokens = md.parse(source, env);
  if (piece.loose) loosen(tokens);
  const list = firstTopLevel(tokens, ['bullet_list_open', 'ordered_list_open']);
  if (list < 0) return { join: '', rest: render(md, tokens, env) };
  const end = closing(tokens, list);
  return { join: render(md, tokens.slice(list + 1, end), env), rest: render(md, tokens.slice(end + 1), env) };
}

/** A line that may be a link reference definition (`[label]: destination`), the cheap test before a parse. */
const REFERENCE_LINE = /^ {0,3}\[(?:[^\]\\\n]|\\.)+\]:/m;

/**
 * Whether the text of these pieces defines link references. A definition applies to the whole text, also before it
 * (`[docs][d]` … `[d]: https://…` at the end), so pieces rendered one by one miss it: a finished answer that defines
 * references is rendered again whole, as it renders when reopened.
 */
export function definesReferences(md: Md, pieces: readonly Piece[]): boolean {
  if (!pieces.some((p) => REFERENCE_LINE.test(p.text))) return false;
  const env: MarkdownIt.Env = {};
  md.parse(pieces.map((p) => p.text).join(''), env);
  const refs = (env as { references?: Record<string, unknown> }).references;
  return !!refs && Object.keys(refs).length > 0;
}

/**
 * The HTML of closed pieces joined as the chat view joins them (rows into the open table's body, items into the
 * open list, a relist replacing the list's items; the whole text again when it defines references), for comparison with the HTML of the whole text.
 */
export function composeHtml(md: Md, pieces: readonly Piece[]): string {
  if (definesReferences(md, pieces)) return md.render(pieces.map((p) => p.text).join(''));
  const out: string[] = [];
  let container: { kind: 'table' | 'list'; at: number } | undefined;
  for (const p of pieces) {
    if (p.join === 'block') {
      out.push(renderMarkdown(md, p.text, p.loose));
      container = p.opens ? { kind: p.opens, at: out.length - 1 } : undefined;
      continue;
    }
    if (!container) throw new Error(`a '${p.join}' piece with no open table or list before it`);
    const parts = joinParts(md, p);
    const html = out[container.at]!;
    if (container.kind === 'table') {
      out[container.at] = html.includes('</tbody>\n</table>\n')
        ? html.replace(/<\/tbody>\n<\/table>\n$/, () => `${parts.join}</tbody>\n</table>\n`)
        : parts.join
          ? html.replace(/<\/table>\n$/, () => `<tbody>\n${parts.join}</tbody>\n</table>\n`)
          : html;
    } else if (p.join === 'relist') {
      const m = /^(\s*<[uo]l[^>]*>\n)[\s\S]*(<\/[uo]l>\n)$/.exec(html);
      out[container.at] = m ? `${m[1]}${parts.join}${m[2]}` : html;
    } else {
      out[container.at] = html.replace(/(<\/[uo]l>\n)$/, (c) => `${parts.join}${c}`);
    }
    if (parts.rest) {
      out.push(parts.rest);
      container = undefined;
    }
  }
  return out.join('');
}
