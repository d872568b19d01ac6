// What a run or verification means for the login, in one line: the verdict the result view and
// the status bar lead with. Pure (no VS Code API), so it is unit-tested directly. The JSON is the
// documented `duo-rules run --format json [--verify]` output, already redacted.

export interface Step {
  ok: boolean;
  reason?: string;
  code?: number;
  message: string;
  latencyMs?: number;
}

export interface PreauthStep extends Step {
  result?: string | null;
  username?: string;
  statusMessage?: string;
  enrollPortalUrl?: string;
}

export interface VerifyJson {
  application: string | null;
  check: Step;
  universal: Step;
  preauth?: PreauthStep;
  admin?: Step;
  warnings: string[];
}

export interface RunJson {
  kind: 'rule' | 'action';
  outcome: 'completed' | 'denied' | 'error' | 'timeout';
  error: { name: string; message: string } | null;
  multifactor: Record<string, unknown> | null;
  user?: unknown;
  context?: unknown;
  changes?: unknown;
  /** Every call of the emulated `auth0` (Rules) / `api` (Actions) objects, in order. */
  calls?: Array<{ name: string; args: unknown[] }>;
  logs?: unknown[];
  warnings?: string[];
  /** Every network attempt of the code (allowed or blocked). */
  connections?: Array<{ host: string; port: number | null; protocol: string }>;
  durationMs?: number;
  /** Where the code's clock started, and whether `duoRules.mock.now` chose it. */
  clock?: { start: string; given: boolean };
  /** Where the Duo keys come from (null without Duo); see the README's JSON result. */
  keySource?: 'tenant' | 'secrets' | 'configuration' | 'code' | 'mixed' | 'unset' | null;
  /** The mocks file in effect (`duoRules.mock.mocksFile`): how each mocked function answers, and each stubbed module's stub. */
  mocks?: { file: string; functions: Record<string, 'reject' | 'resolve'>; modules: Record<string, string> } | null;
  verify?: VerifyJson;
}

export type VerdictKind = 'denied' | 'duo' | 'duo-unset' | 'other-mfa' | 'no-mfa' | 'error' | 'timeout';

export interface Verdict {
  kind: VerdictKind;
  /** One line, no trailing period: `Requires Duo (keys from secrets)`. */
  text: string;
  /** Whether the login would go through as the code intends (denials are intended too). */
  ok: boolean;
  /** Duo keys the login needs but the run left unset. */
  unsetKeys: string[];
}

const duoKeys = ['ikey', 'skey', 'host'] as const;

