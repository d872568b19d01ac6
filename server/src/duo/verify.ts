// "Will Duo accept what this rule configured?" Runs the Auth API check and the Web SDK health
// check in parallel, tells which kind of Duo application the keys belong to, then checks the
// user's enrolment (Auth API keys) and the Admin API keys, and explains every failure.
import { createClientAssertion, healthCheckAudience, HEALTH_CHECK_PATH } from './clientAssertion';
import { explainDuoFailure, explainHealthCheckFailure } from './messages';
import { formatRfc2822Date, prepareSignedRequest, type PreparedRequest, type SignatureVersion } from './signing';
import { redactValue } from '../../../shared/redact';
import { describeInvalidHost, DuoTransport, type DuoCallResult, type TransportOptions } from './transport';
import type { Multifactor } from '../../../shared/multifactor';
import type { ApplicationKind, PreauthResult, PreauthStep, Step, VerifyResult } from '../../../shared/verifyResult';

export type { Multifactor } from '../../../shared/multifactor';

export interface VerifyOptions extends TransportOptions {
  /** 5 (default, like duo_client_python) or 2. */
  signatureVersion?: SignatureVersion;
  /** Where to give the values of unset keys, in the caller's words (editor commands or CLI flags); no final period. */
  unsetKeysAdvice?: string;
}

/** Clocks further apart than this are reported as the cause of a rejection. */
const CLOCK_SKEW_LIMIT_SECONDS = 60;

let warnedAboutPinning = false;

/** Exit status of `run --verify`: the keys verified as Auth API or Web SDK keys and every further step succeeded. */
export function isVerified(result: VerifyResult): boolean {
  return (result.application === 'auth-api' || result.application === 'web-sdk')
    && (result.preauth?.ok ?? true) && (result.admin?.ok ?? true);
}

