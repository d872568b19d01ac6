// Verify for Auth0's documented Action, `api.multifactor.enable('duo', { allowRememberBrowser })`
// without providerOptions: Duo then uses the tenant's Duo factor settings, so those are the keys
// to verify. They come from the tenant (when tenant access is configured), else from keys given
// locally (configuration, environment, the editor's SecretStorage); else we say what is needed.
import type { Multifactor } from '../../../shared/multifactor';
import type { Step, VerifyResult } from '../../../shared/verifyResult';
import { redactText } from '../../../shared/redact';
import { verifyMultifactor, type VerifyOptions } from '../duo/verify';
import { TenantAccessError, TenantClient, type TenantCredentials } from './client';
import type { Auth0HttpOptions } from './http';

export interface DocumentedFormSources {
  /** Tenant access, when configured. */
  tenant?: { credentials: TenantCredentials; http: Auth0HttpOptions };
  /** DUO_IKEY, DUO_SKEY, DUO_HOST given locally, in precedence order already merged. */
  local: { DUO_IKEY?: string; DUO_SKEY?: string; DUO_HOST?: string };
  /** How to name the local places in messages, e.g. "--configuration or the environment". */
  localPlaces: string;
  /** What gives tenant access, as a clause after "To verify them, ": the editor command or the CLI's environment variables. */
  tenantAdvice: string;
}

/** Duo enabled without any key in the code (the documented Action form). */
function isDocumentedForm(mfa: Multifactor | null): boolean {
  return Boolean(mfa && mfa.provider === 'duo' && mfa.admin === undefined && ['ikey', 'skey', 'host'].every((k) => {
    const v = (mfa as unknown as Record<string, unknown>)[k];
    return v === undefined || v === null || v === '';
  }));
}

export type DocumentedFormKeys =
  | { ok: true; mfa: Multifactor; from: string; secrets: string[] }
  | { ok: false; message: string; secrets: string[] };

async function keysForDocumentedForm(mfa: Multifactor, sources: DocumentedFormSources): Promise<DocumentedFormKeys> {
  if (sources.tenant) {
    const { credentials, http } = sources.tenant;
    const secrets = [credentials.clientSecret];
    let client: TenantClient | undefined;
    try {
      client = new TenantClient(credentials, http);
      const settings = await client.duoSettings();
      if (settings?.skey) secrets.push(settings.skey);
      if (!settings || !settings.ikey || !settings.skey || !settings.host) {
        const missing = (['ikey', 'skey', 'host'] as const).filter((k) => !settings?.[k]);
        return { ok: false, secrets, message: `The Action enables Duo without providerOptions, so Duo uses the tenant's Duo settings, but ${credentials.domain} has no ${missing.join(', ')} in them (Security > Multi-factor Auth > Duo Security). Nothing to verify.` };
      }
      return { ok: true, secrets, from: `the tenant's Duo settings (${credentials.domain.toLowerCase()})`, mfa: { ...mfa, ikey: settings.ikey, skey: settings.skey, host: settings.host } };
    } catch (err) {
      if (!(err instanceof TenantAccessError)) throw err;
      return { ok: false, secrets, message: `The Action enables Duo without providerOptions, so the tenant's Duo settings are the keys to verify, but they could not be read: ${err.message}` };
    } finally {
      await client?.close();
    }
  }
  const { DUO_IKEY: ikey, DUO_SKEY: skey, DUO_HOST: host } = sources.local;
  if (ikey && skey && host) {
    return { ok: true, secrets: [skey], from: `DUO_IKEY, DUO_SKEY and DUO_HOST from ${sources.localPlaces} (standing in for the tenant's Duo settings)`, mfa: { ...mfa, ikey, skey, host } };
  }
  const missingLocal = (['DUO_IKEY', 'DUO_SKEY', 'DUO_HOST'] as const).filter((k) => !sources.local[k]);
  return {
    ok: false,
    secrets: skey ? [skey] : [],
    message: `The Action enables Duo without providerOptions, so Duo uses the tenant's Duo settings (Dashboard > Security > Multi-factor Auth > Duo Security). To verify them, ${sources.tenantAdvice}, or give DUO_IKEY, DUO_SKEY and DUO_HOST in ${sources.localPlaces}${missingLocal.length < 3 ? ` (missing: ${missingLocal.join(', ')})` : ''}.`,
  };
}

/** A VerifyResult that says why nothing was verified. */
export function unverified(message: string): VerifyResult {
  const step: Step = { ok: false, reason: 'missing-credentials', message };
  return { application: null, check: step, universal: { ...step }, warnings: [] };
}

/**
 * The verification `run --verify` and the editor's Verify do: the keys the run produced, or for
 * the documented Action form the tenant's Duo settings (or local stand-ins).
 */
export async function verifyRunKeys(mfa: Multifactor | null, runContext: { userId?: string }, options: VerifyOptions, sources: DocumentedFormSources): Promise<VerifyResult> {
  if (!isDocumentedForm(mfa)) return verifyMultifactor(mfa, runContext, options);
  const keys = await keysForDocumentedForm(mfa!, sources);
  if (!keys.ok) return unverified(redactText(keys.message, keys.secrets));
  const result = await verifyMultifactor(keys.mfa, runContext, options);
  result.warnings.unshift(`The Action enables Duo without providerOptions, so Duo uses the tenant's Duo settings: verified ${keys.from}.`);
  return result;
}
