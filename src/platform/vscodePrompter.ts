/**
 * The production Prompter: a small multi-step input on createInputBox / createQuickPick (one step at a time,
 * with a Back button and VS Code's step counter "Create key (2/8)"), and the notification / modal helpers.
 */
import * as vscode from 'vscode';
import { type IDisposable, toDisposable } from './lifecycle';
import { withProgress } from './progress';
import type { InputStep, PickStep, ProgressWhere, Prompter, StepResult } from './prompter';

type Item = vscode.QuickPickItem & { readonly id: string };

function header(q: vscode.QuickInput & { buttons: readonly vscode.QuickInputButton[] }, step: InputStep | PickStep): void {
  q.title = step.title;
  q.step = step.step;
  q.totalSteps = step.totalSteps;
  q.ignoreFocusOut = true;
  q.buttons = step.canGoBack ? [vscode.QuickInputButtons.Back] : [];
}

export class VsCodePrompter implements Prompter {
  input(step: InputStep): Promise<StepResult<string>> {
    const box = vscode.window.createInputBox();
    header(box, step);
    box.prompt = step.prompt;
    box.value = step.value;
    box.placeholder = step.placeholder;
    box.password = step.password === true;
    /** The refusal, else the warning, of a value. */
    const check = (v: string): string | vscode.InputBoxValidationMessage | undefined => {
      const refusal = step.validate(v);
      if (refusal) return refusal;
      const warning = step.warn?.(v);
      return warning ? { message: warning, severity: vscode.InputBoxValidationSeverity.Warning } : undefined;
    };
    // an empty first field is not an error yet; a pre-filled one is checked at once
    box.validationMessage = step.validationMessage ?? (step.value ? check(step.value) : undefined);
    // a refusal from the gateway stays until the value changes
    let serverMessage = step.validationMessage;
    const initial = step.value;
    const subs: vscode.Disposable[] = [];
    return new Promise<StepResult<string>>((resolve) => {
      subs.push(
        box.onDidChangeValue((v) => {
          if (v !== initial) serverMessage = undefined;
          box.validationMessage = serverMessage ?? check(v);
        }),
        box.onDidAccept(() => {
          const message = step.validate(box.value);
          if (message) {
            box.validationMessage = message;
            return;
          }
          resolve({ kind: 'value', value: box.value });
        }),
        box.onDidTriggerButton((b) => {
          if (b === vscode.QuickInputButtons.Back) resolve({ kind: 'back' });
        }),
        box.onDidHide(() => resolve({ kind: 'cancel' })),
      );
      box.show();
    }).finally(() => {
      for (const s of subs) s.dispose();
      box.dispose();
    });
  }

  pick(step: PickStep): Promise<StepResult<readonly string[]>> {
    const qp = vscode.window.createQuickPick<Item>();
    header(qp, step);
    qp.canSelectMany = step.canPickMany;
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    // a quick pick has no validation line: a refusal is shown in the placeholder
    qp.placeholder = step.validationMessage ? `⚠ ${step.validationMessage}` : step.placeholder;
    const items: Item[] = step.items.map((i) => ({ id: i.id, label: i.label, description: i.description, detail: i.detail }));
    qp.items = items;
    const picked = items.filter((_, n) => step.items[n]!.picked);
    if (step.canPickMany) qp.selectedItems = picked;
    else if (picked[0]) qp.activeItems = [picked[0]];
    const subs: vscode.Disposable[] = [];
    return new Promise<StepResult<readonly string[]>>((resolve) => {
      subs.push(
        qp.onDidAccept(() => {
          const chosen = step.canPickMany ? qp.selectedItems : qp.activeItems.slice(0, 1);
          if (!step.canPickMany && chosen.length === 0) return;
          resolve({ kind: 'value', value: chosen.map((i) => i.id) });
        }),
        qp.onDidTriggerButton((b) => {
          if (b === vscode.QuickInputButtons.Back) resolve({ kind: 'back' });
        }),
        qp.onDidHide(() => resolve({ kind: 'cancel' })),
      );
      qp.show();
    }).finally(() => {
      for (const s of subs) s.dispose();
      qp.dispose();
    });
  }

  async confirm(message: string, detail: string | undefined, actions: readonly string[]): Promise<string | undefined> {
    return vscode.window.showWarningMessage(message, { modal: true, ...(detail ? { detail } : {}) }, ...actions);
  }

  showSecretOnce(message: string, secret: string): void {
    const copy = vscode.l10n.t('Copy');
    void vscode.window.showInformationMessage(message, copy).then(async (pick) => {
      if (pick !== copy) return;
      await vscode.env.clipboard.writeText(secret);
      void vscode.window.setStatusBarMessage(vscode.l10n.t('Key copied to the clipboard.'), 3000);
    });
  }

  info(message: string): void {
    void vscode.window.showInformationMessage(message);
  }

  warn(message: string): void {
    void vscode.window.showWarningMessage(message);
  }

  ask(message: string, actions: readonly string[]): Promise<string | undefined> {
    return Promise.resolve(vscode.window.showWarningMessage(message, ...actions));
  }

  error(message: string, actions: readonly string[] = []): Promise<string | undefined> {
    return Promise.resolve(vscode.window.showErrorMessage(message, ...actions));
  }

  progress<T>(title: string, where: ProgressWhere, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return withProgress({ title, where }, task);
  }
}

/**
 * The prompter every flow asks through (key flows, connection commands): the real quick input, or — for the
 * integration tests, through the test API — a scripted one put in for a while.
 */
export class PromptService {
  private readonly production = new VsCodePrompter();
  private override: Prompter | undefined;

  get ui(): Prompter {
    return this.override ?? this.production;
  }

  /** Routes every prompt and message to `p` until the result is disposed. */
  use(p: Prompter): IDisposable {
    this.override = p;
    return toDisposable(() => { if (this.override === p) this.override = undefined; });
  }
}
