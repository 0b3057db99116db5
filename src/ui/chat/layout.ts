/** The chat webview's static layout (browser code): toolbar, settings, the message log and the composer. */
import type { ChatStateView, UiStringKey } from '../../webview/protocol';
import { h } from '../common/dom';
import type { ChatIcon } from './icons';

/** A codicon (decorative: the button's text or aria-label names the action). */
export const icon = (name: ChatIcon): HTMLElement =>
  h('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
/** A button's content: its codicon, then its label. */
export const label = (el: HTMLElement, name: ChatIcon, text: string): void =>
  el.replaceChildren(icon(name), document.createTextNode(` ${text}`));

export type ChatLayout = ReturnType<typeof chatLayout>;

/** Builds the layout into `app` (emptying the skeleton the host's HTML showed). */
export function chatLayout(app: HTMLElement) {
  app.replaceChildren();
  app.removeAttribute('aria-busy');
  const connSelect = h('select', { id: 'connection' });
  // the model is chosen in a searchable quick pick on the host (chat models only, with prices)
  const modelName = h('span', { class: 'model-name' });
  const modelBtn = h(
    'button',
    { type: 'button', id: 'model', class: 'model-pick', 'aria-haspopup': 'listbox' },
    modelName,
    icon('chevron-down'),
  );
  const refreshBtn = h('button', { type: 'button', role: 'menuitem', id: 'refreshModels' });
  const settingsItem = h('button', { type: 'button', role: 'menuitem', id: 'settingsItem' });
  const searchItem = h('button', { type: 'button', role: 'menuitem', id: 'searchItem' });
  const keyBtn = h('button', { type: 'button', id: 'key', class: 'tool' });
  const newBtn = h('button', { type: 'button', id: 'new', class: 'tool' });
  const historyBtn = h('button', { type: 'button', id: 'history', class: 'tool' });
  const moreBtn = h(
    'button',
    { type: 'button', id: 'more', class: 'tool', 'aria-haspopup': 'menu', 'aria-expanded': 'false' },
    icon('ellipsis'),
  );
  const moreMenu = h('div', { class: 'menu', role: 'menu', id: 'moreMenu' }, refreshBtn, settingsItem, searchItem);
  moreMenu.hidden = true;
  const connLabel = h('label', { for: 'connection', class: 'visually-hidden' });
  const modelLabel = h('span', { class: 'visually-hidden', id: 'modelLabel' });
  const toolbar = h(
    'div',
    { class: 'toolbar', role: 'toolbar' },
    connLabel,
    connSelect,
    modelLabel,
    modelBtn,
    keyBtn,
    newBtn,
    historyBtn,
    h('span', { class: 'more-wrap' }, moreBtn, moreMenu),
  );

  const sysPrompt = h('textarea', { id: 'system', rows: '3' });
  const temp = h('input', { id: 'temperature', type: 'number', min: '0', max: '2', step: '0.1' });
  const maxTok = h('input', { id: 'maxTokens', type: 'number', min: '1', step: '1' });
  const sysLabel = h('label', { for: 'system' });
  const tempLabel = h('label', { for: 'temperature' });
  const maxLabel = h('label', { for: 'maxTokens' });
  const summary = h('summary');
  const settings = h(
    'details',
    { class: 'settings' },
    summary,
    h('div', { class: 'settings-grid' }, sysLabel, sysPrompt, tempLabel, temp, maxLabel, maxTok),
  );

  const log = h('div', { id: 'log', class: 'messages', role: 'log', 'aria-live': 'off', tabindex: '0' });
  const live = h('div', { id: 'live', class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const jumpBtn = h('button', { type: 'button', id: 'jump', class: 'jump' });
  jumpBtn.hidden = true;
  const notice = h('div', { class: 'notice', role: 'status' });
  notice.hidden = true;
  /** A short-lived sentence from the host (e.g. a second answer refused while one runs). */
  const flash = h('div', { class: 'notice flash', role: 'status', 'aria-live': 'polite' });
  flash.hidden = true;

  const input = h('textarea', { id: 'input', rows: '3' });
  const sendBtn = h('button', { type: 'button', id: 'send', class: 'primary' });
  const stopBtn = h('button', { type: 'button', id: 'stop' });
  stopBtn.hidden = true;
  const totals = h('div', { class: 'totals', 'aria-live': 'off' });
  const chips = h('div', { class: 'chips', role: 'list' });
  const addSelBtn = h('button', { type: 'button', id: 'addSelection' });
  const addFileBtn = h('button', { type: 'button', id: 'addFile' });
  const composer = h(
    'div',
    { class: 'composer' },
    flash,
    chips,
    input,
    h('div', { class: 'composer-actions' }, sendBtn, stopBtn, addSelBtn, addFileBtn, totals),
  );

  app.append(h('header', {}, toolbar, settings), notice, h('div', { class: 'log-wrap' }, log, jumpBtn), live, composer);
  return {
    connSelect,
    modelBtn,
    modelName,
    refreshBtn,
    settingsItem,
    searchItem,
    moreBtn,
    moreMenu,
    settings,
    keyBtn,
    newBtn,
    historyBtn,
    connLabel,
    modelLabel,
    sysPrompt,
    temp,
    maxTok,
    sysLabel,
    tempLabel,
    maxLabel,
    summary,
    log,
    live,
    jumpBtn,
    notice,
    flash,
    input,
    sendBtn,
    stopBtn,
    totals,
    chips,
    addSelBtn,
    addFileBtn,
    composer,
  };
}

/** An icon button: its codicon, its label (hidden when the panel is narrow), the label as its name and tooltip. */
export const tool = (el: HTMLElement, name: ChatIcon, text: string): void => {
  el.replaceChildren(icon(name), h('span', { class: 'tool-text' }, text));
  el.setAttribute('aria-label', text);
  el.title = text;
};

export function applyLayoutStrings(d: ChatLayout, s: (k: UiStringKey) => string): void {
  d.connLabel.textContent = s('connection');
  d.modelLabel.textContent = s('model');
  label(d.refreshBtn, 'refresh', s('refreshModels'));
  label(d.settingsItem, 'settings-gear', s('settings'));
  label(d.searchItem, 'search', s('searchHistory'));
  tool(d.newBtn, 'add', s('newChat'));
  tool(d.historyBtn, 'history', s('history'));
  d.moreBtn.setAttribute('aria-label', s('moreActions'));
  d.moreBtn.title = s('moreActions');
  d.moreMenu.setAttribute('aria-label', s('moreActions'));
  d.summary.textContent = s('settings');
  d.sysLabel.textContent = s('systemPrompt');
  d.tempLabel.textContent = s('temperature');
  d.maxLabel.textContent = s('maxTokens');
  d.input.placeholder = s('placeholder');
  d.input.setAttribute('aria-label', s('placeholder'));
  label(d.sendBtn, 'send', s('send'));
  label(d.addSelBtn, 'selection', s('addSelection'));
  label(d.addFileBtn, 'file', s('addFile'));
  label(d.stopBtn, 'debug-stop', s('stop'));
  label(d.jumpBtn, 'arrow-down', s('jumpToLatest'));
  d.log.setAttribute('aria-label', s('messages'));
}

export function fillSelect(
  sel: HTMLSelectElement,
  options: Array<{ value: string; label: string }>,
  value: string | undefined,
  placeholder?: string,
): void {
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

/** The toolbar and settings as the host's state says: connections, models (or why there are none), key, settings. */
export function applyToolbar(d: ChatLayout, next: ChatStateView, s: (k: UiStringKey) => string): void {
  fillSelect(
    d.connSelect,
    next.connections.map((c) => ({ value: c.id, label: c.label })),
    next.connectionId,
    next.connections.length ? undefined : s('noConnection'),
  );
  const model = next.models?.find((m) => m.id === next.modelId);
  const shown = !next.connectionId
    ? s('noConnection')
    : next.modelId
      ? next.modelId
      : next.modelsError
        ? next.modelsError
        : !next.models
          ? s('loadingModels')
          : s('chooseModel');
  d.modelName.textContent = shown;
  d.modelBtn.disabled = !next.connectionId || (!next.models && !next.modelsError);
  d.modelBtn.setAttribute('aria-label', `${s('model')}: ${shown}`);
  d.modelBtn.title = [model?.label ?? shown, next.modelsError].filter(Boolean).join('\n');
  const key = next.keyLabel ?? s('chooseKey');
  tool(d.keyBtn, 'key', `${s('key')}: ${key}`);
  if (document.activeElement !== d.sysPrompt) d.sysPrompt.value = next.systemPrompt;
  if (document.activeElement !== d.temp) d.temp.value = next.temperature !== undefined ? String(next.temperature) : '';
  if (document.activeElement !== d.maxTok) d.maxTok.value = next.maxTokens !== undefined ? String(next.maxTokens) : '';
  d.notice.hidden = next.connections.length > 0;
  d.notice.textContent = next.connections.length ? '' : s('noConnection');
}
