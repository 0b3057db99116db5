/**
 * Chat webview render benchmarks, in headless Chromium under the webview's CSP, each beside its baselines measured in
 * the same run (reported through report(), never asserted):
 *
 *  - render.stream: a ~100 KB markdown answer (the simulator's `long answer`) replayed at 200 tokens/s as the host
 *    sends it (one delta message per 30 ms) into
 *      ours  — the shipped bundle dist/ui/chat.js (rAF batching, block splitter, closed blocks kept),
 *      floor — the raw deltas appended to one text node (the cheapest possible renderer),
 *      naive — the same markdown + highlight + sanitiser re-rendering the whole message per delta (src/ui/chat/naive.ts).
 *    Budgets: ours ≤ 2 long tasks (> 50 ms); main-thread ≤ 2× the floor and ≤ 1/10 of naive. Main-thread time is
 *    compared as the main thread's CPU time (CDP ThreadTime): on a shared machine the wall-clock task time (also
 *    printed) grows with other processes' load, and more so for the renderer with longer tasks.
 *  - render.table / render.list: a 2,000-row table and a 2,000-item list streamed without a blank line (one open
 *    block for the old splitter): ours vs the floor, ≤ 2 long tasks, main-thread ≤ 2× the floor.
 *  - chat.open1000: a saved 1,000-message conversation arriving as the host sends it on `ready` (one `state`
 *    message): time to the first frame painted after it (budget ≤ 300 ms) and long tasks while scrolling from the
 *    bottom to the top, 400 px a frame (budget 0); baseline: the naive renderer, which renders every message at
 *    once. Long tasks are wall-clock: the load average is printed beside them.
 *
 * Knobs: AGC_RENDER_BENCH_TPS (tokens/s, default 200), AGC_RENDER_BENCH_ONLY=stream,table,list,open (a subset).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildAnswer, tokenize } from '../simulator/answer';
import { contentSecurityPolicy, makeNonce } from '../../src/webview/csp';
import { report } from './report';

const REPO = path.resolve(__dirname, '../../..');
const ORIGIN = 'https://bench.test';
const CHROMIUM = process.env.AGC_CHROMIUM ?? '/usr/bin/chromium';
const TPS = Number(process.env.AGC_RENDER_BENCH_TPS ?? 200);
const ONLY = (process.env.AGC_RENDER_BENCH_ONLY ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const INTERVAL_MS = 30;
const want = (name: string): boolean => !ONLY.length || ONLY.includes(name);
/** Long tasks and task times are wall-clock: on a shared machine the load average says how far to trust them. */
const load = (): string =>
  `; load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${os.cpus().length} CPUs`;

/** The cheapest possible renderer: every delta appended to one text node (same page, same scrolling). */
const FLOOR_JS = `(() => {
  const app = document.getElementById('app');
  const log = document.createElement('div'); log.className = 'messages';
  const body = document.createElement('div'); body.className = 'body plain';
  const text = document.createTextNode('');
  body.append(text); log.append(body); app.replaceChildren(log);
  window.addEventListener('message', (e) => {
    const m = e.data;
    if (m.type === 'state') { const t = m.state.turns[m.state.turns.length - 1]; text.data = t ? t.content : ''; }
    else if (m.type === 'delta') text.appendData(m.text);
    else return;
    log.scrollTop = log.scrollHeight;
  });
})();`;

interface Result {
  longTasks: number;
  longest: number;
  mainThreadMs: number;
  cpuMs: number;
  scriptMs: number;
  layoutMs: number;
  styleMs: number;
  wallMs: number;
  textLength: number;
}

