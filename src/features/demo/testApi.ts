/** What the integration tests reach of the demo gateway through the extension's test API. */
import type { DemoFeature } from './index';

export interface DemoTestApi {
  /** Adds the demo connections from a JSON string like AI_GATEWAY_CONSOLE_DEMO (connect), or reads the parsed settings. */
  readonly demo: Pick<DemoFeature, 'connect' | 'config' | 'available'>;
}

export function demoTestApi(demo: DemoFeature): DemoTestApi {
  return { demo };
}
