/**
 * The request log feature: "Show Requests" on a key row of the Gateways view (the log filtered to that key) and
 * "Show Request Log" on a connection or from the palette (every key). One panel per connection, revealed and
 * re-filtered when already open. Which connections have no request log (a probe answered 404) is remembered for
 * the session, so the quiet line is said without asking the gateway again. The panel's code (the log, its filters and
 * exports) is a bundle of its own (`import('./lazy')` → dist/requests-lazy.js), loaded when the first log opens.
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import { connectionIdSchema, keyIdSchema } from '../../core/ids';
import { CommandIds, registerCommand } from '../../platform/commands';
import type { ActivityService } from '../../platform/activity';
import type { ConnectionStore } from '../../platform/connections';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import { badArgument, parseConnectionArg, pickConnection } from '../../platform/pickers';
import {
  type FilterChoices,
  type KeyChoice,
  filterChoicesSchema,
  requestSortKeySchema,
} from '../../webview/requestsProtocol';
import type { ExportTarget } from './exporter';
import type { RequestsPanel } from './panel';
import type * as Lazy from './lazy';

export interface RequestsFeatureDeps {
  readonly context: vscode.ExtensionContext;
  readonly store: ConnectionStore;
  readonly log: Logger;
  readonly activity: ActivityService;
}

/** A key row of the tree (or any `{connectionId, keyId}`), with the key's name when the row carries it. */
const keyArgSchema = z.object({
  connectionId: connectionIdSchema,
  keyId: keyIdSchema,
  key: z.object({ name: z.string().max(512) }).optional(),
});

const DEFAULT_FILTER: FilterChoices = { range: { preset: '7d' } };

export const REQUESTS_VIEW_TYPE = 'aiGateway.requests';

/**
 * What VS Code keeps for a request log across a reload (the page's setState → the serializer): the connection, the
 * filter (with the filtered key's name, shown before the key list is read) and the order. The log reopens at its
 * first page: new requests arrive at the top, so a page number would show other rows.
 */
const keptLogSchema = z.object({
  connectionId: connectionIdSchema,
  filter: filterChoicesSchema,
  key: z.object({ id: keyIdSchema, name: z.string().max(512) }).optional(),
  sort: z.object({ key: requestSortKeySchema, dir: z.enum(['asc', 'desc']) }),
});
export type KeptLog = z.infer<typeof keptLogSchema>;

export function keptLog(
  connectionId: string,
  filter: FilterChoices,
  keys: readonly KeyChoice[],
  sort: KeptLog['sort'],
): KeptLog {
  const key = keys.find((k) => k.id === filter.keyId);
  return { connectionId, filter, ...(key ? { key: { id: key.id, name: key.name } } : {}), sort };
}

export class RequestsFeature extends Disposable {
  private readonly panels = new Map<string, RequestsPanel>();
  private readonly absent = new Map<string, string>();
  /** Where exports go; undefined: the save dialog and notifications. */
  private exportTarget: ExportTarget | undefined;
  private code: Promise<typeof Lazy> | undefined;

