/**
 * "Compare models": two to four models (of any connections) side by side in one panel — kind, features, input
 * modalities, context and output limits, every price, the name Cursor needs on gateways with that rule, and what a
 * request of the user's own typical size costs on each. Models are chosen with "Compare Models…" or added one by one
 * with "Add to Comparison" on a model row. Nothing is fetched until a command runs.
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import { connectionIdSchema } from '../../core/ids';
import type { ModelInfo } from '../../core/types';
import { describeKind } from '../../gateway';
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
  compareInboundSchema,
} from '../../webview/compareProtocol';
import { escapeHtml, WebviewHost } from '../../webview/host';
import { type ColumnDraft, compareColumn, type CompareLabels, compareState, type ModelRef } from './state';
import { type RequestSize, type TypicalRequest, typicalRequest } from './typical';

export const COMPARE_VIEW_TYPE = 'aiGateway.compareModels';

const modelRefSchema = z.object({ connectionId: connectionIdSchema, modelId: z.string().min(1).max(256) });

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
  private host: WebviewHost<CompareInbound, CompareOutbound> | undefined;
  private last: CompareState | undefined;
  private typical: TypicalRequest | undefined;
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
    this._register(
      registerCommand(
        CommandIds.addModelToComparison,
        async (arg) => {
          deps.activity.note();
          const r = modelRefSchema.safeParse(arg);
          if (!r.success) throw badArgument();
          await this.add(r.data);
        },
        this.log,
      ),
    );
  }

  /** The models compared now. */
  get models(): readonly ModelRef[] {
    return this.selection;
  }

  /** The state last sent to the panel (the test API reads it). */
  get state(): CompareState | undefined {
    return this.last;
  }

  /** The request size the typical cost is for (read when the panel opens). */
  get typicalRequest(): TypicalRequest | undefined {
    return this.typical;
  }

  get panelHost(): WebviewHost<CompareInbound, CompareOutbound> | undefined {
    return this.host;
  }

  /** Adds one model (the oldest goes when four are compared already) and shows the panel. */
  async add(ref: ModelRef): Promise<void> {
    if (this.selection.some((s) => same(s, ref))) {
      await this.open(this.selection);
      return;
    }
    const next = [...this.selection, ref];
    if (next.length > COMPARE_MAX) {
      const dropped = next.shift()!;
      this.deps.prompts.ui.info(
        vscode.l10n.t('At most {0} models are compared: {1} was taken out.', COMPARE_MAX, dropped.modelId),
      );
    }
    await this.open(next);
  }

  /** Compares exactly these models (2–4 from the picker, or what "Add to Comparison" gathered). */
  async open(refs: readonly ModelRef[]): Promise<void> {
    this.selection = refs.slice(0, COMPARE_MAX);
    this.typical = undefined;
    this.ensurePanel();
    await this.update();
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

  private ensurePanel(): void {
    if (this.host?.isOpen) {
      // shown without taking the focus: models are added from the Models view one after another
      this.host.panel?.reveal(undefined, true);
      return;
    }
    this.host ??= this._register(
      new WebviewHost<CompareInbound, CompareOutbound>(this.deps.extensionUri, {
        ui: 'compare',
        schema: compareInboundSchema,
        log: this.log,
        handlers: {
          ready: () => this.post(),
          remove: async (m) => {
            this.selection = this.selection.filter((_, i) => i !== m.index);
            await this.update();
          },
          choose: () => this.choose(),
        },
      }),
    );
    const title = vscode.l10n.t('Compare Models');
    this.host.create(COMPARE_VIEW_TYPE, title, `<main id="app"><p>${escapeHtml(vscode.l10n.t('Loading…'))}</p></main>`);
  }

  private post(): void {
    if (this.last) this.host?.post({ type: 'state', state: this.last });
  }

  /** Reads what is needed (the models, the typical request once per opening) and sends the state. */
  private async update(): Promise<void> {
    if (!this.typical) {
      let recent: readonly RequestSize[] = [];
      try {
        recent = await this.deps.recentRequests();
      } catch (e) {
        this.log.warn('recent chat requests not read:', e);
      }
      this.typical = typicalRequest(recent);
    }
    const typical = this.typical;
    const locale = vscode.env.language;
    const columns: ColumnDraft[] = [];
    for (const ref of this.selection) {
      const profile = this.deps.store.get(ref.connectionId);
      let model: ModelInfo | undefined;
      let problem: string | undefined;
      if (profile) {
        try {
          model = (await this.deps.models(ref.connectionId)).find((m) => m.id === ref.modelId);
          if (!model) problem = vscode.l10n.t('{0} no longer lists this model.', profile.label);
        } catch (e) {
          problem = userMessage(e);
        }
      } else problem = vscode.l10n.t('The connection was removed.');
      columns.push(
        compareColumn(
          ref,
          profile?.label ?? '—',
          profile ? describeKind(profile.kind).cursorShortClaudeNames : false,
          model,
          problem,
          typical,
          locale,
          this.deps,
        ),
      );
    }
    this.last = compareState(columns, typical, locale);
    this.post();
  }
}

function same(a: ModelRef, b: ModelRef): boolean {
  return a.connectionId === b.connectionId && a.modelId === b.modelId;
}
