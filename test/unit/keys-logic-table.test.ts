/** The keys tree's logic as tables: statuses, the filter's rules, every sort, the description facts and their boundaries, snippets. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiKey } from '../../src/core/types';
import {
  DISPLAY_STATUSES,
  KEY_PLACEHOLDER,
  SNIPPET_KINDS,
  SORT_ORDERS,
  allowsModel,
  buildSnippet,
  chatBaseUrl,
  displayStatus,
  isFilterActive,
  keyFacts,
  keyFilterSchema,
  keySortSchema,
  matchesFilter,
  relativeTime,
  snippetKindSchema,
  sortKeys,
} from '../../src/features/keys/logic';
import { apiKey } from './key-fixtures';

const NOW = Date.parse('2026-04-01T12:00:00.000Z');
const H = 3_600_000;
const D = 24 * H;
const iso = (ms: number) => new Date(ms).toISOString();
const key = apiKey;

describe('keys logic: status and filter rules', () => {
  it('the statuses the tree can show, in menu order', () => {
    assert.deepEqual(DISPLAY_STATUSES, ['active', 'grace', 'disabled', 'expired', 'exhausted', 'unknown']);
  });

  it('grace lasts until its instant, exclusive; an unparseable grace is none; only active keys are in grace', () => {
    assert.equal(displayStatus(key({ rotateGraceUntil: iso(NOW + 1) }), NOW), 'grace');
    assert.equal(displayStatus(key({ rotateGraceUntil: iso(NOW) }), NOW), 'active');
    assert.equal(displayStatus(key({ rotateGraceUntil: 'soon' }), NOW), 'active');
    assert.equal(displayStatus(key({ status: 'disabled', rotateGraceUntil: iso(NOW + D) }), NOW), 'disabled');
  });

  it('the filter: a name and a model are trimmed, 1–200 characters; a status is one the tree shows', () => {
    assert.deepEqual(keyFilterSchema.parse({ name: '  ci ', model: ' gpt ' }), { name: 'ci', model: 'gpt' });
    for (const s of DISPLAY_STATUSES) assert.equal(keyFilterSchema.parse({ status: s }).status, s);
    for (const bad of [
      { name: '   ' },
      { name: 'x'.repeat(201) },
      { model: '' },
      { model: 'm'.repeat(201) },
      { status: 'paused' },
      { status: '' },
      { name: 5 },
    ]) {
      assert.equal(keyFilterSchema.safeParse(bad).success, false, JSON.stringify(bad));
    }
    assert.equal(keyFilterSchema.parse({ name: 'x'.repeat(200), model: 'm'.repeat(200) }).name?.length, 200);
    assert.equal(
      keyFilterSchema.parse({ name: ` ${'x'.repeat(200)} ` }).name?.length,
      200,
      'the limit counts after trimming',
    );
  });

  it('a filter is active when any criterion is set', () => {
    assert.equal(isFilterActive(undefined), false);
    assert.equal(isFilterActive({}), false);
    for (const f of [{ name: 'a' }, { status: 'active' as const }, { model: 'm' }])
      assert.equal(isFilterActive(f), true, JSON.stringify(f));
  });

  it('models: an empty allow-list allows all; otherwise an exact id, in any case', () => {
    assert.equal(allowsModel(key(), 'anything'), true);
    assert.equal(allowsModel(key({ modelsAllowed: ['gpt-4o', 'Claude-3'] }), 'claude-3'), true);
    assert.equal(allowsModel(key({ modelsAllowed: ['gpt-4o', 'claude-3'] }), 'GPT-4O'), true);
    assert.equal(allowsModel(key({ modelsAllowed: ['gpt-4o', 'claude-3'] }), 'gpt-4'), false, 'not a prefix');
  });

  it('no filter matches every key; each criterion on its own', () => {
    assert.equal(matchesFilter(key(), undefined, NOW), true);
    assert.equal(matchesFilter(key(), {}, NOW), true);
    assert.equal(matchesFilter(key({ name: 'Prod CI' }), { name: 'ci' }, NOW), true);
    assert.equal(matchesFilter(key({ name: 'Prod' }), { name: 'ci' }, NOW), false);
    assert.equal(matchesFilter(key({ status: 'disabled' }), { status: 'disabled' }, NOW), true);
    assert.equal(matchesFilter(key(), { status: 'disabled' }, NOW), false);
    assert.equal(matchesFilter(key({ modelsAllowed: ['a'] }), { model: 'b' }, NOW), false);
    assert.equal(matchesFilter(key({ modelsAllowed: ['a'] }), { model: 'A' }, NOW), true);
  });
});

describe('keys logic: sorting', () => {
  const names = (ks: ApiKey[]) => ks.map((k) => k.id);
  it('the sort orders', () => {
    assert.deepEqual(SORT_ORDERS, ['server', 'name', 'created', 'expiry', 'usage']);
    assert.equal(keySortSchema.safeParse('random').success, false);
  });

  it('created: newest first, unknown or unparseable dates last, ties by name then id', () => {
    const ks = [
      key({ id: 'old', name: 'b', createdAt: iso(NOW - 2 * D) }),
      key({ id: 'none', name: 'a' }),
      key({ id: 'new', name: 'z', createdAt: iso(NOW) }),
      key({ id: 'bad', name: 'b', createdAt: 'x' }),
      key({ id: 'tieB', name: 'b', createdAt: iso(NOW - D) }),
      key({ id: 'tieA', name: 'a', createdAt: iso(NOW - D) }),
    ];
    assert.deepEqual(names(sortKeys(ks, 'created')), ['new', 'tieA', 'tieB', 'old', 'none', 'bad']);
    assert.deepEqual(
      names(sortKeys([key({ id: 'z', name: 'z' }), key({ id: 'a', name: 'a' })], 'created')),
      ['a', 'z'],
      'two unknown dates: by name',
    );
  });

  it('expiry: soonest first, never last; the same name sorts by id', () => {
    const ks = [
      key({ id: 'k2', name: 'same' }),
      key({ id: 'late', expiresAt: iso(NOW + 9 * D) }),
      key({ id: 'soon', expiresAt: iso(NOW + D) }),
      key({ id: 'k1', name: 'same' }),
    ];
    assert.deepEqual(names(sortKeys(ks, 'expiry')), ['soon', 'late', 'k1', 'k2']);
    assert.deepEqual(
      names(
        sortKeys(
          [key({ id: 'never', name: 'aaa' }), key({ id: 'dated', name: 'zzz', expiresAt: iso(NOW + D) })],
          'expiry',
        ),
      ),
      ['dated', 'never'],
      'never expiring last, whatever its name',
    );
    assert.deepEqual(
      names(
        sortKeys(
          [key({ id: 'dated', name: 'zzz', expiresAt: iso(NOW + D) }), key({ id: 'never', name: 'aaa' })],
          'expiry',
        ),
      ),
      ['dated', 'never'],
    );
  });

  it('usage: most quota used first (as decimals); a key with a figure before one without; then the most recently used', () => {
    const used = (amount: string) => ({ unlimited: false, used: { amount, currency: 'USD' as const } });
    const ks = [
      key({ id: 'nine', name: 'n', quota: used('9.99') }),
      key({ id: 'ten', name: 't', quota: used('10.5') }),
      key({ id: 'recent', name: 'r', lastUsedAt: iso(NOW) }),
      key({ id: 'older', name: 'o', lastUsedAt: iso(NOW - D) }),
      key({ id: 'tieLate', name: 'y', quota: used('1'), lastUsedAt: iso(NOW) }),
      key({ id: 'tieEarly', name: 'a', quota: used('1.0'), lastUsedAt: iso(NOW - H) }),
      key({ id: 'never', name: 'a' }),
    ];
    assert.deepEqual(names(sortKeys(ks, 'usage')), ['ten', 'nine', 'tieLate', 'tieEarly', 'recent', 'older', 'never']);
    assert.deepEqual(
      names(sortKeys([...ks].reverse(), 'usage')),
      ['ten', 'nine', 'tieLate', 'tieEarly', 'recent', 'older', 'never'],
      'equal usage: the most recently used first, whatever the input order',
    );
    assert.deepEqual(
      names(
        sortKeys(
          [
            key({ id: 'b', name: 'b', quota: { unlimited: false } }),
            key({ id: 'a', name: 'a', quota: { unlimited: false } }),
          ],
          'usage',
        ),
      ),
      ['a', 'b'],
      'a quota without a used figure',
    );
    assert.deepEqual(
      names(sortKeys([key({ id: 'none' }), key({ id: 'some', quota: used('0') })], 'usage')),
      ['some', 'none'],
      'a used figure of 0 still counts as one',
    );
  });

  it('name: locale order, numbers numerically; server keeps the order; always a copy', () => {
    const ks = [key({ id: '1', name: 'key 10' }), key({ id: '2', name: 'Key 9' }), key({ id: '3', name: 'alpha' })];
    assert.deepEqual(names(sortKeys(ks, 'name')), ['3', '2', '1']);
    const same = sortKeys(ks, 'server');
    assert.deepEqual(names(same), ['1', '2', '3']);
    assert.notEqual(same, ks);
  });
});

describe('keys logic: relative times', () => {
  it('minutes under an hour (at least 1), hours under two days, days beyond; past or future', () => {
    const table: Array<[number, number, string, boolean]> = [
      [10_000, 1, 'm', false],
      [-10_000, 1, 'm', true],
      [0, 1, 'm', false],
      [H - 1, 60, 'm', false],
      [H, 1, 'h', false],
      [-H, 1, 'h', true],
      [2 * D - 1, 48, 'h', false],
      [2 * D, 2, 'd', false],
      [-3 * D, 3, 'd', true],
      [10 * D + 11 * H, 10, 'd', false],
    ];
    for (const [diff, value, unit, past] of table)
      assert.deepEqual(relativeTime(iso(NOW + diff), NOW), { value, unit, past }, String(diff));
    assert.equal(relativeTime('not a date', NOW), undefined);
    assert.equal(relativeTime('', NOW), undefined);
  });
});

describe('keys logic: description facts', () => {
  it('a key in grace says until when; other states say the state', () => {
    assert.deepEqual(keyFacts(key({ rotateGraceUntil: iso(NOW + 3 * H) }), NOW), [
      { kind: 'grace', until: { value: 3, unit: 'h', past: false } },
    ]);
    for (const status of ['disabled', 'expired', 'exhausted', 'unknown'] as const)
      assert.deepEqual(keyFacts(key({ status }), NOW), [{ kind: 'status', status }]);
    assert.deepEqual(keyFacts(key(), NOW), [], 'an active key with nothing else says nothing');
    assert.deepEqual(keyFacts(key({ rotateGraceUntil: iso(NOW - H) }), NOW), [], 'a grace that has ended says nothing');
  });

  it('an expiry within a week (inclusive) is said early; a later one late; a past one or an expired key never', () => {
    assert.deepEqual(keyFacts(key({ expiresAt: iso(NOW + 7 * D) }), NOW), [
      { kind: 'expiresSoon', in: { value: 7, unit: 'd', past: false } },
    ]);
    assert.deepEqual(keyFacts(key({ expiresAt: iso(NOW + 7 * D + 1) }), NOW), [
      { kind: 'expires', in: { value: 7, unit: 'd', past: false } },
    ]);
    assert.deepEqual(keyFacts(key({ expiresAt: iso(NOW + 1) }), NOW), [
      { kind: 'expiresSoon', in: { value: 1, unit: 'm', past: false } },
    ]);
    assert.deepEqual(keyFacts(key({ expiresAt: iso(NOW) }), NOW), [], 'expiring now is not "soon"');
    assert.deepEqual(keyFacts(key({ expiresAt: iso(NOW - D) }), NOW), []);
    assert.deepEqual(keyFacts(key({ status: 'expired', expiresAt: iso(NOW + D) }), NOW), [
      { kind: 'status', status: 'expired' },
    ]);
    assert.deepEqual(keyFacts(key({ status: 'expired', expiresAt: iso(NOW + 30 * D) }), NOW), [
      { kind: 'status', status: 'expired' },
    ]);
    assert.deepEqual(keyFacts(key({ expiresAt: 'someday' }), NOW), []);
  });

  it('quota, limits (each alone), team (by name, else a short id), in that order', () => {
    const remaining = { amount: '3.5', currency: 'USD' as const };
    assert.deepEqual(
      keyFacts(
        key({
          quota: { unlimited: false, remaining },
          rpmLimit: 60,
          tpmLimit: 1000,
          teamId: 'team-1',
          expiresAt: iso(NOW + 30 * D),
        }),
        NOW,
        () => 'Alpha',
      ),
      [
        { kind: 'quota', remaining },
        { kind: 'limits', rpm: 60, tpm: 1000 },
        { kind: 'expires', in: { value: 30, unit: 'd', past: false } },
        { kind: 'team', team: 'Alpha' },
      ],
    );
    assert.deepEqual(keyFacts(key({ quota: { unlimited: true } }), NOW), [{ kind: 'unlimited' }]);
    assert.deepEqual(
      keyFacts(key({ quota: { unlimited: false } }), NOW),
      [],
      'a tracked quota without a figure says nothing',
    );
    assert.deepEqual(keyFacts(key({ rpmLimit: 60, tpmLimit: null }), NOW), [{ kind: 'limits', rpm: 60 }]);
    assert.deepEqual(keyFacts(key({ tpmLimit: 0 }), NOW), [{ kind: 'limits', tpm: 0 }]);
    assert.deepEqual(
      keyFacts(key({ teamId: '0123456789' }), NOW),
      [{ kind: 'team', team: '0123456789' }],
      '10 characters stay whole',
    );
    assert.deepEqual(keyFacts(key({ teamId: '0123456789a' }), NOW), [{ kind: 'team', team: '01234567…' }]);
    assert.deepEqual(
      keyFacts(key({ teamId: '0123456789a' }), NOW, () => undefined),
      [{ kind: 'team', team: '01234567…' }],
      'an unknown team name: the short id',
    );
  });
});

describe('keys logic: snippets, exactly', () => {
  const input = { baseUrl: 'https://gw.test/v1//', key: 'sk-abc', model: 'gpt-4o' };
  it('the kinds', () => {
    assert.deepEqual(SNIPPET_KINDS.slice(0, 4), ['curl', 'python', 'node', 'env']);
    assert.equal(snippetKindSchema.safeParse('ruby').success, false);
  });
  it('curl', () => {
    assert.equal(
      buildSnippet('curl', input),
      'curl \'https://gw.test/v1/chat/completions\' \\\n  -H \'Authorization: Bearer sk-abc\' \\\n  -H \'Content-Type: application/json\' \\\n  -d \'{"model":"gpt-4o","messages":[{"role":"user","content":"Hello!"}]}\'\n',
    );
  });
  it('python', () => {
    assert.equal(
      buildSnippet('python', input),
      'from openai import OpenAI\n\nclient = OpenAI(base_url="https://gw.test/v1", api_key="sk-abc")\n\nresponse = client.chat.completions.create(\n    model="gpt-4o",\n    messages=[{"role": "user", "content": "Hello!"}],\n)\nprint(response.choices[0].message.content)\n',
    );
  });
  it('node, with quotes and backslashes escaped', () => {
    assert.equal(
      buildSnippet('node', input),
      "import OpenAI from 'openai';\n\nconst client = new OpenAI({ baseURL: 'https://gw.test/v1', apiKey: 'sk-abc' });\n\nconst response = await client.chat.completions.create({\n  model: 'gpt-4o',\n  messages: [{ role: 'user', content: 'Hello!' }],\n});\nconsole.log(response.choices[0].message.content);\n",
    );
    assert.match(buildSnippet('node', { ...input, model: "it's\\x" }), /model: 'it\\'s\\\\x',/);
  });
  it('.env', () => {
    assert.equal(
      buildSnippet('env', input),
      'OPENAI_BASE_URL=https://gw.test/v1\nOPENAI_API_KEY=sk-abc\nOPENAI_MODEL=gpt-4o\n',
    );
  });
  it('without the key: the placeholder, and the note as a comment in each language; with the key, no note', () => {
    const noKey = { baseUrl: 'https://gw.test/v1', model: 'm', note: 'copy the key from the console' };
    assert.equal(KEY_PLACEHOLDER, '<YOUR_KEY>');
    assert.ok(
      buildSnippet('curl', noKey).startsWith(
        "# copy the key from the console\ncurl 'https://gw.test/v1/chat/completions' \\\n  -H 'Authorization: Bearer <YOUR_KEY>'",
      ),
    );
    assert.ok(buildSnippet('python', noKey).startsWith('# copy the key from the console\nfrom openai'));
    assert.ok(buildSnippet('node', noKey).startsWith('// copy the key from the console\nimport OpenAI'));
    assert.ok(buildSnippet('env', noKey).startsWith('# copy the key from the console\nOPENAI_BASE_URL='));
    assert.ok(buildSnippet('env', noKey).includes('OPENAI_API_KEY=<YOUR_KEY>\n'));
    for (const kind of ['curl', 'python', 'node', 'env'] as const) {
      assert.ok(!buildSnippet(kind, { ...noKey, key: 'sk-x' }).includes('copy the key'), kind);
      assert.ok(
        buildSnippet(kind, { baseUrl: 'https://gw.test/v1', model: 'm' }).startsWith(
          kind === 'curl' ? 'curl' : kind === 'env' ? 'OPENAI' : kind === 'node' ? 'import' : 'from',
        ),
        `${kind} without a note`,
      );
    }
  });
  it('Anthropic-native snippets: the gateway root (the base without /v1), x-api-key and the version header; Claude Code’s variables', () => {
    const a = { baseUrl: 'https://gw.test/v1/', key: 'sk-abc', model: 'claude-3' };
    assert.equal(
      buildSnippet('anthropic-curl', a),
      'curl \'https://gw.test/v1/messages\' \\\n  -H \'x-api-key: sk-abc\' \\\n  -H \'anthropic-version: 2023-06-01\' \\\n  -H \'Content-Type: application/json\' \\\n  -d \'{"model":"claude-3","max_tokens":1024,"messages":[{"role":"user","content":"Hello!"}]}\'\n',
    );
    assert.equal(
      buildSnippet('anthropic-python', a),
      'import anthropic\n\nclient = anthropic.Anthropic(base_url="https://gw.test", api_key="sk-abc")\n\nmessage = client.messages.create(\n    model="claude-3",\n    max_tokens=1024,\n    messages=[{"role": "user", "content": "Hello!"}],\n)\nprint(message.content[0].text)\n',
    );
    assert.equal(
      buildSnippet('anthropic-node', a),
      "import Anthropic from '@anthropic-ai/sdk';\n\nconst client = new Anthropic({ baseURL: 'https://gw.test', apiKey: 'sk-abc' });\n\nconst message = await client.messages.create({\n  model: 'claude-3',\n  max_tokens: 1024,\n  messages: [{ role: 'user', content: 'Hello!' }],\n});\nconsole.log(message.content[0].type === 'text' ? message.content[0].text : message.content);\n",
    );
    assert.equal(
      buildSnippet('claude-env', a),
      "export ANTHROPIC_BASE_URL='https://gw.test'\nexport ANTHROPIC_AUTH_TOKEN='sk-abc'\nexport ANTHROPIC_MODEL='claude-3'\nunset ANTHROPIC_API_KEY\n",
    );
    assert.ok(
      buildSnippet('claude-env', {
        ...a,
        anthropicBaseUrl: 'https://anth.test//',
        anthropicModel: 'claude-x',
      }).startsWith(
        "export ANTHROPIC_BASE_URL='https://anth.test'\nexport ANTHROPIC_AUTH_TOKEN='sk-abc'\nexport ANTHROPIC_MODEL='claude-x'",
      ),
    );
    assert.ok(
      buildSnippet('anthropic-python', { ...a, baseUrl: 'https://gw.test/api/v1x' }).includes(
        'base_url="https://gw.test/api/v1x"',
      ),
      'only a trailing /v1 is the version',
    );
    assert.ok(
      buildSnippet('anthropic-node', { baseUrl: 'https://gw.test/v1', model: 'm', note: 'copy it' }).startsWith(
        '// copy it\nimport Anthropic',
      ),
    );
    assert.ok(
      buildSnippet('anthropic-node', { baseUrl: 'https://gw.test/v1', model: 'm' }).startsWith('import Anthropic'),
    );
  });
  it('Gemini-native snippet: the model in the path (escaped), the key as a Bearer or x-goog-api-key header', () => {
    const g = { baseUrl: 'https://gw.test/v1', key: 'sk-abc', model: 'gpt', geminiModel: 'gemini 2.0' };
    assert.equal(
      buildSnippet('gemini-curl', g),
      'curl \'https://gw.test/v1beta/models/gemini%202.0:generateContent\' \\\n  -H \'Authorization: Bearer sk-abc\' \\\n  -H \'Content-Type: application/json\' \\\n  -d \'{"contents":[{"role":"user","parts":[{"text":"Hello!"}]}]}\'\n',
    );
    assert.ok(
      buildSnippet('gemini-curl', { ...g, gemini: { base: 'https://gem.test', auth: 'x-goog-api-key' } }).startsWith(
        "curl 'https://gem.test/v1beta/models/gemini%202.0:generateContent' \\\n  -H 'x-goog-api-key: sk-abc'",
      ),
    );
    assert.ok(
      buildSnippet('gemini-curl', { baseUrl: 'https://gw.test/v1', model: 'gemini-pro' }).includes(
        '/v1beta/models/gemini-pro:generateContent',
      ),
      'else the model of the snippet',
    );
  });
  it('the chat base URL: chatBaseUrl, else baseUrl + /v1, without trailing slashes', () => {
    assert.equal(chatBaseUrl({ baseUrl: 'https://gw.test//' }), 'https://gw.test/v1');
    assert.equal(
      chatBaseUrl({ baseUrl: 'https://gw.test', chatBaseUrl: 'https://chat.test/api//' }),
      'https://chat.test/api',
    );
  });
});
