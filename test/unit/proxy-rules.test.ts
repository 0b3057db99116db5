/**
 * The proxy decision, field by field, as table tests: which variable serves which target (and is named as the
 * source), the default port of each proxy scheme, every form of a no-proxy entry and what it must not match, the
 * credentials (user only, password only, undecodable, SOCKS), what replaces what, and every secret a configuration
 * holds (so the redactor knows them).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseNoProxy,
  proxySecrets,
  resolveProxy,
  type ProxyDecision,
  type ProxySettings,
} from '../../src/gateway/proxy';

const decide = (target: string, settings: ProxySettings | undefined): ProxyDecision =>
  resolveProxy(new URL(target), settings);
const basic = (userPass: string): string => `Basic ${Buffer.from(userPass).toString('base64')}`;

describe('which variable serves which target', () => {
  const VARS = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY'];

  it('each variable alone: its target schemes, named as the source', () => {
    for (const name of VARS) {
      const env = { [name]: `http://${name.toLowerCase()}.proxy:3128` };
      for (const scheme of ['https', 'http']) {
        const d = decide(`${scheme}://api.example.com/`, { env });
        const serves = scheme === 'https' || !name.toLowerCase().startsWith('https');
        if (!serves) {
          assert.deepEqual(d, { kind: 'direct', reason: 'not-configured' }, `${name} for ${scheme}`);
          continue;
        }
        assert.deepEqual(
          d,
          {
            kind: 'proxy',
            proxy: {
              uri: `http://${name.toLowerCase()}.proxy:3128`,
              display: `${name.toLowerCase()}.proxy:3128`,
              protocol: 'http:',
              strictSSL: true,
              source: name,
            },
          },
          `${name} for ${scheme}`,
        );
      }
    }
  });

  it('the order: each variable before every later one, for both schemes', () => {
    for (let i = 0; i < VARS.length; i++) {
      for (let j = i + 1; j < VARS.length; j++) {
        const [first, later] = [VARS[i]!, VARS[j]!];
        const env = { [later]: 'http://later:1', [first]: 'http://first:1' };
        const d = decide('https://a.example/', { env });
        assert.ok(d.kind === 'proxy' && d.proxy.source === first, `${first} before ${later}`);
      }
    }
    const http = decide('http://a.example/', { env: { all_proxy: 'http://all:1', HTTP_PROXY: 'http://h:1' } });
    assert.ok(http.kind === 'proxy' && http.proxy.source === 'HTTP_PROXY');
  });

  it('http.proxy is trimmed, and blank is unset', () => {
    const d = decide('https://a.example/', { url: '  http://p.corp:8080  ' });
    assert.ok(d.kind === 'proxy' && d.proxy.uri === 'http://p.corp:8080' && d.proxy.source === 'http.proxy');
    const env = decide('https://a.example/', { url: '  ', env: { HTTPS_PROXY: 'http://e:1' } });
    assert.ok(env.kind === 'proxy' && env.proxy.source === 'HTTPS_PROXY');
  });

  it('no settings at all, and a no-proxy match, say why they go direct', () => {
    assert.deepEqual(decide('https://a.example/', undefined), { kind: 'direct', reason: 'not-configured' });
    assert.deepEqual(decide('https://a.example/', { url: 'http://p:1', noProxy: ['a.example'] }), {
      kind: 'direct',
      reason: 'no-proxy',
    });
  });
});

describe('proxy URLs', () => {
  const proxyOf = (url: string, extra: Partial<ProxySettings> = {}) => {
    const d = decide('https://a.example/', { url, ...extra });
    assert.ok(d.kind === 'proxy', `${url}: ${JSON.stringify(d)}`);
    return d.proxy;
  };

  it('each scheme and its default port', () => {
    const table: Array<[string, string, string]> = [
      ['http://p.corp', 'http:', 'http://p.corp:80'],
      ['https://p.corp', 'https:', 'https://p.corp:443'],
      ['socks5://p.corp', 'socks5:', 'socks5://p.corp:1080'],
      ['socks5h://p.corp', 'socks5:', 'socks5://p.corp:1080'],
      ['socks://p.corp', 'socks5:', 'socks5://p.corp:1080'],
      ['HTTPS://p.corp:8443', 'https:', 'https://p.corp:8443'],
      ['p.corp', 'http:', 'http://p.corp:80'],
    ];
    for (const [url, protocol, uri] of table) {
      const p = proxyOf(url);
      assert.equal(p.protocol, protocol, url);
      assert.equal(p.uri, uri, url);
      assert.equal(p.display, uri.replace(/^[a-z0-9]+:\/\//, ''), url);
    }
  });

  it('a value is taken as having a scheme only when it starts with one', () => {
    const p = proxyOf('p.corp:3128/?next=http://elsewhere');
    assert.equal(p.uri, 'http://p.corp:3128');
  });

  it('an unsupported scheme is refused, naming the host as written (no port is made up for it)', () => {
    assert.deepEqual(decide('https://a.example/', { url: 'ftp://user:pw@p.corp' }), {
      kind: 'invalid',
      source: 'http.proxy',
      problem: 'scheme',
      display: 'p.corp',
    });
    const d = decide('https://a.example/', { url: 'ftp://p.corp:2121' });
    assert.ok(d.kind === 'invalid' && d.display === 'p.corp:2121');
  });

  it('a URL with no host is refused, whatever its scheme', () => {
    for (const url of ['socks5://', 'socks5://:1080']) {
      assert.deepEqual(decide('https://a.example/', { url }), {
        kind: 'invalid',
        source: 'http.proxy',
        problem: 'url',
      });
    }
  });

  it('credentials: user only, password only, undecodable percent-escapes', () => {
    assert.equal(proxyOf('http://alice@p.corp:1').authorization, basic('alice:'));
    assert.equal(proxyOf('http://:s3cret@p.corp:1').authorization, basic(':s3cret'));
    assert.equal(proxyOf('http://al%zzice:pw%@p.corp:1').authorization, basic('al%zzice:pw%'), 'kept as written');
    assert.equal(proxyOf('http://al%C3%A9:p%C3%A5@p.corp:1').authorization, basic('alé:på'), 'UTF-8');
  });

  it('http.proxyAuthorization is trimmed, and blank is unset', () => {
    assert.equal(proxyOf('http://u:p@p.corp:1', { authorization: '  Negotiate abc  ' }).authorization, 'Negotiate abc');
    assert.equal(proxyOf('http://u:p@p.corp:1', { authorization: '  ' }).authorization, basic('u:p'));
  });

  it('SOCKS: the credentials go to the handshake, never to a Proxy-Authorization header', () => {
    const s = proxyOf('socks5://alice:pw@p.corp', { authorization: 'Basic xyz' });
    assert.equal('authorization' in s, false);
    assert.deepEqual(s.socks, { username: 'alice', password: 'pw' });
    assert.deepEqual(proxyOf('socks5://alice@p.corp').socks, { username: 'alice', password: '' });
    assert.deepEqual(proxyOf('socks5://:pw@p.corp').socks, { username: '', password: 'pw' });
    assert.equal('socks' in proxyOf('socks5://p.corp'), false, 'none without credentials');
    assert.equal('socks' in proxyOf('http://alice:pw@p.corp'), false, 'an http proxy has no SOCKS handshake');
  });
});

describe('no-proxy entries', () => {
  const bypass = (entries: readonly string[] | string | undefined, target: string): boolean =>
    parseNoProxy(entries)(new URL(target));

  it('match, and must not match', () => {
    const cases: Array<[string, string, boolean]> = [
      // a trailing dot on either side is the same name
      ['example.com', 'https://example.com./', true],
      ['example.com.', 'https://api.example.com/', true],
      // a leading `*` alone is dropped too; a `*` elsewhere is a character of the name
      ['*example.com', 'https://example.com/', true],
      ['a*b.com', 'https://ab.com/', false],
      ['a*b.com', 'https://a*b.com/', true],
      // the port of the target: its own, else its scheme's
      ['example.com:80', 'http://example.com/', true],
      ['example.com:80', 'https://example.com/', false],
      ['example.com:8443x', 'https://example.com:8443/', false],
      // addresses compared as addresses, not as text
      ['fd12:0:0::1', 'http://[fd12::1]/', true],
      ['[fd12:0::1]', 'http://[fd12::1]/', true],
      ['[fd12:0::1]:8080', 'http://[fd12::1]:8080/', true],
      ['10.1.2.3', 'http://[::ffff:10.1.2.3]/', true],
      ['10.1.2.3:8080', 'http://10.1.2.3:8080/', true],
      ['10.1.2.3:8080', 'http://10.1.2.3:8081/', false],
      ['10.1.2.3', 'https://example.com/', false],
      // malformed entries match nothing
      ['x[fd12::1]:8080', 'http://[fd12::1]:8080/', false],
      ['[fd12::1]:8080x', 'http://[fd12::1]:8080/', false],
      ['.', 'http://a../', false],
      ['*.', 'http://a../', false],
    ];
    for (const [entry, target, expected] of cases) {
      assert.equal(bypass([entry], target), expected, `${entry} vs ${target}`);
    }
  });

  it('lists: separators, blanks, entries that are not text, none at all', () => {
    assert.equal(bypass(' a.example,, b.example ', 'https://b.example/'), true);
    assert.equal(bypass(' a.example,, b.example ', 'https://c.example/'), false, 'blank entries match nothing');
    assert.equal(bypass(['a.example b.example', ' '], 'https://b.example/'), true);
    assert.equal(bypass(['', 'a.example'], 'https://c.example/'), false);
    assert.equal(bypass([5, 'a.example'] as unknown as string[], 'https://a.example/'), true, 'a number is skipped');
    assert.equal(bypass([5] as unknown as string[], 'https://here/'), false);
    assert.equal(bypass([true] as unknown as string[], 'https://true/'), false, 'a boolean is not the name "true"');
    assert.equal(bypass(['a.example', 'b.example'], 'https://b.example/'), true, 'two entries stay two');
    assert.equal(bypass(undefined, 'https://here/'), false);
    assert.equal(bypass([], 'https://here/'), false);
  });

  it('http.noProxy replaces NO_PROXY only when it has a text entry', () => {
    const env = { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'a.example' };
    assert.equal(decide('https://a.example/', { env, noProxy: ['  '] }).kind, 'direct', 'a blank entry does not');
    assert.equal(decide('https://a.example/', { env, noProxy: [5] as unknown as string[] }).kind, 'direct');
    assert.equal(decide('https://a.example/', { env, noProxy: [' b.example '] }).kind, 'proxy');
  });
});

describe('the secrets of a proxy configuration', () => {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');

  it('from every place a credential can be, in order, each once', () => {
    const table: Array<[ProxySettings | undefined, string[]]> = [
      [undefined, []],
      [{}, []],
      [{ url: 'http://p.corp:1' }, []],
      [{ authorization: '  Basic dXNlcjpwdw==  ' }, ['Basic dXNlcjpwdw==', 'dXNlcjpwdw==']],
      [{ authorization: 'opaque-token' }, ['opaque-token']],
      [{ authorization: 'Basic  dXNlcjpwdw==' }, ['Basic  dXNlcjpwdw==', 'dXNlcjpwdw==']],
      [{ authorization: 'Basic a b' }, ['Basic a b']],
      [{ authorization: '   ' }, []],
      [{ url: 'http://alice:s%40cret@p.corp:1' }, ['s%40cret', 's@cret', b64('alice:s@cret')]],
      [{ url: 'http://alice:pw@p.corp:1' }, ['pw', b64('alice:pw')]],
      [{ url: 'http://tok%2Fen@p.corp:1' }, ['tok%2Fen', 'tok/en', b64('tok/en:')]],
      [{ url: 'http://:pw@p.corp:1' }, ['pw', b64(':pw')]],
      [{ url: 'alice:pw@p.corp:1' }, ['pw', b64('alice:pw')]],
      [{ url: 'http://p.corp:1/a@b' }, []],
      [{ url: '  http://alice:pw@p.corp:1  ' }, ['pw', b64('alice:pw')]],
      // a URL inside the query is not the proxy's
      [{ url: 'p.corp:1/?next=http://u:pw@x' }, []],
      [{ url: '' }, []],
      [{ url: '@p.corp' }, []],
      [
        { env: { HTTPS_PROXY: 'http://u:envpw@p:1', all_proxy: 'socks5://v:allpw@s' } },
        ['envpw', b64('u:envpw'), 'allpw', b64('v:allpw')],
      ],
      [{ env: { NO_PROXY: 'http://x:notasecret@y' } }, []],
      [{ url: 'http://a:pw@p:1', env: { HTTP_PROXY: 'http://a:pw@p:1' } }, ['pw', b64('a:pw')]],
      [{ url: 'http://a:p:w@p:1' }, ['p:w', b64('a:p:w')]],
    ];
    for (const [settings, secrets] of table) {
      assert.deepEqual(proxySecrets(settings), secrets, JSON.stringify(settings));
    }
  });
});
