/**
 * Redaction, form by form: the exact text that comes out for each way a credential is written (and for the text
 * around it, which must stay readable), the boundaries of the shape patterns, the values the secret service holds,
 * error copies and the display mask.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { forgetSecret, maskSecret, redact, redactError, rememberSecret } from '../../src/core/redact';

/** Runs `fn` with `secrets` registered as the secret service would, and forgets them after. */
function withKnown(secrets: readonly string[], fn: () => void): void {
  for (const s of secrets) rememberSecret(s);
  try {
    fn();
  } finally {
    for (const s of secrets) forgetSecret(s);
  }
}

/** [input, exact output]: each row is one form, chosen so that only one rule of redact() can mask it. */
type Row = readonly [string, string];

function table(rows: readonly Row[]): void {
  for (const [input, expected] of rows) {
    it(JSON.stringify(input), () => assert.equal(redact(input), expected));
  }
}

const LONG = 'abcd1234abcd1234abcd1234abcd1234'; // 32 characters, ends in four letters or digits

describe('redact: credential fields written as JSON inside a JSON string', () => {
  table([
    // a value with a space: only the escaped-JSON rule takes all of it
    ['{\\"api_key\\":\\"abc def\\",\\"n\\":1}', '{\\"api_key\\":\\"***\\",\\"n\\":1}'],
    ['{\\\\\\"password\\\\\\": \\\\\\"a b\\\\\\"}', '{\\\\\\"password\\\\\\": \\\\\\"***\\\\\\"}'],
    ['{\\"Authorization\\" : \\"Basic a b\\"}', '{\\"Authorization\\" : \\"***\\"}'],
  ]);
});

describe('redact: credential fields written as JSON', () => {
  table([
    // a string value with spaces and escapes runs to its closing quote
    ['{"password": "a b c", "n": 1}', '{"password": "***", "n": 1}'],
    ['{"client_secret":"a\\"b c","n":1}', '{"client_secret":"***","n":1}'],
    ['{"AUTHORIZATION":"Token a b"}', '{"AUTHORIZATION":"***"}'],
    ['{"proxy_authorization":"Basic x y"}', '{"proxy_authorization":"***"}'],
    // a value that is not a string: up to the next comma, brace or bracket, whatever it holds
    ['{"token": 12;34}', '{"token": ***}'],
    ['{"api_key": 1(2), "b": 1}', '{"api_key": ***, "b": 1}'],
    ['["x", {"secret_key":7\'7}]', '["x", {"secret_key":***}]'],
    ['{"token": true}', '{"token": ***}'],
    // every one of them, whatever the case of the name
    ['{"TOKEN": 12;34, "token": 5;6}', '{"TOKEN": ***, "token": ***}'],
  ]);
});

describe('redact: credentials percent-encoded in a URL or a form', () => {
  table([
    // an Authorization header written into a query parameter, once or twice encoded: the text after it stays
    ['?h=authorization%3A%20Bearer%20abcdefghij&x=1', '?h=authorization%3A%20***&x=1'],
    ['?h=authorization%253A%2520Bearer%2520abcdefghij&x=1', '?h=authorization%253A%2520***&x=1'],
    ['?h=Proxy-Authorization%3a%20Basic%20dXNl', '?h=Proxy-Authorization%3a%20***'],
    ['?h=authorization%3D%27Basic%20dXNl%27&x=1', '?h=authorization%3D%27***&x=1'],
    // an encoded JSON key: the quote before the name counts as a boundary, the encoded quotes after it are skipped
    ['%22api_key%22%3Aabcdef%2C', '%22api_key%22%3A***'],
    ['%5C%22token%5C%22%3A%5C%22abcdef', '%5C%22token%5C%22%3A%5C%22***'],
    // a plain query parameter: up to the next &, encoded & (once or twice), quote, space or angle bracket
    ['api_key=abc%26b=1', 'api_key=***%26b=1'],
    ['api_key=abc%2526b=1', 'api_key=***%2526b=1'],
    ['?access_token=abc&page=2', '?access_token=***&page=2'],
    ['<a href="?token=abc">', '<a href="?token=***">'],
    ['x=1&password=a%2Fb c', 'x=1&password=*** c'],
    ['api_key=+abc', 'api_key=***'],
    // a name inside a longer word is not a credential field
    ['myapi_key=abcdef', 'myapi_key=abcdef'],
    ['?tokens=12&page=2', '?tokens=12&page=2'],
    // already masked: left as it is
    ['api_key=***', 'api_key=***'],
  ]);
});

