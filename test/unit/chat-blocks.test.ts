/**
 * The incremental block splitter of the chat renderer (src/ui/chat/blocks.ts) and the HTML of its pieces
 * (src/ui/chat/pieces.ts): pure, so they run in Node. The streamed pieces render to exactly the HTML of the whole
 * text (tables and lists split at row / item boundaries included), however the stream is chunked.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { BlockSplitter, ITEMS_PER_PIECE, type Piece, ROWS_PER_PIECE, hasOpenFence } from '../../src/ui/chat/blocks';
import { createMarkdown } from '../../src/ui/chat/markdown';
import { composeHtml } from '../../src/ui/chat/pieces';

function splitAll(text: string, cuts: number[] = []): { blocks: string[]; openSeen: string[] } {
  const s = new BlockSplitter();
  const blocks: string[] = [];
  const openSeen: string[] = [];
  let prev = 0;
  for (const c of [...new Set(cuts)].sort((a, b) => a - b)) {
    blocks.push(...s.append(text.slice(prev, c)).map((p) => p.text));
    openSeen.push(s.open);
    prev = c;
  }
  blocks.push(...s.append(text.slice(prev)).map((p) => p.text));
  blocks.push(...s.finish().map((p) => p.text));
  return { blocks, openSeen };
}

/** Streams `text` through a splitter that splits tables and lists, cut at `cuts`; the pieces and the largest open text seen. */
function stream(
  md: ReturnType<typeof createMarkdown>,
  text: string,
  cuts: readonly number[] = [],
): { pieces: Piece[]; maxOpen: number } {
  const s = new BlockSplitter(md);
  const pieces: Piece[] = [];
  let prev = 0;
  let maxOpen = 0;
  for (const c of [...new Set(cuts.map((x) => Math.min(Math.max(0, x), text.length)))].sort((a, b) => a - b)) {
    pieces.push(...s.append(text.slice(prev, c)));
    maxOpen = Math.max(maxOpen, s.open.length);
    assert.equal(s.closed.join('') + s.open, text.slice(0, c), 'every character in exactly one piece');
    prev = c;
  }
  pieces.push(...s.append(text.slice(prev)));
  maxOpen = Math.max(maxOpen, s.open.length);
  pieces.push(...s.finish());
  assert.equal(pieces.map((p) => p.text).join(''), text);
  return { pieces, maxOpen };
}

const everyN = (text: string, n: number): number[] =>
  Array.from({ length: Math.floor(text.length / n) }, (_, i) => (i + 1) * n);

const SAMPLE = [
  '# Title',
  '',
  'A paragraph with **bold** and a [link](https://example.com).',
  'Still the same paragraph.',
  '',
  '- item one',
  '- item two',
  '',
  '  continued item two (indented, same block)',
  '',
  '```ts',
  'const a = 1;',
  '',
  'const b = 2; // the blank line above stays inside the fence',
  '```',
  'After the fence.',
  '',
  '| a | b |',
  '|---|---|',
  '| 1 | 2 |',
  '',
  '你好，世界 🌍',
  '',
].join('\n');

