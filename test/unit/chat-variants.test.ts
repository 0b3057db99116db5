/**
 * Regenerate keeps the earlier answers (src/features/chat/variants.ts, model.ts, exchange.ts): a history file saved
 * before answers had variants loads unchanged; each regenerate adds an answer and shows it; the answer shown is
 * what the next message sends; every variant survives the file round trip, counts in the totals and is exported,
 * marked.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { conversationToJson, conversationToMarkdown, searchSnippet } from '../../src/features/chat/exchange';
import { type Conversation, type Turn, conversationSchema, conversationTotals } from '../../src/features/chat/model';
import {
  allVariants,
  historyOf,
  shownIndex,
  showVariant,
  startVariant,
  variantCount,
} from '../../src/features/chat/variants';
import { chatInboundSchema } from '../../src/webview/protocol';
import { ROOT } from './repo';
import { EXPORT_LABELS } from './chat-fixtures';

const FIXTURE = path.join(ROOT, 'test/fixtures/chat/history-before-variants.json');
const labels = EXPORT_LABELS;

const oldFile = (): unknown => JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
const usd = (amount: string) => ({ amount, currency: 'USD' as const });

/** A conversation of one message and its answer, as the chat holds it. */
function oneAnswer(): Conversation {
  return conversationSchema.parse({
    version: 1,
    id: 'mh2k9q1a-4k2j9x0c',
    title: 't',
    createdAt: '2026-11-20T09:12:03.114Z',
    updatedAt: '2026-11-20T09:12:03.114Z',
    systemPrompt: 'Be brief.',
    turns: [
      { id: 'u1', role: 'user', content: 'Hi', createdAt: 'x' },
      {
        id: 'a1',
        role: 'assistant',
        content: 'first',
        createdAt: 'x',
        model: 'm1',
        status: 'done',
        usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15 },
        cost: usd('0.001'),
      },
    ],
  });
}

/** Streams a regenerated answer to its end, as the service does. */
function regenerate(c: Conversation, content: string, model: string, cost?: string): Turn {
  const started = startVariant(c, model);
  assert.ok(started, 'the conversation ends with a message and its answer');
  started.answer.content = content;
  started.answer.status = 'done';
  if (cost) {
    started.answer.usage = { promptTokens: 10, completionTokens: 7, totalTokens: 17 };
    started.answer.cost = usd(cost);
  }
  return started.answer;
}

