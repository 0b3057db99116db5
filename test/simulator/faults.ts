import type { Fault, FaultController, FaultKind, FaultRule, GatewayName } from './types';
import { isRecord } from './http-util';

/** Faults that only make sense on a streaming chat request. */
export const STREAM_KINDS: ReadonlySet<FaultKind> = new Set<FaultKind>([
  'truncate-stream',
  'mid-stream-error',
  'json-error-instead-of-stream',
]);

export interface FaultMatchInput {
  gateway: GatewayName;
  method: string;
  path: string;
  isStream: boolean;
  /** The model the request body names, if any. */
  model?: string;
}

export class FaultControllerImpl implements FaultController {
  private rules: FaultRule[] = [];

  add(rule: FaultRule): void {
    const r = normalizeRule(rule);
    this.rules.push(r);
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r, fault: { ...r.fault } }));
  }

  /** Finds the first matching rule, counts it down, and returns its fault. */
  take(m: FaultMatchInput): Fault | undefined {
    for (let i = 0; i < this.rules.length; i++) {
      const r = this.rules[i];
      if (!r || !matches(r, m)) {
        continue;
      }
      const left = (r.times ?? 1) - 1;
      if (left <= 0) {
        this.rules.splice(i, 1);
      } else {
        r.times = left;
      }
      return r.fault;
    }
    return undefined;
  }
}

function matches(r: FaultRule, m: FaultMatchInput): boolean {
  if (r.gateway && r.gateway !== m.gateway) {
    return false;
  }
  if (r.method && r.method.toUpperCase() !== m.method.toUpperCase()) {
    return false;
  }
  if (r.path) {
    if (r.path.endsWith('*')) {
      if (!m.path.startsWith(r.path.slice(0, -1))) {
        return false;
      }
    } else if (r.path !== m.path) {
      return false;
    }
  }
  if (r.model !== undefined && r.model !== m.model) {
    return false;
  }
  if (STREAM_KINDS.has(r.fault.kind) && !m.isStream) {
    return false;
  }
  if (r.fault.kind === 'success-false' && m.gateway !== 'aihubmix') {
    return false;
  }
  return true;
}

function num(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new TypeError(`${what} must be a finite number`);
  }
  return v;
}

/** Validates a rule (from code or from JSON over HTTP); `times` null/'Infinity'/-1 mean Infinity. */
export function normalizeRule(input: unknown): FaultRule {
  if (!isRecord(input)) {
    throw new TypeError('a fault rule must be an object');
  }
  const out: FaultRule = { fault: normalizeFault(input['fault']) };
  const g = input['gateway'];
  if (g !== undefined && g !== null) {
    if (g !== 'aione' && g !== 'aihubmix') {
      throw new TypeError("gateway must be 'aione' or 'aihubmix'");
    }
    out.gateway = g;
  }
  const method = input['method'];
  if (method !== undefined && method !== null) {
    if (typeof method !== 'string' || method === '') {
      throw new TypeError('method must be a string');
    }
    out.method = method.toUpperCase();
  }
  const path = input['path'];
  if (path !== undefined && path !== null) {
    if (typeof path !== 'string' || !path.startsWith('/')) {
      throw new TypeError("path must be a string starting with '/'");
    }
    out.path = path;
  }
  const model = input['model'];
  if (model !== undefined && model !== null) {
    if (typeof model !== 'string' || model === '') {
      throw new TypeError('model must be a non-empty string');
    }
    out.model = model;
  }
  const times = input['times'];
  if (times === undefined) {
    out.times = 1;
  } else if (times === null || times === 'Infinity' || times === -1 || times === Infinity) {
    out.times = Infinity;
  } else if (typeof times === 'number' && Number.isInteger(times) && times >= 1) {
    out.times = times;
  } else {
    throw new TypeError('times must be a positive integer or Infinity');
  }
  return out;
}

export function normalizeFault(f: unknown): Fault {
  if (!isRecord(f)) {
    throw new TypeError('fault must be an object with a kind');
  }
  switch (f['kind']) {
    case 'latency':
      return { kind: 'latency', ms: Math.max(0, num(f['ms'], 'latency.ms')) };
    case 'status': {
      const status = num(f['status'], 'status.status');
      if (!Number.isInteger(status) || status < 100 || status > 599) {
        throw new TypeError('status.status must be an HTTP status');
      }
      const out: Fault = { kind: 'status', status };
      if (f['retryAfter'] !== undefined && f['retryAfter'] !== null) {
        out.retryAfter = num(f['retryAfter'], 'status.retryAfter');
      }
      if (f['body'] !== undefined) {
        out.body = f['body'];
      }
      return out;
    }
    case 'hang':
      return { kind: 'hang' };
    case 'reset':
      return { kind: 'reset' };
    case 'malformed-json':
      return { kind: 'malformed-json' };
    case 'success-false': {
      const out: Fault = { kind: 'success-false' };
      if (typeof f['message'] === 'string') {
        out.message = f['message'];
      }
      return out;
    }
    case 'truncate-stream':
      return { kind: 'truncate-stream', afterChunks: Math.max(0, Math.floor(num(f['afterChunks'], 'afterChunks'))) };
    case 'mid-stream-error': {
      const out: Fault = {
        kind: 'mid-stream-error',
        afterChunks: Math.max(0, Math.floor(num(f['afterChunks'], 'afterChunks'))),
      };
      if (typeof f['thenDone'] === 'boolean') {
        out.thenDone = f['thenDone'];
      }
      return out;
    }
    case 'json-error-instead-of-stream': {
      const status = num(f['status'], 'status');
      if (!Number.isInteger(status) || status < 400 || status > 599) {
        throw new TypeError('json-error-instead-of-stream.status must be 4xx/5xx');
      }
      return { kind: 'json-error-instead-of-stream', status };
    }
    default:
      throw new TypeError(`unknown fault kind: ${String(f['kind'])}`);
  }
}

/** JSON view of rules (Infinity as the string 'Infinity'). */
export function rulesToJson(rules: FaultRule[]): unknown[] {
  return rules.map((r) => ({ ...r, times: r.times === Infinity ? 'Infinity' : r.times }));
}
