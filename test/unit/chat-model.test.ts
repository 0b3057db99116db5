/** The chat's pure parts: cost from usage and the model's prices (decimal), totals, the persisted schema, the protocol and CSP. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  composeUserMessage,
  conversationSchema,
  conversationTotals,
  emptyConversation,
  priceUsage,
  titleFrom,
} from '../../src/features/chat/model';
import { chatInboundSchema } from '../../src/webview/protocol';
import { contentSecurityPolicy, makeNonce } from '../../src/webview/html';

describe('chat cost (decimal arithmetic)', () => {
  it('prices a usage chunk with the model prices per 1M tokens', () => {
    const model = {
      id: 'm',
      vendor: 'v',
      price: {
        inputPerMTok: { amount: '0.3', currency: 'USD' as const },
        outputPerMTok: { amount: '1.2', currency: 'USD' as const },
      },
    };
    // 1234 × 0.3 / 1e6 + 567 × 1.2 / 1e6 = 0.0003702 + 0.0006804
    const priced = priceUsage({ promptTokens: 1234, completionTokens: 567, totalTokens: 1801 }, model);
    assert.equal(priced?.amount, '0.0010506');
    assert.equal(priced?.currency, 'USD');
    assert.equal(
      priceUsage({ promptTokens: 1, completionTokens: 1, totalTokens: 2 }, { id: 'm', vendor: 'v' }),
      undefined,
      'no price, no cost',
    );
    assert.equal(priceUsage({ promptTokens: 1, completionTokens: 1, totalTokens: 2 }, undefined), undefined);
  });

  it('prices cached input at the cache price, not the input price (it was billed at the full input price)', () => {
    const usd = (amount: string) => ({ amount, currency: 'USD' as const });
    const model = {
      id: 'gpt-4.1',
      vendor: 'OpenAI',
      price: { inputPerMTok: usd('2'), outputPerMTok: usd('8'), cacheReadPerMTok: usd('0.5') },
    };
    // (2000 − 1200) × 2 / 1e6 + 1200 × 0.5 / 1e6 + 700 × 8 / 1e6 = 0.0016 + 0.0006 + 0.0056 = 0.0078
    // (the old price, 2000 × 2 / 1e6 + 700 × 8 / 1e6 = 0.0096, billed the cached 1200 at $2)
    const priced = priceUsage(
      { promptTokens: 2000, completionTokens: 700, totalTokens: 2700, cachedTokens: 1200, reasoningTokens: 500 },
      model,
    );
    assert.equal(priced?.amount, '0.0078');
    assert.equal(priced?.breakdown.savedByCache, '0.0018');
  });

  it("a conversation's total is the sum of its answers, class by class; an answer stored before breakdowns still counts in the cost", () => {
    const usd = (amount: string) => ({ amount, currency: 'USD' as const });
    const model = {
      id: 'gpt-4.1',
      vendor: 'OpenAI',
      price: { inputPerMTok: usd('2'), outputPerMTok: usd('8'), cacheReadPerMTok: usd('0.5') },
    };
    const c = emptyConversation();
    const usages = [
      { promptTokens: 2000, completionTokens: 700, totalTokens: 2700, cachedTokens: 1200 }, // 0.0078
      { promptTokens: 1000, completionTokens: 500, totalTokens: 1500 }, // 0.002 + 0.004 = 0.006
      { promptTokens: 3333, completionTokens: 1, totalTokens: 3334, cachedTokens: 3000 }, // 333 × 2 + 3000 × 0.5 + 8 = 666 + 1500 + 8 = 2174 → 0.002174
    ];
    usages.forEach((usage, i) => {
      const p = priceUsage(usage, model)!;
      c.turns.push({
        id: `t${i}`,
        role: 'assistant',
        content: '',
        createdAt: '',
        usage,
        cost: { amount: p.amount, currency: p.currency },
        breakdown: p.breakdown,
      });
    });
    const t = conversationTotals(c);
    assert.equal(t.cost?.amount, '0.015974'); // 0.0078 + 0.006 + 0.002174
    assert.equal(t.breakdown?.amount, t.cost?.amount);
    assert.deepEqual(t.breakdown?.cacheRead, { tokens: 4200, amount: '0.0021' }); // 4200 × 0.5 / 1e6
    // persisted and read back through the history schema
    assert.deepEqual(
      conversationSchema.parse(JSON.parse(JSON.stringify(c))).turns[0]?.breakdown,
      c.turns[0]?.breakdown,
    );
    c.turns.push({ id: 'old', role: 'assistant', content: '', createdAt: '', cost: usd('0.1') });
    assert.equal(conversationTotals(c).cost?.amount, '0.115974');
    assert.equal(conversationTotals(c).breakdown, undefined, 'no class sum that would not add up to the cost');
  });

  it('sums a conversation exactly (no float drift) and refuses to mix currencies', () => {
    const c = emptyConversation();
    for (let i = 0; i < 10; i++) {
      c.turns.push({
        id: `t${i}`,
        role: 'assistant',
        content: '',
        createdAt: '',
        usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
        cost: { amount: '0.1', currency: 'CNY' },
      });
    }
    assert.deepEqual(conversationTotals(c), { tokens: 30, cost: { amount: '1', currency: 'CNY' } });
    c.turns.push({ id: 'x', role: 'assistant', content: '', createdAt: '', cost: { amount: '1', currency: 'USD' } });
    assert.equal(conversationTotals(c).cost, undefined);
  });

  it('titles a conversation by its first line', () => {
    assert.equal(titleFrom('  Hello\nworld'), 'Hello');
    assert.equal(titleFrom('x'.repeat(100)).length, 60);
  });
});

describe('chat context chips', () => {
  it('sends each chip as a fenced block longer than any fence inside it, then the text', () => {
    assert.equal(composeUserMessage('Why?', undefined), 'Why?');
    assert.equal(
      composeUserMessage('Why?', [{ label: 'a.py:2-2', text: 'x = 1', language: 'python' }]),
      'a.py:2-2:\n```python\nx = 1\n```\n\nWhy?',
    );
    const tricky = composeUserMessage('Explain', [{ label: 'README.md', text: '````md\n```\n````\n' }]);
    assert.equal(tricky, 'README.md:\n`````\n````md\n```\n````\n`````\n\nExplain');
  });
});

describe('chat persisted schema', () => {
  it('accepts what it writes and rejects other versions and path-like ids', () => {
    const c = emptyConversation({ connectionId: 'c1', modelId: 'gpt-4o' });
    assert.ok(conversationSchema.safeParse(JSON.parse(JSON.stringify(c))).success);
    assert.ok(!conversationSchema.safeParse({ ...c, version: 2 }).success);
    assert.ok(!conversationSchema.safeParse({ ...c, id: '../../etc/passwd' }).success);
  });
});

describe('chat webview protocol', () => {
  it('accepts the known messages and rejects anything else', () => {
    assert.ok(chatInboundSchema.safeParse({ type: 'send', text: 'hi' }).success);
    assert.ok(chatInboundSchema.safeParse({ type: 'openLink', url: 'https://example.com' }).success);
    for (const bad of [
      { type: 'executeCommand', command: 'workbench.action.terminal.new' },
      { type: 'send' },
      { type: 'send', text: '' },
      { type: 'selectConnection', connectionId: '../x' },
      { type: 'updateSettings', temperature: 5 },
      'ready',
      null,
      42,
    ])
      assert.ok(!chatInboundSchema.safeParse(bad).success, JSON.stringify(bad));
  });
});

describe('webview CSP', () => {
  it('locks the page down and nonces differ per render (≥ 128 bits)', () => {
    const n1 = makeNonce();
    const n2 = makeNonce();
    assert.notEqual(n1, n2);
    assert.ok(Buffer.from(n1, 'base64').length >= 16);
    const csp = contentSecurityPolicy('https://file+.vscode-resource.vscode-cdn.net', n1);
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, new RegExp(`script-src 'nonce-${n1.replace(/[+/=]/g, (c) => `\\${c}`)}';`));
    assert.ok(!/unsafe-eval|unsafe-inline/.test(csp));
    const img = /img-src ([^;]*)/.exec(csp)![1]!;
    assert.ok(!/https:(?!\/\/file)/.test(img) && !img.includes('*'), img);
  });
});
