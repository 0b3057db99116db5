/**
 * The line syntax the block splitter (./blocks) reads: piece and mode types, the fence, list, table and break
 * patterns, markdown-it's cell count of a table row, and whether a block has an unclosed fence. Pure, DOM-free.
 */
import type MarkdownIt from 'markdown-it';

export type Md = MarkdownIt.MarkdownIt;

/** How a closed piece joins what came before it. */
export type Join =
  /** A block of its own. */
  | 'block'
  /** More rows of the table the last `opens: 'table'` block started (rendered after `head`, the table's first two lines). */
  | 'rows'
  /** More items of the list the last `opens: 'list'` block started. */
  | 'items'
  /** No new text: the list turned loose; re-render every item of it from `source`, with paragraphs. */
  | 'relist';

export interface Piece {
  readonly text: string;
  readonly join: Join;
  /** A block that starts a table or list which later pieces join. */
  readonly opens?: 'table' | 'list';
  /** 'rows': the table's header and delimiter lines, each with its '\n'. */
  readonly head?: string;
  /** List pieces: the list is loose (its items' paragraphs are shown as paragraphs). */
  readonly loose?: boolean;
  /** 'relist': the list's whole source so far. */
  readonly source?: string;
}

export interface Fence {
  readonly ch: '`' | '~';
  readonly len: number;
  /** Opened at the top level (closing it closes the block). */
  readonly topLevel: boolean;
}

export interface TableMode {
  readonly kind: 'table';
  readonly head: string;
  readonly headLines: number;
  readonly columns: number;
  /** markdown-it's running count of cells it had to add to short rows (it ends the table past 65,536). */
  autocompleted: number;
  /** Rows in the open piece. */
  rows: number;
  /** The first piece (with the header) is closed: later ones join it as rows. */
  committed: boolean;
}

export interface ListMode {
  readonly kind: 'list';
  /** The bullet character, or the ordered list's delimiter: another one starts another list. */
  readonly marker: string;
  /** Spaces before the first item's marker: a sibling item is indented no more than that. */
  readonly indent: number;
  readonly ordered: boolean;
  loose: boolean;
  committed: boolean;
  /** The text of the closed pieces of this list (a loose list is re-rendered from it). */
  source: string;
  /** Lines in the open piece that look like the start of a sibling item. */
  candidates: number;
  /** The previous line was blank. */
  blankBefore: boolean;
}

export type Token = MarkdownIt.Token;

export const FENCE_OPEN = /^((?:[ \t]*>)*[ \t]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)?)( {0,3})(`{3,}|~{3,})([^\n]*)$/;
export const FENCE_CLOSE = /^[ \t>]*(`{3,}|~{3,})[ \t]*\r?$/;
/** A closing fence of a top-level fence: indented by at most 3 spaces (4 make it a line of code). */
export const TOP_FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*\r?$/;
export const BLANK = /^[ \t]*\r?$/;
/** A list item marker, indented at most 3 spaces (group 1: indentation, 2: bullet, 3: ordered delimiter). */
export const LIST_START = /^( {0,3})(?:([-+*])|\d{1,9}([.)]))(?:[ \t]|\r?$)/;
export const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*\r?$/;
/** A line that may be a table's delimiter row (markdown-it decides). */
export const DELIMITER_ROW = /^ {0,3}[|:-][|: \t-]*\r?$/;
/** Rows (items) closed together: each frame re-renders at most about this many. */
export const ROWS_PER_PIECE = 24;
export const ITEMS_PER_PIECE = 12;
export const MAX_AUTOCOMPLETED_CELLS = 65536;

/** How many cells markdown-it reads in a table row (its escapedSplit, then an empty first and last cell dropped). */
export function cellCount(row: string): number {
  const cells: string[] = [];
  let current = '';
  let lastPos = 0;
  let escaped = false;
  for (let pos = 0; pos < row.length; pos++) {
    const ch = row.charCodeAt(pos);
    if (ch === 0x7c) {
      if (!escaped) {
        cells.push(current + row.substring(lastPos, pos));
        current = '';
        lastPos = pos + 1;
      } else {
        current += row.substring(lastPos, pos - 1);
        lastPos = pos;
      }
    }
    escaped = ch === 0x5c;
  }
  cells.push(current + row.substring(lastPos));
  if (cells.length && cells[0] === '') cells.shift();
  if (cells.length && cells[cells.length - 1] === '') cells.pop();
  return cells.length;
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
