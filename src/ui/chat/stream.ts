/**
 * The incremental renderer of one streaming answer (browser code). Streamed text goes through the block splitter;
 * each closed piece is rendered once (with highlighting), sanitised and kept — a block of its own, or more rows /
 * items joined into the table / list an earlier piece opened — and only the open rest is re-rendered (plain) on
 * each frame, also shown inside that table / list when it continues one. So each frame's work is bounded by the
 * open rest, whatever the length of the answer.
 */
import type MarkdownIt from 'markdown-it';
import { BlockSplitter, type Piece } from './blocks';
import { definesReferences, joinParts, renderMarkdown } from './pieces';
import { sanitize } from './sanitize';

export interface StreamContext {
  /** The markdown renderer: highlighting for closed pieces, plain for the open rest. */
  md(highlight: boolean): MarkdownIt.MarkdownIt;
  /** Adds the code-block buttons under `root` (closed pieces only). */
  decorate(root: ParentNode): void;
  /** Asks for `frame()` on the next animation frame. */
  schedule(view: StreamView): void;
}

interface Container {
  readonly kind: 'table' | 'list';
  /** The element rows / items are appended to (a table's tbody, made when the first row comes; a ul / ol). */
  target: HTMLElement | undefined;
  readonly table: HTMLTableElement | undefined;
}

/** Sanitised nodes of `html` (rows or list items, and the line breaks between them) parsed in their own context. */
function nodesOf(kind: 'table' | 'list', html: string): ChildNode[] {
  if (!html) return [];
  const frag = sanitize(kind === 'table' ? `<table><tbody>${html}</tbody></table>` : `<ul>${html}</ul>`);
  const parent = kind === 'table' ? frag.querySelector('tbody') : frag.querySelector('ul');
  return parent ? Array.from(parent.childNodes) : [];
}

export class StreamView {
  readonly splitter: BlockSplitter;
  private pending = '';
  private readonly openEl: HTMLElement;
  private container: Container | undefined;
  /** Rows / items of the open rest shown inside the open table / list (replaced every frame). */
  private provisional: ChildNode[] = [];

  constructor(
    private readonly body: HTMLElement,
    initial: string,
    private readonly ctx: StreamContext,
  ) {
    this.splitter = new BlockSplitter(ctx.md(false));
    this.openEl = body.ownerDocument.createElement('div');
    this.openEl.className = 'block open';
    body.replaceChildren(this.openEl);
    this.push(initial);
  }

  /** Everything received so far. */
  get received(): number {
    return this.splitter.length + this.pending.length;
  }

  push(text: string): void {
    if (!text) return;
    this.pending += text;
    this.ctx.schedule(this);
  }

  frame(): void {
    const closed = this.splitter.append(this.pending);
    this.pending = '';
    this.clearProvisional();
    for (const p of closed) this.insertClosed(p);
    this.renderOpen(this.splitter.openPiece);
  }

  finish(): void {
    this.frame();
    this.clearProvisional();
    for (const p of this.splitter.finish()) this.insertClosed(p);
    this.openEl.remove();
    const md = this.ctx.md(true);
    const pieces = this.splitter.closedPieces;
    if (definesReferences(md, pieces)) {
      // a reference definition applies to the text before it too: render the answer whole, as it reopens
      this.container = undefined;
      const el = this.body.ownerDocument.createElement('div');
      el.className = 'block';
      this.setHtml(el, md.render(pieces.map((p) => p.text).join('')));
      this.ctx.decorate(el);
      this.body.replaceChildren(el);
    }
  }

  private clearProvisional(): void {
    for (const n of this.provisional) n.remove();
    this.provisional = [];
  }

