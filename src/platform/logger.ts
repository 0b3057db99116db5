/**
 * The extension's one log: a LogOutputChannel ("AI Gateway Console"), with component tags.
 * Every line goes through redact() (src/core/redact.ts) before it reaches the channel or its file (formatLogLine in
 * ./logFormat); Error values are logged by message and the messages of their causes, never by stack or fields.
 * The channel's level follows VS Code's log level (Developer: Set Log Level…).
 */
import * as vscode from 'vscode';
import { formatLogLine } from './logFormat';
import type { IDisposable } from './lifecycle';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
  /** A logger whose lines are tagged `[component]`. */
  child(component: string): Logger;
}

/** Adapter for the gateway client's `log` option: (level, message) => void. */
export function logSink(logger: Logger): (level: LogLevel, message: string) => void {
  return (level, message) => logger[level](message);
}

class ComponentLogger implements Logger {
  constructor(
    private readonly channel: vscode.LogOutputChannel,
    private readonly component?: string,
  ) {}

  trace(message: string, ...args: unknown[]): void {
    if (this.channel.logLevel <= vscode.LogLevel.Trace)
      this.channel.trace(formatLogLine(this.component, message, args));
  }
  debug(message: string, ...args: unknown[]): void {
    if (this.channel.logLevel <= vscode.LogLevel.Debug)
      this.channel.debug(formatLogLine(this.component, message, args));
  }
  info(message: string, ...args: unknown[]): void {
    this.channel.info(formatLogLine(this.component, message, args));
  }
  warn(message: string, ...args: unknown[]): void {
    this.channel.warn(formatLogLine(this.component, message, args));
  }
  error(message: string, ...args: unknown[]): void {
    this.channel.error(formatLogLine(this.component, message, args));
  }
  child(component: string): Logger {
    return new ComponentLogger(this.channel, this.component ? `${this.component}/${component}` : component);
  }
}

export class LogService extends ComponentLogger implements IDisposable {
  private readonly outputChannel: vscode.LogOutputChannel;

  constructor(name: string) {
    const channel = vscode.window.createOutputChannel(name, { log: true });
    super(channel);
    this.outputChannel = channel;
  }

  show(preserveFocus = false): void {
    this.outputChannel.show(preserveFocus);
  }

  dispose(): void {
    this.outputChannel.dispose();
  }
}
