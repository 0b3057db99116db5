/**
 * The HTTP client's failures, one row each: what undici (or the signal, or the deadline, or a proxy) throws, and the
 * exact GatewayError it becomes — kind, code, sentence, proxy, operation. Also the Retry-After parser, the default
 * sleep, and the call deadline (on mocked timers).
 */
import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../src/gateway/errors';
import { Deadline } from '../../src/gateway/httpDeadline';
import { proxyError, toGatewayError, tooLarge, type FailureContext } from '../../src/gateway/httpFailures';
import {
  DEFAULT_LIMITS,
  DEFAULT_RETRY,
  DEFAULT_STREAM_TOTAL_MS,
  DEFAULT_TIMEOUTS,
  defaultSleep,
  type HttpRequest,
  parseRetryAfter,
  RETRY_STATUSES,
} from '../../src/gateway/httpTypes';
import type { ResolvedProxy } from '../../src/gateway/proxy';

const req: HttpRequest = { method: 'GET', url: 'https://gw.example/api/keys', operation: 'list keys' };
const client: FailureContext = {
  gateway: 'AIone (Work)',
  timeouts: {
    connectMs: 1500,
    headersMs: 2500,
    bodyMs: 3500,
    totalMs: 9000,
    streamTotalMs: 60_000,
    streamSilenceMs: 7000,
  },
  closed: false,
};
const proxy: ResolvedProxy = {
  uri: 'http://proxy.corp:3128',
  display: 'proxy.corp:3128',
  protocol: 'http:',
  strictSSL: true,
  source: 'http.proxy',
};
const withAuth: ResolvedProxy = { ...proxy, authorization: 'Basic dXNlcjpwYXNz' };

const err = (message: string, code?: string, cause?: unknown): Error =>
  Object.assign(new Error(message, cause === undefined ? undefined : { cause }), code ? { code } : {});

function view(e: GatewayError): Record<string, unknown> {
  return { kind: e.kind, code: e.code, message: e.message, proxy: e.proxy, gateway: e.gateway, operation: e.operation };
}

describe('toGatewayError: what undici throws, as the user reads it', () => {
  const rows: ReadonlyArray<readonly [string, unknown, Partial<Record<string, unknown>>]> = [
    [
      'connect timeout',
      err('Connect Timeout Error', 'UND_ERR_CONNECT_TIMEOUT'),
      { kind: 'timeout', code: 'UND_ERR_CONNECT_TIMEOUT', message: 'Timed out connecting (1500 ms)' },
    ],
    [
      'headers timeout',
      err('Headers Timeout Error', 'UND_ERR_HEADERS_TIMEOUT'),
      { kind: 'timeout', code: 'UND_ERR_HEADERS_TIMEOUT', message: 'No response within 2500 ms' },
    ],
    [
      'body timeout',
      err('Body Timeout Error', 'UND_ERR_BODY_TIMEOUT'),
      { kind: 'timeout', code: 'UND_ERR_BODY_TIMEOUT', message: 'The response stalled for 3500 ms' },
    ],
    [
      'aborted by undici while the client is open',
      err('Request aborted', 'UND_ERR_ABORTED'),
      { kind: 'network', code: 'UND_ERR_ABORTED', message: 'Network error: UND_ERR_ABORTED Request aborted' },
    ],
    [
      'a network error with a code',
      err('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'),
      {
        kind: 'network',
        code: 'ECONNREFUSED',
        message: 'Network error: ECONNREFUSED connect ECONNREFUSED 127.0.0.1:1',
      },
    ],
    [
      'a network error without a code',
      err('other side closed'),
      { kind: 'network', code: undefined, message: 'Network error: other side closed' },
    ],
    ['a thrown string', 'weird', { kind: 'network', code: undefined, message: 'Network error: weird' }],
    ['a thrown null', null, { kind: 'network', code: undefined, message: 'Network error: null' }],
    [
      'a numeric code',
      Object.assign(new Error('x'), { code: 42 }),
      { kind: 'network', code: '42', message: 'Network error: 42 x' },
    ],
  ];
  for (const [name, thrown, expected] of rows) {
    it(name, () => {
      const e = toGatewayError(thrown, req, client);
      assert.deepEqual(view(e), { proxy: undefined, gateway: 'AIone (Work)', operation: 'list keys', ...expected });
      if (thrown instanceof Error) assert.equal((e.cause as Error).message, thrown.message, 'the cause is kept');
    });
  }

  it('aborted by undici after the client was disposed', () => {
    const e = toGatewayError(err('Request aborted', 'UND_ERR_ABORTED'), req, { ...client, closed: true });
    assert.deepEqual(view(e), {
      kind: 'aborted',
      code: 'UND_ERR_ABORTED',
      message: 'The client was disposed',
      proxy: undefined,
      gateway: 'AIone (Work)',
      operation: 'list keys',
    });
  });

  it("the caller's signal wins over whatever undici threw", () => {
    const ac = new AbortController();
    ac.abort();
    const e = toGatewayError(err('x', 'UND_ERR_HEADERS_TIMEOUT'), { ...req, signal: ac.signal }, client);
    assert.deepEqual(view(e), {
      kind: 'aborted',
      code: undefined,
      message: 'list keys was cancelled',
      proxy: undefined,
      gateway: 'AIone (Work)',
      operation: 'list keys',
    });
  });

  it('a signal that was not aborted changes nothing', () => {
    const e = toGatewayError(
      err('x', 'UND_ERR_BODY_TIMEOUT'),
      { ...req, signal: new AbortController().signal },
      client,
    );
    assert.equal(e.code, 'UND_ERR_BODY_TIMEOUT');
  });

  it('a GatewayError passes through as it is', () => {
    const g = new GatewayError({ kind: 'server', message: 'x' });
    assert.equal(toGatewayError(g, req, client), g);
  });
});

