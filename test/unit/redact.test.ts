import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { forgetSecret, redact, redactError, rememberSecret } from '../../src/core/redact';
import { GatewayError } from '../../src/gateway/errors';
import { formatLogLine, formatLogValue } from '../../src/platform/logFormat';

/** Runs `fn` with `secrets` registered as the secret service would, and forgets them after. */
function withKnown(secrets: readonly string[], fn: () => void): void {
  for (const s of secrets) rememberSecret(s);
  try {
    fn();
  } finally {
    for (const s of secrets) forgetSecret(s);
  }
}

const PASSWORD_B64 = Buffer.from('alice:correct horse').toString('base64');

describe('redact: credential headers of every scheme', () => {
  // Before: "Authorization: *** dXNlcjpwYXNzd29yZA==" — only the scheme word was masked, the credentials stayed.
  const cases: Array<[string, string]> = [
    ['Basic', `Basic ${PASSWORD_B64}`],
    ['Bearer', 'Bearer abcdefghij'],
    ['Token', 'Token abcdefghijklmnop'],
    [
      'Digest',
      'Digest username="alice", realm="gw", nonce="dcd98b7102dd2f0e", response="6629fae49393a05397450978507c4ef1"',
    ],
    ['raw', 'abcdefghijklmnop'],
    [
      'AWS4',
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    ],
  ];
  for (const header of [
    'Authorization',
    'authorization',
    'Proxy-Authorization',
    'proxy-authorization',
    'PROXY_AUTHORIZATION',
  ]) {
    for (const [scheme, value] of cases) {
      it(`${header}: ${scheme}`, () => {
        const secretPart = value.split(' ').slice(-1)[0] ?? value;
        for (const text of [
          `${header}: ${value}`,
          `> ${header}: ${value}\r\n> accept: application/json`,
          `{"${header}":"${value.replace(/"/g, '\\"')}","accept":"*/*"}`,
          `{"headers":"{\\"${header}\\":\\"${value.replace(/"/g, '\\\\\\"')}\\"}"}`,
          `{ ${header}: '${value}' }`,
        ]) {
          const out = redact(text);
          assert.ok(!out.includes(secretPart), `${text}\n→ ${out}`);
        }
      });
    }
  }

  it('keeps the rest of a header dump readable', () => {
    assert.equal(
      redact('authorization: Basic dXNlcjpwYXNz\naccept: application/json'),
      'authorization: ***\naccept: application/json',
    );
    assert.equal(redact('{"authorization":"Bearer abc","model":"gpt"}'), '{"authorization":"***","model":"gpt"}');
    assert.equal(
      redact('{\\"authorization\\":\\"Bearer abc\\",\\"model\\":\\"gpt\\"}'),
      '{\\"authorization\\":\\"***\\",\\"model\\":\\"gpt\\"}',
    );
  });

  it('masks credentials percent-encoded in a URL and credential query parameters', () => {
    const out = redact('https://relay.example/debug?h=authorization%3A%20Bearer%20abcdefghijklmnopq&x=1');
    assert.ok(!out.includes('abcdefghijklmnopq'), out);
    assert.match(out, /&x=1$/);
    assert.ok(!redact('GET /v1/models?api_key=abcdefgh1234&page=2').includes('abcdefgh1234'));
    assert.ok(!redact('GET /v1/models?access_token=abcdefgh&page=2').includes('abcdefgh'));
  });

  it('masks user and password in any URL, proxy URLs included', () => {
    // Before: http://user:hunter2@proxy.corp:8080 went through unchanged.
    assert.equal(
      redact('proxy http://user:hunter2@proxy.corp:8080 refused'),
      'proxy http://***@proxy.corp:8080 refused',
    );
    assert.equal(redact('socks5://tok3n@10.0.0.1:1080'), 'socks5://***@10.0.0.1:1080');
    assert.equal(redact('https://api.example.com/v1'), 'https://api.example.com/v1');
  });

  it('masks other credential fields by their value only', () => {
    assert.equal(redact('password=hunter2 and more'), 'password=*** and more');
    assert.equal(redact('{"x-api-key": "k-123", "n": 1}'), '{"x-api-key": "***", "n": 1}');
    assert.equal(redact('{"token": 12345678}'), '{"token": ***}');
  });

  it('leaves ordinary words and usage fields alone', () => {
    for (const text of [
      'Basic authentication failed',
      'prompt_tokens: 12, completion_tokens: 3, max_tokens=100',
      'No token is stored for "Work".',
      'GET /api/keys → 200 in 12 ms',
      '你好，世界',
    ])
      assert.equal(redact(text), text);
  });
});

