// A small pool of child processes that run user code. Each job gets a watchdog: when it
// runs past its time the child is killed and a fresh one is started in its place, so an
// endless loop or a memory bomb never takes the CLI or the language server down with it.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { BatchJob, ChildJob, ChildMessage, ChildResult } from './types';

/** A job as callers hand it over: the pool numbers it and sets the backstop. */
export type JobRequest = Omit<ChildJob, 'id' | 'backstopMs'> | (Omit<BatchJob, 'id' | 'backstopMs'> & { backstopMs?: number });

const MAX_CHILDREN = 2;
const START_TIMEOUT_MS = 15_000;
const STDERR_TAIL = 4096;
const MEMORY_CHECK_MS = 100;
/** The child stops a call into user code on its own this long after the parent's watchdog should have. */
const BACKSTOP_GRACE_MS = 2000;
/** Node itself, the code and the young generation live outside the old-space limit. */
const RSS_ALLOWANCE_MB = 160;

export interface ChildSpec {
  memoryLimitMb: number;
  /** Directories the child may read (its own code, the workspace's node_modules). */
  readRoots: string[];
}

export type JobOutcome =
  | { type: 'result'; result: ChildResult; durationMs: number }
  /** A batch: the logins that finished, in order; fewer than asked when one did not finish in time (`stalled`) or the child died. */
  | { type: 'batch'; results: ChildResult[][]; stalled: boolean; crashed: string | null; durationMs: number }
  | { type: 'timeout'; callbackCalled: boolean; logs: string[]; durationMs: number }
  /**
   * The child died on its own: `outOfMemory` when it hit the heap limit, `exitCode` when it
   * ended itself (process.exit is caught in the child, so only a way around it gets here).
   */
  | { type: 'crashed'; outOfMemory: boolean; exitCode: number | null; message: string; logs: string[]; durationMs: number };

/**
 * The child's code: dist/runnerChild.js next to a bundle (CLI, language server), or the
 * transpiled child.js next to this file when tests import out/server/src/runner/.
 */
export function findChildScript(): string {
  const candidates = [join(__dirname, 'runnerChild.js'), join(__dirname, 'child.js')];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`the runner's child script is missing (looked for ${candidates.join(', ')}); run the build first`);
  return found;
}

/**
 * The folders the child must read its own code from: the bundle's folder, or for the transpiled
 * tree the runner's folder and the shared modules (shared/) it imports.
 */
function findChildCodeRoots(script: string): string[] {
  const dir = dirname(script);
  return basename(script) === 'child.js' ? [dir, join(dir, '..', '..', '..', 'shared')] : [dir];
}

/** The permission flag this Node understands (renamed from --experimental-permission in Node 22.13/23.5). */
function permissionFlag(): string | null {
  const flags = process.allowedNodeEnvironmentFlags;
  if (flags.has('--permission')) return '--permission';
  if (flags.has('--experimental-permission')) return '--experimental-permission';
  return null;
}

let permissionWorks = permissionFlag() !== null;

