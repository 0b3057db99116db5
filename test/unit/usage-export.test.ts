import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { snapshot, toCsv, toJson, toMarkdown, type SectionStates } from '../../src/features/dashboard/export';
import type { DashboardMeta } from '../../src/webview/dashboardProtocol';

const meta: DashboardMeta = {
  connectionId: 'c1',
  connectionLabel: 'Prod, "main"',
  gatewayLabel: 'AIone API',
  currency: 'CNY',
  choices: { range: { preset: '7d' }, tz: 'local', granularity: 'day', metric: 'requests', keySort: 'cost' },
  from: '2026-03-07',
  to: '2026-03-08',
  days: 2,
  timeZone: 'Asia/Shanghai',
  hourlyAvailable: true,
  locale: 'en',
  minDay: '2025-03-09',
  maxDay: '2026-03-08',
  historyNote: 'A custom range can cover the last 365 days.',
};

const sections: SectionStates = {
  usage: {
    status: 'ready',
    data: {
      currency: 'CNY',
      granularity: 'day',
      buckets: [
        {
          key: '2026-03-07',
          start: 0,
          requests: 3,
          promptTokens: 30,
          completionTokens: 15,
          totalTokens: 45,
          cost: '0.3',
          errors: 1,
        },
        {
          key: '2026-03-08',
          start: 1,
          requests: 1,
          promptTokens: 10,
          completionTokens: 5,
          totalTokens: 15,
          cost: '0.0001',
          errors: 0,
        },
      ],
      totals: { requests: 4, promptTokens: 40, completionTokens: 20, totalTokens: 60, cost: '0.3001', errors: 1 },
    },
  },
  extras: { status: 'loading' },
  models: {
    status: 'ready',
    data: { currency: 'CNY', rows: [{ id: 'm', label: 'gpt|4o', requests: 4, tokens: 60, cost: '0.3001' }] },
  },
  teams: { status: 'unsupported', message: 'Not offered' },
  keys: {
    status: 'ready',
    data: { currency: 'CNY', rows: [{ id: 'k', label: '=HYPERLINK("x")', requests: 4, tokens: 60, cost: '0.3001' }] },
  },
  plan: { status: 'error', message: 'boom' },
  account: { status: 'loading' },
  invoices: { status: 'loading' },
};

describe('usage export: exactly what is on screen', () => {
  it('CSV: range, time zone, buckets and currency in the header; buckets, a total row that adds up, loaded breakdowns only', () => {
    const csv = toCsv(snapshot(meta, sections)).split('\n');
    assert.deepEqual(csv.slice(0, 9), [
      '# connection: Prod, "main" (AIone API)',
      '# range: 2026-03-07 to 2026-03-08 (2 days)',
      '# timezone: Asia/Shanghai',
      '# buckets: day',
      '# currency: CNY',
      'bucket,requests,prompt_tokens,completion_tokens,total_tokens,cost,errors',
      '2026-03-07,3,30,15,45,0.3,1',
      '2026-03-08,1,10,5,15,0.0001,0',
      'total,4,40,20,60,0.3001,1',
    ]);
    assert.ok(csv.includes('model,requests,tokens,cost'));
    assert.ok(csv.includes('gpt|4o,4,60,0.3001'));
    // a key name that would be a spreadsheet formula is neutralised and quoted
    assert.ok(csv.includes(`"'=HYPERLINK(""x"")",4,60,0.3001`));
    assert.ok(!csv.includes('team,requests,tokens,cost'), 'a section that is not on screen is not exported');
  });

  it('JSON carries the same figures and the header fields', () => {
    const j = JSON.parse(toJson(snapshot(meta, sections))) as Record<string, unknown>;
    assert.equal(j['timeZone'], 'Asia/Shanghai');
    assert.equal(j['buckets'], 'day');
    assert.deepEqual(j['range'], { from: '2026-03-07', to: '2026-03-08', days: 2 });
    assert.equal((j['usage'] as { totals: { cost: string } }).totals.cost, '0.3001');
    assert.equal(j['teams'], undefined);
  });

  it('Markdown: the bucket table with its total, pipes escaped', () => {
    const md = toMarkdown(snapshot({ ...meta, connectionLabel: 'a|b' }, sections));
    assert.match(md, /^\*\*a\\\|b\*\* — 2026-03-07 → 2026-03-08, Asia\/Shanghai, day, CNY$/m);
    assert.match(
      md,
      /^\| bucket \| requests \| prompt_tokens \| completion_tokens \| total_tokens \| cost \| errors \|$/m,
    );
    assert.match(md, /^\| 2026-03-07 \| 3 \| 30 \| 15 \| 45 \| 0\.3 \| 1 \|$/m);
    assert.match(md, /^\| \*\*total\*\* \| 4 \| 40 \| 20 \| 60 \| 0\.3001 \| 1 \|$/m);
  });
});