function html(nonce: string): string {
  return `<!DOCTYPE html><html><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(ORIGIN, nonce)}">
<link rel="stylesheet" nonce="${nonce}" href="${ORIGIN}/chat.css"><link rel="stylesheet" nonce="${nonce}" href="${ORIGIN}/ui.css"></head>
<body><main id="app"></main>
<script nonce="${nonce}">
  let st; window.acquireVsCodeApi = () => ({ postMessage: () => {}, getState: () => st, setState: (s) => { st = s; } });
  window.__lt = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__lt.push(e.duration); }).observe({ type: 'longtask' });
  window.__replay = (msgs, interval) => new Promise((resolve) => {
    let i = 0;
    const t = setInterval(() => {
      window.postMessage(msgs[i++], '*');
      if (i >= msgs.length) { clearInterval(t); setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(() => resolve())), 50); }
    }, interval);
  });
  // one message; resolves with the time from posting it to the end of the first frame painted after it was handled
  window.__open = (msg) => new Promise((resolve) => {
    const t0 = performance.now();
    window.addEventListener('message', () => requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0)), { once: true });
    window.postMessage(msg, '*');
  });
  // scrolls the message log from the bottom to the top, one step per frame
  window.__scrollUp = (step) => new Promise((resolve) => {
    const log = document.querySelector('.messages');
    const tick = () => {
      if (log.scrollTop <= 0) { requestAnimationFrame(() => requestAnimationFrame(() => resolve(log.scrollHeight))); return; }
      log.scrollTop = Math.max(0, log.scrollTop - step);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
</script>
<script nonce="${nonce}" src="${ORIGIN}/ui.js"></script></body></html>`;
}

const STRINGS = Object.fromEntries(
  ['send', 'stop', 'copy', 'insert', 'openInEditor', 'assistant', 'you', 'tokens', 'regenerate', 'edit'].map((k) => [
    k,
    k,
  ]),
);

function stateMessage(turns: unknown[], busy: boolean): unknown {
  return {
    type: 'state',
    state: {
      conversationId: 'bench',
      title: 'bench',
      connections: [{ id: 'c', label: 'c' }],
      connectionId: 'c',
      modelId: 'm',
      models: [{ id: 'm', label: 'm' }],
      systemPrompt: '',
      context: [],
      busy,
      totals: { tokens: 0 },
      strings: STRINGS,
      turns,
    },
  };
}

/** The host's message sequence for one streamed answer: state, a delta per 30 ms (TPS tokens/s), the finished turn. */
function streamMessages(answer: string, seed = 42): unknown[] {
  const tokens = tokenize(answer, seed);
  const perMessage = Math.max(1, Math.round((TPS * INTERVAL_MS) / 1000));
  const out: unknown[] = [
    stateMessage(
      [
        { id: 'u', role: 'user', content: 'Please give me a long answer' },
        { id: 'a', role: 'assistant', content: '', status: 'streaming' },
      ],
      true,
    ),
  ];
  let offset = 0;
  for (let i = 0; i < tokens.length; i += perMessage) {
    const text = tokens.slice(i, i + perMessage).join('');
    out.push({ type: 'delta', turnId: 'a', offset, text });
    offset += text.length;
  }
  out.push({
    type: 'turn',
    turn: { id: 'a', role: 'assistant', content: answer, status: 'done' },
    busy: false,
    totals: { tokens: tokens.length },
  });
  return out;
}

function tableAnswer(rows: number): string {
  const lines = [
    'Here is the table you asked for:',
    '',
    '| # | key | requests | cost (¥) | status |',
    '|---:|---|---:|---:|:---:|',
  ];
  for (let i = 1; i <= rows; i++)
    lines.push(
      `| ${i} | key-${(i * 7919) % 10007} | ${(i * 37) % 1000} | ${((i * 13) % 997) / 100} | ${i % 5 ? 'ok' : '**hot**'} |`,
    );
  return `${lines.join('\n')}\n`;
}

function listAnswer(items: number): string {
  const lines = ['Here is the list you asked for:', ''];
  for (let i = 1; i <= items; i++)
    lines.push(
      `- item ${i}: key \`key-${(i * 7919) % 10007}\` made ${(i * 37) % 1000} requests${i % 7 ? '' : ' — **review**'}`,
    );
  return `${lines.join('\n')}\n`;
}

