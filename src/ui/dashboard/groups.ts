/**
 * The dashboard's bar lists and page-level lines (browser code): the Models, Cost by team and Top keys cards as
 * horizontal bars with their full labels (a name is wrapped, never cut; the row and its tooltip show the same value
 * in the same units), one banner per failing gateway call with one "Retry all", one quiet line for what the
 * gateway does not offer, and the gateway's invoice and plan values in words.
 */
import type {
  DashboardInbound,
  DashboardStringKey,
  GroupSectionData,
  SectionId,
  SectionState,
} from '../../webview/dashboardProtocol';
import { h as el } from '../common/dom';
import type { Fmt } from './format';

export type GroupMetric = 'cost' | 'tokens' | 'requests';

/** A label's value in one unit, for the row and its tooltip alike. */
function groupValue(fmt: Fmt, d: GroupSectionData, r: GroupSectionData['rows'][number], m: GroupMetric): string {
  return m === 'cost' ? fmt.amount(r.cost, d.currency) : fmt.count(m === 'tokens' ? r.tokens : r.requests);
}

const num = (r: GroupSectionData['rows'][number], m: GroupMetric): number =>
  m === 'cost' ? Number(r.cost) : m === 'tokens' ? r.tokens : r.requests;

/** The rows as bars, largest first by the metric (the first `limit`); `open` makes each label a button. */
export function meterList(
  fmt: Fmt,
  d: GroupSectionData,
  metric: GroupMetric,
  limit: number,
  open?: { title: (label: string) => string; post: (m: DashboardInbound) => void },
): HTMLElement {
  const rows = [...d.rows].sort((a, b) => num(b, metric) - num(a, metric)).slice(0, limit);
  const max = Math.max(...rows.map((r) => num(r, metric)), 1e-12);
  const list = el('ol', { class: 'meters', 'data-metric': metric });
  for (const r of rows) {
    const value = groupValue(fmt, d, r, metric);
    const bar = el('span', { class: 'meter-bar', 'aria-hidden': 'true' });
    bar.style.width = `${Math.max(1, (num(r, metric) / max) * 100)}%`;
    let label: HTMLElement;
    if (open) {
      label = el(
        'button',
        { type: 'button', class: 'meter-label link', title: `${open.title(r.label)} (${value})`, 'data-key': r.id },
        r.label,
      );
      label.addEventListener('click', () => open.post({ type: 'openKey', id: r.id }));
    } else label = el('span', { class: 'meter-label', title: `${r.label}: ${value}` }, r.label);
    list.append(
      el('li', {}, label, el('span', { class: 'meter-track' }, bar), el('span', { class: 'meter-value num' }, value)),
    );
  }
  return list;
}

/** The card titles, by section, for the banners and the "not offered" line. */
export function sectionTitle(s: (k: DashboardStringKey) => string, id: SectionId): string {
  const key: Record<SectionId, DashboardStringKey> = {
    usage: 'trend',
    extras: 'kpis',
    models: 'models',
    teams: 'teams',
    keys: 'topKeys',
    plan: 'plan',
    account: 'account',
    invoices: 'invoices',
  };
  return s(key[id]);
}

type Errors = Array<[SectionId, Extract<SectionState<unknown>, { status: 'error' }>]>;

/** One banner per failing gateway call (its sections named, the full sentence under Details), then "Retry all". */
export function banners(
  s: (k: DashboardStringKey) => string,
  errors: Errors,
  post: (m: DashboardInbound) => void,
): HTMLElement[] {
  const byEndpoint = new Map<string, Errors>();
  for (const e of errors) {
    const k = e[1].endpoint ?? e[0];
    byEndpoint.set(k, [...(byEndpoint.get(k) ?? []), e]);
  }
  const out: HTMLElement[] = [];
  for (const [endpoint, list] of byEndpoint) {
    const first = list[0]![1];
    const what = list.map(([id]) => sectionTitle(s, id)).join(', ');
    const messages = [...new Set(list.map(([, st]) => st.message))];
    out.push(
      el(
        'div',
        { class: 'banner', role: 'alert', 'data-endpoint': endpoint },
        el('p', {}, el('strong', {}, s('couldNotLoad').replace('{0}', what)), ' ', first.summary ?? ''),
        el('details', {}, el('summary', {}, s('details')), ...messages.map((m) => el('p', { class: 'detail' }, m))),
      ),
    );
  }
  if (out.length) {
    const retry = el('button', { type: 'button', class: 'retry-all' }, s('retryAll'));
    retry.addEventListener('click', () => post({ type: 'retryAll' }));
    out.push(el('div', { class: 'banner-actions' }, retry));
  }
  return out;
}

/** "Not offered by AIHubMix: Cost by team, Plan, Invoices." — one quiet line instead of empty cards. */
export function notOfferedLine(
  s: (k: DashboardStringKey) => string,
  gatewayLabel: string,
  ids: readonly SectionId[],
): HTMLElement | undefined {
  if (!ids.length) return undefined;
  const text = s('notOffered')
    .replace('{0}', gatewayLabel)
    .replace('{1}', ids.map((id) => sectionTitle(s, id)).join(', '));
  return el('p', { class: 'muted not-offered', id: 'not-offered' }, text);
}

/** An invoice's state in words: "Overdue" when it is, else paid / unpaid in the language, else as the gateway sent it. */
export function invoiceStatus(s: (k: DashboardStringKey) => string, i: { status: string; overdue: boolean }): string {
  if (i.overdue) return s('overdue');
  const k = i.status.toLowerCase();
  return k === 'paid' ? s('paid') : k === 'unpaid' || k === 'open' ? s('unpaid') : i.status;
}

/** A plan's billing cycle in words where it is a known one, else as the gateway sent it. */
export function planCycle(s: (k: DashboardStringKey) => string, c: string | undefined): string | undefined {
  const k = c?.toLowerCase();
  return k === 'monthly' || k === 'month' ? s('monthly') : k === 'yearly' || k === 'annual' ? s('yearly') : c;
}
