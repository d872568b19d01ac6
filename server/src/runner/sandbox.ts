// Runs one Rule or Action inside a fresh vm context of the child process, with the globals
// Auth0 provides (configuration, auth0, UnauthorizedError, require, console…) or the Actions
// `api`, recording everything the code asks for. The vm is not a security boundary: the
// child process (permission model, heap limit, parent's watchdog) is.
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join } from 'node:path';
import { format } from 'node:util';
import * as vm from 'node:vm';
import { normaliseActionMultifactor, normaliseRuleMultifactor } from './requestedMultifactor';
import { cutText, redactText } from '../../../shared/redact';
import { CONFIGURATION_KEY } from '../../../shared/configurationKeys';
import { recordBuiltins, type Builtins } from './integrity';
import { toPlainJson } from './plainJson';
import { ReusableRealm, type LoginBridge, type LoginObjects } from './realm';
import { collectSecrets, findAttemptedMultifactors } from './runSecrets';
import { parseRunInputs, type RunJobHead } from './jobLine';
import type { BatchJob, BatchLogin, ChildMocks, ChildJob, ChildResult, Multifactor, NetworkMode } from './runTypes';
import type { ActionChanges, Connection, RecordedCall } from '../../../shared/runResult';

/** How long pending timers may keep running after the decision, to catch a second callback or a late error. */
const SETTLE_MS = 50;
const MAX_LOG_LINES = 1000;
const MAX_LOG_LINE_LENGTH = 10_000;

export interface RunHooks {
  onCallback(): void;
  onLog(line: string): void;
  onConnection(connection: Connection): void;
}

/**
 * Thrown into the rule when it calls process.exit/abort or reaches for something the child
 * guards (signals, addons, the working directory), so the code after it does not run; the
 * run ends as an error named `errorName`.
 */
class ExitAttempt extends Error {
  constructor(message: string, readonly errorName = 'ProcessExitError') {
    super(message);
  }
}

function describeExit(what: string): string {
  return `the rule tried to exit the process (${what}); Auth0 rules and Actions must finish through callback/return`;
}

type Decision = { outcome: ChildResult['outcome']; error: ChildResult['error']; user?: unknown; context?: unknown };

function describeError(err: unknown): { name: string; message: string } {
  if (typeof err === 'object' && err !== null && 'message' in err) {
    const e = err as { name?: unknown; message?: unknown; code?: unknown; resource?: unknown; permission?: unknown };
    let message = String(e.message);
    if (e.code === 'ERR_ACCESS_DENIED') {
      // Node 22+ appends "Use --allow-… to manage permissions.": advice for whoever starts Node, not for the rule's author.
      message = message.replace(/\.?\s*Use --allow-[\s\S]*$/, '');
      // A file operation names its path. A process or a worker names the permission, and its resource
      // differs by Node version and release: none (20), the string "true", or the command.
      const resource = typeof e.resource === 'string' && e.resource && e.resource !== 'true' ? e.resource : null;
      const action = e.permission === 'ChildProcess' ? 'starting a process' : e.permission === 'WorkerThreads' ? 'starting a worker thread' : null;
      const what = action ? (resource ? `${action}: ${resource}` : action) : resource ?? (typeof e.permission === 'string' && e.permission ? e.permission : 'this operation');
      message += ` (${what}): the runner lets the code read only its workspace folder, not write files or start processes`;
    }
    return { name: typeof e.name === 'string' && e.name ? e.name : 'Error', message };
  }
  return { name: 'Error', message: err === undefined ? 'undefined' : String(err) };
}

/** The state of the run in progress; the child runs one job at a time. */
class Run {
  decision: Decision | null = null;
  callbackCalls = 0;
  exitAttempt: ExitAttempt | null = null;
  /** Set when the code changed the child's own built-ins (see checkIsolation): the run fails with it. */
  breach: string | null = null;
  readonly warnings: string[] = [];
  readonly logs: string[] = [];
  readonly calls: RecordedCall[] = [];
  readonly missingKeys = new Set<string>();
  readonly timers = new Map<object, 'timeout' | 'interval' | 'immediate'>();
  droppedLogs = 0;
  finished = false;
  private wake: (() => void) | null = null;

  context: vm.Context | null = null;
  /** A batch login in a reused realm: what its code was handed, made inside that realm. */
  realm: ReusableRealm | null = null;
  objects: LoginObjects | null = null;

  constructor(readonly hooks: RunHooks, private readonly backstopMs: number, readonly network: NetworkMode = 'on') {}

