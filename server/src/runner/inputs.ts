// Reading the run's inputs (JSON files, deploy-cli mappings, environment fallback) and
// replacing deploy-cli keywords. Shared by the CLI and the language server so both report
// the same clear message for the same bad file.
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { keywordValueText, replaceKeywordTokens } from '../../../shared/keywordTokens';
import { describeJsonError } from '../../../shared/redact';
import { isObjectMethodName, KEY_CHARACTER_CLASS } from '../../../shared/configurationKeys';
import type { RunInputFiles } from '../../../shared/runInputFiles';

/** The run cannot start because an input is missing or malformed; the message says which and why. */
export class RunInputError extends Error {
  override name = 'RunInputError';
}

export interface LoadedRunInputs {
  user?: unknown;
  context?: unknown;
  event?: unknown;
  configuration?: Record<string, string>;
  mappings?: Record<string, unknown>;
  mocks?: LoadedMocks;
}

/** The emulated functions a mocks file may make reject or resolve with a chosen value. */
const MOCKABLE_FUNCTIONS = ['auth0.users.updateAppMetadata', 'auth0.users.updateUserMetadata'] as const;

/** `{ "reject": "message" }` makes the call fail with `new Error(message)`; `{ "resolve": value }` answers `value`. */
export type FunctionMock = { reject: string } | { resolve: unknown };

/** A checked mocks file (`--mocks`). */
export interface LoadedMocks {
  /** The path as given (for the result and messages). */
  file: string;
  functions: Partial<Record<(typeof MOCKABLE_FUNCTIONS)[number], FunctionMock>>;
  /** Module name → absolute path of its stub, resolved from the mocks file's folder. */
  modules: Record<string, string>;
  /** Module name → the stub's path as written in the file. */
  modulePaths: Record<string, string>;
}

/**
 * Checks a mocks file: `{ "auth0.users.updateAppMetadata": { "reject": "m" } | { "resolve": v },
 * "auth0.users.updateUserMetadata": …, "modules": { "request": "./stubs/request.js" } }`.
 * Stub paths are resolved from `dir`, the mocks file's folder.
 */
export function checkMocks(value: Record<string, unknown>, file: string, dir: string): LoadedMocks {
  const what = `mocks file ${file}`;
  const mocks: LoadedMocks = { file, functions: {}, modules: {}, modulePaths: {} };
  for (const [key, item] of Object.entries(value)) {
    if (key === 'modules') {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new RunInputError(`${what}: "modules" must be an object of module name to stub file, found ${describeType(item)}`);
      for (const [name, path] of Object.entries(item)) {
        if (typeof path !== 'string' || path.trim() === '') throw new RunInputError(`${what}: the stub of module "${name}" must be a file path, found ${describeType(path)}`);
        mocks.modules[name] = resolve(dir, path);
        mocks.modulePaths[name] = path;
      }
      continue;
    }
    if (!(MOCKABLE_FUNCTIONS as readonly string[]).includes(key)) {
      throw new RunInputError(`${what}: unknown key "${key}" (expected ${[...MOCKABLE_FUNCTIONS, 'modules'].join(', ')})`);
    }
    const mock = item as Record<string, unknown> | null;
    const keys = typeof mock === 'object' && mock !== null && !Array.isArray(mock) ? Object.keys(mock) : [];
    if (keys.length !== 1 || !(keys[0] === 'reject' || keys[0] === 'resolve')) {
      throw new RunInputError(`${what}: "${key}" must be { "reject": "message" } or { "resolve": value }`);
    }
    if (keys[0] === 'reject' && typeof mock!.reject !== 'string') throw new RunInputError(`${what}: "${key}".reject must be the error message (a string), found ${describeType(mock!.reject)}`);
    mocks.functions[key as (typeof MOCKABLE_FUNCTIONS)[number]] = keys[0] === 'reject' ? { reject: mock!.reject as string } : { resolve: mock!.resolve };
  }
  return mocks;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Reads a regular file as UTF-8. A FIFO, socket or device is refused before it is opened: reading one
 * would wait for a writer (or never end) and the command would hang. Missing files read as usual.
 */
export async function readRegularFile(path: string): Promise<string> {
  // Synchronous on purpose: a rule or an input is small, and each asynchronous step is a hop through
  // Node's thread pool, which cost a warm run milliseconds on a loaded machine.
  let info;
  try {
    info = statSync(path, { throwIfNoEntry: false });
  } catch {
    info = undefined;
  }
  if (info && !info.isFile() && !info.isDirectory()) {
    const kind = info.isFIFO() ? 'a FIFO' : info.isSocket() ? 'a socket' : 'a device';
    throw Object.assign(new Error(`is ${kind}, not a regular file`), { code: 'ENOTREG' });
  }
  return readFileSync(path, 'utf8');
}

/**
 * Objects and arrays of an input may nest this deep. Mock users and contexts nest a few levels;
 * far deeper ones would exhaust the stack of the code that merges and copies them.
 */
const MAX_JSON_NESTING = 1000;

/** How deep objects and arrays nest in JSON text (one linear pass; strings are skipped). */
function jsonNesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: the next character is escaped
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) deepest = Math.max(deepest, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return deepest;
}