describe('redact: the values the secret service holds, however they are written', () => {
  const token = 'AbCdEfGhIjKlMnOpQrStUvWx'; // no digit, 24 characters: no shape pattern catches it
  const short = 'pa/ss+wd'; // 8 characters, with characters JSON and URLs escape

  it('masks a known value split by white space or zero-width characters', () => {
    // Before: "AbCdEfGhIj KlMnOpQrStUvWx" and "AbCdEfGhIj\u200bKlMnOpQrStUvWx" went through.
    withKnown([token], () => {
      for (const sep of [' ', '\n', '\t', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', ' \u200b ']) {
        const text = `key ${token.slice(0, 10)}${sep}${token.slice(10, 17)}${sep}${token.slice(17)} end`;
        const out = redact(text);
        assert.ok(!out.replace(/[\s\u200B-\u200D\u2060\uFEFF]/g, '').includes(token), JSON.stringify(out));
        assert.match(out, /^key \*\*\*.* end$/);
      }
    });
  });

  it('masks a known value JSON-escaped or percent-encoded', () => {
    withKnown([short, token], () => {
      for (const text of [
        JSON.stringify({ key: short }),
        JSON.stringify({ key: short }).replace(/\//g, '\\/'),
        `"${[...short].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`,
        `"${[...token].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`).join('')}"`,
        encodeURIComponent(short),
        JSON.stringify(JSON.stringify({ key: short })),
        `${token.slice(0, 5)}\\n${token.slice(5)}`,
        `${token.slice(0, 5)}\\u200b${token.slice(5)}`,
      ]) {
        const out = redact(text);
        assert.ok(
          !out.includes(short) && !out.includes(encodeURIComponent(short)) && !out.includes('pa\\/ss'),
          `${text} → ${out}`,
        );
        assert.ok(!out.includes('\\u0041\\u0062') && !out.includes('\\u0041\\u0062'.toUpperCase()), `${text} → ${out}`);
      }
    });
  });

  it('masks a known value after a long run of percent-encoding that decodes to nothing, which it leaves as it was', () => {
    // A log line may carry kilobytes of a binary body's %XX bytes; each is tried as a UTF-8 sequence at most four
    // at a time (the longest sequence), so the run is read in one pass and the secret after it is still found.
    const run = '%FF'.repeat(3000);
    withKnown([token], () => {
      assert.equal(redact(`${run} ${token} end`), `${run} ***UvWx end`);
      assert.equal(redact(`${run}${encodeURIComponent(token)}`), `${run}***UvWx`);
    });
  });

  it('shows nothing of a short known value and only the last four characters of a long one', () => {
    withKnown([short, token], () => {
      assert.equal(redact(`a ${short} b`), 'a *** b');
      assert.equal(redact(`a ${token} b`), 'a ***UvWx b');
    });
  });

  it('forgets a value when the secret service deletes it', () => {
    withKnown([token], () => assert.ok(!redact(token).includes(token)));
    assert.equal(redact(token), token);
  });
});

describe('errors and log lines go through redaction on every path', () => {
  const token = 'QwErTyUiOpAsDfGhJkLzXcVb';

  it('GatewayError: message, toString, stack, field errors and the whole cause chain', () => {
    withKnown([token], () => {
      const inner = new Error(`socket said Authorization: Bearer ${token}`);
      (inner as { code?: string }).code = 'ECONNRESET';
      const middle = new Error(`wrapped ${token}`, { cause: inner });
      const e = new GatewayError({
        kind: 'network',
        message: `failed with ${token}`,
        code: `code-${token}`,
        fieldErrors: [{ field: `body.${token}`, message: `bad ${token}` }],
        cause: middle,
      });
      const texts = [
        e.message,
        String(e),
        e.toString(),
        e.stack ?? '',
        e.code ?? '',
        JSON.stringify(e.fieldErrors),
        formatLogValue(e),
        formatLogLine('x', 'y', [e]),
      ];
      for (let c: unknown = e.cause; c instanceof Error; c = c.cause) texts.push(c.message, c.stack ?? '', String(c));
      for (const t of texts) assert.ok(!t.includes(token), t);
      const cause = e.cause as Error & { code?: string; cause?: Error & { code?: string } };
      assert.equal(cause.cause?.code, 'ECONNRESET', 'the cause keeps its code');
    });
  });

  it('redactError copes with values that are not errors', () => {
    withKnown([token], () => {
      assert.equal(redactError(undefined), undefined);
      assert.ok(!String(redactError({ note: token })).includes(token));
      assert.ok(!String(redactError(token)).includes(token));
    });
  });

  it('a log line shows an error’s cause, redacted', () => {
    withKnown([token], () => {
      const line = formatLogLine('http', 'failed', [new Error('outer', { cause: new Error(`inner ${token}`) })]);
      assert.match(line, /^\[http\] failed Error: outer \(cause: Error: inner \*\*\*/);
    });
  });

  it('a log line of an object with credential keys masks their values', () => {
    const line = formatLogLine(undefined, 'request', [
      { headers: { authorization: 'Basic dXNlcjpwYXNz', 'proxy-authorization': 'Negotiate YIIabc', accept: 'x' } },
    ]);
    assert.ok(!line.includes('dXNlcjpwYXNz') && !line.includes('YIIabc'), line);
    assert.match(line, /"accept":"x"/);
  });
});

describe('redact: a value masked as a known secret keeps its tail', () => {
  it('token=<known> shows ***<last four> (no second pattern masks the mask)', () => {
    const token = `agc${'0123456789abcdef'.repeat(3)}`;
    withKnown([token], () => {
      assert.equal(redact(`x token=${token} y`), `x token=***${token.slice(-4)} y`);
      assert.equal(redact(`api_key=${token}&a=1`), `api_key=***${token.slice(-4)}&a=1`);
    });
  });
});