  /**
   * Calls into user code under a vm timeout. The parent's watchdog normally kills the child
   * long before; this backstop only matters when the parent died mid-run, so an endless
   * loop cannot outlive it as an orphan. A batch passes 0: a vm timeout starts a watchdog thread
   * per call, which would cost more than the login itself; there the parent watches every login.
   */
  invoke(fn: (...a: unknown[]) => unknown, args: unknown[]): unknown {
    const context = this.context as Record<string, unknown> | null;
    if (!context) return fn(...args);
    // Defined, never assigned: a setter an earlier rule of the login planted for this name (on the
    // global or its prototypes) must not get the function and its arguments (the next rule's callback).
    if (!defineOwn(context, INVOKE_KEY, dataDescriptor(() => fn(...args)))) {
      return this.refuse(new ExitAttempt(`an earlier rule of this login made the runner's own entry point unchangeable; the runner cannot run this rule truthfully`, 'IsolationError'));
    }
    try {
      return INVOKER.runInContext(context, this.backstopMs > 0 ? { timeout: this.backstopMs } : undefined);
    } catch (err) {
      // Reparented: the parent died mid-run, so nothing will kill this child; it must not loop on as an orphan.
      if ((err as NodeJS.ErrnoException).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT' && process.ppid !== PARENT_PID) realExit(1);
      throw err;
    } finally {
      deleteOwn(context, INVOKE_KEY);
    }
  }

  decide(decision: Decision): void {
    if (this.decision) return;
    this.decision = decision;
    this.notify();
  }

  /** An error thrown or rejected anywhere in the run: decides the outcome, or becomes a warning after the decision. */
  fail(err: unknown, where: string): void {
    if (err instanceof ExitAttempt) return;
    if (!this.decision) {
      this.decide({ outcome: 'error', error: describeError(err) });
      return;
    }
    const { name, message } = describeError(err);
    this.warnings.push(`${where} after the outcome was decided (${this.decision.outcome}): ${name}: ${message}`);
  }

  attemptExit(what: string): never {
    return this.refuse(new ExitAttempt(describeExit(what)));
  }

  refuse(attempt: ExitAttempt): never {
    this.exitAttempt ??= attempt;
    this.notify();
    throw attempt;
  }

  log(args: unknown[]): void {
    if (this.finished) return;
    if (this.logs.length >= MAX_LOG_LINES) {
      this.droppedLogs++;
      return;
    }
    // Streamed lines are all the parent has after a timeout, when the MFA the code set up never comes back:
    // the skeys it holds so far are taken out here. (The parent redacts everything else.)
    const line = cutText(redactText(format(...args), this.currentSkeys()), MAX_LOG_LINE_LENGTH);
    this.logs.push(line);
    this.hooks.onLog(line);
  }

  /** The skeys in the MFA the code has set up so far (`context.multifactor`, `api.multifactor.enable`). */
  currentSkeys: () => string[] = () => [];

  record(name: string, args: unknown[]): void {
    // Trailing undefined arguments are left out rather than recorded as null: setCustomClaim(k, undefined) sets no
    // claim (Auth0 serialises the token as JSON), where setCustomClaim(k, null) sets a null one.
    let count = args.length;
    while (count > 0 && args[count - 1] === undefined) count--;
    this.calls.push({ name, args: args.slice(0, count).map((a) => toPlainJson(a) ?? null) });
  }

  /** Resolves when the outcome is decided or the code tried to exit. */
  waitForDecision(): Promise<void> {
    return new Promise((resolve) => {
      if (this.decision || this.exitAttempt) return resolve();
      this.wake = () => {
        if (this.decision || this.exitAttempt) resolve();
      };
    });
  }

  /** Resolves when no timer of this run is pending, or after SETTLE_MS. */
  async settle(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.timers.size === 0) return;
    await new Promise<void>((resolve) => {
      const limit = setTimeout(resolve, SETTLE_MS);
      this.wake = () => {
        if (this.timers.size === 0 || this.exitAttempt) {
          clearTimeout(limit);
          resolve();
        }
      };
    });
  }

  notify(): void {
    this.wake?.();
  }

  /** Stops every timer the code left behind so nothing of this run fires during the next one. */
  clearTimers(): void {
    for (const [handle, type] of this.timers) {
      if (type === 'immediate') clearImmediate(handle as NodeJS.Immediate);
      else clearTimeout(handle as NodeJS.Timeout);
    }
    this.timers.clear();
    this.finished = true;
  }
}

let current: Run | null = null;
const PARENT_PID = process.ppid;
// Captured before the guards replace it: process.exit itself ends in a call of process.reallyExit.
const realExit = (process as unknown as { reallyExit(code?: number): never }).reallyExit.bind(process);
const INVOKE_KEY = '__duoRulesInvoke';
// `this` of a script is its global object: `globalThis` is a name a rule can redefine.
const INVOKER = new vm.Script(`this.${INVOKE_KEY}()`);
// Captured before any user code: a rule that reaches the child's realm can replace the originals.
const defineOwn = Reflect.defineProperty;
const deleteOwn = Reflect.deleteProperty;
const createObject = Object.create;

/** A data property's descriptor without a prototype, so nothing planted on Object.prototype joins it. */
function dataDescriptor(value: unknown, enumerable = false): PropertyDescriptor {
  const descriptor = createObject(null) as PropertyDescriptor;
  descriptor.value = value;
  descriptor.writable = true;
  descriptor.configurable = true;
  descriptor.enumerable = enumerable;
  return descriptor;
}

/**
 * Gives the script one of the runner's own globals (console, require, configuration…), defined
 * rather than assigned, so a setter or a read-only property an earlier rule of the login left for
 * that name cannot keep or replace it. What a rule stores under other names stays for the next
 * one, as in Auth0.
 */
function setRunnerGlobal(run: Run, context: vm.Context, name: string, value: unknown): void {
  if (!defineOwn(context, name, dataDescriptor(value, true))) {
    run.refuse(new ExitAttempt(`an earlier rule of this login made the runner's \`${name}\` unchangeable; the runner cannot run this rule truthfully`, 'IsolationError'));
  }
}

let builtins: Builtins | null = null;

/** The child records its built-ins once, after its guards and before any user code. */
export function recordChildBuiltins(): void {
  builtins = recordBuiltins();
}

/**
 * After a script ran: if it changed the child's own built-ins, they are put back before its result
 * is built (so the next script and the report use the real ones) and the script fails. Returns
 * false when a change could not be undone: nothing built in this process can then be trusted.
 */
function checkIsolation(run: Run): void {
  const problem = builtins?.check() ?? null;
  if (problem === null) return;
  if (!(builtins?.restore() ?? false)) throw new IsolationBroken(problem);
  run.breach ??= describeBreach(problem);
}

/** The message of an IsolationError; `problem` holds only names and plain characters (see integrity.ts). */
export function describeBreach(problem: string): string {
  return `the code changed the runner's own built-in objects (${problem}); a run that does cannot be reported truthfully, so it counts as failed`;
}

/** The first change to the built-ins, or null when they are as recorded (the child checks before it reports). */
export function builtinsProblem(): string | null {
  return builtins?.check() ?? null;
}

/** The code changed the child's built-ins in a way that could not be undone: the child reports that alone and exits. */
export class IsolationBroken extends Error {
  constructor(readonly problem: string) {
    super(`the code changed the runner's own built-in objects (${problem}) and they could not be put back`);
  }
}

/** Called by the child for errors nobody caught (timers of modules, unhandled rejections). */
export function reportUncaught(err: unknown, where: string): void {
  current?.fail(err, where);
}

// ---- process guards (installed by the child before any user code) ----

/**
 * Replaces a property of the real `process` for good: not configurable, so deleting it cannot
 * uncover anything; still writable, because Node's own modules wrap some of them when loaded
 * (worker_threads wraps chdir), and a rule that assigns one gets nothing but its own function.
 */
function lockProcessProperty(name: string, value: unknown): void {
  Object.defineProperty(process, name, { value, writable: true, configurable: false, enumerable: false });
}

/** During a run: the run fails with `errorName`; outside one (no user code should run then) a plain error. */
function refuseInRun(errorName: string, message: string): never {
  if (current && !current.finished) return current.refuse(new ExitAttempt(message, errorName));
  throw new Error(message);
}

