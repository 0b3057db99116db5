/**
 * "Compare models": two to four models (of any connections) side by side in one panel — kind, features, input
 * modalities, context and output limits, every price, the name Cursor needs on gateways with that rule, and what a
 * request of the user's own typical size costs on each. Models are chosen with "Compare Models…" or added one by one
 * with "Add to Comparison" on a model row. Nothing is fetched until a command runs.
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import type { ModelInfo } from '../../core/types';
import type { ActivityService } from '../../platform/activity';
import { CommandIds, registerCommand } from '../../platform/commands';
import type { ConnectionStore } from '../../platform/connections';
import { userMessage } from '../../platform/errors';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import { badArgument } from '../../platform/pickers';
import type { Prompter } from '../../platform/prompter';
import {
  COMPARE_MAX,
  type CompareInbound,
  type CompareOutbound,
  type CompareState,
  comparePanelStateSchema,
} from '../../webview/compareProtocol';
import type { WebviewHost } from '../../webview/host';
import { type CompareArgs, modelRefsOf } from './args';
import type { ComparePanel } from './panel';
import type { CompareLabels, ModelRef } from './state';
import type { RequestSize, TypicalRequest } from './typical';
import type * as Lazy from './lazy';

export const COMPARE_VIEW_TYPE = 'aiGateway.compareModels';

/** What the feature needs; the labels are how a kind and a feature are named (the Models view's words). */
export interface CompareDeps extends CompareLabels {
  readonly extensionUri: vscode.Uri;
  readonly store: ConnectionStore;
  readonly log: Logger;
  readonly activity: ActivityService;
  readonly prompts: { readonly ui: Prompter };
  /** The models of a connection (the Models view's cached list). */
  readonly models: (connectionId: string) => Promise<readonly ModelInfo[]>;
  /** The user's recent chat requests, newest first. */
  readonly recentRequests: () => Promise<readonly RequestSize[]>;
}

export class CompareFeature extends Disposable {
  private selection: ModelRef[] = [];
  private view: ComparePanel | undefined;
  private code: Promise<typeof Lazy> | undefined;
  private readonly log: Logger;

