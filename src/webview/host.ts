/**
 * The one host of every webview, in an editor panel or in a view (a side bar's WebviewView): the options (scripts
 * on, no command URIs or forms, resources only from dist/ui and media), the icon, the HTML shell with its
 * Content-Security-Policy, inbound messages validated with zod and routed to typed handlers, a typed `post`, the
 * `ready` handshake (the webview asks for its state; the host counts and answers) and the disposal of everything it
 * registered on the panel or view. A feature supplies only its handlers and the static body shown until its script
 * runs. A host may show one panel and one view at once: both get the same HTML and every message posted, and both
 * post into the same router.
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

/** The webview options a view gets (a view's retainContextWhenHidden is given when its provider is registered). */
export function webviewViewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    enableForms: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'ui'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
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

export type SurfaceKind = 'panel' | 'view';

/** A panel or a view the host has taken over: its webview and what was registered on it. */
interface Surface {
  readonly kind: SurfaceKind;
  readonly webview: vscode.Webview;
  readonly disposables: IDisposable[];
  setTitle(title: string): void;
}

/**
 * Hosts one panel and one view at a time: `attach` takes over a new panel or one VS Code restored, `attachView` a
 * view VS Code resolved; when either is closed, what was registered on it is disposed and `onDidClose` (the panel)
 * or `onDidCloseView` fires (the host itself lives on and can attach again).
 */
export class WebviewHost<In extends InboundMessage, Out> extends Disposable {
  readonly router: MessageRouter<In>;
  private current: vscode.WebviewPanel | undefined;
  private currentView: vscode.WebviewView | undefined;
  private readonly surfaces = new Map<vscode.WebviewPanel | vscode.WebviewView, Surface>();
  private lastHtml: string | undefined;
  /** How many `ready` messages arrived (the test APIs wait on it). */
  readyCount = 0;
  /** Characters of JSON posted to the webview (the dashboard's test API reads it). */
  postedChars = 0;
  /** Messages posted to, and `ready` handshakes received from, the panel and the view (the test APIs read them). */
  readonly traffic: Record<SurfaceKind, { posted: number; ready: number }> = {
    panel: { posted: 0, ready: 0 },
    view: { posted: 0, ready: 0 },
  };
  private keptState: object | undefined;
  private readonly _onDidClose = this._register(new vscode.EventEmitter<void>());
  readonly onDidClose = this._onDidClose.event;
  private readonly _onDidCloseView = this._register(new vscode.EventEmitter<void>());
  /** The view was disposed (the user closed it; hiding it is not closing). */
  readonly onDidCloseView = this._onDidCloseView.event;

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
        for (const s of this.surfaces.values()) disposeAll(s.disposables);
        this.surfaces.clear();
      },
    });
  }

  get panel(): vscode.WebviewPanel | undefined {
    return this.current;
  }

  get view(): vscode.WebviewView | undefined {
    return this.currentView;
  }

  /** Whether a panel is open (a view does not count). */
  get isOpen(): boolean {
    return this.current !== undefined;
  }

  /** Whether a panel is open or a view resolved. */
  get isShown(): boolean {
    return this.surfaces.size > 0;
  }

  /**
   * Whether a state posted now would be seen: the panel is open, or the view is on screen. A view hidden behind
   * another (or its side bar closed) has no page: it asks again (`ready`) when shown, so nothing is built for it.
   */
  get wantsState(): boolean {
    return this.current !== undefined || this.currentView?.visible === true;
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
      this.current = panel;
      panel.webview.options = this.options;
      panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'gateway.svg');
      this.wire(
        'panel',
        panel,
        panel.onDidDispose,
        (t) => (panel.title = t),
        () => {
          if (this.current !== panel) return;
          this.current = undefined;
          this._onDidClose.fire();
        },
      );
    }
    this.renderInto(panel, title, body);
  }

  /**
   * Takes over a view VS Code resolved (on first show, or after a reload) and gives it the HTML shell with `body`;
   * its title is the view's own name, `title` goes to its description.
   */
  attachView(view: vscode.WebviewView, title: string, body: string): void {
    if (this.currentView !== view) {
      const old = this.currentView && this.surfaces.get(this.currentView);
      if (old) disposeAll(old.disposables);
      if (this.currentView) this.surfaces.delete(this.currentView);
      this.currentView = view;
      view.webview.options = webviewViewOptions(this.extensionUri);
      this.wire(
        'view',
        view,
        view.onDidDispose,
        (t) => (view.description = t),
        () => {
          if (this.currentView !== view) return;
          this.currentView = undefined;
          this._onDidCloseView.fire();
        },
      );
    }
    this.renderInto(view, title, body);
  }

  /** The wiring a panel and a view share: messages into the router, disposal of what was registered on it. */
  private wire(
    kind: SurfaceKind,
    owner: vscode.WebviewPanel | vscode.WebviewView,
    onDidDispose: vscode.Event<void>,
    setTitle: (t: string) => void,
    closed: () => void,
  ): void {
    const surface: Surface = { kind, webview: owner.webview, disposables: [], setTitle };
    this.surfaces.set(owner, surface);
    surface.disposables.push(
      owner.webview.onDidReceiveMessage((m: unknown) => {
        if (m && typeof m === 'object' && 'type' in m && m.type === 'ready') this.traffic[kind].ready++;
        void this.router.handle(m);
      }),
      onDidDispose(() => {
        if (this.surfaces.get(owner) !== surface) return;
        this.surfaces.delete(owner);
        disposeAll(surface.disposables);
        closed();
      }),
    );
  }

  /** (Re)writes the HTML shell of every surface: the title, the static body, the UI's script and styles. */
  render(title: string, body: string): void {
    for (const owner of this.surfaces.keys()) this.renderInto(owner, title, body);
  }

  private renderInto(owner: vscode.WebviewPanel | vscode.WebviewView, title: string, body: string): void {
    const surface = this.surfaces.get(owner);
    if (!surface) return;
    const root = this.extensionUri;
    const ui = this.spec.ui;
    surface.setTitle(title);
    this.lastHtml = webviewHtml({
      webview: surface.webview,
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
    surface.webview.html = this.lastHtml;
  }

  /** Sets the title of every surface (a panel's tab, a view's description). */
  setTitle(title: string): void {
    for (const s of this.surfaces.values()) s.setTitle(title);
  }

  /** Posts a message to every open surface (a closed or hidden one just misses it: it asks again). */
  post(msg: Out): void {
    if (this.surfaces.size === 0) return;
    if (this.spec.countPosted) this.postedChars += JSON.stringify(msg).length;
    for (const s of this.surfaces.values()) {
      this.traffic[s.kind].posted++;
      void s.webview.postMessage(msg).then(undefined, () => undefined);
    }
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
    for (const s of this.surfaces.values())
      void s.webview.postMessage({ type: KEEP_STATE_MESSAGE, state: this.keptState }).then(undefined, () => undefined);
  }

  reveal(): void {
    this.current?.reveal(undefined, false);
  }

  /** Closes the panel (a view cannot be closed by its extension; it stays). */
  close(): void {
    this.current?.dispose();
  }
}
