/**
 * E2E harness: a real VS Code (code-server, WITHOUT the smoke-test driver, so notifications and dialogs show)
 * with the extension installed from the repo's built dist/, driven by headless Debian Chromium (playwright-core).
 * Screenshots go to test-results/e2e/.
 *
 *   const vs = await launchVsCode({ name: 'connections' });
 *   await vs.openContainer('AI Gateway'); await vs.runCommand('AI Gateway: Add Connection'); await vs.shot('01-x');
 *   await vs.close();
 *
 * Tools come from the env set by scripts/run.mjs (AGC_CODE_SERVER, AGC_CHROMIUM, AGC_NODE) or the default cache.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before } from 'node:test';
import { type Browser, type FrameLocator, type Locator, type Page, chromium } from 'playwright-core';
import type * as CodeServerLib from '../../scripts/lib/code-server.mjs';
import { type Simulator, startSimulator } from '../simulator/index';
import type { SimulatorOptions } from '../simulator/types';

export const REPO = path.resolve(__dirname, '../../..');
export const SHOTS = path.join(REPO, 'test-results', 'e2e');

const toolsDir =
  process.env.AGC_TOOLS_DIR ??
  path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'ai-gateway-console');
const CODE_SERVER =
  process.env.AGC_CODE_SERVER ?? path.join(toolsDir, 'code-server-4.139.1', 'node_modules', '.bin', 'code-server');
const NODE = process.env.AGC_NODE ?? path.join(toolsDir, 'node-24.21.0', 'bin', 'node');
const CHROMIUM = process.env.AGC_CHROMIUM ?? '/usr/bin/chromium';

export interface LaunchOptions {
  /** Names the screenshots' folder (test-results/e2e/<name>/). */
  readonly name: string;
  /** Extra user settings. */
  readonly settings?: Record<string, unknown>;
  /** Extra environment for code-server (and so for the extension host). */
  readonly env?: Record<string, string>;
  /** UI language, e.g. 'zh-cn' (the extension's own strings; the workbench needs a language pack for its own). */
  readonly locale?: string;
  readonly viewport?: { width: number; height: number };
}

export interface VsCode {
  readonly url: string;
  readonly page: Page;
  readonly userDataDir: string;
  /** Saves test-results/e2e/<name>/<file>.png and returns its path. */
  shot(file: string): Promise<string>;
  /** F1, type the command's title, click its row. */
  runCommand(title: string): Promise<void>;
  /** Clicks an activity-bar entry by its title (e.g. "AI Gateway"). */
  openContainer(title: string): Promise<void>;
  /** A notification toast containing `text`. */
  toast(text: string | RegExp): Locator;
  /** The quick input (pick or input box). */
  readonly quickInput: Locator;
  /** Types into the quick input (replacing its value) and presses Enter. */
  answer(text: string): Promise<void>;
  /**
   * Runs a command that first asks for a connection and picks `connection` (the palette is opened again while the
   * workbench takes the focus away and the pick does not show).
   */
  runCommandFor(title: string, connection: string): Promise<void>;
  /**
   * Switches the color theme through the real picker (`label` as the picker shows it: "Light Modern", "Dark High
   * Contrast"); with `follows`, waits until that webview's body has the theme's class (asserted), so its CSS
   * variables are the new theme's before a screenshot.
   */
  setTheme(label: string, follows?: { readonly frame: FrameLocator; readonly bodyClass: RegExp }): Promise<void>;
  /** Runs `fn`; when it throws, saves FAILED-<file>.png (and the visible notifications in the error) first. */
  orShot<T>(file: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The one way code-server is started (scripts/lib/code-server.mjs, shared with `npm start` and the integration tier). */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- this file is compiled to CommonJS; Node's require() loads the ES module synchronously
const codeServerLib = require(path.join(REPO, 'scripts', 'lib', 'code-server.mjs')) as typeof CodeServerLib;

function installExtension(extensionsDir: string): void {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
    publisher: string;
    name: string;
    version: string;
  };
  if (!fs.existsSync(path.join(REPO, 'dist', 'extension.js')))
    throw new Error('dist/extension.js is missing: build first (npm run build)');
  const target = path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  fs.mkdirSync(target, { recursive: true });
  for (const f of fs.readdirSync(REPO)) {
    if (/^(package\.json|package\.nls(\.[\w-]+)?\.json|README\.md|LICENSE.*|dist|media|l10n)$/.test(f)) {
      fs.cpSync(path.join(REPO, f), path.join(target, f), { recursive: true });
    }
  }
}

/**
 * code-server only switches to a locale it has a language pack for, and the marketplace is out of reach here.
 * A stub pack (no workbench translations: the workbench stays English) is enough for VS Code to run in that
 * locale, so extensions get their package.nls.<locale>.json and l10n/bundle.l10n.<locale>.json.
 */
function installLanguagePackStub(locale: string, userDataDir: string, extensionsDir: string): void {
  const id = `agc-test.language-pack-stub-${locale}`;
  const dir = path.join(extensionsDir, `${id}-1.0.0`);
  fs.mkdirSync(path.join(dir, 'translations'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'translations', 'main.i18n.json'),
    JSON.stringify({ version: '1.0.0', contents: {} }),
  );
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name: `language-pack-stub-${locale}`,
      publisher: 'agc-test',
      version: '1.0.0',
      engines: { vscode: '*' },
      categories: ['Language Packs'],
      contributes: {
        localizations: [
          {
            languageId: locale,
            languageName: locale,
            localizedLanguageName: locale,
            translations: [{ id: 'vscode', path: './translations/main.i18n.json' }],
          },
        ],
      },
    }),
  );
  fs.writeFileSync(
    path.join(userDataDir, 'languagepacks.json'),
    JSON.stringify({
      [locale]: {
        hash: 'agc-test-stub',
        extensions: [{ extensionIdentifier: { id }, version: '1.0.0' }],
        translations: { vscode: path.join(dir, 'translations', 'main.i18n.json') },
        label: locale,
      },
    }),
  );
  fs.writeFileSync(path.join(userDataDir, 'User', 'argv.json'), JSON.stringify({ locale }));
}

