// Read-only Auth0 Management API client: a client-credentials token, then GET requests for the
// guardian factors, the Duo factor settings, the post-login trigger bindings (with each bound
// Action's deployed code) and the Rules. It never sends anything but GET to /api/v2.
import { Auth0Http, type Auth0HttpOptions, type Auth0Reply } from './http';
import type { BoundAction, DuoSettings, GuardianFactor, TenantFacts, TenantRule } from './facts';

export interface TenantCredentials {
  domain: string;
  clientId: string;
  clientSecret: string;
  /** The domain came from a flag (a custom domain is then allowed). */
  explicitDomain?: boolean;
  /** What to do when Auth0 refuses them, in the words of where they came from; default: the environment variables. */
  refusedHint?: string;
}

/** Every scope the doctor needs, as the M2M application must be granted them. */
export const REQUIRED_SCOPES = ['read:guardian_factors', 'read:actions', 'read:rules'] as const;

/**
 * What a tenant access failure is about, so the editor offers what helps: new credentials only when
 * they are missing or Auth0 refused them (401/403, or a domain that is no tenant's), a retry when
 * Auth0 was not reached (network, DNS, TLS, proxy, timeout) or failed itself (429, 5xx, odd answers),
 * the setting when the stand-in URL is wrong.
 */
export type TenantFailureKind = 'credentials' | 'unreachable' | 'auth0' | 'setting';

/** Tenant access failed: a usage/credential/network problem (exit status 2), never a finding. */
export class TenantAccessError extends Error {
  constructor(message: string, readonly kind: TenantFailureKind = 'auth0') {
    super(message);
  }
}

function failureKind(reply: Exclude<Auth0Reply, { ok: true }>): TenantFailureKind {
  if (reply.reason === 'http') return reply.status === 401 || reply.status === 403 ? 'credentials' : 'auth0';
  if (reply.reason === 'network' || reply.reason === 'timeout') return 'unreachable';
  if (reply.reason === 'invalid-domain') return 'credentials';
  return 'auth0';
}

const MAX_PAGES = 20;
const PER_PAGE = 50;

/** Where the credentials come from: the names auth0-deploy-cli reads. */
export function credentialsFromEnvironment(env: NodeJS.ProcessEnv, flags: { domain?: string; clientId?: string } = {}): { credentials?: TenantCredentials; missing: string[] } {
  const domain = flags.domain ?? env.AUTH0_DOMAIN;
  const clientId = flags.clientId ?? env.AUTH0_CLIENT_ID;
  const clientSecret = env.AUTH0_CLIENT_SECRET;
  const missing: string[] = [];
  if (!domain) missing.push('AUTH0_DOMAIN (or --auth0-domain)');
  if (!clientId) missing.push('AUTH0_CLIENT_ID');
  if (!clientSecret) missing.push('AUTH0_CLIENT_SECRET (environment only, never a flag)');
  if (missing.length) return { missing };
  return { credentials: { domain: domain!, clientId: clientId!, clientSecret: clientSecret!, explicitDomain: flags.domain !== undefined }, missing };
}

