// `npm run lint`: first the import rules of ARCHITECTURE.md that the compiler cannot check (which
// folder may import which; each offending import printed as file:line), then ESLint with
// typescript-eslint (tools/eslint/eslint.config.mjs: promises nobody handles, unused code), type-aware:
// over the whole project in CI and with --full, else over what changed since the last clean run and
// its importers (scripts/eslintScope.mjs). Exits 1 if either finds a problem.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { spawnSync } from 'node:child_process';
import { installTools, toolsDir, toolsInstalled } from './install-tools.mjs';
import { chooseScope, readProject, recordClean } from './eslintScope.mjs';
import { listTs } from './listTs.mjs';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

const nodeIo = new Set(['fs', 'fs/promises', 'child_process', 'net', 'http', 'https', 'http2', 'tls', 'dgram', 'worker_threads', 'cluster', 'os', 'vm', 'process']);

/**
 * [folder the importing file is in, test on the imported path (repository-relative, or a package
 * name), why]. A rule applies to every .ts file under the folder.
 */
const rules = [
  ['client/src/', (to) => to.startsWith('server/'), 'the extension talks to the server only through shared/protocol.ts'],
  ['shared/', (to) => to.startsWith('client/') || to.startsWith('server/'), 'shared/ depends on no layer (the extension, through shared/protocol.ts, then depends on no server module)'],
  ['server/src/analysis/', (to) => /^server\/src\/(runner|duo|features|cli|tenant|workspace|config)\//.test(to) || to.startsWith('client/'), 'the analysis is the pure core'],
  ['server/src/analysis/', (to) => to === 'vscode-languageserver' || to.startsWith('vscode-languageserver/') || to === 'vscode' || nodeIo.has(to.replace(/^node:/, '')), 'the analysis has no LSP connection and no Node I/O'],
  ['server/src/duo/', (to) => /^server\/src\/(runner|features|cli|tenant)\//.test(to), 'the Duo client does not depend on the runner or the editor'],
  ['server/src/runner/', (to) => /^server\/src\/(features|cli|duo|tenant)\//.test(to), 'the runner knows no LSP, no command line and no Duo'],
  ['server/src/workspace/', (to) => /^server\/src\/(features|cli|runner|duo|tenant|config)\//.test(to), 'deploy-cli files are read below every user of them'],
  ['server/src/config/', (to) => /^server\/src\/(features|cli|runner|duo|tenant)\//.test(to), 'the project configuration is read below its users'],
  ['server/src/tenant/', (to) => /^server\/src\/(features|cli|runner|config)\//.test(to), 'the doctor reads the tenant or the deploy-cli export, and runs no code'],
];

const importPattern = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[^\w.])(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g;

const problems = [];
for (const top of ['client/src', 'server/src', 'shared']) {
  for (const path of listTs(join(root, top))) {
    const file = relative(root, path).split(sep).join('/');
    const text = readFileSync(path, 'utf8');
    for (const m of text.matchAll(importPattern)) {
      const spec = m[1] ?? m[2];
      const to = spec.startsWith('.') ? relative(root, resolve(dirname(path), spec)).split(sep).join('/') : spec;
      for (const [folder, forbidden, why, applies] of rules) {
        if (!(file === folder || file.startsWith(folder))) continue;
        if (applies && !applies(file)) continue;
        if (forbidden(to, m[0])) {
          const line = text.slice(0, m.index + m[0].length).split('\n').length;
          problems.push(`${file}:${line}: imports ${spec}: ${why}`);
        }
      }
    }
  }
}

// A file name says its layer: the same name in two folders (a handler beside the core function it
// calls, two emulators) is a second home that reads like the first.
const byName = new Map();
for (const top of ['client/src', 'server/src', 'shared']) {
  for (const path of listTs(join(root, top))) {
    const file = relative(root, path).split(sep).join('/');
    const name = file.slice(file.lastIndexOf('/') + 1);
    byName.set(name, [...(byName.get(name) ?? []), file]);
  }
}
for (const [name, files] of byName) {
  if (files.length > 1) problems.push(`${files.join(', ')}: the file name ${name} repeats across folders; name each for its layer`);
}

for (const p of problems) console.error(p);
console.log(`lint: ${problems.length} layer rule violation${problems.length === 1 ? '' : 's'}`);

if (!toolsInstalled()) {
  console.log('lint: installing tools/eslint (its own package-lock.json)');
  installTools();
}
// Locally only the files whose findings can have changed since the last clean run (scripts/eslintScope.mjs);
// CI and `--full` lint everything.
const project = readProject(root);
const scope = chooseScope(project, { forceFull: Boolean(process.env.CI) || process.argv.includes('--full') });
let status = 0;
if (!scope.full && scope.files.length === 0) {
  console.log('lint: ESLint skipped: no file changed since its last clean run (`npm run lint -- --full` lints everything)');
} else {
  const started = Date.now();
  const targets = scope.full ? ['.'] : ['--no-warn-ignored', ...scope.files];
  console.log(scope.full
    ? `lint: ESLint on the whole project (${scope.why})`
    : `lint: ESLint on ${scope.files.length} of ${project.files.length} files: ${scope.changed.length} changed since its last clean run and those that import them (\`npm run lint -- --full\` lints everything)`);
  const eslint = spawnSync(process.execPath, [join(toolsDir, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--config', join(toolsDir, 'eslint.config.mjs'), '--max-warnings', '0', ...targets], { cwd: root, stdio: 'inherit' });
  status = eslint.status ?? 1;
  console.log(`lint: ESLint ${status === 0 ? 'found no problems' : 'failed'} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (status === 0) recordClean(project);
}
process.exit(problems.length || status !== 0 ? 1 : 0);
