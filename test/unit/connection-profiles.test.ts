/**
 * The one set of rules every connection profile obeys (UI, hand-written settings.json, demo): base URLs, labels,
 * flags, newApiUser, duplicate ids; an invalid entry is reported with what is wrong, never used.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { checkDisplayText, stripUnsafeText } from '../../src/core/text';
import {
  checkConnectionEntry,
  checkLabel,
  isInsecureProfile,
  parseConnections,
  type EntryCheck,
  type ProfileProblem,
} from '../../src/platform/profiles';
import { checkBaseUrl } from '../../src/platform/urls';

const entry = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'c1',
  kind: 'aione',
  label: 'My gateway',
  baseUrl: 'https://gw.example.com',
  ...over,
});
const problemsOf = (c: EntryCheck): ProfileProblem[] => (c.ok ? [] : [...c.problems]);
const codeOf = (c: EntryCheck, field: ProfileProblem['field']): string | undefined =>
  problemsOf(c).find((p) => p.field === field)?.code;

describe('base URL rules (checkBaseUrl)', () => {
  it('accepts https and loopback http, normalising the trailing slash', () => {
    assert.deepEqual(checkBaseUrl('https://gw.example.com/'), {
      ok: true,
      url: 'https://gw.example.com',
      insecure: false,
    });
    assert.deepEqual(checkBaseUrl('https://gw.example.com/api//'), {
      ok: true,
      url: 'https://gw.example.com/api',
      insecure: false,
    });
    for (const u of ['http://localhost:3000', 'http://127.0.0.1:8080/', 'http://[::1]:9000', 'http://api.localhost']) {
      const c = checkBaseUrl(u);
      assert.ok(c.ok && !c.insecure, u);
    }
  });
  it('refuses javascript:, file:, data: and other schemes', () => {
    for (const u of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'data:text/plain,x',
      'ftp://gw.example.com',
      'ws://gw.example.com',
    ]) {
      assert.deepEqual(checkBaseUrl(u, true), { ok: false, problem: 'scheme' }, u);
    }
  });
  it('refuses credentials, a query and a fragment (even an empty one)', () => {
    assert.deepEqual(checkBaseUrl('https://user:pw@gw.example.com', true), { ok: false, problem: 'credentials' });
    assert.deepEqual(checkBaseUrl('https://user@gw.example.com', true), { ok: false, problem: 'credentials' });
    assert.deepEqual(checkBaseUrl('https://gw.example.com/?x=1', true), { ok: false, problem: 'query' });
    assert.deepEqual(checkBaseUrl('https://gw.example.com/#top', true), { ok: false, problem: 'query' });
    assert.deepEqual(checkBaseUrl('https://gw.example.com/?', true), { ok: false, problem: 'query' });
    assert.deepEqual(checkBaseUrl('https://gw.example.com/#', true), { ok: false, problem: 'query' });
  });
  it('plain http to another host (127.example.com is not loopback) needs the insecure flag', () => {
    assert.deepEqual(checkBaseUrl('http://127.example.com'), { ok: false, problem: 'insecure' });
    assert.deepEqual(checkBaseUrl('http://gw.example.com'), { ok: false, problem: 'insecure' });
    assert.deepEqual(checkBaseUrl('http://127.example.com', true), {
      ok: true,
      url: 'http://127.example.com',
      insecure: true,
    });
  });
});

describe('a settings entry goes through the same rules', () => {
  it('a valid entry is normalised (trailing slash, label trimmed, numeric newApiUser as digits)', () => {
    const c = checkConnectionEntry(
      entry({
        baseUrl: 'https://gw.example.com/',
        chatBaseUrl: 'https://chat.example.com/v1/',
        label: '  Mine  ',
        newApiUser: 42,
      }),
    );
    assert.ok(c.ok, JSON.stringify(problemsOf(c)));
    assert.deepEqual(c.profile, {
      id: 'c1',
      kind: 'aione',
      label: 'Mine',
      baseUrl: 'https://gw.example.com',
      chatBaseUrl: 'https://chat.example.com/v1',
      newApiUser: '42',
    });
  });
  it('plain http to a non-loopback host without allowInsecureHttp is invalid; with it, valid and marked insecure', () => {
    const bad = checkConnectionEntry(entry({ baseUrl: 'http://gw.example.com' }));
    assert.equal(codeOf(bad, 'baseUrl'), 'insecure');
    const ok = checkConnectionEntry(entry({ baseUrl: 'http://gw.example.com', allowInsecureHttp: true }));
    assert.ok(ok.ok);
    assert.equal(isInsecureProfile(ok.profile), true);
    assert.equal(isInsecureProfile({ baseUrl: 'https://gw.example.com' }), false);
    assert.equal(
      isInsecureProfile({ baseUrl: 'https://gw.example.com', chatBaseUrl: 'http://chat.example.com' }),
      true,
    );
    assert.equal(isInsecureProfile({ baseUrl: 'http://127.0.0.1:1234' }), false);
  });
  it('javascript:, file:, credentials, query and fragment in baseUrl or chatBaseUrl are invalid', () => {
    assert.equal(codeOf(checkConnectionEntry(entry({ baseUrl: 'javascript:alert(1)' })), 'baseUrl'), 'scheme');
    assert.equal(codeOf(checkConnectionEntry(entry({ baseUrl: 'file:///etc/passwd' })), 'baseUrl'), 'scheme');
    assert.equal(
      codeOf(checkConnectionEntry(entry({ baseUrl: 'https://admin:secret@gw.example.com' })), 'baseUrl'),
      'credentials',
    );
    assert.equal(
      codeOf(checkConnectionEntry(entry({ baseUrl: 'https://gw.example.com?token=x' })), 'baseUrl'),
      'query',
    );
    assert.equal(codeOf(checkConnectionEntry(entry({ baseUrl: 'https://gw.example.com#x' })), 'baseUrl'), 'query');
    assert.equal(
      codeOf(checkConnectionEntry(entry({ chatBaseUrl: 'http://chat.example.com/v1' })), 'chatBaseUrl'),
      'insecure',
    );
    assert.equal(codeOf(checkConnectionEntry(entry({ chatBaseUrl: 'javascript:alert(1)' })), 'chatBaseUrl'), 'scheme');
    assert.equal(
      codeOf(checkConnectionEntry(entry({ chatBaseUrl: 'https://u:p@chat.example.com' })), 'chatBaseUrl'),
      'credentials',
    );
    assert.equal(codeOf(checkConnectionEntry(entry({ chatBaseUrl: 5 })), 'chatBaseUrl'), 'not-string');
  });
  it('every problem of an entry is reported, with what could be read of it', () => {
    const c = checkConnectionEntry({
      id: 'ok_id',
      kind: 'other',
      label: '',
      baseUrl: 'http://10.0.0.5',
      rawAuthHeader: 'yes',
      newApiUser: 'abc',
    });
    assert.ok(!c.ok);
    assert.deepEqual(c.problems.map((p) => `${p.field}:${p.code}`).sort(), [
      'baseUrl:insecure',
      'kind:invalid',
      'label:empty',
      'newApiUser:invalid',
      'rawAuthHeader:not-boolean',
    ]);
    assert.equal(c.id, 'ok_id');
    assert.equal(c.baseUrl, 'http://10.0.0.5');
    assert.deepEqual(problemsOf(checkConnectionEntry('nope')), [{ field: 'entry', code: 'not-object' }]);
    assert.deepEqual(
      problemsOf(checkConnectionEntry({})).map((p) => `${p.field}:${p.code}`),
      ['id:missing', 'kind:missing', 'label:missing', 'baseUrl:missing'],
    );
    assert.equal(codeOf(checkConnectionEntry(entry({ id: 'has space' })), 'id'), 'invalid');
  });
  it('a token written into the entry is a warning (the entry is used, the log says to remove it)', () => {
    const c = checkConnectionEntry(entry({ token: 'secret-value' }));
    assert.ok(c.ok);
    assert.deepEqual(c.warnings, [{ field: 'secret', code: 'in-settings', key: 'token' }]);
    assert.ok(!JSON.stringify(c.profile).includes('secret-value'), 'the token is not part of the profile');
  });
});

describe('the parsed setting', () => {
  it('keeps valid profiles in order, lists invalid entries with their index, and refuses a repeated id', () => {
    const s = parseConnections([
      entry({ id: 'a' }),
      entry({ id: 'b', baseUrl: 'http://gw.example.com' }),
      entry({ id: 'a', label: 'again' }),
      entry({ id: 'c', baseUrl: 'http://127.0.0.1:1/' }),
      42,
    ]);
    assert.deepEqual(
      s.profiles.map((p) => p.id),
      ['a', 'c'],
    );
    assert.equal(s.profiles[1]!.baseUrl, 'http://127.0.0.1:1');
    assert.deepEqual(
      s.invalid.map((x) => [x.index, x.id, x.problems.map((p) => `${p.field}:${p.code}`).join()]),
      [
        [1, 'b', 'baseUrl:insecure'],
        [2, 'a', 'id:duplicate'],
        [4, undefined, 'entry:not-object'],
      ],
    );
    assert.deepEqual(
      [...s.indexOf],
      [
        ['a', 0],
        ['c', 3],
      ],
    );
    assert.equal(parseConnections({ a: 1 }).notArray, true);
    assert.deepEqual(parseConnections(undefined).profiles, []);
  });
});

describe('names and labels: visible text without control or text-direction characters', () => {
  const bad: Array<[string, string]> = [
    ['tab\tname', 'control'],
    ['line\nbreak', 'control'],
    ['nul\u0000', 'control'],
    ['del\u007f', 'control'],
    ['c1\u0085', 'control'],
    ['sep\u2028', 'control'],
    ['\u202Eevil', 'bidi'],
    ['a\u202Ab', 'bidi'],
    ['a\u202Bb', 'bidi'],
    ['a\u202Cb', 'bidi'],
    ['a\u202Db', 'bidi'],
    ['a\u2066b', 'bidi'],
    ['a\u2067b', 'bidi'],
    ['a\u2068b', 'bidi'],
    ['a\u2069b', 'bidi'],
    ['a\u200Eb', 'bidi'],
    ['a\u200Fb', 'bidi'],
    ['a\u061Cb', 'bidi'],
    ['', 'empty'],
    ['   ', 'empty'],
    ['\u3000\u00a0', 'empty'],
    ['\u200B', 'invisible'],
    ['\u200B\u200C\u200D', 'invisible'],
    [' \u2060\uFEFF ', 'invisible'],
    ['\u3164', 'invisible'],
  ];
  for (const [text, problem] of bad) {
    it(`refuses ${JSON.stringify(text)} (${problem}) as a key name and as a connection label`, () => {
      assert.equal(checkDisplayText(text), problem);
      assert.equal(checkLabel(text), problem);
      assert.equal(checkConnectionEntry(entry({ label: text })).ok, false);
    });
  }
  it('accepts ordinary names in any script, emoji sequences and a joiner inside visible text', () => {
    for (const ok of ['ci-bot', '生产环境密钥', 'مفتاح', 'ключ (prod)', '👨‍👩‍👧 family', 'می‌خواهم', 'a b']) {
      assert.equal(checkDisplayText(ok), undefined, ok);
      assert.equal(checkLabel(ok), undefined, ok);
    }
  });
  it('a label longer than 100 characters is refused', () => {
    assert.equal(checkLabel('x'.repeat(100)), undefined);
    assert.equal(checkLabel('x'.repeat(101)), 'too-long');
  });
  it('names derived from text the client did not check lose control and direction characters', () => {
    assert.equal(stripUnsafeText('prod\u202Egpj.exe'), 'prodgpj.exe');
    assert.equal(stripUnsafeText('a\tb\nc'), 'a b c');
  });
});
