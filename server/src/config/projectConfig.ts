// Finding and reading `.duo-rules.json`, the project file both the editor and `duo-rules lint`
// read, so they agree on severities. Format: { "diagnostics": { "<code>": "error|warning|information|hint|off" } }.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, parse as parsePath, relative, isAbsolute } from 'node:path';
import { isDiagnosticCode, isSeverityLevel } from '../analysis/codes';

const projectConfigName = '.duo-rules.json';

export interface ProjectConfig {
  /** Absolute path of the `.duo-rules.json` that was read. */
  path: string;
  /** Severity per code as written (valid entries only). */
  severities: Record<string, string>;
  /** What was wrong with the file (unknown codes, bad levels, invalid JSON), one sentence each. */
  problems: string[];
}

/** Validates the parsed contents of a `.duo-rules.json`. */
export function parseProjectConfig(text: string, path: string): ProjectConfig {
  const config: ProjectConfig = { path, severities: {}, problems: [] };
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    config.problems.push(`${path}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
    return config;
  }
  const diagnostics = (json as { diagnostics?: unknown } | null)?.diagnostics;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    config.problems.push(`${path}: expected an object like { "diagnostics": { "rules-eol": "off" } }`);
    return config;
  }
  if (diagnostics === undefined) return config;
  if (diagnostics === null || typeof diagnostics !== 'object' || Array.isArray(diagnostics)) {
    config.problems.push(`${path}: "diagnostics" must be an object mapping codes to severities`);
    return config;
  }
  for (const [code, level] of Object.entries(diagnostics)) {
    if (!isDiagnosticCode(code)) config.problems.push(`${path}: unknown diagnostic code '${code}'`);
    else if (!isSeverityLevel(level)) config.problems.push(`${path}: '${code}' must be error, warning, information, hint, off or default`);
    else config.severities[code] = level;
  }
  return config;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isInside(dir: string, root: string): boolean {
  const rel = relative(root, dir);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The nearest `.duo-rules.json` from `startDir` upward, stopping after `stopDir` (a workspace
 * folder) when given and `startDir` is inside it, else at the filesystem root.
 */
export function findProjectConfigFile(startDir: string, stopDir?: string): string | null {
  const stop = stopDir && isInside(startDir, stopDir) ? stopDir : parsePath(startDir).root;
  let dir = startDir;
  for (;;) {
    const candidate = join(dir, projectConfigName);
    if (isFile(candidate)) return candidate;
    if (dir === stop || !isInside(dir, stop)) return null;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Finds and reads the project config for a directory; null when there is none. */
export function loadProjectConfig(startDir: string, stopDir?: string): ProjectConfig | null {
  const path = findProjectConfigFile(startDir, stopDir);
  if (!path) return null;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { path, severities: {}, problems: [`${path}: cannot be read (${err instanceof Error ? err.message : String(err)})`] };
  }
  return parseProjectConfig(text, path);
}
