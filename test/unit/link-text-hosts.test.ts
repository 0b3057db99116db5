/**
 * Which host a link's visible text names, and when that text misleads about where the link goes
 * (src/core/linkText.ts, shared by the chat's renderer and the host's open-link check).
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { hostNamedBy, textMisleads } from '../../src/core/linkText';

describe('linkText: the host a text names', () => {
  it('reads a scheme, user info, a port, a path, query or fragment, or www. as marks of an address', () => {
    for (const [text, host] of [
      ['http://x.zz', 'x.zz'],
      ['u@x.zz', 'x.zz'],
      ['x.zz:1', 'x.zz'],
      ['x.zz/p', 'x.zz'],
      ['x.zz?q', 'x.zz'],
      ['x.zz#f', 'x.zz'],
      ['www.x.zz', 'www.x.zz'],
      ['WWW.x.zz', 'www.x.zz'],
      [' https://a.example ', 'a.example'],
      ['bank\u200b.com', 'bank.com'],
      ['a.com.', 'a.com'],
    ] as const)
      assert.equal(hostNamedBy(text), host, JSON.stringify(text));
  });

  it('a bare name is an address only with a common top-level domain or an IDN one', () => {
    assert.equal(hostNamedBy('a.com'), 'a.com');
    assert.equal(hostNamedBy('a.Com'), 'a.com');
    assert.equal(hostNamedBy('a.xn--p1ai'), 'a.xn--p1ai');
    for (const text of ['x.zz', 'README.md', 'main.py', 'mywww.x.zz', 'sub.www.a.zz'])
      assert.equal(hostNamedBy(text), undefined, text);
  });

  it('a host may have one character after its dot, a digit right after the dot, or end in a digit', () => {
    assert.equal(hostNamedBy('http://a.b'), 'a.b');
    assert.equal(hostNamedBy('http://a.1b'), 'a.1b');
    assert.equal(hostNamedBy('http://a.b1'), 'a.b1');
  });

  it('names no host for text with white space, text that starts or ends with more than an address, or no host at all', () => {
    for (const text of [
      '',
      '   ',
      'a b.com',
      'bank\t.com',
      '/a.com',
      '@@a.com',
      'a.com:abc',
      'README',
      '1.2.3.4',
      'a%.com',
      'a<b.com',
    ])
      assert.equal(hostNamedBy(text), undefined, JSON.stringify(text));
  });
});

describe('linkText: a text that misleads', () => {
  it('compares hosts without case, a leading www. or a trailing dot', () => {
    assert.equal(textMisleads('a.com', 'https://www.a.com/'), false);
    assert.equal(textMisleads('www.a.com', 'https://a.com'), false);
    assert.equal(textMisleads('A.COM', 'https://a.com'), false);
    assert.equal(textMisleads('a.com', 'https://a.com./'), false);
  });

  it('misleads when it names another host, even one that differs only by letters around www', () => {
    assert.equal(textMisleads('a.com', 'https://b.com'), true);
    assert.equal(textMisleads('wwwa.com', 'https://a.com'), true);
    assert.equal(textMisleads('xa.com', 'https://xwww.a.com'), true);
  });

  it('misleads when it names a host and the target is no URL, or when it holds a bidi control', () => {
    assert.equal(textMisleads('a.com', 'not a url'), true);
    assert.equal(textMisleads('the docs', 'not a url'), false, 'a text that names no host does not mislead');
    assert.equal(textMisleads('\u202eabc', 'https://a.com'), true);
  });
});