describe('redact: an Authorization header line', () => {
  table([
    ['Authorization: Digest username="a", response="b"', 'Authorization: ***"'],
    ['> authorization: Basic dXNl\r\n> accept: */*', '> authorization: ***\r\n> accept: */*'],
    ['{"a":"Authorization: Bearer x y"}', '{"a":"Authorization: ***"}'],
    ["('Proxy-Authorization' = 'Negotiate YII abc')", "('Proxy-Authorization' = ***')"],
    ['Authorization:raw-token-value', 'Authorization:***'],
    // the credentials after a scheme word are masked in the key=value form too, not only the scheme
    ['authorization=Basic dXNlcjpwYXNz', 'authorization=***'],
    ['headers authorization=Token abcdefgh end', 'headers authorization=***'],
    ['AUTHORIZATION=Basic a b\nauthorization=Token c d', 'AUTHORIZATION=***\nauthorization=***'],
    // only a header name that stands alone
    ['reauthorization: pending review', 'reauthorization: pending review'],
    ['Authorization: ***', 'Authorization: ***'],
    ["Authorization: '***'", "Authorization: '***'"],
  ]);
});

describe('redact: other credential fields as key: value or key=value text', () => {
  table([
    ['x token=abc y', 'x token=*** y'],
    ['secret_key: abc; z', 'secret_key: ***; z'],
    ['refresh_token=abc', 'refresh_token=***'],
    ['passwd: abc)', 'passwd: ***)'],
    ['id-token = "abc"', 'id-token = "***"'],
    ["access-token:'abc'", "access-token:'***'"],
    ['X_API_KEY: abc}', 'X_API_KEY: ***}'],
    ['apikey: abc]', 'apikey: ***]'],
    ['client-secret: abc&x', 'client-secret: ***&x'],
    ['{ password: abc }', '{ password: *** }'],
    // 32+ characters ending in four letters or digits keep their tail, so two keys can be told apart…
    [`api_key=${LONG}`, 'api_key=***1234'],
    [`token: ${LONG}`, 'token: ***1234'],
    // …but not one character shorter, not ending in punctuation, and never for a password or a secret
    [`api_key=${LONG.slice(1)}`, 'api_key=***'],
    [`api_key=${LONG.slice(0, -2)}.-`, 'api_key=***'],
    [`api_key=${'a'.repeat(30)}12.4`, 'api_key=***'],
    [`secret_key=${LONG}`, 'secret_key=***'],
    [`password=${LONG}`, 'password=***'],
    [`?h=authorization%3D${LONG}`, '?h=authorization%3D***'],
    ['token: ***', 'token: ***'],
    ['mytoken=abc', 'mytoken=abc'],
    ['max_tokens=100, prompt_tokens: 12', 'max_tokens=100, prompt_tokens: 12'],
  ]);
});

describe('redact: credentials in a URL', () => {
  table([
    ['https://u:p@h/x', 'https://***@h/x'],
    ['git+ssh://git@host.example/repo', 'git+ssh://***@host.example/repo'],
    ['see HTTP://a.b-c@h and ftp://x@y', 'see HTTP://***@h and ftp://***@y'],
    // an @ after the path, the query or the fragment is not the URL's user
    ['https://h/p@q', 'https://h/p@q'],
    ['https://h?mail=a@b', 'https://h?mail=a@b'],
    ['mailto:a@b.example', 'mailto:a@b.example'],
  ]);
});