describe('toGatewayError: the call deadline', () => {
  const expiredDeadline = (limitMs: number): Deadline => {
    const d = new Deadline(Date.now() + 60_000, limitMs);
    d.fire();
    return d;
  };
  const rows: ReadonlyArray<readonly [number, boolean, string]> = [
    [120_000, false, 'The call did not complete within 2 min'],
    [60_000, true, 'The answer did not finish within 1 min'],
    [90_000, false, 'The call did not complete within 90 s'],
    [30_000, false, 'The call did not complete within 30 s'],
    [1500, false, 'The call did not complete within 1500 ms'],
    [59_000, true, 'The answer did not finish within 59 s'],
    [0, false, 'The call did not complete within 0 s'],
  ];
  for (const [limit, stream, message] of rows) {
    it(message, () => {
      const e = toGatewayError(new Error('deadline'), req, client, { deadline: expiredDeadline(limit), stream });
      assert.deepEqual(
        { kind: e.kind, code: e.code, message: e.message },
        { kind: 'timeout', code: 'deadline', message },
      );
    });
  }

  it('a deadline that has not passed leaves the error to the other rules', () => {
    const d = new Deadline(Date.now() + 60_000, 60_000);
    d.headersTimeout(1000); // not cut: the deadline is further away than the configured timeout
    const e = toGatewayError(err('x', 'UND_ERR_HEADERS_TIMEOUT'), req, client, { deadline: d });
    assert.equal(e.code, 'UND_ERR_HEADERS_TIMEOUT');
    assert.equal(e.message, 'No response within 2500 ms');
  });
});

