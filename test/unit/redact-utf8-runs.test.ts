/**
 * How redaction reads a run of `%XX` bytes: the longest prefix of whole UTF-8 sequences, exactly as
 * decodeURIComponent accepts them (wholeUtf8Bytes decides from the bytes, so a run of broken sequences costs no
 * failed decode), and a secret hidden in percent-encoding after a long run of broken ones is still masked.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { forgetSecret, redact, rememberSecret, wholeUtf8Bytes } from '../../src/core/redact';

const hex = (bytes: readonly number[]): string => bytes.map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

/** The reference: the longest byte prefix decodeURIComponent accepts (what redaction did by trying each length). */
function acceptedPrefix(bytes: readonly number[]): number {
  for (let n = bytes.length; n > 0; n--) {
    try {
      decodeURIComponent(hex(bytes.slice(0, n)));
      return n;
    } catch {
      // shorter
    }
  }
  return 0;
}

const whole = (bytes: readonly number[]): number => {
  const text = `x${hex(bytes)}y`;
  return wholeUtf8Bytes(text, 1, 1 + 3 * bytes.length);
};

describe('redaction: whole UTF-8 sequences in a %XX run', () => {
  it('table: each boundary of the well-formed byte ranges', () => {
    const rows: Array<[number[], number, string]> = [
      [[0x41], 1, 'ASCII'],
      [[0x7f, 0x41], 2, 'two ASCII'],
      [[0x80], 0, 'a lone continuation byte'],
      [[0xc1, 0xbf], 0, 'overlong two-byte lead'],
      [[0xc2, 0x80], 2, 'the first two-byte sequence'],
      [[0xdf, 0xbf], 2, 'the last two-byte sequence'],
      [[0xc3, 0x28], 0, 'a two-byte lead without its continuation'],
      [[0xc3], 0, 'a cut two-byte sequence'],
      [[0xe0, 0x9f, 0x80], 0, 'overlong three-byte'],
      [[0xe0, 0xa0, 0x80], 3, 'the first three-byte after E0'],
      [[0xed, 0x9f, 0xbf], 3, 'the last before the surrogates'],
      [[0xed, 0xa0, 0x80], 0, 'a surrogate'],
      [[0xef, 0xbf, 0xbf], 3, 'U+FFFF'],
      [[0xe4, 0xbd, 0xa0, 0xff], 3, '你 then a broken byte'],
      [[0xf0, 0x8f, 0xbf, 0xbf], 0, 'overlong four-byte'],
      [[0xf0, 0x90, 0x80, 0x80], 4, 'U+10000'],
      [[0xf4, 0x8f, 0xbf, 0xbf], 4, 'U+10FFFF'],
      [[0xf4, 0x90, 0x80, 0x80], 0, 'past U+10FFFF'],
      [[0xf5, 0x80, 0x80, 0x80], 0, 'F5 starts nothing'],
      [[0xff, 0x41], 0, 'FF starts nothing'],
      [[0xf0, 0x9f, 0x98], 0, 'a cut four-byte sequence'],
      [[0x41, 0xf0, 0x9f, 0x98], 1, 'ASCII then a cut sequence'],
    ];
    for (const [bytes, want, what] of rows) {
      assert.equal(whole(bytes), want, what);
      assert.equal(acceptedPrefix(bytes), want, `${what} (decodeURIComponent agrees)`);
    }
  });

  it('every lead byte with every second byte, and the three- and four-byte leads with boundary bytes after, read as decodeURIComponent does', () => {
    const edges = [0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff];
    const runs: number[][] = [];
    for (let a = 0; a < 256; a++) {
      runs.push([a]);
      if (a >= 0xc0) for (let b = 0; b < 256; b++) runs.push([a, b]);
    }
    for (let a = 0xe0; a <= 0xef; a++) for (let b = 0; b < 256; b++) for (const c of edges) runs.push([a, b, c]);
    for (let a = 0xf0; a <= 0xf4; a++)
      for (const b of edges) for (const c of edges) for (const d of edges) runs.push([a, b, c, d]);
    const wrong = runs.filter((r) => whole(r) !== acceptedPrefix(r)).map(hex);
    assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} of ${runs.length} runs read differently`);
  });

  it('reads the run it is given, not the bytes after it', () => {
    // the same four bytes, the run cut after one, two and three of them
    const text = '%F0%9F%98%80%41';
    assert.equal(wholeUtf8Bytes(text, 0, 12), 4, 'all four: one sequence');
    assert.equal(wholeUtf8Bytes(text, 0, 9), 0, 'a cut sequence is not whole, whatever follows the run');
    assert.equal(wholeUtf8Bytes('%41%41%41', 0, 3), 1, 'one byte of three');
    assert.equal(wholeUtf8Bytes('%41%41%41', 3, 9), 2);
  });

  it('property: the same prefix decodeURIComponent accepts, for any 1 to 4 bytes', () => {
    const byte = fc.oneof(
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom(0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5),
    );
    fc.assert(
      fc.property(fc.array(byte, { minLength: 1, maxLength: 4 }), (bytes) => whole(bytes) === acceptedPrefix(bytes)),
      { numRuns: 20000 },
    );
  });

  it('a secret percent-encoded after 20,000 broken sequences is masked, and the broken bytes are kept as they were', () => {
    const secret = 'sk-utf8run-9f8e7d6c5b4a';
    rememberSecret(secret);
    try {
      const junk = '%FF'.repeat(20_000);
      const text = `${junk} key=${hex([...Buffer.from(secret)])} end`;
      const out = redact(text);
      assert.ok(out.startsWith(junk), 'the broken sequences are left alone');
      assert.ok(!out.includes(hex([...Buffer.from(secret)])), 'the encoded secret is gone');
      assert.match(out, / end$/);
    } finally {
      forgetSecret(secret);
    }
  });
});
