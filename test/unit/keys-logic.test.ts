/** The keys tree's pure logic (src/features/keys/logic.ts): status, filter, sort, description facts, snippets. */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import type { ApiKey } from '../../src/core/types';
import {
  KEY_PLACEHOLDER,
  buildSnippet,
  chatBaseUrl,
  displayStatus,
  isFilterActive,
  keyFacts,
  keyFilterSchema,
  matchesFilter,
  relativeTime,
  sortKeys,
} from '../../src/features/keys/logic';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

function key(p: Partial<ApiKey> & { id: string }): ApiKey {
  return {
    name: p.id,
    maskedKey: 'sk-…abcd',
    status: 'active',
    rawStatus: 'active',
    modelsAllowed: [],
    allowedIps: [],
    expiresAt: null,
    ...p,
  };
}

describe('keys logic: status', () => {
  it('an active key whose rotation grace is in the future is "grace"; a past grace is plain active', () => {
    assert.equal(displayStatus(key({ id: 'a', rotateGraceUntil: iso(NOW + 3600_000) }), NOW), 'grace');
    assert.equal(displayStatus(key({ id: 'a', rotateGraceUntil: iso(NOW - 1) }), NOW), 'active');
    assert.equal(
      displayStatus(key({ id: 'a', status: 'disabled', rotateGraceUntil: iso(NOW + DAY) }), NOW),
      'disabled',
    );
    assert.equal(displayStatus(key({ id: 'a', rotateGraceUntil: 'not a date' }), NOW), 'active');
  });
});

describe('keys logic: filter', () => {
  const keys = [
    key({ id: '1', name: 'Prod-Backend', modelsAllowed: ['gpt-4o'] }),
    key({ id: '2', name: 'staging', status: 'disabled' }),
    key({ id: '3', name: 'prod-ml', rotateGraceUntil: iso(NOW + DAY), modelsAllowed: ['claude-3-5-sonnet'] }),
    key({ id: '4', name: '测试密钥', status: 'expired' }),
  ];
  const ids = (f: Parameters<typeof matchesFilter>[1]) => keys.filter((k) => matchesFilter(k, f, NOW)).map((k) => k.id);

  it('name is a case-insensitive substring', () => {
    assert.deepEqual(ids({ name: 'PROD' }), ['1', '3']);
    assert.deepEqual(ids({ name: '测试' }), ['4']);
  });
  it('status: "active" includes keys in grace, "grace" only those', () => {
    assert.deepEqual(ids({ status: 'active' }), ['1', '3']);
    assert.deepEqual(ids({ status: 'grace' }), ['3']);
    assert.deepEqual(ids({ status: 'disabled' }), ['2']);
  });
  it('model: an empty allow-list allows every model', () => {
    assert.deepEqual(ids({ model: 'gpt-4o' }), ['1', '2', '4']);
    assert.deepEqual(ids({ model: 'claude-3-5-sonnet' }), ['2', '3', '4']);
  });
  it('criteria combine, and the schema refuses junk', () => {
    assert.deepEqual(ids({ name: 'prod', model: 'gpt-4o' }), ['1']);
    assert.equal(isFilterActive({}), false);
    assert.equal(isFilterActive(undefined), false);
    assert.equal(keyFilterSchema.safeParse({ status: 'deleted' }).success, false);
    assert.equal(keyFilterSchema.safeParse({ name: '' }).success, false);
  });
});

describe('keys logic: sort', () => {
  const keys = [
    key({
      id: 'b',
      name: 'beta',
      createdAt: iso(NOW - 5 * DAY),
      expiresAt: null,
      quota: { unlimited: false, used: { amount: '9.99', currency: 'USD' } },
    }),
    key({
      id: 'a',
      name: 'Alpha',
      createdAt: iso(NOW - 1 * DAY),
      expiresAt: iso(NOW + 30 * DAY),
      quota: { unlimited: false, used: { amount: '10.5', currency: 'USD' } },
    }),
    key({ id: 'c', name: 'key 10', createdAt: iso(NOW - 9 * DAY), expiresAt: iso(NOW + 2 * DAY) }),
    key({ id: 'd', name: 'key 9', createdAt: null, expiresAt: iso(NOW + 2 * DAY), lastUsedAt: iso(NOW - DAY) }),
  ];
  const order = (s: Parameters<typeof sortKeys>[1]) => sortKeys(keys, s).map((k) => k.id);

  it('name: A→Z, case-insensitive, numbers in numeric order', () =>
    assert.deepEqual(order('name'), ['a', 'b', 'd', 'c']));
  it('created: newest first, unknown last', () => assert.deepEqual(order('created'), ['a', 'b', 'c', 'd']));
  it('expiry: soonest first, never last (ties by name)', () => assert.deepEqual(order('expiry'), ['d', 'c', 'a', 'b']));
  it('usage: decimal amounts (10.5 > 9.99), then the most recently used', () =>
    assert.deepEqual(order('usage'), ['a', 'b', 'd', 'c']));
  it('server keeps the order and never mutates the input', () => {
    assert.deepEqual(order('server'), ['b', 'a', 'c', 'd']);
    sortKeys(keys, 'name');
    assert.deepEqual(
      keys.map((k) => k.id),
      ['b', 'a', 'c', 'd'],
    );
  });
});