/**
 * What Node's permission model leaves open, closed on the real `process` (reachable from a rule
 * through any host function's constructor): signals to any process, native addons, the exit
 * paths below process.exit, the working directory and umask, user and group ids, replacing the
 * process image, raw handles and bindings, and the child's own stdin (its job channel).
 */
export function guardProcess(): void {
  const exitRun = (what: string, code: number) => {
    if (current && !current.finished) return current.attemptExit(what);
    return realExit(code);
  };
  lockProcessProperty('exit', (code?: number) => exitRun(`process.exit(${code ?? ''})`, typeof code === 'number' ? code : 0));
  lockProcessProperty('reallyExit', (code?: number) => exitRun(`process.reallyExit(${code ?? ''})`, typeof code === 'number' ? code : 0));
  lockProcessProperty('abort', () => exitRun('process.abort()', 134));
  const signal = (name: string) => (pid?: unknown, sig?: unknown) =>
    refuseInRun('ProcessSignalError', `the rule tried to send a signal (${name}(${String(pid)}${sig === undefined ? '' : `, ${String(sig)}`})); the runner does not let code signal any process`);
  lockProcessProperty('kill', signal('process.kill'));
  lockProcessProperty('_kill', signal('process._kill'));
  const denied = (what: string) => () => refuseInRun('ProcessGuardError', `the rule tried ${what}; the runner does not allow it`);
  lockProcessProperty('dlopen', denied('to load a native addon (process.dlopen)'));
  lockProcessProperty('chdir', denied('to change the working directory (process.chdir)'));
  const realUmask = process.umask.bind(process);
  lockProcessProperty('umask', (mask?: unknown) => (mask === undefined ? realUmask() : denied('to change the umask (process.umask)')()));
  for (const name of ['setuid', 'setgid', 'seteuid', 'setegid', 'setgroups', 'initgroups']) {
    if (name in process) lockProcessProperty(name, denied(`to change the process's user or groups (process.${name})`));
  }
  for (const name of ['execve', 'binding', '_linkedBinding', '_getActiveHandles', '_getActiveRequests', 'openStdin', '_debugProcess', '_debugEnd', '_startProfilerIdleNotifier']) {
    if (name in process) lockProcessProperty(name, denied(`to use process.${name}`));
  }
  // stdin carries the child's jobs: nothing of a rule may read it.
  Object.defineProperty(process, 'stdin', { get: denied('to read the runner\'s stdin (process.stdin)'), configurable: false, enumerable: false });
}

/** Called by the network guard for every attempt of the code: reports it, and refuses it when the run's network is off. */
export function checkNetworkAttempt(connection: Connection): void {
  const run = current;
  if (!run || run.finished) throw new Error(`network access outside a run (${connection.protocol} ${connection.host}) is not allowed`);
  // Look-ups come before their connection, which is what the report lists.
  if (connection.protocol !== 'dns') run.hooks.onConnection(connection);
  if (run.network === 'off') {
    const where = connection.port === null ? connection.host : `${connection.host}:${connection.port}`;
    const error = new Error(`network access is off for this run: ${connection.protocol} ${where} was blocked`);
    (error as NodeJS.ErrnoException).code = 'ERR_NETWORK_OFF';
    throw error;
  }
}

// ---- end of process guards ----

function createTimers(run: Run) {
  const guard = (fn: (...a: unknown[]) => unknown, args: unknown[]) => {
    if (run.finished) return;
    try {
      run.invoke(fn, args);
    } catch (err) {
      run.fail(err, 'an error thrown in a timer');
    }
  };
  const check = (fn: unknown): ((...a: unknown[]) => unknown) => {
    if (typeof fn !== 'function') throw new TypeError('The "callback" argument must be of type function');
    return fn as (...a: unknown[]) => unknown;
  };
  return {
    setTimeout(fn: unknown, ms?: number, ...args: unknown[]) {
      const callback = check(fn);
      const handle: NodeJS.Timeout = setTimeout(() => {
        run.timers.delete(handle);
        guard(callback, args);
        run.notify();
      }, ms);
      run.timers.set(handle, 'timeout');
      return handle;
    },
    setInterval(fn: unknown, ms?: number, ...args: unknown[]) {
      const callback = check(fn);
      const handle: NodeJS.Timeout = setInterval(() => guard(callback, args), ms);
      run.timers.set(handle, 'interval');
      return handle;
    },
    setImmediate(fn: unknown, ...args: unknown[]) {
      const callback = check(fn);
      const handle: NodeJS.Immediate = setImmediate(() => {
        run.timers.delete(handle);
        guard(callback, args);
        run.notify();
      });
      run.timers.set(handle, 'immediate');
      return handle;
    },
    clearTimeout(handle: unknown) {
      if (run.timers.delete(handle as object)) clearTimeout(handle as NodeJS.Timeout);
      run.notify();
    },
    clearInterval(handle: unknown) {
      if (run.timers.delete(handle as object)) clearInterval(handle as NodeJS.Timeout);
      run.notify();
    },
    clearImmediate(handle: unknown) {
      if (run.timers.delete(handle as object)) clearImmediate(handle as NodeJS.Immediate);
      run.notify();
    },
  };
}

/** `mod@1.2.3` and `@scope/mod@1.2.3/sub` name the module without the version, as Auth0 accepts. */
function stripModuleVersion(id: string): string {
  const m = /^((?:@[^/@]+\/)?[^/@]+)@[^/]+(\/.*)?$/.exec(id);
  return m ? m[1] + (m[2] ?? '') : id;
}

function createSandboxRequire(workspaceRoot: string, stubs: ModuleStubs | null = null) {
  // Made on the first require: most rules never call it, and every run's set-up would pay for it.
  let made: NodeRequire | null = null;
  const host = (): NodeRequire => (made ??= createRequire(join(workspaceRoot, 'package.json')));
  return function require(id: unknown): unknown {
    if (typeof id !== 'string' || id === '') throw new TypeError('require() expects a module name');
    const name = stripModuleVersion(id);
    // A stub from the mocks file wins over an installed module of the same name.
    if (stubs?.has(name)) return stubs.load(name, require);
    if (isBuiltin(name)) return host()(name);
    if (name.startsWith('.') || name.startsWith('/')) {
      throw new Error(`Cannot require '${id}': Auth0 rules and Actions can only require npm modules, not files`);
    }
    let resolved: string;
    try {
      resolved = host().resolve(name);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'MODULE_NOT_FOUND') throw err;
      const pkg = name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0];
      const error = new Error(
        `Cannot find module '${name}': it is not installed in ${join(workspaceRoot, 'node_modules')}. ` +
          `Install it there (npm install ${pkg}) to run this rule locally; Auth0 itself only offers the modules it allows.`,
      );
      (error as NodeJS.ErrnoException).code = 'MODULE_NOT_FOUND';
      throw error;
    }
    return host()(resolved);
  };
}

