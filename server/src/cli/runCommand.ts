// `duo-rules run`: runs a Rule or Action against mock inputs and reports what the login
// would do. Shaped in three steps (parse flags → build the report → print it) so the Duo
// verification flags can add one entry to RUN_FLAGS and one step to buildRunReport.
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { disposeRunnerPool, loadRunInputs, parseNow, runFile, RunInputError, type LoadedRunInputs, type RunOutcome } from '../runner/index';
import type { RunResult } from '../../../shared/runResult';
import type { CliIO } from './io';
import { describeFlagError, UsageError } from './io';
import { formatVerifyText, isVerified, parseVerifyArgs, verifyTarget, verifyRunOutcome, VERIFY_FLAGS, VERIFY_USAGE, type VerifyArgs } from './runVerify';
import type { VerifyResult } from '../../../shared/verifyResult';

const RUN_FLAGS = {
  user: { type: 'string' },
  'user-replace': { type: 'boolean' },
  context: { type: 'string' },
  event: { type: 'string' },
  configuration: { type: 'string' },
  mappings: { type: 'string' },
  mocks: { type: 'string' },
  now: { type: 'string' },
  timeout: { type: 'string' },
  env: { type: 'string', multiple: true },
  network: { type: 'string' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...VERIFY_FLAGS,
} as const;

const USAGE = `Usage: duo-rules run <file|rules-directory> [options]

Runs an Auth0 Rule or post-login Action against a mock user in an isolated process and
reports the outcome and the MFA the login would require (secrets shown as [redacted]).

Options (each takes a file path; a repeated flag: the last one wins):
  --user <json>           deep-merged over the default user (for Actions: event.user,
                          merged after a user inside --event)
  --user-replace          start from an empty user instead of the default one
  --context <json>        deep-merged over the default Rules context
  --event <json>          deep-merged over the default Actions event
                          Merging: objects merge key by key, null removes a key, arrays
                          and other values replace. E.g. a --user file
                          {"email": "sam@example.org", "app_metadata": null} is the
                          default user with that email and without app_metadata.
  --configuration <json>  flat object used as configuration / event.secrets; keys it lacks
                          come from the auth0-deploy-cli repository around the file
                          (rules-configs/, tenant.yaml, actions/<name>.json secrets), then
                          from environment variables of the same name
  --mappings <json>       deploy-cli keyword mappings, or a config.json with
                          AUTH0_KEYWORD_REPLACE_MAPPINGS
  --mocks <json>          answers of mocked functions and module stubs, e.g.
                          { "auth0.users.updateAppMetadata": { "reject": "API down" },
                            "auth0.users.updateUserMetadata": { "resolve": {} },
                            "modules": { "request": "./stubs/request.js" } }
                          (stub paths relative to the mocks file, inside the workspace)
  --now <ISO-8601>        the code's clock (Date, Date.now(), new Date()) starts at this
                          instant and advances from there, e.g. --now 2026-11-30T09:00:00Z
  --timeout <ms>          default 5000
  --env <NAME>            let configuration.NAME / event.secrets.NAME fall back to the
                          environment variable NAME (repeatable); without it only DUO_*
                          variables and keys the project declares do
  --network on|off        off blocks every network attempt of the code (default on);
                          the result lists every attempt either way
  --format text|json      default text

${VERIFY_USAGE}
Outcomes: completed; denied (a Rule hands any error to callback, e.g. callback(new Error(m)),
or an Action calls api.access.deny); error (an exception the code did not hand to callback
or that escaped onExecutePostLogin, or a runner failure); timeout.
Exit codes: 0 completed or denied (with --verify: and the Duo configuration verified),
1 error or timeout (or not verified), 2 usage or I/O error.
`;

export interface RunCommandArgs extends VerifyArgs {
  file: string;
  user?: string;
  userReplace?: boolean;
  context?: string;
  event?: string;
  configuration?: string;
  mappings?: string;
  mocks?: string;
  now?: string;
  timeoutMs?: number;
  envNames?: string[];
  network?: 'on' | 'off';
  format: 'text' | 'json';
  help: boolean;
}

/** The printed object: the runner's result, plus whatever later steps (Duo verification) add. */
export type RunReport = RunResult & Record<string, unknown>;

function parseRunArgs(argv: string[]): RunCommandArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: RUN_FLAGS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(describeFlagError(err, 'run'));
  }
  const { values, positionals } = parsed;
  if (values.help) return { file: '', format: 'text', help: true, verify: false };
  if (positionals.length !== 1) {
    throw new UsageError(`${positionals.length === 0 ? 'missing the rule file or rules directory' : `expected one file or rules directory, got ${positionals.length}`} (see duo-rules run --help)`);
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${format}'`);
  if (values.now !== undefined) {
    try {
      parseNow(values.now);
    } catch (err) {
      throw new UsageError(`--${(err as Error).message}`);
    }
  }
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    timeoutMs = Number(values.timeout);
    if (!/^\d+$/.test(values.timeout) || timeoutMs < 1) throw new UsageError(`--timeout must be a positive number of milliseconds, not '${values.timeout}'`);
  }
  const network = values.network;
  if (network !== undefined && network !== 'on' && network !== 'off') throw new UsageError(`--network must be on or off, not '${network}'`);
  for (const name of values.env ?? []) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`--env takes a variable name (letters, digits, _), not '${name}'`);
  }
  return {
    file: positionals[0],
    envNames: values.env,
    network,
    user: values.user,
    userReplace: values['user-replace'] === true,
    context: values.context,
    event: values.event,
    configuration: values.configuration,
    mappings: values.mappings,
    mocks: values.mocks,
    now: values.now,
    timeoutMs,
    format,
    help: false,
    ...parseVerifyArgs(values),
  };
}

