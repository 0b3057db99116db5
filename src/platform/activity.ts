/**
 * "The user did something with the extension": fired by the commands that count as activity, heard by whatever
 * waits for the first one (the status bar starts its lazy refresh on it). One event instead of callbacks handed
 * from the composition root through each feature's constructor.
 */
import * as vscode from 'vscode';
import { Disposable } from './lifecycle';

export class ActivityService extends Disposable {
  private readonly _onDidActivity = this._register(new vscode.EventEmitter<void>());
  readonly onDidActivity = this._onDidActivity.event;

  note(): void {
    if (!this.isDisposed) this._onDidActivity.fire();
  }
}