/** A saved conversation of `n` messages (user / assistant alternating, answers with code, lists and tables). */
function conversation(n: number): unknown[] {
  const turns: unknown[] = [];
  for (let i = 0; i < n; i += 2) {
    const q = `Question ${i / 2 + 1}: how do I handle ${['rate limits', 'key rotation', 'streaming', 'retries'][i % 4]}?`;
    turns.push({ id: `u${i}`, role: 'user', content: q });
    turns.push({
      id: `a${i}`,
      role: 'assistant',
      content: buildAnswer(i, 'gpt-4.1', q),
      status: 'done',
      model: 'gpt-4.1',
      usage: { promptTokens: 20, completionTokens: 600, totalTokens: 620 },
    });
  }
  return turns.slice(0, n);
}

async function newPage(browser: Browser, ui: string, css: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const nonce = makeNonce();
  const chatCss = fs.readFileSync(path.join(REPO, 'media/chat.css'));
  await page.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.pathname === '/index.html') return route.fulfill({ contentType: 'text/html', body: html(nonce) });
    if (u.pathname === '/ui.js') return route.fulfill({ contentType: 'text/javascript', body: ui });
    if (u.pathname === '/chat.css') return route.fulfill({ contentType: 'text/css', body: chatCss });
    if (u.pathname === '/ui.css') return route.fulfill({ contentType: 'text/css', body: css });
    return route.abort();
  });
  await page.goto(`${ORIGIN}/index.html`);
  return page;
}

async function metricsOf(page: Page): Promise<() => Promise<Record<string, number>>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return async () =>
    Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
}

async function replay(browser: Browser, ui: string, css: string, msgs: unknown[]): Promise<Result> {
  const page = await newPage(browser, ui, css);
  const metrics = await metricsOf(page);
  await page.evaluate('window.__lt = []');
  const m0 = await metrics();
  const w0 = Date.now();
  await page.evaluate(`window.__replay(${JSON.stringify(msgs)}, ${INTERVAL_MS})`);
  const wallMs = Date.now() - w0;
  const m1 = await metrics();
  const ms = (name: string): number => ((m1[name] ?? 0) - (m0[name] ?? 0)) * 1000;
  const lt = await page.evaluate<number[]>('window.__lt');
  const textLength = await page.evaluate<number>(
    "(document.querySelector('.turn.assistant .body') ?? document.querySelector('.body'))?.textContent.length ?? 0",
  );
  await page.close();
  return {
    longTasks: lt.length,
    longest: lt.length ? Math.max(...lt) : 0,
    mainThreadMs: ms('TaskDuration'),
    cpuMs: ms('ThreadTime'),
    scriptMs: ms('ScriptDuration'),
    layoutMs: ms('LayoutDuration'),
    styleMs: ms('RecalcStyleDuration'),
    wallMs,
    textLength,
  };
}

interface OpenResult {
  firstPaintMs: number;
  openLongTasks: number;
  scrollLongTasks: number;
  scrollLongest: number;
  scrollMainThreadMs: number;
  scrollCpuMs: number;
  renderedTurns: number;
}

async function openConversation(browser: Browser, ui: string, css: string, msg: unknown): Promise<OpenResult> {
  const page = await newPage(browser, ui, css);
  const metrics = await metricsOf(page);
  await page.evaluate('window.__lt = []');
  const firstPaintMs = await page.evaluate<number>(`window.__open(${JSON.stringify(msg)})`);
  // let whatever the renderer defers settle (idle work is part of opening, not of scrolling)
  await page.waitForTimeout(1500);
  const openLongTasks = (await page.evaluate<number[]>('window.__lt')).length;
  await page.evaluate('window.__lt = []');
  const m0 = await metrics();
  await page.evaluate('window.__scrollUp(400)');
  const m1 = await metrics();
  const lt = await page.evaluate<number[]>('window.__lt');
  const renderedTurns = await page.evaluate<number>("document.querySelectorAll('article.turn > .body').length");
  await page.close();
  return {
    firstPaintMs,
    openLongTasks,
    scrollLongTasks: lt.length,
    scrollLongest: lt.length ? Math.max(...lt) : 0,
    scrollMainThreadMs: ((m1.TaskDuration ?? 0) - (m0.TaskDuration ?? 0)) * 1000,
    scrollCpuMs: ((m1.ThreadTime ?? 0) - (m0.ThreadTime ?? 0)) * 1000,
    renderedTurns,
  };
}

