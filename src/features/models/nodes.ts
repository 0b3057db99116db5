/**
 * The node types of the "Models" view: a connection, a vendor group, a model, a message row (an error with a retry,
 * or an empty list) and the filter row. Plain data; commands read `connectionId` and `modelId` from them.
 */
import type { ModelInfo } from '../../core/types';

export class ModelsConnectionNode {
  readonly kind = 'connection' as const;
  constructor(readonly connectionId: string) {}
}

export class VendorNode {
  readonly kind = 'vendor' as const;
  constructor(
    readonly connectionId: string,
    readonly vendor: string,
    readonly models: readonly ModelInfo[],
    readonly total: number,
  ) {}
}

export class ModelNode {
  readonly kind = 'model' as const;
  /** Commands read `connectionId` + `modelId` from the node. */
  readonly modelId: string;
  constructor(
    readonly connectionId: string,
    readonly model: ModelInfo,
  ) {
    this.modelId = model.id;
  }
}

export class ModelsMessageNode {
  readonly kind = 'message' as const;
  constructor(
    readonly connectionId: string,
    readonly message: string,
    readonly isError: boolean,
  ) {}
}

/** The first row while the view is filtered or sorted: what applies, and a click clears it. */
export class ModelsFilterNode {
  readonly kind = 'filter' as const;
  constructor(readonly text: string) {}
}

export type ModelsTreeNode = ModelsConnectionNode | VendorNode | ModelNode | ModelsMessageNode | ModelsFilterNode;