/**
 * Module stubs of a mocks file (`"modules": { "request": "./stubs/request.js" }`), loaded into the
 * sandbox's own context like the code itself, so they log through its console, see its clock and
 * require through its require. Each is loaded once per context.
 */
class ModuleStubs {
  private readonly loaded = new Map<string, { exports: unknown }>();
  context: vm.Context | null = null;

  constructor(private readonly stubs: ChildMocks['modules']) {}

  has(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.stubs, name);
  }

  load(name: string, require: (id: unknown) => unknown): unknown {
    const cached = this.loaded.get(name);
    if (cached) return cached.exports;
    const { filename, source } = this.stubs[name];
    if (!this.context) throw new Error(`the stub of '${name}' cannot be loaded before the code runs`);
    const module = vm.runInContext('({ exports: {} })', this.context) as { exports: unknown };
    // Registered before it runs, so two stubs requiring each other get the partial exports, as in Node.
    this.loaded.set(name, module);
    const wrapper = compile(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, filename)
      .runInContext(this.context) as (...args: unknown[]) => void;
    try {
      wrapper(module.exports, require, module, filename, dirname(filename));
    } catch (err) {
      this.loaded.delete(name);
      throw err;
    }
    return module.exports;
  }
}

/** configuration / event.secrets: reads of keys that are not set become warnings, since they usually mean a missing secret. */
function watchMissingKeys(values: Record<string, string>, run: Run, label: string): Record<string, string> {
  return new Proxy(values, {
    get(target, key, receiver) {
      // Every name Auth0 allows in a key (`configuration['DUO_MFA:IKEY']` too); only some can be environment variables.
      if (typeof key === 'string' && !(key in target) && CONFIGURATION_KEY.test(key) && !run.missingKeys.has(`${label}.${key}`)) {
        run.missingKeys.add(`${label}.${key}`);
        run.warnings.push(/^[A-Za-z0-9_-]+$/.test(key)
          ? `${label}.${key} is not set: add it to the configuration file or set the environment variable ${key}`
          : `${label}[${JSON.stringify(key)}] is not set: add it to the configuration file`);
      }
      return Reflect.get(target, key, receiver);
    },
  });
}

function createConsole(run: Run) {
  const log = (...args: unknown[]) => run.log(args);
  return { log, info: log, warn: log, error: log, debug: log, trace: log, dir: (v: unknown) => run.log([v]) };
}

function createFakeProcess(run: Run, env: Record<string, string>) {
  return {
    env,
    version: process.version,
    versions: { ...process.versions },
    platform: process.platform,
    arch: process.arch,
    pid: process.pid,
    argv: ['node'],
    cwd: () => '/',
    uptime: () => process.uptime(),
    hrtime: Object.assign((t?: [number, number]) => process.hrtime(t), { bigint: () => process.hrtime.bigint() }),
    memoryUsage: () => process.memoryUsage(),
    emitWarning: (...args: unknown[]) => run.log(['Warning:', ...args]),
    nextTick: (fn: unknown, ...args: unknown[]) => {
      if (typeof fn !== 'function') throw new TypeError('The "callback" argument must be of type function');
      process.nextTick(() => {
        if (run.finished) return;
        try {
          fn(...args);
        } catch (err) {
          run.fail(err, 'an error thrown in process.nextTick');
        }
      });
    },
    exit: (code?: number) => run.attemptExit(`process.exit(${code ?? ''})`),
    abort: () => run.attemptExit('process.abort()'),
    kill: (pid?: unknown) => run.refuse(new ExitAttempt(`the rule tried to send a signal (process.kill(${String(pid)})); the runner does not let code signal any process`, 'ProcessSignalError')),
    on: () => undefined,
    once: () => undefined,
  };
}

/** A context with the runner's fixed globals; those of a run are added by createContext. */
function createBaseContext(): vm.Context {
  const sandbox: Record<string, unknown> = {
    queueMicrotask,
    Buffer,
    URL,
    URLSearchParams,
    TextEncoder,
    TextDecoder,
    AbortController,
    AbortSignal,
    atob,
    btoa,
    structuredClone,
  };
  // Node loads fetch (undici) and webcrypto on first access: keep that cost for code that uses them.
  for (const name of ['fetch', 'crypto'] as const) {
    Object.defineProperty(sandbox, name, { configurable: true, enumerable: true, get: () => globalThis[name] });
  }
  const context = vm.createContext(sandbox);
  CONTEXT_SETUP.runInContext(context);
  contextPromises.set(context, CONTEXT_PROMISE.runInContext(context) as PromiseConstructor);
  return context;
}

/**
 * Creating a vm context is the largest part of a short run: a child makes its first one ahead,
 * while it waits for its job (no user code has run in the child yet, and the child is single-use).
 */
let spareContext: vm.Context | null = null;

/**
 * `sampleInputs`: JSON texts shaped like the inputs a run's job brings (see jobLine.ts), parsed
 * into the new context and dropped. The first parse in a fresh context builds the object shapes
 * of that realm and took ~0.2 ms of a warm run; the run's own parse then finds them. Only runner
 * data is parsed: the context holds nothing it did not hold before, and no code has run in it.
 */
export function prepareContext(sampleInputs: readonly string[] = []): void {
  spareContext ??= createBaseContext();
  const parse = CONTEXT_JSON_PARSE.runInContext(spareContext) as (text: string) => unknown;
  for (const text of sampleInputs) parse(text);
}

