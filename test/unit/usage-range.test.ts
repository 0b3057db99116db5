import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mapLimit, utcDayChunks } from '../../src/core/usage';
import { uiChoicesSchema } from '../../src/webview/dashboardProtocol';

const DAY = 86_400_000;
const utc = (iso: string): number => Date.parse(iso);

describe('mapLimit', () => {
  it('keeps the input order and never has more than the limit in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0, 6], 3, async (x, i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setImmediate(r));
      for (let k = 0; k < x; k++) await Promise.resolve();
      inFlight--;
      return `${i}:${x * 10}`;
    });
    assert.deepEqual(out, ['0:50', '1:10', '2:40', '3:20', '4:30', '5:0', '6:60']);
    assert.equal(most, 3);
  });

  it('handles no items and a rejection', async () => {
    assert.deepEqual(await mapLimit([], 3, async () => 1), []);
    await assert.rejects(
      mapLimit([1, 2], 3, async (x) => {
        if (x === 2) throw new Error('boom');
        return x;
      }),
      /boom/,
    );
  });
});

describe('utcDayChunks for the usage range limit', () => {
  it('a 120-UTC-day range splits into 92 + 28 days', () => {
    const start = utc('2026-01-01T00:00:00Z');
    const chunks = utcDayChunks({ start, end: start + 120 * DAY }, 92);
    assert.deepEqual(chunks, [
      { start, end: utc('2026-04-03T00:00:00Z') },
      { start: utc('2026-04-03T00:00:00Z'), end: start + 120 * DAY },
    ]);
  });

  it('a range in UTC+8 touches 121 UTC days: each chunk still covers ≤ 92 UTC days', () => {
    const start = utc('2025-12-31T16:00:00Z'); // 2026-01-01 00:00 in Asia/Shanghai
    const chunks = utcDayChunks({ start, end: start + 120 * DAY }, 92);
    assert.equal(chunks.length, 2);
    for (const c of chunks) {
      const first = Math.floor(c.start / DAY);
      const last = Math.floor((c.end - 1) / DAY);
      assert.ok(last - first + 1 <= 92);
    }
    assert.equal(chunks[0]!.end, utc('2026-04-02T00:00:00Z')); // 2025-12-31 .. 2026-04-01: 92 UTC days
  });
});

describe('custom range validation', () => {
  const base = { tz: 'utc', granularity: 'day', metric: 'requests', keySort: 'cost' } as const;
  it('refuses a first day after the last day', () => {
    assert.equal(
      uiChoicesSchema.safeParse({ ...base, range: { preset: 'custom', from: '2026-03-10', to: '2026-03-01' } }).success,
      false,
    );
  });
  it('accepts the same day, an ordered range and presets', () => {
    assert.equal(
      uiChoicesSchema.safeParse({ ...base, range: { preset: 'custom', from: '2026-03-01', to: '2026-03-01' } }).success,
      true,
    );
    assert.equal(
      uiChoicesSchema.safeParse({ ...base, range: { preset: 'custom', from: '2026-01-01', to: '2026-04-30' } }).success,
      true,
    );
    assert.equal(uiChoicesSchema.safeParse({ ...base, range: { preset: '7d' } }).success, true);
  });
});
