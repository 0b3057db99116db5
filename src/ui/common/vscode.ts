/**
 * The one typed handle on the webview's VS Code API (browser code). `acquireVsCodeApi()` may be called once per
 * page: the handle stays in the caller's closure, never on `window`. It posts only the page's inbound protocol,
 * reads the state VS Code kept for the panel only through a guard (a restored state is data from disk: anything
 * that does not pass is ignored), and delivers only the host's outbound messages that are objects with a `type`.
 * The host's `keepState` message is handled here: its state is what VS Code gives back to the panel's serializer
 * after a reload (the page itself never reads it).
 */

interface RawVsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): RawVsCodeApi;

export interface WebviewApi<In, Out, S> {
  readonly post: (msg: In) => void;
  /** The state VS Code restored for this panel, when it passes the page's guard. */
  readonly getState: () => S | undefined;
  readonly setState: (state: S) => void;
  /** Calls `handler` for every message from the host. */
  readonly onMessage: (handler: (msg: Out) => void) => void;
}

/** `isState` checks a restored state; a page that never reads its state back leaves it out (nothing passes). */
export function webviewApi<In, Out extends { readonly type: string }, S>(
  isState: (value: unknown) => value is S = (_v): _v is S => false,
): WebviewApi<In, Out, S> {
  const api = acquireVsCodeApi();
  return {
    post: (msg) => api.postMessage(msg),
    getState: () => {
      const s = api.getState();
      return isState(s) ? s : undefined;
    },
    setState: (s) => api.setState(s),
    onMessage: (handler) => {
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        const msg = event.data;
        if (!isRecord(msg) || typeof msg.type !== 'string') return;
        if (msg.type === 'keepState') api.setState(msg.state);
        else handler(msg as Out);
      });
    },
  };
}

/** A plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
