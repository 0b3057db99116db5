/**
 * The one host of every webview panel: the panel options (scripts on, no command URIs or forms, resources only from
 * dist/ui and media), the icon, the HTML shell with its Content-Security-Policy, inbound messages validated with zod
 * and routed to typed handlers, a typed `post`, the `ready` handshake (the webview asks for its state; the host
 * counts and answers) and the disposal of everything it registered on the panel. A panel feature supplies only its
 * handlers and the static body shown until its script runs.
 */
import * as vscode from 'vscode';
import type * as z from 'zod';
import { Disposable, disposeAll, type IDisposable } from '../platform/lifecycle';
import type { Logger } from '../platform/logger';
import { userMessage } from '../platform/errors';
import { webviewHtml } from './html';
import { type Handlers, MessageRouter } from './router';

/** An inbound message; every protocol has a `ready` one (the handshake). */
export type InboundMessage = { readonly type: string };

export interface WebviewHostSpec<In extends InboundMessage, Out = unknown> {
  /** The UI bundle: dist/ui/<ui>.js and .css, plus media/<ui>.css (after media/page.css, the pages' shared look). */
  readonly ui: string;
  /** Whether media/page.css (body, headings, buttons of a page-like view) comes first; the chat has its own. */
  readonly pageStyles?: boolean;
  readonly schema: z.ZodType<In>;
  readonly handlers: Handlers<In>;
  readonly log: Logger;
  /** Ctrl+F inside the panel. */
  readonly findWidget?: boolean;
  /** Count the characters posted (`postedChars`); off by default (a streaming chat posts often). */
  readonly countPosted?: boolean;
  /** A handler that failed: by default its sentence is shown as an error message. */
  readonly onError?: (e: unknown, msg: In) => void;
  /**
   * What the page keeps for VS Code to give back after a reload (the panel serializer's state), derived from each
   * message posted (undefined: keep what was kept). Ids and view choices only: never a secret.
   */
  readonly keep?: (msg: Out) => object | undefined;
}

/** The host's message asking the page to keep a state (src/ui/common/vscode.ts calls setState with it). */
export const KEEP_STATE_MESSAGE = 'keepState';

/** The webview options every panel gets. */
export function webviewPanelOptions(
  extensionUri: vscode.Uri,
  findWidget = false,
): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    enableForms: false,
    retainContextWhenHidden: false,
    ...(findWidget ? { enableFindWidget: true } : {}),
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'ui'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Hosts one panel at a time: `attach` takes over a new panel or one VS Code restored; when the panel is closed,
 * what was registered on it is disposed and `onDidClose` fires (the host itself lives on and can attach again).
 */
export class WebviewHost<In extends InboundMessage, Out> extends Disposable {
  readonly router: MessageRouter<In>;
  private current: vscode.WebviewPanel | undefined;
  private readonly panelDisposables: IDisposable[] = [];
  private lastHtml: string | undefined;
  /** How many `ready` messages arrived (the test APIs wait on it). */
  readyCount = 0;
  /** Characters of JSON posted to the webview (the dashboard's test API reads it). */
  postedChars = 0;
  private keptState: object | undefined;
  private readonly _onDidClose = this._register(new vscode.EventEmitter<void>());
  readonly onDidClose = this._onDidClose.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly spec: WebviewHostSpec<In, Out>,
  ) {
    super();
    this.router = new MessageRouter<In>(
      spec.schema,
      spec.handlers,
      spec.log,
      spec.onError ??
        ((e) => {
          void vscode.window.showErrorMessage(userMessage(e));
        }),
      (m) => {
        if (m.type !== 'ready') return;
        this.readyCount++;
        // a page loaded again (shown after being hidden, or restored) keeps the state again
        if (this.keptState) this.sendKept();
      },
    );
    this._register({
      dispose: () => {
        this.current?.dispose();
      },
    });
  }

  get panel(): vscode.WebviewPanel | undefined {
    return this.current;
  }

  get isOpen(): boolean {
    return this.current !== undefined;
  }

  /** The HTML last given to the webview (the security tests read it). */
  get html(): string | undefined {
    return this.lastHtml;
  }

  get options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return webviewPanelOptions(this.extensionUri, this.spec.findWidget);
  }

  /** A new panel of `viewType` in the active column, taken over at once. */
  create(viewType: string, title: string, body: string): vscode.WebviewPanel {
    const panel = vscode.window.createWebviewPanel(
      viewType,
      title,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      this.options,
    );
    this.attach(panel, title, body);
    return panel;
  }

  /** Takes over a panel (a new one, or one restored after a reload) and gives it the HTML shell with `body`. */
  attach(panel: vscode.WebviewPanel, title: string, body: string): void {
    if (this.current && this.current !== panel) this.current.dispose();
    if (this.current !== panel) {
      disposeAll(this.panelDisposables);
      this.current = panel;
      panel.webview.options = this.options;
      panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'gateway.svg');
      this.panelDisposables.push(
        panel.webview.onDidReceiveMessage((m: unknown) => {
          void this.router.handle(m);
        }),
      );
      this.panelDisposables.push(
        panel.onDidDispose(() => {
          if (this.current !== panel) return;
          this.current = undefined;
          disposeAll(this.panelDisposables);
          this._onDidClose.fire();
        }),
      );
    }
    this.render(title, body);
  }

  /** (Re)writes the HTML shell: the title, the static body, the UI's script and styles. */
  render(title: string, body: string): void {
    const panel = this.current;
    if (!panel) return;
    const root = this.extensionUri;
    const ui = this.spec.ui;
    panel.title = title;
    this.lastHtml = webviewHtml({
      webview: panel.webview,
      title,
      lang: vscode.env.language,
      scripts: [vscode.Uri.joinPath(root, 'dist', 'ui', `${ui}.js`)],
      styles: [
        ...(this.spec.pageStyles === false ? [] : [vscode.Uri.joinPath(root, 'media', 'page.css')]),
        vscode.Uri.joinPath(root, 'dist', 'ui', `${ui}.css`),
        vscode.Uri.joinPath(root, 'media', `${ui}.css`),
      ],
      body,
    });
    panel.webview.html = this.lastHtml;
  }

  /** Posts a message to the webview when a panel is open (a closed or hidden one just misses it: it asks again). */
  post(msg: Out): void {
    if (!this.current) return;
    if (this.spec.countPosted) this.postedChars += JSON.stringify(msg).length;
    void this.current.webview.postMessage(msg).then(undefined, () => undefined);
    const kept = this.spec.keep?.(msg);
    if (kept && JSON.stringify(kept) !== JSON.stringify(this.keptState)) {
      this.keptState = kept;
      this.sendKept();
    }
  }

  /** The state the page was last asked to keep (what the serializer gets after a reload; the tests read it). */
  get kept(): object | undefined {
    return this.keptState;
  }

  private sendKept(): void {
    void this.current?.webview
      .postMessage({ type: KEEP_STATE_MESSAGE, state: this.keptState })
      .then(undefined, () => undefined);
  }

  reveal(): void {
    this.current?.reveal(undefined, false);
  }

  close(): void {
    this.current?.dispose();
  }
}
