/** Chat export, import and search, exactly: the Markdown document, what import refuses, the search words, the file name; the model helpers. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  conversationToMarkdown,
  exportFileName,
  matchesQuery,
  parseConversationJson,
  searchableText,
} from '../../src/features/chat/exchange';
import {
  composeUserMessage,
  conversationIdSchema,
  conversationTotals,
  emptyConversation,
  priceUsage,
  titleFrom,
  type Conversation,
} from '../../src/features/chat/model';
import { EXPORT_LABELS } from './chat-fixtures';

const labels = EXPORT_LABELS;
const AT = '2026-04-01T00:00:00.000Z';

function conv(over: Partial<Conversation> = {}): Conversation {
  return { version: 1, id: 'c1', title: 'T', createdAt: AT, updatedAt: AT, systemPrompt: '', turns: [], ...over };
}

describe('chat export: the Markdown document', () => {
  it('an empty untitled conversation is its heading only', () => {
    assert.equal(conversationToMarkdown(conv({ title: '' }), labels), '# (untitled)\n');
  });

  it('settings line: model, tokens, cost, joined by a middle dot; a blank system prompt is left out', () => {
    const c = conv({
      modelId: 'gpt-4o',
      systemPrompt: '  \n',
      turns: [
        {
          id: 'a',
          role: 'assistant',
          content: 'x',
          createdAt: AT,
          usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
          cost: { amount: '0.5', currency: 'USD' },
        },
      ],
    });
    assert.equal(
      conversationToMarkdown(c, labels),
      '# T\n\nModel: `gpt-4o` · Tokens: 3 · Cost: 0.5 USD\n\n## Assistant\n\nx\n\n_Tokens: 3 (1 + 2) · Cost: 0.5 USD_\n',
    );
    assert.equal(conversationToMarkdown(conv({ modelId: 'm' }), labels), '# T\n\nModel: `m`\n', 'one setting alone');
  });

  it('each turn: who (and which model for an answer), context blocks, the text, then how it ended', () => {
    const c = conv({
      turns: [
        {
          id: 'u',
          role: 'user',
          content: 'Q',
          createdAt: AT,
          model: 'ignored-for-user',
          context: [
            { label: 'a.ts', text: 'code\n' },
            { label: 'b.py', text: 'x', language: 'python' },
          ],
        },
        { id: 's', role: 'assistant', content: 'partial', createdAt: AT, model: 'gpt-4o', status: 'stopped' },
        { id: 'e', role: 'assistant', content: '', createdAt: AT, status: 'error', error: 'boom' },
        { id: 'e2', role: 'assistant', content: '', createdAt: AT, status: 'error' },
        { id: 'd', role: 'assistant', content: 'ok', createdAt: AT, status: 'done' },
      ],
    });
    assert.equal(
      conversationToMarkdown(c, labels),
      [
        '# T',
        '## You\n\na.ts:\n\n```\ncode\n```\n\nb.py:\n\n```python\nx\n```\n\nQ',
        '## Assistant (gpt-4o)\n\npartial\n\n_Stopped_',
        '## Assistant\n\n\n\n_Error: boom_',
        '## Assistant\n\n\n\n_Error: _',
        '## Assistant\n\nok',
      ].join('\n\n') + '\n',
    );
  });

  it('the system prompt in a fence longer than any backtick run inside it', () => {
    const md = conversationToMarkdown(conv({ systemPrompt: 'use ```` fences\n' }), labels);
    assert.equal(md, '# T\n\nSystem prompt:\n\n`````\nuse ```` fences\n`````\n');
  });
});

describe('chat import: what is refused', () => {
  it('not JSON: the parser’s reason; a byte-order mark alone is fine', () => {
    const r = parseConversationJson('{');
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.reason, 'json');
    assert.ok(!r.ok && r.detail.length > 0);
    assert.equal(parseConversationJson(`\uFEFF${JSON.stringify(conv())}`).ok, true);
    assert.equal(parseConversationJson(`x\uFEFF${JSON.stringify(conv())}`).ok, false, 'only a leading mark is dropped');
  });
  it('not the schema: the first problem with its dotted path, (root) for the whole value', () => {
    const bad = parseConversationJson(
      JSON.stringify({ ...conv(), turns: [{ id: 'x', role: 'robot', content: '', createdAt: AT }] }),
    );
    assert.deepEqual(bad.ok ? undefined : [bad.reason, bad.detail.split(':')[0]], ['schema', 'turns.0.role']);
    const root = parseConversationJson('[]');
    assert.deepEqual(root.ok ? undefined : [root.reason, root.detail.split(':')[0]], ['schema', '(root)']);
    const version = parseConversationJson(JSON.stringify({ ...conv(), version: 2 }));
    assert.equal(!version.ok && version.detail.startsWith('version:'), true);
  });
  it('an answer that was still streaming is imported as stopped; others keep their state', () => {
    const r = parseConversationJson(
      JSON.stringify(
        conv({
          turns: [
            { id: 'a', role: 'assistant', content: 'x', createdAt: AT, status: 'streaming' },
            { id: 'b', role: 'assistant', content: 'y', createdAt: AT, status: 'error' },
          ],
        }),
      ),
    );
    assert.deepEqual(r.ok ? r.conversation.turns.map((t) => t.status) : undefined, ['stopped', 'error']);
  });
});

describe('chat import: the schema of a conversation file', () => {
  const imported = (over: Record<string, unknown>, turn: Record<string, unknown> = {}) =>
    parseConversationJson(
      JSON.stringify({
        ...conv(),
        ...over,
        turns: [{ id: 't', role: 'assistant', content: 'x', createdAt: AT, ...turn }],
      }),
    );
  it('a cost is a plain decimal string in CNY or USD', () => {
    for (const amount of ['12', '0.5', '-1.25', '100'])
      assert.equal(imported({}, { cost: { amount, currency: 'CNY' } }).ok, true, amount);
    for (const amount of ['x1.5', '1.5x', '1.', '.5', '1e3', ''])
      assert.equal(imported({}, { cost: { amount, currency: 'USD' } }).ok, false, amount);
    assert.equal(imported({}, { cost: { amount: '1', currency: 'EUR' } }).ok, false);
  });
  it('every answer state, and nothing else', () => {
    for (const status of ['done', 'stopped', 'error'])
      assert.deepEqual(((r) => (r.ok ? r.conversation.turns[0]?.status : r.detail))(imported({}, { status })), status);
    assert.equal(imported({}, { status: 'paused' }).ok, false);
  });
  it('a missing system prompt is empty; temperature 0–2 and max tokens ≥ 1 when given', () => {
    const raw = { ...conv(), turns: [] } as Record<string, unknown>;
    delete raw.systemPrompt;
    const r = parseConversationJson(JSON.stringify(raw));
    assert.equal(r.ok && r.conversation.systemPrompt, '');
    for (const temperature of [0, 1, 2]) assert.equal(imported({ temperature }).ok, true, String(temperature));
    for (const temperature of [-0.1, 2.5]) assert.equal(imported({ temperature }).ok, false, String(temperature));
    for (const maxTokens of [1, 4096]) assert.equal(imported({ maxTokens }).ok, true, String(maxTokens));
    for (const maxTokens of [0, 1.5]) assert.equal(imported({ maxTokens }).ok, false, String(maxTokens));
  });
  it('a byte-order mark inside the text is the text’s own', () => {
    const r = parseConversationJson(JSON.stringify(conv({ title: '\uFEFFtitle' })));
    assert.equal(r.ok && r.conversation.title, '\uFEFFtitle');
  });
});

describe('chat search and file names', () => {
  const c = conv({
    title: 'Sorting lists',
    turns: [
      {
        id: 'u',
        role: 'user',
        content: 'How to SORT?',
        createdAt: AT,
        context: [{ label: 'f', text: 'quicksort here' }],
      },
      { id: 'a', role: 'assistant', content: 'Use sorted()', createdAt: AT },
    ],
  });
  it('the searchable text: the title, then each message and its context, one per line', () => {
    assert.equal(searchableText(c), 'Sorting lists\nHow to SORT?\nquicksort here\nUse sorted()');
  });
  it('every word must appear, in any case; extra blanks and an empty query match everything', () => {
    assert.equal(matchesQuery(c, 'sort QUICKSORT'), true);
    assert.equal(matchesQuery(c, '  sorted()   lists  '), true);
    assert.equal(matchesQuery(c, 'sort python'), false);
    assert.equal(matchesQuery(c, ''), true);
    assert.equal(matchesQuery(c, '   '), true);
    assert.equal(matchesQuery(c, 'lists\nhow'), true, 'a newline separates words');
    assert.equal(matchesQuery(c, 'here\nuse'), true);
    assert.equal(matchesQuery(c, 'lists how'), true, 'words may be in different messages');
    assert.equal(matchesQuery(c, 'listshow'), false);
  });
  it('a file name: forbidden characters and runs of blanks become one space, 60 characters at most; nothing left: the fallback', () => {
    assert.equal(exportFileName(conv({ title: 'a/b\\c:d*e?f"g<h>i|j\u0001k' }), 'chat'), 'a b c d e f g h i j k');
    assert.equal(exportFileName(conv({ title: 'a//::b' }), 'chat'), 'a b');
    assert.equal(exportFileName(conv({ title: '  a \t  b  ' }), 'chat'), 'a b');
    assert.equal(exportFileName(conv({ title: 'x'.repeat(70) }), 'chat'), 'x'.repeat(60));
    assert.equal(exportFileName(conv({ title: '' }), 'chat'), 'chat');
    assert.equal(exportFileName(conv({ title: '///' }), 'chat'), 'chat');
  });
});

describe('chat model helpers', () => {
  it('conversation ids: 1–64 of letters, digits, _ and -', () => {
    for (const ok of ['a', 'A_1-b', 'x'.repeat(64)]) assert.equal(conversationIdSchema.safeParse(ok).success, true, ok);
    for (const bad of ['', 'x'.repeat(65), 'a/b', 'a b', '../x'])
      assert.equal(conversationIdSchema.safeParse(bad).success, false, bad);
  });
  it('a new conversation: version 1, empty, the settings it was given and no others', () => {
    const c = emptyConversation({ connectionId: 'c', modelId: 'm', systemPrompt: 's', temperature: 0, maxTokens: 5 });
    assert.deepEqual(
      [c.version, c.title, c.turns, c.connectionId, c.modelId, c.systemPrompt, c.temperature, c.maxTokens],
      [1, '', [], 'c', 'm', 's', 0, 5],
    );
    assert.equal(c.createdAt, c.updatedAt);
    assert.match(c.id, /^[a-z0-9]+-[a-z0-9]{8}$/);
    const random = Math.random;
    Math.random = () => 0.5; // (0.5).toString(36) is '0.i': one digit, padded to eight
    try {
      assert.match(emptyConversation().id, /^[a-z0-9]+-i0000000$/);
    } finally {
      Math.random = random;
    }
    const bare = emptyConversation();
    assert.deepEqual(Object.keys(bare).sort(), [
      'createdAt',
      'id',
      'systemPrompt',
      'title',
      'turns',
      'updatedAt',
      'version',
    ]);
    assert.equal(bare.systemPrompt, '');
    assert.deepEqual(Object.keys(emptyConversation({ connectionId: '', modelId: '' })).includes('connectionId'), false);
  });
  it('a title: the first line of the first message, trimmed, cut to 60 with an ellipsis', () => {
    assert.equal(titleFrom('  hello\r\nsecond'), 'hello');
    assert.equal(titleFrom('x'.repeat(60)), 'x'.repeat(60));
    assert.equal(titleFrom('x'.repeat(61)), `${'x'.repeat(59)}…`);
    assert.equal(titleFrom(''), '');
  });
  it('the price of an answer from per-1M prices, exactly; none without a price or with two currencies', () => {
    const usage = { promptTokens: 1000, completionTokens: 500, totalTokens: 1500 };
    const m = (input?: string, output?: string, outCur: 'USD' | 'CNY' = 'USD') => ({
      id: 'm',
      vendor: 'V',
      price: {
        ...(input ? { inputPerMTok: { amount: input, currency: 'USD' as const } } : {}),
        ...(output ? { outputPerMTok: { amount: output, currency: outCur } } : {}),
      },
    });
    const money = (p: ReturnType<typeof priceUsage>) =>
      p ? { amount: p.amount, currency: p.currency, unpriced: p.breakdown.unpriced } : undefined;
    assert.deepEqual(money(priceUsage(usage, m('2.5', '10'))), { amount: '0.0075', currency: 'USD', unpriced: [] });
    // a class without a price is not billed as zero in silence: the amount covers the priced ones and says which is missing
    assert.deepEqual(money(priceUsage(usage, m('2.5'))), { amount: '0.0025', currency: 'USD', unpriced: ['output'] });
    assert.deepEqual(money(priceUsage(usage, m(undefined, '10', 'CNY'))), {
      amount: '0.005',
      currency: 'CNY',
      unpriced: ['input'],
    });
    assert.equal(priceUsage(usage, m('1', '1', 'CNY')), undefined);
    assert.equal(priceUsage(usage, m()), undefined);
    assert.equal(priceUsage(usage, undefined), undefined);
  });
  it('conversation totals: every answer’s tokens; the cost only in one currency', () => {
    const t = (usage?: number, cost?: [string, 'USD' | 'CNY']) => ({
      id: 'a',
      role: 'assistant' as const,
      content: '',
      createdAt: AT,
      ...(usage ? { usage: { promptTokens: 0, completionTokens: usage, totalTokens: usage } } : {}),
      ...(cost ? { cost: { amount: cost[0], currency: cost[1] } } : {}),
    });
    assert.deepEqual(conversationTotals(conv({ turns: [t(10, ['0.1', 'USD']), t(5), t(undefined, ['0.2', 'USD'])] })), {
      tokens: 15,
      cost: { amount: '0.3', currency: 'USD' },
    });
    assert.deepEqual(conversationTotals(conv({ turns: [t(1, ['0.1', 'USD']), t(1, ['0.1', 'CNY'])] })), { tokens: 2 });
    assert.deepEqual(
      conversationTotals(conv({ turns: [t(1, ['0.1', 'USD']), t(1, ['0.1', 'CNY']), t(1, ['0.1', 'USD'])] })),
      { tokens: 3 },
      'mixed stays mixed',
    );
    assert.deepEqual(conversationTotals(conv()), { tokens: 0 });
  });
  it('a user message with context: each item in its own fence (longer than any inside), then the text', () => {
    assert.equal(composeUserMessage('Q', undefined), 'Q');
    assert.equal(composeUserMessage('Q', []), 'Q');
    assert.equal(
      composeUserMessage('Q', [
        { label: 'a.ts', text: 'x\n', language: 'ts' },
        { label: 'b', text: 'has ``` inside' },
      ]),
      'a.ts:\n```ts\nx\n```\n\nb:\n````\nhas ``` inside\n````\n\nQ',
    );
  });
});
