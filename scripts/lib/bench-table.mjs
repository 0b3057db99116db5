// The final table of `npm run bench`: every budget of the design's budget table, each with the figures the
// benchmarks reported for it (test/bench/report.ts appends them to test-results/bench/figures.jsonl) beside their
// baselines. A budget no benchmark reported is shown as "missing"; one whose feature does not exist yet as
// "not built yet" — neither counts as a pass.
import fs from 'node:fs';

/**
 * The budgets, in the design's order. A figure belongs to the budget whose id prefix is the longest one matching
 * its id (`render.conversation.open` goes to long conversations, `render.stream` to streaming render).
 */
export const BUDGETS = [
  { key: 'vsix', title: '.vsix size', budget: '≤ 600 KB', prefixes: ['size.vsix'] },
  { key: 'extension', title: 'dist/extension.js', budget: '≤ 700 KB minified', prefixes: ['size.extension'] },
  { key: 'webview', title: 'each webview bundle', budget: '≤ 150 KB gzip', prefixes: ['size.webview'] },
  {
    key: 'activation',
    title: 'activation',
    budget: 'activate() ≤ 15 ms in the real VS Code',
    prefixes: ['activation'],
  },
  { key: 'sse', title: 'SSE parsing', budget: '8 MiB line ≤ 50 ms; 2× input ≤ 2.2× time', prefixes: ['sse'] },
  { key: 'ttft', title: 'time to first token', budget: '≤ bare undici + 1 ms', prefixes: ['ttft'] },
  {
    key: 'render',
    title: 'streaming render',
    budget: '≤ 2 long tasks; ≤ 2× plain-text floor; ≤ 1/10 naive; 2,000 rows linear',
    prefixes: ['render', 'stream.render'],
  },
  {
    key: 'conversation',
    title: 'long conversations',
    budget: '1,000 messages: first paint ≤ 300 ms, no long tasks on scroll',
    prefixes: [
      'conversation',
      'longconv',
      'chat.open',
      'chat.conversation',
      'render.conversation',
      'render.longconv',
      'render.open',
    ],
  },
  {
    key: 'tree',
    title: 'keys tree',
    budget: '10,000 keys: expand → first page ≤ 300 ms; host memory growth ≤ 20 MB',
    prefixes: ['tree', 'keys.tree', 'keystree'],
  },
  {
    key: 'client',
    title: 'client overhead',
    budget: 'list keys ≤ 1.2× bare undici',
    prefixes: ['client', 'gateway.overhead'],
  },
  {
    key: 'usage',
    title: 'dashboard 90-day aggregation',
    budget: 'none set: reported beside a naive reduce',
    prefixes: ['usage', 'dashboard.aggregate'],
  },
  {
    key: 'lm',
    title: 'language-model provider',
    budget: 'first text part ≤ chat client + 2 ms',
    prefixes: ['lm', 'languagemodel'],
    notBuilt: true,
  },
];

export function readFigures(jsonl) {
  if (!fs.existsSync(jsonl)) return [];
  const out = [];
  for (const line of fs.readFileSync(jsonl, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      /* a torn line from a crashed bench */
    }
  }
  return out;
}

function budgetOf(id) {
  let best;
  let len = -1;
  for (const b of BUDGETS) {
    for (const p of b.prefixes) {
      if ((id === p || id.startsWith(`${p}.`) || id.startsWith(`${p}-`)) && p.length > len) {
        best = b;
        len = p.length;
      }
    }
  }
  return best;
}

function fmtValue(value, unit) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return String(value);
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}${unit === '×' ? '×' : ` ${unit}`}`;
}

/** Groups the records under the budgets; the last record of an id wins (a bench that reported twice). */
export function tabulate(records) {
  const byId = new Map();
  const counts = new Map();
  for (const r of records) {
    if (!r || typeof r.id !== 'string') continue;
    byId.set(r.id, r);
    counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
  }
  const rows = BUDGETS.map((b) => ({ ...b, figures: [] }));
  const other = { key: 'other', title: 'other figures', budget: '', prefixes: [], figures: [] };
  for (const r of byId.values()) {
    const b = budgetOf(r.id);
    const row = b ? rows.find((x) => x.key === b.key) : other;
    row.figures.push({ ...r, reported: counts.get(r.id) });
  }
  if (other.figures.length) rows.push(other);
  for (const row of rows) {
    row.status =
      row.figures.length === 0
        ? row.notBuilt
          ? 'not built yet'
          : 'missing'
        : row.figures.some((f) => !f.ok && !f.informational)
          ? 'over budget'
          : row.figures.every((f) => f.informational)
            ? 'no budget'
            : 'ok';
  }
  return rows;
}

/** The console table: one line per figure (figure, value, budget, baseline, ✔/✘), grouped by budget. */
export function render(rows, width = 200) {
  const lines = [];
  const cells = [];
  for (const row of rows) {
    if (!row.figures.length) {
      cells.push({
        mark: row.status === 'not built yet' ? '–' : '?',
        figure: row.title,
        value: row.status,
        budget: row.budget,
        baseline: '',
      });
      continue;
    }
    for (const f of row.figures) {
      cells.push({
        mark: f.informational ? '·' : f.ok ? '✔' : '✘',
        figure: `${row.title}: ${f.what}`,
        value: fmtValue(f.value, f.unit),
        budget: f.budget,
        baseline: `${f.baseline}${f.note ? ` (${f.note})` : ''}${f.reported > 1 ? ` [reported ${f.reported}×]` : ''}`,
      });
    }
  }
  const cap = (s, n) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);
  const wFig = Math.min(70, Math.max(...cells.map((c) => c.figure.length), 6));
  const wVal = Math.max(...cells.map((c) => c.value.length), 5);
  const wBud = Math.min(44, Math.max(...cells.map((c) => c.budget.length), 6));
  const head = `   ${'figure'.padEnd(wFig)}  ${'value'.padStart(wVal)}  ${'budget'.padEnd(wBud)}  baseline (same run)`;
  lines.push(head, `   ${'─'.repeat(Math.min(width, head.length + 20))}`);
  const rest = Math.max(30, width - (wFig + wVal + wBud + 9));
  for (const c of cells) {
    const base = c.baseline;
    const first = base.slice(0, rest);
    lines.push(
      ` ${c.mark} ${cap(c.figure, wFig).padEnd(wFig)}  ${c.value.padStart(wVal)}  ${cap(c.budget, wBud).padEnd(wBud)}  ${first}`,
    );
    for (let i = rest; i < base.length; i += rest)
      lines.push(`   ${''.padEnd(wFig + wVal + wBud + 6)}${base.slice(i, i + rest)}`);
  }
  const n = (s) => rows.filter((r) => r.status === s).length;
  lines.push(
    '',
    `   ✔ within budget  ✘ over budget  · no budget (reported)  ? missing (no bench reported it)  – not built yet`,
    `   budgets: ${n('ok')} within, ${n('over budget')} over, ${n('missing')} missing, ${n('not built yet')} not built yet${n('no budget') ? `, ${n('no budget')} without a budget` : ''}`,
  );
  return lines.join('\n');
}

/** The JSON written beside the table: every budget with its status and the records reported for it. */
export function toJson(rows, extra = {}) {
  return {
    ...extra,
    budgets: rows.map((r) => ({
      key: r.key,
      title: r.title,
      budget: r.budget,
      status: r.status,
      figures: r.figures.map(({ reported, ...f }) => ({ ...f, ...(reported > 1 ? { reportedTimes: reported } : {}) })),
    })),
  };
}