/** The name Auth0 enrols a user under in Duo when the configuration sets no `username`. */
export function defaultDuoUsernames(userId: string): string[] {
  const padded = Buffer.from(userId, 'utf8').toString('base64').toLowerCase();
  const unpadded = padded.replace(/=+$/, '');
  return padded === unpadded ? [padded] : [padded, unpadded];
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function failedStep(reason: Step['reason'], message: string): Step {
  return { ok: false, reason, message };
}

function stepFromFailure(result: Exclude<DuoCallResult, { ok: true }>, explain: typeof explainDuoFailure): Step {
  if (result.reason === 'duo') {
    return { ok: false, reason: 'duo', code: result.code, message: explain(result.code, result.duoMessage, result.detail), latencyMs: result.latencyMs };
  }
  return { ok: false, reason: result.reason, message: result.message, latencyMs: result.latencyMs };
}

function describeSkew(seconds: number): string {
  const abs = Math.abs(Math.round(seconds));
  const text = abs >= 120 ? `${Math.floor(abs / 60)} min ${abs % 60} s` : `${abs} s`;
  return `${text} ${seconds > 0 ? 'ahead of' : 'behind'}`;
}

export async function verifyMultifactor(
  mfa: Multifactor | null,
  runContext: { userId?: string },
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const warnings: string[] = [];
  if (options.pinCertificates === false && !warnedAboutPinning) {
    warnedAboutPinning = true;
    warnings.push('Certificate pinning is off: any certificate your system trusts is accepted for Duo hosts. Turn it back on unless a company proxy inspects TLS.');
  }
  if (!mfa || mfa.provider !== 'duo') {
    const message = !mfa
      ? 'The run produced no Duo configuration for this user and context (the rule denied, failed, or did not turn on Duo), so there are no keys to verify.'
      : `The rule turned on the '${String(mfa.provider).slice(0, 40)}' provider, not Duo, so there are no Duo keys to verify.`;
    return { application: null, check: failedStep('missing-credentials', message), universal: failedStep('missing-credentials', message), warnings };
  }
  const missing = (['ikey', 'skey', 'host'] as const).filter((k) => !nonEmptyString(mfa[k]));
  if (missing.length === 3 && mfa.admin === undefined) {
    // Auth0's documented Action, api.multifactor.enable('duo') without providerOptions, takes the keys from the tenant.
    const message = "The run enabled Duo without keys: an Action calling api.multifactor.enable('duo') without providerOptions uses the keys of the tenant's Duo factor settings (Dashboard > Security > Multi-factor Auth > Duo Security, or the Management API's guardian/factors/duo/settings), which are not in the code. To verify them, pass them as providerOptions from event.secrets (or, for a Rule, set DUO_IKEY, DUO_SKEY and DUO_HOST).";
    return { application: null, check: failedStep('missing-credentials', message), universal: failedStep('missing-credentials', message), warnings };
  }
  if (missing.length > 0) {
    const advice = (options.unsetKeysAdvice ?? 'Set the configuration or secret values the code reads for them').trim().replace(/[.\s]+$/, '');
    const names = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}`;
    const message = `The Duo configuration has no ${names} after the run. ${advice}.`;
    return { application: null, check: failedStep('missing-credentials', message), universal: failedStep('missing-credentials', message), warnings };
  }
  const ikey = mfa.ikey as string;
  const skey = mfa.skey as string;
  const host = mfa.host as string;
  const admin = mfa.admin ?? undefined;
  const secrets = [skey, ...(admin && nonEmptyString(admin.skey) ? [admin.skey] : [])];
  // A hostile server may echo secrets back: every string of the result is redacted.
  const seal = (result: VerifyResult, hidden: readonly string[] = secrets): VerifyResult => redactValue(result, hidden);

  const invalidHost = describeInvalidHost(host);
  if (invalidHost) {
    const result: VerifyResult = { application: null, check: failedStep('invalid-host', invalidHost), universal: failedStep('invalid-host', invalidHost), warnings };
    if (admin) result.admin = failedStep('invalid-host', invalidHost);
    return seal(result);
  }

  const transport = new DuoTransport(host, options);
  const version = options.signatureVersion ?? 5;
  const signed = (keys: { ikey: string; skey: string }, method: 'GET' | 'POST', path: string, params?: Record<string, string>) =>
    () => prepareSignedRequest({ ...keys, host, method, path, params, version });
  const healthCheck = (): PreparedRequest => {
    const assertion = createClientAssertion({ clientId: ikey, clientSecret: skey, audience: healthCheckAudience(host) });
    return {
      method: 'POST',
      target: HEALTH_CHECK_PATH,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: ikey, client_assertion: assertion }).toString(),
      secrets: [assertion, assertion.slice(assertion.lastIndexOf('.') + 1)],
    };
  };
  const mainKeys = { ikey, skey };

  let skewPromise: Promise<number | undefined> | undefined;
  /** Seconds this computer's clock is ahead of Duo's, or undefined if Duo's time is unknown. */
  const measureSkew = () => skewPromise ??= (async () => {
    const before = Date.now();
    const ping = await transport.send(() => ({ method: 'GET', target: '/auth/v2/ping', headers: { date: formatRfc2822Date(new Date()) } }), secrets);
    const local = (before + Date.now()) / 2000;
    const time = ping.ok && ping.response && typeof (ping.response as { time?: unknown }).time === 'number' ? (ping.response as { time: number }).time : undefined;
    return time === undefined ? undefined : local - time;
  })();
  const blameClock = async (step: Step): Promise<Step> => {
    const skew = await measureSkew();
    if (skew === undefined || Math.abs(skew) <= CLOCK_SKEW_LIMIT_SECONDS) return step;
    return {
      ...step,
      reason: 'clock-skew',
      message: `This computer's clock is ${describeSkew(skew)} Duo's, and Duo rejects signed requests from a clock that far off. Set the clock right (turn on automatic network time) and verify again. (${step.message})`,
    };
  };

  try {
    const adminKeys = admin && nonEmptyString(admin.ikey) && nonEmptyString(admin.skey) ? { ikey: admin.ikey, skey: admin.skey } : undefined;
    const [checkResult, universalResult, adminResult] = await Promise.all([
      transport.send(signed(mainKeys, 'GET', '/auth/v2/check'), secrets),
      transport.send(healthCheck, secrets),
      adminKeys ? transport.send(signed(adminKeys, 'GET', '/admin/v1/info/summary'), secrets) : Promise.resolve(undefined),
    ]);

    let check: Step = checkResult.ok
      ? { ok: true, message: 'Duo accepted the ikey, skey and host as Auth API keys (signed GET /auth/v2/check).', latencyMs: checkResult.latencyMs }
      : stepFromFailure(checkResult, explainDuoFailure);
    let universal: Step = universalResult.ok
      ? { ok: true, message: 'Duo accepted the ikey and skey as a Web SDK (Universal Prompt) application\'s Client ID and secret (OIDC health check).', latencyMs: universalResult.latencyMs }
      : stepFromFailure(universalResult, explainHealthCheckFailure);

    if (!checkResult.ok && checkResult.reason === 'duo' && (checkResult.status === 401 || checkResult.code === 40105)) check = await blameClock(check);
    if (!universalResult.ok && universalResult.reason === 'duo' && universalResult.status !== 429 && !checkResult.ok) universal = await blameClock(universal);

    let application: ApplicationKind | null = checkResult.ok ? 'auth-api' : universalResult.ok ? 'web-sdk' : null;
    if (!application && check.code === 40301 && universal.reason === 'duo') {
      const probe = await transport.send(signed(mainKeys, 'GET', '/admin/v1/info/summary'), secrets);
      if (probe.ok) {
        application = 'admin-api';
        check = { ...check, message: `These are Admin API keys. Auth0 uses them only under \`admin: { ikey, skey }\`; the main ikey/skey must come from an Auth API or Web SDK application. (${check.message})` };
      }
    }

    const result: VerifyResult = { application, check, universal, warnings };
    if (application === 'auth-api') {
      warnings.push('These are Auth API keys. They work, but Auth0\'s current documentation asks for a Web SDK (Universal Prompt) application\'s Client ID and secret.');
      const candidates = nonEmptyString(mfa.username) ? [mfa.username] : nonEmptyString(runContext.userId) ? defaultDuoUsernames(runContext.userId) : [];
      if (candidates.length === 0) {
        warnings.push('Enrolment was not checked: the configuration sets no username and the run\'s user has no user_id.');
      } else {
        result.preauth = await checkEnrolment(transport, candidates, (username) => signed(mainKeys, 'POST', '/auth/v2/preauth', { username }), secrets, !nonEmptyString(mfa.username));
        if (!result.preauth.ok && result.preauth.reason === 'duo' && result.preauth.code === 40105) result.preauth = { ...result.preauth, ...(await blameClock(result.preauth)) };
      }
    } else if (application === 'web-sdk') {
      warnings.push('Enrolment cannot be checked with Web SDK keys: Duo answers enrolment questions (preauth) only to Auth API applications.');
    }
    if (admin) {
      if (!adminKeys) {
        result.admin = failedStep('missing-credentials', 'The configuration has an `admin` object without both an ikey and an skey.');
      } else if (adminResult?.ok) {
        result.admin = { ok: true, message: 'Duo accepted the admin keys as Admin API keys (signed GET /admin/v1/info/summary).', latencyMs: adminResult.latencyMs };
      } else if (adminResult) {
        result.admin = stepFromFailure(adminResult, explainDuoFailure);
        if (adminResult.reason === 'duo' && adminResult.status === 401) result.admin = await blameClock(result.admin);
        if (result.admin.code === 40301) result.admin.message = `The admin keys are not Admin API keys: ${result.admin.message}`;
      }
    }
    // Keys in the documented order, so the JSON reads top-down.
    const ordered: VerifyResult = {
      application: result.application,
      check: result.check,
      universal: result.universal,
      ...(result.preauth ? { preauth: result.preauth } : {}),
      ...(result.admin ? { admin: result.admin } : {}),
      warnings,
    };
    return seal(ordered, [...secrets, ...transport.secretValues]);
  } finally {
    await transport.close();
  }
}