describe('redact: the shape patterns and their boundaries', () => {
  table([
    // Bearer anywhere: 8 characters or more
    ['sent Bearer abcdefgh today', 'sent Bearer *** today'],
    ['sent bearer  a.b~c+d/e=f-g', 'sent bearer  ***'],
    ['sent Bearer abcdefg today', 'sent Bearer abcdefg today'],
    ['sent Bearer *** today', 'sent Bearer *** today'],
    // sk- keys: 6 characters or more after the prefix, the last four shown
    ['key sk-abc123 ok', 'key sk-***c123 ok'],
    ['key sk-abc12 ok', 'key sk-abc12 ok'],
    ['key sk-nex-abcdefghij ok', 'key sk-nex-***ghij ok'],
    ['key sk-proj_a-b_cdef ok', 'key sk-***cdef ok'],
    ['task-abcdefgh', 'task-abcdefgh'],
    // JWTs: header and payload of 8+ characters each
    ['jwt eyJabcdefgh.abcdefgh.sig-_1 end', 'jwt *** end'],
    ['jwt eyJabcdefgh.abcdefgh. end', 'jwt *** end'],
    ['jwt eyJabcdefg.abcdefgh.x end', 'jwt eyJabcdefg.abcdefgh.x end'],
    ['jwt eyJabcdefgh.abcdefg.x end', 'jwt eyJabcdefgh.abcdefg.x end'],
    // token-shaped: 32+ characters of base62 / base64url with a digit
    ['id a123456789012345678901234567890b end', 'id ***890b end'],
    ['id a-23456789012345678901234567890_ end', 'id ***890_ end'],
    ['id a12345678901234567890123456789b end', 'id a12345678901234567890123456789b end'],
    ['id abcdefghijabcdefghijabcdefghijabcd end', 'id abcdefghijabcdefghijabcdefghijabcd end'],
  ]);

  it('applies every rule to one text, each to its own part', () => {
    assert.equal(
      redact(
        'GET https://u:p@h/v1?api_key=abc&x=1 Bearer abcdefgh sk-abcdefgh {"password":"a b"} ' +
          `id ${'9'.repeat(40)}\nAuthorization: Basic x y\nnext line`,
      ),
      'GET https://***@h/v1?api_key=***&x=1 Bearer *** sk-***efgh {"password":"***"} id ***9999\n' +
        'Authorization: ***\nnext line',
    );
  });
});

