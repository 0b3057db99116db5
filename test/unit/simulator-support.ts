/** What the simulator's tests share (not a test file): the test clock, fetch helpers, an SSE reader, the common simulator. */
import * as z from 'zod';
import { envelopeSchema } from '../../src/gateway/aihubmix/schemas';
import { completionSchema } from '../../src/gateway/openai';
import { chunkSchema, streamErrorSchema } from '../../src/gateway/sse';
import { startSimulator, type Simulator } from '../simulator/index';

export const NOW = Date.UTC(2026, 10, 18, 9, 30, 0); // Wed 2026-11-18 09:30 UTC
const t0 = Date.now();
export const clock = (): number => NOW + (Date.now() - t0);

export interface Res<T = unknown> {
  status: number;
  headers: Headers;
  /** The JSON body; after callAs, as the schema parsed it. */
  body: T;
  /** The JSON body as sent (for assertions on the wire shape itself). */
  raw: unknown;
  text: string;
}

/** fetch, and the body as JSON (undefined when empty or not JSON); a test that reads its fields uses callAs. */
export async function call(url: string, init: RequestInit = {}): Promise<Res> {
  const r = await fetch(url, init);
  const text = await r.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    body = undefined;
  }
  return { status: r.status, headers: r.headers, body, raw: body, text };
}

/** The value parsed with a schema; a mismatch fails the test, naming the path and showing the value. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, what = 'the value'): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success)
    throw new Error(
      `${what} does not fit its schema:\n${z.prettifyError(r.error)}\n${JSON.stringify(value)?.slice(0, 800)}`,
    );
  return r.data;
}

/**
 * call, then the body parsed with a schema. Where the client reads that answer it is the client's own schema
 * (src/gateway/<kind>/schemas.ts), so the test is also a contract test: what the simulator sends, the client accepts.
 * A test that asserts a field the client does not read extends the client's schema with it.
 */
export async function callAs<S extends z.ZodType>(
  schema: S,
  url: string,
  init: RequestInit = {},
): Promise<Res<z.output<S>>> {
  const r = await call(url, init);
  return { ...r, body: parse(schema, r.body, `${init.method ?? 'GET'} ${url} → ${r.status}: the body`) };
}

/** The client's chat completion, with the `usage` the tests compare against. */
export const completionWithUsage = completionSchema.extend({ usage: z.object({ total_tokens: z.number() }) });

/** AIHubMix's `{success, message, data}` envelope with `data` of the given schema. */
export const envelope = <S extends z.ZodType>(data: S) => envelopeSchema.extend({ data });

export function json(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export interface Sse {
  raw: string;
  comments: string[];
  data: string[];
  /** Every data line but [DONE], parsed with the client's stream-chunk schema (and its mid-stream error). */
  chunks: z.output<typeof sseChunk>[];
}

const sseChunk = chunkSchema.extend({ error: streamErrorSchema.shape.error.optional() });

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
          out.chunks.push(parse(sseChunk, JSON.parse(d), 'a stream chunk'));
        }
      }
    }
  }
  return out;
}

export function contentOf(sse: Sse): string {
  return sse.chunks.map((c) => c.choices?.[0]?.delta?.content ?? '').join('');
}

export const sum = <T>(rows: readonly T[], f: keyof T): number => rows.reduce((s, r) => s + Number(r[f]), 0);
/** Sums decimal strings with exactly 4 decimals as integers of 1/10000. */
export const sumE4 = (vals: string[]): number => vals.reduce((s, v) => s + Math.round(Number(v) * 10000), 0);

/** The simulator most of these tests share: seed 42, the test clock, streams unpaced; with both management auth headers. */
export async function startShared(): Promise<{
  sim: Simulator;
  aAuth: Record<string, string>;
  hAuth: Record<string, string>;
}> {
  const sim = await startSimulator({ seed: 42, now: clock, streamTokensPerSecond: 0 });
  return {
    sim,
    aAuth: { authorization: `Bearer ${sim.aione.adminToken}` },
    hAuth: { authorization: sim.aihubmix.accessToken },
  };
}
