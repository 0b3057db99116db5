/** Disposables (after vscode-pull-request-github's src/common/lifecycle.ts). No 'vscode' import: usable anywhere. */

export interface IDisposable {
  dispose(): void;
}

export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return {
    dispose: () => {
      if (!done) {
        done = true;
        fn();
      }
    },
  };
}

/** Disposes in reverse order; keeps going when one throws and rethrows the first error at the end. */
export function disposeAll(items: IDisposable[]): void {
  const errors: unknown[] = [];
  while (items.length) {
    const d = items.pop();
    try {
      d?.dispose();
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length > 0) throw errors[0];
}

export abstract class Disposable implements IDisposable {
  private readonly _disposables: IDisposable[] = [];
  private _isDisposed = false;

  protected get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Owns `d` from now on; disposes it at once when this owner is already disposed. */
  protected _register<T extends IDisposable>(d: T): T {
    if (this._isDisposed) d.dispose();
    else this._disposables.push(d);
    return d;
  }

  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    disposeAll(this._disposables);
  }
}
