/**
 * The gateway client's one error type and the pure readers beside it: what a GatewayError keeps of its init (and
 * redacts), which kinds are transient, the kind of every HTTP status, how a non-JSON body is summarised for a
 * message, where a request id is found (headers, body fields, words), how rate-limit headers and reset durations
 * are read (every boundary of the epoch heuristics), and the model / IP a message names.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  errorFactsSchema,
  errorHeaderFacts,
  factsOf,
  FIX_IDS,
  gatewayProblemSchema,
  GatewayError,
  isGatewayError,
  kindForStatus,
  parseResetDuration,
  quotedModel,
  reportedIp,
  requestIdInBody,
  requestIdInText,
  summariseBody,
  type GatewayErrorKind,
} from '../../src/gateway/errors';

const SECRET = 'sk-abcdefghijklmnop1234567890';

describe('GatewayError keeps its init, redacted', () => {
  test('every field of the init is kept; the message, code, type, param, field errors and request id are redacted', () => {
    const e = new GatewayError({
      kind: 'validation',
      message: `bad key ${SECRET}`,
      gateway: 'G',
      operation: 'keys.create',
      status: 422,
      code: `code ${SECRET}`,
      fieldErrors: [{ field: `name ${SECRET}`, message: `too long ${SECRET}`, type: 'max', input: 'name' }],
      requestId: `req ${SECRET}`,
      path: 'data.items.0.key',
      proxy: 'proxy.local:3128',
      errorType: `invalid_request ${SECRET}`,
      param: `param ${SECRET}`,
      rateLimit: { requests: { limit: 10, remaining: 0, resetMs: 1000 } },
    });
    assert.equal(e.name, 'GatewayError');
    assert.ok(e instanceof Error);
    assert.equal(e.kind, 'validation');
    assert.equal(e.message, 'bad key sk-***7890');
    assert.equal(e.gateway, 'G');
    assert.equal(e.operation, 'keys.create');
    assert.equal(e.status, 422);
    assert.equal(e.code, 'code sk-***7890');
    assert.deepEqual(e.fieldErrors, [
      { field: 'name sk-***7890', message: 'too long sk-***7890', type: 'max', input: 'name' },
    ]);
    assert.equal(e.requestId, 'req sk-***7890');
    assert.equal(e.path, 'data.items.0.key');
    assert.equal(e.proxy, 'proxy.local:3128');
    assert.equal(e.errorType, 'invalid_request sk-***7890');
    assert.equal(e.param, 'param sk-***7890');
    assert.deepEqual(e.rateLimit, { requests: { limit: 10, remaining: 0, resetMs: 1000 } });
    assert.equal(e.toString(), 'GatewayError: bad key sk-***7890');
    assert.ok(!e.stack?.includes(SECRET), 'the stack is redacted');
    assert.ok(e.stack?.includes('bad key sk-***7890'));
  });

  test('what the init leaves out stays undefined: no code, no field errors, no type, param, rate limit or retry time', () => {
    const e = new GatewayError({ kind: 'server', message: 'boom' });
    assert.equal(e.code, undefined);
    assert.deepEqual(e.fieldErrors, []);
    assert.equal(e.errorType, undefined);
    assert.equal(e.param, undefined);
    assert.equal(e.rateLimit, undefined);
    assert.equal(e.retryAfterMs, undefined);
    assert.equal(e.retryAt, undefined);
    assert.equal(e.requestId, undefined);
    assert.equal('cause' in e, false);
  });

  test('the request id comes from the message when the init names none', () => {
    assert.equal(
      new GatewayError({ kind: 'server', message: 'boom (request id: 2026120100000001)' }).requestId,
      '2026120100000001',
    );
    assert.equal(
      new GatewayError({ kind: 'server', message: 'boom (request id: A1)', requestId: 'given-1' }).requestId,
      'given-1',
    );
  });

  test('a cause: a GatewayError is kept as it is; anything else is redacted', () => {
    const inner = new GatewayError({ kind: 'network', message: 'reset' });
    assert.equal(new GatewayError({ kind: 'network', message: 'outer', cause: inner }).cause, inner);
    const raw = new Error(`inner ${SECRET}`);
    const wrapped = new GatewayError({ kind: 'network', message: 'outer', cause: raw }).cause;
    assert.ok(wrapped instanceof Error);
    assert.notEqual(wrapped, raw);
    assert.equal(wrapped.message, 'inner sk-***7890');
    assert.equal(
      new GatewayError({ kind: 'network', message: 'outer', cause: `text ${SECRET}` }).cause,
      'text sk-***7890',
    );
  });

  test('retryAfterMs: zero and more is kept with its retry time; negative, NaN and infinite are dropped', () => {
    const before = Date.now();
    const e = new GatewayError({ kind: 'rate-limited', message: 'slow down', retryAfterMs: 1500 });
    const after = Date.now();
    assert.equal(e.retryAfterMs, 1500);
    assert.ok(e.retryAt !== undefined && e.retryAt >= before + 1500 && e.retryAt <= after + 1500, String(e.retryAt));
    const zero = new GatewayError({ kind: 'rate-limited', message: 'now', retryAfterMs: 0 });
    assert.equal(zero.retryAfterMs, 0);
    assert.ok(zero.retryAt !== undefined && zero.retryAt >= before && zero.retryAt <= Date.now());
    for (const bad of [-1, -0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const b = new GatewayError({ kind: 'rate-limited', message: 'x', retryAfterMs: bad });
      assert.equal(b.retryAfterMs, undefined, String(bad));
      assert.equal(b.retryAt, undefined, String(bad));
    }
  });

  test('transient: rate-limited, server, network and timeout only', () => {
    const kinds: Record<GatewayErrorKind, boolean> = {
      auth: false,
      forbidden: false,
      'not-found': false,
      validation: false,
      conflict: false,
      'rate-limited': true,
      server: true,
      network: true,
      proxy: false,
      timeout: true,
      aborted: false,
      'bad-response': false,
      unsupported: false,
    };
    for (const [kind, transient] of Object.entries(kinds))
      assert.equal(new GatewayError({ kind: kind as GatewayErrorKind, message: 'x' }).transient, transient, kind);
  });

  test('isGatewayError: only a GatewayError', () => {
    assert.equal(isGatewayError(new GatewayError({ kind: 'auth', message: 'x' })), true);
    assert.equal(isGatewayError(new Error('x')), false);
    assert.equal(isGatewayError({ kind: 'auth', message: 'x' }), false);
    assert.equal(isGatewayError(undefined), false);
  });

  test('factsOf: status, code, type, message, param and kind of the error', () => {
    const e = new GatewayError({ kind: 'server', message: 'x', status: 503, code: 'c', errorType: 't', param: 'p' });
    assert.deepEqual(factsOf(e), { status: 503, code: 'c', type: 't', message: 'x', param: 'p', kind: 'server' });
    const bare = factsOf(new GatewayError({ kind: 'auth', message: 'y' }));
    assert.equal(bare.message, 'y');
    assert.equal(bare.kind, 'auth');
    assert.equal(bare.status, undefined);
    assert.equal(bare.code, undefined);
  });
});

describe('what a webview may be told of a problem', () => {
  test('every problem form parses, with and without its optional facts', () => {
    const ok: unknown[] = [
      { kind: 'model-not-allowed' },
      { kind: 'model-not-allowed', model: 'gpt-4o' },
      { kind: 'ip-not-allowed', ip: '1.2.3.4' },
      { kind: 'rate-limit', scope: 'key' },
      { kind: 'rate-limit', scope: 'group', metric: 'rpm', limit: 0, retryAfterMs: 0 },
      { kind: 'rate-limit', scope: 'unknown', metric: 'tpm', limit: 100, retryAfterMs: 1.5 },
      { kind: 'balance', scope: 'account' },
      { kind: 'balance', scope: 'key' },
      { kind: 'upstream' },
      { kind: 'upstream', model: 'm' },
    ];
    for (const p of ok) assert.deepEqual(gatewayProblemSchema.parse(p), p, JSON.stringify(p));
  });

  test('a wrong kind, scope, metric or number is refused', () => {
    const bad: unknown[] = [
      { kind: 'other' },
      { kind: 'model-not-allowed', model: 5 },
      { kind: 'ip-not-allowed', ip: false },
      { kind: 'rate-limit' },
      { kind: 'rate-limit', scope: 'team' },
      { kind: 'rate-limit', scope: 'key', metric: 'rps' },
      { kind: 'rate-limit', scope: 'key', limit: -1 },
      { kind: 'rate-limit', scope: 'key', limit: 1.5 },
      { kind: 'rate-limit', scope: 'key', retryAfterMs: -1 },
      { kind: 'balance' },
      { kind: 'balance', scope: 'group' },
      { kind: 'upstream', model: null },
    ];
    for (const p of bad) assert.equal(gatewayProblemSchema.safeParse(p).success, false, JSON.stringify(p));
  });

  test('the fixes a button may name', () => {
    assert.deepEqual(
      [...FIX_IDS],
      ['allow-model', 'add-ip', 'raise-limit', 'raise-quota', 'top-up', 'try-model', 'copy-request-id'],
    );
  });

  test('the facts a classifier reads: a numeric code as text, null as absent, a missing message as empty', () => {
    assert.deepEqual(errorFactsSchema.parse({ code: 429, message: 'x' }), { code: '429', message: 'x' });
    assert.deepEqual(errorFactsSchema.parse({ code: null, type: null, param: null }), {
      code: undefined,
      type: null,
      param: null,
      message: '',
    });
    assert.deepEqual(errorFactsSchema.parse({ code: 'c', message: 42, status: 500, kind: 'server' }), {
      code: 'c',
      message: '',
      status: 500,
      kind: 'server',
    });
    assert.equal(errorFactsSchema.safeParse({ status: 1.5 }).success, false);
  });
});

describe('kindForStatus', () => {
  const table: ReadonlyArray<readonly [number, GatewayErrorKind]> = [
    [400, 'validation'],
    [401, 'auth'],
    [402, 'bad-response'],
    [403, 'forbidden'],
    [404, 'not-found'],
    [405, 'bad-response'],
    [409, 'conflict'],
    [410, 'bad-response'],
    [421, 'bad-response'],
    [422, 'validation'],
    [423, 'bad-response'],
    [428, 'bad-response'],
    [429, 'rate-limited'],
    [430, 'bad-response'],
    [499, 'bad-response'],
    [500, 'server'],
    [502, 'server'],
    [503, 'server'],
    [504, 'server'],
    [599, 'server'],
    [302, 'bad-response'],
    [200, 'bad-response'],
  ];
  for (const [status, kind] of table) test(`${status} → ${kind}`, () => assert.equal(kindForStatus(status), kind));
});

describe('summariseBody', () => {
  const GENERIC =
    "an HTML page instead of the gateway's answer — a proxy, load balancer or login page may be in the way";
  const titled = (t: string) =>
    `an HTML page ("${t}") instead of the gateway's answer — a proxy, load balancer or login page may be in the way`;

  test('an empty or blank body is undefined', () => {
    assert.equal(summariseBody(''), undefined);
    assert.equal(summariseBody(' \n\t '), undefined);
  });

  test('an HTML page by its start, whatever the case and leading space', () => {
    for (const start of [
      '<!DOCTYPE html>',
      '  <!doctype   HTML>',
      '<html>',
      '<HTML lang="en">',
      '\n<head>',
      '<body>',
      '<body class="x">',
      '<?xml version="1.0"?>',
    ])
      assert.equal(summariseBody(`${start}<title>Bad Gateway</title>`), titled('Bad Gateway'), start);
  });

  test('a page known by its start alone (no known tag after it)', () => {
    for (const page of [
      '<!DOCTYPE html>Bad Gateway',
      '  <!doctype   HTML>Bad Gateway',
      '\t<!doctype\nhtml>x',
      '<html lang=en',
      '<head data-x',
      '<body onload=x',
      '<?xml version="1.0"?><error/>',
    ])
      assert.equal(summariseBody(page), GENERIC, page);
    // a start in the middle of the text is not a page's start; a name that only begins like one is not either
    assert.equal(summariseBody('expected <?xml but got json'), 'expected <?xml but got json');
    assert.equal(summariseBody('<header> text'), 'text');
    assert.equal(summariseBody('<bodyguard> text'), 'text');
    assert.equal(summariseBody('<!doctypehtml> text'), 'text');
    assert.equal(summariseBody('abc<!doctype html>x'), 'abc x');
  });

  test('a page without its start is still HTML when a known tag appears early', () => {
    for (const tag of [
      '<center>nginx</center>',
      '<p>x</p>',
      '<div class="a">x</div>',
      '<h3>x</h3>',
      '<br/>',
      '<hr>',
      '<span>x</span>',
      '<pre>x</pre>',
      '<table>',
      '</body>',
    ])
      assert.equal(summariseBody(`Error: ${tag}`), GENERIC, tag);
    // only the first 4096 characters are looked at for a tag
    assert.equal(summariseBody(`${'a'.repeat(4090)}<p>late</p>`), GENERIC);
    assert.notEqual(summariseBody(`${'a'.repeat(4100)}<p>late</p>`, 10_000), GENERIC);
    // a tag name that only starts like a known one is not HTML
    assert.equal(summariseBody('<htmlish> <pretty> text'), 'text');
  });

  test('the title (else the first h1) names the page: tags and entities removed, space collapsed, 80 characters', () => {
    assert.equal(
      summariseBody('<html><title> 502 &amp; <b>Bad</b>\n\n Gateway </title></html>'),
      titled('502 Bad Gateway'),
    );
    assert.equal(summariseBody('<html><TITLE lang="en">Login</TITLE></html>'), titled('Login'));
    assert.equal(summariseBody('<html><body><h1 class="x">Access denied</h1></body></html>'), titled('Access denied'));
    assert.equal(summariseBody('<html><title>First</title><h1>Second</h1></html>'), titled('First'));
    assert.equal(summariseBody(`<html><title>${'x'.repeat(100)}</title></html>`), titled('x'.repeat(80)));
    assert.equal(summariseBody(`<html><title>  ${'y'.repeat(80)}  z</title></html>`), titled('y'.repeat(80)));
    assert.equal(summariseBody('<html><title> &nbsp; <i></i> </title></html>'), GENERIC);
    assert.equal(summariseBody('<html><body>no title</body></html>'), GENERIC);
    assert.equal(summariseBody('<html><title>a\nb</title>'), titled('a b'));
    assert.equal(summariseBody('<html><title>Bad<br>Gateway</title>'), titled('Bad Gateway'));
    assert.equal(summariseBody('<html><title>A&amp;B</title>'), titled('A B'));
  });

  test('any other text: tags dropped, one line, cut at max with an ellipsis', () => {
    assert.equal(summariseBody('  upstream\n\n  connect <x>error</x>  '), 'upstream connect error');
    assert.equal(summariseBody('upstream<x>error'), 'upstream error');
    assert.equal(summariseBody('abcdef', 6), 'abcdef');
    assert.equal(summariseBody('abcdefg', 6), 'abcde…');
    assert.equal(summariseBody('x'.repeat(300)), 'x'.repeat(300));
    assert.equal(summariseBody('x'.repeat(301)), `${'x'.repeat(299)}…`);
  });
});

describe('request ids', () => {
  test('requestIdInText: each marker, separator and quote; an id of 4 to 128 characters', () => {
    const rows: ReadonlyArray<readonly [string, string | undefined]> = [
      ['boom (request id: 2026120100000001)', '2026120100000001'],
      ['failed, request_id=abc-123_x', 'abc-123_x'],
      ['failed, request-id: "r.1:2"', 'r.1:2'],
      ["Request ID：'ABCD'", 'ABCD'],
      ['requestid=abcd', 'abcd'],
      ['request id : abcd1', 'abcd1'],
      ['请求 ID ： Z9Y8', 'Z9Y8'],
      ['trace id: t-0001', 't-0001'],
      ['trace_id=T0001', 'T0001'],
      ['traceid: t0001', 't0001'],
      ['失败，请求 ID：A1B2C3D4', 'A1B2C3D4'],
      ['失败，请求ID: A1B2', 'A1B2'],
      ['request id: abc', undefined],
      ['request id: -abc1', undefined],
      [`request id: ${'a'.repeat(128)}`, 'a'.repeat(128)],
      [`request id: ${'a'.repeat(130)}`, 'a'.repeat(128)],
      ['request id abcd', undefined],
      ['no id here', undefined],
      ['', undefined],
    ];
    for (const [text, id] of rows) assert.equal(requestIdInText(text), id, text);
    assert.equal(requestIdInText(undefined), undefined);
  });

  test('requestIdInBody: top level, then error, then detail; request_id before requestId, trace_id, traceId', () => {
    assert.equal(requestIdInBody({ request_id: 'top-1', error: { request_id: 'err-1' } }), 'top-1');
    assert.equal(requestIdInBody({ error: { request_id: 'err-1' }, detail: { request_id: 'det-1' } }), 'err-1');
    assert.equal(requestIdInBody({ detail: { trace_id: 'det-1' } }), 'det-1');
    assert.equal(requestIdInBody({ requestId: 'camel-1' }), 'camel-1');
    assert.equal(requestIdInBody({ traceId: 'camel-2' }), 'camel-2');
    assert.equal(requestIdInBody({ traceId: 'tc-4', trace_id: 'ts-3', requestId: 'rc-2', request_id: 'rs-1' }), 'rs-1');
    assert.equal(requestIdInBody({ traceId: 'tc-4', trace_id: 'ts-3', requestId: 'rc-2' }), 'rc-2');
    assert.equal(requestIdInBody({ traceId: 'tc-4', trace_id: 'ts-3' }), 'ts-3');
    assert.equal(requestIdInBody({ request_id: '  padded-1  ' }), 'padded-1');
    // a value that is not an id's shape is skipped, not taken
    assert.equal(requestIdInBody({ request_id: 'has space', trace_id: 'ok-id1' }), 'ok-id1');
    assert.equal(requestIdInBody({ request_id: 'abc' }), undefined);
    assert.equal(requestIdInBody({ request_id: 42 }), undefined);
    assert.equal(requestIdInBody({ request_id: 'has space', error: { request_id: 'err-2' } }), 'err-2');
    for (const none of [undefined, null, 'request_id: abcd', 7, [], {}, { error: 'request_id=abcd' }])
      assert.equal(requestIdInBody(none), undefined, JSON.stringify(none));
  });
});

describe('reset durations', () => {
  const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
  test('a plain number of seconds up to the epoch thresholds; epoch seconds from 1e9, epoch ms from 1e12', () => {
    assert.equal(parseResetDuration('0', NOW), 0);
    assert.equal(parseResetDuration('1.4', NOW), 1400);
    assert.equal(parseResetDuration('0.0006', NOW), 1);
    assert.equal(parseResetDuration(' 7 ', NOW), 7000);
    assert.equal(parseResetDuration('999999999', NOW), 999_999_999_000);
    // 1e9 seconds is 2001-09-09: counted from now, so in the past → 0
    assert.equal(parseResetDuration('1000000000', NOW), 0);
    assert.equal(parseResetDuration('1000000000', 1e12 - 5000), 5000);
    assert.equal(parseResetDuration('999999999999', 1e12 - 5000), 999_999_999_999_000 - (1e12 - 5000));
    assert.equal(parseResetDuration('1000000000000', 1e12 - 5000), 5000);
    assert.equal(parseResetDuration(String(NOW + 1500.6), NOW), 1501);
    assert.equal(parseResetDuration(String(NOW / 1000 + 1.2345), NOW), 1235);
    assert.equal(parseResetDuration(String(NOW - 10), NOW), 0);
    // a number too large to be finite is no duration
    assert.equal(parseResetDuration('9'.repeat(400), NOW), undefined);
  });

  test('OpenAI durations: every unit, fractions rounded, the whole value or nothing', () => {
    assert.equal(parseResetDuration('1ms'), 1);
    assert.equal(parseResetDuration('1.5ms'), 2);
    assert.equal(parseResetDuration('2s'), 2000);
    assert.equal(parseResetDuration('3m'), 180_000);
    assert.equal(parseResetDuration('4h'), 14_400_000);
    assert.equal(parseResetDuration('1h1m1s1ms'), 3_661_001);
    assert.equal(parseResetDuration('0.5m'), 30_000);
    assert.equal(parseResetDuration(' 2s '), 2000);
    assert.equal(parseResetDuration('1.25s'), 1250);
    assert.equal(parseResetDuration('0.125m'), 7500);
    for (const bad of ['x1s', '1s x', '1 s', '1d', 's', '1sms', '1s-', '.5s'])
      assert.equal(parseResetDuration(bad), undefined, bad);
    assert.equal(parseResetDuration(undefined), undefined);
  });
});

describe('errorHeaderFacts', () => {
  const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
  test('no headers: nothing', () => {
    assert.deepEqual(errorHeaderFacts(undefined), {});
    assert.deepEqual(errorHeaderFacts({}), {});
  });

  test('the request id: each header, in order; trimmed; 4 to 128 id characters', () => {
    const names = ['x-oneapi-request-id', 'x-request-id', 'request-id', 'x-trace-id', 'trace-id', 'x-amzn-requestid'];
    for (const [i, name] of names.entries()) {
      assert.deepEqual(errorHeaderFacts({ [name]: `id-${i}00` }), { requestId: `id-${i}00` }, name);
      // every later header loses to it
      const all = Object.fromEntries(names.slice(i).map((n, j) => [n, `id-${i + j}99`]));
      assert.equal(errorHeaderFacts(all).requestId, `id-${i}99`, name);
    }
    assert.equal(errorHeaderFacts({ 'x-request-id': '  req-1  ' }).requestId, 'req-1');
    assert.equal(errorHeaderFacts({ 'x-request-id': 'abc' }).requestId, undefined);
    assert.equal(errorHeaderFacts({ 'x-request-id': 'abcd' }).requestId, 'abcd');
    assert.equal(errorHeaderFacts({ 'x-request-id': 'a'.repeat(128) }).requestId, 'a'.repeat(128));
    assert.equal(errorHeaderFacts({ 'x-request-id': 'a'.repeat(129) }).requestId, undefined);
    assert.equal(errorHeaderFacts({ 'x-request-id': '_abcd' }).requestId, undefined);
    assert.equal(errorHeaderFacts({ 'x-request-id': 'ab/cd' }).requestId, undefined);
    assert.equal(errorHeaderFacts({ 'x-request-id': '' }).requestId, undefined);
    // a malformed first header does not hide a good later one
    assert.equal(errorHeaderFacts({ 'x-oneapi-request-id': 'bad id', 'x-request-id': 'good-1' }).requestId, 'good-1');
  });

  test('rate-limit windows: each of limit, remaining and reset on its own; counts are whole non-negative numbers', () => {
    assert.deepEqual(errorHeaderFacts({ 'x-ratelimit-limit-requests': '60' }, NOW), {
      rateLimit: { requests: { limit: 60 } },
    });
    assert.deepEqual(errorHeaderFacts({ 'x-ratelimit-remaining-requests': ' 0 ' }, NOW), {
      rateLimit: { requests: { remaining: 0 } },
    });
    assert.deepEqual(errorHeaderFacts({ 'x-ratelimit-reset-requests': '1s' }, NOW), {
      rateLimit: { requests: { resetMs: 1000 } },
    });
    assert.deepEqual(
      errorHeaderFacts(
        {
          'x-ratelimit-limit-requests': '60',
          'x-ratelimit-remaining-requests': '59',
          'x-ratelimit-reset-requests': '2s',
          'x-ratelimit-limit-tokens': '1000',
          'x-ratelimit-remaining-tokens': '10',
          'x-ratelimit-reset-tokens': '6m0s',
        },
        NOW,
      ),
      {
        rateLimit: {
          requests: { limit: 60, remaining: 59, resetMs: 2000 },
          tokens: { limit: 1000, remaining: 10, resetMs: 360_000 },
        },
      },
    );
    for (const bad of ['-1', '1.5', 'abc', '', '  '])
      assert.deepEqual(errorHeaderFacts({ 'x-ratelimit-limit-requests': bad }, NOW), {}, bad);
  });

  test('a bare x-ratelimit-reset is the requests window, unless that window is reported', () => {
    assert.deepEqual(errorHeaderFacts({ 'x-ratelimit-reset': '30' }, NOW), {
      rateLimit: { requests: { resetMs: 30_000 } },
    });
    assert.deepEqual(errorHeaderFacts({ 'x-ratelimit-reset': '30', 'x-ratelimit-limit-requests': '5' }, NOW), {
      rateLimit: { requests: { limit: 5 } },
    });
    assert.deepEqual(errorHeaderFacts({ 'x-ratelimit-reset': '30', 'x-ratelimit-limit-tokens': '5' }, NOW), {
      rateLimit: { requests: { resetMs: 30_000 }, tokens: { limit: 5 } },
    });
    assert.deepEqual(errorHeaderFacts({ 'x-ratelimit-reset': 'soon' }, NOW), {});
  });

  test('retry-after-ms: a whole non-negative number, else nothing', () => {
    assert.deepEqual(errorHeaderFacts({ 'retry-after-ms': '0' }), { retryAfterMs: 0 });
    assert.deepEqual(errorHeaderFacts({ 'retry-after-ms': ' 250 ' }), { retryAfterMs: 250 });
    for (const bad of ['-5', '2.5', 'x', '']) assert.deepEqual(errorHeaderFacts({ 'retry-after-ms': bad }), {}, bad);
  });
});

describe('what a message names', () => {
  test('quotedModel: each quote style; the first one; an id of up to 128 characters', () => {
    const rows: ReadonlyArray<readonly [string, string | undefined]> = [
      ["model 'gpt-4o' is not allowed", 'gpt-4o'],
      ['model "claude-3.5-sonnet" denied', 'claude-3.5-sonnet'],
      ['model `org/model:free@v1+x` denied', 'org/model:free@v1+x'],
      ['模型「gpt-4o-mini」不可用', 'gpt-4o-mini'],
      ['模型“deepseek-r1”不可用', 'deepseek-r1'],
      ["'a' then 'b'", 'a'],
      ["'-leading' dash", undefined],
      [`'${'m'.repeat(128)}'`, 'm'.repeat(128)],
      [`'${'m'.repeat(129)}'`, undefined],
      ['model gpt-4o', undefined],
      ["'has space'", undefined],
    ];
    for (const [text, model] of rows) assert.equal(quotedModel(text), model, text);
  });

  test('reportedIp: the address after each marker; trailing dots and colons dropped; only a real address', () => {
    const rows: ReadonlyArray<readonly [string, string | undefined]> = [
      ['当前 ip：1.2.3.4', '1.2.3.4'],
      ['当前ip: 10.0.0.1。', '10.0.0.1'],
      ['客户端 ip 192.168.1.20', '192.168.1.20'],
      ['your ip 8.8.8.8.', '8.8.8.8'],
      ['Your IP address is 203.0.113.5', '203.0.113.5'],
      ['client ip: 2001:db8:0:0:0:0:0:1', '2001:db8:0:0:0:0:0:1'],
      ['client ip = 2001:db8::7', '2001:db8::7'],
      ['request ip (198.51.100.7)', '198.51.100.7'],
      ['remote IP "1.1.1.1"', '1.1.1.1'],
      ['source ip（9.9.9.9）', '9.9.9.9'],
      ['ip address: 4.4.4.4', '4.4.4.4'],
      ['ip 5.6.7.8 not allowed', '5.6.7.8'],
      ['ip: 255.255.255.255', '255.255.255.255'],
      ['ip: 10.220.30.240', '10.220.30.240'],
      ['ip: 100.249.199.250', '100.249.199.250'],
      ['ip: abcd:ef01:2345:6789:abcd:ef01:2345:6789', 'abcd:ef01:2345:6789:abcd:ef01:2345:6789'],
      ['ip: 1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
      ['ip: 1:2:3:4:5:6:7:8:9', undefined],
      ['ip: 2001:db8:1::5', '2001:db8:1::5'],
      ['ip: 2001:db8::abcd', '2001:db8::abcd'],
      ['ip: 1:2:3:4:5:6::8', '1:2:3:4:5:6::8'],
      ['ip: 12345::1', undefined],
      ['ip: 12345:1:2:3:4:5:6:7', undefined],
      ['ip: 1:2:3:4:5:6:7:12345', undefined],
      ['ip: 1::2::3', undefined],
      ['ip: 256.1.1.1', undefined],
      ['ip: 1.2.3', undefined],
      ['ip: abc', undefined],
      ['zip 1.2.3.4', undefined],
      // forms the address regexes missed: a leading "::", several groups after "::", an address ending in "::"
      ['client ip: ::1', '::1'],
      ['ip: 2001:db8::8a2e:370:7334.', '2001:db8::8a2e:370:7334'],
      ['ip: fd00::', 'fd00::'],
      ['ip: fd00::1:.', 'fd00::1'],
      ['ip: ::ffff:1.2.3.4', '::ffff:1.2.3.4'],
      ["remote ip '1.1.1.1'", '1.1.1.1'],
      ['ip: 1.2.3.4.5', undefined],
      ['no address here', undefined],
    ];
    for (const [text, ip] of rows) assert.equal(reportedIp(text), ip, text);
  });
});