/** Reads a JSON file that must hold an object; `what` names the input in messages (e.g. "--user"). */
export async function readJsonObjectFile(path: string, what: string, cwd = process.cwd()): Promise<Record<string, unknown>> {
  const full = resolve(cwd, path);
  let text: string;
  try {
    text = await readRegularFile(full);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, expected a JSON file' : (err as Error).message;
    throw new RunInputError(`${what} ${path}: ${reason}`);
  }
  let value: unknown;
  const json = text.replace(/^\uFEFF/, '');
  const depth = jsonNesting(json);
  if (depth > MAX_JSON_NESTING) throw new RunInputError(`${what} ${path}: too deeply nested (${depth} levels of objects and arrays; at most ${MAX_JSON_NESTING})`);
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new RunInputError(`${what} ${path}: not valid JSON (${describeJsonError(err, json)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RunInputError(`${what} ${path}: expected a JSON object, found ${describeType(value)}`);
  }
  return value as Record<string, unknown>;
}

/** A flat object of strings: `configuration` values are always strings in Auth0. */
export function checkConfiguration(value: Record<string, unknown>, what: string): Record<string, string> {
  const configuration: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string') configuration[key] = item;
    else if (typeof item === 'number' || typeof item === 'boolean') configuration[key] = String(item);
    else throw new RunInputError(`${what}: the value of "${key}" must be a string (configuration is a flat object of strings), found ${describeType(item)}`);
  }
  return configuration;
}

/**
 * Mappings are either a plain object of keywords or a deploy-cli config.json, whose
 * AUTH0_KEYWORD_REPLACE_MAPPINGS holds them.
 */
export function extractMappings(value: Record<string, unknown>, what: string): Record<string, unknown> {
  if (!('AUTH0_KEYWORD_REPLACE_MAPPINGS' in value)) return value;
  const mappings = value.AUTH0_KEYWORD_REPLACE_MAPPINGS;
  if (typeof mappings !== 'object' || mappings === null || Array.isArray(mappings)) {
    throw new RunInputError(`${what}: AUTH0_KEYWORD_REPLACE_MAPPINGS must be an object, found ${describeType(mappings)}`);
  }
  return mappings as Record<string, unknown>;
}

/** Reads every given input file; relative paths are resolved against `cwd`. */
export async function loadRunInputs(files: RunInputFiles, cwd = process.cwd()): Promise<LoadedRunInputs> {
  const read = (path: string | undefined, what: string) => (path === undefined ? undefined : readJsonObjectFile(path, what, cwd));
  const [user, context, event, configuration, mappings, mocks] = await Promise.all([
    read(files.user, 'user file'),
    read(files.context, 'context file'),
    read(files.event, 'event file'),
    read(files.configuration, 'configuration file'),
    read(files.mappings, 'mappings file'),
    read(files.mocks, 'mocks file'),
  ]);
  return {
    user,
    context,
    event,
    configuration: configuration && checkConfiguration(configuration, `configuration file ${files.configuration}`),
    mappings: mappings && extractMappings(mappings, `mappings file ${files.mappings}`),
    ...(mocks && files.mocks !== undefined ? { mocks: checkMocks(mocks, files.mocks, dirname(resolve(cwd, files.mocks))) } : {}),
  };
}

/**
 * Configuration keys the code reads, found by name (`configuration.X`, `configuration['X']`,
 * `secrets.X`, and destructuring `{ X, Y } = configuration`), for the environment fallback.
 */
export function findConfigurationKeys(source: string): string[] {
  const keys = new Set<string>();
  // Bracketed names take every character Auth0 allows in a key (`configuration['DUO_MFA:IKEY']`).
  const member = new RegExp(`\\b(?:configuration|secrets)\\s*(?:\\.\\s*([A-Za-z_$][\\w$]*)|\\[\\s*(['"\`])([${KEY_CHARACTER_CLASS}]+)\\2\\s*\\])`, 'g');
  for (const m of source.matchAll(member)) {
    const key = m[1] ?? m[3];
    if (!isObjectMethodName(key)) keys.add(key);
  }
  const destructure = /\{([^{}]*)\}\s*=\s*(?:[\w$.]*\.)?(?:configuration|secrets)\b/g;
  for (const m of source.matchAll(destructure)) {
    for (const part of m[1].split(',')) {
      const name = /^\s*([A-Za-z_$][\w$]*)/.exec(part);
      if (name) keys.add(name[1]);
    }
  }
  return [...keys];
}

/**
 * Keys the code reads that `configuration` lacks are taken from environment variables of the same
 * name, but only those `allowed` (see isEnvironmentKeyAllowed): the environment holds unrelated
 * secrets (DATABASE_URL, API keys) that a rule must not read just by naming them. A skipped
 * variable that exists is named in `skipped`.
 */
export function applyEnvironmentFallback(
  configuration: Record<string, string>,
  keys: Iterable<string>,
  env: Record<string, string | undefined>,
  allowed: (key: string) => boolean = (key) => key.startsWith('DUO_'),
): Record<string, string> {
  return applyEnvironmentPolicy(configuration, keys, env, allowed).configuration;
}

/** applyEnvironmentFallback with the names of the variables it left out. */
export function applyEnvironmentPolicy(
  configuration: Record<string, string>,
  keys: Iterable<string>,
  env: Record<string, string | undefined>,
  allowed: (key: string) => boolean,
): { configuration: Record<string, string>; skipped: string[] } {
  const merged = { ...configuration };
  const skipped: string[] = [];
  for (const key of keys) {
    const value = env[key];
    if (key in merged || typeof value !== 'string') continue;
    if (allowed(key)) merged[key] = value;
    else skipped.push(key);
  }
  return { configuration: merged, skipped };
}

/** The environment fallback's rule: DUO_* variables, keys the project declares, and names passed with --env. */
export function isEnvironmentKeyAllowed(key: string, declared: Iterable<string>, envNames: Iterable<string>): boolean {
  if (key.startsWith('DUO_')) return true;
  for (const name of declared) if (name === key) return true;
  for (const name of envNames) if (name === key) return true;
  return false;
}

/** The warning for a variable the fallback left out: it names the variable, never its value. */
export function describeSkippedVariable(key: string, label: string, audience: 'cli' | 'editor' = 'cli'): string {
  const not = `${label}.${key} is not set: the environment variable ${key} exists but is not passed to the code`;
  // The editor has no --env: its values come from the configuration file and the stored secrets.
  return audience === 'editor'
    ? `${not} (only DUO_* variables and keys the project declares are); store it with Duo: Store Secret or add it to the file of the setting duoRules.configurationFile to use it`
    : `${not} (only DUO_* variables, keys the project declares and variables named with --env are); pass --env ${key} (or add it to the configuration) to use it`;
}

/**
 * deploy-cli keyword replacement, as deploy-cli does it in the code files it deploys: `@@KEY@@`
 * (with the single or double quotes around it, which it replaces too) becomes the JSON-encoded
 * value, `##KEY##` the raw value. Tokens without a mapping stop the run, naming every one of them.
 * `fromFile`: whether a mappings file was given (for the message).
 */
export function replaceKeywords(source: string, mappings: Record<string, unknown> | undefined, file: string, fromFile = mappings !== undefined, audience: 'cli' | 'editor' = 'cli'): string {
  const missing = new Set<string>();
  const replaced = replaceKeywordTokens(source, (token) => {
    if (!mappings || !Object.prototype.hasOwnProperty.call(mappings, token.name)) {
      missing.add(token.quoted ? token.text.slice(1, -1) : token.text);
      return token.text;
    }
    return keywordValueText(mappings[token.name], token.style);
  }, { includeQuotes: true });
  if (missing.size > 0) {
    const give = audience === 'editor' ? 'name a JSON file of them in the setting duoRules.mappingsFile' : 'pass --mappings with a JSON object';
    const how = fromFile
      ? 'add them to the mappings file (or set environment variables of those names, which deploy-cli maps too)'
      : `${give} or a deploy-cli config.json (AUTH0_KEYWORD_REPLACE_MAPPINGS), or set environment variables of those names, which deploy-cli maps too`;
    throw new RunInputError(`${file}: unreplaced deploy-cli keyword${missing.size > 1 ? 's' : ''} ${[...missing].join(', ')}: ${how}`);
  }
  return replaced;
}