function createContext(run: Run, job: Pick<ChildJob, 'mocks' | 'workspaceRoot'>): vm.Context {
  const stubs = job.mocks && Object.keys(job.mocks.modules).length > 0 ? new ModuleStubs(job.mocks.modules) : null;
  const context = spareContext ?? createBaseContext();
  spareContext = null;
  const require = createSandboxRequire(job.workspaceRoot, stubs);
  contextRequires.set(context, require);
  const globals: Record<string, unknown> = { console: createConsole(run), require, process: createFakeProcess(run, {}), ...createTimers(run) };
  for (const name of Object.keys(globals)) defineOwn(context, name, dataDescriptor(globals[name], true));
  if (stubs) stubs.context = context;
  return context;
}

/** The runner's `require` of each context (with the run's module stubs): every rule of a login gets it. */
const contextRequires = new WeakMap<vm.Context, unknown>();
const contextPromises = new WeakMap<vm.Context, PromiseConstructor>();

const CONTEXT_SETUP = new vm.Script(
  `globalThis.global = globalThis;
   globalThis.UnauthorizedError = class UnauthorizedError extends Error {
     constructor(message) { super(message); this.name = 'UnauthorizedError'; }
   };`,
);

// Compiled once: a batch asks every login's context for these.
const CONTEXT_PROMISE = new vm.Script('Promise');
const NEW_MODULE = new vm.Script('({ exports: {} })');
const CONTEXT_JSON_PARSE = new vm.Script('JSON.parse');

/** The next script of a login runs in the same context (one `global`): its reporting globals follow the new run. */
/**
 * The next script of a login runs in the same context (one `global`): the runner's globals are
 * given anew, to report to the new run. False when an earlier rule made one unchangeable (the run
 * has then failed).
 */
function bindRun(context: vm.Context, run: Run): boolean {
  const globals: Record<string, unknown> = { console: createConsole(run), process: createFakeProcess(run, {}), require: contextRequires.get(context), ...createTimers(run) };
  try {
    for (const name of Object.keys(globals)) setRunnerGlobal(run, context, name, globals[name]);
    return true;
  } catch (err) {
    if (err instanceof ExitAttempt) return false;
    throw err;
  }
}

/**
 * A `Date` whose clock starts at the run's chosen instant and advances in real time: `new Date()`,
 * `Date()` and `Date.now()` are shifted, everything else (parsing, `new Date(ms)`, the prototype,
 * `instanceof`, subclasses) is the realm's own Date. Built from the realm's own intrinsics.
 */
const SHIFTED_DATE = `(function (offset) {
  const RealDate = globalThis.Date;
  const realNow = RealDate.now;
  const now = function now() { return realNow() + offset; };
  return new Proxy(RealDate, {
    construct(target, args, newTarget) { return Reflect.construct(target, args.length === 0 ? [now()] : args, newTarget); },
    apply() { return new RealDate(now()).toString(); },
    get(target, key, receiver) { return key === 'now' ? now : Reflect.get(target, key, receiver); },
  });
})`;

/**
 * Moves the clock of the sandbox to `job.now` and, for the run, the child's own `Date` too, so npm
 * modules the code requires (moment, date-fns) see the same instant. Returns the undo.
 */
function installClock(now: number | undefined, context: vm.Context): () => void {
  if (now === undefined) return () => undefined;
  const offset = now - Date.now();
  const sandboxGlobal = context as Record<string, unknown>;
  sandboxGlobal.Date = (vm.runInContext(SHIFTED_DATE, context) as (o: number) => DateConstructor)(offset);
  const hostDate = globalThis.Date;
  globalThis.Date = (vm.runInThisContext(SHIFTED_DATE) as (o: number) => DateConstructor)(offset);
  return () => {
    globalThis.Date = hostDate;
  };
}

/**
 * `auth0.users.update*` in a reused realm (a batch without mocks): recorded; true when the code
 * passed a callback, which is answered asynchronously like the real client.
 */
function recordUpdate(run: Run, name: string, args: unknown[]): boolean {
  run.record(`auth0.users.${name}`, args.filter((a) => typeof a !== 'function'));
  const done = args.find((a) => typeof a === 'function') as ((err: null) => void) | undefined;
  if (!done) return false;
  createTimers(run).setImmediate(() => done(null));
  return true;
}

function createAuth0(run: Run, context: vm.Context, mocks: ChildMocks['functions'] = {}) {
  // The context's own Promise as it was created: a `Promise` an earlier rule of the login put on `global` is not the mock's.
  const ContextPromise = contextPromises.get(context) ?? (CONTEXT_PROMISE.runInContext(context) as PromiseConstructor);
  const ContextError = vm.runInContext('Error', context) as ErrorConstructor;
  const parse = vm.runInContext('JSON.parse', context) as (text: string) => unknown;
  const update = (name: 'updateAppMetadata' | 'updateUserMetadata') => (...args: unknown[]) => {
    run.record(`auth0.users.${name}`, args.filter((a) => typeof a !== 'function'));
    // The mocks file can make the call fail or answer a chosen value; by default it succeeds with nothing.
    const mock = mocks[`auth0.users.${name}`];
    const error = mock && 'reject' in mock ? new ContextError(mock.reject) : null;
    const value = mock && 'resolve' in mock && mock.resolve !== undefined ? parse(JSON.stringify(mock.resolve)) : undefined;
    const done = args.find((a) => typeof a === 'function') as ((err: Error | null, value?: unknown) => void) | undefined;
    if (done) {
      // Callback style of the old management client: answer asynchronously, like the real one.
      createTimers(run).setImmediate(() => (error ? done(error) : done(null, value)));
      return undefined;
    }
    return error ? ContextPromise.reject(error) : ContextPromise.resolve(value);
  };
  return {
    accessToken: 'mock-management-api-access-token',
    domain: 'example-tenant.us.auth0.com',
    baseUrl: 'https://example-tenant.us.auth0.com/api/v2',
    users: { updateAppMetadata: update('updateAppMetadata'), updateUserMetadata: update('updateUserMetadata') },
  };
}

/** Compiles the file as Auth0 does: a Rule is an expression (an anonymous function is fine). */
// A batch runs the same scripts for hundreds of logins: each is compiled once, then run in every
// login's fresh context (a vm.Script is not tied to a context).
const compiled = new Map<string, vm.Script>();
const MAX_COMPILED = 32;

function compile(code: string, filename: string): vm.Script {
  const key = `${filename}\0${code}`;
  let script = compiled.get(key);
  if (!script) {
    script = new vm.Script(code, { filename });
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(key, script);
  }
  return script;
}

