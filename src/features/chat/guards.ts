/**
 * Host-side checks of what the chat webview asks for (pure: no 'vscode', so Node unit tests run them). The webview
 * renders untrusted model output, so a message from it is a request, never a decision: a link is reviewed before it
 * opens, code is inserted only after the target file was classified, and lookups keyed by strings from the model
 * or the gateway never reach Object.prototype.
 */
import { BIDI_CONTROL, INVISIBLE_CHARS, textMisleads } from '../../core/linkText';
import { domainToUnicode } from 'node:url';
import { isLoopbackHost } from '../../core/net';

// ---------------------------------------------------------------------------------------------------------------
// language ids

/** Fence info strings that are not VS Code language ids. A Map: a fence of `__proto__` or `constructor` is just text. */
const LANGUAGE_ALIASES: ReadonlyMap<string, string> = new Map([
  ['ts', 'typescript'],
  ['js', 'javascript'],
  ['py', 'python'],
  ['sh', 'shellscript'],
  ['bash', 'shellscript'],
  ['shell', 'shellscript'],
  ['zsh', 'shellscript'],
  ['yml', 'yaml'],
  ['md', 'markdown'],
  ['rs', 'rust'],
  ['c++', 'cpp'],
  ['cs', 'csharp'],
  ['c#', 'csharp'],
  ['html', 'html'],
  ['xml', 'xml'],
  ['golang', 'go'],
  ['kt', 'kotlin'],
  ['rb', 'ruby'],
]);

/**
 * A VS Code language id for a fence's info string: an alias resolved, else the lower-cased word; plaintext when it
 * is empty or not among `known` (the ids VS Code has, when given).
 */
export function languageId(lang: string | undefined, known?: ReadonlySet<string>): string {
  const l = (lang ?? '').trim().toLowerCase();
  if (!l) return 'plaintext';
  const id = LANGUAGE_ALIASES.get(l) ?? l;
  if (known && !known.has(id)) return 'plaintext';
  return id;
}

// ---------------------------------------------------------------------------------------------------------------
// links

/** Why a link is not opened straight away. */
export type LinkConcern =
  | 'loopback'
  | 'private-ip'
  | 'ip-address'
  | 'local-name'
  | 'userinfo'
  | 'punycode'
  | 'mixed-script'
  | 'non-ascii'
  /** The link's text names another host than the one it goes to. */
  | 'text-names-other-host'
  /** The link's text holds bidi controls, which can reorder what it shows. */
  | 'bidi-text';

export interface LinkReview {
  /** The URL exactly as it would be opened (WHATWG-parsed and serialised). */
  readonly href: string;
  /** `http:` or `https:`. */
  readonly scheme: string;
  /** The host as the URL holds it: IDN labels as `xn--…`, IPv6 in brackets. */
  readonly host: string;
  /** The host with its `xn--` labels decoded, when that differs from `host`. */
  readonly unicodeHost?: string;
  /** `user` or `user:password` written before the host (percent-encoded as in the URL). */
  readonly userinfo?: string;
  readonly port?: string;
  /** Empty: a plain http(s) link to a public host, opened at once. */
  readonly concerns: readonly LinkConcern[];
  /** The link's visible text, when it misleads (bidi and zero-width characters shown as ⟨U+XXXX⟩). */
  readonly text?: string;
}

export type LinkVerdict =
  | { readonly kind: 'invalid' }
  /** Not http(s): never opened (javascript:, file:, command:, vscode:, data: …). */
  | { readonly kind: 'refused'; readonly scheme: string }
  | { readonly kind: 'open'; readonly review: LinkReview }
  | { readonly kind: 'confirm'; readonly review: LinkReview };

const LOCAL_SUFFIXES = [
  '.local',
  '.localdomain',
  '.internal',
  '.intranet',
  '.lan',
  '.home',
  '.corp',
  '.home.arpa',
  '.private',
];

function ipv4(host: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((n) => n <= 255) ? parts : undefined;
}

/** RFC 1918, link-local, CGNAT, "this network", benchmarking, multicast and reserved IPv4 ranges. */
function isPrivateIpv4([a, b]: number[]): boolean {
  return (
    a === 10 ||
    a === 0 ||
    (a === 172 && b! >= 16 && b! <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) ||
    (a === 100 && b! >= 64 && b! <= 127) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a! >= 224
  );
}

/** Unique-local fc00::/7, link-local fe80::/10, the unspecified address, IPv4-mapped private addresses. */
function isPrivateIpv6(h: string): boolean {
  if (h === '::' || /^f[cd][0-9a-f]{0,2}:/.test(h) || /^fe[89ab][0-9a-f]?:/.test(h)) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  const v4 = mapped ? ipv4(mapped[1]!) : undefined;
  return !!v4 && isPrivateIpv4(v4);
}

