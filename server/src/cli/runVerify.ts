// The `--verify [--duo-url <url>] [--duo-timeout <ms>]` part of `duo-rules run`: after the run,
// ask Duo (or the emulator) whether it accepts the configuration the rule produced.
import { createDefaultUser, type LoadedRunInputs, type RunOutcome } from '../runner/index';
import { proxyFromEnvironment } from '../duo/transport';
import { verifyMultifactor } from '../duo/verify';
import type { Step, VerifyResult } from '../duo/types';
import type { CliIO } from './io';
import { UsageError } from './io';

export { isVerified } from '../duo/verify';

export const VERIFY_FLAGS = {
  verify: { type: 'boolean' },
  'duo-url': { type: 'string' },
  'duo-timeout': { type: 'string' },
} as const;

export const VERIFY_USAGE = `Duo verification:
  --verify                check the resulting Duo keys, host and user enrolment with Duo;
                          exit 1 unless they verify (HTTPS_PROXY / NO_PROXY are honoured)
  --duo-url <url>         send the requests there instead (e.g. the emulator); they are still
                          signed for the configured host; plain http only to this computer
  --duo-timeout <ms>      bound for each Duo request, retries included (default 10000)
`;

export interface VerifyArgs {
  verify: boolean;
  duoUrl?: string;
  duoTimeoutMs?: number;
}

export function parseVerifyArgs(values: { verify?: boolean; 'duo-url'?: string; 'duo-timeout'?: string }): VerifyArgs {
  const verify = values.verify ?? false;
  if (!verify && (values['duo-url'] !== undefined || values['duo-timeout'] !== undefined)) {
    throw new UsageError('--duo-url and --duo-timeout only apply with --verify');
  }
  let duoTimeoutMs: number | undefined;
  if (values['duo-timeout'] !== undefined) {
    duoTimeoutMs = Number(values['duo-timeout']);
    if (!/^\d+$/.test(values['duo-timeout']) || duoTimeoutMs < 1) throw new UsageError(`--duo-timeout must be a positive number of milliseconds, not '${values['duo-timeout']}'`);
  }
  if (values['duo-url'] !== undefined && !/^https?:\/\//i.test(values['duo-url'])) {
    throw new UsageError(`--duo-url must be an http(s) URL such as http://127.0.0.1:8443, not '${values['duo-url']}'`);
  }
  return { verify, duoUrl: values['duo-url'], duoTimeoutMs };
}

/**
 * The user_id Auth0 would derive the Duo username from, chosen as the editor chooses it: the
 * user after the run (Rules), else the --user file, else the user inside --event (Actions:
 * --user wins over it), else the default user.
 */
function findUserId(outcome: RunOutcome, inputs: LoadedRunInputs): string | undefined {
  const candidates = [outcome.result.user, inputs.user, (inputs.event as { user?: unknown } | undefined)?.user, createDefaultUser()];
  for (const user of candidates) {
    const id = (user as { user_id?: unknown } | undefined)?.user_id;
    if (typeof id === 'string') return id;
  }
  return undefined;
}

export async function verifyRunOutcome(outcome: RunOutcome, args: VerifyArgs, io: CliIO, inputs: LoadedRunInputs): Promise<VerifyResult> {
  return verifyMultifactor(outcome.secretMultifactor, { userId: findUserId(outcome, inputs) }, {
    baseUrl: args.duoUrl,
    timeoutMs: args.duoTimeoutMs,
    ...proxyFromEnvironment(io.env),
  });
}

const APPLICATION_NAMES: Record<string, string> = {
  'auth-api': 'Auth API application',
  'web-sdk': 'Web SDK (Universal Prompt) application',
  'admin-api': 'Admin API application (wrong place: see below)',
};

/** Where the requests went, for the report's heading. */
export function verifyTarget(report: { multifactor: { host?: unknown } | null }, args: VerifyArgs): string {
  const host = typeof report.multifactor?.host === 'string' ? report.multifactor.host : undefined;
  if (args.duoUrl) return host ? `${args.duoUrl}, signed for ${host}` : args.duoUrl;
  return host ? `https://${host}` : 'Duo';
}

function stepLine(label: string, step: Step): string {
  const mark = step.ok ? 'ok  ' : 'FAIL';
  const reason = step.reason ? ` [${step.reason}${step.code ? ` ${step.code}` : ''}]` : '';
  return `  ${mark} ${label}${reason}: ${step.message}`;
}

export function formatVerifyText(verify: VerifyResult, verified: boolean, target: string): string {
  const lines = [`Duo verification (${target}):`];
  // "Not accepted" only when Duo (or the emulator) answered; a refused connection or a run without keys was never judged.
  const refused = [verify.check.reason, verify.universal.reason].some((r) => r === 'duo' || r === 'clock-skew');
  lines.push(`  keys: ${verify.application ? APPLICATION_NAMES[verify.application] : refused ? 'not accepted by Duo' : 'not verified (see below)'}`);
  lines.push(stepLine('Auth API check', verify.check));
  lines.push(stepLine('Web SDK health check', verify.universal));
  if (verify.preauth) {
    const p = verify.preauth;
    lines.push(stepLine(`enrolment of ${p.username}`, p) + (p.result ? ` -> ${p.result}` : ''));
    if (p.enrollPortalUrl) lines.push(`       enrolment portal: ${p.enrollPortalUrl}`);
  }
  if (verify.admin) lines.push(stepLine('Admin API keys', verify.admin));
  for (const warning of verify.warnings) lines.push(`  warning: ${warning}`);
  lines.push(verified ? 'Duo configuration verified.' : 'Duo configuration NOT verified.');
  return lines.join('\n') + '\n';
}
