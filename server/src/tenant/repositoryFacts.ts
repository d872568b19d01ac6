// The doctor's offline source: the same facts as the Management API gives, read from an
// auth0-deploy-cli repository in its directory format (rules/, actions/, triggers/, guardian/)
// or its YAML format (tenant.yaml). Kept small and self-contained: it reads only what the doctor
// needs and never writes.
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { replaceDeployKeywordsInCode, type DeployedCode } from '../deployCli/deployValues';
import { DeployFileError, findDeployCliRoot, isDirectory, listJsonFiles, readDeployJson, readDeployText, readRuleFiles } from '../deployCli/repository';
import { findDeployRepositories, isDeployRepository, yamlFileIn } from './repositoryRoot';
import type { BoundAction, DuoSettings, FactLocation, GuardianFactor, TenantFacts, TenantRule } from './facts';

/** The repository cannot be read: an I/O or usage problem (exit status 2). */
export { isDeployRepository } from './repositoryRoot';

export class RepositoryError extends Error {}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The deploy-cli module reads every file; its errors are this reader's usage errors. */
function asRepositoryError<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof DeployFileError) throw new RepositoryError(err.message);
    throw err;
  }
}

function readText(path: string): string {
  return asRepositoryError(() => readDeployText(path));
}

/** deploy-cli's keyword mappings, when the caller has them: code is then read as deploy-cli deploys it. */
type Mappings = Record<string, unknown> | undefined;

/** A code file's text as deployed: keyword tokens replaced when there are mappings. */
function deployedCode(written: string, mappings: Mappings): { code: string; keywords?: DeployedCode } {
  if (!mappings) return { code: written };
  const keywords = replaceDeployKeywordsInCode(written, mappings);
  return { code: keywords.text, keywords };
}

function readJson(path: string): unknown {
  return asRepositoryError(() => readDeployJson(path));
}

const isDir = isDirectory;
const jsonFiles = listJsonFiles;

/** The first existing of `candidates`, or undefined. */
function firstExisting(candidates: string[]): string | undefined {
  return candidates.find((c) => existsSync(c) && !isDir(c));
}

/** deploy-cli writes code paths relative to the repository root (`./actions/x/code.js`) or to the file. */
function resolveCodePath(ref: string, root: string, fileDir: string): string | undefined {
  return firstExisting([resolve(root, ref), resolve(fileDir, ref), resolve(fileDir, basename(ref))]);
}

/** Where an `action_name` is bound to post-login, in trigger order; undefined when the export has no triggers. */
function postLoginNames(triggers: unknown): string[] | undefined {
  if (!isObject(triggers)) return undefined;
  const list = triggers['post-login'];
  if (!Array.isArray(list)) return [];
  return list.filter(isObject).map((b) => str(b.action_name) ?? str(b.display_name)).filter((n): n is string => Boolean(n));
}

function supportsPostLogin(action: Record<string, unknown>): boolean {
  const triggers = action.supported_triggers;
  if (!Array.isArray(triggers)) return true;
  return triggers.some((t) => isObject(t) && t.id === 'post-login');
}

interface RawAction {
  name: string;
  code: string | undefined;
  deployed: boolean;
  postLogin: boolean;
  location: FactLocation;
  codeLocation?: FactLocation;
  secretsFile: BoundAction['secretsFile'];
  keywords?: DeployedCode;
}

function bindActions(actions: RawAction[], bound: string[] | undefined, notes: string[]): BoundAction[] {
  const toBound = (a: RawAction): BoundAction => ({
    name: a.name, code: a.code, deployed: a.code !== undefined, allChangesDeployed: a.deployed, location: a.location, codeLocation: a.codeLocation, secretsFile: a.secretsFile, keywords: a.keywords,
  });
  if (bound === undefined) {
    const postLogin = actions.filter((a) => a.postLogin);
    if (postLogin.length) notes.push('The export has no trigger bindings (triggers), so every post-login Action in it is treated as bound to the login flow.');
    return postLogin.map(toBound);
  }
  const out: BoundAction[] = [];
  for (const name of bound) {
    const action = actions.find((a) => a.name === name);
    if (action) out.push(toBound(action));
    else notes.push(`The post-login trigger binds the Action "${name}", which is not in the export.`);
  }
  return out;
}

