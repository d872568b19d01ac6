// Finding an auth0-deploy-cli repository and its files on disk. Every caller (declared keys,
// the runner's values, the converter's Action files) asks here, so they agree on what a
// repository is.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { describeJsonError } from '../../../shared/redact';
import { EXPORT_ONLY_FOLDERS, REPOSITORY_FOLDERS, TENANT_FILE_NAMES, type DeployConfigKind } from '../../../shared/deployCliLayout';

export function isDirectory(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

/** Does `dir` hold rules/, rules-configs/, actions/ or a tenant.yaml/tenant.yml? */
export function isDeployCliRoot(dir: string): boolean {
  return REPOSITORY_FOLDERS.some((name) => isDirectory(join(dir, name))) || TENANT_FILE_NAMES.some((name) => isFile(join(dir, name)));
}

/**
 * The deploy-cli repository a file or folder belongs to: the nearest folder at or above `start`
 * with rules/, rules-configs/, actions/ or a tenant.yaml/tenant.yml. The search ends at `stopDir`
 * (when `start` is inside it) and at a folder with package.json or node_modules (the end of a
 * project, as for `require`), so an unrelated folder higher up is never taken for it.
 */
export function findDeployCliRoot(start: string, stopDir?: string): string | undefined {
  const from = isDirectory(start) ? resolve(start) : dirname(resolve(start));
  const stop = stopDir && (from + sep).startsWith(resolve(stopDir) + sep) ? resolve(stopDir) : undefined;
  for (let dir = from; ; dir = dirname(dir)) {
    if (isDeployCliRoot(dir)) return dir;
    const projectEnd = existsSync(join(dir, 'package.json')) || existsSync(join(dir, 'node_modules'));
    if (dir === stop || projectEnd || dirname(dir) === dir) return undefined;
  }
}

/** Folders never searched for repositories: dependencies, VCS data, hidden and build folders. */
const NOT_SEARCHED = new Set(['node_modules', 'dist', 'out', 'build', 'coverage']);

/**
 * The deploy-cli repositories at or below `dir` (a workspace folder holding, say, tenants/prod/ and
 * tenants/dev/): `dir` itself when `isRoot` says it is one, else the folders below it, at most
 * `maxDepth` levels down and at most `maxFolders` folders looked at, never inside node_modules,
 * hidden folders (.git) or build output, and never inside a repository already found.
 */
function findDeployCliRootsBelow(dir: string, isRoot: (dir: string) => boolean, maxDepth = 4, maxFolders = 2000): string[] {
  const found: string[] = [];
  let budget = maxFolders;
  const visit = (folder: string, depth: number): void => {
    if (budget-- <= 0) return;
    if (isRoot(folder)) {
      found.push(folder);
      return;
    }
    if (depth >= maxDepth) return;
    let names: string[];
    try {
      names = readdirSync(folder, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.') && !NOT_SEARCHED.has(e.name)).map((e) => e.name).sort();
    } catch {
      return;
    }
    for (const name of names) visit(join(folder, name), depth + 1);
  };
  visit(resolve(dir), 0);
  return found;
}

/** Is `dir` the root of an export the doctor reads: a deploy-cli root, or a folder with triggers/ or guardian/? */
export function isDeployRepository(dir: string): boolean {
  return isDeployCliRoot(dir) || EXPORT_ONLY_FOLDERS.some((d) => isDirectory(join(dir, d)));
}

/**
 * Below a workspace folder a folder counts only when it holds deploy-cli files, not merely a folder
 * named rules/ or actions/ (an application's source tree has those, with .js files).
 */
function holdsDeployFiles(dir: string): boolean {
  if (!isDeployRepository(dir)) return false;
  if (listTenantFiles(dir).length > 0) return true;
  return ['rules', 'rules-configs', 'actions', 'triggers', join('guardian', 'factors')].some((d) => listJsonFiles(join(dir, d)).length > 0);
}

/** The deploy-cli repositories of a workspace folder: the folder itself, or those below it (tenants/prod/, …). */
export function findDeployRepositories(folder: string): string[] {
  if (isDeployRepository(folder)) return [folder];
  return findDeployCliRootsBelow(folder, holdsDeployFiles);
}

/** The `.json` files of a folder, sorted; none when it does not exist. */
export function listJsonFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.json')).sort().map((n) => join(dir, n));
  } catch {
    return [];
  }
}

/** The repository's tenant.yaml / tenant.yml files that exist. */
export function listTenantFiles(root: string): string[] {
  return TENANT_FILE_NAMES.map((name) => join(root, name)).filter(isFile);
}

