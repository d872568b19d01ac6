// Where a Duo rejection points in the source: the property Duo's answer implicates (the skey
// line for a bad signature, the ikey line for an unknown ikey). Pure: the source text and the
// plain verify result (the JSON `duo-rules run --verify` prints) in, offset ranges out.
import { defaultSeverities } from './codes';
import { LineIndex, type Finding, type SeverityMap } from './diagnostics';
import { buildModel, findProperty, type MfaConfig, type OffsetRange, type RuleModel } from './model';

/** One checked step of a verify result, as far as locating a failure needs it. */
export interface VerifyStep {
  ok: boolean;
  /** Why the step failed; 'duo' when Duo itself answered with an error. */
  reason?: string;
  /** Duo's error code when Duo answered `stat: FAIL`. */
  code?: number;
  message: string;
}

/** The parts of a verify result that can point at a line. */
export interface VerifyOutcome {
  /** The kind of Duo application that accepted the keys, null if none did. */
  application: string | null;
  check: VerifyStep;
  universal: VerifyStep;
  preauth?: VerifyStep;
  admin?: VerifyStep;
}

export interface VerifyFailure {
  range: OffsetRange;
  message: string;
}

/**
 * Duo's own rejections of the keys: the only failures that are a defect of the code or its
 * configuration. Unreachable hosts, timeouts, proxies, TLS, rate limits, a wrong clock or keys
 * that are not set say nothing about the code, so the editor reports them in the result view
 * and the status bar instead of on a line.
 */
const rejectionKeys: Record<number, 'ikey' | 'skey'> = {
  40102: 'ikey', // unknown ikey
  40301: 'ikey', // keys of another kind of Duo application
  40103: 'skey', // the signature made with the skey does not match the ikey
  40002: 'skey', // invalid_client: the client assertion signed with the skey was refused
};

/** Which key of the Duo configuration a step that Duo rejected blames; undefined for any other failure. */
function blamedKey(step: VerifyStep): 'ikey' | 'skey' | undefined {
  return !step.ok && step.reason === 'duo' && step.code !== undefined ? rejectionKeys[step.code] : undefined;
}

/** The configuration Duo verified: the first one that configures Duo, else the first one. */
function verifiedConfig(model: RuleModel): MfaConfig | undefined {
  return model.configs.find((c) => c.providerName === 'duo') ?? model.configs[0];
}

function fallbackRange(model: RuleModel): OffsetRange {
  const target = model.ruleFunction?.headerRange ?? model.actionExports[0]?.targetRange;
  return target ?? { start: 0, end: Math.min(model.text.length, model.text.search(/\r?\n|$/)) };
}

function locate(model: RuleModel, config: MfaConfig | undefined, key: string | undefined, admin = false): OffsetRange {
  if (!config) return fallbackRange(model);
  const object = admin ? config.admin : config.duoOptions;
  const property = key ? findProperty(object, key) : undefined;
  if (property) return property.range;
  if (admin) return findProperty(config.options, 'admin')?.range ?? config.anchorRange;
  return config.anchorRange;
}

/**
 * One failure per problem that would break the login: the key check when no application
 * accepted the keys, a failed enrolment lookup, and failed Admin API keys.
 */
export function findVerifyFailures(text: string, verify: VerifyOutcome): VerifyFailure[] {
  const model = buildModel(text);
  const config = verifiedConfig(model);
  const failures: VerifyFailure[] = [];
  if (verify.application === null) {
    const rejected = [verify.check, verify.universal].filter((s) => blamedKey(s));
    // Both checks must have been refused by Duo: one unreachable endpoint proves nothing about the keys.
    if (rejected.length === 2) {
      const [step, other] = rejected;
      const message = ['Duo did not accept this configuration: ' + step.message, ...(other.message !== step.message ? [other.message] : [])].join(' ');
      failures.push({ range: locate(model, config, blamedKey(step)), message });
    }
  } else if (verify.application === 'admin-api') {
    failures.push({ range: locate(model, config, 'ikey'), message: 'Duo accepted these keys only as Admin API keys: they belong under admin, and this configuration needs Web SDK (or Auth API) keys.' });
  }
  if (verify.preauth && blamedKey(verify.preauth)) {
    failures.push({ range: locate(model, config, 'username'), message: `Duo enrolment check failed: ${verify.preauth.message}` });
  }
  if (verify.admin && blamedKey(verify.admin)) {
    failures.push({ range: locate(model, config, blamedKey(verify.admin), true), message: `Duo Admin API check failed: ${verify.admin.message}` });
  }
  return failures;
}

/**
 * The failures as `duo-verify-failed` findings at the severity the settings give that code
 * (none when it is off), for the same `toDiagnostic` as every other finding.
 */
export function findVerifyFailureFindings(text: string, verify: VerifyOutcome, severities: SeverityMap = {}): Finding[] {
  const severity = severities['duo-verify-failed'] ?? defaultSeverities['duo-verify-failed'];
  if (severity === 'off') return [];
  const lines = new LineIndex(text);
  return findVerifyFailures(text, verify).map((failure) => ({
    code: 'duo-verify-failed',
    severity,
    message: failure.message,
    range: lines.rangeOf(failure.range),
    offsets: failure.range,
  }));
}
