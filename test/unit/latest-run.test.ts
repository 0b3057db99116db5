import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatestRun } from '../../src/platform/latestRun';

/** A task that finishes when told to, and records the signal it was given. */
function gate(): { task: (s: AbortSignal) => Promise<void>; open: () => void; signal: () => AbortSignal | undefined } {
  let release: () => void = () => undefined;
  let given: AbortSignal | undefined;
  const done = new Promise<void>((r) => (release = r));
  return {
    task: (s) => {
      given = s;
      return done;
    },
    open: () => release(),
    signal: () => given,
  };
}

describe('LatestRun', () => {
  it('starting a run cancels the one in flight, not the new one', async () => {
    const runs = new LatestRun();
    const a = gate();
    const b = gate();
    const first = runs.start(a.task);
    const second = runs.start(b.task);
    assert.equal(a.signal()?.aborted, true, 'the old run is told to stop');
    assert.equal(b.signal()?.aborted, false);
    a.open();
    b.open();
    await Promise.all([first, second]);
  });

  it('cancel() aborts the run in flight; after it finished there is nothing to abort', async () => {
    const runs = new LatestRun();
    const a = gate();
    const p = runs.start(a.task);
    runs.cancel();
    assert.equal(a.signal()?.aborted, true);
    a.open();
    await p;
    const b = gate();
    const q = runs.start(b.task);
    b.open();
    await q;
    runs.cancel();
    assert.equal(b.signal()?.aborted, false, 'a finished run is not aborted afterwards');
  });

  it('settled() waits for the latest run, also one started while waiting, and does not throw for a failure', async () => {
    const runs = new LatestRun();
    await runs.settled(); // nothing started: resolves at once
    const a = gate();
    const b = gate();
    const order: string[] = [];
    void runs
      .start(async (s) => {
        await a.task(s);
        order.push('a');
        throw new Error('failed');
      })
      .catch(() => undefined);
    const waiting = runs.settled().then(() => order.push('settled'));
    void runs.start(async (s) => {
      await b.task(s);
      order.push('b');
    });
    a.open();
    await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(order, ['a'], 'still waiting for the run started while it waited');
    b.open();
    await waiting;
    assert.deepEqual(order, ['a', 'b', 'settled']);
  });
});
