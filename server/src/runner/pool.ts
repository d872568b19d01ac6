// The child processes that run user code. Every child is single-use: it runs one login (or
// one session: the rules of one pipeline login, or a batch of logins from the same command
// and files) and is then killed, so nothing a rule leaves behind in its process can reach
// another run. A small set of children is started ahead of need to keep runs fast.
//
// Each child gets Node's permission model (no fallback: a child that cannot have it is never
// started), its own process group, a heap limit, a watchdog on time and resident memory, and
// a private line-based channel (job in on stdin, messages out on fd 3) whose every message
// is size-capped and schema-checked here before the parent believes it.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { RunInputError } from './inputs';
import { encodeJobLine } from './jobLine';
import type { BatchJob, ChildJob, ChildMessage, ChildResult, NetworkMode, WireMessage } from './runTypes';
import type { Connection } from '../../../shared/runResult';

/** A job as callers hand it over: the pool numbers it and sets the backstop. */
export type JobRequest = Omit<ChildJob, 'id' | 'backstopMs'> | Omit<BatchJob, 'id' | 'backstopMs'>;

/** A run's messages (logs, result) may total at most this much, and so may any one message. */
export const OUTPUT_LIMIT_MIB = 8;
const OUTPUT_LIMIT_BYTES = OUTPUT_LIMIT_MIB * 1024 * 1024;
/** Children running or starting at once; further runs wait for one to finish. */
const MAX_CHILDREN = 4;
/** Children kept started and idle for each setting, ready for the next run. */
const PRESTARTED = 2;
const START_TIMEOUT_MS = 15_000;
/** A child killed while starting (or that failed to start) is replaced this many times before the run gives up. */
const START_ATTEMPTS = 3;
const STDERR_TAIL = 4096;
/** Tells a child that will wait in the pool to rehearse a run before it reports ready (child.ts reads it). */
const WARM_UP_ARG = '--warm-up';
const MEMORY_CHECK_MS = 100;
/** The child stops a call into user code on its own this long after the parent's watchdog should have. */
const BACKSTOP_GRACE_MS = 2000;
/** Node itself, the code and the young generation live outside the old-space limit. */
const RSS_ALLOWANCE_MB = 160;

export interface ChildSpec {
  memoryLimitMb: number;
  /** Directories the child may read (its own code, the workspace, the module folders require uses). */
  readRoots: string[];
  /** `off` also withholds Node's network permission where the running Node has one. */
  network: NetworkMode;
}

/** Messages the parent collected while a job ran: all there is after a timeout or a kill. */
interface Streamed {
  logs: string[];
  connections: Connection[];
  durationMs: number;
}

export type JobOutcome =
  | ({ type: 'result'; result: ChildResult } & Streamed)
  /**
   * A batch: the logins that finished, in order; fewer than asked when one did not finish in time
   * (`stalled`) or the child died or broke the channel's rules (`crashed` says how).
   */
  | ({ type: 'batch'; results: ChildResult[][]; stalled: boolean; crashed: string | null } & Streamed)
  | ({ type: 'timeout'; callbackCalled: boolean } & Streamed)
  /**
   * The child died on its own: `outOfMemory` when it hit the heap limit, `exitCode` when it
   * ended itself (process.exit is caught in the child, so only a way around it gets here).
   */
  | ({ type: 'crashed'; outOfMemory: boolean; exitCode: number | null; message: string } & Streamed)
  /** The child broke the channel's rules (output over the cap, a malformed or unexpected message) and was killed. */
  | ({ type: 'violation'; reason: 'output-limit' | 'invalid-message'; message: string } & Streamed);

/**
 * The runner cannot isolate code here: it refuses to run anything rather than run it
 * unrestricted. A RunInputError, so the CLI and the editor show its message as they show bad inputs.
 */
export class RunnerUnavailableError extends RunInputError {
  override name = 'RunnerUnavailableError';
}

