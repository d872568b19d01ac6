// `doctor --verify`: checks the Duo keys the login path would use (the tenant's Duo settings,
// and any keys an Action passes in providerOptions, its event.secrets resolved as a deploy-cli
// import would) with the existing Duo verification, and turns failures into `duo-keys-invalid` findings.
import { looksLikeDuoSkey, isSecretKeyName } from '../../../shared/redact';
import { readActionSecrets, type DeployValues } from '../workspace/deployValues';
import { isVerified, verifyMultifactor, type VerifyOptions } from '../duo/verify';
import type { VerifyResult } from '../../../shared/verifyResult';
import type { DoctorVerified, VerifyEntry } from '../../../shared/doctorReport';
import { actionKeySources, CLI_WORDING, type DoctorFinding, type DoctorWording } from './doctor';
import type { DuoSettings, TenantFacts } from './facts';

const APPLICATION: Record<string, string> = {
  'auth-api': 'an Auth API application',
  'web-sdk': 'a Web SDK (Universal Prompt) application',
  'admin-api': 'an Admin API application',
};

/** One sentence on why verification failed, in the existing verifier's words. */
function describeVerifyFailure(result: VerifyResult): string {
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
  /** Values by name (DUO_IKEY, …) from --configuration or the editor's stored secrets: they win. */
  configuration: Record<string, string>;
  /** The environment: used when nothing else sets a name. */
  environment: Record<string, string>;
  /** Repository source: deploy-cli's keyword mappings for the `##KEY##` tokens in the Actions' secrets. */
  mappings?: Record<string, unknown>;
  /** How a repository file is named in messages. */
  show?: (file: string) => string;
  /** Told of every secret value read on the way, so no output shows it. */
  hide?: (secret: string) => void;
}

/**
 * The value of `event.secrets.<name>` for verification: --configuration first, then what the
 * Action's deploy-cli secrets hold after keyword replacement (as Auth0 would after an import), then
 * the environment. Says why when none has it.
 */
function secretValue(name: string, local: LocalKeys, repository: DeployValues | undefined): { value?: string; why?: string; tokens?: string[] } {
  const value = local.configuration[name] ?? repository?.values[name] ?? local.environment[name];
  if (value) return { value };
  const unmapped = repository?.unmapped.find((u) => u.key === name);
  if (unmapped) return { why: `event.secrets.${name} (${unmapped.tokens.join(', ')} in ${unmapped.file}, with no mapping)`, tokens: unmapped.tokens };
  return { why: `event.secrets.${name}` };
}

export async function verifyDoctorKeys(
  facts: TenantFacts,
  local: LocalKeys,
  settingsFrom: 'tenant' | 'local',
  options: VerifyOptions,
  wording: DoctorWording = CLI_WORDING,
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

  const repositorySecrets = new Map<string, Promise<DeployValues>>();
  for (const source of actionKeySources(facts)) {
    const file = source.secretsFile;
    let repository: DeployValues | undefined;
    if (file) {
      const key = `${file.kind}\0${file.file}\0${file.action}`;
      const first = !repositorySecrets.has(key);
      if (first) repositorySecrets.set(key, readActionSecrets(file, local.mappings, local.show?.(file.file)));
      repository = await repositorySecrets.get(key);
      if (first) for (const warning of repository!.warnings) notes.push(`The Action "${source.action}": ${warning}.`);
      for (const [name, value] of Object.entries(repository!.values)) if (isSecretKeyName(name) || looksLikeDuoSkey(value)) local.hide?.(value);
    }
    const resolved: Record<string, string | undefined> = {};
    const unresolved: string[] = [];
    const unmappedTokens = new Set<string>();
    for (const key of ['ikey', 'skey', 'host'] as const) {
      const ref = source[key];
      const found: { value?: string; why?: string; tokens?: string[] } = ref?.literal !== undefined ? { value: ref.literal }
        : ref?.secret ? secretValue(ref.secret, local, repository)
        : ref?.tokens ? { why: `providerOptions.${key} (${ref.tokens.join(', ')} in ${source.codeFile ? local.show?.(source.codeFile) ?? source.codeFile : 'the code'}, with no mapping)`, tokens: ref.tokens }
        : { why: key };
      if (found.value) resolved[key] = found.value;
      else unresolved.push(found.why ?? key);
      for (const t of found.value ? [] : found.tokens ?? []) unmappedTokens.add(t);
    }
    if (resolved.skey) local.hide?.(resolved.skey);
    const subject = `action:${source.action}`;
    if (unresolved.length) {
      // A token in the code itself has its value only through a mapping: --configuration sets event.secrets.
      const onlyCodeTokens = (['ikey', 'skey', 'host'] as const).every((k) => resolved[k] || source[k]?.tokens);
      const fix = facts.source === 'tenant'
        ? `Auth0 never returns Action secret values: ${wording.giveSecrets} to verify`
        : onlyCodeTokens
          ? `map the keyword tokens (${wording.keywordMappings([...unmappedTokens])}) as deploy-cli does, to verify`
          : `${wording.giveSecrets}, or map the keyword tokens of the Action's code and secrets (${wording.keywordMappings([...unmappedTokens])}) as deploy-cli does, to verify`;
      const message = `Not verified: ${unresolved.join(', ')} ${unresolved.length === 1 ? 'has' : 'have'} no value here; ${fix}.`;
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
