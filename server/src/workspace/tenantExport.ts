// What an auth0-deploy-cli export says about a tenant's login path, in its directory format
// (rules/, actions/, triggers/, guardian/) or its YAML format (tenant.yaml): the Rules and their
// scripts, the Actions and their code, the post-login trigger's bindings and the MFA factors, as
// typed data with the file (and tenant.yaml line) of each. Only reads. tenant.yaml is read as
// deploy-cli reads it, its keyword tokens replaced from the mappings in the whole text before
// parsing; code files are as written (the doctor replaces their tokens as deploy-cli loads them).
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { unmarkKeywordTokens } from '../../../shared/keywordTokens';
import { parseTenantYaml } from './configFiles';
import { listKeywordTokens, replaceDeployFileKeywords, writtenOffset, type ActionSecretsFile, type DeployedCode } from './deployValues';
import { DeployFileError, findDeployCliRoot, isDeployRepository, isDirectory, listJsonFiles, listTenantFiles, parseDeployJson, readDeployText, readRuleFiles } from './repository';

/** Where an entry is written: its file and, in a multi-entry file such as tenant.yaml, its zero-based line. */
export interface ExportLocation {
  file: string;
  line?: number;
}

/** A Rule's script or an Action's code as written; `location` is undefined for code inline in tenant.yaml. */
export interface ExportCode {
  written: string;
  location: ExportLocation | undefined;
}

export interface ExportRule {
  name: string;
  /** false only when the export says `enabled: false`. */
  enabled: boolean;
  order: number | undefined;
  location: ExportLocation;
  /** undefined when the script cannot be found. */
  script: ExportCode | undefined;
}

export interface ExportAction {
  name: string;
  /** false when the export says `deployed: false` (saved changes not deployed). */
  deployed: boolean;
  /** The Action supports the post-login trigger (or names no triggers at all). */
  postLogin: boolean;
  location: ExportLocation;
  /** undefined when the code cannot be found. */
  code: ExportCode | undefined;
  /** Where its `secrets` are declared. */
  secretsFile: ActionSecretsFile;
}

export interface ExportFactor {
  name: string;
  enabled: boolean;
}

export interface TenantExport {
  format: 'directory' | 'yaml';
  /** In file order. */
  rules: ExportRule[];
  /** In file order. */
  actions: ExportAction[];
  /** The Action names bound to post-login, in trigger order; undefined when the export has no triggers. */
  postLoginBindings: string[] | undefined;
  /** undefined when the export has no guardian factors (no guardian/factors/, no `guardianFactors`). */
  factors: ExportFactor[] | undefined;
  /** guardian/factors/duo.json, or tenant.yaml's `guardianFactors` line. */
  factorsLocation: ExportLocation | undefined;
  /** deploy-cli's own files read here (tenant.yaml, or the JSON files), each with its keyword replacement and its tokens without a mapping. */
  keywordFiles: ExportKeywordFile[];
  /** The tokens without a mapping that a factor's `enabled` holds (`factors` is then undefined). */
  factorsUnmapped: string[];
}

/** One of deploy-cli's own files as read: what was replaced where (for hiding secret values) and what had no mapping. */
export interface ExportKeywordFile {
  file: string;
  keywords: DeployedCode;
  /**
   * Tokens without a mapping in the fields read here (not in the Actions' secrets, whose values are
   * read for verification, nor in inline code), each once, with its zero-based line.
   */
  unmapped: { token: string; line: number }[];
}

/** Where an export is: a tenant.yaml (or any YAML file given directly), or a repository root in the directory format. */
export type TenantExportPlace = { format: 'yaml'; file: string } | { format: 'directory'; root: string };

/**
 * The export a folder belongs to: the folder itself when it is a repository, else the repository
 * around it (its rules/, say); a repository with a tenant.yaml/tenant.yml is in the YAML format.
 */
export function findTenantExport(dir: string): TenantExportPlace | undefined {
  const root = isDeployRepository(dir) ? dir : findDeployCliRoot(dir);
  if (!root) return undefined;
  const yaml = listTenantFiles(root)[0];
  return yaml ? { format: 'yaml', file: yaml } : { format: 'directory', root };
}

/**
 * Reads the export at `place`; `mappings` are deploy-cli's keyword mappings for tenant.yaml (none:
 * every token is unmapped). Throws DeployFileError for a file that cannot be read or parsed.
 */