  constructor(private readonly deps: CompareDeps) {
    super();
    this.log = deps.log.child('compare');
    this._register(
      registerCommand(
        CommandIds.compareModels,
        async () => {
          deps.activity.note();
          await this.choose();
        },
        this.log,
      ),
    );
    // a Models view row (or, with several selected, the row and the selection); none from the palette: the chooser
    this._register(
      registerCommand(
        CommandIds.addModelToComparison,
        async (...args: CompareArgs) => {
          deps.activity.note();
          const refs = modelRefsOf(args);
          if (refs === 'bad') throw badArgument();
          if (refs.length === 0) await this.choose();
          else await this.addAll(refs);
        },
        this.log,
      ),
    );
    // after a reload VS Code gives the panel back with the models it compared (onWebviewPanel:aiGateway.compareModels)
    this._register(
      vscode.window.registerWebviewPanelSerializer(COMPARE_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state) => {
          await this.restore(panel, state);
        },
      }),
    );
  }

  /** The models compared now. */
  get models(): readonly ModelRef[] {
    return this.selection;
  }

  /** The state last sent to the panel (the test API reads it). */
  get state(): CompareState | undefined {
    return this.view?.state;
  }

  /** The request size the typical cost is for (read when the panel opens). */
  get typicalRequest(): TypicalRequest | undefined {
    return this.view?.typicalRequest;
  }

  get panelHost(): WebviewHost<CompareInbound, CompareOutbound> | undefined {
    return this.view?.host;
  }

  /** Adds one model (the oldest goes when four are compared already) and shows the panel. */
  add(ref: ModelRef): Promise<void> {
    return this.addAll([ref]);
  }

  /** Adds models in turn (the oldest go beyond four, each said once) and shows the panel. */
  async addAll(refs: readonly ModelRef[]): Promise<void> {
    const next = [...this.selection];
    for (const ref of refs) if (!next.some((s) => same(s, ref))) next.push(ref);
    const dropped = next.splice(0, Math.max(0, next.length - COMPARE_MAX));
    if (dropped.length)
      this.deps.prompts.ui.info(
        vscode.l10n.t(
          'At most {0} models are compared: {1} was taken out.',
          COMPARE_MAX,
          dropped.map((d) => d.modelId).join(', '),
        ),
      );
    await this.open(next);
  }

  /** Compares exactly these models (2–4 from the picker, or what "Add to Comparison" gathered). */
  async open(refs: readonly ModelRef[], restored?: vscode.WebviewPanel): Promise<void> {
    this.selection = refs.slice(0, COMPARE_MAX);
    const view = await this.panel();
    view.show(restored);
    await view.update();
  }

  /** A panel VS Code restored: a valid state's models are compared again; anything else is closed. */
  async restore(panel: vscode.WebviewPanel, state: unknown): Promise<boolean> {
    const r = comparePanelStateSchema.safeParse(state);
    if (!r.success || this.view?.host.isOpen) {
      this.log.debug('a restored Compare Models panel had no valid state (or one is open already); closed');
      panel.dispose();
      return false;
    }
    await this.open(r.data.models, panel);
    return true;
  }

  /** The panel, its code loaded on first use (dist/compare-lazy.js). */
  private async panel(): Promise<ComparePanel> {
    if (this.view) return this.view;
    const { ComparePanel } = await (this.code ??= import('./lazy'));
    this.view ??= this._register(
      new ComparePanel(this.deps, this.log, {
        selection: () => this.selection,
        remove: async (index) => {
          this.selection = this.selection.filter((_, i) => i !== index);
          await this.view?.update();
        },
        choose: () => this.choose(),
      }),
    );
    return this.view;
  }

  /** Picks 2–4 models among every connection's, the current ones chosen. */
  async choose(): Promise<void> {
    const ui = this.deps.prompts.ui;
    const profiles = this.deps.store.list();
    if (profiles.length === 0) {
      ui.info(vscode.l10n.t('Add a gateway connection first: its models can then be compared.'));
      return;
    }
    const lists = await ui.progress(vscode.l10n.t('Listing the models…'), 'window', () =>
      Promise.all(
        profiles.map(async (p) => {
          try {
            return { p, models: await this.deps.models(p.id) };
          } catch (e) {
            this.log.warn(`models of "${p.label}" not listed for the comparison:`, e);
            return { p, models: [] as readonly ModelInfo[], error: userMessage(e) };
          }
        }),
      ),
    );
    const items = lists.flatMap(({ p, models, error }) => [
      { id: `sep:${p.id}`, label: p.label, separator: true },
      ...(error ? [{ id: `err:${p.id}`, label: vscode.l10n.t('$(error) {0}', error), separator: true }] : []),
      ...models.map((m) => ({
        id: JSON.stringify([p.id, m.id]),
        label: m.id,
        description: p.label,
        picked: this.selection.some((s) => s.connectionId === p.id && s.modelId === m.id),
      })),
    ]);
    let validationMessage: string | undefined;
    for (;;) {
      const r = await ui.pick({
        id: 'compare',
        title: vscode.l10n.t('Compare Models'),
        canGoBack: false,
        canPickMany: true,
        placeholder: vscode.l10n.t('Choose 2 to 4 models to compare'),
        items,
        ...(validationMessage ? { validationMessage } : {}),
      });
      if (r.kind !== 'value') return;
      const refs = r.value.flatMap((id) => {
        const parsed = z.tuple([z.string(), z.string()]).safeParse(JSON.parse(id));
        return parsed.success ? [{ connectionId: parsed.data[0], modelId: parsed.data[1] }] : [];
      });
      if (refs.length >= 2 && refs.length <= COMPARE_MAX) {
        await this.open(refs);
        return;
      }
      validationMessage = vscode.l10n.t(
        'Choose at least 2 and at most {0} models (you chose {1}).',
        COMPARE_MAX,
        refs.length,
      );
    }
  }
}

function same(a: ModelRef, b: ModelRef): boolean {
  return a.connectionId === b.connectionId && a.modelId === b.modelId;
}