/**
 * The child's code: dist/runnerChild.js next to a bundle (CLI, language server), or the
 * transpiled child.js next to this file when tests import out/server/src/runner/.
 */
function findChildScript(): string {
  const candidates = [join(__dirname, 'runnerChild.js'), join(__dirname, 'child.js')];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`the runner's child script is missing (looked for ${candidates.join(', ')}); run the build first`);
  return found;
}

/** The permission flag this Node understands (renamed from --experimental-permission in Node 22.13/23.5). */
function permissionFlag(): string | null {
  const flags = process.allowedNodeEnvironmentFlags;
  if (flags.has('--permission')) return '--permission';
  if (flags.has('--experimental-permission')) return '--experimental-permission';
  return null;
}

function describeNode(): string {
  return `${process.release?.name === 'node' ? 'Node' : 'this runtime'} ${process.version}${process.versions.electron ? ` (Electron ${process.versions.electron})` : ''}`;
}

function buildExecArgv(spec: ChildSpec): string[] {
  const flag = permissionFlag();
  if (!flag) {
    throw new RunnerUnavailableError(
      `${describeNode()} offers no permission model (--permission or --experimental-permission), which the runner needs to keep rules from writing files or starting processes; nothing was run. Use Node 20, 22 or 24`,
    );
  }
  const args = [`--max-old-space-size=${spec.memoryLimitMb}`, flag, '--disable-warning=ExperimentalWarning'];
  // Node 25+ denies network under the permission model unless allowed: allowed only when the run's network is on.
  if (spec.network === 'on' && process.allowedNodeEnvironmentFlags.has('--allow-net')) args.push('--allow-net');
  // Both spellings of a symlinked folder (macOS /tmp → /private/tmp): the check may see either.
  const roots = new Set(spec.readRoots.flatMap((root) => [root, realpathOrSelf(root)]));
  for (const root of roots) args.push(`--allow-fs-read=${join(root, '*')}`);
  return args;
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * Resident memory of a process in MB, where the OS tells it cheaply (Linux); null elsewhere.
 * The heap limit does not cover Buffers and typed arrays, so the parent watches the total.
 */
function residentMb(pid: number | undefined): number | null {
  if (pid === undefined || process.platform !== 'linux') return null;
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return (pages * 4096) / (1024 * 1024);
  } catch {
    return null;
  }
}

/** Only what Node needs: the parent's environment (and its secrets) stays out of reach of the rule. */
function buildChildEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // Under VS Code the language server runs on Electron, which acts as Node only with this set.
  for (const key of ['ELECTRON_RUN_AS_NODE', 'TZ', 'LANG', 'SYSTEMROOT', 'PATH']) if (process.env[key]) env[key] = process.env[key];
  return env;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const OUTCOMES = new Set(['completed', 'denied', 'error']);

/** What is wrong with a result the child sent, or null: a forged or broken one must not reach the report. */
function checkResult(r: unknown): string | null {
  if (!isObject(r)) return 'the result is not an object';
  if (!OUTCOMES.has(r.outcome as string)) return 'unknown outcome';
  if (r.error !== null && !(isObject(r.error) && isString(r.error.name) && isString(r.error.message))) return 'malformed error';
  if (r.multifactor !== null && !(isObject(r.multifactor) && isString(r.multifactor.provider))) return 'malformed multifactor';
  if (!Array.isArray(r.calls) || !r.calls.every((c) => isObject(c) && isString(c.name) && Array.isArray(c.args))) return 'malformed calls';
  if (!Array.isArray(r.logs) || !r.logs.every(isString)) return 'malformed logs';
  if (!Array.isArray(r.warnings) || !r.warnings.every(isString)) return 'malformed warnings';
  if (r.changes !== undefined) {
    const c = r.changes;
    if (!isObject(c) || !['idToken', 'accessToken', 'appMetadata', 'userMetadata'].every((k) => isObject(c[k])) || !(c.redirect === null || isObject(c.redirect))) {
      return 'malformed changes';
    }
  }
  return null;
}