/** Every configuration file of a repository with its kind: rules-configs/*.json, actions/*.json, tenant files. */
export function listDeployConfigFiles(root: string, kinds: readonly DeployConfigKind[] = ['rulesConfig', 'actionJson', 'tenantYaml']): { kind: DeployConfigKind; path: string }[] {
  const found: { kind: DeployConfigKind; path: string }[] = [];
  if (kinds.includes('rulesConfig')) for (const path of listJsonFiles(join(root, 'rules-configs'))) found.push({ kind: 'rulesConfig', path });
  if (kinds.includes('actionJson')) for (const path of listJsonFiles(join(root, 'actions'))) found.push({ kind: 'actionJson', path });
  if (kinds.includes('tenantYaml')) for (const path of listTenantFiles(root)) found.push({ kind: 'tenantYaml', path });
  return found;
}

function readJsonObject(path: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The actions/<name>.json of the Action whose code is `codeFile`: the one named after the file's
 * folder under actions/ (deploy-cli writes actions/<name>/code.js), else one whose `code` path is the file.
 */
export function findActionJson(root: string, codeFile: string): string | undefined {
  const actionsDir = join(root, 'actions');
  const inside = relative(actionsDir, codeFile).split(sep);
  if (inside.length > 1 && inside[0] !== '..' && existsSync(join(actionsDir, `${inside[0]}.json`))) return join(actionsDir, `${inside[0]}.json`);
  return listJsonFiles(actionsDir).find((path) => {
    const code = readJsonObject(path)?.code;
    return typeof code === 'string' && resolve(root, code) === codeFile;
  });
}

/** The first readable actions/*.json object: new Actions copy its key order, runtime and trigger version. */
export function readActionTemplate(actionsDir: string): Record<string, unknown> | undefined {
  for (const path of listJsonFiles(actionsDir)) {
    const json = readJsonObject(path);
    if (json) return json;
  }
  return undefined;
}

/** A deploy-cli file that cannot be read or is not valid JSON; the message names the file. */
export class DeployFileError extends Error {}

/** A deploy-cli file's text, without the byte-order mark some editors write. */
export function readDeployText(path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (err) {
    throw new DeployFileError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** A deploy-cli JSON file, parsed; parse errors never quote the text (it may hold secrets). */
export function readDeployJson(path: string): unknown {
  return parseDeployJson(path, readDeployText(path));
}

/** The text of the deploy-cli JSON file at `path` (after keyword replacement, say), parsed; errors as readDeployJson's. */
export function parseDeployJson(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DeployFileError(`${path}: not valid JSON (${describeJsonError(err, text)})`);
  }
}

/** The rules folder of `dir`: its rules/ when it has one, else `dir` itself (a rules folder given directly). */
export function rulesFolderOf(dir: string): string {
  return isDirectory(join(dir, 'rules')) ? join(dir, 'rules') : dir;
}

/** One rules/<name>.json as auth0-deploy-cli writes it, with deploy-cli's defaults filled in. */
export interface RuleFile {
  /** The .json file. */
  path: string;
  /** `name`, else the file's base name. */
  name: string;
  /** `script` as written, else `./<base name>.js`. */
  script: string;
  /** The script's path: `script` resolved against the rules folder. */
  scriptPath: string;
  order: number | undefined;
  /** false only when the file says `enabled: false`. */
  enabled: boolean;
  /** `stage`, when the file names one (login rules: `login_success` or none). */
  stage: string | undefined;
  /** An Action's deploy-cli file (`code` or `supported_triggers`) left among the rules. */
  isActionFile: boolean;
}

/** What a rules/<name>.json says, or undefined when it holds no JSON object. Throws DeployFileError. */
export function readRuleFile(path: string, readJson: (path: string) => unknown = readDeployJson): RuleFile | undefined {
  const json = readJson(path);
  if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const meta = json as Record<string, unknown>;
  const base = basename(path).replace(/\.json$/i, '');
  const script = typeof meta.script === 'string' ? meta.script : `./${base}.js`;
  return {
    path,
    name: typeof meta.name === 'string' ? meta.name : base,
    script,
    scriptPath: resolve(dirname(path), script),
    order: typeof meta.order === 'number' ? meta.order : undefined,
    enabled: meta.enabled !== false,
    stage: meta.stage === undefined ? undefined : String(meta.stage),
    isActionFile: 'code' in meta || 'supported_triggers' in meta,
  };
}

/**
 * Every rules/*.json of a rules folder that holds an object, in file-name order; `readJson` reads
 * each (the doctor's replaces keyword tokens first). Throws DeployFileError.
 */
export function readRuleFiles(rulesFolder: string, readJson: (path: string) => unknown = readDeployJson): RuleFile[] {
  return listJsonFiles(rulesFolder).map((path) => readRuleFile(path, readJson)).filter((r): r is RuleFile => r !== undefined);
}