/** `a`, `a and b`, `a, b and c`. */
export function listWords(words: string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** A message placed inside a sentence: no trailing period, so sentences never end in "..". */
export function clause(message: string): string {
  return message.trim().replace(/[.\s]+$/, '');
}

/** How the verdict names where set keys come from. */
const keySourceWords: Record<string, string> = {
  secrets: 'keys from secrets',
  configuration: 'keys from configuration',
  code: 'keys written in the code',
  mixed: 'keys from the code and from secrets or configuration',
};

export function verdictOf(result: RunJson): Verdict {
  const base = { unsetKeys: [] as string[] };
  if (result.outcome === 'denied') return { ...base, kind: 'denied', ok: true, text: `Denied: "${clause(result.error?.message ?? '')}"` };
  if (result.outcome === 'timeout') return { ...base, kind: 'timeout', ok: false, text: `Timed out: ${clause(result.error?.message ?? 'the code did not finish in time')}` };
  if (result.outcome === 'error') return { ...base, kind: 'error', ok: false, text: `Error: ${clause(result.error?.message ?? 'the code failed')}` };
  const mfa = result.multifactor;
  if (!mfa) return { ...base, kind: 'no-mfa', ok: true, text: 'No MFA' };
  if (mfa.provider !== 'duo') return { ...base, kind: 'other-mfa', ok: true, text: `Requires MFA with ${String(mfa.provider)}` };
  // The runner records where the keys come from: an Action that passes no providerOptions uses the Duo
  // keys stored in the tenant (Auth0's documented form), so nothing in the code is unset.
  const source = result.keySource ?? (result.kind === 'action' ? 'secrets' : 'configuration');
  if (source === 'tenant') return { ...base, kind: 'duo', ok: true, text: 'Requires Duo (tenant keys)' };
  const unset = duoKeys.filter((k) => typeof mfa[k] !== 'string' || mfa[k] === '');
  if (unset.length) {
    return { kind: 'duo-unset', ok: false, unsetKeys: unset, text: `Requires Duo, but ${listWords(unset)} ${unset.length === 1 ? 'is' : 'are'} not set: this login would fail` };
  }
  return { ...base, kind: 'duo', ok: true, text: `Requires Duo (${keySourceWords[source] ?? keySourceWords.configuration})` };
}

const applicationNames: Record<string, string> = { 'auth-api': 'Auth API', 'web-sdk': 'Web SDK (Universal Prompt)', 'admin-api': 'Admin API' };

/** Failures that say nothing about the keys: Duo was never asked, or could not answer. */
const unreachableReasons = new Set(['network', 'timeout', 'bad-response', 'redirect']);
const rateLimited = (s: Step) => s.reason === 'duo' && s.code === 42901;

export type DuoAnswerKind = 'accepted' | 'rejected' | 'unreachable' | 'clock' | 'nothing-to-verify' | 'invalid-host';

export interface DuoAnswer {
  kind: DuoAnswerKind;
  /** One line: `Could not reach Duo: Could not resolve api-….duosecurity.com (DNS lookup failed)`. */
  text: string;
  ok: boolean;
}

/** What Duo said about the keys, told apart from Duo not being reachable at all. */
export function duoAnswerOf(verify: VerifyJson): DuoAnswer {
  const steps = [verify.check, verify.universal];
  if (verify.application === 'admin-api') {
    return { kind: 'rejected', ok: false, text: 'Duo accepted these keys only as Admin API keys: they belong under admin' };
  }
  if (verify.application) {
    const further = [verify.preauth, verify.admin].find((s) => s && !s.ok);
    if (further && (unreachableReasons.has(further.reason ?? '') || rateLimited(further))) {
      return { kind: 'unreachable', ok: false, text: `Could not reach Duo: ${clause(further.message)}` };
    }
    return { kind: 'accepted', ok: !further, text: `Duo accepted the keys as ${applicationNames[verify.application] ?? verify.application} keys` };
  }
  const unreachable = steps.find((s) => unreachableReasons.has(s.reason ?? '') || rateLimited(s));
  if (unreachable) return { kind: 'unreachable', ok: false, text: `Could not reach Duo: ${clause(unreachable.message)}` };
  const skew = steps.find((s) => s.reason === 'clock-skew');
  if (skew) return { kind: 'clock', ok: false, text: `Duo refused the request because of this computer's clock: ${clause(skew.message)}` };
  const missing = steps.find((s) => s.reason === 'missing-credentials');
  if (missing) return { kind: 'nothing-to-verify', ok: false, text: `Nothing to verify with Duo: ${clause(missing.message)}` };
  const host = steps.find((s) => s.reason === 'invalid-host');
  if (host) return { kind: 'invalid-host', ok: false, text: `Duo was not asked: ${clause(host.message)}` };
  const rejected = steps.find((s) => !s.ok) ?? verify.check;
  return { kind: 'rejected', ok: false, text: `Duo rejected the keys: ${clause(rejected.message)}` };
}

export function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/** One line for the log and for a notification: the verdict, then what Duo said. */
export function summarizeResult(name: string, result: RunJson): string {
  const verdict = verdictOf(result);
  const duration = result.durationMs === undefined ? '' : ` (${formatMs(result.durationMs)})`;
  const duo = result.verify ? ` ${duoAnswerOf(result.verify).text}.` : '';
  return `${name}: ${verdict.text}${duration}.${duo}`;
}
