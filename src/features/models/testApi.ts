/** What the integration tests reach of the Models feature through the extension's test API: its tree provider. */
import type { ModelsFeature } from './index';
import type { ModelsTreeProvider } from './tree';

export interface ModelsTestApi {
  /** The Models tree (getChildren / getTreeItem, filters, the cache). */
  readonly models: ModelsTreeProvider;
}

export function modelsTestApi(models: ModelsFeature): ModelsTestApi {
  return { models: models.provider };
}