export async function launchVsCode(opts: LaunchOptions): Promise<VsCode> {
  for (const [what, p] of [
    ['code-server', CODE_SERVER],
    ['chromium', CHROMIUM],
  ] as const) {
    if (!fs.existsSync(p))
      throw new Error(
        `${what} not found at ${p}: run \`npm test\` (or \`npm run tools\`) once to install the toolchain`,
      );
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agc-e2e-'));
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  const workspace = path.join(tmp, 'workspace');
  const xdg = path.join(tmp, 'xdg');
  for (const d of [path.join(userDataDir, 'User'), extensionsDir, workspace, xdg]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(workspace, 'README.md'), '# e2e workspace\n');
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        ...opts.settings,
      },
      null,
      2,
    ),
  );
  if (opts.locale) installLanguagePackStub(opts.locale, userDataDir, extensionsDir);
  installExtension(extensionsDir);

  const shotsDir = path.join(SHOTS, opts.name);
  fs.mkdirSync(shotsDir, { recursive: true });
  const xdgEnv = { XDG_CONFIG_HOME: xdg, XDG_DATA_HOME: xdg, XDG_CACHE_HOME: xdg };
  const logFile = path.join(shotsDir, 'code-server.log');
  fs.writeFileSync(logFile, '');
  const server = await codeServerLib
    .startCodeServer({
      codeServer: CODE_SERVER,
      home: tmp,
      userDataDir,
      extensionsDir,
      logFile,
      nodeBin: path.dirname(NODE),
      args: opts.locale ? ['--locale', opts.locale] : [],
      env: { ...process.env, ...opts.env },
      ...(process.env.AGC_RUN_DIR ? { runDir: process.env.AGC_RUN_DIR } : {}),
    })
    .catch((e: unknown) => {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw e;
    });
  const url = server.url;
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    if (browser) await Promise.race([browser.close().catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
    await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  };

  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      env: { ...process.env, ...xdgEnv },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    });
    const ctx = await browser.newContext({ viewport: opts.viewport ?? { width: 1400, height: 850 } });
    const page = await ctx.newPage();
    await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    await page.locator('.activitybar').waitFor({ timeout: 60000 });

    const quickInput = page.locator('.quick-input-widget');
    const vs: VsCode = {
      url,
      page,
      userDataDir,
      quickInput,
      async shot(file) {
        const p = path.join(shotsDir, `${file}.png`);
        await page.screenshot({ path: p });
        return p;
      },
      async runCommand(title) {
        // The workbench may take focus away while the palette is open (a view the extension reveals on
        // start, a panel opening): then the palette closes under us, and we open it again.
        for (let attempt = 1; ; attempt++) {
          try {
            await page.keyboard.press('F1');
            const input = quickInput.locator('input');
            await input.waitFor({ state: 'visible', timeout: 15000 });
            await input.fill(`>${title}`);
            // click the row itself: Enter would take whichever row is highlighted while the list is still filtering
            const row = quickInput.locator('.monaco-list-row', { hasText: title }).first();
            await row.waitFor({ timeout: 15000 });
            await row.click({ timeout: 5000 });
            return;
          } catch (e) {
            // the command may have run all the same: its own quick input (not the palette) is now showing
            const input = quickInput.locator('input');
            const open = await input.isVisible().catch(() => false);
            if (open && !(await input.inputValue().catch(() => '>')).startsWith('>')) return;
            if (attempt >= 3) throw e;
            await page.keyboard.press('Escape').catch(() => undefined);
          }
        }
      },
      async openContainer(title) {
        const entry = page.locator(`.activitybar [aria-label^="${title}"]`).first();
        await entry.waitFor({ timeout: 60000 });
        await entry.click();
      },
      toast(text) {
        return page.locator('.notification-toast', { hasText: text });
      },
      async answer(text) {
        const input = quickInput.locator('input');
        await input.waitFor({ state: 'visible', timeout: 15000 });
        await input.fill(text);
        await page.keyboard.press('Enter');
      },
      async runCommandFor(title, connection) {
        for (let attempt = 1; ; attempt++) {
          await this.runCommand(title);
          try {
            await quickInput.locator('.monaco-list-row', { hasText: connection }).first().waitFor({ timeout: 10000 });
            break;
          } catch (e) {
            if (attempt >= 3) throw e;
            await page.keyboard.press('Escape').catch(() => undefined);
          }
        }
        await this.answer(connection);
      },
      async setTheme(label, follows) {
        await this.runCommand('Preferences: Color Theme');
        // typed into the picker's filter: the list is virtual, a theme far down has no row until the filter brings it up
        await quickInput.locator('.monaco-list-row').first().waitFor({ timeout: 15000 });
        await quickInput.locator('input').fill(label);
        await quickInput.locator('.monaco-list-row', { hasText: label }).first().waitFor({ timeout: 15000 });
        await page.keyboard.press('Enter');
        if (!follows) {
          await page.waitForTimeout(500);
          return;
        }
        const bodyClass = async () => (await follows.frame.locator('body').getAttribute('class')) ?? '';
        for (let i = 0; i < 100 && !follows.bodyClass.test(await bodyClass()); i++) await page.waitForTimeout(200);
        assert.match(await bodyClass(), follows.bodyClass, `the webview follows the theme ${label}`);
        await page.waitForTimeout(300); // a theme observer in the webview may re-draw (charts) after the class changes
      },
      async orShot(file, fn) {
        try {
          return await fn();
        } catch (e) {
          const p = await vs.shot(`FAILED-${file}`).catch(() => '(no screenshot)');
          const toasts = await page
            .locator('.notification-toast')
            .allInnerTexts()
            .catch(() => []);
          throw new Error(
            `${e instanceof Error ? e.message : String(e)}\n  screenshot: ${p}\n  notifications: ${JSON.stringify(toasts)}`,
            { cause: e },
          );
        }
      },
      close,
    };
    return vs;
  } catch (e) {
    await close();
    throw e;
  }
}

