// The configuration a Rule or Action would have in Auth0 after an auth0-deploy-cli deploy of the
// repository it lives in: rules-configs/*.json and tenant.yaml `rulesConfigs` for Rules, the
// Action's actions/<name>.json `secrets` for Actions, keyword tokens replaced from the mappings.
// Read only: nothing is ever written into the repository.
import { existsSync, statSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { extractDeclaredValues, type DeployConfigKind } from '../workspace/deployConfig';
import { listKeywordTokens, replaceDeployKeywords } from './inputs';

export interface DeployValues {
  /** The repository's values that are set (plain, or with every token mapped). */
  values: Record<string, string>;
  /** Keys whose value holds a token the mappings lack: they count as not set. */
  unmapped: { key: string; file: string; tokens: string[] }[];
  /** Files that could not be read or parsed; their values are not used. */
  warnings: string[];
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The deploy-cli repository around `start`: the nearest folder at or above it with a rules/ or
 * actions/ folder. The search ends at the workspace (`stopDir`, or a folder with package.json or
 * node_modules, as for `require`), so an unrelated folder higher up is never taken for it.
 */
export function findDeployRepository(start: string, stopDir?: string): string | null {
  const stop = stopDir && (resolve(start) + sep).startsWith(resolve(stopDir) + sep) ? resolve(stopDir) : undefined;
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (isDirectory(join(dir, 'rules')) || isDirectory(join(dir, 'actions'))) return dir;
    const workspaceEnd = existsSync(join(dir, 'package.json')) || existsSync(join(dir, 'node_modules'));
    if (dir === stop || workspaceEnd || dirname(dir) === dir) return null;
  }
}

async function listJsonFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => n.toLowerCase().endsWith('.json')).sort().map((n) => join(dir, n));
}

/**
 * The actions/<name>.json of the Action whose code is `file`: the one named after the file's folder
 * under actions/ (deploy-cli writes actions/<name>/code.js), else one whose `code` path is the file.
 */
async function findActionJson(root: string, file: string): Promise<string | null> {
  const actionsDir = join(root, 'actions');
  const inside = relative(actionsDir, file).split(sep);
  if (inside.length > 1 && inside[0] !== '..' && existsSync(join(actionsDir, `${inside[0]}.json`))) return join(actionsDir, `${inside[0]}.json`);
  for (const path of await listJsonFiles(actionsDir)) {
    try {
      const code = (JSON.parse(await readFile(path, 'utf8')) as { code?: unknown }).code;
      if (typeof code === 'string' && resolve(root, code) === file) return path;
    } catch {
      // Not this Action's file, or not readable: the folder-name match above covers deploy-cli's own layout.
    }
  }
  return null;
}

/**
 * Reads the repository's values for a Rule (or a rules directory, `file` being the rules folder) or
 * an Action. Outside a deploy-cli repository there are none.
 */
export async function readDeployValues(
  file: string,
  kind: 'rule' | 'action',
  mappings: Record<string, unknown> | undefined,
  stopDir?: string,
): Promise<DeployValues> {
  const found: DeployValues = { values: {}, unmapped: [], warnings: [] };
  const root = findDeployRepository(isDirectory(file) ? file : dirname(file), stopDir);
  if (!root) return found;
  const sources: Array<[DeployConfigKind, string]> = [];
  if (kind === 'rule') {
    for (const path of await listJsonFiles(join(root, 'rules-configs'))) sources.push(['rulesConfig', path]);
    for (const name of ['tenant.yaml', 'tenant.yml']) if (existsSync(join(root, name))) sources.push(['tenantYaml', join(root, name)]);
  } else {
    const actionJson = await findActionJson(root, file);
    if (actionJson) sources.push(['actionJson', actionJson]);
  }
  for (const [fileKind, path] of sources) {
    const shown = relative(root, path).split(sep).join('/');
    let entries;
    try {
      entries = extractDeclaredValues(fileKind, replaceDeployKeywords(await readFile(path, 'utf8'), mappings));
    } catch (err) {
      found.warnings.push(`${shown}: ${(err as Error).message}; its values are not used`);
      continue;
    }
    for (const { name, value } of entries) {
      if (value === undefined) continue;
      const tokens = listKeywordTokens(value);
      if (tokens.length > 0) found.unmapped.push({ key: name, file: shown, tokens });
      else found.values[name] = value;
    }
  }
  return found;
}

/**
 * Warnings for keys the code reads whose repository value has a token without a mapping and that got
 * no value elsewhere; they name the token, never a value.
 */
export function describeUnmappedKeys(deploy: DeployValues, configuration: Record<string, string>, keys: string[]): string[] {
  const read = new Set(keys);
  return deploy.unmapped
    .filter(({ key }) => read.has(key) && !(key in configuration))
    .map(({ key, file, tokens }) => `${key} in ${file} is ${tokens.join(', ')}, which the keyword mappings do not map (--mappings / duoRules.mappingsFile), so it is not set`);
}
