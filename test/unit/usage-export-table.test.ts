/** Dashboard export, exactly: the snapshot of what is ready, the JSON format tag, CSV cells that cannot be formulas, the Markdown table. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  snapshot,
  toCsv,
  toJson,
  toMarkdown,
  type DashboardSnapshot,
  type SectionStates,
} from '../../src/features/dashboard/export';
import type { DashboardMeta } from '../../src/webview/dashboardProtocol';

const meta: DashboardMeta = {
  connectionId: 'c1',
  connectionLabel: 'Work',
  gatewayLabel: 'AIHubMix',
  currency: 'USD',
  choices: { range: { preset: '7d' }, tz: 'local', granularity: 'hour', metric: 'requests', keySort: 'cost' },
  from: '2026-03-07',
  to: '2026-03-07',
  days: 1,
  timeZone: 'UTC',
  hourlyAvailable: true,
  locale: 'en',
  minDay: '2025-03-08',
  maxDay: '2026-03-07',
  historyNote: '',
};
const usage = {
  currency: 'USD' as const,
  granularity: 'hour' as const,
  buckets: [
    {
      key: '2026-03-07 10:00',
      start: 0,
      requests: 2,
      promptTokens: 3,
      completionTokens: 4,
      totalTokens: 7,
      cost: '0.5',
      errors: 0,
    },
  ],
  totals: { requests: 2, promptTokens: 3, completionTokens: 4, totalTokens: 7, cost: '0.5', errors: 0 },
};
const group = (label: string) => ({
  currency: 'USD' as const,
  rows: [{ id: 'x', label, requests: 1, tokens: 2, cost: '0.1' }],
});
const notReady: SectionStates = {
  usage: { status: 'loading' },
  extras: { status: 'loading' },
  models: { status: 'error', message: 'x' },
  keys: { status: 'unsupported', message: 'no' },
  teams: { status: 'loading' },
  plan: { status: 'loading' },
  account: { status: 'loading' },
  invoices: { status: 'loading' },
};

describe('dashboard export: the snapshot', () => {
  it('only sections that are ready; the bucket size from the usage shown, day when there is none', () => {
    const empty = snapshot(meta, notReady);
    assert.deepEqual(empty, {
      connection: 'Work',
      gateway: 'AIHubMix',
      range: { from: '2026-03-07', to: '2026-03-07', days: 1 },
      timeZone: 'UTC',
      buckets: 'day',
      currency: 'USD',
    });
    const all = snapshot(meta, {
      ...notReady,
      usage: { status: 'ready', data: usage },
      models: { status: 'ready', data: group('m') },
      keys: { status: 'ready', data: group('k') },
      teams: { status: 'ready', data: group('t') },
    });
    assert.equal(all.buckets, 'hour');
    assert.deepEqual(Object.keys(all), [
      'connection',
      'gateway',
      'range',
      'timeZone',
      'buckets',
      'currency',
      'usage',
      'models',
      'keys',
      'teams',
    ]);
    assert.equal(all.teams?.rows[0]?.label, 't');
  });
  it('JSON is tagged with its format, first', () => {
    const json = toJson(snapshot(meta, notReady));
    assert.ok(json.startsWith('{\n  "format": "ai-gateway-console.dashboard/1",\n  "connection": "Work",'));
    assert.ok(json.endsWith('}\n'));
  });
});

describe('dashboard export: CSV cells', () => {
  const csvOf = (label: string) => {
    const lines = toCsv({ ...snapshot(meta, notReady), models: group(label) }).split('\n');
    return lines[lines.indexOf('model,requests,tokens,cost') + 1];
  };
  it('a leading = + - @ tab or CR would be a formula: an apostrophe goes first; a number stays a number', () => {
    const table: Array<[string, string]> = [
      ['=1+1', "'=1+1"],
      ['+cmd', "'+cmd"],
      ['-x', "'-x"],
      ['@SUM(A1)', "'@SUM(A1)"],
      ['\tx', "'\tx"],
      ['\rx', `"'\rx"`],
      ['-5', '-5'],
      ['-0.25', '-0.25'],
      ['5-', '5-'],
      ['a=b', 'a=b'],
      ['--5', "'--5"],
      ['-', "'-"],
    ];
    for (const [label, cell] of table) assert.equal(csvOf(label), `${cell},1,2,0.1`, JSON.stringify(label));
  });
  it('a comma, a quote or a line break quotes the cell, doubling the quotes', () => {
    assert.equal(csvOf('a,b'), '"a,b",1,2,0.1');
    assert.equal(csvOf('say "hi"'), '"say ""hi""",1,2,0.1');
    assert.ok(toCsv({ ...snapshot(meta, notReady), models: group('two\nlines') }).includes('\n"two\nlines",1,2,0.1\n'));
  });
  it('each loaded breakdown after a blank line, in the order model, key, team; none without usage has no bucket table', () => {
    const s: DashboardSnapshot = { ...snapshot(meta, notReady), keys: group('k1'), teams: group('t1') };
    assert.equal(
      toCsv(s),
      '# connection: Work (AIHubMix)\n# range: 2026-03-07 to 2026-03-07 (1 days)\n# timezone: UTC\n# buckets: day\n# currency: USD\n\nkey,requests,tokens,cost\nk1,1,2,0.1\n\nteam,requests,tokens,cost\nt1,1,2,0.1\n',
    );
  });
});

describe('dashboard export: Markdown', () => {
  it('the header line, the table with a left-aligned first column and right-aligned figures, and the total', () => {
    const md = toMarkdown({
      ...snapshot(meta, notReady),
      connection: 'A|B',
      usage: { ...usage, buckets: [{ ...usage.buckets[0]!, key: 'x|y\r\nz' }] },
      buckets: 'hour',
    });
    assert.equal(
      md,
      [
        '**A\\|B** — 2026-03-07 → 2026-03-07, UTC, hour, USD',
        '',
        '| bucket | requests | prompt_tokens | completion_tokens | total_tokens | cost | errors |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
        '| x\\|y z | 2 | 3 | 4 | 7 | 0.5 | 0 |',
        '| **total** | 2 | 3 | 4 | 7 | 0.5 | 0 |',
        '',
      ].join('\n'),
    );
    assert.ok(
      toMarkdown({ ...snapshot(meta, notReady), connection: 'one\ntwo' }).startsWith('**one two**'),
      'a lone LF too',
    );
  });
  it('without usage: the empty table only', () => {
    assert.equal(toMarkdown(snapshot(meta, notReady)).split('\n').length, 5);
  });
});
