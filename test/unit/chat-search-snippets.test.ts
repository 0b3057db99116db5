/**
 * Chat history search and export in detail (src/features/chat/exchange.ts): which hit a snippet shows (the earliest,
 * the first listed word on a tie), the line it is cut from and where it is cut, every place a hit can be, and the
 * Markdown of an answer with several variants, each with its own model and figures.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { conversationToMarkdown, exportFileName, searchSnippet } from '../../src/features/chat/exchange';
import type { Turn } from '../../src/features/chat/model';
import { AT, conv, EXPORT_LABELS } from './chat-fixtures';

const turn = (id: string, role: Turn['role'], content: string, over: Partial<Turn> = {}): Turn => ({
  id,
  role,
  content,
  createdAt: AT,
  status: 'done',
  ...over,
});
const said = (content: string) => conv({ turns: [turn('u1', 'user', content)] });

describe('chat search: the snippet of a hit', () => {
  it('shows the earliest hit of any word, whatever the order of the words', () => {
    const c = said('the zebra and the apple');
    const want = { place: 'user', before: 'the ', hit: 'zebra', after: ' and the apple' };
    assert.deepEqual(searchSnippet(c, 'apple zebra'), want);
    assert.deepEqual(searchSnippet(c, 'zebra apple'), want);
    assert.deepEqual(searchSnippet(said('marmalade jam'), 'jam marmalade'), {
      place: 'user',
      before: '',
      hit: 'marmalade',
      after: ' jam',
    });
  });

  it('of two words that start at the same place, the one listed first', () => {
    assert.equal(searchSnippet(said('marmalade jam'), 'marmalade mar')?.hit, 'marmalade');
    assert.equal(searchSnippet(said('marmalade jam'), 'mar marmalade')?.hit, 'mar');
  });

  it('cuts the line of the hit, squashing its white space, on the first, a middle or the last line', () => {
    const c = said('first line\nmarmalade  and\t\tjam on line two\nthird');
    assert.deepEqual(searchSnippet(c, '  marmalade'), {
      place: 'user',
      before: '',
      hit: 'marmalade',
      after: ' and jam on line two',
    });
    assert.deepEqual(searchSnippet(c, 'two'), {
      place: 'user',
      before: 'marmalade and jam on line ',
      hit: 'two',
      after: '',
    });
    assert.deepEqual(searchSnippet(c, 'third'), { place: 'user', before: '', hit: 'third', after: '' });
  });

  it('a long line is cut around the hit, a third of the room before it, with … where cut', () => {
    const c = said(`${'a'.repeat(100)} marmalade ${'b'.repeat(100)}`);
    assert.deepEqual(searchSnippet(c, 'marmalade', 30), {
      place: 'user',
      before: '…aaaaaa ',
      hit: 'marmalade',
      after: ' bbbbbbbbbbbbb…',
    });
  });

  it('finds a hit in another answer of a turn and in a context chip; no word finds nothing', () => {
    const c = conv({
      title: 'nothing',
      turns: [
        turn('a1', 'assistant', 'shown', { variants: [{ content: 'older marmalade', createdAt: AT }] }),
        turn('u2', 'user', 'q', { context: [{ label: 'f', text: 'ctx quokka' }] }),
      ],
    });
    assert.deepEqual(searchSnippet(c, 'marmalade'), {
      place: 'assistant',
      before: 'older ',
      hit: 'marmalade',
      after: '',
    });
    assert.deepEqual(searchSnippet(c, 'quokka'), { place: 'context', before: 'ctx ', hit: 'quokka', after: '' });
    assert.equal(searchSnippet(c, '   '), undefined);
    assert.equal(searchSnippet(c, ''), undefined);
  });
});

describe('chat export: an answer with variants', () => {
  const labels = { ...EXPORT_LABELS, costIncludesRegenerated: 'all' };

  it('writes each variant with its own model and figures, and no figures line where it has none', () => {
    const c = conv({
      turns: [
        turn('u1', 'user', 'hi'),
        turn('a1', 'assistant', 'second', {
          model: 'm2',
          usage: { promptTokens: 3, completionTokens: 2, totalTokens: 5 },
          variants: [
            { content: 'first', createdAt: AT },
            {
              content: 'zero',
              createdAt: AT,
              model: 'm0',
              usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
              cost: { amount: '0.1', currency: 'USD' },
            },
          ],
          variantIndex: 2,
        }),
      ],
    });
    assert.equal(
      conversationToMarkdown(c, labels),
      '# T\n\nTokens: 7 · Cost: 0.1 USD (all)\n\n## You\n\nhi\n\n' +
        '## Assistant — Answer 1 of 3\n\nfirst\n\n' +
        '## Assistant — Answer 2 of 3 (m0)\n\nzero\n\n_Tokens: 2 (1 + 1) · Cost: 0.1 USD_\n\n' +
        '## Assistant — Answer 3 of 3, shown (m2)\n\nsecond\n\n_Tokens: 5 (3 + 2)_\n',
    );
  });

  it('a user message is written as it is, even when an imported file gives it variants', () => {
    const c = conv({ turns: [turn('u1', 'user', 'hi', { variants: [{ content: 'other', createdAt: AT }] })] });
    assert.equal(conversationToMarkdown(c, labels), '# T\n\n## You\n\nhi\n');
  });

  it('a run of path characters in a title becomes one space', () => {
    assert.equal(exportFileName(conv({ title: 'a//::b' }), 'chat'), 'a b');
  });
});
