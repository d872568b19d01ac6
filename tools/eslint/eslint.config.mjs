// The project's ESLint configuration (run by scripts/lint.mjs from the repository root). A small rule
// set that finds real defects the compiler does not: promises nobody awaits or handles, promises
// passed where a callback's result is ignored, and unused code. Rules about style are left out.
import tseslint from 'typescript-eslint';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', 'dist/**', 'out/**', '**/fixtures/**', 'test/e2e/**', 'tools/**', '**/*.js', '**/*.mjs', '**/*.cjs'],
  },
  {
    files: ['shared/**/*.ts', 'client/src/**/*.ts', 'server/src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { project: resolve(root, 'tsconfig.json'), tsconfigRootDir: root },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // node:test's test()/describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': ['error', {
        checkThenables: true,
        ignoreVoid: false,
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }],
      }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
);