  constructor(private readonly deps: RequestsFeatureDeps) {
    super();
    const { store, log, activity } = deps;
    this._register(
      registerCommand(
        CommandIds.showKeyRequests,
        async (arg?: unknown) => {
          if (arg === undefined) {
            const id = (await pickConnection(store, vscode.l10n.t("Which connection's requests?")))?.id;
            if (id) await this.open(id);
            return;
          }
          const r = keyArgSchema.safeParse(arg);
          if (!r.success) throw badArgument();
          const { connectionId, keyId } = r.data;
          const name = r.data.key?.name ?? (await store.gateway(connectionId).getKey(keyId)).name;
          await this.open(connectionId, { id: keyId, name });
          activity.note();
        },
        log,
      ),
    );
    this._register(
      registerCommand(
        CommandIds.showRequests,
        async (arg?: unknown) => {
          let id = parseConnectionArg(arg);
          if (!id) id = (await pickConnection(store, vscode.l10n.t("Which connection's requests?")))?.id;
          if (!id) return;
          await this.open(id);
          activity.note();
        },
        log,
      ),
    );
    // after a reload VS Code gives the logs back (activation event onWebviewPanel:aiGateway.requests)
    this._register(
      vscode.window.registerWebviewPanelSerializer(REQUESTS_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state) => {
          await this.restore(panel, state);
        },
      }),
    );
    // a removed connection closes its log; an edited one may be another gateway: probe it again
    this._register(
      store.onDidChange(() => {
        for (const [id, p] of this.panels) if (!store.get(id)) p.close();
        for (const key of [...this.absent.keys()]) if (!this.fingerprintIs(key)) this.absent.delete(key);
      }),
    );
    this._register({
      dispose: () => {
        for (const p of [...this.panels.values()]) p.close();
      },
    });
  }

  private fingerprint(connectionId: string): string {
    const p = this.deps.store.get(connectionId);
    return p ? `${connectionId}|${p.kind}|${p.baseUrl}` : connectionId;
  }

  private fingerprintIs(key: string): boolean {
    const id = key.split('|')[0] ?? '';
    return this.fingerprint(id) === key;
  }

  /** Opens (or reveals) a connection's log, filtered to `key` (or every key). */
  async open(connectionId: string, key?: KeyChoice): Promise<RequestsPanel> {
    this.deps.store.require(connectionId);
    const existing = this.panels.get(connectionId);
    if (existing) {
      existing.reveal();
      void existing.showKey(key);
      return existing;
    }
    const code = await (this.code ??= import('./lazy'));
    const again = this.panels.get(connectionId);
    if (again) {
      again.reveal();
      void again.showKey(key);
      return again;
    }
    const filter: FilterChoices = key ? { ...DEFAULT_FILTER, keyId: key.id } : DEFAULT_FILTER;
    return this.adopt(code, connectionId, filter, key);
  }

  /** A panel VS Code restored: a valid state naming a known connection gets its log back; anything else is closed. */
  async restore(restored: vscode.WebviewPanel, state: unknown): Promise<RequestsPanel | undefined> {
    const r = keptLogSchema.safeParse(state);
    const usable = () =>
      r.success && !!this.deps.store.get(r.data.connectionId) && !this.panels.has(r.data.connectionId);
    const code = usable() ? await (this.code ??= import('./lazy')) : undefined;
    if (!code || !r.success || !usable()) {
      this.deps.log.debug('requests: a restored panel had no valid state (or its connection is gone); closed');
      restored.dispose();
      return undefined;
    }
    const { connectionId, filter, key, sort } = r.data;
    const panel = this.adopt(code, connectionId, filter, key, restored);
    // the order, as the page asks for it (kept for every page read after)
    await panel.router.handle({ type: 'sort', key: sort.key, dir: sort.dir });
    return panel;
  }

  private adopt(
    code: typeof Lazy,
    connectionId: string,
    filter: FilterChoices,
    key: KeyChoice | undefined,
    restored?: vscode.WebviewPanel,
  ): RequestsPanel {
    const panel = new code.RequestsPanel(
      connectionId,
      filter,
      key,
      this.deps.context.extensionUri,
      this.deps.store,
      this.deps.log,
      {
        absent: (id) => this.absent.get(this.fingerprint(id)),
        markAbsent: (id, message) => this.absent.set(this.fingerprint(id), message),
      },
      () => this.exportTarget ?? code.dialogExportTarget,
    );
    this.panels.set(connectionId, panel);
    panel.onDidDispose(() => {
      if (this.panels.get(connectionId) === panel) this.panels.delete(connectionId);
    });
    panel.show(restored);
    return panel;
  }

  panel(connectionId: string): RequestsPanel | undefined {
    return this.panels.get(connectionId);
  }

  /** Where exports go (undefined: the save dialog and notifications again). */
  setExportTarget(target: ExportTarget | undefined): void {
    this.exportTarget = target;
  }
}
