// The runner's entry point for the CLI and the language server: prepares the inputs,
// hands the code to the pooled child, and turns what comes back into the documented,
// redacted result (plus the real MFA keys for the Duo verifier only).
import { existsSync, readFileSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { deployKeywordMappings, describeUnmappedKeys, readDeployValues } from '../workspace/deployValues';
import { DeployFileError, isDirectory, readRuleFiles, rulesFolderOf, type RuleFile } from '../workspace/repository';
import { findProjectConfigFile } from '../config/projectConfig';
import { applyEnvironmentPolicy, readRegularFile, describeSkippedVariable, findConfigurationKeys, isEnvironmentKeyAllowed, replaceKeywords, RunInputError, type LoadedMocks } from './inputs';
import { createDefaultContext, createDefaultEvent, createDefaultUser, mergeDeep } from './mockInputs';
import { OUTPUT_LIMIT_MIB, RunnerPool, type ChildSpec, type JobOutcome } from './pool';
import { findReadBoundary } from './readBoundary';
import { redactValue } from '../../../shared/redact';
import { collectSecrets, findAttemptedMultifactors, findLiteralSecrets, redactMultifactor } from './runSecrets';
import { findDuoKeySource } from './requestedMultifactor';
import type { BatchLogin, ChildMocks, ChildResult, Multifactor, NetworkMode, RunOptions, RunOutcome } from './runTypes';
import type { Connection, RunResult } from '../../../shared/runResult';

export type { BatchLogin, ChildResult, Multifactor, NetworkMode, RunOptions, RunOutcome } from './runTypes';
export { OUTPUT_LIMIT_MIB, RunnerPool, RunnerSession, RunnerUnavailableError, type RunnerPoolOptions } from './pool';
export { findReadBoundary } from './readBoundary';
export {
  applyEnvironmentFallback,
  isEnvironmentKeyAllowed,
  checkConfiguration,
  checkMocks,
  extractMappings,
  findConfigurationKeys,
  loadRunInputs,
  readJsonObjectFile,
  replaceKeywords,
  RunInputError,
  type LoadedMocks,
  type LoadedRunInputs,
} from './inputs';
export { createDefaultContext, createDefaultEvent, createDefaultUser } from './mockInputs';
export { REDACTED } from '../../../shared/redact';

export const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_MEMORY_LIMIT_MB = 256;
const MAX_TIMEOUT_MS = 2 ** 31 - 1 - 60_000;

let pool: RunnerPool | null = null;
// A child must not outlive the process that started it, however that process ends.
process.on('exit', () => pool?.dispose());

/** Stops every child process; the next run starts a new one. The CLI calls this before exiting. */
export function disposeRunnerPool(): void {
  pool?.dispose();
  pool = null;
}

const EXPORTS_HANDLER = /\bexports\s*(?:\.\s*|\[\s*['"`])on(?:Execute|Continue)PostLogin\b/; // exports.onExecutePostLogin = …
// Object.defineProperty(exports, 'onExecutePostLogin', …) and Object.assign(module.exports, { onExecutePostLogin … }).
const DEFINED_HANDLER = /\bObject\s*\.\s*defineProperty\s*\(\s*(?:module\s*\.\s*)?exports\s*,\s*['"`]on(?:Execute|Continue)PostLogin['"`]/;
const ASSIGNED_EXPORTS = /\bObject\s*\.\s*assign\s*\(\s*(?:module\s*\.\s*)?exports\s*,/;
const MODULE_EXPORTS_OBJECT = /\bmodule\.exports\s*=\s*\{/;
const HANDLER_NAME = /\bon(?:Execute|Continue)PostLogin\b/;
// An unclosed block comment runs to the end of the text (`$(?![\s\S])`), so no match is retried from every
// later `/*`: the patterns stay linear on hostile text, which the language server runs this on.
const COMMENT = /\/\*[\s\S]*?(?:\*\/|$(?![\s\S]))|(^|[^:])\/\/.*$/gm;

/**
 * What a run reads from the code's text alone (the configuration keys it uses, secret literals in it).
 * In the editor the same text is run again and again: each text is scanned once (these scans were
 * about a tenth of a warm run's time in the parent).
 */
const textScans = new Map<string, { keys: string[]; literals: string[] }>();
const MAX_TEXT_SCANS = 8;
/** Larger texts are scanned every time rather than kept. */
const MAX_SCANNED_TEXT = 256 * 1024;

function scanText(source: string): { keys: string[]; literals: string[] } {
  let scan = textScans.get(source);
  if (!scan) {
    scan = { keys: findConfigurationKeys(source), literals: findLiteralSecrets(source) };
    if (source.length > MAX_SCANNED_TEXT) return scan;
    if (textScans.size >= MAX_TEXT_SCANS) textScans.clear();
    textScans.set(source, scan);
  }
  return scan;
}

/** An Action exports onExecutePostLogin (or onContinuePostLogin); anything else is run as a Rule. */
export function detectKind(source: string): 'rule' | 'action' {
  // Comments may mention the Action API (migration notes in a Rule): look at code only.
  const code = source.replace(COMMENT, '$1');
  if (EXPORTS_HANDLER.test(code) || DEFINED_HANDLER.test(code)) return 'action';
  const assigned = ASSIGNED_EXPORTS.exec(code);
  if (assigned && HANDLER_NAME.test(code.slice(assigned.index))) return 'action';
  // module.exports = { onExecutePostLogin … }: the name anywhere after the first such assignment.
  const object = MODULE_EXPORTS_OBJECT.exec(code);
  return object && HANDLER_NAME.test(code.slice(object.index)) ? 'action' : 'rule';
}

// exports.onExecutePreUserRegistration, exports.onExecuteCredentialsExchange…: another Actions trigger's handler.
const OTHER_TRIGGER_HANDLER = /\bexports\s*(?:\.\s*|\[\s*['"`])(on(?:Execute|Continue)\w+)\b/;

/**
 * An Action of another trigger is no Rule: run as one, its code fails to compile and the run would
 * blame a syntax error in valid code. Undefined for a Rule or a post-login Action.
 */
function otherTriggerHandler(source: string): string | undefined {
  const name = OTHER_TRIGGER_HANDLER.exec(source.replace(COMMENT, '$1'))?.[1];
  return name && !HANDLER_NAME.test(name) ? name : undefined;
}

/** The nearest folder above `start` with a package.json or node_modules: where `require` looks. */
export function findWorkspaceRoot(start: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) || existsSync(join(dir, 'node_modules'))) return dir;
    if (dirname(dir) === dir) return resolve(start);
  }
}

function checkObject(value: unknown, what: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new RunInputError(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

async function readSource(file: string): Promise<string> {
  try {
    return await readRegularFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new RunInputError(`${file}: ${code === 'ENOENT' ? 'file not found' : (err as Error).message}`);
  }
}

interface Prepared {
  configuration: Record<string, string>;
  /** `options.mocks` with the stubs' code, checked to lie inside the workspace. */
  mocks?: ChildMocks;
  /** Epoch ms of `options.now`, when given. */
  now?: number;
  /** Configuration keys the code reads whose environment variable exists but was not passed (the warning names them). */
  skippedVariables: string[];
  readRoots: string[];
  network: NetworkMode;
  /** About the deploy-cli repository's values (unreadable files, unmapped tokens); never a value. */
  warnings: string[];
  workspaceRoot: string;
  timeoutMs: number;
  memoryLimitMb: number;
}

function getPool(): RunnerPool {
  pool ??= new RunnerPool();
  return pool;
}

/**
 * What every job carries from the options: the clock (`--now`: each login starts at the given
 * instant; the rules of one login share its clock, which advances as they run) and the mocks.
 */
function jobOptionsOf(prepared: Prepared): { now?: number; mocks?: ChildMocks } {
  return { ...(prepared.now === undefined ? {} : { now: prepared.now }), ...(prepared.mocks ? { mocks: prepared.mocks } : {}) };
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * Reads the module stubs of a mocks file. A stub must lie inside the workspace folder (symbolic
 * links followed): the code runs with read access to the workspace only, and a mocks file must not
 * be a way to run files from elsewhere.
 */
async function prepareMocks(mocks: LoadedMocks | undefined, workspaceRoot: string): Promise<ChildMocks | undefined> {
  if (!mocks) return undefined;
  const root = await realpath(workspaceRoot).catch(() => workspaceRoot);
  const modules: ChildMocks['modules'] = {};
  for (const [name, path] of Object.entries(mocks.modules)) {
    const what = `mocks file ${mocks.file}: the stub of module "${name}" (${mocks.modulePaths[name] ?? path})`;
    let real: string;
    try {
      real = await realpath(path);
    } catch {
      throw new RunInputError(`${what}: file not found`);
    }
    if (!isInside(real, root)) throw new RunInputError(`${what} is outside the workspace folder ${workspaceRoot}; put stubs inside it`);
    if ((await stat(real)).isDirectory()) throw new RunInputError(`${what} is a directory, expected a JavaScript file`);
    let source: string;
    try {
      // A FIFO or device would block the read until a writer comes; refuse it like the other inputs.
      source = await readRegularFile(real);
    } catch (err) {
      throw new RunInputError(`${what}: ${(err as Error).message}`);
    }
    modules[name] = { filename: real, source };
  }
  return { functions: mocks.functions, modules };
}

function mocksOf(mocks: LoadedMocks | undefined): RunResult['mocks'] {
  if (!mocks) return null;
  const functions: Record<string, 'reject' | 'resolve'> = {};
  for (const [name, mock] of Object.entries(mocks.functions)) functions[name] = 'reject' in mock ? 'reject' : 'resolve';
  return { file: mocks.file, functions, modules: { ...mocks.modulePaths } };
}

/** What a single run can end with (a batch answer comes only for a batch job). */
type SingleOutcome = Exclude<JobOutcome, { type: 'batch' }>;

function specOf(prepared: Prepared): ChildSpec {
  return { memoryLimitMb: prepared.memoryLimitMb, readRoots: prepared.readRoots, network: prepared.network };
}

async function execute(kind: 'rule' | 'action', file: string, source: string, inputs: { user: unknown; context: unknown; event: unknown }, prepared: Prepared, timeoutMs: number): Promise<SingleOutcome> {
  const outcome = await getPool().execute(
    { type: 'run', kind, filename: file, source, ...inputs, configuration: prepared.configuration, workspaceRoot: prepared.workspaceRoot, network: prepared.network, ...jobOptionsOf(prepared) },
    specOf(prepared),
    timeoutMs,
  );
  if (outcome.type === 'batch') throw new Error('the runner answered a single run with a batch');
  return outcome;
}

/** Room the parent gives each login of a batch beyond its own time limit (the child enforces that one). */
const BATCH_GRACE_MS = 1000;

/**
 * Runs scripts for many logins in one child (see executeBatch in the sandbox): per login, the
 * unredacted result of each script that ran. A login whose code never ends (the child is killed)
 * or that kills the child gets that failure as its result, and the logins after it go on in a new child.
 */
async function executeBatch(kind: 'rule' | 'action', scripts: { filename: string; source: string }[], logins: BatchLogin[], prepared: Prepared, loginTimeoutMs: number): Promise<{ results: ChildResult[][]; durationMs: number; connections: Connection[] }> {
  const results: ChildResult[][] = [];
  const connections: Connection[] = [];
  let durationMs = 0;
  // Every login comes from the same command and files: one dedicated, single-use child takes them
  // all, and only a login that stalls or kills it makes the rest go on in a fresh one.
  while (results.length < logins.length) {
    const outcome = await getPool().execute(
      { type: 'batch', kind, scripts, logins: logins.slice(results.length), configuration: prepared.configuration, workspaceRoot: prepared.workspaceRoot, network: prepared.network, loginTimeoutMs, ...jobOptionsOf(prepared) },
      specOf(prepared),
      Math.min(loginTimeoutMs + BATCH_GRACE_MS, MAX_TIMEOUT_MS),
    );
    durationMs += outcome.durationMs;
    connections.push(...outcome.connections);
    if (outcome.type !== 'batch') throw new Error('the runner answered a batch with a single result');
    results.push(...outcome.results);
    if (results.length >= logins.length) break;
    const login = logins[results.length];
    const failure = outcome.stalled
      ? { type: 'timeout' as const, callbackCalled: false, logs: [], connections: [], durationMs: loginTimeoutMs }
      : { type: 'crashed' as const, outOfMemory: /memory limit/.test(outcome.crashed ?? ''), exitCode: null, message: outcome.crashed ?? 'the runner process stopped', logs: [], connections: [], durationMs: 0 };
    const failed = resultFromOutcome(failure, kind, { ...prepared, timeoutMs: loginTimeoutMs }, { user: login.user, context: login.context });
    // A timeout here is the batch's: its result says so by the error's name, as the child's own do.
    if (outcome.stalled) failed.outcome = 'error';
    results.push([failed]);
  }
  return { results, durationMs, connections };
}

export interface BatchRunOptions {
  kind: 'rule' | 'action';
  /** The scripts in order (rules of a pipeline, Actions of a flow), keyword tokens already replaced. */
  scripts: { file: string; source: string }[];
  logins: BatchLogin[];
  /** `configuration` / `event.secrets`. */
  configuration: Record<string, string>;
  workspaceRoot: string;
  /** What the scripts of one login may take together; default 5,000 ms. */
  timeoutMs?: number;
  memoryLimitMb?: number;
  network?: NetworkMode;
}

/**
 * Runs the same scripts for many logins in one child process (the differential check's hundreds of
 * logins). The results are NOT redacted: they hold what the code set up, real keys included, and
 * must not be printed as they are.
 */
export async function runBatch(options: BatchRunOptions): Promise<{ results: ChildResult[][]; durationMs: number; connections: Connection[] }> {
  const workspaceRoot = resolve(options.workspaceRoot);
  const prepared: Prepared = {
    configuration: options.configuration,
    warnings: [],
    skippedVariables: [],
    readRoots: findReadBoundary(workspaceRoot, workspaceRoot).readRoots,
    network: options.network ?? 'on',
    workspaceRoot,
    timeoutMs: Math.min(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS),
    memoryLimitMb: options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB,
  };
  return executeBatch(options.kind, options.scripts.map((s) => ({ filename: s.file, source: s.source })), options.logins, prepared, prepared.timeoutMs);
}

/**
 * Starts the child processes for runs like `options` ahead of need (every run takes a fresh
 * one); resolves when they are ready. Nothing is run.
 */
export async function prestartRunner(options: RunOptions): Promise<void> {
  const file = resolve(options.file);
  const prepared = await prepare(options, file, [], 'rule', { target: file, stopDir: options.workspaceRoot });
  await getPool().prestart(specOf(prepared));
}

/** A result for a job the child did not answer (timeout, crash), in the child's unredacted shape. */
function resultFromOutcome(outcome: SingleOutcome, kind: 'rule' | 'action', prepared: Prepared, inputs: { user: unknown; context: unknown }): ChildResult {
  if (outcome.type === 'result') return outcome.result;
  const base: ChildResult = { outcome: 'error', error: null, multifactor: null, calls: [], logs: outcome.logs, warnings: [] };
  if (kind === 'rule') Object.assign(base, { user: inputs.user, context: inputs.context });
  else base.changes = { idToken: {}, accessToken: {}, appMetadata: {}, userMetadata: {}, redirect: null };
  if (outcome.type === 'violation') {
    // The child was killed for it: what it sent is not trusted, and the parent carries on.
    base.error = outcome.reason === 'output-limit'
      ? { name: 'OutputLimitError', message: `the rule's output exceeded ${OUTPUT_LIMIT_MIB} MiB (logs, calls and result together); the run was stopped` }
      : { name: 'RunnerError', message: `${outcome.message}; the run was stopped and counts as failed` };
    return base;
  }
  if (outcome.type === 'crashed') {
    base.error = outcome.outOfMemory
      ? { name: 'MemoryLimitError', message: `the code hit the memory limit of ${prepared.memoryLimitMb} MB and was stopped` }
      : outcome.exitCode !== null
        ? { name: 'ProcessExitError', message: `the rule tried to exit the process (it ended the runner with exit code ${outcome.exitCode}); Auth0 rules and Actions must finish through callback/return` }
        : { name: 'RunnerError', message: outcome.message };
    return base;
  }
  const within = `within ${prepared.timeoutMs} ms`;
  const message = kind === 'action'
    ? `onExecutePostLogin did not finish ${within} (a promise that never settles, or an endless loop)`
    : outcome.callbackCalled
      ? `callback was called, but the code kept running and did not finish ${within} (an endless loop after the callback?)`
      : `callback was never called ${within}`;
  return { ...base, outcome: 'timeout' as ChildResult['outcome'], error: { name: 'TimeoutError', message } };
}

/** `--now`: an ISO-8601 date or date-time (`2026-11-30`, `2026-11-30T09:00:00Z`, `…+01:00`). */
export function parseNow(value: string): number {
  const iso = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;
  const ms = iso.test(value.trim()) ? Date.parse(value.trim()) : NaN;
  if (!Number.isFinite(ms)) throw new RunInputError(`now must be an ISO-8601 date or date-time such as 2026-11-30T09:00:00Z, not '${value}'`);
  return ms;
}

function clockOf(prepared: Prepared, startedAt: number): RunResult['clock'] {
  return { start: new Date(prepared.now ?? startedAt).toISOString(), given: prepared.now !== undefined };
}

function finishResult(kind: 'rule' | 'action', raw: ChildResult, durationMs: number, secrets: string[], clock: RunResult['clock'], connections: Connection[], configuration: Record<string, string>, mocks: RunResult['mocks'] = null): RunResult {
  const result: RunResult = {
    kind,
    outcome: raw.outcome,
    error: redactValue(raw.error, secrets),
    multifactor: redactMultifactor(raw.multifactor, secrets),
    ...(kind === 'rule' ? { user: redactValue(raw.user, secrets), context: redactValue(raw.context, secrets) } : {}),
    ...(kind === 'action' ? { changes: redactValue(raw.changes, secrets) } : {}),
    calls: redactValue(raw.calls, secrets),
    logs: redactValue(raw.logs, secrets),
    warnings: redactValue(raw.warnings, secrets),
    connections: redactValue(connections, secrets),
    durationMs,
    clock,
    mocks,
    keySource: findDuoKeySource(kind, raw.multifactor, raw.calls, configuration),
  };
  return result;
}

/**
 * `configuration` / `event.secrets`, strongest first: the given values (configuration file, the
 * editor's SecretStorage), the deploy-cli repository's values as Auth0 would have them after a
 * deploy, environment variables of the same name for keys the code reads.
 */
async function prepare(options: RunOptions, file: string, sources: string[], kind: 'rule' | 'action', deploy: { target: string; stopDir?: string }): Promise<Prepared> {
  for (const [name, value] of [['timeoutMs', options.timeoutMs], ['memoryLimitMb', options.memoryLimitMb]] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) throw new RunInputError(`${name} must be a positive number, not ${value}`);
  }
  const keys = sources.flatMap((source) => scanText(source).keys);
  const boundary = findReadBoundary(dirname(file), options.boundaryRoot ?? options.workspaceRoot);
  const workspaceRoot = resolve(options.workspaceRoot ?? boundary.workspaceRoot);
  const repository = await readDeployValues(deploy.target, kind, deployMappings(options), deploy.stopDir);
  // Looked up (a walk up the folders for .duo-rules.json) only when a key the code reads is missing
  // and set in the environment: usually every key is given and nothing is asked.
  let declared: string[] | null = null;
  const declaredKeys = (): string[] => (declared ??= [
    ...Object.keys(repository.values),
    ...repository.unmapped.map((u) => u.key),
    ...(options.declaredKeys ?? []),
    ...readDeclaredKeys(dirname(file), boundary.root),
  ]);
  const { configuration, skipped } = applyEnvironmentPolicy({ ...repository.values, ...options.configuration }, keys, options.env ?? {}, (key) =>
    isEnvironmentKeyAllowed(key, { [Symbol.iterator]: () => declaredKeys()[Symbol.iterator]() }, options.envNames ?? []),
  );
  const label = kind === 'action' ? 'event.secrets' : 'configuration';
  const mocks = await prepareMocks(options.mocks, workspaceRoot);
  return {
    configuration,
    ...(options.now === undefined ? {} : { now: parseNow(options.now) }),
    ...(mocks ? { mocks } : {}),
    skippedVariables: skipped,
    warnings: [...repository.warnings, ...describeUnmappedKeys(repository, configuration, keys, options.audience), ...skipped.map((key) => describeSkippedVariable(key, label, options.audience))],
    workspaceRoot,
    // A given workspace above the boundary (the home directory opened as a folder) lends only its modules.
    readRoots: [...new Set([...boundary.readRoots, ...(isInsideDir(workspaceRoot, boundary.root) ? [] : [join(workspaceRoot, 'node_modules')])])],
    network: options.network ?? 'on',
    // setTimeout fires at once beyond 2^31-1 ms: a huge --timeout means "as long as possible", not zero.
    timeoutMs: Math.min(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS),
    memoryLimitMb: options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB,
  };
}

/**
 * The keyword mappings deploy-cli would use, as the doctor uses them: the mappings file overlaid by
 * the environment (AUTH0_KEYWORD_REPLACE_MAPPINGS, then every variable under its own name).
 */
function deployMappings(options: RunOptions): Record<string, unknown> {
  return deployKeywordMappings(options.mappings, options.env ?? {});
}

function isInsideDir(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** `configurationKeys` of the project's .duo-rules.json: keys the project declares, allowed in the environment fallback. */
function readDeclaredKeys(startDir: string, stopDir: string): string[] {
  const path = findProjectConfigFile(startDir, stopDir);
  if (!path) return [];
  try {
    const keys = (JSON.parse(readFileSync(path, 'utf8')) as { configurationKeys?: unknown } | null)?.configurationKeys;
    return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return []; // lint and the editor report a broken .duo-rules.json
  }
}

/** The sandbox's own "is not set" warning, replaced by the one naming the variable that was left out. */
function dropPlainMissingWarnings(warnings: string[], prepared: Prepared): string[] {
  if (prepared.skippedVariables.length === 0) return warnings;
  const plain = new Set(prepared.skippedVariables.flatMap((k) => [`configuration.${k}`, `event.secrets.${k}`]));
  return warnings.filter((w) => !(/ is not set: add it to the configuration file/.test(w) && plain.has(w.split(' ')[0])));
}

/** Every input is merged over its default the same way (see mergeDeep); `userReplace` starts the user from `{}`. */
function buildInputs(kind: 'rule' | 'action', options: RunOptions) {
  const userOverride = checkObject(options.user, 'the user');
  const user = mergeDeep(options.userReplace ? {} : createDefaultUser(), userOverride) as Record<string, unknown>;
  const contextOverride = checkObject(options.context, 'the context');
  const eventOverride = checkObject(options.event, 'the event');
  // Some defaults depend on the protocol the caller chose (samlConfiguration for SAML and WS-Fed logins).
  const contextProtocol = typeof contextOverride?.protocol === 'string' ? contextOverride.protocol : undefined;
  const eventProtocol = (eventOverride?.transaction as { protocol?: unknown } | undefined)?.protocol;
  const context = mergeDeep(createDefaultContext({ protocol: contextProtocol }), contextOverride);
  const eventDefaults = createDefaultEvent(options.userReplace ? {} : undefined, { protocol: typeof eventProtocol === 'string' ? eventProtocol : undefined });
  const event = mergeDeep(eventDefaults, eventOverride) as Record<string, unknown>;
  // --user is merged last, so it wins over a user inside --event.
  if (userOverride !== undefined) event.user = mergeDeep(event.user, userOverride);
  return kind === 'rule' ? { user, context, event: null } : { user: null, context: null, event };
}

/**
 * Runs a Rule or Action file (or a deploy-cli rules directory) against the mock inputs.
 * Throws RunInputError when the run cannot start (file missing, unreplaced keywords…).
 */
export async function runFile(options: RunOptions): Promise<RunOutcome> {
  const file = resolve(options.file);
  if (options.text === undefined && isDirectory(file)) return runRulesDirectory(file, options);
  const original = options.text ?? (await readSource(file));
  const kind = detectKind(original);
  const other = kind === 'rule' ? otherTriggerHandler(original) : undefined;
  if (other) throw new RunInputError(`${file}: not a Rule or a post-login Action: it exports ${other}, the handler of another Actions trigger; duo-rules runs Rules and post-login Actions (exports.onExecutePostLogin)`);
  const source = replaceKeywords(original, deployMappings(options), file, options.mappings !== undefined, options.audience);
  const prepared = await prepare(options, file, [source], kind, { target: file, stopDir: options.workspaceRoot });
  const inputs = buildInputs(kind, options);
  const startedAt = Date.now();
  const outcome = await execute(kind, file, source, inputs, prepared, prepared.timeoutMs);
  const raw = resultFromOutcome(outcome, kind, prepared, { user: inputs.user, context: inputs.context });
  raw.warnings = [...prepared.warnings, ...dropPlainMissingWarnings(raw.warnings, prepared)];
  const secrets = collectSecrets([prepared.configuration, deployMappings(options)], findAttemptedMultifactors(raw), scanText(source).literals);
  return {
    result: finishResult(kind, raw, outcome.durationMs, secrets, clockOf(prepared, startedAt), outcome.connections, prepared.configuration, mocksOf(options.mocks)),
    secretMultifactor: raw.multifactor,
    unsetKeys: unsetKeysOf([source], prepared.configuration),
  };
}

function unsetKeysOf(sources: string[], configuration: Record<string, string>): string[] {
  return [...new Set(sources.flatMap((source) => scanText(source).keys))].filter((k) => !configuration[k]);
}

interface RuleEntry {
  name: string;
  order: number;
  file: string;
}

/** The enabled login rules of a deploy-cli directory (`<dir>/rules` or the rules folder itself), in `order`. */
export async function listDirectoryRules(dir: string): Promise<RuleEntry[]> {
  let files: RuleFile[];
  try {
    files = readRuleFiles(rulesFolderOf(dir));
  } catch (err) {
    if (err instanceof DeployFileError) throw new RunInputError(err.message);
    throw err;
  }
  const entries: RuleEntry[] = [];
  // An Action's deploy-cli file (actions/<name>.json) is not a rule: its code runs one file at a time.
  for (const rule of files.filter((r) => r.enabled && (r.stage === undefined || r.stage === 'login_success') && !r.isActionFile)) {
    if (!existsSync(rule.scriptPath)) throw new RunInputError(`${rule.path}: its script ${rule.script} does not exist`);
    entries.push({ name: rule.name, order: rule.order ?? Number.MAX_SAFE_INTEGER, file: rule.scriptPath });
  }
  if (entries.length === 0) {
    throw new RunInputError(`${dir}: no enabled rules found (expected rules/<name>.json files of auth0-deploy-cli; to run an Action, give its file, e.g. actions/<name>/code.js)`);
  }
  return entries.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}

/**
 * Runs the rules one after another as Auth0 did: in one context, so they share one `global` (a
 * helper an earlier rule stores there is there for the next), each with the previous one's user
 * and context.
 */
async function runRulesDirectory(dir: string, options: RunOptions): Promise<RunOutcome> {
  const entries = await listDirectoryRules(dir);
  // Every script is read and every keyword replaced before anything runs, so a missing mapping stops the whole run.
  const sources = await Promise.all(entries.map(async (e) => replaceKeywords(await readSource(e.file), deployMappings(options), e.file, options.mappings !== undefined, options.audience)));
  const prepared = await prepare(options, join(dir, 'rules'), sources, 'rule', { target: dir, stopDir: options.workspaceRoot });
  const { user, context } = buildInputs('rule', options) as { user: unknown; context: unknown };
  const startedAt = Date.now();
  const { results, durationMs, connections } = await executeBatch('rule', entries.map((e, i) => ({ filename: e.file, source: sources[i] })), [{ user, context, event: null }], prepared, prepared.timeoutMs);
  const steps = results[0].map((step) => ({ ...step, warnings: dropPlainMissingWarnings(step.warnings, prepared) }));
  const combined = combineRuleSteps(steps, entries.map((e) => e.name), { user, context });
  combined.result.warnings.unshift(...prepared.warnings);
  const secrets = collectSecrets([prepared.configuration, deployMappings(options)], combined.attempted, sources.flatMap((source) => scanText(source).literals));
  const result = finishResult('rule', combined.result, Math.round(durationMs * 100) / 100, secrets, clockOf(prepared, startedAt), connections, prepared.configuration, mocksOf(options.mocks));
  return { result: { ...result, outcome: combined.outcome, rule: combined.decidingRule, rules: combined.ran }, secretMultifactor: combined.result.multifactor, unsetKeys: unsetKeysOf(sources, prepared.configuration) };
}

/** A script the batch stopped for taking too long is a timeout, not an error of the code. */
export function stepOutcome(step: ChildResult): RunResult['outcome'] {
  return step.outcome === 'error' && step.error?.name === 'TimeoutError' ? 'timeout' : step.outcome;
}

/**
 * One result for a pipeline from the results of the rules that ran: the last one decides; the rule
 * that decided (or last changed context.multifactor) is named; logs and warnings carry rule names.
 */
function combineRuleSteps(steps: ChildResult[], names: string[], inputs: { user: unknown; context: unknown }) {
  const combined: ChildResult = { outcome: 'completed', error: null, multifactor: null, calls: [], logs: [], warnings: [], user: inputs.user, context: inputs.context };
  const ran: { name: string; outcome: RunResult['outcome'] }[] = [];
  const attempted: Multifactor[] = [];
  let decidingRule: string | null = null;
  let outcome: RunResult['outcome'] = 'completed';
  let before = JSON.stringify((inputs.context as { multifactor?: unknown } | null)?.multifactor);
  steps.forEach((step, index) => {
    const name = names[index] ?? `#${index + 1}`;
    attempted.push(...findAttemptedMultifactors(step));
    outcome = stepOutcome(step);
    ran.push({ name, outcome });
    combined.calls.push(...step.calls);
    combined.logs.push(...step.logs.map((line) => `[${name}] ${line}`));
    combined.warnings.push(...step.warnings.map((line) => `${name}: ${line}`));
    Object.assign(combined, { outcome: step.outcome, error: step.error, multifactor: step.multifactor, user: step.user, context: step.context });
    const now = JSON.stringify((step.context as { multifactor?: unknown } | null)?.multifactor);
    if (step.outcome !== 'completed' || now !== before) decidingRule = name;
    before = now;
  });
  return { result: combined, outcome, ran, decidingRule, attempted };
}
