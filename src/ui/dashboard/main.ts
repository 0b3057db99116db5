/**
 * The dashboard webview (browser code). Builds its DOM with textContent only (no HTML from data), posts only the
 * messages of dashboardProtocol (type import: zod stays on the host), keeps the connection id and the UI choices
 * in the webview state (VS Code restores the panel with them after a reload).
 */
import type {
  DashboardInbound,
  DashboardMeta,
  DashboardOutbound,
  DashboardPanelState,
  DashboardStringKey,
  SectionId,
  UiChoices,
} from '../../webview/dashboardProtocol';
import { appRoot, h as el } from '../common/dom';
import { webviewApi } from '../common/vscode';
import { Fmt, offsetLabel } from './format';
import { banners, notOfferedLine } from './groups';
import { type SectionContext, type Sections, sectionRenderer } from './sections';

const SECTIONS: readonly SectionId[] = ['usage', 'extras', 'models', 'teams', 'keys', 'plan', 'account', 'invoices'];

type Strings = Record<DashboardStringKey, string>;

(() => {
  // the panel state is written for the host's serializer; this page never reads it back
  const vscode = webviewApi<DashboardInbound, DashboardOutbound, DashboardPanelState>();
  const app = appRoot();
  let S: Strings | undefined;
  let meta: DashboardMeta | undefined;
  let fmt = new Fmt(navigator.language);
  let sections: Sections = {};

  const bodies = new Map<string, HTMLElement>();

  const post = vscode.post;
  /** The status line beside the range picker, and a host notice that arrived before the picker was (re)built. */
  let rangeNote: HTMLElement | undefined;
  let pendingNotice = '';
  const s = (k: DashboardStringKey): string => S?.[k] ?? k;

  function setChoices(patch: Partial<UiChoices>): void {
    if (!meta) return;
    const choices = { ...meta.choices, ...patch };
    meta = { ...meta, choices };
    vscode.setState({ connectionId: meta.connectionId, choices });
    post({ type: 'setChoices', choices });
  }

  // ---- layout ----

  function card(id: string, title: string, extra?: HTMLElement, wide = false): HTMLElement {
    const body = el('div', { class: 'card-body', 'aria-live': 'polite' });
    bodies.set(id, body);
    const head = el('div', { class: 'card-head' }, el('h2', { id: `h-${id}` }, title), extra);
    return el(
      'section',
      { class: `card${wide ? ' wide' : ''}`, 'aria-labelledby': `h-${id}`, 'data-section': id },
      head,
      body,
    );
  }

  function segmented<T extends string>(
    label: string,
    options: Array<[T, string]>,
    current: T,
    onPick: (v: T) => void,
    disabled: (v: T) => string | false = () => false,
  ): HTMLElement {
    const g = el('div', { class: 'segmented', role: 'group', 'aria-label': label });
    for (const [v, text] of options) {
      const b = el('button', { type: 'button', 'aria-pressed': String(v === current), 'data-value': v }, text);
      // disabled: the reason is the button's tooltip
      const why = disabled(v);
      if (why !== false) {
        b.disabled = true;
        if (why) b.title = why;
      }
      b.addEventListener('click', () => onPick(v));
      g.append(b);
    }
    return g;
  }

  function toolbar(m: DashboardMeta): HTMLElement {
    const c = m.choices;
    const range = segmented(
      s('range'),
      [
        ['today', s('today')],
        ['7d', s('last7')],
        ['30d', s('last30')],
        ['90d', s('last90')],
        ['custom', s('custom')],
      ],
      c.range.preset,
      (preset) => {
        if (preset === 'custom') {
          customBox.hidden = false;
          from.focus();
          return;
        }
        setChoices({ range: { preset } });
      },
    );
    // the picker offers only the days the dashboard reads (the host bounds any range again, whatever is posted)
    const bounds = { min: m.minDay, max: m.maxDay };
    const from = el('input', {
      type: 'date',
      'aria-label': s('from'),
      value: c.range.from ?? m.from,
      ...bounds,
      'aria-describedby': 'history-note',
    });
    const to = el('input', {
      type: 'date',
      'aria-label': s('to'),
      value: c.range.to ?? m.to,
      ...bounds,
      'aria-describedby': 'history-note',
    });
    const apply = el('button', { type: 'button' }, s('apply'));
    rangeNote = el('span', { class: 'range-note', role: 'status', 'aria-live': 'polite' }, pendingNotice);
    pendingNotice = '';
    const note = rangeNote;
    apply.addEventListener('click', () => {
      if (!from.value || !to.value) return;
      // "from" after "to": say so quietly and ask nothing of the host
      if (from.value > to.value) {
        note.textContent = s('fromAfterTo');
        from.setAttribute('aria-invalid', 'true');
        return;
      }
      note.textContent = '';
      from.removeAttribute('aria-invalid');
      setChoices({ range: { preset: 'custom', from: from.value, to: to.value } });
    });
    const history = el('span', { class: 'muted history-note', id: 'history-note' }, m.historyNote);
    const customBox = el(
      'div',
      { class: 'custom-range' },
      el('label', {}, s('from'), ' ', from),
      el('label', {}, s('to'), ' ', to),
      apply,
      note,
      history,
    );
    customBox.hidden = c.range.preset !== 'custom';
    const tz = segmented(
      s('timeZone'),
      [
        ['local', s('local')],
        ['utc', s('utc')],
      ],
      // pressed: the zone the screen really counts its days in
      m.localUnavailable ? 'utc' : c.tz,
      (v) => setChoices({ tz: v }),
      (v) => (v === 'local' && m.localUnavailable ? s('localUnavailable') : false),
    );
    // pressed: the bucket size the chart really has
    const gran = segmented(
      s('buckets'),
      [
        ['day', s('daily')],
        ['hour', s('hourly')],
      ],
      m.granularity ?? (m.hourlyAvailable ? c.granularity : 'day'),
      (v) => setChoices({ granularity: v }),
      (v) =>
        v === 'hour' && !m.hourlyAvailable ? '' : v === 'day' && m.dailyAvailable === false ? s('oneDayHourly') : false,
    );
    const refresh = el('button', { type: 'button', class: 'secondary', 'data-action': 'refresh' }, s('refresh'));
    refresh.addEventListener('click', () => post({ type: 'refresh' }));
    const exp = el('div', { class: 'exports' });
    for (const [format, label] of [
      ['csv', s('exportCsv')],
      ['json', s('exportJson')],
      ['markdown', s('copyMarkdown')],
    ] as const) {
      const b = el('button', { type: 'button', class: 'secondary', 'data-export': format }, label);
      b.addEventListener('click', () => post({ type: 'export', format }));
      exp.append(b);
    }
    return el(
      'div',
      { class: 'toolbar', role: 'toolbar', 'aria-label': s('range') },
      range,
      customBox,
      tz,
      gran,
      refresh,
      exp,
    );
  }

  function layout(): void {
    if (!meta) return;
    ctx.trend?.dispose();
    ctx.trend = undefined;
    bodies.clear();
    app.replaceChildren();
    const m = meta;
    const when = el(
      'p',
      { class: 'range-line', id: 'range-line' },
      `${m.from} → ${m.to} · ${s('shownIn')} ${m.timeZone} (${offsetLabel(m.timeZone, Date.now())})`,
      m.basis ? el('span', { class: 'basis', id: 'day-basis' }, ` · ${m.basis}`) : undefined,
      m.rangeNote ? el('span', { class: 'range-clamped', role: 'status' }, ` · ${m.rangeNote}`) : undefined,
    );
    app.append(
      el(
        'header',
        { class: 'page-head' },
        el('h1', {}, `${s('title')} — ${m.connectionLabel}`),
        el('span', { class: 'muted' }, m.gatewayLabel),
      ),
    );
    app.append(toolbar(m), when, bannerBox, offeredBox);
    const metric = segmented(
      s('trend'),
      [
        ['requests', s('requests')],
        ['tokens', s('tokens')],
        ['cost', s('cost')],
      ],
      m.choices.metric,
      (v) => {
        if (meta) {
          meta = { ...meta, choices: { ...meta.choices, metric: v } };
          vscode.setState({ connectionId: meta.connectionId, choices: meta.choices });
          relabel(metricBox, v);
          renderSection('usage');
        }
      },
    );
    const metricBox = metric;
    const modelMetric = segmented(
      s('models'),
      [
        ['cost', s('cost')],
        ['tokens', s('tokens')],
        ['requests', s('requests')],
      ],
      m.choices.modelMetric ?? 'cost',
      (v) => {
        if (!meta) return;
        meta = { ...meta, choices: { ...meta.choices, modelMetric: v } };
        vscode.setState({ connectionId: meta.connectionId, choices: meta.choices });
        relabel(modelBox, v);
        renderSection('models');
      },
    );
    const modelBox = modelMetric;
    const keySort = segmented(
      s('topKeys'),
      [
        ['cost', s('byCost')],
        ['requests', s('byUsage')],
      ],
      m.choices.keySort,
      (v) => setChoices({ keySort: v }),
    );
    const grid = el(
      'div',
      { class: 'grid' },
      card('kpis', s('kpis'), undefined, true),
      card('usage', s('trend'), metricBox, true),
      card('models', s('models'), modelBox),
      card('teams', s('teams')),
      card('keys', s('topKeys'), keySort),
      card('plan', s('plan')),
      card('account', s('account')),
      card('invoices', s('invoices'), undefined, true),
    );
    app.append(grid);
    app.setAttribute('aria-busy', 'false');
    for (const id of ['kpis', 'usage', 'models', 'teams', 'keys', 'plan', 'account', 'invoices'] as const)
      renderSection(id);
    pageLines();
  }

  /** The page-level lines: one banner per failing gateway call, one quiet line for what is not offered. */
  const bannerBox = el('div', { class: 'banners', id: 'banners' });
  const offeredBox = el('div', { class: 'offered' });
  let bannerSignature = '';
  function pageLines(): void {
    if (!meta) return;
    const errors: Parameters<typeof banners>[1] = [];
    const unsupported: SectionId[] = [];
    for (const id of SECTIONS) {
      const st = sections[id];
      if (st?.status === 'error') errors.push([id, st]);
      if (st?.status === 'unsupported') unsupported.push(id);
      // a card with nothing to show is not drawn: the line above names it
      const cardEl = app.querySelector<HTMLElement>(`[data-section="${id}"]`);
      if (cardEl) cardEl.hidden = st?.status === 'unsupported';
    }
    const kpis = app.querySelector<HTMLElement>('[data-section="kpis"]');
    if (kpis) kpis.hidden = sections.usage?.status === 'unsupported';
    // rebuilt only when what failed changes: a banner is an alert, announced once
    const signature = JSON.stringify(errors.map(([id, st]) => [id, st.endpoint, st.message]));
    if (signature !== bannerSignature || !bannerBox.isConnected) {
      bannerSignature = signature;
      bannerBox.replaceChildren(...banners(s, errors, post));
    }
    const line = notOfferedLine(
      s,
      meta.gatewayLabel,
      unsupported.filter((id) => id !== 'extras'),
    );
    offeredBox.replaceChildren(...(line ? [line] : []));
  }

  function relabel(group: HTMLElement, v: string): void {
    for (const b of group.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.value === v));
  }

  const ctx: SectionContext = {
    s,
    post,
    bodies,
    get fmt() {
      return fmt;
    },
    get meta() {
      return meta;
    },
    get sections() {
      return sections;
    },
    trend: undefined,
  };
  const renderSection = sectionRenderer(ctx);

  // ---- theme: re-draw the charts when VS Code's theme changes (body class) ----
  new MutationObserver(() => {
    ctx.trend?.redraw();
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });

  vscode.onMessage((m) => {
    switch (m.type) {
      case 'init':
        S = m.strings;
        meta = m.meta;
        fmt = new Fmt(m.meta.locale || navigator.language);
        vscode.setState({ connectionId: m.meta.connectionId, choices: m.meta.choices });
        layout();
        break;
      case 'meta': {
        // the trend's and the models' metrics are view-only choices: keep the ones on screen
        const metric = meta?.choices.metric ?? m.meta.choices.metric;
        const modelMetric = meta?.choices.modelMetric ?? m.meta.choices.modelMetric;
        const next = {
          ...m.meta,
          choices: { ...m.meta.choices, metric, ...(modelMetric ? { modelMetric } : {}) },
        };
        const relayout =
          !meta ||
          meta.from !== next.from ||
          meta.to !== next.to ||
          meta.timeZone !== next.timeZone ||
          JSON.stringify(meta.choices) !== JSON.stringify(next.choices) ||
          meta.hourlyAvailable !== next.hourlyAvailable ||
          meta.granularity !== next.granularity ||
          meta.localUnavailable !== next.localUnavailable ||
          meta.rangeNote !== next.rangeNote ||
          meta.maxDay !== next.maxDay;
        meta = next;
        vscode.setState({ connectionId: next.connectionId, choices: next.choices });
        if (S && relayout) {
          sections = {};
          layout();
        }
        break;
      }
      case 'notice':
        if (rangeNote?.isConnected) {
          rangeNote.textContent = m.message;
          const box = rangeNote.closest<HTMLElement>('.custom-range');
          if (box) box.hidden = false; // the refused range was a custom one: keep its picker open beside the sentence
        } else pendingNotice = m.message;
        break;
      case 'section':
        sections = { ...sections, [m.id]: m.state };
        if (S) {
          renderSection(m.id);
          pageLines();
        }
        break;
    }
  });

  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  post({ type: 'ready', timeZone: zone });
})();
