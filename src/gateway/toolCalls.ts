/**
 * Assembles streamed tool calls from their fragments. A stream sends each call as deltas keyed by
 * `tool_calls[i].index`: the first delta of a call carries its id and name, the next ones carry pieces of the
 * arguments' JSON text, which are concatenated in order. Relays differ, so assembly is lenient:
 *   - a delta without an index, or with one that is negative or not an integer, belongs to index 0;
 *   - a delta that repeats the index of a call that already has a name but carries another id starts a new call
 *     (some relays number every call 0);
 *   - a call without an id gets a generated one (the caller needs one to send the result back);
 *   - a call whose arguments are empty means `{}`.
 */
import type { ChatStreamEvent } from '../core/types';

export interface AssembledToolCall {
  /** Position in the answer (the stream's index; a repeated index gets the next free position). */
  readonly index: number;
  readonly id: string;
  readonly name: string;
  /** The arguments' JSON text as the model produced it ('{}' when it sent none). */
  readonly arguments: string;
}

interface Slot {
  id?: string;
  name?: string;
  args: string;
  order: number;
}

type ToolCallDelta = Extract<ChatStreamEvent, { type: 'tool-call' }>;

export class ToolCallAssembler {
  /** The slot that receives deltas for a stream index (it moves on when a relay reuses an index). */
  private readonly current = new Map<number, Slot>();
  private readonly slots: Slot[] = [];

  constructor(private readonly newId: (n: number) => string = (n) => `call_${Date.now().toString(36)}_${n}`) {}

  add(delta: ToolCallDelta): void {
    const index = Number.isInteger(delta.index) ? Math.max(0, delta.index) : 0;
    let slot = this.current.get(index);
    const startsAnother =
      slot !== undefined &&
      delta.id !== undefined &&
      slot.id !== undefined &&
      delta.id !== slot.id &&
      slot.name !== undefined;
    if (!slot || startsAnother) {
      slot = { args: '', order: this.slots.length };
      this.slots.push(slot);
      this.current.set(index, slot);
    }
    if (delta.id && !slot.id) slot.id = delta.id;
    if (delta.name && !slot.name) slot.name = delta.name; // relays that repeat the name in every fragment
    slot.args += delta.argumentsDelta;
  }

  /** The calls seen so far, in order; a call that never got a name is dropped (it cannot be run). */
  calls(): AssembledToolCall[] {
    return this.slots
      .filter((s) => s.name)
      .map((s, i) => ({
        index: i,
        id: s.id ?? this.newId(s.order),
        name: s.name!,
        arguments: s.args.trim() === '' ? '{}' : s.args,
      }));
  }

  /** How many deltas arrived for calls without a name (reported as a problem by the caller). */
  get nameless(): number {
    return this.slots.filter((s) => !s.name).length;
  }
}

/**
 * Parses a call's arguments into an object: JSON text that is an object. Anything else (truncated JSON, an array,
 * a string) is a malformed call, returned with the parser's reason.
 */
export function parseToolArguments(
  text: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; reason: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    return { ok: false, reason: 'the arguments are not a JSON object' };
  return { ok: true, value: v as Record<string, unknown> };
}
