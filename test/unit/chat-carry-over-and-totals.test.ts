/**
 * A new conversation from an old one, an interrupted answer on reopening, and the totals of a conversation whose
 * answers were regenerated (src/features/chat/model.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  type Turn,
  carriedOver,
  conversationTotals,
  settleInterrupted,
  titleFrom,
} from '../../src/features/chat/model';
import { AT, conv } from './chat-fixtures';

const answer = (id: string, over: Partial<Turn> = {}): Turn => ({
  id,
  role: 'assistant',
  content: 'a',
  createdAt: AT,
  status: 'done',
  ...over,
});
const usd = (amount: string) => ({ amount, currency: 'USD' as const });

describe('chat model: what a new conversation carries over', () => {
  const old = conv({
    connectionId: 'aione',
    modelId: 'gpt-x',
    systemPrompt: 'Be brief.',
    temperature: 0,
    maxTokens: 256,
  });

  it('the model on the same connection, the system prompt, temperature and max tokens (0 included)', () => {
    assert.deepEqual(carriedOver(old, 'aione', undefined), {
      connectionId: 'aione',
      modelId: 'gpt-x',
      systemPrompt: 'Be brief.',
      temperature: 0,
      maxTokens: 256,
    });
  });

  it('no model from another connection; a model given wins; no connection is made up', () => {
    assert.deepEqual(carriedOver(old, 'hub', undefined), {
      connectionId: 'hub',
      systemPrompt: 'Be brief.',
      temperature: 0,
      maxTokens: 256,
    });
    assert.deepEqual(carriedOver(old, 'hub', 'claude'), {
      connectionId: 'hub',
      modelId: 'claude',
      systemPrompt: 'Be brief.',
      temperature: 0,
      maxTokens: 256,
    });
    assert.deepEqual(carriedOver(conv({ systemPrompt: 'x' }), undefined, undefined), { systemPrompt: 'x' });
  });
});

describe('chat model: interrupted answers and totals', () => {
  it('an answer or a variant still streaming is stopped; the others keep their status', () => {
    const c = conv({
      turns: [
        answer('a1', {
          status: 'streaming',
          variants: [
            { content: 'v', createdAt: AT, status: 'streaming' },
            { content: 'w', createdAt: AT, status: 'error' },
          ],
        }),
        answer('a2', { status: 'streaming' }),
        answer('a3'),
      ],
    });
    settleInterrupted(c);
    assert.deepEqual(
      c.turns.map((t) => [t.status, ...(t.variants ?? []).map((v) => v.status)]),
      [['stopped', 'stopped', 'error'], ['stopped'], ['done']],
    );
  });

  it('counts every paid answer, the regenerated ones too, and how many of those there are', () => {
    const c = conv({
      turns: [
        answer('a1', {
          usage: { promptTokens: 3, completionTokens: 2, totalTokens: 5 },
          cost: usd('0.5'),
          variants: [
            { content: 'v1', createdAt: AT, usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 } },
            { content: 'v2', createdAt: AT, cost: usd('0.25') },
            { content: 'v3', createdAt: AT },
          ],
        }),
        answer('a2', { usage: { promptTokens: 10, completionTokens: 0, totalTokens: 10 } }),
      ],
    });
    const t = conversationTotals(c);
    assert.equal(t.tokens, 17);
    assert.deepEqual(t.cost, usd('0.75'));
    assert.equal(t.regenerated, 2, 'v1 and v2 were paid for; v3 was not');
  });

  it('a title is the first line of the message, trimmed', () => {
    assert.equal(titleFrom('  \n first line\r\nsecond'), 'first line');
    assert.equal(titleFrom(''), '');
  });
});