  private renderOpen(p: Piece): void {
    const c = this.container;
    if (p.join === 'rows' && c?.table && p.text.trim()) {
      // the open rows go in a table of their own under the big one, with its column widths: appended to the big
      // table they would make the browser lay all of it out again on every frame (table layout is whole-table)
      const parts = joinParts(this.ctx.md(false), p);
      const doc = this.body.ownerDocument;
      const rows = nodesOf('table', parts.join);
      const frag = doc.createDocumentFragment();
      if (rows.length) {
        const table = doc.createElement('table');
        table.className = 'open-rows';
        const widths = this.columnWidths(c.table);
        if (widths.length) {
          table.style.tableLayout = 'fixed';
          table.style.width = `${widths.reduce((a, b) => a + b, 0)}px`;
          const cols = doc.createElement('colgroup');
          for (const w of widths) {
            const col = doc.createElement('col');
            col.style.width = `${w}px`;
            cols.append(col);
          }
          table.append(cols);
        }
        const tbody = doc.createElement('tbody');
        tbody.append(...rows);
        table.append(tbody);
        frag.append(table);
      }
      frag.append(sanitize(parts.rest));
      this.openEl.replaceChildren(frag);
      return;
    }
    if (p.join === 'items' && c?.target && p.text.trim()) {
      // the open items likewise go in a list of their own right under the big one (numbered on from it), so the
      // big list is laid out once per closed run, not on every frame
      const parts = joinParts(this.ctx.md(false), p);
      const doc = this.body.ownerDocument;
      const items = nodesOf('list', parts.join);
      const frag = doc.createDocumentFragment();
      if (items.length) {
        const list = doc.createElement(c.target.tagName === 'OL' ? 'ol' : 'ul');
        list.className = 'open-items';
        if (list.tagName === 'OL') list.setAttribute('start', String(this.nextNumber(c.target)));
        list.append(...items);
        frag.append(list);
      }
      frag.append(sanitize(parts.rest));
      this.openEl.replaceChildren(frag);
      return;
    }
    if (p.join !== 'block' && c && p.text.trim()) {
      const parts = joinParts(this.ctx.md(false), p);
      this.provisional = this.appendTo(c, parts.join);
      this.setHtml(this.openEl, parts.rest);
      return;
    }
    if (p.text.trim()) this.setHtml(this.openEl, renderMarkdown(this.ctx.md(false), p.text, p.loose));
    else this.openEl.replaceChildren();
  }

  /** The number the next item of an ordered list gets (its start plus the items it has). */
  private nextNumber(list: HTMLElement): number {
    const start = Number(list.getAttribute('start') ?? '1');
    // a markdown list's children are all <li>
    return (Number.isFinite(start) ? start : 1) + list.childElementCount;
  }

  /** The widths of the big table's columns, measured once after each run of rows joined it. */
  private widths: { readonly table: HTMLTableElement; readonly rows: number; readonly px: number[] } | undefined;

  private columnWidths(table: HTMLTableElement): number[] {
    const rows = table.rows.length;
    if (this.widths?.table !== table || this.widths.rows !== rows) {
      const head = table.tHead?.rows[0];
      this.widths = {
        table,
        rows,
        px: head ? Array.from(head.cells, (cell) => cell.getBoundingClientRect().width) : [],
      };
    }
    return this.widths.px;
  }

  private setHtml(el: HTMLElement, html: string): void {
    el.replaceChildren(sanitize(html));
  }

  private appendTo(c: Container, html: string): ChildNode[] {
    const els = nodesOf(c.kind, html);
    if (!els.length) return els;
    if (!c.target && c.table) {
      c.target = c.table.ownerDocument.createElement('tbody');
      c.table.append(c.target);
    }
    c.target?.append(...els);
    return els;
  }

  private insertClosed(p: Piece): void {
    const md = this.ctx.md(true);
    if (p.join === 'block') {
      this.container = undefined;
      if (!p.text.trim()) return;
      const el = this.body.ownerDocument.createElement('div');
      el.className = 'block';
      this.setHtml(el, renderMarkdown(md, p.text, p.loose));
      this.ctx.decorate(el);
      this.body.insertBefore(el, this.openEl);
      if (p.opens === 'table') {
        const table = el.querySelector<HTMLTableElement>(':scope > table') ?? undefined;
        if (table) this.container = { kind: 'table', table, target: table.tBodies[0] };
      } else if (p.opens === 'list') {
        const list = el.querySelector<HTMLElement>(':scope > ul, :scope > ol') ?? undefined;
        if (list) this.container = { kind: 'list', table: undefined, target: list };
      }
      return;
    }
    const c = this.container;
    if (!c) return;
    const parts = joinParts(md, p);
    if (p.join === 'relist') {
      const els = nodesOf('list', parts.join);
      // the line break right after <ul> belongs to the list's own tag: keep it
      const lead = c.target?.firstChild?.nodeType === Node.TEXT_NODE ? c.target.firstChild : undefined;
      c.target?.replaceChildren(...(lead ? [lead] : []), ...els);
      if (c.target) this.ctx.decorate(c.target);
      return;
    }
    const els = this.appendTo(c, parts.join);
    for (const e of els) if (e instanceof Element) this.ctx.decorate(e);
    if (parts.rest.trim()) {
      const el = this.body.ownerDocument.createElement('div');
      el.className = 'block';
      this.setHtml(el, parts.rest);
      this.ctx.decorate(el);
      this.body.insertBefore(el, this.openEl);
      this.container = undefined;
    }
  }
}