function buildExecArgv(spec: ChildSpec, withPermission: boolean): string[] {
  const args = [`--max-old-space-size=${spec.memoryLimitMb}`];
  const flag = permissionFlag();
  if (withPermission && flag) {
    args.push(flag, '--disable-warning=ExperimentalWarning');
    // Both spellings of a symlinked folder (macOS /tmp → /private/tmp): the check may see either.
    const roots = new Set(spec.readRoots.flatMap((root) => [root, realpathOrSelf(root)]));
    for (const root of roots) args.push(`--allow-fs-read=${root === '/' ? '*' : join(root, '*')}`);
  }
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

class PooledChild {
  busy = false;
  dead = false;
  stderrTail = '';
  private onMessage: ((message: ChildMessage) => void) | null = null;
  private onExit: ((code: number | null, signal: NodeJS.Signals | null) => void) | null = null;
  readonly process: ChildProcess;
  readonly ready: Promise<void>;

  constructor(readonly key: string, script: string, execArgv: string[], readonly rssLimitMb: number) {
    this.process = fork(script, [], { execArgv, env: buildChildEnv(), stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json' });
    this.process.stderr?.setEncoding('utf8');
    this.process.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL);
    });
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the runner process did not start in time')), START_TIMEOUT_MS);
      this.process.once('message', (message: ChildMessage) => {
        clearTimeout(timer);
        if (message?.type === 'ready') resolve();
        else reject(new Error('the runner process sent an unexpected first message'));
      });
      this.process.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the runner process exited while starting (${signal ?? `code ${code}`}): ${this.stderrTail.trim()}`));
      });
    });
    this.ready.catch(() => undefined);
    this.process.on('message', (message: ChildMessage) => this.onMessage?.(message));
    this.process.on('exit', (code, signal) => {
      this.dead = true;
      this.onExit?.(code, signal);
    });
    this.process.on('error', () => undefined); // 'exit' follows and reports it
  }

  /** Idle children must not keep the CLI or a test process alive. */
  setHeld(held: boolean): void {
    const method = held ? 'ref' : 'unref';
    this.process[method]();
    (this.process.channel as { ref?(): void; unref?(): void } | undefined)?.[method]?.();
    (this.process.stderr as { ref?(): void; unref?(): void } | null)?.[method]?.();
  }

  run(job: JobRequest & { id: number }, timeoutMs: number): Promise<JobOutcome> {
    if (job.type === 'batch') return this.runBatch(job, timeoutMs);
    return new Promise((resolve) => {
      const started = performance.now();
      const logs: string[] = [];
      let callbackCalled = false;
      let timedOut = false;
      let outOfMemory = false;
      const elapsed = () => Math.round((performance.now() - started) * 100) / 100;
      const finish = (outcome: JobOutcome) => {
        clearTimeout(watchdog);
        clearInterval(memoryWatch);
        this.onMessage = null;
        this.onExit = null;
        resolve(outcome);
      };
      const watchdog = setTimeout(() => {
        timedOut = true;
        this.process.kill('SIGKILL');
      }, timeoutMs);
      const memoryWatch = setInterval(() => {
        const rss = residentMb(this.process.pid);
        if (rss !== null && rss > this.rssLimitMb) {
          outOfMemory = true;
          this.process.kill('SIGKILL');
        }
      }, MEMORY_CHECK_MS);
      this.onMessage = (message) => {
        if (!('id' in message) || message.id !== job.id) return;
        if (message.type === 'callback') callbackCalled = true;
        else if (message.type === 'log') logs.push(message.line);
        else if (message.type === 'result') finish({ type: 'result', result: message.result, durationMs: elapsed() });
      };
      this.onExit = (code, signal) => {
        if (timedOut) return finish({ type: 'timeout', callbackCalled, logs, durationMs: elapsed() });
        outOfMemory ||= /heap out of memory|Reached heap limit/i.test(this.stderrTail);
        finish({ type: 'crashed', outOfMemory, exitCode: signal === null ? code : null, message: describeCrash(code, signal, this.stderrTail), logs, durationMs: elapsed() });
      };
      // A batch bounds each call into user code by its own per-login time; a single run by the watchdog's.
      this.process.send({ ...job, backstopMs: 'backstopMs' in job && job.backstopMs !== undefined ? job.backstopMs : Math.ceil(timeoutMs) + BACKSTOP_GRACE_MS });
    });
  }

  /**
   * A batch, watched login by login: each login has `timeoutMs` from the end of the previous one;
   * one that takes longer (code that loops without end) gets the child killed, and the logins that
   * finished are kept.
   */
  private runBatch(job: Omit<BatchJob, 'backstopMs'> & { backstopMs?: number }, timeoutMs: number): Promise<JobOutcome> {
    return new Promise((resolve) => {
      const started = performance.now();
      const results: ChildResult[][] = [];
      let stalled = false;
      let outOfMemory = false;
      const finish = (crashed: string | null) => {
        clearTimeout(watchdog);
        clearInterval(memoryWatch);
        this.onMessage = null;
        this.onExit = null;
        resolve({ type: 'batch', results, stalled, crashed, durationMs: Math.round((performance.now() - started) * 100) / 100 });
      };
      const arm = () => setTimeout(() => {
        stalled = true;
        this.process.kill('SIGKILL');
      }, timeoutMs);
      let watchdog = arm();
      const memoryWatch = setInterval(() => {
        const rss = residentMb(this.process.pid);
        if (rss !== null && rss > this.rssLimitMb) {
          outOfMemory = true;
          this.process.kill('SIGKILL');
        }
      }, MEMORY_CHECK_MS);
      this.onMessage = (message) => {
        if (!('id' in message) || message.id !== job.id) return;
        if (message.type === 'batch-login') {
          results[message.index] = message.steps;
          clearTimeout(watchdog);
          watchdog = arm();
        } else if (message.type === 'batch-done') {
          finish(null);
        }
      };
      this.onExit = (code, signal) => {
        if (stalled) return finish(null);
        outOfMemory ||= /heap out of memory|Reached heap limit/i.test(this.stderrTail);
        finish(outOfMemory ? `the code hit the memory limit and was stopped` : describeCrash(code, signal, this.stderrTail));
      };
      this.process.send({ ...job, backstopMs: 0 });
    });
  }

  kill(): void {
    if (!this.dead) this.process.kill('SIGKILL');
  }
}

function describeCrash(code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
  return `the runner process stopped unexpectedly (${signal ?? `exit code ${code}`})${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`;
}

export class RunnerPool {
  private children: PooledChild[] = [];
  private waiting: (() => void)[] = [];
  private nextId = 1;
  private disposed = false;

  async execute(job: JobRequest, spec: ChildSpec, timeoutMs: number): Promise<JobOutcome> {
    this.disposed = false;
    const child = await this.acquire(spec);
    try {
      const outcome = await child.run({ ...job, id: this.nextId++ }, timeoutMs);
      if (child.dead) {
        this.remove(child);
        // A replacement starts right away so the next run does not pay for the fork.
        if (!this.disposed) this.spawn(spec).catch(() => undefined);
      }
      return outcome;
    } finally {
      if (!child.dead) this.release(child);
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const child of this.children) child.kill();
    this.children = [];
  }

  private async acquire(spec: ChildSpec): Promise<PooledChild> {
    const key = JSON.stringify(spec);
    for (;;) {
      const idle = this.children.find((c) => !c.busy && !c.dead && c.key === key);
      if (idle) {
        idle.busy = true;
        idle.setHeld(true);
        try {
          await idle.ready;
          return idle;
        } catch {
          this.remove(idle);
          continue;
        }
      }
      if (this.children.length >= MAX_CHILDREN) {
        // Make room by retiring an idle child started for other settings (another workspace).
        const other = this.children.find((c) => !c.busy);
        if (other) {
          other.kill();
          this.remove(other);
        } else {
          await new Promise<void>((resolve) => this.waiting.push(resolve));
          continue;
        }
      }
      const fresh = await this.spawn(spec, true);
      return fresh;
    }
  }

  private async spawn(spec: ChildSpec, busy = false): Promise<PooledChild> {
    const key = JSON.stringify(spec);
    const script = findChildScript();
    const start = (withPermission: boolean) => {
      const roots = { ...spec, readRoots: [...findChildCodeRoots(script), ...spec.readRoots] };
      const child = new PooledChild(key, script, buildExecArgv(roots, withPermission), spec.memoryLimitMb * 2 + RSS_ALLOWANCE_MB);
      child.busy = busy;
      child.setHeld(busy);
      this.children.push(child);
      return child;
    };
    const child = start(permissionWorks);
    try {
      await child.ready;
      return child;
    } catch (err) {
      this.remove(child);
      if (!permissionWorks) throw err;
      // Some Node builds (Electron's) refuse the permission flags: run without them rather than not at all.
      permissionWorks = false;
      const plain = start(false);
      try {
        await plain.ready;
      } catch (again) {
        this.remove(plain);
        throw again;
      }
      return plain;
    }
  }

  private release(child: PooledChild): void {
    if (this.disposed) {
      child.kill();
      this.remove(child);
      return;
    }
    child.busy = false;
    child.setHeld(false);
    this.waiting.shift()?.();
  }

  private remove(child: PooledChild): void {
    this.children = this.children.filter((c) => c !== child);
    this.waiting.shift()?.();
  }
}
