// What Check Tenant says when it could not read the tenant, and which buttons it offers: new
// credentials only when the failure is about them (missing, refused by Auth0, a domain that is no
// tenant's); a retry when Auth0 was not reached or failed itself; the setting when the stand-in
// URL is wrong or is where the requests went. Pure, so it is tested without VS Code.
import type { DoctorFailureData } from '../../shared/protocol';

export type TenantFailureAction = 'Store Auth0 Credentials' | 'Retry' | 'Open Setting';

export interface TenantFailureMessage {
  message: string;
  actions: TenantFailureAction[];
}

/** "Could not resolve x." → "could not resolve x" (an initialism such as "TLS" keeps its capitals). */
function asClause(reason: string): string {
  const text = reason.trim().replace(/[.\s]+$/, '');
  return /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}

/**
 * @param kind what the server said the failure is about; undefined for an unexpected error
 * @param reason the server's message
 * @param where the tenant domain, and the stand-in URL when the setting duoRules.auth0.baseUrl is set
 */
export function describeTenantFailure(kind: DoctorFailureData['kind'] | undefined, reason: string, where: { domain: string; baseUrl?: string }): TenantFailureMessage {
  switch (kind) {
    case 'credentials':
      return { message: reason, actions: ['Store Auth0 Credentials'] };
    case 'setting':
      return { message: reason, actions: ['Open Setting'] };
    case 'unreachable': {
      if (where.baseUrl) {
        return {
          message: `Could not reach Auth0 at ${where.baseUrl} (setting duoRules.auth0.baseUrl): ${asClause(reason)}. Check that the stand-in is running or change the setting, then retry.`,
          actions: ['Retry', 'Open Setting'],
        };
      }
      return { message: `Could not reach Auth0 for ${where.domain}: ${asClause(reason)}. Check the network or proxy, then retry.`, actions: ['Retry'] };
    }
    default:
      return { message: reason, actions: ['Retry'] };
  }
}