describe('chat block splitter', () => {
  it('splits at blank lines followed by a line in column 0, never inside a fence', () => {
    const { blocks } = splitAll(SAMPLE);
    assert.equal(blocks.join(''), SAMPLE, 'every character in exactly one block');
    const trimmed = blocks.map((b) => b.trim());
    assert.deepEqual(trimmed, [
      '# Title',
      'A paragraph with **bold** and a [link](https://example.com).\nStill the same paragraph.',
      '- item one\n- item two\n\n  continued item two (indented, same block)',
      '```ts\nconst a = 1;\n\nconst b = 2; // the blank line above stays inside the fence\n```',
      'After the fence.',
      '| a | b |\n|---|---|\n| 1 | 2 |',
      '你好，世界 🌍',
    ]);
  });

  it('closes a top-level fence as soon as its closing line is complete (so it can be highlighted)', () => {
    const s = new BlockSplitter();
    assert.deepEqual(s.append('Intro\n```py\nprint(1)\n'), []);
    assert.ok(hasOpenFence(s.open));
    assert.deepEqual(s.append('``'), [], 'an incomplete line decides nothing');
    const closed = s.append('`\nnext');
    assert.deepEqual(
      closed.map((p) => p.text),
      ['Intro\n```py\nprint(1)\n```\n'],
    );
    assert.equal(s.open, 'next');
    assert.ok(!hasOpenFence(s.open));
  });

  it('a shorter or different fence does not close the code block; a longer one does', () => {
    const s = new BlockSplitter();
    s.append('````md\n```\n~~~~\n\nstill code\n');
    assert.equal(s.closed.length, 0);
    assert.deepEqual(
      s.append('`````\n').map((p) => p.text),
      ['````md\n```\n~~~~\n\nstill code\n`````\n'],
    );
  });

  it('a fence inside a list item keeps its blank lines and does not close the list early', () => {
    const text = '- step:\n  ```sh\n  a\n\n  b\n  ```\n- next step\n\nAfter.\n';
    const { blocks } = splitAll(text);
    assert.deepEqual(
      blocks.map((b) => b.trim()),
      ['- step:\n  ```sh\n  a\n\n  b\n  ```\n- next step', 'After.'],
    );
  });

  it('gives the same blocks however the stream is chunked (property)', () => {
    const whole = splitAll(SAMPLE).blocks;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: SAMPLE.length }), { maxLength: 60 }), (cuts) => {
        const { blocks, openSeen } = splitAll(SAMPLE, cuts);
        assert.deepEqual(blocks, whole);
        for (const o of openSeen) assert.ok(SAMPLE.includes(o));
      }),
      { numRuns: 300 },
    );
  });

  it('any text round-trips: closed blocks + open block = text (property)', () => {
    const alphabet = fc.constantFrom(
      'a',
      ' ',
      '\n',
      '\n\n',
      '```',
      '~~~',
      '- ',
      '1. ',
      '> ',
      '  ',
      '#',
      '|',
      '你',
      '😀',
    );
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 200 }),
        fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 20 }),
        (parts, cuts) => {
          const text = parts.join('');
          const s = new BlockSplitter();
          let prev = 0;
          for (const c of [...new Set(cuts.map((x) => Math.min(x, text.length)))].sort((a, b) => a - b)) {
            s.append(text.slice(prev, c));
            assert.equal(s.closed.join('') + s.open, text.slice(0, c));
            prev = c;
          }
          s.append(text.slice(prev));
          assert.equal(s.closed.join('') + s.open, text);
          s.finish();
          assert.equal(s.closed.join(''), text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rendering block by block gives the same HTML as rendering the whole answer (sample)', () => {
    const md = new MarkdownIt({ html: false });
    const byBlock = splitAll(SAMPLE)
      .blocks.map((b) => md.render(b))
      .join('');
    assert.equal(byBlock, md.render(SAMPLE));
  });

  it('handles a 1 MB answer streamed in 4-character deltas', () => {
    const para = 'word '.repeat(30) + '\n\n';
    const text = para.repeat(Math.ceil(1_000_000 / para.length));
    const s = new BlockSplitter();
    for (let i = 0; i < text.length; i += 4) s.append(text.slice(i, i + 4));
    s.finish();
    assert.equal(s.closed.length, Math.ceil(1_000_000 / para.length));
    assert.equal(s.closed.join(''), text);
  });
});

