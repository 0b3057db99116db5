/**
 * Incremental markdown block splitter (pure, DOM-free; unit-tested in Node).
 *
 * While an answer streams, the text is cut into *pieces*. A piece is closed once nothing later can change how it
 * renders; it is then rendered once and kept, and only the open rest is re-parsed on each frame, so each frame's
 * work stays bounded by the size of the open rest, not of the answer.
 *
 * Rules (on complete lines only, so the result does not depend on how the text was chunked):
 *  - Inside a fenced code block (``` or ~~~, the closing fence at least as long as the opening one) nothing closes.
 *  - A fence that opened at the start of a line (no list or quote marker, ≤ 3 spaces) closes its block as soon as
 *    its closing fence line is complete (indented by at most 3 spaces: 4 make it a line of code): its code can be
 *    highlighted right away.
 *  - Otherwise a block closes at a run of blank lines followed by a line that starts in column 0 (an indented line
 *    continues a list item or an indented code block, so it stays in the same block).
 *  - A top-level table or list (starting the block, or interrupting a paragraph) is split at row / item boundaries (with a markdown-it instance given): rows and items
 *    are closed in runs of a few and join the table / list the first piece opened, so a 2,000-row table without a
 *    blank line is not one open block re-rendered in full on every frame. markdown-it itself decides what is a row,
 *    where an item starts and where the table or list ends (its token line maps), so the pieces render to exactly
 *    the HTML of the whole text; a list that turns out loose (a blank line between items) is re-rendered once with
 *    paragraphs.
 * Every character belongs to exactly one piece: the closed pieces' text + the open text === the text received.
 */
import {
  type Md,
  type Piece,
  type Fence,
  type TableMode,
  type ListMode,
  type Token,
  FENCE_OPEN,
  FENCE_CLOSE,
  TOP_FENCE_CLOSE,
  BLANK,
  LIST_START,
  THEMATIC_BREAK,
  DELIMITER_ROW,
  ROWS_PER_PIECE,
  ITEMS_PER_PIECE,
  MAX_AUTOCOMPLETED_CELLS,
  cellCount,
} from './blockSyntax';

export { type Piece, ROWS_PER_PIECE, ITEMS_PER_PIECE, hasOpenFence } from './blockSyntax';

export class BlockSplitter {
  /** Complete lines (each with its '\n') of the open piece. */
  private lines: string[] = [];
  /** The incomplete last line (short: scanning it per delta keeps the whole thing linear). */
  private partial = '';
  private total = 0;
  private fence: Fence | undefined;
  /** The open block has a non-blank line. */
  private hasContent = false;
  /** A blank line followed the block's content (a boundary if the next line starts in column 0). */
  private sawBlank = false;
  private mode: TableMode | ListMode | undefined;
  private readonly _closed: Piece[] = [];

  /** With `md` (the instance that renders), tables and lists are split at row / item boundaries. */
  constructor(private readonly md?: Md) {}

  /** The text of every closed piece so far, in order. */
  get closed(): readonly string[] {
    return this._closed.map((p) => p.text);
  }

  get closedPieces(): readonly Piece[] {
    return this._closed;
  }

  /** The open text (may be empty). */
  get open(): string {
    return this.lines.join('') + this.partial;
  }

  /** The open text, and how it joins the closed pieces (more rows / items of an open table / list, or a block). */
  get openPiece(): Piece {
    const text = this.open;
    const m = this.mode;
    if (m?.kind === 'table' && m.committed) return { text, join: 'rows', head: m.head };
    if (m?.kind === 'list' && m.committed) return { text, join: 'items', loose: m.loose };
    return { text, join: 'block', ...(m?.kind === 'list' && m.loose ? { loose: true } : {}) };
  }

  /** Characters received so far. */
  get length(): number {
    return this.total;
  }

  /** Appends streamed text; returns the pieces that this closed (in order). */
  append(delta: string): Piece[] {
    if (!delta) return [];
    this.total += delta.length;
    const before = this._closed.length;
    let from = 0;
    for (;;) {
      const nl = delta.indexOf('\n', from);
      if (nl < 0) break;
      const line = this.partial + delta.slice(from, nl);
      this.partial = '';
      this.line(line);
      from = nl + 1;
    }
    this.partial += delta.slice(from);
    return this._closed.slice(before);
  }

