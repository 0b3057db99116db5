/**
 * The host-side checks of what the chat webview asks for (src/features/chat/guards.ts): which links open at once,
 * which need a confirmation that shows the real destination, which are refused; which files count as configuring
 * tools or running code for Insert at Cursor; language ids from fence info strings without prototype lookups.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { insertRisk, languageId, reviewLink } from '../../src/features/chat/guards';

describe('chat guards: language ids from fence info strings', () => {
  it('resolves aliases and lower-cases, plaintext when empty', () => {
    assert.equal(languageId('ts'), 'typescript');
    assert.equal(languageId('Py'), 'python');
    assert.equal(languageId('bash'), 'shellscript');
    assert.equal(languageId('rust'), 'rust');
    assert.equal(languageId(''), 'plaintext');
    assert.equal(languageId(undefined), 'plaintext');
  });

  it('a fence language named like an Object.prototype member is a plain string, never a prototype value', () => {
    for (const l of [
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'valueOf',
      '__defineGetter__',
      'isPrototypeOf',
    ]) {
      const id = languageId(l);
      assert.equal(typeof id, 'string', l);
      assert.equal(id, l.toLowerCase());
      assert.equal(languageId(l, new Set(['typescript', 'plaintext'])), 'plaintext', `${l} is not a known language`);
    }
    assert.equal(languageId('ts', new Set(['typescript'])), 'typescript');
  });
});

describe('chat guards: links the webview asks to open', () => {
  it('opens a plain https / http link to a public host at once', () => {
    for (const u of ['https://example.com/a?b=1#c', 'http://docs.example.org/x', 'https://sub.domain.co.uk:8443/p']) {
      const v = reviewLink(u);
      assert.equal(v.kind, 'open', `${u}: ${JSON.stringify(v)}`);
    }
    const v = reviewLink('  https://Example.COM/Path ');
    assert.ok(v.kind === 'open');
    assert.equal(v.review.href, 'https://example.com/Path', 'the normalised URL is what opens');
  });

  it('asks first when the link text names another host or holds bidi controls, and shows that text', () => {
    const other = reviewLink('https://evil.test/login', 'https://bank.example/login');
    assert.ok(other.kind === 'confirm', JSON.stringify(other));
    assert.deepEqual(other.review.concerns, ['text-names-other-host']);
    assert.equal(other.review.text, 'https://bank.example/login');
    const bidi = reviewLink('https://files.example/r', 'report\u202Efdp.exe');
    assert.ok(bidi.kind === 'confirm');
    assert.deepEqual(bidi.review.concerns, ['bidi-text']);
    assert.equal(bidi.review.text, 'report\u27e8U+202E\u27e9fdp.exe', 'the control is shown, not applied');
    for (const text of ['the docs', 'https://example.com/a', 'www.example.com', 'README.md', ''])
      assert.equal(reviewLink('https://example.com/a', text).kind, 'open', text);
  });

  it('refuses every scheme but http(s)', () => {
    for (const [u, scheme] of [
      ['javascript:alert(1)', 'javascript:'],
      ['JaVaScRiPt:alert(1)', 'javascript:'],
      ['file:///etc/passwd', 'file:'],
      ['command:workbench.action.terminal.new', 'command:'],
      ['vscode://file/etc/passwd', 'vscode:'],
      ['data:text/html,<b>x</b>', 'data:'],
      ['mailto:a@b.example', 'mailto:'],
      ['ftp://example.com/', 'ftp:'],
    ] as const) {
      const v = reviewLink(u);
      assert.deepEqual(v, { kind: 'refused', scheme }, u);
    }
    assert.deepEqual(reviewLink('not a url'), { kind: 'invalid' });
    assert.deepEqual(reviewLink('//example.com/x'), { kind: 'invalid' }, 'relative: no base');
  });

  it('asks first for loopback, private, IP and local-name hosts', () => {
    const cases: Array<[string, string]> = [
      ['http://localhost:3000/', 'loopback'],
      ['http://127.0.0.1/', 'loopback'],
      ['http://127.1/', 'loopback'],
      ['http://0x7f000001/', 'loopback'],
      ['http://[::1]:8080/', 'loopback'],
      ['http://api.localhost/', 'loopback'],
      ['http://10.0.0.5/admin', 'private-ip'],
      ['http://192.168.1.1/', 'private-ip'],
      ['http://172.20.0.1/', 'private-ip'],
      ['http://169.254.169.254/latest/meta-data', 'private-ip'],
      ['http://[fd00::1]/', 'private-ip'],
      ['http://[fe80::1]/', 'private-ip'],
      ['http://0.0.0.0:8000/', 'private-ip'],
      ['https://8.8.8.8/', 'ip-address'],
      ['https://[2606:4700::1111]/', 'ip-address'],
      ['http://intranet/wiki', 'local-name'],
      ['http://printer.local/', 'local-name'],
      ['https://git.corp/', 'local-name'],
      ['http://nas.home.arpa/', 'local-name'],
    ];
    for (const [u, concern] of cases) {
      const v = reviewLink(u);
      assert.equal(v.kind, 'confirm', u);
      assert.ok(v.kind === 'confirm' && v.review.concerns.includes(concern as never), `${u}: ${JSON.stringify(v)}`);
    }
  });

  it('shows user info, and that the link goes to the host after "@"', () => {
    const v = reviewLink('https://accounts.example.com@evil.test/login');
    assert.equal(v.kind, 'confirm');
    if (v.kind !== 'confirm') return;
    assert.equal(v.review.host, 'evil.test');
    assert.equal(v.review.userinfo, 'accounts.example.com');
    assert.deepEqual(v.review.concerns, ['userinfo']);
    const p = reviewLink('https://user:secret@example.com/');
    assert.ok(p.kind === 'confirm' && p.review.userinfo === 'user:secret');
  });

  it('shows punycode as xn--… and decoded, flags non-ASCII and mixed scripts as they are', () => {
    // Cyrillic "а" (U+0430) in place of the Latin "a"
    const v = reviewLink('https://\u0430pple.com/');
    assert.equal(v.kind, 'confirm');
    if (v.kind !== 'confirm') return;
    assert.match(v.review.host, /^xn--/);
    assert.equal(v.review.unicodeHost, '\u0430pple.com');
    assert.deepEqual([...v.review.concerns].sort(), ['mixed-script', 'non-ascii', 'punycode']);
    // written as punycode in the answer
    const p = reviewLink(`https://${v.review.host}/x`);
    assert.ok(
      p.kind === 'confirm' && p.review.unicodeHost === '\u0430pple.com' && p.review.concerns.includes('punycode'),
    );
    // a whole-script name is not mixed, but still confirmed with both forms shown
    const c = reviewLink('https://\u0440\u0443\u0441.example/');
    assert.ok(
      c.kind === 'confirm' && !c.review.concerns.includes('mixed-script') && c.review.concerns.includes('punycode'),
    );
    // Latin with CJK is ordinary, yet non-ASCII: confirmed, not called mixed
    const j = reviewLink('https://東京tower.example/');
    assert.ok(j.kind === 'confirm' && !j.review.concerns.includes('mixed-script'));
    // Greek omicron inside a Latin name
    const g = reviewLink('https://g\u03bfogle.com/');
    assert.ok(g.kind === 'confirm' && g.review.concerns.includes('mixed-script'));
  });
});

describe('chat guards: Insert at Cursor targets', () => {
  const risk = (path: string, scheme = 'file') => insertRisk({ scheme, path });

  it('flags files that configure tools or run code', () => {
    const cases: Array<[string, string]> = [
      ['/w/.vscode/settings.json', 'editor-settings'],
      ['/w/.vscode/tasks.json', 'tasks'],
      ['/w/.vscode/launch.json', 'launch'],
      ['/w/.vscode/extensions.json', 'editor-settings'],
      ['/w/.VSCode/Tasks.json', 'tasks'],
      ['/home/u/.config/Code/User/keybindings.json', 'keybindings'],
      ['/home/u/.config/Code/User/settings.json', 'editor-settings'],
      ['/w/project.code-workspace', 'workspace-file'],
      ['/w/.vscode/mcp.json', 'mcp'],
      ['/w/.mcp.json', 'mcp'],
      ['/w/.cursor/mcp.json', 'mcp'],
      ['/w/mcp.json', 'mcp'],
      ['/home/u/Library/Application Support/Claude/claude_desktop_config.json', 'mcp'],
      ['/w/.claude/settings.json', 'editor-settings'],
      ['/w/.cursor/rules/style.mdc', 'agent-config'],
      ['/w/.claude/commands/x.md', 'agent-config'],
      ['/w/.git/config', 'git'],
      ['/w/.git/hooks/pre-commit', 'git'],
      ['/w/.gitmodules', 'git'],
      ['/home/u/.gitconfig', 'git'],
      ['/w/.husky/pre-push', 'git'],
      ['/w/.github/workflows/ci.yml', 'ci'],
      ['/w/.github/actions/setup/action.yml', 'ci'],
      ['/w/.gitlab-ci.yml', 'ci'],
      ['/w/.circleci/config.yml', 'ci'],
      ['/w/azure-pipelines.yml', 'ci'],
      ['/w/Jenkinsfile', 'ci'],
      ['/w/.travis.yml', 'ci'],
      ['/w/bitbucket-pipelines.yml', 'ci'],
      ['/w/.buildkite/pipeline.yml', 'ci'],
      ['/w/.devcontainer/devcontainer.json', 'dev-container'],
      ['/w/.devcontainer/Dockerfile', 'dev-container'],
      ['/w/.devcontainer.json', 'dev-container'],
      ['/home/u/.bashrc', 'shell-profile'],
      ['/home/u/.zshrc', 'shell-profile'],
      ['/home/u/.profile', 'shell-profile'],
      ['/home/u/.bash_profile', 'shell-profile'],
      ['/home/u/.zprofile', 'shell-profile'],
      ['/home/u/.config/fish/config.fish', 'shell-profile'],
      ['/w/.envrc', 'shell-profile'],
      ['/etc/profile', 'shell-profile'],
      ['/etc/profile.d/x.sh', 'shell-profile'],
      ['/Users/u/Documents/PowerShell/Microsoft.PowerShell_profile.ps1', 'shell-profile'],
      ['/home/u/.ssh/config', 'ssh'],
      ['/home/u/.ssh/id_ed25519', 'ssh'],
      ['/home/u/.ssh/authorized_keys', 'ssh'],
      ['/srv/authorized_keys', 'ssh'],
      ['/etc/ssh/sshd_config', 'ssh'],
      ['/w/package.json', 'package-scripts'],
      ['/w/packages/a/package.json', 'package-scripts'],
      ['/w/.npmrc', 'package-manager'],
      ['/w/.yarnrc.yml', 'package-manager'],
      ['c:\\Users\\u\\.ssh\\config', 'ssh'],
      ['/c:/w/.vscode/tasks.json', 'tasks'],
    ];
    for (const [path, want] of cases) assert.equal(risk(path), want, path);
    assert.equal(risk('/User/settings.json', 'vscode-userdata'), 'editor-settings');
    assert.equal(risk('/User/keybindings.json', 'vscode-userdata'), 'keybindings');
    assert.equal(risk('/User/snippets/ts.json', 'vscode-userdata'), 'editor-settings');
  });

  it('leaves ordinary source and documents alone', () => {
    for (const path of [
      '/w/src/index.ts',
      '/w/README.md',
      '/w/src/settings.ts',
      '/w/docs/git-guide.md',
      '/w/src/ssh/client.ts',
      '/w/scripts/build.sh',
      '/w/src/vscode/extension.ts',
      '/w/github/workflows.md',
      '/w/package-lock.json',
      '/w/profile.txt',
      '/w/src/mcp/server.ts',
      'Untitled-1',
    ]) {
      assert.equal(risk(path), undefined, path);
    }
    assert.equal(risk('Untitled-1', 'untitled'), undefined);
  });
});
