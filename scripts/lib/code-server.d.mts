/** Types of scripts/lib/code-server.mjs (for the TypeScript callers: the UI harness). */
export interface CodeServerOptions {
  /** The code-server executable. */
  readonly codeServer: string;
  /** A folder of the caller's: code-server's XDG folders (xdg/) and IPC sockets (t/) go there. */
  readonly home: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** Appended to (stdout and stderr). */
  readonly logFile: string;
  /** Default: a free one. */
  readonly port?: number;
  /** More flags (`--locale zh-cn`, `--vscode-option enable-smoke-test-driver`, a folder). */
  readonly args?: readonly string[];
  /** The environment to start from (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Put first on PATH (the extension host's node). */
  readonly nodeBin?: string;
  /** Where the process group is registered for the caller's clean-up (`code-server-<pid>.pgid`). */
  readonly runDir?: string;
  /** How long /healthz may take to answer (default 30 s). */
  readonly readyMs?: number;
}

export interface CodeServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number | undefined;
  /** Resolves with the exit code (or signal) when code-server exits. */
  readonly exited: Promise<number | string | null>;
  /** Ends the process group (SIGTERM, then SIGKILL after 5 s) and closes the log. */
  stop(): Promise<void>;
}

export function freePort(): Promise<number>;
export function groupAlive(pgid: number): boolean;
export function startCodeServer(options: CodeServerOptions): Promise<CodeServer>;
