// Normalises the MFA a Rule (context.multifactor) or an Action (api.multifactor.enable)
// asked for into one shape, so the verifier and the reports need not know which it was.
import type { Multifactor } from './runTypes';
import type { DuoKeySource, RecordedCall } from '../../../shared/runResult';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function copyPresent(target: Record<string, unknown>, source: Record<string, unknown>, keys: string[]): void {
  for (const key of keys) if (source[key] !== undefined) target[key] = source[key];
}

/** `context.multifactor` after the rule finished; warnings explain shapes Auth0 would not accept. */
export function normaliseRuleMultifactor(value: unknown, warnings: string[]): Multifactor | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value) || typeof value.provider !== 'string') {
    warnings.push('context.multifactor was set but is not an object with a string "provider": Auth0 would not require MFA');
    return null;
  }
  const mfa: Record<string, unknown> = { provider: value.provider };
  copyPresent(mfa, value, ['ikey', 'skey', 'host', 'username', 'allowRememberBrowser']);
  // ignoreCookie is the 2016 name of the inverse of allowRememberBrowser.
  if (mfa.allowRememberBrowser === undefined && typeof value.ignoreCookie === 'boolean') {
    mfa.allowRememberBrowser = !value.ignoreCookie;
  }
  if (isObject(value.admin)) {
    const admin: Record<string, unknown> = {};
    copyPresent(admin, value.admin, ['ikey', 'skey']);
    mfa.admin = admin;
  }
  return mfa as unknown as Multifactor;
}

/** The arguments of the last `api.multifactor.enable(provider, options)` call. */
export function normaliseActionMultifactor(provider: unknown, options: unknown): Multifactor {
  const mfa: Record<string, unknown> = { provider: String(provider) };
  if (isObject(options)) {
    if (isObject(options.providerOptions)) copyPresent(mfa, options.providerOptions, ['ikey', 'skey', 'host', 'username']);
    copyPresent(mfa, options, ['allowRememberBrowser']);
  }
  return mfa as unknown as Multifactor;
}

/**
 * Where the Duo keys of the MFA a run required come from. A key whose value is one of the run's configuration
 * (Rules) or secret (Actions) values comes from there; any other value was written in the code. An Action whose
 * last `api.multifactor.enable` passes no `providerOptions` uses the tenant's Duo settings.
 */
export function findDuoKeySource(kind: 'rule' | 'action', multifactor: Multifactor | null, calls: readonly RecordedCall[], configuration: Record<string, string>): DuoKeySource | null {
  if (!multifactor || multifactor.provider !== 'duo') return null;
  if (kind === 'action') {
    const enable = calls.filter((c) => c.name === 'api.multifactor.enable').pop();
    const options = enable?.args[1];
    if (!isObject(options) || !isObject(options.providerOptions)) return 'tenant';
  }
  const mfa = multifactor as unknown as Record<string, unknown>;
  const values = new Set(Object.values(configuration));
  const origins = new Set(['ikey', 'skey', 'host']
    .filter((key) => typeof mfa[key] === 'string' && mfa[key] !== '')
    .map((key) => (values.has(mfa[key] as string) ? (kind === 'rule' ? 'configuration' : 'secrets') : 'code') as DuoKeySource));
  if (origins.size === 0) return 'unset';
  return origins.size === 1 ? [...origins][0] : 'mixed';
}
