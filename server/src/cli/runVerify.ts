// The `--verify [--duo-url <url>] [--duo-timeout <ms>]` part of `duo-rules run`: after the run,
// ask Duo (or the emulator) whether it accepts the configuration the rule produced.
import { createDefaultUser, type LoadedRunInputs, type RunOutcome } from '../runner/index';
import { proxyFromEnvironment } from '../duo/transport';
import { credentialsFromEnvironment } from '../tenant/client';
import { verifyRunKeys } from '../tenant/documentedForm';
import { unsetKeysAdvice, unsetReadKeys } from '../duo/unsetKeys';
import { findConfigurationKeys } from '../runner/inputs';
import type { Step, VerifyResult } from '../../../shared/verifyResult';
import type { CliIO } from './io';
import { UsageError } from './io';

export { isVerified } from '../duo/verify';

export const VERIFY_FLAGS = {
  verify: { type: 'boolean' },
  'duo-url': { type: 'string' },
  'duo-timeout': { type: 'string' },
  'auth0-domain': { type: 'string' },
  'auth0-client-id': { type: 'string' },
  'auth0-url': { type: 'string' },
} as const;

export const VERIFY_USAGE = `Duo verification:
  --verify                check the resulting Duo keys, host and user enrolment with Duo;
                          exit 1 unless they verify (HTTPS_PROXY / NO_PROXY are honoured)
  --duo-url <url>         send the requests there instead (e.g. the emulator); they are still
                          signed for the configured host; plain http only to this computer
  --duo-timeout <ms>      bound for each Duo request, retries included (default 10000)
  An Action that enables Duo without providerOptions (Auth0's documented form) uses the
  tenant's Duo settings: with AUTH0_DOMAIN, AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET set (read
  access, like duo-rules doctor --tenant) those are verified, else DUO_IKEY, DUO_SKEY and
  DUO_HOST from --configuration or the environment.
  --auth0-domain <d>, --auth0-client-id <id>   instead of AUTH0_DOMAIN / AUTH0_CLIENT_ID
  --auth0-url <url>       read the tenant from this loopback address (the emulator)
`;

export interface VerifyArgs {
  verify: boolean;
  duoUrl?: string;
  duoTimeoutMs?: number;
  auth0Domain?: string;
  auth0ClientId?: string;
  auth0Url?: string;
}

export function parseVerifyArgs(values: { verify?: boolean; 'duo-url'?: string; 'duo-timeout'?: string; 'auth0-domain'?: string; 'auth0-client-id'?: string; 'auth0-url'?: string }): VerifyArgs {
  const verify = values.verify ?? false;
  if (!verify && (values['duo-url'] !== undefined || values['duo-timeout'] !== undefined)) {
    throw new UsageError('--duo-url and --duo-timeout only apply with --verify');
  }
  for (const flag of ['auth0-domain', 'auth0-client-id', 'auth0-url'] as const) {
    if (!verify && values[flag] !== undefined) throw new UsageError(`--${flag} only applies with --verify`);
  }
  if (values['auth0-url'] !== undefined && !/^https?:\/\//i.test(values['auth0-url'])) {
    throw new UsageError(`--auth0-url must be an http(s) URL such as http://127.0.0.1:8444, not '${values['auth0-url']}'`);
  }
  let duoTimeoutMs: number | undefined;
  if (values['duo-timeout'] !== undefined) {
    duoTimeoutMs = Number(values['duo-timeout']);
    if (!/^\d+$/.test(values['duo-timeout']) || duoTimeoutMs < 1) throw new UsageError(`--duo-timeout must be a positive number of milliseconds, not '${values['duo-timeout']}'`);
  }
  if (values['duo-url'] !== undefined && !/^https?:\/\//i.test(values['duo-url'])) {
    throw new UsageError(`--duo-url must be an http(s) URL such as http://127.0.0.1:8443, not '${values['duo-url']}'`);
  }
  return { verify, duoUrl: values['duo-url'], duoTimeoutMs, auth0Domain: values['auth0-domain'], auth0ClientId: values['auth0-client-id'], auth0Url: values['auth0-url'] };
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

export async function verifyRunOutcome(outcome: RunOutcome, args: VerifyArgs, io: CliIO, inputs: LoadedRunInputs, source = ''): Promise<VerifyResult> {
  const { credentials } = credentialsFromEnvironment(io.env, { domain: args.auth0Domain, clientId: args.auth0ClientId });
  const pick = (k: 'DUO_IKEY' | 'DUO_SKEY' | 'DUO_HOST') => inputs.configuration?.[k] || io.env[k] || undefined;
  // Names only: which keys the code reads have no value, and which flags give them.
  const unset = unsetReadKeys(findConfigurationKeys(source), { ...inputs.configuration });
  return verifyRunKeys(outcome.secretMultifactor, { userId: findUserId(outcome, inputs) }, {
    unsetKeysAdvice: unsetKeysAdvice('cli', outcome.result.kind, unset),
    baseUrl: args.duoUrl,
    timeoutMs: args.duoTimeoutMs,
    ...proxyFromEnvironment(io.env),
  }, {
    tenant: credentials ? { credentials, http: { baseUrl: args.auth0Url, ...proxyFromEnvironment(io.env) } } : undefined,
    local: { DUO_IKEY: pick('DUO_IKEY'), DUO_SKEY: pick('DUO_SKEY'), DUO_HOST: pick('DUO_HOST') },
    localPlaces: '--configuration or the environment',
    tenantAdvice: 'set AUTH0_DOMAIN, AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET in the environment for read access to the tenant',
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