export function readTenantExport(place: TenantExportPlace, mappings?: Record<string, unknown>): TenantExport {
  return place.format === 'yaml' ? readYamlExport(place.file, mappings) : readDirectoryExport(place.root, mappings);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The first of `candidates` that exists and is not a folder. */
function firstExisting(candidates: string[]): string | undefined {
  return candidates.find((c) => existsSync(c) && !isDirectory(c));
}

/** deploy-cli writes code paths relative to the repository root (`./actions/x/code.js`) or to the file. */
function resolveCodePath(ref: string, root: string, fileDir: string): string | undefined {
  return firstExisting([resolve(root, ref), resolve(fileDir, ref), resolve(fileDir, basename(ref))]);
}

function readCodeFile(path: string | undefined): ExportCode | undefined {
  return path ? { written: readDeployText(path), location: { file: path } } : undefined;
}

/** The `action_name`s bound to post-login, in trigger order; undefined when `triggers` is no object. */
function readPostLoginBindings(triggers: unknown): string[] | undefined {
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

/** Zero-based line of `name: <name>` after the line of `section:` in a YAML text. */
function yamlLine(text: string, section: string, name: string): number | undefined {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => new RegExp(`^${section}\\s*:`).test(l));
  if (start < 0) return undefined;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^\\s*-?\\s*name\\s*:\\s*['"]?${escaped}['"]?\\s*$`);
  for (let i = start + 1; i < lines.length; i++) {
    if (/^\S/.test(lines[i]) && !lines[i].startsWith('-')) break;
    if (pattern.test(unmarkKeywordTokens(lines[i]))) return i;
  }
  return start;
}

/** Every string of a parsed value with its tokens' YAML marks taken out. */
function unmarkAll(value: unknown): unknown {
  if (typeof value === 'string') return unmarkKeywordTokens(value);
  if (Array.isArray(value)) return value.map(unmarkAll);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [unmarkKeywordTokens(k), unmarkAll(v)]));
  return value;
}

/** The tokens left in the strings of a value; `skip` leaves out a key's value (by key and value). */
function tokensIn(value: unknown, skip: (key: string, value: unknown) => boolean, found: Set<string>): Set<string> {
  if (typeof value === 'string') for (const t of listKeywordTokens(value)) found.add(t);
  else if (Array.isArray(value)) for (const v of value) tokensIn(v, skip, found);
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) if (!skip(k, v)) tokensIn(v, skip, found);
  return found;
}

