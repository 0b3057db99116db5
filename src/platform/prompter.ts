/**
 * The whole UI surface of the multi-step flows (the key write flows, Add / Edit Connection, Update Token), behind
 * one interface: production uses the real quick input (vscodePrompter.ts); the integration tests use a scripted
 * prompter that answers each step and records what it was shown. No 'vscode' import here.
 */

export type StepResult<T> =
  /** `review`: the value, and go straight to the summary (the steps in between keep their answers). */
  | { readonly kind: 'value'; readonly value: T; readonly review?: boolean }
  | { readonly kind: 'back' }
  | { readonly kind: 'cancel' };

export interface StepHeader {
  /** A stable id: a KeyInput field ('name', 'allowedIps'…), 'expiresAt.date', 'summary', 'grace', 'pending'… */
  readonly id: string;
  /** "Create key", "Edit key "x""… (the step counter is added by the UI: "Create key (2/8)"). */
  readonly title: string;
  readonly step?: number;
  readonly totalSteps?: number;
  readonly canGoBack: boolean;
  /** A refusal to show as soon as the step opens (the gateway's answer to the last attempt). */
  readonly validationMessage?: string;
  /**
   * Offers a button that takes this step's answer and jumps to the summary, skipping the steps in between (they keep
   * their defaults); its tooltip. Absent: no such button.
   */
  readonly review?: string;
}

export interface InputStep extends StepHeader {
  readonly prompt: string;
  readonly value: string;
  readonly placeholder?: string;
  /** Checked as the user types; a message blocks accepting the step. */
  readonly validate: (value: string) => string | undefined;
  /** Checked as the user types; a message warns but does not block (e.g. plain http:// to another machine). */
  readonly warn?: (value: string) => string | undefined;
  /** What is typed is hidden (a token). */
  readonly password?: boolean;
}

export interface PickItem {
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  readonly detail?: string;
  readonly picked?: boolean;
  /** A heading between items (not pickable): its label is shown as a separator line. */
  readonly separator?: boolean;
}

/** A new full key, shown in a panel of its own (never a notification, which would keep it in the Notification Center). */
export interface SecretPanel {
  /** 'New key "ci-bot" on Demo AIone'. */
  readonly title: string;
  readonly keyName: string;
  readonly secret: string;
  /** The gateway cannot show it again (capabilities: secrets not readable): the panel says so. */
  readonly once: boolean;
  /** Ready-made texts holding the key (.env lines, snippets), each copied on its own line of the panel. */
  readonly copies: ReadonlyArray<{ readonly id: string; readonly label: string; readonly text: string }>;
}

export interface PickStep extends StepHeader {
  readonly placeholder: string;
  readonly items: readonly PickItem[];
  readonly canPickMany: boolean;
}

/** Where progress is shown: on the view the action started from, as a notification (cancellable), or in the status bar. */
export type ProgressWhere = { readonly viewId: string } | 'notification' | 'window';

export interface Prompter {
  input(step: InputStep): Promise<StepResult<string>>;
  /** The ids of the chosen items (one for a single pick). */
  pick(step: PickStep): Promise<StepResult<readonly string[]>>;
  /** A modal question; the chosen action, or undefined when dismissed. */
  confirm(message: string, detail: string | undefined, actions: readonly string[]): Promise<string | undefined>;
  /**
   * Shows a new full key in its own panel: Copy, each ready-made text, and "I've saved it" (which closes it). Resolves
   * when it is closed. Nothing is copied unless the user picks it.
   */
  showSecret(panel: SecretPanel): Promise<void>;
  info(message: string): void;
  warn(message: string): void;
  /** A non-modal warning with actions; the chosen action, or undefined when dismissed. */
  ask(message: string, actions: readonly string[]): Promise<string | undefined>;
  /** One clear sentence, with optional actions; the flows never wait for it to close. */
  error(message: string, actions?: readonly string[]): Promise<string | undefined>;
  progress<T>(title: string, where: ProgressWhere, task: (signal: AbortSignal) => Promise<T>): Promise<T>;
}