function compileRule(job: ChildJob, context: vm.Context): unknown {
  return compile(`(${job.source}\n)`, job.filename).runInContext(context);
}

function compileAction(run: Run, job: ChildJob, context: vm.Context): Record<string, unknown> {
  const module = NEW_MODULE.runInContext(context) as { exports: Record<string, unknown> };
  const wrapper = compile(`(function (exports, require, module, __filename, __dirname) {${job.source}\n})`, job.filename)
    .runInContext(context) as (...args: unknown[]) => void;
  wrapper(module.exports, run.objects ? run.objects.require : (context as { require: unknown }).require, module, job.filename, '/');
  return module.exports;
}

/** Where in the file a syntax error is: V8 puts "file:line" on the first line of the stack. */
function describeSyntaxError(err: unknown, filename: string): { name: string; message: string } {
  const info = describeError(err);
  const stack = typeof err === 'object' && err !== null ? String((err as { stack?: unknown }).stack ?? '') : '';
  const first = stack.split('\n')[0] ?? '';
  const line = first.startsWith(filename) ? /:(\d+)$/.exec(first)?.[1] : undefined;
  return line ? { ...info, message: `${info.message} (line ${line})` } : info;
}

function startRule(run: Run, job: ChildJob, context: vm.Context): void {
  let fn: unknown;
  try {
    fn = compileRule(job, context);
  } catch (err) {
    run.decide({ outcome: 'error', error: describeSyntaxError(err, job.filename) });
    return;
  }
  if (typeof fn !== 'function') {
    run.decide({
      outcome: 'error',
      error: { name: 'TypeError', message: 'the file is not a rule: it must be one function (user, context, callback)' },
    });
    return;
  }
  const callback = run.objects ? run.objects.callback : ruleCallback(run, job);
  try {
    run.invoke(fn as (...args: unknown[]) => unknown, [job.user, job.context, callback]);
  } catch (err) {
    run.fail(err, 'an error thrown');
  }
}

/** The Rule's callback: the first call decides. */
function ruleCallback(run: Run, job: ChildJob): (err?: unknown, user?: unknown, ctx?: unknown) => void {
  return (err?: unknown, user?: unknown, ctx?: unknown) => {
    run.callbackCalls++;
    if (run.callbackCalls === 1) run.hooks.onCallback();
    if (err !== null && err !== undefined) {
      // Auth0 refuses the login for any error handed to callback (access_denied, the message as
      // error_description), UnauthorizedError or not: it is the rule's decision, not a crash.
      run.decide({ outcome: 'denied', error: describeError(err), user: job.user, context: job.context });
    } else {
      run.decide({ outcome: 'completed', error: null, user: user ?? job.user, context: ctx ?? job.context });
    }
  };
}

function startAction(run: Run, job: ChildJob, context: vm.Context): void {
  let exported: Record<string, unknown>;
  try {
    exported = compileAction(run, job, context);
  } catch (err) {
    run.fail(err instanceof SyntaxError ? { name: 'SyntaxError', message: describeSyntaxError(err, job.filename).message } : err, 'an error thrown');
    return;
  }
  const handler = exported.onExecutePostLogin;
  if (typeof handler !== 'function') {
    run.decide({ outcome: 'error', error: { name: 'TypeError', message: 'the Action does not export onExecutePostLogin(event, api)' } });
    return;
  }
  const api = run.objects ? run.objects.api : createActionApi(run);
  let pending: unknown;
  try {
    pending = run.invoke(handler as (...args: unknown[]) => unknown, [job.event, api]);
  } catch (err) {
    run.fail(err, 'an error thrown');
    return;
  }
  // In a reused realm the promise is resolved inside that realm: a thenable the code returns never gets a function of the child's.
  if (run.objects) run.objects.settle(pending);
  else Promise.resolve(pending).then(() => actionSettled(run, true, undefined), (err) => actionSettled(run, false, err));
}

function actionSettled(run: Run, ok: boolean, err: unknown): void {
  if (!ok) return run.fail(err, 'a rejection');
  const deny = [...run.calls].reverse().find((c) => c.name === 'api.access.deny');
  if (deny) run.decide({ outcome: 'denied', error: { name: 'AccessDenied', message: String(deny.args[0] ?? '') } });
  else run.decide({ outcome: 'completed', error: null });
}

function createActionApi(run: Run) {
  const api: Record<string, unknown> = {};
  const method = (name: string) => (...args: unknown[]) => {
    run.record(`api.${name}`, args);
    return api;
  };
  Object.assign(api, {
    multifactor: { enable: method('multifactor.enable') },
    access: { deny: method('access.deny') },
    idToken: { setCustomClaim: method('idToken.setCustomClaim') },
    accessToken: {
      setCustomClaim: method('accessToken.setCustomClaim'),
      addScope: method('accessToken.addScope'),
      removeScope: method('accessToken.removeScope'),
    },
    user: { setAppMetadata: method('user.setAppMetadata'), setUserMetadata: method('user.setUserMetadata') },
    redirect: {
      sendUserTo: method('redirect.sendUserTo'),
      encodeToken: () => 'mock.redirect.token',
      validateToken: () => ({}),
    },
    cache: { get: () => undefined, set: method('cache.set'), delete: method('cache.delete') },
  });
  return api;
}

function collectChanges(calls: RecordedCall[]): ActionChanges {
  const changes: ActionChanges = { idToken: {}, accessToken: {}, appMetadata: {}, userMetadata: {}, redirect: null };
  const targets: Record<string, Record<string, unknown>> = {
    'api.idToken.setCustomClaim': changes.idToken,
    'api.accessToken.setCustomClaim': changes.accessToken,
    'api.user.setAppMetadata': changes.appMetadata,
    'api.user.setUserMetadata': changes.userMetadata,
  };
  for (const call of calls) {
    const target = targets[call.name];
    // A claim or metadata property set to undefined (recorded without its value) is left out, as Auth0 serialises it
    // and as a Rule's context.idToken[k] = undefined is: recording it as null made a faithful Action diverge.
    if (target && call.args.length < 2) delete target[String(call.args[0])];
    else if (target) target[String(call.args[0])] = call.args[1];
    if (call.name === 'api.redirect.sendUserTo') {
      const options = call.args[1] as { query?: unknown } | null | undefined;
      changes.redirect = options?.query === undefined ? { url: call.args[0] } : { url: call.args[0], query: options.query };
    }
  }
  return changes;
}

