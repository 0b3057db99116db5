/** What the integration tests reach of the fixes feature through the extension's test API. */
import type { Diagnosis, FailureContext, FixId, FixOutcome } from '../../platform/errors';
import type { FixesFeature } from './index';

export interface FixesTestApi {
  diagnose(e: unknown, ctx: FailureContext): Promise<Diagnosis>;
  run(d: Diagnosis, fix: FixId, ctx: FailureContext): Promise<FixOutcome>;
  /** URLs the top-up fix opened (recorded, not opened, until `recordOnly(false)`), request ids copied, notifications offered. */
  record(): {
    readonly opened: readonly string[];
    readonly copied: readonly string[];
    readonly offered: readonly string[];
  };
  /** While on, a URL is only recorded (no browser tab opens during a test run). */
  recordOnly(on: boolean): void;
}

export function fixesTestApi(f: FixesFeature): FixesTestApi {
  const real = f.opener;
  return {
    diagnose: (e, ctx) => f.diagnose(e, ctx),
    run: (d, fix, ctx) => f.run(d, fix, ctx),
    record: () => ({ opened: [...f.record.opened], copied: [...f.record.copied], offered: [...f.offered] }),
    recordOnly: (on) => {
      f.opener = on ? () => Promise.resolve(true) : real;
    },
  };
}