describe('redact: the values the secret service holds', () => {
  const token = 'AbCdEfGhIjKlMnOpQrStUvWx'; // 24 characters, no digit: no shape pattern catches it

  it('masks a registered value wherever it appears, and every occurrence of it', () => {
    withKnown([token], () => {
      assert.equal(redact(`a ${token} b ${token}`), 'a ***UvWx b ***UvWx');
      assert.equal(redact(`[${token}]`), '[***UvWx]');
    });
  });

  it('shows the last four characters from 20 characters on, only when they are letters, digits, - or _', () => {
    const v19 = 'AbCdEfGhIjKlMnOpQrS';
    const v20 = 'AbCdEfGhIjKlMnOpQrSt';
    withKnown([v19, `${v20.slice(0, -4)}_-9z`], () => {
      assert.equal(redact(`x ${v19} y`), 'x *** y');
      assert.equal(redact(`x ${v20.slice(0, -4)}_-9z y`), 'x ***_-9z y');
    });
    withKnown([`${v20.slice(0, -1)}!`], () => assert.equal(redact(`x ${v20.slice(0, -1)}! y`), 'x *** y'));
    // characters, not UTF-16 units: 19 characters with an astral one are still short
    const astral = `${'😀'.repeat(2)}${v19.slice(2)}`;
    withKnown([astral], () => assert.equal(redact(`x ${astral} y`), 'x *** y'));
  });

  it('registers values of six characters or more, trimmed; forgets them trimmed too', () => {
    withKnown(['Abc/e', '  Abc/ef  '], () => {
      assert.equal(redact('p Abc/e q'), 'p Abc/e q', 'five characters: not registered');
      assert.equal(redact('p Abc/ef q'), 'p *** q');
    });
    assert.equal(redact('p Abc/ef q'), 'p Abc/ef q', 'forgotten');
    rememberSecret('Abc/ef');
    rememberSecret('Abc/ef');
    forgetSecret(' Abc/ef ');
    assert.equal(redact('p Abc/ef q'), 'p Abc/ef q', 'registered twice, forgotten once: gone');
    rememberSecret(undefined);
    forgetSecret(undefined);
    forgetSecret('never registered');
    rememberSecret('      ');
    assert.equal(redact('p Abc/ef q'), 'p Abc/ef q');
  });

  it('masks the longer of two values that share a start as a whole', () => {
    const short = 'QwErTy/u';
    const long = `${short}IoPaSdFgHjKlZx`;
    withKnown([short, long], () => {
      assert.equal(redact(`a ${long} b`), 'a ***KlZx b');
      assert.equal(redact(`a ${short} b ${long}`), 'a *** b ***KlZx');
    });
  });

  it('masks overlapping values once, over their union', () => {
    const a = 'Xy/Zw+AbCd';
    const b = 'AbCd+Ef/Gh';
    withKnown([a, b], () => {
      assert.equal(redact(`<Xy/Zw+AbCd+Ef/Gh>`), '<***>');
    });
  });

  it('masks a value split by white space or a zero-width character, keeping the text around it', () => {
    withKnown([token], () => {
      assert.equal(redact(`key: ${token.slice(0, 8)} ${token.slice(8)} end`), 'key: ***UvWx end');
      assert.equal(redact(`key: ${token.slice(0, 8)}\u200b${token.slice(8)} end`), 'key: ***UvWx end');
      assert.equal(redact(`key: ${token.slice(0, 8)}\u2060${token.slice(8)}`), 'key: ***UvWx');
    });
  });

  it('masks a value JSON-escaped, \\u-escaped at any depth, or percent-encoded, and only that part', () => {
    const v = 'pa/ss+wd"x';
    withKnown([v], () => {
      assert.equal(redact(JSON.stringify({ k: v, n: 1 })), '{"k":"***","n":1}');
      assert.equal(redact(JSON.stringify(JSON.stringify({ k: v }))), '"{\\"k\\":\\"***\\"}"');
      assert.equal(redact(`q=${encodeURIComponent(v)}&n=1`), 'q=***&n=1');
      assert.equal(redact(`q=${encodeURIComponent(encodeURIComponent(v))}&n=1`), 'q=***&n=1');
      const u = [...v].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
      assert.equal(redact(`s "${u}" e`), 's "***" e');
      assert.equal(redact(`s "${u.replace(/\\/g, '\\\\')}" e`), 's "***" e');
      assert.equal(redact(`s pa\\/ss\\+wd\\"x e`), 's *** e');
      assert.equal(redact(`s pa\\n/ss+wd"x e`), 's *** e', 'an escaped line break between its characters');
      assert.equal(redact(`s pa%20/ss+wd"x e`), 's *** e', 'an encoded space between its characters');
    });
  });

  it('masks a value with non-ASCII characters percent-encoded as UTF-8', () => {
    const v = 'пароль-中文-ok';
    withKnown([v], () => {
      assert.equal(redact(`q=${encodeURIComponent(v)}&n=1`), 'q=***&n=1');
      assert.equal(redact(`q=${encodeURIComponent(v).toLowerCase()}&n=1`), 'q=***&n=1');
    });
  });

  it('a value registered with white space inside is found with any separators, or none, between its parts', () => {
    withKnown(['Ab1 Cd2\tEf3 Gh4'], () => {
      assert.equal(redact('x Ab1Cd2Ef3Gh4 y'), 'x *** y');
      assert.equal(redact('x Ab1 Cd2 Ef3 Gh4 y'), 'x *** y');
      assert.equal(redact('x Ab1\u200bCd2 Ef3\nGh4 y'), 'x *** y');
    });
  });

  it('a value that is nothing but separators matches nothing (and does not hang)', () => {
    withKnown(['\u200b'.repeat(8)], () => assert.equal(redact('plain text, 100%'), 'plain text, 100%'));
  });

  it('escapes at the edges of a value: the mask covers the escape, not more, not less', () => {
    withKnown(['/abc+defg', 'hij+klmn/'], () => {
      assert.equal(redact('x \\/abc+defg y'), 'x *** y', 'an escaped first character');
      assert.equal(redact('x hij+klmn\\/ y'), 'x *** y', 'an escaped last character');
    });
    withKnown(['Qa1234wxyz', 'AbCd/efgh'], () => {
      assert.equal(redact('x Q\\a1234wxyz y'), 'x *** y', 'an escaped letter is not a \\u escape');
      assert.equal(redact('x Ab\\rCd/efgh y'), 'x *** y', 'an escaped CR between its characters');
      assert.equal(redact('x Ab\\tCd/efgh y'), 'x *** y', 'an escaped tab between its characters');
    });
  });

  it('percent-encoding next to a value, broken percent-encoding, and encoded characters at its edges', () => {
    withKnown(['Xyz/abcd', 'Abc/efg//', 'ok-pass-中文'], () => {
      assert.equal(redact('q=%20Xyz/abcd&n=1'), 'q=%20***&n=1', 'an encoded space before it stays');
      assert.equal(redact('%E4%B8 Xyz/abcd'), '%E4%B8 ***', 'an incomplete UTF-8 sequence is read as text');
      assert.equal(redact('%FF%FEXyz/abcd'), '%FF%FE***');
      assert.equal(redact('p=Abc%2Fefg%2F%2F&n=1'), 'p=***&n=1', 'a run of two encoded characters at its end');
      assert.equal(
        redact(`q=${encodeURIComponent('ok-pass-中文')}&n=1`),
        'q=***&n=1',
        'multi-byte characters at its end',
      );
    });
  });

  it('two values that touch are masked one after the other', () => {
    withKnown(['AbcDef/1', 'GhiJkl/2'], () => assert.equal(redact('x AbcDef/1GhiJkl/2 y'), 'x ****** y'));
  });

  it('leaves text without a registered value as it is, escapes and percent signs included', () => {
    withKnown([token], () => {
      for (const text of ['100% sure', 'a\\u00e9b \\n c%20d %zz', 'AbCdEfGhIj KlMnOp', 'trailing \\'])
        assert.equal(redact(text), text);
    });
  });
});

