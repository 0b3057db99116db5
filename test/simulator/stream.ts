/** Chat completions: the non-stream body and the SSE stream (contract part C), shared by both gateways. */
import { performance } from 'node:perf_hooks';
import { type Ctx, type SimEnv, nextTickish, sleep } from './http-util';
import { type ToolCallPlan, tokenize } from './answer';
import type { Fault, GatewayName, StreamRecord } from './types';
import { type InputPlan, type UsageOptions, chatUsage, reasoningTokens } from './usage';

export interface ChatPlan {
  gateway: GatewayName;
  id: string;
  created: number;
  model: string;
  systemFingerprint?: string;
  content: string;
  toolCalls: ToolCallPlan[];
  promptTokens: number;
  /** The input's cache classes (see ./usage); without it the prompt is all uncached input. */
  inputs?: InputPlan;
  usageOptions?: UsageOptions;
  includeUsage: boolean;
  /** Comment written every ~1 s while streaming. */
  keepAlive: string;
  keepAliveAtStart: boolean;
  seed: number;
  /** Message of the mid-stream error event. */
  midStreamErrorMessage: string;
}

export interface ChatOutcome {
  /** Reasoning included. */
  completionTokens: number;
  finished: boolean;
  closedByClient: boolean;
}

/** Completion tokens of the full (non-truncated) answer. */
export function fullCompletionTokens(plan: ChatPlan): number {
  if (plan.toolCalls.length > 0) {
    return plan.toolCalls.reduce((n, c) => n + c.fragments.length + 4, 0);
  }
  return tokenize(plan.content, plan.seed).length;
}

/** The usage of an answer of `visible` tokens, shaped for the model's family (reasoning added inside the completion). */
export function usageFor(plan: ChatPlan, visible: number): Record<string, unknown> {
  const reasoning = reasoningTokens(plan.model, visible);
  const inputs = plan.inputs ?? { prompt: plan.promptTokens, cached: 0, cacheWrite: 0 };
  return chatUsage(plan.model, inputs, visible + reasoning, reasoning, plan.usageOptions ?? { gateway: plan.gateway });
}

export function completionBody(plan: ChatPlan): Record<string, unknown> {
  const completion = fullCompletionTokens(plan);
  const message: Record<string, unknown> =
    plan.toolCalls.length > 0
      ? {
          role: 'assistant',
          content: null,
          tool_calls: plan.toolCalls.map((c) => ({
            id: c.id,
            type: 'function',
            function: { name: c.name, arguments: c.arguments },
          })),
        }
      : { role: 'assistant', content: plan.content };
  const body: Record<string, unknown> = {
    id: plan.id,
    object: 'chat.completion',
    created: plan.created,
    model: plan.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: plan.toolCalls.length > 0 ? 'tool_calls' : 'stop' }],
    usage: usageFor(plan, completion),
  };
  if (plan.systemFingerprint) {
    body['system_fingerprint'] = plan.systemFingerprint;
  }
  return body;
}

interface Ev {
  payload: Record<string, unknown>;
  paced: boolean;
  tokens: number;
}

function chunk(plan: ChatPlan, delta: Record<string, unknown>, finish: string | null): Record<string, unknown> {
  const c: Record<string, unknown> = {
    id: plan.id,
    object: 'chat.completion.chunk',
    created: plan.created,
    model: plan.model,
  };
  if (plan.systemFingerprint) {
    c['system_fingerprint'] = plan.systemFingerprint;
  }
  c['choices'] = [{ index: 0, delta, logprobs: null, finish_reason: finish }];
  if (plan.includeUsage) {
    c['usage'] = null;
  }
  return c;
}

function buildEvents(plan: ChatPlan): { events: Ev[]; usageEvent: (completion: number) => Record<string, unknown> } {
  const events: Ev[] = [];
  if (plan.toolCalls.length > 0) {
    events.push({ payload: chunk(plan, { role: 'assistant', content: null }, null), paced: false, tokens: 0 });
    plan.toolCalls.forEach((c, index) => {
      events.push({
        payload: chunk(
          plan,
          { tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] },
          null,
        ),
        paced: true,
        tokens: 4,
      });
      for (const frag of c.fragments) {
        events.push({
          payload: chunk(plan, { tool_calls: [{ index, function: { arguments: frag } }] }, null),
          paced: true,
          tokens: 1,
        });
      }
    });
    events.push({ payload: chunk(plan, {}, 'tool_calls'), paced: false, tokens: 0 });
  } else {
    events.push({ payload: chunk(plan, { role: 'assistant', content: '' }, null), paced: false, tokens: 0 });
    for (const piece of tokenize(plan.content, plan.seed)) {
      events.push({ payload: chunk(plan, { content: piece }, null), paced: true, tokens: 1 });
    }
    events.push({ payload: chunk(plan, {}, 'stop'), paced: false, tokens: 0 });
  }
  const usageEvent = (completion: number): Record<string, unknown> => {
    const u: Record<string, unknown> = {
      id: plan.id,
      object: 'chat.completion.chunk',
      created: plan.created,
      model: plan.model,
    };
    if (plan.systemFingerprint) {
      u['system_fingerprint'] = plan.systemFingerprint;
    }
    u['choices'] = [];
    u['usage'] = usageFor(plan, completion);
    return u;
  };
  return { events, usageEvent };
}