function checkSteps(steps: unknown): string | null {
  if (!Array.isArray(steps)) return 'the steps of a login are not a list';
  for (const step of steps) {
    const problem = checkResult(step);
    if (problem) return problem;
  }
  return null;
}

function checkConnection(m: Record<string, unknown>): boolean {
  return isString(m.host) && (m.port === null || (typeof m.port === 'number' && Number.isInteger(m.port))) && isString(m.protocol);
}

/** The message as its type, or a reason why it is not one the child may send. */
function parseMessage(line: string): { message: WireMessage } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { problem: 'not JSON' };
  }
  if (!isObject(value)) return { problem: 'not an object' };
  const m = value;
  const ok =
    (m.type === 'ready' && typeof m.permission === 'boolean') ||
    (m.type === 'callback' && typeof m.id === 'number') ||
    (m.type === 'log' && typeof m.id === 'number' && isString(m.line)) ||
    (m.type === 'connection' && typeof m.id === 'number' && checkConnection(m)) ||
    (m.type === 'result' && typeof m.id === 'number' && checkResult(m.result) === null) ||
    (m.type === 'batch-login' && typeof m.id === 'number' && typeof m.index === 'number' && checkSteps(m.steps) === null) ||
    (m.type === 'batch-done' && typeof m.id === 'number');
  if (ok && m.type !== 'ready' && !isString(m.key)) return { problem: 'no run key' };
  if (ok) return { message: value as WireMessage };
  if (m.type === 'result') return { problem: checkResult(m.result) ?? 'malformed result' };
  if (m.type === 'batch-login') return { problem: checkSteps(m.steps) ?? 'malformed batch login' };
  return { problem: `unexpected message type ${JSON.stringify(String(m.type)).slice(0, 40)}` };
}

/**
 * Splits the child's channel into lines. `onLine` gets each whole line and returns false to refuse
 * it; `onPartial` is told how many bytes of an unfinished line are held and returns false when that
 * is too many. After a refusal (or stop()) nothing more is read, including lines already received
 * in the same or a later chunk.
 */
export class LineReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private stopped = false;

  constructor(private readonly onLine: (line: Buffer) => boolean, private readonly onPartial: (bytes: number) => boolean) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1 && !this.stopped; nl = chunk.indexOf(10, start)) {
      const part = chunk.subarray(start, nl);
      const line = this.pendingBytes === 0 ? part : Buffer.concat([...this.pending, part]);
      this.pending = [];
      this.pendingBytes = 0;
      start = nl + 1;
      if (!this.onLine(line)) this.stop();
    }
    if (this.stopped || start >= chunk.length) return;
    this.pending.push(chunk.subarray(start));
    this.pendingBytes += chunk.length - start;
    if (!this.onPartial(this.pendingBytes)) this.stop();
  }

  stop(): void {
    this.stopped = true;
    this.pending = [];
    this.pendingBytes = 0;
  }
}

/** What a message without the job's run key is: the child's own reporting always adds it. */
const FORGED = 'a message on the runner\'s channel did not come from the runner (it lacks the run\'s key): the code wrote it itself';

interface ActiveJob {
  id: number;
  /** The run key sent with the job: every message about it must carry it. */
  key: string;
  bytes: number;
  onMessage(message: ChildMessage): void;
  onViolation(reason: 'output-limit' | 'invalid-message', message: string): void;
}

class RunnerChild {
  dead = false;
  stderrTail = '';
  /** Set once the child broke the channel's rules outside a job: its next job fails with this. */
  private misbehaved: string | null = null;
  private job: ActiveJob | null = null;
  private onExit: ((code: number | null, signal: NodeJS.Signals | null) => void) | null = null;
  private readonly reader = new LineReader(
    (line) => !this.dead && this.accept(line),
    (bytes) => this.checkPartial(bytes),
  );
  readonly process: ChildProcess;
  readonly ready: Promise<void>;

