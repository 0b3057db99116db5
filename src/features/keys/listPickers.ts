/**
 * KeyListPickers: how the user shapes a connection's key list — type-to-filter with status and model lines, the
 * order (only those the gateway has data for, "within the N loaded" while pages remain), load all (with progress and
 * Cancel) and load more. Tests type into `openFilter` and pick a line, as a user would.
 */
import * as vscode from 'vscode';
import type { ModelInfo } from '../../core/types';
import type { ConnectionStore } from '../../platform/connections';
import { DISPLAY_STATUSES, type DisplayStatus, type KeyFilter, type KeySort, isFilterActive } from './logic';
import { describeFilter, sortLabel, statusLabel } from './labels';
import type { KeysTree } from './tree';
import { onKeysView } from './keyAccess';

export interface KeyListPickersDeps {
  readonly store: ConnectionStore;
  readonly tree: KeysTree;
}

export class KeyListPickers {
  /** The filter input while it is open: tests type into it and pick a line, as a user would. */
  openFilter: { type(text: string): void; accept(id: 'name' | 'status' | 'model' | 'clear'): void } | undefined;

  constructor(private readonly deps: KeyListPickersDeps) {}

  private label(connectionId: string): string {
    return this.deps.store.require(connectionId).label;
  }

  /**
   * Type-to-filter: what is typed filters the keys by name as it is typed (the loaded keys at once; a gateway that
   * searches is asked once typing pauses); the lines below choose a status or a model, or clear the filter. Enter or
   * Escape keeps what is shown. Resolves the new filter, or undefined when a sub-step was cancelled.
   */
  async pickFilter(connectionId: string): Promise<KeyFilter | undefined> {
    const tree = this.deps.tree;
    const current = tree.filterOf(connectionId) ?? {};
    const searches = this.deps.store.gateway(connectionId).capabilities.searchKeys;
    type Choice = vscode.QuickPickItem & { id: 'name' | 'status' | 'model' | 'clear' };
    const qp = vscode.window.createQuickPick<Choice>();
    qp.title = vscode.l10n.t('Filter the keys of {0}', this.label(connectionId));
    qp.placeholder = searches
      ? vscode.l10n.t('Type to filter by name (searched on the gateway), or pick a line below')
      : vscode.l10n.t('Type to filter the loaded keys by name, or pick a line below');
    qp.value = current.name ?? '';
    let name = current.name;
    const render = (): void => {
      const typed = qp.value.trim();
      const f = tree.filterOf(connectionId) ?? {};
      qp.items = [
        {
          id: 'name',
          label: `$(search) ${typed ? vscode.l10n.t('Name contains "{0}"', typed) : vscode.l10n.t('Any name')}`,
          alwaysShow: true,
        },
        {
          id: 'status',
          label: `$(circle-large-outline) ${vscode.l10n.t('Status…')}`,
          description: f.status ? statusLabel(f.status) : '',
          alwaysShow: true,
        },
        {
          id: 'model',
          label: `$(symbol-misc) ${vscode.l10n.t('Model allowed…')}`,
          description: f.model ?? '',
          alwaysShow: true,
        },
        ...(isFilterActive(f)
          ? [
              {
                id: 'clear' as const,
                label: `$(clear-all) ${vscode.l10n.t('Clear Filter')}`,
                description: describeFilter(f),
                alwaysShow: true,
              },
            ]
          : []),
      ];
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const apply = (): void => {
      const typed = qp.value.trim() || undefined;
      if (typed === name) return;
      name = typed;
      tree.setFilter(connectionId, cleanFilter({ ...(tree.filterOf(connectionId) ?? {}), name: typed }));
      render();
    };
    const typing = (): void => {
      if (timer) clearTimeout(timer);
      // the loaded keys filter at once; a gateway search waits for a pause in typing (one request, not one per key)
      timer = setTimeout(apply, searches ? 350 : 0);
    };
    render();
    const subs: vscode.Disposable[] = [];
    const picked = await new Promise<Choice['id'] | undefined>((resolve) => {
      subs.push(
        qp.onDidChangeValue(typing),
        qp.onDidAccept(() => resolve(qp.activeItems[0]?.id ?? 'name')),
        qp.onDidHide(() => resolve(undefined)),
      );
      this.openFilter = {
        type: (text) => {
          qp.value = text;
          typing();
        },
        accept: (id) => resolve(id),
      };
      qp.show();
    });
    this.openFilter = undefined;
    for (const d of subs) d.dispose();
    if (timer) clearTimeout(timer);
    apply();
    qp.hide();
    qp.dispose();
    if (picked === undefined || picked === 'name') return tree.filterOf(connectionId) ?? {};
    if (picked === 'clear') {
      tree.setFilter(connectionId, undefined);
      return {};
    }
    const base = tree.filterOf(connectionId) ?? {};
    let next: KeyFilter = { ...base };
    switch (picked) {
      case 'status': {
        const items = [
          { label: vscode.l10n.t('Any status'), status: undefined as DisplayStatus | undefined },
          ...DISPLAY_STATUSES.map((s) => ({ label: statusLabel(s), status: s })),
        ];
        const s = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Filter by status') });
        if (!s) return undefined;
        next = { ...next, status: s.status };
        break;
      }
      case 'model': {
        const models = await onKeysView(vscode.l10n.t('Reading the models…'), (signal) =>
          this.deps.store.gateway(connectionId).listModels({ signal }),
        ).catch(() => [] as readonly ModelInfo[]);
        let model: string | undefined;
        if (models.length) {
          const any = { label: vscode.l10n.t('Any model'), id: undefined as string | undefined };
          const m = await vscode.window.showQuickPick(
            [any, ...models.map((x) => ({ label: x.id, description: x.vendor, id: x.id }))],
            {
              title: vscode.l10n.t('Keys allowed to call…'),
              matchOnDescription: true,
            },
          );
          if (!m) return undefined;
          model = m.id;
        } else {
          const v = await vscode.window.showInputBox({
            title: vscode.l10n.t('Keys allowed to call…'),
            prompt: vscode.l10n.t('A model id, e.g. gpt-4o-mini'),
            value: base.model ?? '',
          });
          if (v === undefined) return undefined;
          model = v.trim() || undefined;
        }
        next = { ...next, model };
        break;
      }
    }
    const clean = cleanFilter(next);
    tree.setFilter(connectionId, clean);
    return clean;
  }

  /**
   * The orders offered for a connection, each with what it covers: where only some pages are loaded, an order says it
   * applies "within the N loaded" unless the gateway reads its list in that order.
   */
  sortChoices(connectionId: string): Array<vscode.QuickPickItem & { order: KeySort }> {
    const tree = this.deps.tree;
    const current = tree.sortOf(connectionId);
    const { loaded, total, hasMore } = tree.loadedState(connectionId);
    const within = hasMore
      ? total !== undefined
        ? vscode.l10n.t('within the {0} of {1} keys loaded', loaded, total)
        : vscode.l10n.t('within the {0} keys loaded', loaded)
      : '';
    return tree.sortsFor(connectionId).map((o) => ({
      label: sortLabel(o),
      description: [o === current ? vscode.l10n.t('current') : '', tree.sortCoversAll(connectionId, o) ? '' : within]
        .filter(Boolean)
        .join(' · '),
      order: o,
    }));
  }

  /** Asks for an order (see sortChoices); while pages remain, a last item loads every page first (progress, Cancel). */
  async pickSort(connectionId: string): Promise<KeySort | undefined> {
    const tree = this.deps.tree;
    const current = tree.sortOf(connectionId);
    const { hasMore } = tree.loadedState(connectionId);
    type Item = vscode.QuickPickItem & { order: KeySort; all?: boolean };
    const items: Item[] = this.sortChoices(connectionId);
    if (hasMore) {
      items.push({ label: '', kind: vscode.QuickPickItemKind.Separator, order: 'server' });
      items.push({
        label: `$(cloud-download) ${vscode.l10n.t('Load all keys, then sort…')}`,
        order: current,
        all: true,
        detail: vscode.l10n.t("Reads every page of the gateway's list (with progress and Cancel)."),
      });
    }
    const pick = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Sort the keys of {0}', this.label(connectionId)),
      placeHolder: hasMore
        ? vscode.l10n.t('The gateway lists keys in its own order: another order sorts the keys loaded so far')
        : vscode.l10n.t('Sort by…'),
    });
    if (!pick) return undefined;
    if (pick.all) {
      const complete = await this.loadAll(connectionId);
      if (!complete) return undefined;
      return this.pickSort(connectionId);
    }
    await tree.setSort(connectionId, pick.order);
    return pick.order;
  }

  /**
   * Reads every remaining page of a connection's keys, with progress and Cancel in a notification; what was read
   * stays when it is cancelled. Resolves whether every page was read.
   */
  async loadAll(connectionId: string): Promise<boolean> {
    const tree = this.deps.tree;
    const label = this.label(connectionId);
    return vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Loading every key of {0}', label),
        cancellable: true,
      },
      async (progress, token) => {
        const ac = new AbortController();
        const sub = token.onCancellationRequested(() => ac.abort());
        let last = 0;
        try {
          await tree.loadAll(
            connectionId,
            (loaded, total) => {
              const increment = total ? ((loaded - last) / total) * 100 : undefined;
              last = loaded;
              progress.report({
                message: total !== undefined ? vscode.l10n.t('{0} of {1}', loaded, total) : String(loaded),
                ...(increment !== undefined ? { increment } : {}),
              });
            },
            ac.signal,
          );
        } finally {
          sub.dispose();
        }
        const { hasMore } = tree.loadedState(connectionId);
        if (hasMore)
          vscode.window.setStatusBarMessage(
            vscode.l10n.t('Stopped: {0} keys of {1} are loaded.', tree.loadedState(connectionId).loaded, label),
            5000,
          );
        return !hasMore;
      },
    );
  }

  /** Load more, with progress on the view. */
  loadMore(connectionId: string): Promise<void> {
    return onKeysView(vscode.l10n.t('Loading more keys…'), () => this.deps.tree.loadMore(connectionId));
  }
}

/** A filter without its empty criteria. */
function cleanFilter(f: KeyFilter): KeyFilter {
  return {
    ...(f.name ? { name: f.name } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(f.model ? { model: f.model } : {}),
  };
}