/** The writing systems of a label's letters (digits, hyphens and marks are neutral). */
function scripts(label: string): Set<string> {
  const found = new Set<string>();
  for (const ch of label) {
    if (!/\p{L}/u.test(ch)) continue;
    if (/\p{Script=Latin}/u.test(ch)) found.add('Latin');
    else if (/\p{Script=Cyrillic}/u.test(ch)) found.add('Cyrillic');
    else if (/\p{Script=Greek}/u.test(ch)) found.add('Greek');
    else if (/\p{Script=Armenian}/u.test(ch)) found.add('Armenian');
    else if (/\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Hangul}|\p{Script=Bopomofo}/u.test(ch))
      found.add('CJK');
    else if (/\p{Script=Arabic}/u.test(ch)) found.add('Arabic');
    else if (/\p{Script=Hebrew}/u.test(ch)) found.add('Hebrew');
    else found.add('Other');
  }
  return found;
}

/** Latin mixed with CJK is ordinary (例えば "東京tower"); any other mix inside one label is a look-alike risk. */
function isMixedScript(label: string): boolean {
  const s = scripts(label);
  if (s.size <= 1) return false;
  if (s.size === 2 && s.has('Latin') && s.has('CJK')) return false;
  return true;
}

/** Bidi and zero-width characters written as ⟨U+XXXX⟩, so a dialog shows the text as it is. */
function showInvisible(text: string): string {
  return text.replace(
    INVISIBLE_CHARS,
    (ch) => `\u27e8U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}\u27e9`,
  );
}

/**
 * Reviews a link the webview asks to open. Only http(s) is ever opened; it opens at once only when it names a
 * public DNS host in plain ASCII with no user info. A loopback, private or literal IP host, a single-label or
 * local-only name, user info (`https://bank.example@evil.test/`), punycode or any non-ASCII / mixed-script host
 * needs the user's confirmation, which shows the real destination; so does a link whose visible `text` names another
 * host or holds bidi controls.
 */
export function reviewLink(raw: string, text?: string): LinkVerdict {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return { kind: 'invalid' };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { kind: 'refused', scheme: u.protocol };
  const host = u.hostname;
  if (!host) return { kind: 'invalid' };
  const concerns: LinkConcern[] = [];
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  const v4 = ipv4(bare);
  const isV6 = host.startsWith('[');
  if (isLoopbackHost(host)) concerns.push('loopback');
  else if (v4) concerns.push(isPrivateIpv4(v4) ? 'private-ip' : 'ip-address');
  else if (isV6) concerns.push(isPrivateIpv6(bare) ? 'private-ip' : 'ip-address');
  else {
    const name = host.replace(/\.$/, '');
    if (!name.includes('.') || LOCAL_SUFFIXES.some((s) => name.endsWith(s))) concerns.push('local-name');
  }
  const userinfo = u.username || u.password ? `${u.username}${u.password ? `:${u.password}` : ''}` : undefined;
  if (userinfo) concerns.push('userinfo');
  let unicodeHost: string | undefined;
  if (!v4 && !isV6) {
    const decoded = domainToUnicode(host);
    if (decoded && decoded !== host) unicodeHost = decoded;
    if (host.split('.').some((l) => l.startsWith('xn--'))) concerns.push('punycode');
    const shown = decoded || host;
    if (/[^\x00-\x7f]/.test(shown)) concerns.push('non-ascii');
    if (shown.split('.').some(isMixedScript)) concerns.push('mixed-script');
  }
  if (text !== undefined && BIDI_CONTROL.test(text)) concerns.push('bidi-text');
  else if (text !== undefined && textMisleads(text, u.href)) concerns.push('text-names-other-host');
  const misleadingText = concerns.includes('bidi-text') || concerns.includes('text-names-other-host');
  const review: LinkReview = {
    href: u.href,
    scheme: u.protocol,
    host,
    ...(unicodeHost ? { unicodeHost } : {}),
    ...(userinfo ? { userinfo } : {}),
    ...(u.port ? { port: u.port } : {}),
    concerns,
    ...(misleadingText && text !== undefined ? { text: showInvisible(text.slice(0, 200)) } : {}),
  };
  return concerns.length ? { kind: 'confirm', review } : { kind: 'open', review };
}

// ---------------------------------------------------------------------------------------------------------------
// Insert at Cursor

/** Why a file is one that configures tools or runs code (inserting model output there needs a confirmation). */
export type InsertRisk =
  | 'editor-settings'
  | 'tasks'
  | 'launch'
  | 'keybindings'
  | 'workspace-file'
  | 'mcp'
  | 'agent-config'
  | 'git'
  | 'ci'
  | 'dev-container'
  | 'shell-profile'
  | 'ssh'
  | 'package-scripts'
  | 'package-manager';