  /** `warmUp`: the child will wait in the pool, so it rehearses a run first (see the child's warmUp); a run waits for one without. */
  constructor(script: string, execArgv: string[], readonly rssLimitMb: number, warmUp: boolean, onSpawn?: (pid: number) => void) {
    // detached: the child leads its own process group, so a terminal's Ctrl+C or a group signal
    // meant for the CLI is not the rule's to see; the parent kills it when it ends.
    this.process = spawn(process.execPath, [...execArgv, script, ...(warmUp ? [WARM_UP_ARG] : [])], { env: buildChildEnv(), stdio: ['pipe', 'ignore', 'pipe', 'pipe'], detached: true });
    this.process.stdin?.on('error', () => undefined); // a dead child's pipe; 'exit' reports it
    this.process.stderr?.setEncoding('utf8');
    this.process.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL);
    });
    const channel = this.process.stdio[3] as Readable | null;
    channel?.on('data', (chunk: Buffer) => this.reader.push(chunk));
    channel?.on('error', () => undefined);
    let onReady: ((message: ChildMessage) => void) | null = null;
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the runner process did not start in time')), START_TIMEOUT_MS);
      onReady = (message) => {
        clearTimeout(timer);
        onReady = null;
        if (message.type !== 'ready') reject(new Error('the runner process sent an unexpected first message'));
        // Fail closed: a Node that accepted the flag without applying it must not run the code.
        else if (!message.permission) reject(new RunnerUnavailableError(`${describeNode()} started the runner process without the permission model in force; nothing was run`));
        else resolve();
      };
      this.process.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the runner process exited while starting (${signal ?? `code ${code}`})${this.stderrTail.trim() ? `: ${this.stderrTail.trim()}` : ''}`));
      });
    });
    this.ready.catch(() => undefined);
    this.firstMessage = (message) => {
      if (!onReady) return false;
      onReady(message);
      return true;
    };
    // 'close', not 'exit': 'exit' can come before the last lines the child wrote were read, and a
    // child that reports a broken realm and exits at once lost that report (ProcessExitError).
    this.process.on('close', (code, signal) => {
      this.dead = true;
      this.onExit?.(code, signal);
    });
    this.process.on('error', () => undefined); // 'exit' follows and reports it
    if (this.process.pid !== undefined) onSpawn?.(this.process.pid);
  }

  /** Hands the child's first message to the start-up check; false when it was not the first. */
  private firstMessage: (message: ChildMessage) => boolean;

  /** Enforces the size caps on a line still arriving; false when the child was killed for it. */
  private checkPartial(pendingBytes: number): boolean {
    if (this.dead) return false;
    if ((this.job ? this.job.bytes : 0) + pendingBytes > OUTPUT_LIMIT_BYTES) return this.violate('output-limit', `the rule's output exceeded ${OUTPUT_LIMIT_MIB} MiB`);
    return true;
  }

  /** Handles one complete line; false when the child was killed for it. */
  private accept(line: Buffer): boolean {
    if (this.job) {
      this.job.bytes += line.length + 1;
      if (this.job.bytes > OUTPUT_LIMIT_BYTES) return this.violate('output-limit', `the rule's output exceeded ${OUTPUT_LIMIT_MIB} MiB`);
    } else if (line.length > OUTPUT_LIMIT_BYTES) {
      return this.violate('output-limit', `the rule's output exceeded ${OUTPUT_LIMIT_MIB} MiB`);
    }
    const parsed = parseMessage(line.toString('utf8'));
    if ('problem' in parsed) {
      if (parsed.problem === 'no run key') return this.violate('invalid-message', FORGED);
      return this.violate('invalid-message', `the runner process sent an invalid message (${parsed.problem})`);
    }
    const { message } = parsed;
    if (message.type === 'ready') {
      // Sent once, before any job: one later can only be written by the job's code.
      if (!this.firstMessage(message)) return this.violate('invalid-message', 'the runner process sent an unexpected message (ready, again)');
      return true;
    }
    if (!this.job || message.id !== this.job.id) return this.violate('invalid-message', 'the runner process sent a message for no job in progress');
    if (message.key !== this.job.key) return this.violate('invalid-message', FORGED);
    const { key: _key, ...jobMessage } = message;
    this.job.onMessage(jobMessage);
    return true;
  }

  private violate(reason: 'output-limit' | 'invalid-message', message: string): false {
    // Whatever the child wrote after this line is not read: the kill below takes a moment, and a
    // valid-looking result that arrives in the meantime must not end the run as if nothing happened.
    this.reader.stop();
    if (this.job) this.job.onViolation(reason, message);
    else this.misbehaved ??= message;
    this.kill();
    return false;
  }

  /** Idle children must not keep the CLI or a test process alive. */
  setHeld(held: boolean): void {
    const method = held ? 'ref' : 'unref';
    this.process[method]();
    for (const stream of [this.process.stdin, this.process.stderr, this.process.stdio[3]]) {
      (stream as { ref?(): void; unref?(): void } | null)?.[method]?.();
    }
  }

  run(job: JobRequest & { id: number }, timeoutMs: number): Promise<JobOutcome> {
    return new Promise((resolve) => {
      const started = performance.now();
      const logs: string[] = [];
      const connections: Connection[] = [];
      let callbackCalled = false;
      let timedOut = false;
      let outOfMemory = false;
      let violation: { reason: 'output-limit' | 'invalid-message'; message: string } | null = null;
      const batch = job.type === 'batch' ? { results: [] as ChildResult[][] } : null;
      const streamed = () => ({ logs, connections, durationMs: Math.round((performance.now() - started) * 100) / 100 });
      const finish = (outcome: JobOutcome) => {
        clearTimeout(watchdog);
        clearInterval(memoryWatch);
        this.job = null;
        this.onExit = null;
        resolve(outcome);
      };
      // A batch's watchdog is re-armed by every finished login: each login has `timeoutMs`.
      const arm = () => setTimeout(() => {
        timedOut = true;
        this.kill();
      }, timeoutMs);
      let watchdog = arm();
      const memoryWatch = setInterval(() => {
        const rss = residentMb(this.process.pid);
        if (rss !== null && rss > this.rssLimitMb) {
          outOfMemory = true;
          this.kill();
        }
      }, MEMORY_CHECK_MS);
      const key = randomBytes(16).toString('hex');
      this.job = {
        id: job.id,
        key,
        bytes: 0,
        onMessage: (message) => {
          if (violation) return;
          if (message.type === 'callback') callbackCalled = true;
          else if (message.type === 'log') logs.push(message.line);
          else if (message.type === 'connection') connections.push({ host: message.host, port: message.port, protocol: message.protocol });
          else if (message.type === 'result') finish({ type: 'result', result: message.result, ...streamed() });
          else if (message.type === 'batch-login' && batch) {
            batch.results[message.index] = message.steps;
            // The output cap holds per login of a batch, as per run.
            if (this.job) this.job.bytes = 0;
            clearTimeout(watchdog);
            watchdog = arm();
          } else if (message.type === 'batch-done' && batch) {
            finish({ type: 'batch', results: batch.results, stalled: false, crashed: null, ...streamed() });
          }
        },
        onViolation: (reason, message) => {
          violation ??= { reason, message };
        },
      };
      this.onExit = (code, signal) => {
        if (batch) {
          outOfMemory ||= /heap out of memory|Reached heap limit/i.test(this.stderrTail);
          const crashed = violation?.message ?? (timedOut ? null : outOfMemory ? 'the code hit the memory limit and was stopped' : describeCrash(code, signal, this.stderrTail));
          return finish({ type: 'batch', results: batch.results, stalled: timedOut && !violation, crashed, ...streamed() });
        }
        if (violation) return finish({ type: 'violation', ...violation, ...streamed() });
        if (timedOut) return finish({ type: 'timeout', callbackCalled, ...streamed() });
        outOfMemory ||= /heap out of memory|Reached heap limit/i.test(this.stderrTail);
        finish({ type: 'crashed', outOfMemory, exitCode: signal === null ? code : null, message: describeCrash(code, signal, this.stderrTail), ...streamed() });
      };
      if (this.dead || this.misbehaved) {
        const message = this.misbehaved ?? 'the runner process ended before the run';
        return finish({ type: 'violation', reason: 'invalid-message', message, ...streamed() });
      }
      // A batch runs without a vm timeout (the parent watches every login); a single run has one beyond the watchdog's.
      const backstopMs = job.type === 'batch' ? 0 : Math.ceil(timeoutMs) + BACKSTOP_GRACE_MS;
      this.process.stdin?.write(encodeJobLine({ ...job, backstopMs }, key) + '\n');
    });
  }

  kill(): void {
    // Only this child's own pid: never a group, never a pid it did not start.
    if (!this.dead && this.process.pid !== undefined && this.process.pid > 1) this.process.kill('SIGKILL');
  }
}

