// Where a failed Duo verification points in the source: the property Duo's answer implicates
// (the skey line for a bad signature, the host line for an unreachable host, ...). Pure.
import { buildModel, findProperty, type MfaConfig, type OffsetRange, type RuleModel } from '../analysis/model';
import type { Step, VerifyResult } from '../duo/types';

export interface VerifyFailure {
  range: OffsetRange;
  message: string;
}

/** Which key of the Duo configuration a failed step blames. */
function blamedKey(step: Step): 'ikey' | 'skey' | 'host' | undefined {
  switch (step.reason) {
    case 'invalid-host':
    case 'network':
    case 'timeout':
    case 'redirect':
    case 'bad-response':
      return 'host';
    case 'duo':
      // 40102 unknown ikey, 40301 keys of another application type, 40103 / 40002 bad signature or assertion.
      if (step.code === 40102 || step.code === 40301) return 'ikey';
      if (step.code === 40103 || step.code === 40002) return 'skey';
      return undefined;
    default:
      return undefined;
  }
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
export function findVerifyFailures(text: string, verify: VerifyResult): VerifyFailure[] {
  const model = buildModel(text);
  const config = verifiedConfig(model);
  const failures: VerifyFailure[] = [];
  if (verify.application === null) {
    const step = [verify.check, verify.universal].find((s) => !s.ok && blamedKey(s)) ?? verify.check;
    const others = [verify.check, verify.universal].filter((s) => !s.ok && s.message !== step.message).map((s) => s.message);
    const lead = step.reason === 'missing-credentials' ? 'Nothing to verify with Duo: ' : 'Duo did not accept this configuration: ';
    const message = [lead + step.message, ...others].join(' ');
    failures.push({ range: locate(model, config, blamedKey(step)), message });
  } else if (verify.application === 'admin-api') {
    failures.push({ range: locate(model, config, 'ikey'), message: 'Duo accepted these keys only as Admin API keys: they belong under admin, and this configuration needs Web SDK (or Auth API) keys.' });
  }
  if (verify.preauth && !verify.preauth.ok) {
    failures.push({ range: locate(model, config, 'username'), message: `Duo enrolment check failed: ${verify.preauth.message}` });
  }
  if (verify.admin && !verify.admin.ok) {
    failures.push({ range: locate(model, config, blamedKey(verify.admin), true), message: `Duo Admin API check failed: ${verify.admin.message}` });
  }
  return failures;
}