function actionMultifactor(run: Run): Multifactor | null {
  const enables = run.calls.filter((c) => c.name === 'api.multifactor.enable');
  if (enables.length === 0) return null;
  if (enables.length > 1) run.warnings.push(`api.multifactor.enable was called ${enables.length} times: the last call decides`);
  const last = enables[enables.length - 1];
  return normaliseActionMultifactor(last.args[0], last.args[1]);
}

let readingMultifactor = false;

/**
 * `context.multifactor` as the rule has left it so far. Its getters are the rule's own: they may
 * throw, or log (which would read it again: the flag stops that recursion).
 */
function readRuleMultifactor(context: unknown): Multifactor | null {
  if (readingMultifactor) return null;
  readingMultifactor = true;
  try {
    return normaliseRuleMultifactor(toPlainJson((context as { multifactor?: unknown } | null)?.multifactor), []);
  } catch {
    return null;
  } finally {
    readingMultifactor = false;
  }
}

/** Gives the script its Auth0 globals (Rules) or secrets (Actions) and starts it. */
function startScript(run: Run, job: ChildJob, context: vm.Context): void {
  if (job.kind === 'rule') {
    const configuration = watchMissingKeys(job.configuration, run, 'configuration');
    if (run.realm && run.objects) {
      run.realm.setGlobal('configuration', configuration);
      run.realm.setGlobal('auth0', run.objects.auth0);
    } else {
      try {
        setRunnerGlobal(run, context, 'configuration', configuration);
        setRunnerGlobal(run, context, 'auth0', createAuth0(run, context, job.mocks?.functions));
      } catch (err) {
        if (err instanceof ExitAttempt) return;
        throw err;
      }
    }
    run.currentSkeys = () => collectSecrets([], [readRuleMultifactor(job.context)]);
    startRule(run, job, context);
  } else {
    (job.event as Record<string, unknown>).secrets = watchMissingKeys(job.configuration, run, 'event.secrets');
    run.currentSkeys = () => collectSecrets([], findAttemptedMultifactors({ multifactor: null, calls: run.calls }));
    startAction(run, job, context);
  }
}

/**
 * The inputs become objects of the fresh context, so a rule that changes their prototypes
 * changes only its own realm, never the child's for the next run.
 */
function adoptInputs(job: ChildJob, parse: (text: string) => unknown): void {
  const adopt = <T>(value: T): T => (value === undefined || value === null ? value : (parse(JSON.stringify(value)) as T));
  job.user = adopt(job.user);
  job.context = adopt(job.context);
  job.event = adopt(job.event);
  job.configuration = adopt(job.configuration);
}

/**
 * Runs one job to its decision; the parent's watchdog takes care of code that never decides.
 * `inputs` is the JSON text of the job's inputs (see jobLine.ts): parsed by the run's context, so
 * they are objects of its realm, as adoptInputs makes them.
 */
export async function executeJob(head: RunJobHead, inputs: string, hooks: RunHooks): Promise<ChildResult> {
  const run = new Run(hooks, head.backstopMs, head.network);
  current = run;
  let restoreClock = () => undefined as void;
  let job: ChildJob;
  try {
    const context = createContext(run, head);
    run.context = context;
    restoreClock = installClock(head.now, context);
    job = { ...head, ...parseRunInputs(inputs, CONTEXT_JSON_PARSE.runInContext(context) as (text: string) => unknown) };
    startScript(run, job, context);
    await run.waitForDecision();
    await run.settle();
  } finally {
    restoreClock();
    run.clearTimers();
    current = null;
  }
  // The child checks the built-ins before it sends this result (see builtinsProblem).
  return buildResult(run, job);
}

const silentHooks: RunHooks = { onCallback: () => undefined, onLog: () => undefined, onConnection: () => undefined };

