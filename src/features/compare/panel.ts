/**
 * The "Compare models" panel (a bundle of its own, dist/compare-lazy.js, loaded when the panel first opens or is
 * restored): the webview host, and the state built from the compared models' catalogue entries and the typical
 * request (read once per opening). The feature owns the selection; the panel asks it for changes.
 */
import * as vscode from 'vscode';
import type { ModelInfo } from '../../core/types';
import { describeKind } from '../../gateway';
import { userMessage } from '../../platform/errors';
import { Disposable } from '../../platform/lifecycle';
import type { Logger } from '../../platform/logger';
import {
  type CompareInbound,
  type CompareOutbound,
  type ComparePanelState,
  type CompareState,
  compareInboundSchema,
} from '../../webview/compareProtocol';
import { escapeHtml, WebviewHost } from '../../webview/host';
import { COMPARE_VIEW_TYPE, type CompareDeps } from './index';
import { type ColumnDraft, compareColumn, compareState, type ModelRef } from './state';
import { type RequestSize, type TypicalRequest, typicalRequest } from './typical';

/** What the panel asks of the feature: the selection, and the changes its page asks for. */
export interface ComparePanelOwner {
  selection(): readonly ModelRef[];
  remove(index: number): Promise<void>;
  choose(): Promise<void>;
}

export class ComparePanel extends Disposable {
  readonly host: WebviewHost<CompareInbound, CompareOutbound>;
  private last: CompareState | undefined;
  private typical: TypicalRequest | undefined;

  constructor(
    private readonly deps: CompareDeps,
    private readonly log: Logger,
    private readonly owner: ComparePanelOwner,
  ) {
    super();
    this.host = this._register(
      new WebviewHost<CompareInbound, CompareOutbound>(deps.extensionUri, {
        ui: 'compare',
        schema: compareInboundSchema,
        log,
        handlers: {
          ready: () => this.post(),
          remove: (m) => owner.remove(m.index),
          choose: () => owner.choose(),
        },
        // after a reload the panel compares the same models again (ids only)
        keep: (m): ComparePanelState => ({
          models: m.state.columns.map((c) => ({ connectionId: c.connectionId, modelId: c.modelId })),
        }),
      }),
    );
  }

  get state(): CompareState | undefined {
    return this.last;
  }

  get typicalRequest(): TypicalRequest | undefined {
    return this.typical;
  }

  /** Shows the panel (a new one, `restored` after a reload, or the open one without taking the focus). */
  show(restored?: vscode.WebviewPanel): void {
    this.typical = undefined;
    const title = vscode.l10n.t('Compare Models');
    const body = `<main id="app"><p>${escapeHtml(vscode.l10n.t('Loading…'))}</p></main>`;
    if (restored) this.host.attach(restored, title, body);
    else if (this.host.isOpen)
      // shown without taking the focus: models are added from the Models view one after another
      this.host.panel?.reveal(undefined, true);
    else this.host.create(COMPARE_VIEW_TYPE, title, body);
  }

  private post(): void {
    if (this.last) this.host.post({ type: 'state', state: this.last });
  }

  /** Reads what is needed (the models, the typical request once per opening) and sends the state. */
  async update(): Promise<void> {
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
    for (const ref of this.owner.selection()) {
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
