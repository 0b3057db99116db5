// @ts-check
/**
 * Lint for src/, test/ and scripts/: typescript-eslint with type information, plus the layering of src/ as
 * import zones (mirrors test/unit/layering.test.ts, which also checks node builtins in ui/ and cross-feature imports).
 * Formatting is Prettier's job (npm run format:check); nothing here is about style.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Import patterns a layer must not use (relative specifiers, so one glob per forbidden folder). */
const layer = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', {
      // the module 'vscode' by name only (a pattern would also refuse a file of ours called vscode.ts)
      patterns: [{ group: forbidden.filter((f) => f !== 'vscode'), message }],
      ...(forbidden.includes('vscode') ? { paths: [{ name: 'vscode', message }] } : {}),
    }],
  },
});
const folders = (names) => names.flatMap((n) => [`**/${n}`, `**/${n}/**`]);

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', '.tools/**', 'media/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // one project service for every file (it is created once): the .mjs scripts, in no tsconfig, get the default project
      parserOptions: {
        projectService: { allowDefaultProject: ['scripts/*.mjs', 'scripts/lib/*.mjs', 'scripts/mutation/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', {
        ignoreVoid: true,
        // node:test's describe/it return promises that the runner itself awaits
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }],
      }],
      '@typescript-eslint/no-misused-promises': 'error',
      // `return promise` inside try/catch/finally skips the catch and runs the finally too early
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      'no-duplicate-imports': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // a caught value passed on as it is (rethrown, or an AbortSignal's reason, typed any) stays what it was; a literal is refused
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingUnknown: true, allowThrowingAny: true, allowRethrowing: true }],
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true, allowThrowingAny: true }],
      '@typescript-eslint/require-await': 'off',
      // `const self = this` for the getters of a returned object literal (there `this` is the literal)
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['self'] }],
      // the sanitisers match control characters on purpose
      'no-control-regex': 'off',
      // String(unknown) in log lines and error texts is deliberate; the formatters handle objects themselves
      '@typescript-eslint/no-base-to-string': 'off',
      // `string | 'unlimited'` documents the special value a string may hold
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true }],
    },
  },
  // the import direction of src/
  layer(['src/core/**/*.ts'], ['vscode', ...folders(['gateway', 'platform', 'features', 'webview', 'ui'])],
    'core/ imports nothing of ours and never vscode.'),
  layer(['src/gateway/**/*.ts'], ['vscode', ...folders(['platform', 'features', 'webview', 'ui'])],
    'gateway/ imports only core/ and never vscode.'),
  layer(['src/platform/**/*.ts'], folders(['features', 'webview', 'ui']),
    'platform/ imports core/ and gateway/ only.'),
  layer(['src/webview/**/*.ts'], folders(['features', 'ui']), 'webview/ never imports features/ or ui/.'),
  layer(['src/features/**/*.ts'], folders(['ui']), 'features/ never import ui/ (the browser code).'),
  layer(['src/ui/**/*.ts'], ['vscode', ...folders(['features', 'platform', 'gateway']), 'node:*'],
    'ui/ is browser code: only ui/, the webview protocols and pure core/ modules.'),
  // the plain-JS scripts (Node ESM): type-aware too (TypeScript infers their types without checkJs), so a forgotten
  // await in run.mjs is found like one in src/; the any that untyped JS produces is not a finding there
  {
    files: ['**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly', AbortController: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly',
        URLSearchParams: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