/** True when the run decided within `ms`. */
async function decidedWithin(run: Run, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  try {
    return await Promise.race([run.waitForDecision().then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs the scripts of a batch for every login, in order, as Auth0 ran a login: the rules of one
 * login share one context (one `global`, so helpers an earlier rule stores there are there for the
 * next) and hand their user and context on; the next login starts from a fresh context. A script
 * that does not decide within the login's remaining time ends as a TimeoutError, so one slow login
 * cannot cost the others their results; code that loops without end is the parent's to stop (it
 * hears of every finished login). Returns, per login, the result of each script that ran.
 *
 * Creating a context costs more than running a Duo rule, so the logins of a batch reuse one
 * (see realm.ts) for as long as each login provably leaves it as it was created; otherwise the next
 * login gets a new one.
 */
export async function executeBatch(
  job: BatchJob,
  onLogin: (index: number, steps: ChildResult[]) => void = () => undefined,
  onConnection: RunHooks['onConnection'] = () => undefined,
): Promise<ChildResult[][]> {
  const results: ChildResult[][] = [];
  const hooks = { ...silentHooks, onConnection };
  const realms = new RealmReuse(job);
  for (const [index, login] of job.logins.entries()) {
    const steps = await runLogin(job, login, hooks, realms);
    results.push(steps);
    onLogin(index, steps);
  }
  return results;
}

async function runLogin(job: BatchJob, login: BatchLogin, hooks: RunHooks, realms: RealmReuse): Promise<ChildResult[]> {
  const realm = realms.take(login);
  if (realm) {
    let steps: ChildResult[] = [];
    try {
      steps = await runLoginScripts(job, login, hooks, () => undefined, realm);
    } finally {
      // A login that ran out of time may still be running: its realm is never reused.
      realms.give(realm, !steps.some((s) => s.error?.name === 'TimeoutError') && realm.endLogin());
    }
    return steps;
  }
  let restoreClock = () => undefined as void;
  try {
    return await runLoginScripts(job, login, hooks, (context) => {
      restoreClock = installClock(login.now ?? job.now, context);
    });
  } finally {
    restoreClock();
  }
}

/** After this many logins in a row that leave their realm changed, a batch stops trying to reuse one. */
const MAX_UNCLEAN_LOGINS = 3;

/**
 * The realm a batch's next login may reuse. Off for a single login, a given clock (each login's
 * `Date` starts at that instant), mocks (their stubs load into the login's context) and code that uses `import()` (its error object belongs to the
 * child's realm, and it needs no global to get there).
 */
class RealmReuse {
  private spare: ReusableRealm | null = null;
  private unclean = 0;
  private readonly enabled: boolean;

  constructor(private readonly job: BatchJob) {
    this.enabled = job.logins.length > 1 && job.now === undefined && !job.mocks && !job.scripts.some((s) => /\bimport\b/.test(s.source));
  }

  /** A login with its own clock gets a fresh realm: a reused one keeps the realm's own `Date`. */
  take(login: BatchLogin): ReusableRealm | null {
    if (!this.enabled || login.now !== undefined || this.unclean >= MAX_UNCLEAN_LOGINS) return null;
    const realm = this.spare ?? new ReusableRealm(this.job.scripts[0]?.filename ?? 'batch');
    this.spare = null;
    return realm;
  }

  give(realm: ReusableRealm, clean: boolean): void {
    if (clean) {
      this.spare = realm;
      this.unclean = 0;
    } else {
      this.unclean++;
    }
  }
}

/** How a reused realm reaches one script's run: what the code does is recorded on `run`, as with the child's own objects. */
function bridgeFor(run: Run, job: ChildJob): LoginBridge {
  const callback = ruleCallback(run, job);
  let timers: ReturnType<typeof createTimers> | null = null;
  let fakeProcess: ReturnType<typeof createFakeProcess> | null = null;
  let sandboxRequire: ReturnType<typeof createSandboxRequire> | null = null;
  return {
    log: (args) => run.log(args),
    record: (name, args) => run.record(`api.${name}`, args),
    callback: (args) => callback(args[0], args[1], args[2]),
    update: (name, args) => recordUpdate(run, name, args),
    settled: (ok, value) => actionSettled(run, ok, value),
    hostGlobal: (name) => {
      if (name === 'process') return (fakeProcess ??= createFakeProcess(run, {}));
      timers ??= createTimers(run);
      return (timers as Record<string, unknown>)[name];
    },
    require: (id) => (sandboxRequire ??= createSandboxRequire(job.workspaceRoot))(id),
  };
}

/** The scripts of one login; `onContext` is told of the login's context when it is created. */
async function runLoginScripts(job: BatchJob, login: BatchLogin, hooks: RunHooks, onContext: (context: vm.Context) => void, realm: ReusableRealm | null = null): Promise<ChildResult[]> {
  const steps: ChildResult[] = [];
  const started = performance.now();
  let context: vm.Context | null = null;
  let inputs = { user: login.user, context: login.context, event: login.event, configuration: job.configuration };
  for (const script of job.scripts) {
    const remaining = Math.max(1, job.loginTimeoutMs - (performance.now() - started));
    const step: ChildJob = {
      type: 'run', id: job.id, kind: job.kind, filename: script.filename, source: script.source,
      ...inputs, workspaceRoot: job.workspaceRoot, network: job.network, backstopMs: 0,
      ...(job.mocks ? { mocks: job.mocks } : {}),
    };
    const run = new Run(hooks, 0, job.network);
    current = run;
    try {
      if (realm) {
        run.realm = realm;
        run.objects = realm.beginScript(bridgeFor(run, step), context === null);
        if (context === null) {
          context = realm.context;
          adoptInputs(step, (text) => realm.parse(text));
        }
        // Called directly: the vm timeout that needs a call from inside the context is not used in a batch.
        run.context = null;
        startScript(run, step, context);
      } else {
        let fresh = false;
        if (context === null) {
          context = createContext(run, step);
          onContext(context);
          adoptInputs(step, CONTEXT_JSON_PARSE.runInContext(context) as (text: string) => unknown);
          fresh = true;
        }
        run.context = context;
        // The next rule of a login gets the runner's globals anew; false when an earlier rule made one unchangeable (the run has failed).
        if (fresh || bindRun(context, run)) startScript(run, step, context);
      }
      if (!(await decidedWithin(run, remaining))) {
        const message = job.kind === 'action'
          ? `onExecutePostLogin did not finish within ${job.loginTimeoutMs} ms`
          : run.callbackCalls > 0 ? `callback was called, but the code did not finish within ${job.loginTimeoutMs} ms` : `callback was never called within ${job.loginTimeoutMs} ms`;
        run.decide({ outcome: 'error', error: { name: 'TimeoutError', message } });
      }
      await run.settle();
    } finally {
      run.clearTimers();
      current = null;
    }
    // Before the next script of the login runs: its report must not go through what this one changed.
    // (A login of one script is checked before it is reported, like a single run.)
    if (job.scripts.length > 1) checkIsolation(run);
    const result = buildResult(run, step);
    steps.push(result);
    if (result.outcome !== 'completed') break;
    // The next rule gets the objects this one handed to its callback, as Auth0 passed them on.
    inputs = {
      user: run.decision?.user ?? step.user,
      context: run.decision?.context ?? step.context,
      event: step.event,
      configuration: step.configuration,
    };
  }
  return steps;
}

function buildResult(run: Run, job: ChildJob): ChildResult {
  const warnings = run.warnings;
  if (run.callbackCalls > 1) {
    warnings.push(`callback was called ${run.callbackCalls} times: the first call decided the outcome (${run.decision?.outcome})`);
  }
  if (run.droppedLogs > 0) warnings.push(`${run.droppedLogs} more log lines were dropped after the first ${MAX_LOG_LINES}`);
  let decision = run.decision ?? { outcome: 'error' as const, error: null };
  if (run.exitAttempt) decision = { ...decision, outcome: 'error', error: { name: run.exitAttempt.errorName, message: run.exitAttempt.message } };
  if (run.breach) decision = { ...decision, outcome: 'error', error: { name: 'IsolationError', message: run.breach } };
  const result: ChildResult = {
    outcome: decision.outcome,
    error: decision.error,
    multifactor: null,
    calls: run.calls,
    logs: run.logs,
    warnings,
  };
  if (job.kind === 'rule') {
    result.user = toPlainJson(decision.user ?? job.user);
    result.context = toPlainJson(decision.context ?? job.context);
    const contextObject = result.context as Record<string, unknown> | null;
    if (decision.outcome === 'completed') result.multifactor = normaliseRuleMultifactor(contextObject?.multifactor, warnings);
  } else {
    result.changes = collectChanges(run.calls);
    const mfa = actionMultifactor(run);
    if (decision.outcome === 'completed') result.multifactor = mfa;
  }
  return result;
}