  /** The stream ended: everything open closes. Returns the pieces this closed. */
  finish(): Piece[] {
    const before = this._closed.length;
    const rest = this.partial;
    this.partial = '';
    // the end of the text ends its last line: decide it like any other line, then give back the '\n' it never had
    if (rest) this.line(rest);
    // closing a list can feed what followed it back in, which may open another table or list
    while (this.mode) {
      if (this.mode.kind === 'table') {
        this.closeTable();
        this.mode = undefined;
      } else {
        this.closeList(undefined);
      }
    }
    if (this.lines.length) this.close();
    if (rest) {
      for (let i = this._closed.length - 1; i >= before; i--) {
        const p = this._closed[i]!;
        if (!p.text) continue;
        this._closed[i] = { ...p, text: p.text.slice(0, -1) };
        break;
      }
    }
    this.fence = undefined;
    this.hasContent = false;
    this.sawBlank = false;
    return this._closed.slice(before).filter((p) => p.text || p.join === 'relist');
  }

  private push(p: Piece): void {
    this._closed.push(p);
  }

  private resetBlock(): void {
    this.lines = [];
    this.hasContent = false;
    this.sawBlank = false;
    this.fence = undefined;
  }

  /** Closes the open block made of the complete lines seen so far. */
  private close(): void {
    if (this.lines.length) this.push({ text: this.lines.join(''), join: 'block' });
    this.lines = [];
    this.hasContent = false;
    this.sawBlank = false;
  }

  /** One complete line, without its '\n'. */
  private line(line: string): void {
    if (this.mode?.kind === 'table') this.tableLine(line, this.mode);
    else if (this.mode?.kind === 'list') this.listLine(line, this.mode);
    else this.blockLine(line);
  }

  private blockLine(line: string): void {
    if (this.fence) {
      this.lines.push(`${line}\n`);
      const f = this.fence;
      const m = (f.topLevel ? TOP_FENCE_CLOSE : FENCE_CLOSE).exec(line);
      if (m && m[1]![0] === f.ch && m[1]!.length >= f.len) {
        this.fence = undefined;
        if (f.topLevel) this.close();
      }
      return;
    }
    if (BLANK.test(line)) {
      if (this.hasContent) this.sawBlank = true;
      this.lines.push(`${line}\n`);
      return;
    }
    if (this.sawBlank) {
      this.sawBlank = false;
      if (!/^[ \t]/.test(line)) this.close();
    }
    if (this.md && this.startsContainer(line)) return;
    this.lines.push(`${line}\n`);
    const fm = FENCE_OPEN.exec(line);
    if (fm) {
      const marker = fm[3]!;
      const info = fm[4] ?? '';
      // a backtick fence's info string may not contain a backtick
      if (!(marker[0] === '`' && info.includes('`'))) {
        this.fence = { ch: marker[0] as '`' | '~', len: marker.length, topLevel: fm[1] === '' };
      }
    }
    this.hasContent = true;
  }

  /**
   * Whether `line` starts a top-level list, or completes a top-level table's header, as markdown-it parses the open
   * block; if so the block before it closes and the list / table mode begins (the line is taken).
   */
  private startsContainer(line: string): boolean {
    const md = this.md!;
    const lm = LIST_START.exec(line);
    if (lm && !THEMATIC_BREAK.test(line)) {
      const at = this.lines.length;
      if (
        this.hasContent &&
        !this.topLevelOpensAt(md.parse(`${this.lines.join('')}${line}\n`, {}), at, [
          'bullet_list_open',
          'ordered_list_open',
        ])
      )
        return false;
      if (this.hasContent) this.close();
      this.mode = {
        kind: 'list',
        marker: lm[2] ?? lm[3]!,
        indent: lm[1]!.length,
        ordered: !lm[2],
        loose: false,
        committed: false,
        source: '',
        candidates: 0,
        blankBefore: false,
      };
      this.lines.push(`${line}\n`);
      this.hasContent = true;
      return true;
    }
    const prev = this.lines[this.lines.length - 1];
    if (this.hasContent && prev !== undefined && prev.includes('|') && DELIMITER_ROW.test(line) && line.includes('-')) {
      const at = this.lines.length - 1;
      const tokens = md.parse(`${this.lines.join('')}${line}\n`, {});
      if (!this.topLevelOpensAt(tokens, at, ['table_open'])) return false;
      const columns = tokens.filter((t) => t.type === 'th_open').length;
      const before = this.lines.slice(0, at);
      this.lines = before;
      if (before.some((l) => !BLANK.test(l))) this.close();
      this.lines.push(prev, `${line}\n`);
      this.mode = {
        kind: 'table',
        head: `${prev}${line}\n`,
        headLines: 2,
        columns,
        autocompleted: 0,
        rows: 0,
        committed: false,
      };
      this.hasContent = true;
      return true;
    }
    return false;
  }

  /** A top-level token of one of `types` opens at line `at` (and the tokens before it end before that line). */
  private topLevelOpensAt(tokens: Token[], at: number, types: readonly string[]): boolean {
    for (const t of tokens) {
      if (t.level !== 0 || t.nesting === -1 || !t.map) continue;
      if (t.map[0] === at) return types.includes(t.type);
      if (t.map[1] > at) return false;
    }
    return false;
  }