describe('toGatewayError: through a proxy', () => {
  const target = new URL('https://gw.example/api/keys');
  const rows: ReadonlyArray<readonly [string, ResolvedProxy, unknown, string, string]> = [
    [
      'a tunnel refused with 407, no credentials sent',
      proxy,
      err('Proxy response (407) !== 200 when HTTP Tunneling'),
      'proxy-auth',
      'The proxy proxy.corp:3128 asks for credentials (HTTP 407 Proxy Authentication Required)',
    ],
    [
      'a tunnel refused with 407, credentials sent',
      withAuth,
      err('wrapped', undefined, err('Proxy response (407) !== 200 when HTTP Tunneling')),
      'proxy-auth',
      'The proxy proxy.corp:3128 refused the credentials it was sent (HTTP 407 Proxy Authentication Required)',
    ],
    [
      'a forward proxy answering 407 in words',
      proxy,
      err('proxy authentication required'),
      'proxy-auth',
      'The proxy proxy.corp:3128 asks for credentials (HTTP 407 Proxy Authentication Required)',
    ],
    [
      'a tunnel refused with another status',
      proxy,
      err('Proxy response (403) !== 200 when HTTP Tunneling'),
      'proxy-refused',
      'The proxy proxy.corp:3128 refused the connection to gw.example (HTTP 403)',
    ],
    [
      'the TLS connection to the proxy',
      proxy,
      err('outer', 'X', err('self-signed certificate', 'UND_ERR_PRX_TLS')),
      'proxy-tls',
      'The TLS connection to the proxy proxy.corp:3128 failed: self-signed certificate',
    ],
    ...['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL'].map(
      (code) =>
        [
          `the proxy unreachable: ${code}`,
          proxy,
          err(`connect ${code}`, code),
          'proxy-unreachable',
          `Could not connect to the proxy proxy.corp:3128 (${code})`,
        ] as const,
    ),
    [
      'a connect timeout to the proxy host',
      proxy,
      err('Connect Timeout Error (attempted address: proxy.corp:3128, timeout: 1500ms)', 'UND_ERR_CONNECT_TIMEOUT'),
      'proxy-unreachable',
      'Could not connect to the proxy proxy.corp:3128 (connect timeout)',
    ],
  ];
  for (const [name, via, thrown, code, message] of rows) {
    it(name, () => {
      const e = toGatewayError(thrown, req, client, { via, target });
      assert.deepEqual(view(e), {
        kind: 'proxy',
        code,
        message,
        proxy: 'proxy.corp:3128',
        gateway: 'AIone (Work)',
        operation: 'list keys',
      });
      if (thrown instanceof Error) assert.equal((e.cause as Error).message, thrown.message, 'the cause is kept');
    });
  }

  it('a connect timeout to another host is the gateway’s, not the proxy’s', () => {
    const e = toGatewayError(
      err('Connect Timeout Error (attempted address: gw.example:443)', 'UND_ERR_CONNECT_TIMEOUT'),
      req,
      client,
      { via: proxy, target },
    );
    assert.equal(e.kind, 'timeout');
    assert.equal(e.message, 'Timed out connecting (1500 ms)');
  });

  it('an error the proxy did not cause is a network error', () => {
    const e = toGatewayError(err('socket hang up', 'UND_ERR_SOCKET'), req, client, { via: proxy, target });
    assert.equal(e.kind, 'network');
    assert.equal(e.message, 'Network error: UND_ERR_SOCKET socket hang up');
  });

  it('looks six links deep into the cause chain, not further', () => {
    let deep: unknown = err('connect ECONNREFUSED', 'ECONNREFUSED');
    for (let i = 0; i < 5; i++) deep = err(`link ${i}`, undefined, deep);
    assert.equal(toGatewayError(deep, req, client, { via: proxy }).code, 'proxy-unreachable');
    deep = err('one more', undefined, deep);
    assert.equal(toGatewayError(deep, req, client, { via: proxy }).kind, 'network');
  });

  it('a thrown null through a proxy is a network error', () => {
    const e = toGatewayError(null, req, client, { via: proxy, target });
    assert.deepEqual([e.kind, e.message], ['network', 'Network error: null']);
  });

  it('an error that only names the proxy host is not the proxy’s unless it is a connect timeout', () => {
    const e = toGatewayError(err('socket hang up (proxy.corp)', 'UND_ERR_SOCKET'), req, client, { via: proxy, target });
    assert.equal(e.kind, 'network');
  });

  it('a connect timeout names the proxy host without its port, and an IPv6 proxy by its brackets', () => {
    const byHost = toGatewayError(
      err('Connect Timeout Error (connecting to proxy.corp)', 'UND_ERR_CONNECT_TIMEOUT'),
      req,
      client,
      {
        via: proxy,
        target,
      },
    );
    assert.equal(byHost.code, 'proxy-unreachable');
    const v6: ResolvedProxy = { ...proxy, uri: 'http://[::1]:3128', display: '[::1]:3128' };
    const e = toGatewayError(
      err('Connect Timeout Error (attempted address: [::1], timeout: 1500ms)', 'UND_ERR_CONNECT_TIMEOUT'),
      req,
      client,
      {
        via: v6,
        target,
      },
    );
    assert.equal(e.code, 'proxy-unreachable');
    assert.equal(e.message, 'Could not connect to the proxy [::1]:3128 (connect timeout)');
  });

  it('proxyError without a target or a status says so', () => {
    const e = proxyError(undefined, req, proxy, { code: 'proxy-refused' }, undefined);
    assert.equal(e.message, 'The proxy proxy.corp:3128 refused the connection (HTTP ?)');
    assert.equal(
      proxyError(undefined, req, proxy, { code: 'proxy-unreachable' }, undefined).message,
      'Could not connect to the proxy proxy.corp:3128 (unreachable)',
    );
    assert.equal(
      proxyError(undefined, req, proxy, { code: 'proxy-tls' }, undefined).message,
      'The TLS connection to the proxy proxy.corp:3128 failed: ',
    );
  });
});