function describeFailure(reply: Exclude<Auth0Reply, { ok: true }>, what: string, scope: string | undefined, http: Auth0Http): string {
  if (reply.reason !== 'http') return reply.message;
  const said = [reply.errorCode ?? reply.error, reply.description].filter(Boolean).join(': ');
  const auth0 = said ? ` (Auth0: ${said})` : '';
  const origin = http.origin ?? '';
  if (reply.status === 401) {
    return `Auth0 at ${origin} refused ${what} (HTTP 401)${auth0}: the access token was not accepted.${scope ? ` The M2M application needs the ${scope} scope on the Auth0 Management API.` : ''}`;
  }
  if (reply.status === 403) {
    return `Auth0 at ${origin} refused ${what} (HTTP 403)${auth0}.${scope ? ` The M2M application is missing the ${scope} scope: grant it under Applications > APIs > Auth0 Management API > Machine to Machine Applications.` : ''}`;
  }
  if (reply.status === 429) return `Auth0 at ${origin} kept rate-limiting ${what} (HTTP 429)${auth0}. Try again in a minute.`;
  if (reply.status >= 500) return `Auth0 at ${origin} failed on ${what} (HTTP ${reply.status})${auth0}. Try again later.`;
  return `Auth0 at ${origin} answered ${what} with HTTP ${reply.status}${auth0}.`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A read-only session with one tenant; `close()` when done. */
export class TenantClient {
  private readonly http: Auth0Http;
  private token: string | undefined;

  constructor(private readonly credentials: TenantCredentials, options: Auth0HttpOptions = {}) {
    this.http = new Auth0Http(credentials.domain, credentials.explicitDomain ?? false, options);
    this.http.hide(credentials.clientSecret);
    const refusal = this.http.refusal;
    if (refusal) throw new TenantAccessError(refusal, this.http.refusalAbout);
  }

  /** Removes the client secret and tokens from a text. */
  scrub(text: string): string {
    return this.http.scrub(text);
  }

  private async accessToken(): Promise<string> {
    if (this.token) return this.token;
    const { domain, clientId, clientSecret } = this.credentials;
    const reply = await this.http.send({
      method: 'POST',
      path: '/oauth/token',
      json: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience: `https://${domain.toLowerCase()}/api/v2/` },
    });
    if (!reply.ok) {
      if (reply.reason === 'http' && reply.status === 401) {
        const hint = this.credentials.refusedHint ?? 'check AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET of a Machine to Machine application';
        throw new TenantAccessError(`Auth0 at ${this.http.origin} refused the client credentials (HTTP ${reply.status}): ${hint}.`, 'credentials');
      }
      if (reply.reason === 'http' && reply.status === 403) {
        const said = reply.description ? ` (Auth0: ${reply.description})` : '';
        throw new TenantAccessError(`Auth0 at ${this.http.origin} would not give the application a Management API token (HTTP 403)${said}. Authorize the M2M application for the Auth0 Management API with the scopes ${REQUIRED_SCOPES.join(', ')}.`, 'credentials');
      }
      throw new TenantAccessError(describeFailure(reply, 'the token request (POST /oauth/token)', undefined, this.http), failureKind(reply));
    }
    const token = isObject(reply.json) ? str(reply.json.access_token) : undefined;
    if (!token) throw new TenantAccessError(`Auth0 at ${this.http.origin} answered the token request without an access_token.`);
    this.http.hide(token);
    this.token = token;
    return token;
  }

  private async get(path: string, scope: string): Promise<unknown> {
    const bearer = await this.accessToken();
    const reply = await this.http.send({ method: 'GET', path, bearer });
    if (!reply.ok) throw new TenantAccessError(describeFailure(reply, `GET ${path.split('?')[0]}`, scope, this.http), failureKind(reply));
    return reply.json;
  }

  /** GET that tells "not found" apart, for settings that may not exist. */
  private async getOptional(path: string, scope: string): Promise<unknown | undefined> {
    const bearer = await this.accessToken();
    const reply = await this.http.send({ method: 'GET', path, bearer });
    if (!reply.ok && reply.reason === 'http' && reply.status === 404) return undefined;
    if (!reply.ok) throw new TenantAccessError(describeFailure(reply, `GET ${path.split('?')[0]}`, scope, this.http), failureKind(reply));
    return reply.json;
  }

  async guardianFactors(): Promise<GuardianFactor[]> {
    const json = await this.get('/api/v2/guardian/factors', 'read:guardian_factors');
    if (!Array.isArray(json)) throw new TenantAccessError('GET /api/v2/guardian/factors did not answer with a list of factors.');
    return json.filter(isObject).filter((f) => typeof f.name === 'string').map((f) => ({ name: f.name as string, enabled: f.enabled === true }));
  }

  /** null when the tenant has no Duo settings. */
  async duoSettings(): Promise<DuoSettings | null> {
    const json = await this.getOptional('/api/v2/guardian/factors/duo/settings', 'read:guardian_factors');
    if (!isObject(json)) return null;
    const settings: DuoSettings = {};
    for (const key of ['ikey', 'skey', 'host'] as const) {
      const value = str(json[key]);
      if (value) settings[key] = value;
    }
    return Object.keys(settings).length ? settings : null;
  }

  async postLoginActions(): Promise<BoundAction[]> {
    const bindings: Record<string, unknown>[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const json = await this.get(`/api/v2/actions/triggers/post-login/bindings?page=${page}&per_page=${PER_PAGE}`, 'read:actions');
      const list = Array.isArray(json) ? json : isObject(json) && Array.isArray(json.bindings) ? json.bindings : undefined;
      if (!list) throw new TenantAccessError('GET /api/v2/actions/triggers/post-login/bindings did not answer with bindings.');
      bindings.push(...list.filter(isObject));
      const total = isObject(json) && typeof json.total === 'number' ? json.total : undefined;
      if (list.length < PER_PAGE || (total !== undefined && bindings.length >= total)) break;
    }
    const actions: BoundAction[] = [];
    for (const binding of bindings) {
      const ref = isObject(binding.action) ? binding.action : {};
      const id = str(ref.id);
      let action: Record<string, unknown> = ref;
      // The binding may carry only a summary; the deployed code is on the Action itself.
      if (!isObject(ref.deployed_version) && id) {
        const full = await this.get(`/api/v2/actions/actions/${encodeURIComponent(id)}`, 'read:actions');
        if (isObject(full)) action = full;
      }
      const deployedVersion = isObject(action.deployed_version) ? action.deployed_version : undefined;
      actions.push({
        id,
        name: str(action.name) ?? str(binding.display_name) ?? id ?? '(unnamed Action)',
        code: deployedVersion ? str(deployedVersion.code) : undefined,
        deployed: deployedVersion !== undefined,
        allChangesDeployed: action.all_changes_deployed !== false,
      });
    }
    return actions;
  }

  async rules(): Promise<TenantRule[]> {
    const rules: TenantRule[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const json = await this.get(`/api/v2/rules?page=${page}&per_page=${PER_PAGE}&include_totals=true`, 'read:rules');
      const list = Array.isArray(json) ? json : isObject(json) && Array.isArray(json.rules) ? json.rules : undefined;
      if (!list) throw new TenantAccessError('GET /api/v2/rules did not answer with a list of rules.');
      for (const r of list.filter(isObject)) {
        rules.push({ id: str(r.id), name: str(r.name) ?? str(r.id) ?? '(unnamed rule)', enabled: r.enabled === true, script: str(r.script), order: typeof r.order === 'number' ? r.order : undefined });
      }
      const total = isObject(json) && typeof json.total === 'number' ? json.total : undefined;
      if (list.length < PER_PAGE || (total !== undefined && rules.length >= total)) break;
    }
    return rules.sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  }

  /** Everything the doctor needs, read one request at a time (the Management API rate-limits bursts). */
  async readFacts(): Promise<TenantFacts> {
    const factors = await this.guardianFactors();
    const duoSettings = await this.duoSettings();
    const postLoginActions = await this.postLoginActions();
    const rules = await this.rules();
    return { source: 'tenant', tenant: this.credentials.domain.toLowerCase(), factors, duoSettings, postLoginActions, rules, notes: [] };
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
