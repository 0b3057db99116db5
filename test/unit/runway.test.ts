/** Days of runway from the recent daily spend, against figures computed by hand. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RUNWAY_WINDOW_DAYS, forecastRunway } from '../../src/core/runway';

const flat = (v: string, n: number) => Array.from({ length: n }, () => v);

describe('runway forecast', () => {
  it('a flat spend: balance / daily spend (100 / 10 = 10 days)', () => {
    assert.deepEqual(forecastRunway({ balance: '100', daily: flat('10', 7) }), {
      kind: 'days',
      days: '10.0',
      dailyRate: '10',
      slopePerDay: '0',
      trend: 'flat',
      basisDays: 7,
    });
  });

  it('the floor is kept back: (100 − 30) / 10 = 7 days', () => {
    const r = forecastRunway({ balance: '100', floor: '30', daily: flat('10', 7) });
    assert.equal(r.kind === 'days' && r.days, '7.0');
  });

  it('a rising trend is projected: 1,2,…,7 a day, 100 left → 8.5 days (8+9+…+15 = 92, the 9th day runs out)', () => {
    // slope 1, the line is at 7 on the last day; D = −7.5 + √(7.5² + 2·1·100) = −7.5 + √256.25 = 8.5078…
    const r = forecastRunway({ balance: '100', daily: ['1', '2', '3', '4', '5', '6', '7'] });
    assert.deepEqual(r, { kind: 'days', days: '8.5', dailyRate: '7', slopePerDay: '1', trend: 'rising', basisDays: 7 });
  });

  it('a falling trend is not extrapolated to zero: 7,6,…,1 a day → the mean 4, 100 / 4 = 25 days', () => {
    const r = forecastRunway({ balance: '100', daily: ['7', '6', '5', '4', '3', '2', '1'] });
    assert.deepEqual(r, {
      kind: 'days',
      days: '25.0',
      dailyRate: '4',
      slopePerDay: '-1',
      trend: 'falling',
      basisDays: 7,
    });
  });

  it('no spend in the window, or no days at all: unbounded', () => {
    assert.deepEqual(forecastRunway({ balance: '100', daily: flat('0', 7) }), { kind: 'no-spend' });
    assert.deepEqual(forecastRunway({ balance: '100', daily: [] }), { kind: 'no-spend' });
  });

  it('a balance at or under the floor: below-floor, with what is missing', () => {
    assert.deepEqual(forecastRunway({ balance: '5', floor: '10', daily: flat('1', 7) }), {
      kind: 'below-floor',
      available: '-5',
    });
    assert.deepEqual(forecastRunway({ balance: '10', floor: '10', daily: flat('1', 7) }), {
      kind: 'below-floor',
      available: '0',
    });
    // no floor, an empty balance: below (zero) even without spend
    assert.equal(forecastRunway({ balance: '0', daily: [] }).kind, 'below-floor');
  });

  it(`only the last ${RUNWAY_WINDOW_DAYS} days count: three old 100-days do not shorten a 10-a-day runway`, () => {
    const r = forecastRunway({ balance: '100', daily: ['100', '100', '100', ...flat('10', 7)] });
    assert.equal(r.kind === 'days' && r.days, '10.0');
    const w3 = forecastRunway({ balance: '90', daily: ['100', '30', '30', '30'], windowDays: 3 });
    assert.equal(w3.kind === 'days' && w3.days, '3.0');
  });

  it('a refund day counts as no spend: −10, 10 is 0, 10 (rising: 20, 30, 40 … → 3.2 days of 100)', () => {
    // slope 10, line at 10 on the last day: D = (−15 + √(15² + 2·10·100)) / 10 = (−15 + √2225) / 10 = 3.2169…
    const r = forecastRunway({ balance: '100', daily: ['-10', '10'] });
    assert.equal(r.kind === 'days' && r.days, '3.2');
    assert.equal(r.kind === 'days' && r.trend, 'rising');
  });

  it('days round down (6.66… → 6.6), exactly in decimals (0.1 + 0.2 is 0.3)', () => {
    assert.equal((forecastRunway({ balance: '2', daily: ['0.3'] }) as { days: string }).days, '6.6');
    // mean of 0.1 and 0.5 = 0.3 with slope 0.4: rising; 0.3 a day flat would be 10 days, rising is shorter
    const r = forecastRunway({ balance: '3', daily: ['0.1', '0.5'] });
    assert.equal(r.kind, 'days');
    // a = 0.5, b = 0.4: D = (−0.7 + √(0.49 + 2.4)) / 0.4 = (−0.7 + 1.7) / 0.4 = 2.5 exactly
    assert.equal(r.kind === 'days' && r.days, '2.5');
    assert.equal(r.kind === 'days' && r.dailyRate, '0.5');
  });

  it('one day of history: its spend, no trend', () => {
    assert.deepEqual(forecastRunway({ balance: '50', daily: ['20'] }), {
      kind: 'days',
      days: '2.5',
      dailyRate: '20',
      slopePerDay: '0',
      trend: 'flat',
      basisDays: 1,
    });
  });
});