  // ---- tables ----

  private isRow(line: string, t: TableMode): boolean {
    if (BLANK.test(line)) return false;
    const added = t.columns - cellCount(line.trim());
    if (t.autocompleted + added > MAX_AUTOCOMPLETED_CELLS) return false;
    const tokens = this.md!.parse(`${t.head}${line}\n`, {});
    if (!tokens.some((k) => k.type === 'tr_open' && k.map?.[0] === t.headLines)) return false;
    t.autocompleted += added;
    return true;
  }

  private tableLine(line: string, t: TableMode): void {
    if (this.isRow(line, t)) {
      this.lines.push(`${line}\n`);
      t.rows++;
      if (t.rows >= ROWS_PER_PIECE) this.closeTable();
      return;
    }
    // the table ended before this line: it starts a block of its own
    this.closeTable();
    this.mode = undefined;
    this.resetBlock();
    this.blockLine(line);
  }

  private closeTable(): void {
    const t = this.mode as TableMode;
    if (this.lines.length) {
      this.push(
        t.committed
          ? { text: this.lines.join(''), join: 'rows', head: t.head }
          : { text: this.lines.join(''), join: 'block', opens: 'table' },
      );
      t.committed = true;
    }
    this.lines = [];
    t.rows = 0;
  }

  // ---- lists ----

  private listLine(line: string, t: ListMode): void {
    if (BLANK.test(line)) {
      this.lines.push(`${line}\n`);
      t.blankBefore = true;
      return;
    }
    const m = LIST_START.exec(line);
    const sibling = !!m && m[1]!.length <= t.indent && !THEMATIC_BREAK.test(line) && (m[2] ?? m[3]) === t.marker;
    if (!sibling && t.blankBefore && !/^[ \t]/.test(line)) {
      // a blank line, then one in column 0 that is no item of this list: the list ended at the blank line
      this.closeList(undefined);
      this.line(line);
      return;
    }
    t.blankBefore = false;
    if (sibling && ++t.candidates >= ITEMS_PER_PIECE && this.closeList(line)) return;
    this.lines.push(`${line}\n`);
  }

  /**
   * Closes the open list piece: before `next` when it starts a sibling item (then `next` opens the next piece), or
   * (no `next`) as the list's last piece. Where markdown-it ends the list earlier, the rest is fed back as blocks.
   * Returns whether `next` was taken.
   */
  private closeList(next: string | undefined): boolean {
    const t = this.mode as ListMode;
    const src = this.lines.join('') + (next !== undefined ? `${next}\n` : '');
    const tokens = this.md!.parse(src, {});
    const open = tokens.findIndex((k) => k.level === 0 && k.nesting === 1);
    const first = tokens[open];
    if (!first || (first.type !== 'bullet_list_open' && first.type !== 'ordered_list_open') || !first.map) {
      // not a list after all (cannot happen for a block that began with an item): close it as a plain block
      if (next !== undefined) {
        t.candidates = 0;
        return false;
      }
      this.mode = undefined;
      this.close();
      this.resetBlock();
      return false;
    }
    let close = open + 1;
    for (let depth = 1; close < tokens.length; close++) {
      const k = tokens[close]!;
      if (k.level === 0) depth += k.nesting;
      if (depth === 0) break;
    }
    const loose = tokens
      .slice(open + 1, close)
      .some((k) => k.type === 'paragraph_open' && k.level === first.level + 2 && !k.hidden);
    const end = first.map[1];
    const at = this.lines.length;
    if (next !== undefined && end > at) {
      const isItem = tokens.some(
        (k) => k.type === 'list_item_open' && k.level === first.level + 1 && k.map?.[0] === at,
      );
      if (!isItem) {
        t.candidates = 0;
        return false;
      }
      this.emitList(this.lines.join(''), loose);
      this.lines = [`${next}\n`];
      t.candidates = 1;
      return true;
    }
    // the list ends at line `end`: its lines close; what follows starts afresh as blocks
    const listLines = this.lines.slice(0, Math.min(end, at));
    const rest = this.lines.slice(listLines.length);
    if (listLines.length) this.emitList(listLines.join(''), loose);
    this.mode = undefined;
    this.resetBlock();
    for (const l of rest) this.line(l.slice(0, -1));
    if (next !== undefined) this.line(next);
    return next !== undefined;
  }

  private emitList(text: string, loose: boolean): void {
    const t = this.mode as ListMode;
    if (loose && !t.loose) {
      t.loose = true;
      if (t.committed) this.push({ text: '', join: 'relist', source: t.source, loose: true });
    }
    this.push(
      t.committed
        ? { text, join: 'items', loose: t.loose }
        : { text, join: 'block', opens: 'list', ...(t.loose ? { loose: true } : {}) },
    );
    t.source += text;
    t.committed = true;
  }
}
