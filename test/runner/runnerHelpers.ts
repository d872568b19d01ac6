// Shared helpers of the runner tests: a temporary workspace and a one-line way to run code.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runFile, type RunOptions, type RunOutcome } from '../../server/src/runner/index';

export interface TempWorkspace {
  root: string;
  write(relativePath: string, content: string): string;
  remove(): void;
}

/** A folder with a package.json, so the runner treats it as the workspace root. */
export function createWorkspace(): TempWorkspace {
  const root = mkdtempSync(join(tmpdir(), 'duo-rules-runner-'));
  const write = (relativePath: string, content: string) => {
    const path = join(root, relativePath);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    return path;
  };
  write('package.json', '{ "name": "runner-test-workspace", "private": true }\n');
  return { root, write, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Runs `text` as an unsaved buffer of `<workspace>/rule.js`. */
export function runText(workspace: TempWorkspace, text: string, options: Partial<RunOptions> = {}): Promise<RunOutcome> {
  return runFile({ file: join(workspace.root, 'rule.js'), text, workspaceRoot: workspace.root, timeoutMs: 3000, ...options });
}

export const DUO_CONFIGURATION = {
  DUO_IKEY: 'DIWJ8X6AEYOR5OMC6TQ1',
  DUO_SKEY: 'Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ecIq9hJ6MUe',
  DUO_HOST: 'api-3c9a1b2d.duosecurity.com',
};

export interface CliRun { code: number | null; stdout: string; stderr: string }

/** `duo-rules run <args>` as a real process in `cwd`, with only PATH and `env` in its environment. */
export function runCliProcess(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const cli = join(__dirname, '../../../dist/cli.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'run', ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    // A CLI that hangs after its run fails the test instead of hanging the suite.
    const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(guard); resolve({ code, stdout, stderr }); });
  });
}
