/**
 * Property tests: random tokens thrown through every path that writes a log line or an error message — the HTTP
 * client's log callback, GatewayError construction (message, toString, stack, cause chain) and the logger's line
 * formatting — must never come out whole, however they were split, escaped or wrapped.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { forgetSecret, redact, rememberSecret } from '../../src/core/redact';
import { GatewayError } from '../../src/gateway/errors';
import { HttpClient } from '../../src/gateway/http';
import { formatLogLine, formatLogValue } from '../../src/platform/logFormat';

const ALPHABETS = {
  hex: '0123456789abcdef',
  base62: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  letters: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  lower: 'abcdefghijklmnopqrstuvwxyz',
  base64: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=',
  base64url: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  symbols: 'abcdefXYZ0123._~-+/=!$*:@"\'<>&;,()[]{}é中',
} as const;

const SEPARATORS = [' ', '  ', '\n', '\t', '\r\n', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', ' \u200b'];

/** A random token: an alphabet, 8–128 characters (the whole range: size 'max'), with or without a digit. */
const token = (alphabets: ReadonlyArray<keyof typeof ALPHABETS>, minLength = 8): fc.Arbitrary<string> =>
  fc
    .constantFrom(...alphabets)
    .chain((name) => {
      const chars = [...ALPHABETS[name]];
      return fc
        .array(fc.integer({ min: 0, max: chars.length - 1 }), { minLength, maxLength: 128, size: 'max' })
        .map((ix) => ix.map((i) => chars[i]).join(''));
    })
    // A token that is all one character is a run, not a secret anyone holds; tokens never start or end with space.
    .filter((t) => new Set(t).size > 2);

/** The token split at random places by white space or zero-width characters (or not split at all). */
const split = (t: string): fc.Arbitrary<string> =>
  fc
    .array(fc.tuple(fc.integer({ min: 1, max: t.length - 1 }), fc.constantFrom(...SEPARATORS)), { maxLength: 3 })
    .map((cuts) => {
      const sorted = [...new Map(cuts.map(([at, sep]) => [at, sep])).entries()].sort((a, b) => a[0] - b[0]);
      let out = '';
      let prev = 0;
      for (const [at, sep] of sorted) {
        out += t.slice(prev, at) + sep;
        prev = at;
      }
      return out + t.slice(prev);
    });

const SCHEMES = ['Basic', 'Bearer', 'Token', 'Digest', 'Negotiate', 'ApiKey', ''] as const;