describe('chat answers with variants (Regenerate keeps the earlier answers)', () => {
  it('a history file saved before variants loads unchanged: one answer per turn, the same totals', () => {
    const raw = oldFile();
    const c = conversationSchema.parse(raw);
    assert.deepEqual(c, raw, 'every field as it was, nothing added');
    for (const t of c.turns) {
      assert.equal(variantCount(t), 1);
      assert.equal(shownIndex(t), 0);
      assert.deepEqual(allVariants(t).length, 1);
    }
    assert.deepEqual(conversationTotals(c), { tokens: 168, cost: usd('0.000624') });
    // and it takes variants from there: the failed answer is answered again beside itself
    const answer = regenerate(c, 'now it works', 'gpt-4.1');
    assert.equal(variantCount(answer), 2);
    assert.equal(
      allVariants(answer)[0]!.error,
      'Demo AIone: the key is not allowed to use gpt-4o. Request id: req_0001.',
    );
    assert.equal(answer.error, undefined, 'nothing of the failed answer is left on the new one');
    assert.equal(answer.status, 'done');
    const again = conversationSchema.parse(JSON.parse(conversationToJson(c)));
    assert.deepEqual(again, c);
  });

  it('regenerate twice → 3 answers, the newest shown; the messages sent end with the user message, without any answer to it', () => {
    const c = oneAnswer();
    const sent = startVariant(c, 'm2')!.history;
    assert.deepEqual(sent, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ]);
    c.turns[1]!.content = 'second';
    c.turns[1]!.status = 'done';
    regenerate(c, 'third', 'm3', '0.003');
    const a = c.turns[1]!;
    assert.equal(c.turns.length, 2, 'no turn added: the answers are variants of the one turn');
    assert.deepEqual(
      allVariants(a).map((v) => [v.content, v.model]),
      [
        ['first', 'm1'],
        ['second', 'm2'],
        ['third', 'm3'],
      ],
    );
    assert.equal(shownIndex(a), 2);
    assert.equal(a.content, 'third');
  });

  it('the answer shown is what the next message sends; switching does not lose or reorder any answer', () => {
    const c = oneAnswer();
    regenerate(c, 'second', 'm2', '0.002');
    regenerate(c, 'third', 'm3', '0.003');
    const a = c.turns[1]!;
    assert.ok(showVariant(a, 1));
    assert.equal(a.content, 'second');
    assert.equal(a.model, 'm2');
    assert.deepEqual(a.cost, usd('0.002'));
    assert.deepEqual(
      historyOf(c, c.turns.length).map((m) => m.content),
      ['Be brief.', 'Hi', 'second'],
      'variant 2 goes with the next message',
    );
    assert.ok(showVariant(a, 0));
    assert.deepEqual(
      allVariants(a).map((v) => v.content),
      ['first', 'second', 'third'],
    );
    assert.equal(historyOf(c, 2).at(-1)!.content, 'first');
    assert.equal(showVariant(a, 3), false, 'no fourth answer');
    assert.equal(showVariant(a, -1), false);
    assert.equal(showVariant(a, 0.5), false);
    assert.equal(a.content, 'first', 'a refused switch changes nothing');
    // an answer without usage (stopped before the usage chunk) keeps none from the answer shown before it
    regenerate(c, 'fourth', 'm4');
    assert.equal(c.turns[1]!.usage, undefined);
    assert.equal(c.turns[1]!.cost, undefined);
  });

  it('every variant survives the history file (JSON) round trip, with the one shown', () => {
    const c = oneAnswer();
    regenerate(c, 'second', 'm2', '0.002');
    regenerate(c, 'third', 'm3', '0.003');
    showVariant(c.turns[1]!, 1);
    const back = conversationSchema.parse(JSON.parse(JSON.stringify(c)));
    assert.deepEqual(back, c);
    assert.equal(shownIndex(back.turns[1]!), 1);
    assert.deepEqual(
      allVariants(back.turns[1]!).map((v) => v.content),
      ['first', 'second', 'third'],
    );
  });

  it('the totals count every answer paid for, the regenerated ones too, and say how many', () => {
    const c = oneAnswer();
    regenerate(c, 'second', 'm2', '0.002');
    regenerate(c, 'third', 'm3', '0.003');
    showVariant(c.turns[1]!, 0);
    const t = conversationTotals(c);
    assert.equal(t.tokens, 15 + 17 + 17);
    assert.deepEqual(t.cost, usd('0.006'));
    assert.equal(t.regenerated, 2);
    const unpaid = oneAnswer();
    regenerate(unpaid, 'stopped early', 'm2');
    assert.equal(conversationTotals(unpaid).regenerated, 1, 'the earlier, paid answer is counted, not the unpaid one');
  });

  it('Markdown export writes each answer, in order, marked, the one shown named; JSON keeps them; search finds them', () => {
    const c = oneAnswer();
    regenerate(c, 'second answer', 'm2', '0.002');
    regenerate(c, 'third answer', 'm3', '0.003');
    showVariant(c.turns[1]!, 1);
    const md = conversationToMarkdown(c, labels);
    const heads = [...md.matchAll(/^## Assistant — (.*)$/gm)].map((m) => m[1]);
    assert.deepEqual(heads, ['Answer 1 of 3 (m1)', 'Answer 2 of 3, shown (m2)', 'Answer 3 of 3 (m3)']);
    assert.ok(
      md.indexOf('first') < md.indexOf('second answer') && md.indexOf('second answer') < md.indexOf('third answer'),
    );
    assert.match(md, /Cost: 0\.006 USD \(every answer paid for, regenerated ones included\)/);
    const json = JSON.parse(conversationToJson(c)) as { turns: Array<{ variants?: unknown[]; variantIndex?: number }> };
    assert.equal(json.turns[1]!.variants?.length, 2);
    assert.equal(json.turns[1]!.variantIndex, 1);
    assert.equal(searchSnippet(c, 'third')?.place, 'assistant', 'an answer not shown is still found');
  });

  it('a saved fix this version cannot read (a newer problem kind or fix) drops the buttons, not the conversation', () => {
    const raw = oldFile() as { turns: Array<Record<string, unknown>> };
    raw.turns[3]!.fix = { connectionId: 'c-aione-1', fixes: ['allow-model', 'fly-to-the-moon'] };
    const c = conversationSchema.safeParse(raw);
    assert.ok(c.success, 'the conversation loads');
    assert.equal(c.data.turns[3]!.fix, undefined);
    assert.equal(c.data.turns[3]!.error, 'Demo AIone: the key is not allowed to use gpt-4o. Request id: req_0001.');
    raw.turns[3]!.fix = {
      connectionId: 'c-aione-1',
      model: 'gpt-4o',
      problem: { kind: 'model-not-allowed', model: 'gpt-4o' },
      fixes: ['allow-model', 'copy-request-id'],
      requestId: 'req_0001',
      keyLabel: 'pasted',
    };
    assert.deepEqual(conversationSchema.parse(raw).turns[3]!.fix, raw.turns[3]!.fix, 'a readable one is kept whole');
  });

  it('the switcher message is validated: a turn id and a whole, non-negative index', () => {
    assert.ok(chatInboundSchema.safeParse({ type: 'selectVariant', turnId: 'a1', index: 2 }).success);
    for (const bad of [
      { type: 'selectVariant', turnId: 'a1', index: -1 },
      { type: 'selectVariant', turnId: 'a1', index: 1.5 },
      { type: 'selectVariant', turnId: '../x', index: 0 },
      { type: 'selectVariant', turnId: 'a1', index: 0, content: 'injected' },
    ])
      assert.equal(chatInboundSchema.safeParse(bad).success, false, JSON.stringify(bad));
  });
});
