/** What the integration tests reach of the status bar through the extension's test API. */
import type { StatusBarController } from './statusBar';

export interface StatusTestApi {
  /** The status bar item: what it shows (snapshot), a refresh, and waiting for the one in flight. */
  readonly status: Pick<StatusBarController, 'snapshot' | 'refresh' | 'settled' | 'activeConnection' | 'budgets'>;
}

export function statusTestApi(status: StatusBarController): StatusTestApi {
  return { status };
}
