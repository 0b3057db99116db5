/** What the simulator's tests share (not a test file): the test clock, fetch helpers, an SSE reader, the common simulator. */
import { startSimulator, type Simulator } from '../simulator/index';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Any = any;

export const NOW = Date.UTC(2026, 10, 18, 9, 30, 0); // Wed 2026-11-18 09:30 UTC
const t0 = Date.now();
export const clock = (): number => NOW + (Date.now() - t0);

export interface Res {
  status: number;
  headers: Headers;
  body: Any;
  text: string;
}

export async function call(url: string, init: RequestInit = {}): Promise<Res> {
  const r = await fetch(url, init);
  const text = await r.text();
  let body: Any = undefined;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: r.status, headers: r.headers, body, text };
}

export function json(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export interface Sse {
  raw: string;
  comments: string[];
  data: string[];
  chunks: Any[];
}

export function parseSse(raw: string): Sse {
  const out: Sse = { raw, comments: [], data: [], chunks: [] };
  for (const block of raw.split('\n\n')) {
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        out.comments.push(line);
      } else if (line.startsWith('data: ')) {
        const d = line.slice(6);
        out.data.push(d);
        if (d !== '[DONE]') {
          out.chunks.push(JSON.parse(d));
        }
      }
    }
  }
  return out;
}

export function contentOf(sse: Sse): string {
  return sse.chunks.map((c) => (c.choices?.[0]?.delta?.content as string | undefined) ?? '').join('');
}

export const sum = (rows: Any[], f: string): number => rows.reduce((s: number, r: Any) => s + Number(r[f]), 0);
/** Sums decimal strings with exactly 4 decimals as integers of 1/10000. */
export const sumE4 = (vals: string[]): number => vals.reduce((s, v) => s + Math.round(Number(v) * 10000), 0);


/** The simulator most of these tests share: seed 42, the test clock, streams unpaced; with both management auth headers. */
export async function startShared(): Promise<{ sim: Simulator; aAuth: Record<string, string>; hAuth: Record<string, string> }> {
  const sim = await startSimulator({ seed: 42, now: clock, streamTokensPerSecond: 0 });
  return { sim, aAuth: { authorization: `Bearer ${sim.aione.adminToken}` }, hAuth: { authorization: sim.aihubmix.accessToken } };
}
