// Which files a local `npm run lint` hands to ESLint. Type-aware ESLint takes tens of seconds on the
// whole project, and ESLint's own --cache is unsound for type-aware rules (a file's findings change
// when a file it imports changes, which its cache entry never sees). So a clean run records every
// linted file's content hash; the next run lints only the files that changed since and every file
// that imports one of them, directly or not. A file's types come only from what it imports (the
// packages, the TypeScript lib and the ESLint set-up are in the key below), so that is exactly the set
// whose findings can differ; anything that could reach every file (a removed file, a global
// declaration, another key) makes it a full run. CI (CI=true) and `npm run lint -- --full` always
// lint everything. The record lives in node_modules/.cache, which git ignores.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { listTs } from './listTs.mjs';

const LINTED_TOPS = ['shared', 'client/src', 'server/src', 'test', 'bench'];
/** What every file's findings depend on besides its own imports. */
const KEY_FILES = ['tools/eslint/eslint.config.mjs', 'tools/eslint/package-lock.json', 'tsconfig.json', 'package-lock.json', 'scripts/lint.mjs', 'scripts/eslintScope.mjs'];
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]*)['"]|(?:^|[^\w.])(?:import|require)\(\s*['"](\.[^'"]*)['"]\s*\)|(?:^|\n)\s*import\s*['"](\.[^'"]*)['"]/g;
/** Declarations that reach files that do not import the file. */
const GLOBAL_EFFECT = /\bdeclare\s+(global|module)\b|\/\/\/\s*<reference\b/;

const hash = (text) => createHash('sha256').update(text).digest('hex');

function projectFiles(root) {
  const files = LINTED_TOPS.filter((top) => existsSync(join(root, top))).flatMap((top) => listTs(join(root, top)));
  files.push(...listTs(join(root, 'scripts')).filter((path) => dirname(path) === join(root, 'scripts')));
  return files.map((path) => relative(root, path).split(sep).join('/')).filter((file) => !file.startsWith('test/e2e/')).sort();
}

/** The project file a relative import names, if any (`./x` is x.ts or x/index.ts; a .json is itself). */
function resolveImport(root, from, spec, known) {
  const base = relative(root, resolve(root, dirname(from), spec)).split(sep).join('/');
  return [base, `${base}.ts`, `${base}/index.ts`].find((candidate) => known.has(candidate));
}

/** Reads the project's files and their relative imports. */
export function readProject(root) {
  const files = projectFiles(root);
  const texts = new Map(files.map((file) => [file, readFileSync(join(root, file), 'utf8')]));
  const imports = new Map();
  const extra = new Map();
  for (const [file, text] of texts) {
    const targets = [];
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3];
      let target = resolveImport(root, file, spec, texts);
      if (!target && /\.json$/.test(spec)) {
        target = relative(root, resolve(root, dirname(file), spec)).split(sep).join('/');
        if (!extra.has(target) && existsSync(join(root, target))) extra.set(target, readFileSync(join(root, target), 'utf8'));
        if (!extra.has(target)) target = undefined;
      }
      if (target) targets.push(target);
    }
    imports.set(file, targets);
  }
  const hashes = Object.fromEntries([...texts, ...extra].map(([file, text]) => [file, hash(text)]));
  const key = hash(KEY_FILES.map((file) => (existsSync(join(root, file)) ? hash(readFileSync(join(root, file))) : '-')).join('\n'));
  return { root, files, texts, imports, hashes, key };
}

const recordPath = (root) => join(root, 'node_modules', '.cache', 'duo-rules-lint.json');

/**
 * The files ESLint must lint: `{ full: true, why }` or `{ full: false, files, changed }`
 * (`files` empty when nothing changed since the last clean run).
 */
export function chooseScope(project, { forceFull }) {
  if (forceFull) return { full: true, why: process.env.CI ? 'CI' : '--full' };
  let record;
  try {
    record = JSON.parse(readFileSync(recordPath(project.root), 'utf8'));
  } catch {
    return { full: true, why: 'no record of a clean run' };
  }
  if (record.key !== project.key) return { full: true, why: 'the ESLint set-up, the TypeScript settings or the packages changed' };
  if (Object.keys(record.hashes).some((file) => !(file in project.hashes))) return { full: true, why: 'a file was removed or renamed' };
  const changed = Object.keys(project.hashes).filter((file) => record.hashes[file] !== project.hashes[file]);
  if (changed.some((file) => GLOBAL_EFFECT.test(project.texts.get(file) ?? ''))) return { full: true, why: 'a changed file declares globals' };
  const importers = new Map();
  for (const [file, targets] of project.imports) for (const target of targets) importers.set(target, [...(importers.get(target) ?? []), file]);
  const reached = new Set(changed);
  const queue = [...changed];
  while (queue.length) for (const importer of importers.get(queue.pop()) ?? []) if (!reached.has(importer)) { reached.add(importer); queue.push(importer); }
  return { full: false, changed, files: project.files.filter((file) => reached.has(file)) };
}

/**
 * After a clean run: the hashes of the files that are now known clean. A partial run only vouches for
 * the files it linted plus the unchanged rest, which the previous record already vouched for.
 */
export function recordClean(project) {
  const path = recordPath(project.root);
  mkdirSync(dirname(path), { recursive: true });
  // Written beside and renamed over: node_modules can be hard-linked from another checkout, and
  // writing into a shared inode would change that checkout's record too.
  const temporary = `${path}.${process.pid}`;
  writeFileSync(temporary, JSON.stringify({ key: project.key, hashes: project.hashes }));
  renameSync(temporary, path);
}