const SHELL_PROFILES = new Set([
  '.bashrc',
  '.bash_profile',
  '.bash_login',
  '.bash_logout',
  '.profile',
  '.zshrc',
  '.zshenv',
  '.zprofile',
  '.zlogin',
  '.zlogout',
  '.kshrc',
  '.mkshrc',
  '.cshrc',
  '.tcshrc',
  '.login',
  '.logout',
  '.envrc',
  'bash.bashrc',
  'zshrc',
  'zprofile',
  'zshenv',
  'config.fish',
  'microsoft.powershell_profile.ps1',
  'microsoft.vscode_profile.ps1',
  'profile.ps1',
]);
const CI_FILES = new Set([
  '.gitlab-ci.yml',
  '.gitlab-ci.yaml',
  '.travis.yml',
  'azure-pipelines.yml',
  'azure-pipelines.yaml',
  'bitbucket-pipelines.yml',
  'jenkinsfile',
  'appveyor.yml',
  '.appveyor.yml',
  '.drone.yml',
  '.woodpecker.yml',
  'cloudbuild.yaml',
  'cloudbuild.yml',
  'codemagic.yaml',
  '.cirrus.yml',
  'buildspec.yml',
]);
const CI_DIRS = [
  '.github/workflows',
  '.github/actions',
  '.circleci',
  '.buildkite',
  '.woodpecker',
  '.azure-pipelines',
  '.gitlab/ci',
  '.forgejo/workflows',
  '.gitea/workflows',
];
const MCP_FILES = new Set([
  'mcp.json',
  '.mcp.json',
  'mcp_config.json',
  'claude_desktop_config.json',
  'cline_mcp_settings.json',
  'mcp_settings.json',
]);
const AGENT_DIRS = [
  '.cursor',
  '.claude',
  '.roo',
  '.kilocode',
  '.windsurf',
  '.codex',
  '.gemini',
  '.continue',
  '.clinerules',
  '.amazonq',
];
const PACKAGE_MANAGER_FILES = new Set([
  '.npmrc',
  '.yarnrc',
  '.yarnrc.yml',
  '.pnpmfile.cjs',
  'bunfig.toml',
  '.pre-commit-config.yaml',
  'lefthook.yml',
  '.lefthook.yml',
]);

/**
 * Whether an editor's file configures tools or runs code when they start (so model output inserted there could
 * run): VS Code settings, tasks, launch configurations, keybindings and workspace files; MCP and coding-agent
 * configuration; anything in `.git/` and git hooks; CI workflows; dev-container files; shell profiles; SSH files;
 * `package.json` (its scripts run on `npm install`) and package-manager configuration. `scheme` `vscode-userdata` is
 * VS Code's own user data (settings, keybindings, snippets). Paths compare case-insensitively (macOS, Windows).
 */
export function insertRisk(target: { readonly scheme: string; readonly path: string }): InsertRisk | undefined {
  const path = target.path.replace(/\\/g, '/').toLowerCase();
  const segs = path.split('/').filter(Boolean);
  const base = segs[segs.length - 1] ?? '';
  const dirs = segs.slice(0, -1);
  const under = (dir: string): boolean => {
    const parts = dir.split('/');
    for (let i = 0; i + parts.length <= dirs.length; i++) if (parts.every((p, j) => dirs[i + j] === p)) return true;
    return false;
  };
  if (target.scheme === 'vscode-userdata')
    return base === 'keybindings.json'
      ? 'keybindings'
      : base === 'mcp.json'
        ? 'mcp'
        : base === 'tasks.json'
          ? 'tasks'
          : 'editor-settings';
  if (
    dirs.includes('.ssh') ||
    base === 'authorized_keys' ||
    base === 'authorized_keys2' ||
    base === 'known_hosts' ||
    under('etc/ssh')
  )
    return 'ssh';
  if (
    dirs.includes('.git') ||
    base === '.gitconfig' ||
    base === '.gitmodules' ||
    dirs.includes('.husky') ||
    dirs.includes('.githooks')
  )
    return 'git';
  if (MCP_FILES.has(base)) return 'mcp';
  if (dirs.includes('.vscode') || dirs.includes('.vscode-server')) {
    if (base === 'tasks.json') return 'tasks';
    if (base === 'launch.json') return 'launch';
    return 'editor-settings';
  }
  if (base === 'keybindings.json') return 'keybindings';
  if (base === 'settings.json' || base === 'argv.json') return 'editor-settings';
  if (base.endsWith('.code-workspace')) return 'workspace-file';
  if (AGENT_DIRS.some((d) => dirs.includes(d)) || base === '.cursorrules' || base === '.windsurfrules')
    return 'agent-config';
  if (CI_FILES.has(base) || CI_DIRS.some(under)) return 'ci';
  if (dirs.includes('.devcontainer') || base === '.devcontainer.json' || base === 'devcontainer.json')
    return 'dev-container';
  if (
    SHELL_PROFILES.has(base) ||
    under('etc/profile.d') ||
    under('fish/conf.d') ||
    (base === 'profile' && under('etc'))
  )
    return 'shell-profile';
  if (base === 'package.json') return 'package-scripts';
  if (PACKAGE_MANAGER_FILES.has(base)) return 'package-manager';
  return undefined;
}
