// Shared helpers of the runner tests: a temporary workspace and a one-line way to run code.
import { join } from 'node:path';
import { runFile, type RunOptions, type RunOutcome } from '../../server/src/runner/index';
import { onlyPath, runCli, type CliResult } from '../helpers/cli';
import { createWorkspace as createTempWorkspace, type TempWorkspace } from '../helpers/workspace';

export type { TempWorkspace };
export type CliRun = CliResult;

/** A folder with a package.json, so the runner treats it as the workspace root. */
export function createWorkspace(): TempWorkspace {
  return createTempWorkspace({ prefix: 'duo-rules-runner-', packageName: 'runner-test-workspace' });
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

/** `duo-rules run <args>` as a real process in `cwd`, with only PATH and `env` in its environment. */
export function runCliProcess(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  // A CLI that hangs after its run fails the test instead of hanging the suite.
  return runCli(['run', ...args], { cwd, env: onlyPath(env), timeoutMs: 15_000 });
}