describe('keys logic: description facts', () => {
  it('a disabled key says so first; a key expiring within a week says when', () => {
    const f = keyFacts(key({ id: 'x', status: 'disabled', expiresAt: iso(NOW + 3 * DAY) }), NOW);
    assert.deepEqual(f.slice(0, 2), [
      { kind: 'status', status: 'disabled' },
      { kind: 'expiresSoon', in: { value: 3, unit: 'd', past: false } },
    ]);
  });
  it('grace first, then remaining quota, limits, a far expiry and the team', () => {
    const f = keyFacts(
      key({
        id: 'x',
        rotateGraceUntil: iso(NOW + 5 * 3600_000),
        quota: { unlimited: false, remaining: { amount: '12.5', currency: 'USD' } },
        rpmLimit: 60,
        tpmLimit: null,
        expiresAt: iso(NOW + 40 * DAY),
        teamId: 't1',
      }),
      NOW,
      (t) => (t === 't1' ? 'Platform' : undefined),
    );
    assert.deepEqual(
      f.map((x) => x.kind),
      ['grace', 'quota', 'limits', 'expires', 'team'],
    );
    assert.deepEqual(f[2], { kind: 'limits', rpm: 60 });
    assert.deepEqual(f[4], { kind: 'team', team: 'Platform' });
  });
  it('an expired key does not also say "expires"', () => {
    const f = keyFacts(key({ id: 'x', status: 'expired', expiresAt: iso(NOW - DAY) }), NOW);
    assert.deepEqual(f, [{ kind: 'status', status: 'expired' }]);
  });
  it('relative times (compact numbers and money: format.test.ts)', () => {
    assert.deepEqual(relativeTime(iso(NOW - 90_000), NOW), { value: 2, unit: 'm', past: true });
    assert.deepEqual(relativeTime(iso(NOW + 5 * 3600_000), NOW), { value: 5, unit: 'h', past: false });
    assert.equal(relativeTime('garbage', NOW), undefined);
  });
});

describe('keys logic: snippets', () => {
  const base = 'http://127.0.0.1:8787/v1';
  const secret = 'sk-nex-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcd';

  it('every kind carries the base URL, the key and the model', () => {
    for (const kind of ['curl', 'python', 'node', 'env'] as const) {
      const s = buildSnippet(kind, { baseUrl: `${base}/`, key: secret, model: 'gpt-4o-mini', note: 'unused' });
      assert.ok(s.includes(base), `${kind}: base URL`);
      assert.ok(!s.includes(`${base}//`), `${kind}: no double slash`);
      assert.ok(s.includes(secret), `${kind}: key`);
      assert.ok(s.includes('gpt-4o-mini'), `${kind}: model`);
      assert.ok(
        !s.includes('unused') && !s.includes(KEY_PLACEHOLDER),
        `${kind}: no note and no placeholder when the key is known`,
      );
    }
  });

  it('without the key: the placeholder and the note', () => {
    for (const kind of ['curl', 'python', 'node', 'env'] as const) {
      const s = buildSnippet(kind, { baseUrl: base, model: 'm', note: 'AIone shows it once' });
      assert.ok(s.includes(KEY_PLACEHOLDER), kind);
      assert.ok(s.includes('AIone shows it once'), kind);
    }
  });

  it(
    'the curl snippet is one valid shell command, even with a quote in the model name',
    { skip: process.platform === 'win32' },
    () => {
      const s = buildSnippet('curl', { baseUrl: base, key: secret, model: "o'brien" });
      // parse it with the shell (no execution of curl): print each argument on its own line
      const argv = execFileSync(
        'sh',
        [
          '-c',
          `set -- ${s
            .trim()
            .replace(/^curl /, '')
            .replace(/\\\n/g, ' ')}; for a; do printf '%s\\n' "$a"; done`,
        ],
        { encoding: 'utf8' },
      ).split('\n');
      assert.equal(argv[0], `${base}/chat/completions`);
      assert.ok(argv.includes(`Authorization: Bearer ${secret}`));
      const body = JSON.parse(argv[argv.indexOf('-d') + 1]!) as { model: string; messages: unknown[] };
      assert.equal(body.model, "o'brien");
    },
  );

  it('the chat base URL is chatBaseUrl, else baseUrl + /v1', () => {
    assert.equal(chatBaseUrl({ baseUrl: 'https://aihubmix.com/' }), 'https://aihubmix.com/v1');
    assert.equal(
      chatBaseUrl({ baseUrl: 'https://a.example', chatBaseUrl: 'https://b.example/openai/' }),
      'https://b.example/openai',
    );
  });
});