/** Streams a planned answer over SSE. Resolves when the response ended or the client went away. */
export async function runStream(ctx: Ctx, env: SimEnv, plan: ChatPlan, fault: Fault | undefined): Promise<ChatOutcome> {
  const { res } = ctx;
  const rec: StreamRecord = {
    id: plan.id,
    gateway: plan.gateway,
    model: plan.model,
    chunksSent: 0,
    finished: false,
    closedByClient: false,
    splitWrites: 0,
  };
  if (fault) {
    rec.fault = fault.kind;
  }
  env.recordStream(rec);

  let ended = false;
  let closed = false;
  res.on('close', () => {
    closed = true;
    if (!ended && !env.isClosing()) {
      rec.closedByClient = true;
    }
  });

  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });

  const write = (data: string | Buffer): Promise<void> => {
    if (closed || res.destroyed) {
      return Promise.resolve();
    }
    const ok = res.write(data);
    if (ok) {
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  };

  let eventNo = 0;
  const writeEvent = async (payload: Record<string, unknown> | string): Promise<void> => {
    const text = `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
    const buf = Buffer.from(text, 'utf8');
    eventNo++;
    // Deterministically split some events across two writes, mid UTF-8 character when there is one.
    const multi = buf.findIndex((b) => (b & 0xc0) === 0x80);
    if ((multi > 0 && eventNo % 3 === 0) || eventNo % 11 === 5) {
      const at = multi > 0 ? multi : Math.max(1, Math.floor(buf.length / 2));
      rec.splitWrites++;
      await write(buf.subarray(0, at));
      await nextTickish();
      await write(buf.subarray(at));
    } else {
      await write(buf);
    }
  };

  const rate = env.streamTokensPerSecond;
  const tickMs = rate <= 0 ? 0 : rate >= 50 ? 20 : 1000 / rate;
  const start = performance.now();
  let lastKeepAlive = start;
  const keepAliveIfDue = async (): Promise<void> => {
    const t = performance.now();
    if (t - lastKeepAlive >= 1000) {
      lastKeepAlive = t;
      await write(`${plan.keepAlive}\n\n`);
    }
  };

  if (plan.keepAliveAtStart) {
    await write(`${plan.keepAlive}\n\n`);
  }

  const { events, usageEvent } = buildEvents(plan);
  let pacedTokens = 0;
  let completionTokens = 0;

  const finishEnd = (): void => {
    ended = true;
    if (!closed && !res.destroyed) {
      res.end();
    }
  };

  const applyFault = async (): Promise<boolean> => {
    if (!fault) {
      return false;
    }
    if (fault.kind === 'truncate-stream') {
      finishEnd();
      return true;
    }
    if (fault.kind === 'mid-stream-error') {
      await writeEvent({
        error: { message: plan.midStreamErrorMessage, type: 'upstream_error', code: 'bad_response' },
      });
      rec.chunksSent++;
      if (fault.thenDone) {
        await writeEvent('[DONE]');
      }
      finishEnd();
      return true;
    }
    return false;
  };
  const faultAfter =
    fault && (fault.kind === 'truncate-stream' || fault.kind === 'mid-stream-error') ? fault.afterChunks : -1;

  let i = 0;
  while (i < events.length) {
    if (closed) {
      break;
    }
    if (rec.chunksSent === faultAfter) {
      await applyFault();
      return { completionTokens, finished: false, closedByClient: rec.closedByClient };
    }
    const ev = events[i];
    if (!ev) {
      break;
    }
    if (ev.paced && rate > 0) {
      const due = Math.floor(((performance.now() - start) * rate) / 1000) + 1;
      if (pacedTokens >= due) {
        await sleep(tickMs);
        await keepAliveIfDue();
        continue;
      }
    }
    await keepAliveIfDue();
    await writeEvent(ev.payload);
    rec.chunksSent++;
    pacedTokens += ev.paced ? 1 : 0;
    completionTokens += ev.tokens;
    i++;
  }
  if (closed) {
    return { completionTokens, finished: false, closedByClient: rec.closedByClient };
  }
  if (faultAfter >= 0) {
    // the answer was shorter than afterChunks: break it at the end, before any usage / [DONE]
    await applyFault();
    return { completionTokens, finished: false, closedByClient: rec.closedByClient };
  }
  if (plan.includeUsage) {
    await writeEvent(usageEvent(completionTokens));
    rec.chunksSent++;
  }
  await writeEvent('[DONE]');
  finishEnd();
  rec.finished = !closed;
  return {
    completionTokens: completionTokens + reasoningTokens(plan.model, completionTokens),
    finished: rec.finished,
    closedByClient: rec.closedByClient,
  };
}
