/** The incremental block splitter of the chat renderer (src/ui/chat/blocks.ts): pure, so it runs in Node. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { BlockSplitter, hasOpenFence } from '../../src/ui/chat/blocks';

function splitAll(text: string, cuts: number[] = []): { blocks: string[]; openSeen: string[] } {
  const s = new BlockSplitter();
  const blocks: string[] = [];
  const openSeen: string[] = [];
  let prev = 0;
  for (const c of [...new Set(cuts)].sort((a, b) => a - b)) {
    blocks.push(...s.append(text.slice(prev, c)));
    openSeen.push(s.open);
    prev = c;
  }
  blocks.push(...s.append(text.slice(prev)));
  blocks.push(...s.finish());
  return { blocks, openSeen };
}

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
    assert.deepEqual(closed, ['Intro\n```py\nprint(1)\n```\n']);
    assert.equal(s.open, 'next');
    assert.ok(!hasOpenFence(s.open));
  });

  it('a shorter or different fence does not close the code block; a longer one does', () => {
    const s = new BlockSplitter();
    s.append('````md\n```\n~~~~\n\nstill code\n');
    assert.equal(s.closed.length, 0);
    assert.deepEqual(s.append('`````\n'), ['````md\n```\n~~~~\n\nstill code\n`````\n']);
  });

  it('a fence inside a list item keeps its blank lines and does not close the list early', () => {
    const text = '- step:\n  ```sh\n  a\n\n  b\n  ```\n- next step\n\nAfter.\n';
    const { blocks } = splitAll(text);
    assert.deepEqual(blocks.map((b) => b.trim()), ['- step:\n  ```sh\n  a\n\n  b\n  ```\n- next step', 'After.']);
  });

  it('gives the same blocks however the stream is chunked (property)', () => {
    const whole = splitAll(SAMPLE).blocks;
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: SAMPLE.length }), { maxLength: 60 }), (cuts) => {
      const { blocks, openSeen } = splitAll(SAMPLE, cuts);
      assert.deepEqual(blocks, whole);
      for (const o of openSeen) assert.ok(SAMPLE.includes(o));
    }), { numRuns: 300 });
  });

  it('any text round-trips: closed blocks + open block = text (property)', () => {
    const alphabet = fc.constantFrom('a', ' ', '\n', '\n\n', '```', '~~~', '- ', '1. ', '> ', '  ', '#', '|', '你', '😀');
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 200 }), fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 20 }), (parts, cuts) => {
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
    }), { numRuns: 300 });
  });

  it('rendering block by block gives the same HTML as rendering the whole answer (sample)', () => {
    const md = new MarkdownIt({ html: false });
    const byBlock = splitAll(SAMPLE).blocks.map((b) => md.render(b)).join('');
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
