// Installs tools/eslint (ESLint, typescript-eslint and the TypeScript 5.9 they run on) from its own
// lock file. The root `prepare` script runs it after `npm ci`/`npm install`, and `npm run lint` runs it
// when a checkout's tools are missing (a checkout installed before tools/eslint existed). The
// project's own TypeScript is 7 (native, without the compiler API typescript-eslint needs), so the
// linter gets a TypeScript of its own in a package of its own.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const toolsDir = join(root, 'tools', 'eslint');

/** True when tools/eslint/node_modules matches tools/eslint/package-lock.json. */
export function toolsInstalled() {
  const installed = join(toolsDir, 'node_modules', '.package-lock.json');
  if (!existsSync(installed)) return false;
  const want = JSON.parse(readFileSync(join(toolsDir, 'package-lock.json'), 'utf8')).packages ?? {};
  const have = JSON.parse(readFileSync(installed, 'utf8')).packages ?? {};
  return Object.entries(want).every(([path, entry]) => path === '' || have[path]?.version === entry.version);
}

export function installTools() {
  // npm passes its configuration to scripts as npm_config_*: the registry and cache carry over, but
  // where and what the root install put (--prefix, --global, --omit=dev) must not.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_config_(prefix|local_prefix|global|omit|include|production|only|dry_run|ignore_scripts)$/i.test(key)));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: toolsDir, env, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) throw new Error(`npm ci in tools/eslint failed (exit ${result.status ?? result.signal})`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // An installed copy of the package (the CLI from a tarball) has no tools/ and needs none.
  if (existsSync(join(toolsDir, 'package.json')) && !toolsInstalled()) installTools();
}
