// The configuration a Rule or Action would have in Auth0 after an auth0-deploy-cli deploy of the
// repository it lives in: rules-configs/*.json and tenant.yaml `rulesConfigs` for Rules, the
// Action's actions/<name>.json `secrets` for Actions, keyword tokens replaced from the mappings.
// Read only: nothing is ever written into the repository.
import { readFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { findKeywordTokens, keywordValueText, markHashToken, replaceKeywordTokens, type KeywordTokenMatch } from '../../../shared/keywordTokens';
import { extractActionSecretValues, extractDeclaredValues } from './configFiles';
import type { DeployConfigKind } from '../../../shared/deployCliLayout';
import { findActionJson, findDeployCliRoot, listDeployConfigFiles } from './repository';

export interface DeployValues {
  /** The repository's values that are set (plain, or with every token mapped). */
  values: Record<string, string>;
  /** Keys whose value holds a token the mappings lack: they count as not set. */
  unmapped: { key: string; file: string; tokens: string[] }[];
  /** Files that could not be read or parsed; their values are not used. */
  warnings: string[];
}

/** One keyword token deploy-cli replaces in a code file: where it was, and where its value went. */
export interface CodeKeywordReplacement {
  /** The token as written (with its quotes for a quoted `@@KEY@@`). */
  token: string;
  name: string;
  /** Offsets in the file as written. */
  from: { start: number; end: number };
  /** Offsets of the value in the code as deployed. */
  to: { start: number; end: number };
  /** The token has no mapping: it stays, as written (code) or in a form that still parses (deploy-cli's own files). */
  unmapped?: true;
}

/** A code file (an Action's code, a Rule's script), or one of deploy-cli's own files, as deploy-cli would deploy it. */
export interface DeployedCode {
  /** The text with every mapped token replaced. */
  text: string;
  /** The file as written. */
  written: string;
  replaced: CodeKeywordReplacement[];
  /** Tokens without a mapping, as written, each once: deploy-cli leaves them in the code. */
  unmapped: string[];
}

function mappedValue(mappings: Record<string, unknown>, token: { name: string; style: '@@' | '##' }): string {
  return keywordValueText(mappings[token.name], token.style);
}

/** Replaces every token by `replace`'s text, recording where each went (every unmapped one too, flagged). */
function replaceTracked(written: string, replace: (token: KeywordTokenMatch, mapped: boolean) => string, mappings: Record<string, unknown>): DeployedCode {
  const replaced: CodeKeywordReplacement[] = [];
  const unmapped = new Set<string>();
  let shift = 0;
  const text = replaceKeywordTokens(written, (token) => {
    const mapped = Object.prototype.hasOwnProperty.call(mappings, token.name);
    if (!mapped) unmapped.add(token.quoted ? token.text.slice(1, -1) : token.text);
    const value = replace(token, mapped);
    if (value === token.text && mapped) return value;
    const start = token.offset + shift;
    replaced.push({ token: token.text, name: token.name, from: { start: token.offset, end: token.offset + token.text.length }, to: { start, end: start + value.length }, ...(mapped ? {} : { unmapped: true as const }) });
    shift += value.length - token.text.length;
    return value;
  }, { includeQuotes: true });
  return { text, written, replaced, unmapped: [...unmapped] };
}

/**
 * deploy-cli's replacement in a code file it loads (an Action's code, a Rule's script): `@@KEY@@`,
 * also inside single or double quotes (which it replaces with the token), becomes the JSON-encoded
 * value, `##KEY##` the raw value. A token without a mapping stays as written, as deploy-cli leaves it.
 */
export function replaceDeployKeywordsInCode(written: string, mappings: Record<string, unknown>): DeployedCode {
  return replaceTracked(written, (token, mapped) => (mapped ? mappedValue(mappings, token) : token.text), mappings);
}

/**
 * deploy-cli's replacement in its own files (rules-configs, actions/*.json, tenant.yaml: the whole
 * text, before parsing): `@@KEY@@` (with or without the quotes around it) becomes the JSON-encoded
 * value, `##KEY##` the raw value. Unlike replaceKeywords, a token without a mapping does not stop
 * anything: `@@KEY@@` becomes the string "@@KEY@@" (so the file still parses) and `##KEY##` stays,
 * marked so that YAML does not read it as a comment (unmarkKeywordTokens takes the mark out of a
 * parsed value), and listKeywordTokens then finds it in the parsed value. Every
 * change is recorded, so {@link writtenOffset} maps an offset of the result back into the file.
 */
export function replaceDeployFileKeywords(written: string, mappings: Record<string, unknown> | undefined): DeployedCode {
  const known = mappings ?? {};
  return replaceTracked(written, (token, mapped) => {
    if (mapped) return mappedValue(known, token);
    return token.style === '@@' ? JSON.stringify(`@@${token.name}@@`) : markHashToken(token.text);
  }, known);
}

/** The text of {@link replaceDeployFileKeywords}: what deploy-cli parses. */
export function replaceDeployKeywords(text: string, mappings: Record<string, unknown> | undefined): string {
  return replaceDeployFileKeywords(text, mappings).text;
}

/** The offset in the file as written of an offset in the deployed code (a token's start when inside its value). */
export function writtenOffset(code: DeployedCode, offset: number): number {
  let shift = 0;
  for (const r of code.replaced) {
    if (offset < r.to.start) break;
    if (offset < r.to.end) return r.from.start;
    shift = r.from.end - r.to.end;
  }
  return offset + shift;
}

/** The deploy-cli keyword tokens left in a value, as written. */
export function listKeywordTokens(value: string): string[] {
  return findKeywordTokens(value).map((t) => value.slice(t.range.start, t.range.end));
}

/** Adds declared values to `found`; one still holding a keyword token is listed as unmapped instead. */
function addValues(found: DeployValues, entries: ReadonlyArray<{ name: string; value: string | undefined }>, shown: string): void {
  for (const { name, value } of entries) {
    if (value === undefined) continue;
    const tokens = listKeywordTokens(value);
    if (tokens.length > 0) found.unmapped.push({ key: name, file: shown, tokens });
    else found.values[name] = value;
  }
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
  const root = findDeployCliRoot(file, stopDir);
  if (!root) return found;
  const sources: Array<[DeployConfigKind, string]> = [];
  if (kind === 'rule') {
    for (const { kind: fileKind, path } of listDeployConfigFiles(root, ['rulesConfig', 'tenantYaml'])) sources.push([fileKind, path]);
  } else {
    const actionJson = findActionJson(root, file);
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
    addValues(found, entries, shown);
  }
  return found;
}

/**
 * The keyword mappings deploy-cli would use: those of a mappings file (a plain object, or a
 * config.json's AUTH0_KEYWORD_REPLACE_MAPPINGS), overlaid, as deploy-cli does unless run with
 * --env=false, by the environment: AUTH0_KEYWORD_REPLACE_MAPPINGS when it holds a JSON object,
 * then every environment variable under its own name (so `##DUO_SKEY##` takes $DUO_SKEY).
 */
export function deployKeywordMappings(fromFile: Record<string, unknown> | undefined, env: Record<string, string | undefined>): Record<string, unknown> {
  const mappings: Record<string, unknown> = { ...fromFile };
  const inEnv = env.AUTH0_KEYWORD_REPLACE_MAPPINGS;
  if (inEnv !== undefined) {
    try {
      const parsed: unknown = JSON.parse(inEnv);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(mappings, parsed);
    } catch {
      // Not JSON: deploy-cli itself then takes it as one more plain variable, as below.
    }
  }
  for (const [name, value] of Object.entries(env)) if (typeof value === 'string') mappings[name] = value;
  return mappings;
}

/** Where an Action's `secrets` are declared: its actions/<name>.json, or its entry in tenant.yaml. */
export interface ActionSecretsFile {
  kind: 'actionJson' | 'tenantYaml';
  file: string;
  action: string;
}

/**
 * The values of an Action's `secrets` as Auth0 would hold them after a deploy-cli import: keyword
 * tokens replaced from `mappings` before parsing, as deploy-cli does. A value whose token has no
 * mapping is listed in `unmapped` (by its token, never a value) and not set.
 */
export async function readActionSecrets(source: ActionSecretsFile, mappings: Record<string, unknown> | undefined, shown = source.file): Promise<DeployValues> {
  const found: DeployValues = { values: {}, unmapped: [], warnings: [] };
  let entries;
  try {
    entries = extractActionSecretValues(source.kind, replaceDeployKeywords(await readFile(source.file, 'utf8'), mappings), source.action);
  } catch (err) {
    found.warnings.push(`${shown}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; its secrets are not used`);
    return found;
  }
  addValues(found, entries, shown);
  return found;
}

/**
 * Warnings for keys the code reads whose repository value has a token without a mapping and that got
 * no value elsewhere; they name the token, never a value.
 */
export function describeUnmappedKeys(deploy: DeployValues, configuration: Record<string, string>, keys: string[], audience: 'cli' | 'editor' = 'cli'): string[] {
  const where = audience === 'editor' ? 'setting duoRules.mappingsFile' : '--mappings';
  const read = new Set(keys);
  return deploy.unmapped
    .filter(({ key }) => read.has(key) && !(key in configuration))
    .map(({ key, file, tokens }) => `${key} in ${file} is ${tokens.join(', ')}, which the keyword mappings do not map (${where}), so it is not set`);
}