const PREAUTH_RESULTS = new Set<PreauthResult>(['auth', 'allow', 'deny', 'enroll']);

async function checkEnrolment(
  transport: DuoTransport,
  candidates: string[],
  request: (username: string) => () => PreparedRequest,
  secrets: readonly string[],
  derivedFromUserId: boolean,
): Promise<PreauthStep> {
  let first: PreauthStep | undefined;
  for (const username of candidates) {
    const reply = await transport.send(request(username), secrets);
    if (!reply.ok) return { ...stepFromFailure(reply, explainDuoFailure), result: null, username, statusMessage: '' };
    const response = (reply.response ?? {}) as { result?: unknown; status_msg?: unknown; enroll_portal_url?: unknown };
    if (typeof response.result !== 'string' || !PREAUTH_RESULTS.has(response.result as PreauthResult)) {
      return { ok: false, reason: 'bad-response', message: 'Duo\'s preauth answer has no known result (auth, allow, deny or enroll).', latencyMs: reply.latencyMs, result: null, username, statusMessage: '' };
    }
    const result = response.result as PreauthResult;
    const statusMessage = typeof response.status_msg === 'string' ? response.status_msg : '';
    const step: PreauthStep = { ok: true, result, username, statusMessage, latencyMs: reply.latencyMs, message: describePreauth(result, username, statusMessage, derivedFromUserId) };
    if (typeof response.enroll_portal_url === 'string') step.enrollPortalUrl = response.enroll_portal_url;
    if (result !== 'enroll') return step;
    first ??= step;
  }
  if (first && candidates.length > 1) {
    first.message = `${first.message} Also tried the unpadded form ${candidates.slice(1).join(', ')}: not enrolled either.`;
  }
  return first!;
}

function describePreauth(result: PreauthResult, username: string, statusMessage: string, derived: boolean): string {
  const who = derived ? `${username} (the lower-cased Base64 of the user_id, which Auth0 sends when no username is set)` : username;
  const said = statusMessage ? ` (Duo: ${statusMessage})` : '';
  switch (result) {
    case 'auth': return `${who} is enrolled in Duo and will be asked for a second factor${said}.`;
    case 'allow': return `Duo lets ${who} in without a second factor (bypass)${said}.`;
    case 'deny': return `Duo will deny ${who}${said}.`;
    case 'enroll': return `${who} is not enrolled in Duo; Duo will ask them to enrol at their next login${said}.`;
  }
}