/** Zero-based line of an offset. */
function lineAt(text: string, offset: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The secrets' tokens are reported by whoever reads their values, inline code's with the code. */
function reportedElsewhere(key: string, value: unknown): boolean {
  return key === 'secrets' || ((key === 'code' || key === 'script') && typeof value === 'string' && value.includes('\n'));
}

/** A file's record of its keyword replacement, with the unmapped tokens left in `parsed` (what is read of it). */
function keywordFile(file: string, keywords: DeployedCode, parsed: unknown): ExportKeywordFile {
  const read = tokensIn(parsed, reportedElsewhere, new Set());
  const unmapped: { token: string; line: number }[] = [];
  for (const r of keywords.replaced) {
    const token = /^["']/.test(r.token) ? r.token.slice(1, -1) : r.token;
    if (r.unmapped && read.has(token) && !unmapped.some((u) => u.token === token)) unmapped.push({ token, line: lineAt(keywords.written, r.from.start) });
  }
  return { file, keywords, unmapped };
}

/** The factors' `enabled` tokens without a mapping: such an `enabled` is neither true nor false. */
function unmappedFactorFlags(entries: Record<string, unknown>[] | undefined): string[] {
  return [...tokensIn(entries?.map((f) => f.enabled), () => false, new Set())];
}

function readYamlExport(file: string, mappings: Record<string, unknown> | undefined): TenantExport {
  const root = dirname(file);
  const written = readDeployText(file);
  // deploy-cli replaces the tokens in the whole text, then parses it: `@@KEY@@` can be any YAML value.
  const keywords = replaceDeployFileKeywords(written, mappings);
  const text = keywords.text;
  let doc: unknown;
  try {
    doc = unmarkAll(parseTenantYaml(text));
  } catch (err) {
    throw new DeployFileError(`${file}: not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  // Lines are found in the replaced text; a replaced value may span lines, so each maps back through the offsets.
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const writtenLine = (line: number | undefined) => (line === undefined ? undefined : lineAt(written, writtenOffset(keywords, lineStarts[line] ?? 0)));
  const tenant = isObject(doc) ? doc : {};
  const location = (section: string, name: string): ExportLocation => ({ file, line: writtenLine(yamlLine(text, section, name)) });
  // A reference to a file next to tenant.yaml, or (rarely) the code inline.
  const codeFrom = (ref: unknown): ExportCode | undefined => {
    const value = str(ref);
    if (value === undefined) return undefined;
    const path = /\n/.test(value) ? undefined : resolveCodePath(value, root, root);
    if (path) return readCodeFile(path);
    return /\n|function|exports/.test(value) ? { written: value, location: undefined } : undefined;
  };

  const rules = (Array.isArray(tenant.rules) ? tenant.rules : []).filter(isObject).map((r): ExportRule => {
    const name = str(r.name) ?? '(unnamed rule)';
    return { name, enabled: r.enabled !== false, order: typeof r.order === 'number' ? r.order : undefined, location: location('rules', name), script: codeFrom(r.script) };
  });
  const actions = (Array.isArray(tenant.actions) ? tenant.actions : []).filter(isObject).map((a): ExportAction => {
    const name = str(a.name) ?? '(unnamed Action)';
    return { name, deployed: a.deployed !== false, postLogin: supportsPostLogin(a), location: location('actions', name), code: codeFrom(a.code), secretsFile: { kind: 'tenantYaml', file, action: name } };
  });
  const factorEntries = Array.isArray(tenant.guardianFactors) ? tenant.guardianFactors.filter(isObject).filter((f) => typeof f.name === 'string') : undefined;
  const factorsUnmapped = unmappedFactorFlags(factorEntries);
  const factors = factorEntries && factorsUnmapped.length === 0 ? factorEntries.map((f) => ({ name: f.name as string, enabled: f.enabled === true })) : undefined;
  const factorsLine = text.split(/\r?\n/).findIndex((l) => /^guardianFactors\s*:/.test(l));
  return {
    format: 'yaml',
    rules,
    actions,
    postLoginBindings: readPostLoginBindings(tenant.triggers),
    factors,
    factorsLocation: { file, line: factorsLine >= 0 ? writtenLine(factorsLine) : undefined },
    keywordFiles: [keywordFile(file, keywords, { rules: tenant.rules, actions: tenant.actions, triggers: tenant.triggers, guardianFactors: tenant.guardianFactors })],
    factorsUnmapped,
  };
}

function readDirectoryExport(root: string, mappings: Record<string, unknown> | undefined): TenantExport {
  // deploy-cli replaces the tokens of each JSON file's text before parsing it, as in tenant.yaml.
  const keywordFiles: ExportKeywordFile[] = [];
  const readJson = (file: string): unknown => {
    const keywords = replaceDeployFileKeywords(readDeployText(file), mappings);
    const json = unmarkAll(parseDeployJson(file, keywords.text));
    keywordFiles.push(keywordFile(file, keywords, json));
    return json;
  };
  const rulesDir = join(root, 'rules');
  const rules = readRuleFiles(rulesDir, readJson).map((rule): ExportRule => ({
    name: rule.name,
    enabled: rule.enabled,
    order: rule.order,
    location: { file: rule.path },
    script: readCodeFile(resolveCodePath(rule.script, root, rulesDir)),
  }));

  const actionsDir = join(root, 'actions');
  const actions: ExportAction[] = [];
  for (const file of listJsonFiles(actionsDir)) {
    const json = readJson(file);
    if (!isObject(json)) continue;
    const name = str(json.name) ?? basename(file, '.json');
    const codePath = resolveCodePath(str(json.code) ?? `./actions/${name}/code.js`, root, actionsDir)
      ?? firstExisting([join(actionsDir, basename(file, '.json'), 'code.js')]);
    const code = readCodeFile(codePath);
    actions.push({ name, deployed: json.deployed !== false, postLogin: supportsPostLogin(json), location: { file }, code, secretsFile: { kind: 'actionJson', file, action: name } });
  }

  const triggersFile = firstExisting([join(root, 'triggers', 'triggers.json')]);
  const postLoginBindings = triggersFile ? readPostLoginBindings(readJson(triggersFile)) ?? [] : undefined;

  const factorsDir = join(root, 'guardian', 'factors');
  let factors: ExportFactor[] | undefined;
  let factorsUnmapped: string[] = [];
  if (isDirectory(factorsDir)) {
    const entries = listJsonFiles(factorsDir).map((file) => ({ file, json: readJson(file) })).filter((e): e is { file: string; json: Record<string, unknown> } => isObject(e.json));
    factorsUnmapped = unmappedFactorFlags(entries.map((e) => e.json));
    factors = factorsUnmapped.length ? undefined : entries.map(({ file, json }) => ({ name: str(json.name) ?? basename(file, '.json'), enabled: json.enabled === true }));
  }
  const duoFactorFile = firstExisting([join(factorsDir, 'duo.json')]);
  return { format: 'directory', rules, actions, postLoginBindings, factors, factorsLocation: duoFactorFile ? { file: duoFactorFile } : undefined, keywordFiles, factorsUnmapped };
}
