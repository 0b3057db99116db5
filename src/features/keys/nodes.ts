/**
 * The nodes of the keys tree (view `aiGateway.connections`): one per connection, its keys, "Load more…", a message
 * row, and an invalid settings entry. Plain objects without 'vscode': the state (state.ts) keeps them stable across
 * renders, the tree (tree.ts) turns them into TreeItems (items.ts).
 */
import type { ApiKey } from '../../core/types';
import type { ConnectionProfile, InvalidConnection } from '../../platform/profiles';

export class ConnectionNode {
  readonly type = 'connection' as const;
  constructor(
    readonly connectionId: string,
    public profile: ConnectionProfile,
  ) {}
}

export class KeyNode {
  readonly type = 'key' as const;
  constructor(
    readonly connectionId: string,
    readonly keyId: string,
    public key: ApiKey,
    readonly parent: ConnectionNode,
  ) {}
}

export class LoadMoreNode {
  readonly type = 'loadMore' as const;
  constructor(
    readonly connectionId: string,
    readonly parent: ConnectionNode,
    readonly remaining?: number,
  ) {}
}

/** Why a connection could not list its keys. */
export type LoadErrorKind = 'tokenRejected' | 'noToken' | 'secretStorage' | 'error' | 'cancelled';

/**
 * A message row: a failure (LoadErrorKind; above the rows read before, which stay marked stale), no keys / no match,
 * the active filter, a failed later page, a read still under way (with Cancel), a sort over only the loaded pages
 * (with Load all).
 */
export type MessageKind =
  LoadErrorKind | 'empty' | 'noMatch' | 'filter' | 'moreError' | 'searchTruncated' | 'loading' | 'partialSort';

export class MessageNode {
  readonly type = 'message' as const;
  constructor(
    readonly connectionId: string,
    readonly parent: ConnectionNode,
    readonly kind: MessageKind,
    readonly message: string,
  ) {}
}

/** An entry of `aiGateway.connections` that breaks the rules: shown with what is wrong, never used. */
export class InvalidConnectionNode {
  readonly type = 'invalid' as const;
  /** For the menus (Remove Connection): the entry's id when it has a usable one. */
  readonly connectionId: string | undefined;
  constructor(readonly entry: InvalidConnection) {
    this.connectionId = entry.id;
  }
}

export type KeysNode = ConnectionNode | KeyNode | LoadMoreNode | MessageNode | InvalidConnectionNode;
