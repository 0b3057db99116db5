/**
 * A Prompter for the integration tests: answers each step from a script (by step id; a queue of answers per step,
 * 'BACK', 'CANCEL', a forced invalid answer, or a function of the step), types each answer through the step's own
 * validation, and records everything it was shown — steps, refusals, warnings, messages, secrets shown once, progress.
 * Put in with the test API's usePrompter(); every multi-step flow (keys, connections) asks through it then.
 */
import { strict as assert } from 'node:assert';
import type {
  InputStep,
  PickStep,
  ProgressWhere,
  Prompter,
  SecretPanel,
  StepResult,
} from '../../../src/platform/prompter';

export type Answer =
  | string
  | readonly string[]
  | { readonly value: string; readonly force?: boolean; readonly expectInvalid?: boolean; readonly review?: boolean }
  /** The step's current answer, through its review button (straight to the summary). */
  | 'REVIEW'
  | 'BACK'
  | 'CANCEL'
  | ((step: InputStep | PickStep) => string | readonly string[]);

export interface Shown {
  readonly id: string;
  readonly kind: 'input' | 'pick';
  readonly step?: number;
  readonly totalSteps?: number;
  readonly title: string;
  readonly validationMessage?: string;
  readonly value?: string;
  readonly items?: readonly string[];
  readonly password?: boolean;
  /** The step offered the review button (its tooltip). */
  readonly review?: string;
}

export class ScriptedPrompter implements Prompter {
  readonly shown: Shown[] = [];
  /** Messages the step's own validation gave for each typed answer. */
  readonly validations: Record<string, string[]> = {};
  readonly secrets: Array<{ message: string; secret: string; panel: SecretPanel }> = [];
  readonly infos: string[] = [];
  readonly warnings: string[] = [];
  readonly errors: string[] = [];
  readonly confirms: Array<{ message: string; detail?: string }> = [];
  /** Non-modal warnings with actions (ask), and what the step's `warn` said for each typed answer. */
  readonly asks: Array<{ message: string; actions: readonly string[] }> = [];
  readonly stepWarnings: Record<string, string[]> = {};
  readonly progressShown: Array<{ title: string; where: ProgressWhere }> = [];
  private readonly queues = new Map<string, Answer[]>();

  constructor(
    script: Record<string, Answer | Answer[]> = {},
    private readonly confirmWith: (actions: readonly string[]) => string | undefined = (a) => a[0],
    private readonly askWith: (actions: readonly string[]) => string | undefined = () => undefined,
  ) {
    // a plain array is always a queue of answers, one per showing of the step (wrap a multi-pick answer: [[a, b]])
    for (const [id, a] of Object.entries(script)) this.queues.set(id, Array.isArray(a) ? [...a] : [a]);
  }

  /** Queues more answers for a step (used between attempts). */
  answer(id: string, ...answers: Answer[]): this {
    this.queues.set(id, [...(this.queues.get(id) ?? []), ...answers]);
    return this;
  }

  private next(id: string): Answer | undefined {
    return this.queues.get(id)?.shift();
  }

  ids(): string[] {
    return this.shown.map((s) => s.id);
  }

  async input(step: InputStep): Promise<StepResult<string>> {
    this.shown.push({
      id: step.id,
      kind: 'input',
      step: step.step,
      totalSteps: step.totalSteps,
      title: step.title,
      validationMessage: step.validationMessage,
      value: step.value,
      ...(step.password ? { password: true } : {}),
      ...(step.review ? { review: step.review } : {}),
    });
    for (;;) {
      let a = this.next(step.id);
      if (typeof a === 'function') a = a(step);
      if (a === 'BACK') return { kind: 'back' };
      if (a === 'CANCEL') return { kind: 'cancel' };
      if (a === 'REVIEW') a = { value: step.value, review: true };
      const typed =
        a === undefined
          ? { value: step.value }
          : typeof a === 'string'
            ? { value: a }
            : (a as { value: string; force?: boolean; expectInvalid?: boolean; review?: boolean });
      const message = step.validate(typed.value);
      if (message) (this.validations[step.id] ??= []).push(message);
      const warning = step.warn?.(typed.value);
      if (warning) (this.stepWarnings[step.id] ??= []).push(warning);
      if ('expectInvalid' in typed && typed.expectInvalid) {
        assert.ok(message, `step ${step.id}: "${typed.value}" should have been refused as typed`);
        continue; // the UI keeps the step open: type the next answer
      }
      if (message && !('force' in typed && typed.force))
        throw new Error(`step ${step.id}: the answer "${typed.value}" was refused: ${message}`);
      if (typed.review) {
        assert.ok(step.review, `step ${step.id} offers no review button`);
        return { kind: 'value', value: typed.value, review: true };
      }
      return { kind: 'value', value: typed.value };
    }
  }

  async pick(step: PickStep): Promise<StepResult<readonly string[]>> {
    this.shown.push({
      id: step.id,
      kind: 'pick',
      step: step.step,
      totalSteps: step.totalSteps,
      title: step.title,
      validationMessage: step.validationMessage,
      items: step.items.map((i) => i.id),
      ...(step.review ? { review: step.review } : {}),
    });
    let a = this.next(step.id);
    if (typeof a === 'function') a = a(step);
    if (a === 'BACK') return { kind: 'back' };
    if (a === 'CANCEL') return { kind: 'cancel' };
    const review = a === 'REVIEW';
    if (review) assert.ok(step.review, `step ${step.id} offers no review button`);
    let ids: readonly string[];
    if (a === undefined || review) {
      const picked = step.items.filter((i) => i.picked).map((i) => i.id);
      ids = step.canPickMany ? picked : [picked[0] ?? step.items[0]!.id];
    } else {
      ids = typeof a === 'string' ? [a] : (a as readonly string[]);
    }
    for (const id of ids)
      assert.ok(
        step.items.some((i) => i.id === id),
        `step ${step.id} offers "${id}" (has ${step.items.map((i) => i.id).join(', ')})`,
      );
    return { kind: 'value', value: ids, ...(review ? { review: true } : {}) };
  }

  async confirm(message: string, detail: string | undefined, actions: readonly string[]): Promise<string | undefined> {
    this.confirms.push({ message, ...(detail ? { detail } : {}) });
    return this.confirmWith(actions);
  }

  async showSecret(panel: SecretPanel): Promise<void> {
    this.secrets.push({ message: panel.title, secret: panel.secret, panel });
  }

  info(message: string): void {
    this.infos.push(message);
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  async error(message: string): Promise<string | undefined> {
    this.errors.push(message);
    return undefined;
  }

  /** Answers with `askWith` (by default: dismissed). */
  async ask(message: string, actions: readonly string[]): Promise<string | undefined> {
    this.asks.push({ message, actions });
    return this.askWith(actions);
  }

  progress<T>(title: string, where: ProgressWhere, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.progressShown.push({ title, where });
    return task(new AbortController().signal);
  }
}