const SKEY_NOTE = 'auth0-deploy-cli never exports the Duo factor settings (their skey is secret), so the tenant\'s Duo keys were not checked; pass --configuration with DUO_IKEY, DUO_SKEY and DUO_HOST (or set them in the environment), or use --tenant.';

/** Zero-based line of `name: <name>` after the line of `section:` in a YAML text, for findings. */
function yamlLine(text: string, section: string, name: string): number | undefined {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => new RegExp(`^${section}\\s*:`).test(l));
  if (start < 0) return undefined;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^\\s*-?\\s*name\\s*:\\s*['"]?${escaped}['"]?\\s*$`);
  for (let i = start + 1; i < lines.length; i++) {
    if (/^\S/.test(lines[i]) && !lines[i].startsWith('-')) break;
    if (pattern.test(lines[i])) return i;
  }
  return start;
}

function readYamlRepository(file: string, shown: string, mappings: Mappings): TenantFacts {
  const root = dirname(file);
  const text = readText(file);
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new RepositoryError(`${file}: not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  if (!isObject(doc)) doc = {};
  const tenant = doc as Record<string, unknown>;
  const notes: string[] = [];
  const loc = (section: string, name: string): FactLocation => ({ file, line: yamlLine(text, section, name) });
  const scriptFrom = (ref: unknown): { code?: string; location?: FactLocation; keywords?: DeployedCode } => {
    const value = str(ref);
    if (value === undefined) return {};
    // A reference to a file next to tenant.yaml, or (rarely) the code inline.
    const path = /\n/.test(value) ? undefined : resolveCodePath(value, root, root);
    if (path) return { ...deployedCode(readText(path), mappings), location: { file: path } };
    return /\n|function|exports/.test(value) ? deployedCode(value, mappings) : {};
  };

  const rules: TenantRule[] = (Array.isArray(tenant.rules) ? tenant.rules : []).filter(isObject).map((r) => {
    const name = str(r.name) ?? '(unnamed rule)';
    const script = scriptFrom(r.script);
    return { name, enabled: r.enabled !== false, script: script.code, order: typeof r.order === 'number' ? r.order : undefined, location: loc('rules', name), scriptLocation: script.location, keywords: script.keywords };
  });

  const rawActions: RawAction[] = (Array.isArray(tenant.actions) ? tenant.actions : []).filter(isObject).map((a) => {
    const name = str(a.name) ?? '(unnamed Action)';
    const code = scriptFrom(a.code);
    return { name, code: code.code, deployed: a.deployed !== false, postLogin: supportsPostLogin(a), location: loc('actions', name), codeLocation: code.location, secretsFile: { kind: 'tenantYaml', file, action: name }, keywords: code.keywords };
  });

  let factors: GuardianFactor[] | undefined;
  if (Array.isArray(tenant.guardianFactors)) {
    factors = tenant.guardianFactors.filter(isObject).filter((f) => typeof f.name === 'string').map((f) => ({ name: f.name as string, enabled: f.enabled === true }));
  } else {
    notes.push('tenant.yaml has no guardianFactors, so which MFA factors are enabled was not checked.');
  }
  const factorsLine = text.split(/\r?\n/).findIndex((l) => /^guardianFactors\s*:/.test(l));
  return {
    source: 'repository',
    tenant: shown,
    factors,
    duoSettings: undefined,
    postLoginActions: bindActions(rawActions, postLoginNames(tenant.triggers), notes),
    rules: rules.sort((a, b) => (a.order ?? 0) - (b.order ?? 0)),
    notes,
    factorsLocation: { file, line: factorsLine >= 0 ? factorsLine : undefined },
  };
}

function readDirectoryRepository(root: string, shown: string, mappings: Mappings): TenantFacts {
  const notes: string[] = [];
  const rules: TenantRule[] = [];
  const rulesDir = join(root, 'rules');
  for (const rule of asRepositoryError(() => readRuleFiles(rulesDir))) {
    const scriptPath = resolveCodePath(rule.script, root, rulesDir);
    const script = scriptPath ? deployedCode(readText(scriptPath), mappings) : undefined;
    rules.push({
      name: rule.name,
      enabled: rule.enabled,
      script: script?.code,
      keywords: script?.keywords,
      order: rule.order,
      location: { file: rule.path },
      scriptLocation: scriptPath ? { file: scriptPath } : undefined,
    });
  }

  const actionsDir = join(root, 'actions');
  const rawActions: RawAction[] = [];
  for (const file of jsonFiles(actionsDir)) {
    const json = readJson(file);
    if (!isObject(json)) continue;
    const name = str(json.name) ?? basename(file, '.json');
    const codePath = resolveCodePath(str(json.code) ?? `./actions/${name}/code.js`, root, actionsDir)
      ?? firstExisting([join(actionsDir, basename(file, '.json'), 'code.js')]);
    const code = codePath ? deployedCode(readText(codePath), mappings) : undefined;
    rawActions.push({
      name,
      code: code?.code,
      keywords: code?.keywords,
      deployed: json.deployed !== false,
      postLogin: supportsPostLogin(json),
      location: { file },
      codeLocation: codePath ? { file: codePath } : undefined,
      secretsFile: { kind: 'actionJson', file, action: name },
    });
  }

  const triggersFile = firstExisting([join(root, 'triggers', 'triggers.json')]);
  const bound = triggersFile ? postLoginNames(readJson(triggersFile)) ?? [] : undefined;

  let factors: GuardianFactor[] | undefined;
  const factorsDir = join(root, 'guardian', 'factors');
  if (isDir(factorsDir)) {
    factors = [];
    for (const file of jsonFiles(factorsDir)) {
      const json = readJson(file);
      if (isObject(json)) factors.push({ name: str(json.name) ?? basename(file, '.json'), enabled: json.enabled === true });
    }
  } else {
    notes.push('The export has no guardian/factors directory, so which MFA factors are enabled was not checked.');
  }
  const duoFactorFile = firstExisting([join(factorsDir, 'duo.json')]);
  return {
    source: 'repository',
    tenant: shown,
    factors,
    duoSettings: undefined,
    postLoginActions: bindActions(rawActions, bound, notes),
    rules: rules.sort((a, b) => (a.order ?? 0) - (b.order ?? 0)),
    notes,
    factorsLocation: duoFactorFile ? { file: duoFactorFile } : undefined,
  };
}

/**
 * Reads the repository at `path` (its root directory, or its tenant.yaml). `shown` is how the
 * path appears in messages. With `mappings` (deploy-cli's keyword mappings), the Actions' code and
 * the Rules' scripts are what deploy-cli would deploy: their keyword tokens replaced.
 * Throws RepositoryError when it is not a deploy-cli repository.
 */
export function readRepositoryFacts(path: string, shown: string = path, localKeys?: { settings: DuoSettings; from: string }, mappings?: Record<string, unknown>): TenantFacts {
  if (!existsSync(path)) throw new RepositoryError(`${shown}: no such file or directory`);
  let facts: TenantFacts;
  if (!isDir(path)) {
    if (!/\.ya?ml$/i.test(path)) throw new RepositoryError(`${shown}: give an auth0-deploy-cli repository directory or its tenant.yaml`);
    facts = readYamlRepository(path, shown, mappings);
  } else {
    // A folder inside a repository (its rules/, say) reads the repository it belongs to.
    const root = isDeployRepository(path) ? path : findDeployCliRoot(path);
    const yaml = root && yamlFileIn(root);
    if (yaml) facts = readYamlRepository(yaml, shown, mappings);
    else if (root) facts = readDirectoryRepository(root, shown, mappings);
    else {
      const below = findDeployRepositories(path).map((r) => relative(path, r).split(sep).join('/'));
      const hint = below.length ? `; below it: ${below.join(', ')}: pass one of them` : '; pass its path';
      throw new RepositoryError(`${shown} is not an auth0-deploy-cli repository (no tenant.yaml, and no rules/, actions/, triggers/ or guardian/ directory)${hint}, or --tenant to read the tenant itself`);
    }
  }
  if (localKeys) {
    facts.duoSettings = localKeys.settings;
    facts.notes.push(`The export has no Duo factor settings; the Duo keys from ${localKeys.from} stand in for them.`);
  } else {
    facts.notes.push(SKEY_NOTE);
  }
  return facts;
}
