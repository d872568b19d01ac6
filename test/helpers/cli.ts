// The `duo-rules` command line as a real process (`node dist/cli.js …`, the bundle `npm test` builds).
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const repoRoot = join(__dirname, '..', '..', '..');
export const cliPath = join(repoRoot, 'dist', 'cli.js');

export interface CliResult {
  /** The exit code; null when a signal (the timeout) ended it. */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  /** The whole environment of the process (default: the tests' own); see `onlyPath`. */
  env?: NodeJS.ProcessEnv;
  /** Text written to its stdin (default: none, stdin closed). */
  input?: string;
  /** It is killed after this many milliseconds, so a hanging CLI fails its test instead of the suite (default 60 s). */
  timeoutMs?: number;
  /** The Node binary that runs the CLI (default: the one running the tests). */
  nodePath?: string;
}

/** An environment of PATH and `extra` only: what the CLI reads then comes from the test alone. */
export function onlyPath(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', ...extra };
}

/** Runs `duo-rules <args>` to its end without blocking the test process (which may serve the CLI, an emulator say). */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.nodePath ?? process.execPath, [cliPath, ...args], { cwd: options.cwd, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    const guard = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (err) => { clearTimeout(guard); reject(err); });
    child.on('close', (code) => { clearTimeout(guard); resolve({ code, stdout, stderr }); });
    child.stdin.end(options.input ?? '');
  });
}

/** Runs `duo-rules <args>` to its end, blocking: only for a CLI that needs nothing from the test process. */
export function runCliSync(args: string[], options: CliOptions = {}): CliResult {
  const result = spawnSync(options.nodePath ?? process.execPath, [cliPath, ...args], {
    cwd: options.cwd, env: options.env ?? process.env, input: options.input ?? '', encoding: 'utf8', timeout: options.timeoutMs ?? 60_000,
    // Reports on a hundred thousand nested brackets are large.
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error && result.status === null && !result.signal) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface StartedCli {
  child: ChildProcessWithoutNullStreams;
  /** Its first line on stdout. */
  line: string;
  /** All it wrote to stdout so far. */
  output(): string;
}

/** Starts a long-running `duo-rules <args>` (the emulator) and waits for its first line on stdout. */
export async function startCli(args: string[], options: Pick<CliOptions, 'cwd' | 'env'> = {}): Promise<StartedCli> {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd: options.cwd, env: options.env ?? process.env });
  let output = '';
  child.stdout.on('data', (d: Buffer) => { output += d.toString('utf8'); });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  return { child, line, output: () => output };
}

/** Stops a process `startCli` started (SIGTERM to its own pid) and waits for it to exit. */
export async function stopCli(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const pid = child.pid;
  if (!pid || pid <= 1) throw new Error(`refusing to signal pid ${pid}`);
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}
