/**
 * The request log feature: "Show Requests" on a key row of the Gateways view (the log filtered to that key) and
 * "Show Request Log" on a connection or from the palette (every key). One panel per connection, revealed and
 * re-filtered when already open. Which connections have no request log (a probe answered 404) is remembered for
 * the session, so the quiet line is said without asking the gateway again.
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
import type { FilterChoices, KeyChoice } from '../../webview/requestsProtocol';
import { type ExportTarget, dialogExportTarget } from './exporter';
import { RequestsPanel } from './panel';

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

export class RequestsFeature extends Disposable {
  private readonly panels = new Map<string, RequestsPanel>();
  private readonly absent = new Map<string, string>();
  private exportTarget: ExportTarget = dialogExportTarget;

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
    const filter: FilterChoices = key ? { ...DEFAULT_FILTER, keyId: key.id } : DEFAULT_FILTER;
    const panel = new RequestsPanel(
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
      () => this.exportTarget,
    );
    this.panels.set(connectionId, panel);
    panel.onDidDispose(() => {
      if (this.panels.get(connectionId) === panel) this.panels.delete(connectionId);
    });
    panel.show();
    return panel;
  }

  panel(connectionId: string): RequestsPanel | undefined {
    return this.panels.get(connectionId);
  }

  /** Where exports go (undefined: the save dialog and notifications again). */
  setExportTarget(target: ExportTarget | undefined): void {
    this.exportTarget = target ?? dialogExportTarget;
  }
}
