// Turns `duo-rules lint` arguments (files, directories, globs) into the files to lint, each
// with the kind of check it gets. Globs are expanded here because shells (Windows, quoted
// arguments) may not expand them.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { classifyDeployConfigPath } from '../../../shared/deployCliLayout';

/** What a file is linted as. `script`: a Rule or Action (.js). `deployConfig`: an auth0-deploy-cli config file (plaintext secrets). */
export type LintFileKind = 'script' | 'deployConfig';

export interface LintTarget {
  /** Absolute path. */
  path: string;
  kind: LintFileKind;
}

export interface CollectedTargets {
  targets: LintTarget[];
  /** Arguments that name nothing: a missing file or a glob without matches. */
  missing: string[];
  /** Arguments that name something that is neither a file nor a directory (reading a FIFO would wait for ever). */
  notRegular: { arg: string; kind: string }[];
  /** Directories whose entries could not be listed, with the error code: their files were not checked. */
  unreadable: { path: string; code: string }[];
}

const skippedDirectories = new Set(['node_modules', '.git']);

/** The kind of a file found while searching a directory (by its absolute path), or null to skip it. */
function classifyFoundFile(path: string): LintFileKind | null {
  if (classifyDeployConfigPath(path)) return 'deployConfig';
  return /\.js$/i.test(path) ? 'script' : null;
}

/** The kind of a file named explicitly (always linted, whatever its extension). */
function classifyNamedFile(path: string): LintFileKind {
  return classifyFoundFile(path) ?? 'script';
}

function walk(dir: string, visit: (path: string) => void, unreadable: CollectedTargets['unreadable']): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    unreadable.push({ path: dir, code: (err as NodeJS.ErrnoException).code ?? String(err) });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skippedDirectories.has(entry.name)) walk(path, visit, unreadable);
    } else if (entry.isFile()) {
      visit(path);
    }
  }
}

function hasGlob(arg: string): boolean {
  return /[*?[\]{}]/.test(arg);
}

/** `**` any depth, `*` and `?` within one segment, `{a,b}` alternatives, `[…]` classes. */
function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') { i++; out += '(?:.*/)?'; } else out += '.*';
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '{') {
      const close = glob.indexOf('}', i);
      if (close < 0) { out += '\\{'; continue; }
      out += '(?:' + glob.slice(i + 1, close).split(',').map((s) => s.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('|') + ')';
      i = close;
    } else if (c === '[') {
      const close = glob.indexOf(']', i);
      if (close < 0) { out += '\\['; continue; }
      out += '[' + glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
      i = close;
    } else out += /[.+^$()|\\]/.test(c) ? '\\' + c : c;
  }
  return new RegExp('^' + out + '$');
}

function expandGlob(arg: string, cwd: string, unreadable: CollectedTargets['unreadable']): string[] {
  const normalised = arg.split(sep).join('/');
  const segments = normalised.split('/');
  const firstGlob = segments.findIndex(hasGlob);
  const base = resolve(cwd, segments.slice(0, firstGlob).join('/') || '.');
  const matcher = globToRegExp(segments.slice(firstGlob).join('/'));
  const found: string[] = [];
  walk(base, (path) => {
    const rel = path.slice(base.length + 1).split(sep).join('/');
    if (matcher.test(rel)) found.push(path);
  }, unreadable);
  return found;
}

/** Resolves every argument; duplicates are linted once, in argument order. */
export function collectLintTargets(args: string[], cwd: string): CollectedTargets {
  const seen = new Set<string>();
  const result: CollectedTargets = { targets: [], missing: [], notRegular: [], unreadable: [] };
  const add = (path: string, kind: LintFileKind) => {
    if (seen.has(path)) return;
    seen.add(path);
    result.targets.push({ path, kind });
  };
  for (const arg of args) {
    const path = resolve(cwd, arg);
    let stats;
    try {
      stats = statSync(path);
    } catch {
      stats = undefined;
    }
    if (stats?.isDirectory()) {
      walk(path, (file) => {
        const kind = classifyFoundFile(file);
        if (kind) add(file, kind);
      }, result.unreadable);
    } else if (stats?.isFile()) {
      add(path, classifyNamedFile(path));
    } else if (stats) {
      result.notRegular.push({ arg, kind: stats.isFIFO() ? 'a FIFO' : stats.isSocket() ? 'a socket' : 'a device' });
    } else if (hasGlob(arg)) {
      const matches = expandGlob(arg, cwd, result.unreadable);
      if (matches.length === 0) result.missing.push(arg);
      for (const file of matches) add(file, classifyNamedFile(file));
    } else {
      result.missing.push(arg);
    }
  }
  return result;
}
