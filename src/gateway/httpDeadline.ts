/** The overall deadline of one HTTP call, enforced without a timer per request. */

/** How often pending deadlines are checked: they are tens of seconds, so a quarter second is precise enough. */
const DEADLINE_SWEEP_MS = 250;
const armed = new Set<Deadline>();
let sweeper: ReturnType<typeof setInterval> | undefined;

function sweepDeadlines(): void {
  const now = Date.now();
  for (const d of armed) if (now >= d.atMs) d.fire();
  // Stryker disable next-line ConditionalExpression: clearInterval(undefined) does nothing
  if (armed.size === 0 && sweeper !== undefined) {
    // Stryker disable next-line CallExpression: a leftover sweep (unref'd) only visits an empty set; the next arm starts another
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

/** How many calls still hold an armed deadline: each call disarms its own when it ends, however it ends. */
export function armedDeadlines(): number {
  return armed.size;
}

/**
 * The overall deadline of one call. Until the response headers it is enforced by undici's headers timeout, cut to
 * what is left of the deadline; after them by one shared sweep that destroys the body of a call past its deadline.
 * (No timer or AbortController per request: either is a measurable share of a loopback call.)
 */
export class Deadline {
  private body?: { destroy(error?: Error): unknown };
  private fired = false;
  private cut = false;

  constructor(
    readonly atMs: number,
    readonly limitMs: number,
  ) {}

  /** The headers timeout for an attempt starting now: the configured one, or what is left of the deadline. */
  headersTimeout(configured: number): number {
    const left = Math.max(1, this.atMs - Date.now());
    this.cut = left < configured;
    return Math.min(configured, left);
  }

  /** Destroys the body if it is still being read when the deadline passes. */
  arm(body: { destroy(error?: Error): unknown }): void {
    this.body = body;
    armed.add(this);
    // Stryker disable next-line ConditionalExpression: a second sweep at the same period fires each deadline at the same tick
    if (sweeper === undefined) {
      sweeper = setInterval(sweepDeadlines, DEADLINE_SWEEP_MS);
      // A pending request holds its socket open; the sweep alone must not keep a process alive.
      // Stryker disable next-line OptionalChaining: Node's timers always have unref
      sweeper.unref?.();
    }
  }

  fire(): void {
    armed.delete(this);
    this.fired = true;
    this.body?.destroy(new Error('deadline'));
  }

  /** Whether an error was the deadline's doing (it fired, or a headers timeout it had cut short). */
  expired(e: unknown): boolean {
    if (this.fired) return true;
    const code = typeof e === 'object' && e !== null && 'code' in e ? e.code : undefined;
    return this.cut && code === 'UND_ERR_HEADERS_TIMEOUT';
  }

  dispose(): void {
    armed.delete(this);
    this.body = undefined;
  }
}
