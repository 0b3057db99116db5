/**
 * Incremental markdown block splitter (pure, DOM-free; unit-tested in Node).
 *
 * While an answer streams, the text is cut into top-level blocks. A block is *closed* once nothing later can change
 * how it renders; it is then rendered once and kept, and only the last, *open* block is re-parsed on each frame.
 *
 * Rules (on complete lines only, so the result does not depend on how the text was chunked):
 *  - Inside a fenced code block (``` or ~~~, the closing fence at least as long as the opening one) nothing closes.
 *  - A fence that opened at the start of a line (no list or quote marker, ≤ 3 spaces) closes its block as soon as
 *    its closing fence line is complete: its code can be highlighted right away.
 *  - Otherwise a block closes at a run of blank lines followed by a line that starts in column 0 (an indented line
 *    continues a list item or an indented code block, so it stays in the same block).
 * Every character belongs to exactly one block: `closed.join('') + open === text`.
 */

interface Fence {
  readonly ch: '`' | '~';
  readonly len: number;
  /** Opened at the top level (closing it closes the block). */
  readonly topLevel: boolean;
}

const FENCE_OPEN = /^((?:[ \t]*>)*[ \t]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)?)( {0,3})(`{3,}|~{3,})([^\n]*)$/;
const FENCE_CLOSE = /^[ \t>]*(`{3,}|~{3,})[ \t]*\r?$/;
const BLANK = /^[ \t]*\r?$/;

export class BlockSplitter {
  /** Complete lines (each with its '\n') of the open block. */
  private lines: string[] = [];
  /** The incomplete last line (short: scanning it per delta keeps the whole thing linear). */
  private partial = '';
  private total = 0;
  private fence: Fence | undefined;
  /** The open block has a non-blank line. */
  private hasContent = false;
  /** A blank line followed the block's content (a boundary if the next line starts in column 0). */
  private sawBlank = false;
  private readonly _closed: string[] = [];

  /** Every closed block so far, in order. */
  get closed(): readonly string[] {
    return this._closed;
  }

  /** The open block (may be empty). */
  get open(): string {
    return this.lines.join('') + this.partial;
  }

  /** Characters received so far. */
  get length(): number {
    return this.total;
  }

  /** Appends streamed text; returns the blocks that this closed (in order). */
  append(delta: string): string[] {
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

  /** The stream ended: the open block (if any text) closes. Returns it. */
  finish(): string[] {
    const rest = this.open;
    this.lines = [];
    this.partial = '';
    this.fence = undefined;
    this.hasContent = false;
    this.sawBlank = false;
    if (!rest) return [];
    this._closed.push(rest);
    return [rest];
  }

  /** Closes the open block made of the complete lines seen so far. */
  private close(): void {
    if (this.lines.length) this._closed.push(this.lines.join(''));
    this.lines = [];
    this.hasContent = false;
    this.sawBlank = false;
  }

  /** One complete line, without its '\n'. */
  private line(line: string): void {
    if (this.fence) {
      this.lines.push(`${line}\n`);
      const f = this.fence;
      const m = FENCE_CLOSE.exec(line);
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
}

/** The open block has an unclosed code fence (its code is shown plain until the fence closes). */
export function hasOpenFence(block: string): boolean {
  let fence: { ch: string; len: number } | undefined;
  for (const line of block.split('\n')) {
    if (fence) {
      const m = FENCE_CLOSE.exec(line);
      if (m && m[1]![0] === fence.ch && m[1]!.length >= fence.len) fence = undefined;
      continue;
    }
    const fm = FENCE_OPEN.exec(line);
    if (fm && !(fm[3]![0] === '`' && (fm[4] ?? '').includes('`'))) fence = { ch: fm[3]![0]!, len: fm[3]!.length };
  }
  return fence !== undefined;
}