describe('tooLarge: the cap in the largest whole unit', () => {
  const rows: ReadonlyArray<readonly [number, string]> = [
    [16 * 1024 * 1024, '16 MiB'],
    [1024 * 1024, '1 MiB'],
    [1024 * 1024 + 1024, '1025 KiB'],
    [64 * 1024, '64 KiB'],
    [1024, '1 KiB'],
    [1000, '1000 bytes'],
    [1025, '1025 bytes'],
    [512, '512 bytes'],
    [0, '0 bytes'],
  ];
  for (const [limit, size] of rows) {
    it(size, () => {
      const e = tooLarge('G', req, limit);
      assert.deepEqual(
        { kind: e.kind, code: e.code, message: e.message, gateway: e.gateway, operation: e.operation },
        {
          kind: 'bad-response',
          code: 'too-large',
          message: `The answer to list keys is larger than ${size}; it was not read`,
          gateway: 'G',
          operation: 'list keys',
        },
      );
    });
  }
});

describe('the HTTP defaults', () => {
  it('timeouts, sizes and the retry policy', () => {
    assert.deepEqual(DEFAULT_TIMEOUTS, { connectMs: 10_000, headersMs: 30_000, bodyMs: 60_000 });
    assert.equal(DEFAULT_STREAM_TOTAL_MS, 30 * 60_000);
    assert.deepEqual(DEFAULT_LIMITS, { jsonBytes: 16 * 1024 * 1024, errorBytes: 64 * 1024 });
    assert.deepEqual(DEFAULT_RETRY, {
      maxRetries: 3,
      baseDelayMs: 300,
      maxDelayMs: 5000,
      maxRetryAfterMs: 20_000,
      maxTotalWaitMs: 20_000,
    });
  });

  it('retries 429 and the gateway-side 502, 503, 504; never another status', () => {
    assert.deepEqual([...RETRY_STATUSES].sort(), [429, 502, 503, 504]);
    for (const s of [200, 400, 401, 408, 500, 501, 505]) assert.equal(RETRY_STATUSES.has(s), false, String(s));
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
  const rows: ReadonlyArray<readonly [string | undefined, number | undefined]> = [
    ['0', 0],
    ['1.5', 1500],
    ['1.2345', 1235],
    ['  2  ', 2000],
    ['120', 120_000],
    ['Wed, 21 Oct 2015 07:28:10 GMT', 10_000],
    ['Wed, 21 Oct 2015 07:28:00 GMT', 0],
    ['Wed, 21 Oct 2015 07:27:00 GMT', 0],
    ['', undefined],
    ['12abc', undefined],
    ['abc12', undefined],
    ['1.', undefined],
    ['.5', undefined],
    ['2015-10-21', undefined],
    ['1445412490', 1_445_412_490_000],
    ['Wed, 99 Foo 2015', undefined],
    ['2015-10-21T07:28:10Z', undefined],
    [undefined, undefined],
  ];
  for (const [value, ms] of rows) it(JSON.stringify(value), () => assert.equal(parseRetryAfter(value, now), ms));
});

describe('defaultSleep', () => {
  it('waits, and removes its abort listener when it is done', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const listeners = new Set<unknown>();
    const signal = {
      aborted: false,
      addEventListener: (type: string, f: unknown) => type === 'abort' && listeners.add(f),
      removeEventListener: (type: string, f: unknown) => type === 'abort' && listeners.delete(f),
    } as unknown as AbortSignal;
    let done = false;
    const p = defaultSleep(1000, signal).then(() => (done = true));
    assert.equal(listeners.size, 1);
    t.mock.timers.tick(999);
    await Promise.resolve();
    assert.equal(done, false);
    t.mock.timers.tick(1);
    await p;
    assert.equal(done, true);
    assert.equal(listeners.size, 0);
  });

  it('rejects with the reason at once when the signal was already aborted, and when it aborts', async () => {
    const before = new AbortController();
    before.abort(new Error('already'));
    await assert.rejects(defaultSleep(60_000, before.signal), /already/);
    const during = new AbortController();
    const p = defaultSleep(60_000, during.signal);
    during.abort(new Error('now'));
    await assert.rejects(p, /now/);
  });

  it('sleeps without a signal', async () => {
    await defaultSleep(1);
  });
});

describe('Deadline', () => {
  it('cuts the headers timeout to what is left, and only then blames a headers timeout on itself', () => {
    mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    try {
      const fresh = new Deadline(1_000_000 + 10, 10_000);
      assert.equal(fresh.expired({ code: 'UND_ERR_HEADERS_TIMEOUT' }), false, 'no headers timeout was cut yet');
      const far = new Deadline(1_000_000 + 10_000, 10_000);
      assert.equal(far.headersTimeout(5000), 5000);
      assert.equal(far.expired({ code: 'UND_ERR_HEADERS_TIMEOUT' }), false);

      const equal = new Deadline(1_000_000 + 5000, 5000);
      assert.equal(equal.headersTimeout(5000), 5000);
      assert.equal(equal.expired({ code: 'UND_ERR_HEADERS_TIMEOUT' }), false, 'not cut: the configured timeout fired');

      const near = new Deadline(1_000_000 + 400, 10_000);
      assert.equal(near.headersTimeout(5000), 400);
      assert.equal(near.expired({ code: 'UND_ERR_HEADERS_TIMEOUT' }), true);
      assert.equal(near.expired({ code: 'UND_ERR_BODY_TIMEOUT' }), false);
      assert.equal(near.expired(new Error('x')), false);
      assert.equal(near.expired(null), false);

      const past = new Deadline(1_000_000 - 50, 10_000);
      assert.equal(past.headersTimeout(5000), 1, 'never zero (undici reads 0 as no timeout)');
    } finally {
      mock.timers.reset();
    }
  });

  it('destroys the body of a call past its deadline at the next sweep, and not before', () => {
    mock.timers.enable({ apis: ['Date', 'setInterval'], now: 2_000_000 });
    try {
      const destroyed: unknown[] = [];
      const d = new Deadline(2_000_000 + 600, 600);
      d.arm({ destroy: (e?: Error) => destroyed.push(e?.message) });
      const kept = new Deadline(2_000_000 + 600, 600);
      const keptDestroyed: unknown[] = [];
      kept.arm({ destroy: () => keptDestroyed.push(1) });
      kept.dispose();
      mock.timers.tick(500);
      assert.deepEqual(destroyed, []);
      assert.equal(d.expired(undefined), false);
      mock.timers.tick(250); // the sweep at 750 ms sees 2_000_750 ≥ 2_000_600
      assert.deepEqual(destroyed, ['deadline']);
      assert.equal(d.expired(undefined), true);
      assert.deepEqual(keptDestroyed, [], 'a disposed deadline never fires');
      assert.equal(kept.expired(undefined), false, 'a disposed deadline never expires');
      mock.timers.tick(1000);
      assert.deepEqual(destroyed, ['deadline'], 'fired once');
    } finally {
      mock.timers.reset();
    }
  });

  it('fires at its exact instant', () => {
    mock.timers.enable({ apis: ['Date', 'setInterval'], now: 3_000_000 });
    try {
      const destroyed: unknown[] = [];
      const d = new Deadline(3_000_000 + 250, 250);
      d.arm({ destroy: () => destroyed.push(1) });
      mock.timers.tick(250);
      assert.deepEqual(destroyed, [1]);
    } finally {
      mock.timers.reset();
    }
  });
});
