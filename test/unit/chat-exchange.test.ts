/** Chat export/import/search (pure): Markdown keeps messages and code blocks, JSON round-trips, invalid input refused. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  conversationToJson,
  conversationToMarkdown,
  exportFileName,
  matchesQuery,
  parseConversationJson,
  searchSnippet,
} from '../../src/features/chat/exchange';
import { type Conversation, emptyConversation } from '../../src/features/chat/model';
import { EXPORT_LABELS } from './chat-fixtures';

const labels = EXPORT_LABELS;

function sample(): Conversation {
  const c = emptyConversation({ modelId: 'gpt-x', systemPrompt: 'Be brief.' });
  c.title = 'Sorting: in / out?';
  c.turns.push({
    id: 'u1',
    role: 'user',
    content: 'Sort a list',
    createdAt: c.createdAt,
    context: [{ label: 'a.py:1-1', text: 'x = "```"', language: 'python' }],
  });
  c.turns.push({
    id: 'a1',
    role: 'assistant',
    content: 'Use sorted:\n\n```python\nsorted(xs)\n```\n',
    createdAt: c.createdAt,
    model: 'gpt-x',
    status: 'done',
    usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15 },
    cost: { amount: '0.0001', currency: 'USD' },
  });
  return c;
}

describe('chat exchange', () => {
  it('Markdown holds the title, each message verbatim, context in a longer fence, usage and cost', () => {
    const md = conversationToMarkdown(sample(), labels);
    assert.match(md, /^# Sorting: in \/ out\?\n/);
    assert.ok(md.includes('## You\n\na.py:1-1:\n\n````python\nx = "```"\n````'));
    assert.ok(md.includes('## Assistant (gpt-x)\n\nUse sorted:\n\n```python\nsorted(xs)\n```\n'));
    assert.ok(md.includes('_Tokens: 15 (10 + 5) · Cost: 0.0001 USD_'));
    assert.ok(md.includes('System prompt:\n\n```\nBe brief.\n```'));
  });

  it('JSON round-trips through the versioned schema; unknown fields are not written', () => {
    const c = sample();
    const withExtra = { ...c, apiKey: 'sk-secret' } as Conversation;
    const json = conversationToJson(withExtra);
    assert.ok(!json.includes('sk-secret'));
    const r = parseConversationJson(json);
    assert.ok(r.ok);
    assert.deepEqual(r.conversation, c);
  });

  it('refuses invalid JSON and other shapes, naming the first problem', () => {
    const a = parseConversationJson('{"version":1');
    assert.ok(!a.ok && a.reason === 'json');
    const b = parseConversationJson(JSON.stringify({ ...sample(), version: 2 }));
    assert.ok(!b.ok && b.reason === 'schema' && b.detail.startsWith('version:'));
    const c = parseConversationJson(JSON.stringify({ ...sample(), id: '../x' }));
    assert.ok(!c.ok && c.detail.startsWith('id:'));
  });

  it('a streaming answer imports as stopped', () => {
    const c = sample();
    c.turns[1]!.status = 'streaming';
    const r = parseConversationJson(conversationToJson(c));
    assert.ok(r.ok && r.conversation.turns[1]!.status === 'stopped');
  });

  it('search matches every word in the title or the messages, case-insensitively', () => {
    const c = sample();
    assert.equal(matchesQuery(c, 'SORTING'), true);
    assert.equal(matchesQuery(c, 'sorted xs'), true);
    assert.equal(matchesQuery(c, 'sorted zebra'), false);
    assert.equal(matchesQuery(c, '```'), true, 'context text too');
  });

  it('a search hit shows the line around it, the hit apart, not the whole message', () => {
    const c = sample();
    const long = `${'filler words here. '.repeat(30)}\nThe line with the quokka marmalade recipe in it, and more text after it that goes on and on and on.\n${'tail '.repeat(50)}`;
    c.turns.push({ id: 'a2', role: 'assistant', content: long, createdAt: c.createdAt, status: 'done' });
    const s = searchSnippet(c, 'MARMALADE', 60);
    assert.ok(s);
    assert.equal(s.place, 'assistant');
    assert.equal(s.hit, 'marmalade');
    const shown = `${s.before}${s.hit}${s.after}`;
    assert.ok(shown.length <= 62, shown);
    assert.ok(!shown.includes('filler') && !shown.includes('tail'), 'only the line of the hit');
    assert.match(s.before, /quokka $/);
    assert.match(s.after, /^ recipe.*…$/);
    assert.deepEqual(searchSnippet(c, 'sorted'), { place: 'assistant', before: 'Use ', hit: 'sorted', after: ':' });
    assert.equal(searchSnippet(c, 'sorting')?.place, 'title');
    assert.equal(searchSnippet(c, '"```"')?.place, 'context');
    assert.equal(searchSnippet(c, 'marmalade zebra'), undefined, 'every word must match');
  });

  it('file names drop path characters', () => {
    assert.equal(exportFileName(sample(), 'conversation'), 'Sorting in out');
    assert.equal(exportFileName({ ...sample(), title: '' }, 'conversation'), 'conversation');
  });
});
