import type { SimEnv } from './http-util';
import type { Rng } from './rng';
import type { AihubmixDialect, SimulatorState, Variants } from './types';

/** What a gateway implementation gets from the simulator. */
export interface Core extends SimEnv {
  readonly state: SimulatorState;
  readonly variants: Variants;
  readonly seed: number;
  /** The live PRNG for secrets and ids created at run time (restored by reset()). */
  readonly liveRng: Rng;
  /** A monotonically increasing number (request ids, chat ids). */
  counter(): number;
  /** The management API the AIHubMix port speaks. */
  readonly aihubmixDialect: AihubmixDialect;
  /** new-api dialect: `New-Api-User` required on management calls. */
  readonly requireNewApiUser: boolean;
}