function describeCrash(code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
  return `the runner process stopped unexpectedly (${signal ?? `exit code ${code}`})${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`;
}

/**
 * One dedicated child for jobs that belong together: the rules of one pipeline login, or a
 * batch of logins from the same command and files. Close it when done; it is never reused.
 */
export class RunnerSession {
  private nextId = 1;
  private closed = false;

  constructor(private readonly child: RunnerChild, private readonly onClose: () => void) {}

  /** Runs one job in this session's child. After a timeout or crash the child is gone: later jobs fail. */
  run(job: JobRequest, timeoutMs: number): Promise<JobOutcome> {
    if (this.closed) throw new Error('the runner session is closed');
    return this.child.run({ ...job, id: this.nextId++ }, timeoutMs);
  }

  /** Whether the child can still take a job (it was not killed by a timeout, a limit or a violation). */
  get alive(): boolean {
    return !this.child.dead;
  }

  /** Ends the session: the child takes no further job and is killed (see the pool's onClose). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}

export interface RunnerPoolOptions {
  /** Called with the pid of every child as it is started (tests kill one while it starts). */
  onSpawn?: (pid: number) => void;
}

export class RunnerPool {
  /** Started and idle children, by the settings they were started with. */
  private prestarted = new Map<string, RunnerChild[]>();
  /** Children handed to a session and not yet closed: disposing the pool kills them too. */
  private inUse = new Set<RunnerChild>();
  private busy = 0;
  private waiting: (() => void)[] = [];
  private disposed = false;