/** One way the (possibly split) token is written into a text. */
const wrap = fc.constantFrom(
  (v: string) => v,
  (v: string) => `token value ${v} end`,
  (v: string) => JSON.stringify({ key: v }),
  (v: string) => JSON.stringify({ key: v }).replace(/\//g, '\\/'),
  (v: string) => JSON.stringify(JSON.stringify({ key: v })),
  (v: string) => `"${[...v].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`,
  (v: string) => `https://relay.example/p?x=${encodeURIComponent(v)}`,
  (v: string) => `https://relay.example/p?x=${encodeURIComponent(v).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())}`,
);

/** A credential header of any scheme carrying the value, in any of the forms logs and error bodies show. */
const header = fc
  .tuple(
    fc.constantFrom('Authorization', 'authorization', 'Proxy-Authorization', 'proxy-authorization', 'AUTHORIZATION'),
    fc.constantFrom(...SCHEMES),
  )
  .chain(([name, scheme]) =>
    fc.constantFrom(
      (v: string) =>
        `${name}: ${scheme === 'Digest' ? `Digest username="u", response="${v}"` : `${scheme} ${v}`.trim()}`,
      (v: string) => `> ${name}: ${`${scheme} ${v}`.trim()}\r\n> accept: */*`,
      (v: string) => JSON.stringify({ headers: { [name]: `${scheme} ${v}`.trim(), accept: '*/*' } }),
      (v: string) => JSON.stringify(JSON.stringify({ [name]: `${scheme} ${v}`.trim() })),
      (v: string) => `{ ${name}: '${`${scheme} ${v}`.trim()}' }`,
      (v: string) => `https://relay.example/debug?h=${encodeURIComponent(`${name}: ${scheme} ${v}`)}&x=1`,
    ),
  );

/** Whether the token is readable in a text once separators, JSON escapes and percent-encoding are undone. */
function survives(text: string, t: string): boolean {
  const views = new Set<string>([text]);
  let decoded = text;
  for (let i = 0; i < 3; i++) {
    decoded = decoded
      .replace(/\\u([0-9a-fA-F]{4})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
      .replace(/\\(["\\/])/g, '$1')
      .replace(/\\[nrt]/g, ' ');
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      decoded = decoded.replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    }
    views.add(decoded);
  }
  const squash = (s: string): string => s.replace(/[\s\u200B-\u200D\u2060\uFEFF]/g, '');
  return [...views].some((v) => v.includes(t) || squash(v).includes(squash(t)));
}

/** Every text the three paths produce for one input. */
async function throughEveryPath(payload: string, server: string): Promise<string[]> {
  const out: string[] = [redact(payload)];
  // The HTTP client's log callback: the payload as the operation and inside the URL path, on a 503 that is retried.
  const lines: string[] = [];
  const client = new HttpClient({
    log: (_l, m) => lines.push(m),
    sleep: () => Promise.resolve(),
    retry: { maxRetries: 1, baseDelayMs: 1 },
  });
  try {
    await client.request({ method: 'GET', url: `${server}/x/${encodeURIComponent(payload)}`, operation: payload });
    await client
      .request({ method: 'GET', url: `http://127.0.0.1:1/y/${encodeURIComponent(payload)}`, operation: payload })
      .catch((e: unknown) => {
        out.push(String(e), e instanceof Error ? e.message : '', e instanceof Error ? (e.stack ?? '') : '');
      });
  } finally {
    await client.dispose();
  }
  out.push(...lines);
  // GatewayError construction.
  const inner = new Error(payload, { cause: new Error(`deeper ${payload}`) });
  const e = new GatewayError({
    kind: 'server',
    message: payload,
    code: payload,
    fieldErrors: [{ field: payload, message: payload }],
    cause: inner,
  });
  out.push(e.message, String(e), e.stack ?? '', e.code ?? '', JSON.stringify(e.fieldErrors), formatLogValue(e));
  for (let c: unknown = e.cause; c instanceof Error; c = c.cause) out.push(c.message, c.stack ?? '', String(c));
  // The logger's line formatting.
  out.push(formatLogLine('http', payload, [payload, inner, e, { headers: { authorization: payload }, body: payload }]));
  return out;
}

describe('redaction fuzz: no random token survives any path', () => {
  const server = http.createServer((_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end('{}');
  });
  let url = '';
  before(
    () =>
      new Promise<void>((r) =>
        server.listen(0, '127.0.0.1', () => {
          url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
          r();
        }),
      ),
  );
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });

  it('known tokens of any alphabet and length, split, escaped or wrapped', async () => {
    await fc.assert(
      fc.asyncProperty(
        token(['hex', 'base62', 'letters', 'lower', 'base64', 'base64url', 'symbols']).chain((t) =>
          fc.tuple(fc.constant(t), split(t), wrap, fc.option(header, { nil: undefined })),
        ),
        async ([t, pieces, wrapper, head]) => {
          rememberSecret(t);
          try {
            const payload = head ? head(wrapper(pieces)) : wrapper(pieces);
            for (const text of await throughEveryPath(payload, url)) {
              assert.ok(
                !survives(text, t),
                `token ${JSON.stringify(t)} survived in ${JSON.stringify(text)} (input ${JSON.stringify(payload)})`,
              );
            }
          } finally {
            forgetSecret(t);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('unknown tokens inside Authorization / Proxy-Authorization headers of every scheme', async () => {
    await fc.assert(
      fc.asyncProperty(
        token(['hex', 'base62', 'letters', 'base64', 'base64url']).chain((t) =>
          fc.tuple(
            fc.constant(t),
            fc.constantFrom(...SEPARATORS.filter((s) => !/[\r\n]/.test(s))).chain((sep) => fc.constant(sep)),
            fc.boolean(),
            header,
          ),
        ),
        async ([t, sep, doSplit, head]) => {
          const value = doSplit ? `${t.slice(0, 4)}${sep}${t.slice(4)}` : t;
          const payload = head(value);
          for (const text of await throughEveryPath(payload, url)) {
            assert.ok(
              !survives(text, t),
              `token ${JSON.stringify(t)} survived in ${JSON.stringify(text)} (input ${JSON.stringify(payload)})`,
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('token-shaped strings (32+ characters with a digit) and sk- keys are masked unknown', () => {
    fc.assert(
      fc.property(
        token(['base62', 'base64url'], 32),
        fc.integer({ min: 0, max: 9 }),
        fc.boolean(),
        (raw, digit, sk) => {
          // Token-shaped: starts and ends with a letter or digit, holds a digit.
          const t = `a${raw.slice(1, -1)}${digit}`;
          const value = sk ? `sk-${t}` : t;
          for (const text of [
            redact(`key ${value} end`),
            formatLogLine(undefined, 'x', [{ key: value }]),
            new GatewayError({ kind: 'server', message: `bad ${value}` }).message,
          ]) {
            assert.ok(!text.includes(value), text);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
