/**
 * Streaming-render benchmark (docs/architecture.md, "Budgets"): replays a ~100 KB markdown answer (the simulator's `long answer`) at
 * 200 tokens/s in headless Chromium, as the host sends it (one delta message per 30 ms), into
 *  - ours: the shipped chat webview bundle (dist/ui/chat.js: rAF batching, block splitter, closed blocks kept,
 *    highlighting after a fence closes), and
 *  - naive: the same markdown + highlight + sanitiser re-rendering the whole message on every chunk
 *    (src/ui/chat/naive.ts, bundled here), measured in the same run.
 * Reports long tasks (> 50 ms, budget ≤ 2 for ours), the longest task, and main-thread time (CDP TaskDuration;
 * budget: ours ≤ 1/5 of naive). Reported, never asserted. Knobs: AGC_RENDER_BENCH_TPS (tokens/s, default 200).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { buildAnswer, tokenize } from '../simulator/answer';
import { contentSecurityPolicy, makeNonce } from '../../src/webview/csp';

const REPO = path.resolve(__dirname, '../../..');
const ORIGIN = 'https://bench.test';
const CHROMIUM = process.env.AGC_CHROMIUM ?? '/usr/bin/chromium';
const TPS = Number(process.env.AGC_RENDER_BENCH_TPS ?? 200);
const INTERVAL_MS = 30;

interface Result { longTasks: number; longest: number; mainThreadMs: number; scriptMs: number; layoutMs: number; styleMs: number; wallMs: number; textLength: number }

function html(nonce: string): string {
  return `<!DOCTYPE html><html><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(ORIGIN, nonce)}">
<link rel="stylesheet" nonce="${nonce}" href="${ORIGIN}/chat.css"></head>
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
</script>
<script nonce="${nonce}" src="${ORIGIN}/ui.js"></script></body></html>`;
}

function messages(): unknown[] {
  const answer = buildAnswer(42, 'gpt-4.1', 'Please give me a long answer');
  const tokens = tokenize(answer, 42);
  const perMessage = Math.max(1, Math.round((TPS * INTERVAL_MS) / 1000));
  const strings = Object.fromEntries(['send', 'stop', 'copy', 'insert', 'openInEditor', 'assistant', 'you', 'tokens'].map((k) => [k, k]));
  const out: unknown[] = [{
    type: 'state',
    state: {
      conversationId: 'bench', title: 'bench', connections: [{ id: 'c', label: 'c' }], connectionId: 'c', modelId: 'm', models: [{ id: 'm', label: 'm' }],
      systemPrompt: '', context: [], busy: true, totals: { tokens: 0 }, strings,
      turns: [{ id: 'u', role: 'user', content: 'Please give me a long answer' }, { id: 'a', role: 'assistant', content: '', status: 'streaming' }],
    },
  }];
  let offset = 0;
  for (let i = 0; i < tokens.length; i += perMessage) {
    const text = tokens.slice(i, i + perMessage).join('');
    out.push({ type: 'delta', turnId: 'a', offset, text });
    offset += text.length;
  }
  out.push({ type: 'turn', turn: { id: 'a', role: 'assistant', content: answer, status: 'done' }, busy: false, totals: { tokens: tokens.length } });
  return out;
}

async function run(browser: Browser, ui: string, msgs: unknown[]): Promise<Result> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const nonce = makeNonce();
  const css = fs.readFileSync(path.join(REPO, 'media/chat.css'));
  await page.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.pathname === '/index.html') return route.fulfill({ contentType: 'text/html', body: html(nonce) });
    if (u.pathname === '/ui.js') return route.fulfill({ contentType: 'text/javascript', body: ui });
    if (u.pathname === '/chat.css') return route.fulfill({ contentType: 'text/css', body: css });
    return route.abort();
  });
  await page.goto(`${ORIGIN}/index.html`);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async (): Promise<Record<string, number>> =>
    Object.fromEntries(((await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> }).metrics.map((m) => [m.name, m.value]));
  await page.evaluate('window.__lt = []');
  const m0 = await metrics();
  const w0 = Date.now();
  await page.evaluate(`window.__replay(${JSON.stringify(msgs)}, ${INTERVAL_MS})`);
  const wallMs = Date.now() - w0;
  const m1 = await metrics();
  const ms = (name: string): number => ((m1[name] ?? 0) - (m0[name] ?? 0)) * 1000;
  const lt = (await page.evaluate('window.__lt')) as number[];
  const textLength = (await page.evaluate("document.querySelector('.turn.assistant .body')?.textContent.length ?? 0")) as number;
  await page.close();
  return { longTasks: lt.length, longest: lt.length ? Math.max(...lt) : 0, mainThreadMs: ms('TaskDuration'), scriptMs: ms('ScriptDuration'), layoutMs: ms('LayoutDuration'), styleMs: ms('RecalcStyleDuration'), wallMs, textLength };
}

async function main(): Promise<void> {
  const ours = path.join(REPO, 'dist/ui/chat.js');
  if (!fs.existsSync(ours)) throw new Error('dist/ui/chat.js is missing: build first');
  const naive = (await esbuild.build({
    entryPoints: [path.join(REPO, 'src/ui/chat/naive.ts')], bundle: true, write: false, minify: true, format: 'iife', platform: 'browser', target: ['chrome120'], logLevel: 'warning',
  })).outputFiles[0]!.text;
  const msgs = messages();
  const kb = (JSON.stringify(msgs[msgs.length - 1]).length / 1024).toFixed(0);
  console.log(`streaming render: ~${kb} KB answer at ${TPS} tokens/s, one delta per ${INTERVAL_MS} ms (${msgs.length - 2} messages), headless Chromium`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const a = await run(browser, fs.readFileSync(ours, 'utf8'), msgs);
    const b = await run(browser, naive, msgs);
    const row = (name: string, r: Result): string =>
      `  ${name.padEnd(6)} long tasks (>50 ms): ${String(r.longTasks).padStart(4)}   longest: ${r.longest.toFixed(0).padStart(5)} ms   main-thread: ${r.mainThreadMs.toFixed(0).padStart(7)} ms (script ${r.scriptMs.toFixed(0)}, layout ${r.layoutMs.toFixed(0)}, style ${r.styleMs.toFixed(0)})   wall: ${(r.wallMs / 1000).toFixed(1)} s   text: ${r.textLength} chars`;
    console.log(row('ours', a) + '   (budget: ≤ 2 long tasks)');
    console.log(row('naive', b));
    console.log(`  main-thread ours / naive: ${(a.mainThreadMs / Math.max(1, b.mainThreadMs)).toFixed(3)} (budget ≤ 0.2)`);
  } finally {
    await browser.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
