/**
 * Routes the messages a webview posts: each is validated with its zod schema first; an invalid or unknown one is
 * dropped with a debug log. A handler's failure is logged, never thrown into VS Code.
 * There is no generic "run this command" message: every message type has its own handler.
 */
import type * as z from 'zod';
import type { Logger } from '../platform/logger';

export type Handlers<M extends { type: string }> = { [K in M['type']]: (msg: Extract<M, { type: K }>) => unknown };

export class MessageRouter<M extends { type: string }> {
  /** How many messages were dropped as invalid (the fuzz test reads it). */
  dropped = 0;

  constructor(
    private readonly schema: z.ZodType<M>,
    private readonly handlers: Handlers<M>,
    private readonly log: Logger,
    private readonly onError: (e: unknown, msg: M) => void = () => undefined,
    /** Sees every valid message before its handler runs (the host counts the `ready` handshakes). */
    private readonly observe: (msg: M) => void = () => undefined,
  ) {}

  /** Validates and dispatches one inbound message; resolves when its handler has finished. */
  async handle(raw: unknown): Promise<void> {
    const r = this.schema.safeParse(raw);
    if (!r.success) {
      this.dropped++;
      const type = raw && typeof raw === 'object' && 'type' in raw ? String(raw.type).slice(0, 40) : typeof raw;
      this.log.debug(
        `dropped an invalid webview message (type ${JSON.stringify(type)}): ${r.error.issues
          .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
          .join('; ')
          .slice(0, 300)}`,
      );
      return;
    }
    const msg = r.data;
    this.observe(msg);
    const handler = this.handlers[msg.type as M['type']] as (m: M) => unknown;
    try {
      await handler(msg);
    } catch (e) {
      this.log.error(`webview message ${msg.type} failed`, e);
      this.onError(e, msg);
    }
  }
}