describe('redactError', () => {
  const token = 'QwErTyUiOpAsDfGhJkLzXcVb';

  it('copies an error with its name, numeric or string code, redacted message and stack', () => {
    withKnown([token], () => {
      const e = new TypeError(`bad ${token}`);
      (e as { code?: unknown }).code = 7;
      const copy = redactError(e) as Error & { code?: unknown };
      assert.ok(copy instanceof Error);
      assert.notEqual(copy, e);
      assert.equal(copy.name, 'TypeError');
      assert.equal(copy.message, 'bad ***XcVb');
      assert.equal(copy.code, 7);
      assert.ok(Object.keys(copy).includes('code'), 'the code is enumerable');
      assert.match(copy.stack ?? '', /^TypeError: bad \*\*\*XcVb\n/);
      assert.equal(e.message, `bad ${token}`, 'the original is not changed');
    });
  });

  it('drops a code that is neither a string nor a number, and a missing stack stays missing', () => {
    const e = new Error('x');
    (e as { code?: unknown }).code = { secret: 1 };
    e.stack = undefined;
    const copy = redactError(e) as Error & { code?: unknown };
    assert.equal('code' in copy, false);
    assert.equal(copy.stack, undefined);
    assert.equal('cause' in copy, false, 'no cause: no cause property');
  });

  it('keeps the cause chain eight links deep, each redacted', () => {
    let e: Error = new Error(`link 10 ${token}`);
    for (let i = 9; i >= 0; i--) e = new Error(`link ${i}`, { cause: e });
    const seen: string[] = [];
    withKnown([token], () => {
      for (let c: unknown = redactError(e); c instanceof Error; c = c.cause) seen.push(c.message);
    });
    assert.deepEqual(seen, ['link 0', 'link 1', 'link 2', 'link 3', 'link 4', 'link 5', 'link 6', 'link 7', 'link 8']);
    withKnown([token], () => {
      const copy = redactError(new Error('outer', { cause: `inner ${token}` })) as Error;
      assert.equal(copy.cause, 'inner ***XcVb');
    });
  });

  it('turns values that are not errors into their redacted text', () => {
    withKnown([token], () => {
      assert.equal(redactError(`s ${token}`), 's ***XcVb');
      assert.equal(redactError({ note: token }), '{"note":"***XcVb"}');
      assert.equal(redactError(42), '42');
      assert.equal(redactError(null), null);
      assert.equal(redactError(undefined), undefined);
      const loop: { self?: unknown } = {};
      loop.self = loop;
      assert.equal(redactError(loop), '[object Object]', 'a value JSON cannot write');
      assert.equal(redactError({ n: 1n }), '[object Object]');
      assert.equal(
        redactError(() => 1),
        '() => 1',
      );
      assert.equal(redactError(5n), '5');
    });
  });
});

describe('maskSecret (the display form of a key)', () => {
  const rows: Row[] = [
    ['', '****'],
    ['abcd', '****'],
    ['abcde', 'ab…de'],
    ['abcdefghijkl', 'ab…kl'],
    ['abcdefghijklm', 'abcd…jklm'],
    ['sk-abcdefghijkl', 'sk-abcd…ijkl'],
    ['sk-nex-abcdefghijkl', 'sk-nex-abcd…ijkl'],
    ['  abcdefghijklm  ', 'abcd…jklm'],
    ['   abcd   ', '****'],
  ];
  for (const [input, expected] of rows) it(JSON.stringify(input), () => assert.equal(maskSecret(input), expected));
});
