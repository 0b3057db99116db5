import { ViewIds } from '../../platform/commands';
import { withProgress } from '../../platform/progress';

/** Progress shown on the keys view, where tree actions start. */
export function onKeysView<T>(title: string, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return withProgress({ title, where: { viewId: ViewIds.keys } }, task);
}