const row = (name: string, r: Result): string =>
  `    ${name.padEnd(6)} long tasks: ${String(r.longTasks).padStart(4)}  longest: ${r.longest.toFixed(0).padStart(5)} ms  main-thread: ${r.mainThreadMs.toFixed(0).padStart(7)} ms, CPU ${r.cpuMs.toFixed(0).padStart(7)} ms (script ${r.scriptMs.toFixed(0)}, layout ${r.layoutMs.toFixed(0)}, style ${r.styleMs.toFixed(0)})  wall ${(r.wallMs / 1000).toFixed(1)} s  text ${r.textLength}`;

async function main(): Promise<void> {
  const oursFile = path.join(REPO, 'dist/ui/chat.js');
  if (!fs.existsSync(oursFile)) throw new Error('dist/ui/chat.js is missing: build first');
  const ours = fs.readFileSync(oursFile, 'utf8');
  const oursCss = fs.existsSync(path.join(REPO, 'dist/ui/chat.css'))
    ? fs.readFileSync(path.join(REPO, 'dist/ui/chat.css'), 'utf8').replace(/url\([^)]*\)/g, 'none')
    : '';
  const naive = (
    await esbuild.build({
      entryPoints: [path.join(REPO, 'src/ui/chat/naive.ts')],
      bundle: true,
      write: false,
      minify: true,
      format: 'iife',
      platform: 'browser',
      target: ['chrome120'],
      logLevel: 'warning',
    })
  ).outputFiles[0]!.text;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    if (want('stream')) {
      const answer = buildAnswer(42, 'gpt-4.1', 'Please give me a long answer');
      const msgs = streamMessages(answer);
      console.log(
        `  streaming render: ${(answer.length / 1024).toFixed(0)} KB answer at ${TPS} tokens/s, one delta per ${INTERVAL_MS} ms (${msgs.length - 2} messages), headless Chromium`,
      );
      const floor = await replay(browser, FLOOR_JS, '', msgs);
      console.log(row('floor', floor));
      const a = await replay(browser, ours, oursCss, msgs);
      console.log(row('ours', a));
      const b = await replay(browser, naive, '', msgs);
      console.log(row('naive', b));
      report({
        id: 'render.stream.longTasks',
        what: 'streaming render of a 100 KB answer: long tasks (> 50 ms)',
        value: a.longTasks,
        unit: 'tasks',
        budget: '≤ 2',
        ok: a.longTasks <= 2,
        baseline: `naive ${b.longTasks} tasks, floor ${floor.longTasks} tasks`,
        note: `longest ${a.longest.toFixed(0)} ms${load()}`,
      });
      report({
        id: 'render.stream.vsFloor',
        what: 'streaming render of a 100 KB answer: main-thread CPU time ÷ plain-text floor',
        value: a.cpuMs / Math.max(1, floor.cpuMs),
        unit: '×',
        budget: '≤ 2×',
        ok: a.cpuMs <= 2 * floor.cpuMs,
        baseline: `floor ${floor.cpuMs.toFixed(0)} ms CPU, ours ${a.cpuMs.toFixed(0)} ms`,
        note: `main-thread task time ${(a.mainThreadMs / Math.max(1, floor.mainThreadMs)).toFixed(2)}× (${a.mainThreadMs.toFixed(0)} / ${floor.mainThreadMs.toFixed(0)} ms)${load()}`,
      });
      report({
        id: 'render.stream.vsNaive',
        what: 'streaming render of a 100 KB answer: main-thread CPU time ÷ naive re-render',
        value: a.cpuMs / Math.max(1, b.cpuMs),
        unit: '×',
        budget: '≤ 0.1×',
        ok: a.cpuMs <= 0.1 * b.cpuMs,
        baseline: `naive ${b.cpuMs.toFixed(0)} ms CPU`,
        note: `main-thread task time ${(a.mainThreadMs / Math.max(1, b.mainThreadMs)).toFixed(3)}× (naive ${b.mainThreadMs.toFixed(0)} ms)`,
      });
    }
    for (const [name, text] of [
      ['table', tableAnswer(2000)],
      ['list', listAnswer(2000)],
    ] as const) {
      if (!want(name)) continue;
      const msgs = streamMessages(text, 7);
      console.log(
        `  streaming render: a 2,000-${name === 'table' ? 'row table' : 'item list'} without blank lines, ${(text.length / 1024).toFixed(0)} KB at ${TPS} tokens/s (${msgs.length - 2} messages)`,
      );
      const floor = await replay(browser, FLOOR_JS, '', msgs);
      console.log(row('floor', floor));
      const a = await replay(browser, ours, oursCss, msgs);
      console.log(row('ours', a));
      report({
        id: `render.${name}2000.vsFloor`,
        what: `streaming a 2,000-${name === 'table' ? 'row table' : 'item list'} without blank lines: main-thread CPU time ÷ plain-text floor`,
        value: a.cpuMs / Math.max(1, floor.cpuMs),
        unit: '×',
        budget: '≤ 2×',
        ok: a.cpuMs <= 2 * floor.cpuMs,
        baseline: `floor ${floor.cpuMs.toFixed(0)} ms CPU, ours ${a.cpuMs.toFixed(0)} ms`,
        note: `main-thread task time ${(a.mainThreadMs / Math.max(1, floor.mainThreadMs)).toFixed(2)}× (${a.mainThreadMs.toFixed(0)} / ${floor.mainThreadMs.toFixed(0)} ms)${load()}`,
      });
      report({
        id: `render.${name}2000.longTasks`,
        what: `streaming a 2,000-${name === 'table' ? 'row table' : 'item list'}: long tasks (> 50 ms)`,
        value: a.longTasks,
        unit: 'tasks',
        budget: '≤ 2',
        ok: a.longTasks <= 2,
        baseline: `floor ${floor.longTasks} tasks`,
        note: `longest ${a.longest.toFixed(0)} ms${load()}`,
      });
    }
    if (want('open')) {
      const turns = conversation(1000);
      const msg = stateMessage(turns, false);
      console.log(
        `  opening a 1,000-message conversation: one state message of ${(JSON.stringify(msg).length / 1024 / 1024).toFixed(1)} MB`,
      );
      const a = await openConversation(browser, ours, oursCss, msg);
      const b = await openConversation(browser, naive, '', msg);
      for (const [name, r] of [
        ['ours', a],
        ['naive', b],
      ] as const) {
        console.log(
          `    ${name.padEnd(6)} first paint ${r.firstPaintMs.toFixed(0).padStart(6)} ms  long tasks opening ${r.openLongTasks}, scrolling to the top ${r.scrollLongTasks} (longest ${r.scrollLongest.toFixed(0)} ms, main-thread ${r.scrollMainThreadMs.toFixed(0)} ms, CPU ${r.scrollCpuMs.toFixed(0)} ms)  turn bodies in the DOM after scrolling ${r.renderedTurns}`,
        );
      }
      report({
        id: 'chat.open1000.firstPaint',
        what: 'a 1,000-message conversation: first paint after the state message',
        value: a.firstPaintMs,
        unit: 'ms',
        budget: '≤ 300 ms',
        ok: a.firstPaintMs <= 300,
        baseline: `naive (every message rendered at once) ${b.firstPaintMs.toFixed(0)} ms`,
        note: load().slice(2),
      });
      report({
        id: 'chat.open1000.scroll',
        what: 'a 1,000-message conversation: long tasks while scrolling from the bottom to the top',
        value: a.scrollLongTasks,
        unit: 'tasks',
        budget: '0',
        ok: a.scrollLongTasks === 0,
        baseline: `naive ${b.scrollLongTasks} tasks`,
        note: `longest ${a.scrollLongest.toFixed(0)} ms; scrolling CPU ${a.scrollCpuMs.toFixed(0)} ms (naive ${b.scrollCpuMs.toFixed(0)}); ${a.openLongTasks} long task(s) while opening (naive ${b.openLongTasks})${load()}`,
      });
    }
  } finally {
    await browser.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