  constructor(private readonly options: RunnerPoolOptions = {}) {}

  /** Runs one job in a fresh child, which is killed afterwards. */
  async execute(job: JobRequest, spec: ChildSpec, timeoutMs: number): Promise<JobOutcome> {
    const session = await this.openSession(spec);
    try {
      return await session.run(job, timeoutMs);
    } finally {
      session.close();
    }
  }

  /** A dedicated single-use child; see RunnerSession. Throws RunnerUnavailableError when no child can be isolated. */
  async openSession(spec: ChildSpec): Promise<RunnerSession> {
    this.disposed = false;
    const execArgv = this.execArgvFor(spec);
    while (this.busy >= MAX_CHILDREN) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.busy++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.busy--;
      this.waiting.shift()?.();
    };
    try {
      const child = await this.takeChild(spec, execArgv);
      child.setHeld(true);
      this.inUse.add(child);
      return new RunnerSession(child, () => {
        // Killed once the caller has its result, not on its way to it: the kill and the dying
        // process's teardown cost the run ~0.1 ms and compete with it for the CPU. The child can do
        // nothing meanwhile that it could not have done before its result: no job is in progress,
        // so anything more it writes is refused (and gets it killed at once), and it is never handed
        // out again. It stays in `inUse` until then, so disposing the pool (the process exiting)
        // kills it too.
        setImmediate(() => {
          child.kill();
          this.inUse.delete(child);
          release();
          // After the caller has its result: starting a process blocks this thread for milliseconds.
          this.refill(spec, execArgv);
        });
      });
    } catch (err) {
      release();
      throw err;
    }
  }

  /** Starts children for `spec` ahead of need and resolves when one is ready (the editor calls this early). */
  async prestart(spec: ChildSpec): Promise<void> {
    this.disposed = false;
    this.refill(spec, this.execArgvFor(spec));
    await Promise.all((this.prestarted.get(JSON.stringify(spec)) ?? []).map((c) => c.ready.catch(() => undefined)));
  }

  dispose(): void {
    this.disposed = true;
    for (const children of this.prestarted.values()) for (const child of children) child.kill();
    this.prestarted.clear();
    for (const child of this.inUse) child.kill();
  }

  /** The flags of each setting, worked out once (a lookup of Node's flags and a realpath per folder took ~0.5 ms a run). */
  private execArgvs = new Map<string, string[]>();

  private execArgvFor(spec: ChildSpec): string[] {
    const key = JSON.stringify(spec);
    const known = this.execArgvs.get(key);
    if (known) return known;
    if (this.execArgvs.size >= 16) this.execArgvs.clear();
    const args = this.buildExecArgvFor(spec);
    this.execArgvs.set(key, args);
    return args;
  }

  private buildExecArgvFor(spec: ChildSpec): string[] {
    const script = findChildScript();
    // The bundle is one file; the transpiled child (tests) also loads shared/ beside server/ in out/.
    const codeRoot = script.endsWith('runnerChild.js') ? dirname(script) : join(dirname(script), '..', '..', '..');
    return buildExecArgv({ ...spec, readRoots: [codeRoot, ...spec.readRoots] });
  }

  private async takeChild(spec: ChildSpec, execArgv: string[]): Promise<RunnerChild> {
    const key = JSON.stringify(spec);
    let lastError: unknown;
    for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      const ready = this.prestarted.get(key)?.shift();
      // A run waiting for a child gains nothing from a rehearsal (it pays the same first-time
      // costs itself), and children started next to it only compete with it on a busy machine:
      // replacements start when the run is over (see openSession), as when a child was at hand.
      const child = ready ?? this.start(spec, execArgv, false);
      try {
        await child.ready;
        if (child.dead) throw new Error('the runner process ended before the run');
        return child;
      } catch (err) {
        child.kill();
        // Never retried without the permission model: the same flags, a new process.
        if (err instanceof RunnerUnavailableError) throw err;
        lastError = err;
      }
    }
    throw new RunnerUnavailableError(`the runner process could not be started (${describeNode()}); nothing was run: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
  }

  private refill(spec: ChildSpec, execArgv: string[]): void {
    if (this.disposed) return;
    const key = JSON.stringify(spec);
    const idle = (this.prestarted.get(key) ?? []).filter((c) => !c.dead);
    // One setting at a time keeps started children: those of another workspace or limit go.
    for (const [other, children] of this.prestarted) {
      if (other !== key) {
        for (const child of children) child.kill();
        this.prestarted.delete(other);
      }
    }
    while (idle.length < PRESTARTED) {
      const child = this.start(spec, execArgv, true);
      child.setHeld(false);
      child.ready.catch(() => {
        const list = this.prestarted.get(key);
        if (list) this.prestarted.set(key, list.filter((c) => c !== child));
      });
      idle.push(child);
    }
    this.prestarted.set(key, idle);
  }

  private start(spec: ChildSpec, execArgv: string[], warmUp: boolean): RunnerChild {
    return new RunnerChild(findChildScript(), execArgv, spec.memoryLimitMb * 2 + RSS_ALLOWANCE_MB, warmUp, this.options.onSpawn);
  }
}
