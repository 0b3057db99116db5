/**
 * The chat webview (browser code). It holds no secret and talks only to the host: `ready` asks for the whole
 * state; streamed text arrives as `delta` messages, is appended to a buffer and rendered once per animation frame;
 * only the open markdown block is re-parsed (closed blocks are rendered once, with highlighting, and kept).
 */
import type { ChatInbound, ChatOutbound, ChatStateView, TurnView, UiStringKey } from '../../webview/protocol';
import { createMarkdown } from './markdown';
import { sanitize } from './sanitize';
import { type StreamContext, StreamView } from './stream';
import '@vscode/codicons/dist/codicon.css';
import './chat.css';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

(() => {
  const vscode = acquireVsCodeApi(); // kept in this closure, never global
  const post = (msg: ChatInbound): void => vscode.postMessage(msg);
  const saved = (vscode.getState() ?? {}) as { draft?: string; conversationId?: string };
  /** The webview's own state (VS Code keeps it while hidden and across a reload): the draft and which conversation. */
  const persist = (): void => vscode.setState({ draft: input.value, conversationId: state?.conversationId });

  let strings: Partial<Record<UiStringKey, string>> = {};
  const s = (k: UiStringKey): string => strings[k] ?? k;
  let state: ChatStateView | undefined;
  let mdHighlight = createMarkdown({ highlight: true });
  let mdPlain = createMarkdown({ highlight: false });

  // ---------- DOM skeleton ----------
  const app = document.getElementById('app')!;
  app.replaceChildren();
  app.removeAttribute('aria-busy');
  const h = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<Record<string, string>> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] => {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) if (v !== undefined) el.setAttribute(k, v);
    el.append(...children);
    return el;
  };

  /** A codicon (decorative: the button's text or aria-label names the action). */
  const icon = (name: string): HTMLElement => h('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
  /** A button's content: its codicon, then its label. */
  const label = (el: HTMLElement, name: string, text: string): void => el.replaceChildren(icon(name), document.createTextNode(` ${text}`));

  const connSelect = h('select', { id: 'connection' });
  const modelSelect = h('select', { id: 'model' });
  const refreshBtn = h('button', { type: 'button', class: 'icon' }, icon('refresh'));
  const keyBtn = h('button', { type: 'button', id: 'key' });
  const newBtn = h('button', { type: 'button', id: 'new' });
  const historyBtn = h('button', { type: 'button', id: 'history' });
  const connLabel = h('label', { for: 'connection' });
  const modelLabel = h('label', { for: 'model' });
  const toolbar = h('div', { class: 'toolbar', role: 'toolbar' },
    h('span', { class: 'field' }, connLabel, connSelect),
    h('span', { class: 'field' }, modelLabel, modelSelect, refreshBtn),
    keyBtn, h('span', { class: 'spacer' }), newBtn, historyBtn);

  const sysPrompt = h('textarea', { id: 'system', rows: '3' });
  const temp = h('input', { id: 'temperature', type: 'number', min: '0', max: '2', step: '0.1' });
  const maxTok = h('input', { id: 'maxTokens', type: 'number', min: '1', step: '1' });
  const sysLabel = h('label', { for: 'system' });
  const tempLabel = h('label', { for: 'temperature' });
  const maxLabel = h('label', { for: 'maxTokens' });
  const summary = h('summary');
  const settings = h('details', { class: 'settings' }, summary,
    h('div', { class: 'settings-grid' }, sysLabel, sysPrompt, tempLabel, temp, maxLabel, maxTok));

  const log = h('div', { id: 'log', class: 'messages', role: 'log', 'aria-live': 'off', tabindex: '0' });
  const live = h('div', { id: 'live', class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const jumpBtn = h('button', { type: 'button', id: 'jump', class: 'jump' });
  jumpBtn.hidden = true;
  const notice = h('div', { class: 'notice', role: 'status' });
  notice.hidden = true;
  /** A short-lived sentence from the host (e.g. a second answer refused while one runs). */
  const flash = h('div', { class: 'notice flash', role: 'status', 'aria-live': 'polite' });
  flash.hidden = true;
  let flashTimer: ReturnType<typeof setTimeout> | undefined;

  const input = h('textarea', { id: 'input', rows: '3' });
  input.value = saved.draft ?? '';
  const sendBtn = h('button', { type: 'button', id: 'send', class: 'primary' });
  const stopBtn = h('button', { type: 'button', id: 'stop' });
  stopBtn.hidden = true;
  const totals = h('div', { class: 'totals', 'aria-live': 'off' });
  const chips = h('div', { class: 'chips', role: 'list' });
  const addSelBtn = h('button', { type: 'button', id: 'addSelection' });
  const addFileBtn = h('button', { type: 'button', id: 'addFile' });
  const composer = h('div', { class: 'composer' }, flash, chips, input, h('div', { class: 'composer-actions' }, sendBtn, stopBtn, addSelBtn, addFileBtn, totals));

  app.append(h('header', {}, toolbar, settings), notice, h('div', { class: 'log-wrap' }, log, jumpBtn), live, composer);

  // ---------- rendering of turns ----------
  interface TurnDom {
    el: HTMLElement;
    body: HTMLElement;
    meta: HTMLElement;
    view: TurnView;
    stream?: StreamView;
    /** The body holds the rendered content (it may be parked, out of the DOM). */
    rendered: boolean;
    /** The body is out of the DOM (far from the viewport); the article keeps a fixed height. */
    parked: boolean;
  }
  const turns = new Map<string, TurnDom>();
  let conversationId: string | undefined;

  function renderMarkdownInto(target: HTMLElement, text: string, highlight: boolean): void {
    target.replaceChildren(sanitize((highlight ? mdHighlight : mdPlain).render(text)));
    if (highlight) streamContext.decorate(target);
  }

  /** Copy / Insert at Cursor / Open in Editor on a finished code block (buttons are ours, not model output). */
  function decorateCode(pre: HTMLPreElement): void {
    const bar = h('div', { class: 'code-actions', role: 'group' });
    for (const [action, label] of [['copyCode', s('copy')], ['insertCode', s('insert')], ['openCode', s('openInEditor')]] as const) {
      bar.append(h('button', { type: 'button', class: 'code-action', 'data-code-action': action }, label));
    }
    const wrap = h('div', { class: 'code-block' });
    pre.replaceWith(wrap);
    wrap.append(bar, pre);
  }

  function codeOf(button: Element): { code: string; language?: string } | undefined {
    const code = button.closest('.code-block')?.querySelector('pre > code');
    if (!code) return undefined;
    const lang = /(?:^|\s)language-([\w+#.-]{1,32})/.exec(code.className)?.[1];
    return { code: code.textContent ?? '', ...(lang ? { language: lang } : {}) };
  }

  /** What a streaming answer's renderer needs from the panel (the markdown instances change with the UI strings). */
  const streamContext: StreamContext = {
    md: (highlight) => (highlight ? mdHighlight : mdPlain),
    decorate: (root) => { for (const pre of Array.from(root.querySelectorAll('pre'))) decorateCode(pre); },
    schedule: (v) => scheduleFrame(v),
  };

  // one animation frame renders every view with new text
  const dirty = new Set<StreamView>();
  let frameRequested = false;
  function scheduleFrame(v: StreamView): void {
    dirty.add(v);
    if (frameRequested) return;
    frameRequested = true;
    requestAnimationFrame(() => {
      frameRequested = false;
      const follow = stick;
      for (const d of dirty) d.frame();
      dirty.clear();
      afterContentChange(follow);
    });
  }

  function metaText(v: TurnView): string {
    const parts: string[] = [];
    if (v.role === 'assistant' && v.model) parts.push(v.model);
    if (v.usage) parts.push(`${v.usage.totalTokens} ${s('tokens')} (${v.usage.promptTokens} + ${v.usage.completionTokens})`);
    if (v.cost) parts.push(`${s('cost')} ${formatMoney(v.cost.amount, v.cost.currency)}`);
    return parts.join(' · ');
  }

  function formatMoney(amount: string, currency: string): string {
    // display only: the decimal string is trimmed, never computed with floats
    const [i, f = ''] = amount.split('.');
    const frac = f.replace(/0+$/, '');
    const shown = frac.length > 6 ? `${i}.${frac.slice(0, 6)}…` : frac ? `${i}.${frac}` : i;
    return `${currency === 'CNY' ? '¥' : '$'}${shown}`;
  }

  function renderTurnChrome(d: TurnDom): void {
    const v = d.view;
    d.el.classList.toggle('stopped', v.status === 'stopped');
    d.el.classList.toggle('error', v.status === 'error');
    d.el.classList.toggle('streaming', v.status === 'streaming');
    d.el.setAttribute('aria-busy', v.status === 'streaming' ? 'true' : 'false');
    const bits: Array<Node | string> = [metaText(v)];
    if (v.status === 'stopped') bits.push(h('span', { class: 'badge' }, s('stopped')));
    if (v.status === 'streaming' && !v.content) bits.push(h('span', { class: 'badge' }, s('thinking')));
    d.meta.replaceChildren(...bits);
    d.el.querySelector('.turn-error')?.remove();
    if (v.error) d.el.append(h('div', { class: 'turn-error', role: 'alert' }, v.error));
    turnActionsSoon();
  }

  /** The turn actions are placed once per task, however many turns changed (a 1,000-message state is one pass). */
  let actionsQueued = false;
  function turnActionsSoon(): void {
    if (actionsQueued) return;
    actionsQueued = true;
    queueMicrotask(() => { actionsQueued = false; updateTurnActions(); });
  }

  /** Regenerate on the last answer, Edit on the last user message (only when nothing streams). */
  function updateTurnActions(): void {
    const list = Array.from(turns.values());
    const lastUser = [...list].reverse().find((t) => t.view.role === 'user');
    const lastAnswer = [...list].reverse().find((t) => t.view.role === 'assistant');
    for (const t of list) {
      const head = t.el.querySelector('.turn-head')!;
      head.querySelector('.turn-actions')?.remove();
      if (busy) continue;
      if (t === lastUser) head.append(h('span', { class: 'turn-actions' }, h('button', { type: 'button', class: 'link', 'data-turn-action': 'edit' }, s('edit'))));
      if (t === lastAnswer && t.view.status !== 'streaming') head.append(h('span', { class: 'turn-actions' }, h('button', { type: 'button', class: 'link', 'data-turn-action': 'regenerate' }, s('regenerate'))));
    }
  }

  // ---------- long histories: only the turns near the viewport keep their content in the DOM ----------
  // A turn far from the viewport is "parked": its body leaves the DOM and the article keeps its measured height, so
  // a 1,000-message conversation lays out and paints like a short one; an answer of a long history that was never
  // shown is not even rendered until it comes near (its height estimated until then). Nearer than the margin, the
  // body is back (re-attached, or rendered once) before it scrolls into view.
  /** Answers of a state rendered at once, counted from the end. */
  const EAGER_TURNS = 8;
  /** How far beyond the viewport turns stay in the DOM. */
  const NEAR_MARGIN_PX = 1500;
  /** Time one frame may spend rendering answers that came near (ms). */
  const RENDER_FRAME_BUDGET_MS = 6;
  /** Scrolled less than this long ago (ms): the log is moving fast, first renders wait. */
  const FLING_MS = 120;
  let lastScrollAt = 0;
  let lastScrollTop = 0;
  const domOf = new Map<Element, TurnDom>();
  const comingNear = new Set<TurnDom>();
  let nearFrame = false;
  const viewObserver = new IntersectionObserver((entries) => {
    for (const e of entries) {
      const d = domOf.get(e.target);
      if (!d) continue;
      if (e.isIntersecting) {
        if (d.parked) comingNear.add(d);
      } else {
        comingNear.delete(d);
        if (!d.parked && d.rendered && !d.stream) park(d, e.boundingClientRect.height);
      }
    }
    bringNearSoon();
  }, { root: log, rootMargin: `${NEAR_MARGIN_PX}px 0px` });

  function bringNearSoon(): void {
    if (nearFrame || !comingNear.size) return;
    nearFrame = true;
    requestAnimationFrame(() => {
      nearFrame = false;
      const t0 = performance.now();
      // while the log is flung (scrolled in the last moments), answers never shown stay placeholders; they render
      // once it slows down
      const flung = t0 - lastScrollAt < FLING_MS;
      for (const d of [...comingNear].reverse()) {
        // re-attaching a rendered body is cheap; rendering one for the first time waits for the next frame past the budget
        if (!d.rendered && (flung || performance.now() - t0 > RENDER_FRAME_BUDGET_MS)) continue;
        comingNear.delete(d);
        if (d.rendered) unpark(d);
        else fillTurn(d);
      }
      if (flung && [...comingNear].some((d) => !d.rendered)) setTimeout(bringNearSoon, FLING_MS);
      else bringNearSoon();
    });
  }

  function park(d: TurnDom, height: number): void {
    if (height <= 0 || d.el.contains(document.activeElement)) return;
    d.el.style.height = `${Math.round(height)}px`;
    d.body.remove();
    d.parked = true;
  }

  function unpark(d: TurnDom): void {
    if (!d.parked) return;
    d.parked = false;
    d.el.removeAttribute('style');
    d.el.querySelector('.turn-head')?.after(d.body);
  }

  /** A rough height for an answer never rendered yet (lines of about 90 characters, code and lists a bit taller). */
  function estimateHeight(text: string): number {
    let lines = 0;
    for (const l of text.split('\n')) lines += 1 + Math.floor(l.length / 90);
    return Math.min(20_000, 48 + lines * 21);
  }

  function watch(d: TurnDom): void {
    domOf.set(d.el, d);
    viewObserver.observe(d.el);
  }

  function unwatch(d: TurnDom): void {
    domOf.delete(d.el);
    comingNear.delete(d);
    viewObserver.unobserve(d.el);
  }

  function createTurn(v: TurnView, defer = false): TurnDom {
    const who = h('div', { class: 'who' }, v.role === 'user' ? s('you') : s('assistant'));
    const meta = h('div', { class: 'meta' });
    const body = h('div', { class: 'body' });
    const el = h('article', { class: `turn ${v.role}`, 'data-turn': v.id, 'aria-label': v.role === 'user' ? s('you') : s('assistant') }, h('div', { class: 'turn-head' }, who, meta), body);
    const d: TurnDom = { el, body, meta, view: v, rendered: false, parked: false };
    if (defer && v.role === 'assistant' && v.status !== 'streaming') {
      // not rendered until it comes near the viewport
      d.parked = true;
      body.remove();
      el.style.height = `${estimateHeight(v.content)}px`;
      renderTurnChrome(d);
    } else {
      fillTurn(d);
    }
    watch(d);
    return d;
  }

  function fillTurn(d: TurnDom): void {
    unpark(d);
    d.rendered = true;
    const v = d.view;
    if (v.role === 'user') {
      const ctx = (v.context ?? []).map((label) => h('span', { class: 'chip', role: 'listitem' }, label));
      d.body.replaceChildren(...(ctx.length ? [h('div', { class: 'chips', role: 'list' }, ...ctx)] : []), h('div', { class: 'plain' }, v.content)); // the user's text is shown as typed
    } else if (v.status === 'streaming') {
      d.stream = new StreamView(d.body, v.content, streamContext);
    } else {
      d.stream = undefined;
      renderMarkdownInto(d.body, v.content, true);
    }
    renderTurnChrome(d);
  }

  function applyState(next: ChatStateView): void {
    const first = !state;
    const switched = state?.conversationId !== next.conversationId;
    state = next;
    if (switched) persist();
    if (JSON.stringify(strings) !== JSON.stringify(next.strings)) {
      strings = next.strings;
      mdHighlight = createMarkdown({ highlight: true, imageLabel: s('image') });
      mdPlain = createMarkdown({ highlight: false, imageLabel: s('image') });
      applyStrings();
    }
    // toolbar
    fillSelect(connSelect, next.connections.map((c) => ({ value: c.id, label: c.label })), next.connectionId, next.connections.length ? undefined : s('noConnection'));
    if (!next.connectionId) fillSelect(modelSelect, [], undefined, s('noConnection'));
    else if (next.modelsError) fillSelect(modelSelect, next.modelId ? [{ value: next.modelId, label: next.modelId }] : [], next.modelId, next.modelsError);
    else if (!next.models) fillSelect(modelSelect, next.modelId ? [{ value: next.modelId, label: next.modelId }] : [], next.modelId, s('loadingModels'));
    else {
      const opts = next.models.map((m) => ({ value: m.id, label: m.label }));
      if (next.modelId && !opts.some((o) => o.value === next.modelId)) opts.unshift({ value: next.modelId, label: next.modelId });
      fillSelect(modelSelect, opts, next.modelId);
    }
    modelSelect.title = next.modelsError ?? '';
    label(keyBtn, 'key', `${s('key')}: ${next.keyLabel ?? s('chooseKey')}`);
    if (document.activeElement !== sysPrompt) sysPrompt.value = next.systemPrompt;
    if (document.activeElement !== temp) temp.value = next.temperature !== undefined ? String(next.temperature) : '';
    if (document.activeElement !== maxTok) maxTok.value = next.maxTokens !== undefined ? String(next.maxTokens) : '';
    notice.hidden = next.connections.length > 0;
    notice.textContent = next.connections.length ? '' : s('noConnection');

    // turns: keep what did not change, rebuild what did
    if (conversationId !== next.conversationId) {
      conversationId = next.conversationId;
      for (const d of turns.values()) unwatch(d);
      turns.clear();
      log.replaceChildren();
    }
    const keep = new Set(next.turns.map((t) => t.id));
    for (const [id, d] of turns) if (!keep.has(id)) { unwatch(d); d.el.remove(); turns.delete(id); }
    const follow = stick || first;
    let prev: HTMLElement | undefined;
    const eagerFrom = next.turns.length - EAGER_TURNS;
    for (const [i, v] of next.turns.entries()) {
      let d = turns.get(v.id);
      if (!d) {
        d = createTurn(v, i < eagerFrom);
        turns.set(v.id, d);
      } else if (d.stream && v.status === 'streaming' && d.view.status === 'streaming' && v.content.length >= d.stream.received && v.content.startsWith(d.view.content)) {
        // the same stream, further along: append the rest instead of re-rendering
        d.stream.push(v.content.slice(d.stream.received));
        d.view = v;
        renderTurnChrome(d);
      } else if (d.view.content !== v.content || d.view.status !== v.status) {
        d.view = v;
        fillTurn(d);
      } else if (JSON.stringify(d.view) !== JSON.stringify(v)) {
        d.view = v;
        renderTurnChrome(d);
      }
      const want = prev ? prev.nextSibling : log.firstChild;
      if (want !== d.el) log.insertBefore(d.el, want);
      prev = d.el;
    }
    renderChips(next.context);
    setBusy(next.busy);
    setTotals(next.totals);
    afterContentChange(follow);
  }

  function renderChips(items: ChatStateView['context']): void {
    chips.replaceChildren(...items.map((c) => {
      const remove = h('button', { type: 'button', class: 'chip-remove', 'aria-label': `${s('removeContext')} ${c.label}`, title: s('removeContext') }, '×');
      remove.addEventListener('click', () => post({ type: 'removeContext', id: c.id }));
      return h('span', { class: 'chip', role: 'listitem' }, c.label, remove);
    }));
    chips.hidden = items.length === 0;
  }

  function applyStrings(): void {
    connLabel.textContent = s('connection');
    modelLabel.textContent = s('model');
    refreshBtn.title = s('refreshModels');
    refreshBtn.setAttribute('aria-label', s('refreshModels'));
    label(newBtn, 'add', s('newChat'));
    label(historyBtn, 'history', s('history'));
    summary.textContent = s('settings');
    sysLabel.textContent = s('systemPrompt');
    tempLabel.textContent = s('temperature');
    maxLabel.textContent = s('maxTokens');
    input.placeholder = s('placeholder');
    input.setAttribute('aria-label', s('placeholder'));
    label(sendBtn, 'send', s('send'));
    label(addSelBtn, 'selection', s('addSelection'));
    label(addFileBtn, 'file', s('addFile'));
    label(stopBtn, 'debug-stop', s('stop'));
    label(jumpBtn, 'arrow-down', s('jumpToLatest'));
    log.setAttribute('aria-label', s('messages'));
  }

  function fillSelect(sel: HTMLSelectElement, options: Array<{ value: string; label: string }>, value: string | undefined, placeholder?: string): void {
    const sig = JSON.stringify([options, value, placeholder]);
    if (sel.dataset.sig === sig) return;
    sel.dataset.sig = sig;
    sel.replaceChildren();
    if (placeholder !== undefined) {
      const o = h('option', { value: '' }, placeholder);
      o.disabled = true;
      sel.append(o);
    }
    for (const o of options) sel.append(h('option', { value: o.value }, o.label));
    sel.value = value ?? '';
    sel.disabled = options.length === 0;
  }

  let busy = false;
  function setBusy(b: boolean): void {
    const changed = busy !== b;
    busy = b;
    if (changed) turnActionsSoon();
    sendBtn.hidden = b;
    stopBtn.hidden = !b;
    log.setAttribute('aria-busy', b ? 'true' : 'false');
  }

  function setTotals(t: ChatStateView['totals']): void {
    totals.textContent = t.tokens || t.cost ? `${s('conversationTotal')}: ${t.tokens} ${s('tokens')}${t.cost ? ` · ${formatMoney(t.cost.amount, t.cost.currency)}` : ''}` : '';
  }

  // ---------- follow the stream ----------
  let stick = true;
  log.addEventListener('scroll', () => {
    // a fling: more than a screen's worth of movement since the last event
    if (Math.abs(log.scrollTop - lastScrollTop) > 150) lastScrollAt = performance.now();
    lastScrollTop = log.scrollTop;
    stick = log.scrollHeight - log.scrollTop - log.clientHeight < 32;
    if (stick) jumpBtn.hidden = true;
  }, { passive: true });
  function afterContentChange(follow: boolean): void {
    if (follow) {
      log.scrollTop = log.scrollHeight;
      stick = true;
      jumpBtn.hidden = true;
    } else if (log.scrollHeight - log.scrollTop - log.clientHeight >= 32) {
      jumpBtn.hidden = false;
    }
  }
  jumpBtn.addEventListener('click', () => {
    log.scrollTop = log.scrollHeight;
    stick = true;
    jumpBtn.hidden = true;
    log.focus();
  });

  // ---------- host messages ----------
  window.addEventListener('message', (event: MessageEvent<ChatOutbound>) => {
    const msg = event.data;
    if (!msg || typeof msg !== 'object') return;
    switch (msg.type) {
      case 'state':
        applyState(msg.state);
        break;
      case 'delta': {
        const d = turns.get(msg.turnId);
        if (!d?.stream) { post({ type: 'resync' }); return; }
        const have = d.stream.received;
        if (msg.offset > have) { post({ type: 'resync' }); return; }
        const text = msg.text.slice(have - msg.offset);
        d.view = { ...d.view, content: d.view.content + text };
        if (d.view.content.length && d.meta.querySelector('.badge')) renderTurnChrome(d);
        d.stream.push(text);
        break;
      }
      case 'refused': {
        // the host runs one answer at a time: say so, and give the typed text back when the box is still empty
        if (msg.draft !== undefined && !input.value.trim()) { input.value = msg.draft; persist(); }
        flash.textContent = msg.message;
        flash.hidden = false;
        if (flashTimer) clearTimeout(flashTimer);
        flashTimer = setTimeout(() => { flash.hidden = true; flash.textContent = ''; }, 6000);
        break;
      }
      case 'turn': {
        const d = turns.get(msg.turn.id);
        if (!d) { post({ type: 'resync' }); return; }
        const complete = d.stream && d.stream.received === msg.turn.content.length;
        d.view = msg.turn;
        if (complete && d.stream) {
          d.stream.finish();
          d.stream = undefined;
          renderTurnChrome(d);
        } else {
          fillTurn(d);
        }
        setBusy(msg.busy);
        setTotals(msg.totals);
        afterContentChange(stick);
        announce(d);
        break;
      }
    }
  });

  function announce(d: TurnDom): void {
    const text = d.body.textContent ?? '';
    const status = d.view.status === 'stopped' ? ` (${s('stopped')})` : d.view.error ? ` — ${d.view.error}` : '';
    live.textContent = `${s('assistant')}: ${text.slice(0, 4000)}${status}`;
  }

  // ---------- user input ----------
  let editing = false;
  const editBar = h('div', { class: 'edit-bar', role: 'status' });
  editBar.hidden = true;
  composer.prepend(editBar);
  function setEditing(on: boolean): void {
    editing = on;
    editBar.hidden = !on;
    if (on) {
      const cancel = h('button', { type: 'button', class: 'link' }, s('cancelEdit'));
      cancel.addEventListener('click', () => { setEditing(false); input.value = ''; input.focus(); });
      editBar.replaceChildren(h('span', {}, s('editing')), cancel);
    }
  }
  function send(): void {
    const text = input.value.trim();
    if (!text || busy) return;
    if (editing) post({ type: 'editLast', text });
    else post({ type: 'send', text });
    setEditing(false);
    input.value = '';
    persist();
    stick = true;
  }
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      send();
    }
  });
  input.addEventListener('input', persist);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && busy) {
      e.preventDefault();
      post({ type: 'stop' });
    } else if (e.key === 'Escape' && editing) {
      setEditing(false);
      input.value = '';
    }
  });
  sendBtn.addEventListener('click', send);
  addSelBtn.addEventListener('click', () => post({ type: 'addContext', source: 'selection' }));
  addFileBtn.addEventListener('click', () => post({ type: 'addContext', source: 'file' }));
  stopBtn.addEventListener('click', () => post({ type: 'stop' }));
  newBtn.addEventListener('click', () => post({ type: 'newConversation' }));
  historyBtn.addEventListener('click', () => post({ type: 'showHistory' }));
  keyBtn.addEventListener('click', () => post({ type: 'pickKey' }));
  refreshBtn.addEventListener('click', () => post({ type: 'refreshModels' }));
  connSelect.addEventListener('change', () => { if (connSelect.value) post({ type: 'selectConnection', connectionId: connSelect.value }); });
  modelSelect.addEventListener('change', () => { if (modelSelect.value) post({ type: 'selectModel', modelId: modelSelect.value }); });
  sysPrompt.addEventListener('change', () => post({ type: 'updateSettings', systemPrompt: sysPrompt.value }));
  temp.addEventListener('change', () => {
    const v = temp.value.trim() === '' ? null : Number(temp.value);
    if (v === null || (Number.isFinite(v) && v >= 0 && v <= 2)) post({ type: 'updateSettings', temperature: v });
  });
  maxTok.addEventListener('change', () => {
    const v = maxTok.value.trim() === '' ? null : Number(maxTok.value);
    if (v === null || (Number.isInteger(v) && v >= 1)) post({ type: 'updateSettings', maxTokens: v });
  });

  log.addEventListener('click', (e) => {
    const target = e.target as Element | null;
    const codeBtn = target?.closest?.('button[data-code-action]');
    if (codeBtn) {
      const c = codeOf(codeBtn);
      if (!c) return;
      const action = codeBtn.getAttribute('data-code-action');
      if (action === 'copyCode') {
        post({ type: 'copyCode', code: c.code });
        codeBtn.textContent = s('copied');
        setTimeout(() => { codeBtn.textContent = s('copy'); }, 1500);
      } else if (action === 'insertCode') post({ type: 'insertCode', code: c.code });
      else if (action === 'openCode') post({ type: 'openCode', code: c.code, ...(c.language ? { language: c.language } : {}) });
      return;
    }
    const turnBtn = target?.closest?.('button[data-turn-action]');
    if (turnBtn && !busy) {
      if (turnBtn.getAttribute('data-turn-action') === 'regenerate') post({ type: 'regenerate' });
      else {
        const last = [...turns.values()].reverse().find((t) => t.view.role === 'user');
        if (last) { input.value = last.view.content; setEditing(true); input.focus(); }
      }
    }
  });

  // links in answers open only on click, through the host (which accepts only http(s))
  log.addEventListener('click', (e) => {
    const a = (e.target as Element | null)?.closest?.('a');
    if (!a) return;
    e.preventDefault();
    const href = a.getAttribute('href');
    if (href && /^https?:\/\//i.test(href)) post({ type: 'openLink', url: href });
  });

  post({ type: 'ready' });
  input.focus();
})();