/** Reads the input files and runs the code; throws RunInputError for unreadable inputs. */
async function executeRun(args: RunCommandArgs, io: CliIO): Promise<{ outcome: RunOutcome; inputs: LoadedRunInputs }> {
  const inputs = await loadRunInputs(args, io.cwd);
  const outcome = await runFile({
    file: resolve(io.cwd, args.file),
    ...inputs,
    userReplace: args.userReplace,
    now: args.now,
    timeoutMs: args.timeoutMs,
    env: io.env,
    envNames: args.envNames,
    network: args.network,
  });
  return { outcome, inputs };
}

async function buildRunReport(args: RunCommandArgs, io: CliIO): Promise<{ report: RunReport; outcome: RunOutcome }> {
  const { outcome, inputs } = await executeRun(args, io);
  const report: RunReport = { ...outcome.result };
  if (args.verify) report.verify = await verifyRunOutcome(outcome, args, io, inputs, readSourceForAdvice(resolve(io.cwd, args.file)));
  return { report, outcome };
}

function exitCodeFor(report: RunReport): number {
  const ran = report.outcome === 'completed' || report.outcome === 'denied';
  if (report.verify === undefined) return ran ? 0 : 1;
  return ran && isVerified(report.verify as VerifyResult) ? 0 : 1;
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A short human report; `--format json` has everything. */
function formatRunText(report: RunReport, file: string): string {
  const lines: string[] = [];
  const what = report.kind === 'action' ? 'Action' : report.rules ? 'Rules' : 'Rule';
  lines.push(`${what} ${file}: ${report.outcome} in ${report.durationMs} ms`);
  if (report.clock?.given) lines.push(`  clock: started at ${report.clock.start}`);
  if (report.mocks) {
    const parts = [
      ...Object.entries(report.mocks.functions).map(([name, how]) => `${name} ${how === 'reject' ? 'rejects' : 'resolves'}`),
      ...Object.entries(report.mocks.modules).map(([name, path]) => `${name} from ${path}`),
    ];
    lines.push(`  mocks: ${report.mocks.file}${parts.length ? ` (${parts.join(', ')})` : ''}`);
  }
  if (report.rules) {
    lines.push(`  ran: ${report.rules.map((r) => `${r.name} (${r.outcome})`).join(', ')}`);
    if (report.rule) lines.push(`  decided by: ${report.rule}`);
  }
  if (report.error) {
    const label = report.outcome === 'denied' ? 'Denied' : report.outcome === 'timeout' ? 'Timeout' : 'Error';
    lines.push(`${label}: ${report.outcome === 'denied' ? report.error.message : `${report.error.name}: ${report.error.message}`}`);
  }
  const mfa = report.multifactor;
  if (mfa) {
    lines.push(`Requires MFA: ${mfa.provider}`);
    for (const key of ['host', 'ikey', 'skey', 'username', 'allowRememberBrowser'] as const) {
      if (mfa[key] !== undefined) lines.push(`  ${key}: ${show(mfa[key])}`);
    }
    if (mfa.admin) lines.push(`  admin: ikey ${show(mfa.admin.ikey)}, skey ${show(mfa.admin.skey)}`);
    // Keys the code passes but left unset: Auth0 cannot start Duo, which the bare key list would not say.
    const unset = report.outcome === 'completed' && mfa.provider === 'duo' && report.keySource !== 'tenant'
      ? (['ikey', 'skey', 'host'] as const).filter((k) => typeof mfa[k] !== 'string' || mfa[k] === '')
      : [];
    if (unset.length) lines.push(`  but ${listKeys(unset)} ${unset.length === 1 ? 'is' : 'are'} not set: Auth0 cannot start Duo, so this login would fail`);
  } else if (report.outcome === 'completed') {
    lines.push('Requires MFA: no');
  }
  if (report.calls.length > 0) {
    lines.push('Calls:');
    for (const call of report.calls) lines.push(`  ${call.name}(${call.args.map((a) => JSON.stringify(a)).join(', ')})`);
  }
  if (report.connections?.length > 0) {
    lines.push('Network:');
    for (const c of report.connections) lines.push(`  ${c.protocol} ${c.port === null ? c.host : `${c.host}:${c.port}`}`);
  }
  if (report.logs.length > 0) {
    lines.push('Logs:');
    for (const line of report.logs) lines.push(`  ${line}`);
  }
  if (report.warnings.length > 0) {
    lines.push('Warnings:');
    for (const line of report.warnings) lines.push(`  ${line}`);
  }
  return lines.join('\n') + '\n';
}

/** `a`, `a and b`, `a, b and c`. */
function listKeys(keys: readonly string[]): string {
  return keys.length <= 1 ? keys.join('') : `${keys.slice(0, -1).join(', ')} and ${keys[keys.length - 1]}`;
}

function printRunReport(report: RunReport, args: RunCommandArgs, io: CliIO): void {
  if (args.format === 'json') io.stdout(JSON.stringify(report, null, 2) + '\n');
  else {
    io.stdout(formatRunText(report, relative(io.cwd, resolve(io.cwd, args.file)) || args.file));
    if (report.verify) io.stdout(formatVerifyText(report.verify as VerifyResult, exitCodeFor(report) === 0, verifyTarget(report, args)));
  }
}

/**
 * Ctrl+C or a kill while a rule runs: Node's default would end only this process, and a child
 * busy in an endless loop would burn on until its own backstop (the timeout plus 2 s).
 */
function stopChildrenOnSignal(): () => void {
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => {
    // Exiting runs the runner's exit hook, which kills the children.
    const handler = () => process.exit(128 + os.constants.signals[signal]);
    process.once(signal, handler);
    return () => process.off(signal, handler);
  });
  return () => handlers.forEach((remove) => remove());
}

export async function runCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseRunArgs(argv);
  if (args.help) {
    io.stdout(USAGE);
    return 0;
  }
  const restoreSignals = stopChildrenOnSignal();
  try {
    const { report } = await buildRunReport(args, io);
    printRunReport(report, args, io);
    return exitCodeFor(report);
  } catch (err) {
    if (!(err instanceof RunInputError)) throw err;
    io.stderr(`duo-rules run: ${err.message}\n`);
    return 2;
  } finally {
    restoreSignals();
    // The pooled child must not keep the command alive after its one run.
    disposeRunnerPool();
  }
}

/** The code's text, to name the keys it reads when they are unset; '' for a rules directory or an unreadable file. */
function readSourceForAdvice(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
