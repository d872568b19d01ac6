// `doctor --verify`: checks the Duo keys the login path would use (the tenant's Duo settings,
// and any keys an Action passes in providerOptions) with the existing Duo verification, and
// turns failures into `duo-keys-invalid` findings.
import { isVerified, verifyMultifactor, type VerifyOptions } from '../duo/verify';
import type { VerifyResult } from '../duo/types';
import { actionKeySources, type DoctorFinding } from './doctor';
import type { DuoSettings, TenantFacts } from './facts';

export interface VerifyEntry {
  /** `duo-settings` or `action:<name>`. */
  subject: string;
  /** Where the keys came from. */
  keys: 'tenant' | 'local' | 'action';
  host: string | null;
  /** Verified as Auth API or Web SDK keys. */
  ok: boolean;
  /** null when the keys could not be verified at all (see message). */
  result: VerifyResult | null;
  message: string;
}

export interface DoctorVerified {
  duoSettings: VerifyEntry | null;
  actions: VerifyEntry[];
}

const APPLICATION: Record<string, string> = {
  'auth-api': 'an Auth API application',
  'web-sdk': 'a Web SDK (Universal Prompt) application',
  'admin-api': 'an Admin API application',
};

/** One sentence on why verification failed, in the existing verifier's words. */
export function describeVerifyFailure(result: VerifyResult): string {
  const transport = [result.check, result.universal].find((s) => s.reason && s.reason !== 'duo' && s.reason !== 'clock-skew');
  if (transport) return transport.message;
  if (result.application === 'admin-api') return result.check.message;
  if (result.application && result.preauth && !result.preauth.ok) return result.preauth.message;
  if (result.check.reason === 'clock-skew') return result.check.message;
  return `Web SDK health check: ${result.universal.message} Auth API check: ${result.check.message}`;
}

function entryFor(subject: string, keys: VerifyEntry['keys'], host: string, result: VerifyResult): VerifyEntry {
  const ok = isVerified(result);
  const message = ok
    ? `Duo accepted the keys for ${host} as ${APPLICATION[result.application!]}.`
    : describeVerifyFailure(result);
  return { subject, keys, host, ok, result, message };
}

export interface LocalKeys {
  /** Values by name (DUO_IKEY, …) from --configuration, then the environment. */
  values: Record<string, string>;
}

export async function verifyDoctorKeys(
  facts: TenantFacts,
  local: LocalKeys,
  settingsFrom: 'tenant' | 'local',
  options: VerifyOptions,
): Promise<{ verified: DoctorVerified; findings: DoctorFinding[]; notes: string[] }> {
  const findings: DoctorFinding[] = [];
  const notes: string[] = [];
  const verified: DoctorVerified = { duoSettings: null, actions: [] };

  const settings: DuoSettings | null | undefined = facts.duoSettings;
  if (settings && settings.ikey && settings.skey && settings.host) {
    const result = await verifyMultifactor({ provider: 'duo', ikey: settings.ikey, skey: settings.skey, host: settings.host }, {}, options);
    verified.duoSettings = entryFor('duo-settings', settingsFrom, settings.host, result);
    if (!verified.duoSettings.ok) {
      const whose = settingsFrom === 'tenant' ? 'The tenant\'s Duo settings' : 'The Duo keys given locally (standing in for the tenant\'s Duo settings)';
      findings.push({ id: 'duo-keys-invalid', severity: 'error', subject: 'duo-settings', message: `${whose} for ${settings.host} fail Duo's verification: ${verified.duoSettings.message}`, location: facts.factorsLocation });
    }
  } else if (facts.duoSettings === undefined) {
    notes.push('The tenant\'s Duo settings were not verified: this source does not contain them.');
  }

  for (const source of actionKeySources(facts)) {
    const resolved: Record<string, string | undefined> = {};
    const unresolved: string[] = [];
    for (const key of ['ikey', 'skey', 'host'] as const) {
      const ref = source[key];
      const value = ref?.literal ?? (ref?.secret ? local.values[ref.secret] : undefined);
      if (value) resolved[key] = value;
      else unresolved.push(ref?.secret ? `event.secrets.${ref.secret}` : key);
    }
    const subject = `action:${source.action}`;
    if (unresolved.length) {
      const message = `Not verified: the values of ${unresolved.join(', ')} are not known here (Auth0 never returns Action secret values); pass --configuration with them to verify.`;
      verified.actions.push({ subject, keys: 'action', host: resolved.host ?? null, ok: false, result: null, message });
      notes.push(`The Action "${source.action}": ${message}`);
      continue;
    }
    const result = await verifyMultifactor({ provider: 'duo', ikey: resolved.ikey, skey: resolved.skey, host: resolved.host }, {}, options);
    const entry = entryFor(subject, 'action', resolved.host!, result);
    verified.actions.push(entry);
    if (!entry.ok) {
      findings.push({ id: 'duo-keys-invalid', severity: 'error', subject, message: `The Duo keys the Action "${source.action}" passes in providerOptions fail Duo's verification: ${entry.message}` });
    }
  }
  return { verified, findings, notes };
}