/** The demo connections of both simulated gateways (with their model keys), the Gateways view focused at start. */
export function demoEnv(sim: Simulator): Record<string, string> {
  return {
    AI_GATEWAY_CONSOLE_DEMO: JSON.stringify({
      aione: { url: sim.aione.url, adminToken: sim.aione.adminToken, modelKey: sim.aione.modelKey },
      aihubmix: {
        url: sim.aihubmix.url,
        accessToken: sim.aihubmix.accessToken,
        modelKey: sim.aihubmix.modelKey,
        userId: sim.aihubmix.userId,
      },
      focus: true,
    }),
  };
}

/**
 * For the enclosing describe: `before`, a simulator on 127.0.0.1 (`simulator` options, then `prepare` on its state)
 * and a VS Code with both of its gateways as demo connections (1400×900 unless `launch` says otherwise), handed to
 * `opened`; `after`, both closed.
 */
export function useDemo(
  launch: LaunchOptions,
  simulator: SimulatorOptions,
  opened: (demo: { readonly vs: VsCode; readonly sim: Simulator }) => void,
  prepare?: (sim: Simulator) => void,
): void {
  let vs: VsCode | undefined;
  let sim: Simulator | undefined;
  before(async () => {
    sim = await startSimulator({ host: '127.0.0.1', ...simulator });
    prepare?.(sim);
    vs = await launchVsCode({
      viewport: { width: 1400, height: 900 },
      ...launch,
      env: { ...demoEnv(sim), ...launch.env },
    });
    opened({ vs, sim });
  });
  after(async () => {
    await vs?.close();
    await sim?.close();
  });
}