describe('chat block splitter: long tables and lists stream in bounded pieces, with the HTML of the whole text', () => {
  const md = createMarkdown({ highlight: false });
  const table = (rows: number): string => {
    const lines = ['Intro line.', '', '| # | name | cost |', '|---:|:---|:---:|'];
    for (let i = 1; i <= rows; i++) lines.push(`| ${i} | **key-${i}** \`k\` | ${(i % 97) / 10} |`);
    return `${lines.join('\n')}\n`;
  };
  const list = (items: number, marker = '-'): string => {
    const lines = ['Intro line.', ''];
    for (let i = 1; i <= items; i++)
      lines.push(`${marker === '1.' ? `${i}.` : marker} item ${i} with *emphasis* and \`code\``);
    return `${lines.join('\n')}\n`;
  };

  it('a 2,000-row table without a blank line: rows close in runs, the open rest stays small, the HTML is the whole table', () => {
    const text = table(2000);
    const { pieces, maxOpen } = stream(md, text, everyN(text, 5));
    assert.ok(pieces.filter((p) => p.join === 'rows').length >= 2000 / ROWS_PER_PIECE - 2, `${pieces.length} pieces`);
    assert.ok(pieces.some((p) => p.opens === 'table'));
    assert.ok(maxOpen < 60 * (ROWS_PER_PIECE + 3), `the open text stayed small: ${maxOpen} characters`);
    assert.equal(composeHtml(md, pieces), md.render(text));
  });

  it('a 2,000-item list (bullets and numbers) without a blank line: the same', () => {
    for (const marker of ['-', '*', '1.']) {
      const text = list(2000, marker);
      const { pieces, maxOpen } = stream(md, text, everyN(text, 7));
      assert.ok(
        pieces.filter((p) => p.join === 'items').length >= 2000 / ITEMS_PER_PIECE - 2,
        `${marker}: ${pieces.length} pieces`,
      );
      assert.ok(maxOpen < 60 * (ITEMS_PER_PIECE + 3), `${marker}: open ${maxOpen}`);
      assert.equal(composeHtml(md, pieces), md.render(text), marker);
    }
  });

  it('a list that turns loose after some items were closed is re-rendered once with paragraphs', () => {
    const items = Array.from({ length: 40 }, (_, i) => `- item ${i}`);
    items.splice(30, 0, ''); // one blank line between items 29 and 30: the whole list is loose
    const text = `${items.join('\n')}\n\nAfter.\n`;
    const { pieces } = stream(md, text, everyN(text, 3));
    assert.ok(pieces.some((p) => p.join === 'relist'));
    const html = composeHtml(md, pieces);
    assert.equal(html, md.render(text));
    assert.match(html, /<li>\n<p>item 0<\/p>/);
  });

  it('tables and lists that end without a blank line, start inside a paragraph, nest or hold code', () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `| ${i} | x |`).join('\n');
    const items = (n: number, m = '-') => Array.from({ length: n }, (_, i) => `${m} i${i}`).join('\n');
    const docs = [
      `| a | b |\n|---|---|\n${rows(60)}\n# Heading right after\ntext`,
      `| a | b |\n|---|---|\n${rows(60)}\nA line with no pipe is still a row\n\nAfter.`,
      `| a | b |\n|---|---|\n${rows(60)}\n> a quote ends it\n${rows(3)}`,
      `| a | b |\n|---|---|\n${rows(60)}\n\`\`\`js\nlet a = 1;\n\`\`\`\n${rows(2)}`,
      `Here is a table:\n| a | b |\n|---|---|\n${rows(50)}`,
      `| a |\n|---|\n${rows(50)}\n    indented 4 ends it`,
      `| a | b | c |\n|---|---|---|\n${Array.from({ length: 40 }, (_, i) => `| only ${i} |`).join('\n')}`,
      `${items(50)}\n## Heading right after\n${items(30)}`,
      `${items(50)}\n* another bullet starts another list\n${items(30, '*')}`,
      `${items(50)}\n---\n${items(5)}`,
      `Steps:\n${items(40, '1.')}\nlazy continuation line\n${items(20, '1.')}`,
      `${items(30)}\n  - nested a\n  - nested b\n    \`\`\`sh\n    echo hi\n\n    echo there\n    \`\`\`\n${items(30)}`,
      `7. seven\n${Array.from({ length: 40 }, (_, i) => `${i + 8}. n${i}`).join('\n')}`,
      `1) paren\n${Array.from({ length: 40 }, (_, i) => `${i + 2}) p${i}`).join('\n')}\n1. dot starts another`,
      `${items(30)}\n\n  indented after a blank: the item goes on (loose)\n${items(30)}`,
      `${items(30)}\n\nAfter the list.\n\n${rows(2)}`,
      `${items(20)}\n| a | b |\n|---|---|\n${rows(40)}`,
      `- \`\`\`\n  code in an item\n  \`\`\`\n${items(40)}`,
      `${items(26)}\n-\n${items(26)}\n- \n${items(3)}`,
    ];
    for (const doc of docs) {
      for (const text of [doc, `${doc}\n`]) {
        for (const step of [1, 4, 13]) {
          const { pieces } = stream(md, text, everyN(text, step));
          assert.equal(
            composeHtml(md, pieces),
            md.render(text),
            `${JSON.stringify(text.slice(0, 80))}… in ${step}-character deltas`,
          );
        }
      }
    }
  });

  it('any mix of tables, lists, code, quotes and paragraphs renders as the whole text, however it is chunked (property)', () => {
    const line = fc.constantFrom(
      '',
      '',
      'Some text with **bold** and `code`.',
      'more text',
      '# Heading',
      '## Sub',
      '---',
      '***',
      '> quote',
      '> - quoted item',
      '| a | b |',
      '|---|---|',
      '|:-:|--:|',
      '| 1 | 2 |',
      '| x |',
      'x | y',
      'no pipe row',
      '- item',
      '- item two',
      '* star',
      '+ plus',
      '1. one',
      '2. two',
      '3) three',
      '10. ten',
      '-',
      '  - nested',
      '    - deeper',
      '  continued',
      '   1. nested num',
      '```',
      '```js',
      '~~~',
      '  ```',
      '    indented code',
      'let x = 1;',
      '[link](https://example.com)',
      '[zero\u200Bwidth li\u202Enk](https://example.com/a\u2066b)',
      '<https://example.com/x\u200Dy> and [![im\u200Bg](https://i.example/p.png)](https://example.com)',
      '<b>html is text</b>',
      '你好 😀',
    );
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 90 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 40 }),
        (lines, nl, cuts) => {
          const text = lines.join('\n') + (nl ? '\n' : '');
          const { pieces } = stream(md, text, cuts);
          assert.equal(composeHtml(md, pieces), md.render(text), JSON.stringify(text));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('long runs of table rows and list items in a random document stay bounded and exact (property)', () => {
    const block = fc.oneof(
      fc
        .integer({ min: 30, max: 120 })
        .map((n) => `| h | k |\n|---|---|\n${Array.from({ length: n }, (_, i) => `| ${i} | v${i} |`).join('\n')}`),
      fc
        .tuple(fc.integer({ min: 30, max: 120 }), fc.constantFrom('-', '*', '1.', '1)'))
        .map(([n, m]) =>
          Array.from({ length: n }, (_, i) => `${m.length > 1 ? `${i + 1}${m[1]}` : m} item ${i}`).join('\n'),
        ),
      fc.constantFrom('A paragraph.', '# Title', '```\ncode\n```', '> quote', ''),
    );
    fc.assert(
      fc.property(
        fc.array(block, { minLength: 1, maxLength: 8 }),
        fc.constantFrom('\n', '\n\n'),
        fc.integer({ min: 1, max: 40 }),
        (blocks, sep, step) => {
          const text = blocks.join(sep);
          const { pieces, maxOpen } = stream(md, text, everyN(text, step));
          assert.equal(composeHtml(md, pieces), md.render(text));
          // (a table right after a list item, with no blank line, is that item's lazy paragraph: one long open block)
          if (sep === '\n\n') assert.ok(maxOpen < 2000, `open text ${maxOpen}`);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('chat block splitter: what streams renders as what reopens', () => {
  const md = createMarkdown({ highlight: true });
  const whole = (text: string, cuts: number[]): void => {
    const { pieces } = stream(md, text, cuts);
    assert.equal(composeHtml(md, pieces), md.render(text), JSON.stringify(text));
  };

  it('a fence line indented by 4 spaces is code, not the closing fence', () => {
    const text = '```js\nconst a = 1;\n    ```\n\nstill code\n\n```\n\nafter';
    for (const cuts of [[], [3, 20, 30], [...Array(text.length).keys()]]) whole(text, cuts);
    assert.deepEqual(
      splitAll('```\na\n    ```\n\nb\n```\n\nc').blocks.filter((b) => b.trim()),
      ['```\na\n    ```\n\nb\n```\n', '\nc'],
    );
  });

  it('reference definitions after the links that use them', () => {
    const text =
      'See [the docs][d] and [x].\n\n| a | b |\n|---|---|\n| [x] | 2 |\n\nMore.\n\n[d]: https://docs.example/a\n[x]: https://x.example "X"';
    for (const cuts of [[], [5, 40, 80], [...Array(text.length).keys()]]) whole(text, cuts);
    assert.match(composeHtml(md, stream(md, text).pieces), /<a href="https:\/\/docs\.example\/a"/);
  });
});
