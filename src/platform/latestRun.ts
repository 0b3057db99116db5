/**
 * One run at a time where a new run replaces the old: starting one cancels the run in flight (through its
 * AbortSignal), and settled() waits for whichever run is the latest, also one started while waiting.
 */
export class LatestRun {
  private controller: AbortController | undefined;
  private current: Promise<void> | undefined;

  /** Cancels the run in flight, if any. */
  cancel(): void {
    this.controller?.abort();
  }

  /** Cancels the run in flight and starts `task`; resolves when it is done. */
  start(task: (signal: AbortSignal) => Promise<void>): Promise<void> {
    this.controller?.abort();
    const ac = new AbortController();
    this.controller = ac;
    const run = task(ac.signal).finally(() => {
      if (this.controller === ac) this.controller = undefined;
    });
    this.current = run;
    return run;
  }

  /** Resolves when the latest run (if any) has finished, whether it succeeded or not. */
  async settled(): Promise<void> {
    while (this.current) {
      const c = this.current;
      await c.catch(() => undefined);
      if (this.current === c) break;
    }
  }
}
