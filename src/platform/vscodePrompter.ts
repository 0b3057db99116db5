/**
 * The production Prompter: a small multi-step input on createInputBox / createQuickPick (one step at a time,
 * with a Back button and VS Code's step counter "Create key (2/8)"), and the notification / modal helpers.
 */
import * as vscode from 'vscode';
import { type IDisposable, toDisposable } from './lifecycle';
import { withProgress } from './progress';
import type { InputStep, PickStep, ProgressWhere, Prompter, SecretPanel, StepResult } from './prompter';

type Item = vscode.QuickPickItem & { readonly id: string };

/** Sets the title, the step counter and the buttons (Back; "review" when the step offers it); the review button. */
function header(
  q: vscode.QuickInput & { buttons: readonly vscode.QuickInputButton[] },
  step: InputStep | PickStep,
): vscode.QuickInputButton | undefined {
  q.title = step.title;
  q.step = step.step;
  q.totalSteps = step.totalSteps;
  q.ignoreFocusOut = true;
  const review = step.review ? { iconPath: new vscode.ThemeIcon('check-all'), tooltip: step.review } : undefined;
  q.buttons = [...(step.canGoBack ? [vscode.QuickInputButtons.Back] : []), ...(review ? [review] : [])];
  return review;
}

export class VsCodePrompter implements Prompter {
  input(step: InputStep): Promise<StepResult<string>> {
    const box = vscode.window.createInputBox();
    const review = header(box, step);
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
      /** Enter, or the review button: the value only once it passes the step's own check. */
      const accept = (toSummary: boolean): void => {
        const message = step.validate(box.value);
        if (message) {
          box.validationMessage = message;
          return;
        }
        resolve({ kind: 'value', value: box.value, ...(toSummary ? { review: true } : {}) });
      };
      subs.push(
        box.onDidChangeValue((v) => {
          if (v !== initial) serverMessage = undefined;
          box.validationMessage = serverMessage ?? check(v);
        }),
        box.onDidAccept(() => accept(false)),
        box.onDidTriggerButton((b) => {
          if (b === vscode.QuickInputButtons.Back) resolve({ kind: 'back' });
          else if (b === review) accept(true);
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
    const review = header(qp, step);
    qp.canSelectMany = step.canPickMany;
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    // a quick pick has no validation line: a refusal is shown in the placeholder
    qp.placeholder = step.validationMessage ? `⚠ ${step.validationMessage}` : step.placeholder;
    const items: Item[] = step.items.map((i) =>
      i.separator
        ? { id: i.id, label: i.label, kind: vscode.QuickPickItemKind.Separator }
        : { id: i.id, label: i.label, description: i.description, detail: i.detail },
    );
    qp.items = items;
    const picked = items.filter((_, n) => step.items[n]!.picked && !step.items[n]!.separator);
    if (step.canPickMany) qp.selectedItems = picked;
    else if (picked[0]) qp.activeItems = [picked[0]];
    const subs: vscode.Disposable[] = [];
    return new Promise<StepResult<readonly string[]>>((resolve) => {
      /** Enter, or the review button: what is selected (a single pick: the highlighted item). */
      const accept = (toSummary: boolean): void => {
        const chosen = step.canPickMany ? qp.selectedItems : qp.activeItems.slice(0, 1);
        if (!step.canPickMany && chosen.length === 0) return;
        resolve({ kind: 'value', value: chosen.map((i) => i.id), ...(toSummary ? { review: true } : {}) });
      };
      subs.push(
        qp.onDidAccept(() => accept(false)),
        qp.onDidTriggerButton((b) => {
          if (b === vscode.QuickInputButtons.Back) resolve({ kind: 'back' });
          else if (b === review) accept(true);
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

  showSecret(panel: SecretPanel): Promise<void> {
    return showSecretPanel(panel, vscode.env.clipboard);
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
 * A new key in a small quick-input panel that stays open (also when focus moves away) until "I've saved it": the key
 * itself on the first line, Copy and each ready-made text (copied on pick, the panel stays), never a notification.
 * Closing it (Escape) before anything was copied asks first where the gateway cannot show the key again.
 */
export async function showSecretPanel(
  panel: SecretPanel,
  clipboard: { writeText(v: string): Thenable<void> },
): Promise<void> {
  const copies = [{ id: 'copy', label: vscode.l10n.t('Copy the key'), text: panel.secret }, ...panel.copies];
  for (;;) {
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = panel.title;
    qp.ignoreFocusOut = true;
    qp.matchOnDetail = false;
    qp.placeholder = panel.once
      ? vscode.l10n.t('Shown only now: the gateway cannot show this key again. Copy it, then pick "I\'ve saved it".')
      : vscode.l10n.t('The gateway can show this key again later (Copy Key on its row).');
    const copied = new Set<string>();
    const render = (): void => {
      const active = qp.activeItems[0]?.id;
      qp.items = [
        ...copies.map((c, n) => ({
          id: c.id,
          label: `$(copy) ${c.label}`,
          ...(copied.has(c.id) ? { description: vscode.l10n.t('copied') } : {}),
          ...(n === 0 ? { detail: panel.secret } : {}),
        })),
        { id: 'saved', label: `$(check) ${vscode.l10n.t("I've saved it")}` },
      ];
      const again = qp.items.find((i) => i.id === active);
      if (again) qp.activeItems = [again];
    };
    render();
    let saved = false;
    const subs: vscode.Disposable[] = [];
    await new Promise<void>((resolve) => {
      subs.push(
        qp.onDidAccept(() => {
          const id = qp.activeItems[0]?.id;
          if (id === 'saved') {
            saved = true;
            qp.hide();
            return;
          }
          const c = copies.find((x) => x.id === id);
          if (!c) return;
          void Promise.resolve(clipboard.writeText(c.text)).then(() => {
            copied.add(c.id);
            render();
          });
        }),
        qp.onDidHide(() => resolve()),
      );
      qp.show();
    });
    for (const d of subs) d.dispose();
    qp.dispose();
    if (saved || copied.size > 0 || !panel.once) return;
    const showAgain = vscode.l10n.t('Show It Again');
    const pick = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        'The key "{0}" was not copied, and the gateway cannot show it again. Close it anyway?',
        panel.keyName,
      ),
      { modal: true },
      showAgain,
      vscode.l10n.t('Close'),
    );
    if (pick !== showAgain) return;
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
    return toDisposable(() => {
      if (this.override === p) this.override = undefined;
    });
  }
}
