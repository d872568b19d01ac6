// Documentation data shared by completion and hover: every key Auth0 accepts in a
// multifactor configuration (Rules and Actions forms), the provider values, and the
// documented fields of `context`, `user` and `event`. Facts follow Auth0's and Duo's documentation; keeping
// them in one table means completion and hover can never disagree.
import { geoipRenames } from './ruleToAction';

export type FileForm = 'rule' | 'action';

/** Where a multifactor key lives: the Rule object, its `admin`, the Action options or their `providerOptions`. */
export type KeyPlace = 'ruleObject' | 'admin' | 'actionOptions' | 'providerOptions';

export const links = {
  duoMfa: 'https://auth0.com/docs/secure/multi-factor-authentication/configure-cisco-duo-for-mfa',
  rulesContext: 'https://auth0.com/docs/customize/rules/context-object',
  rulesUser: 'https://auth0.com/docs/manage-users/user-accounts/user-profiles/user-profile-structure',
  rulesMfa: 'https://auth0.com/docs/secure/multi-factor-authentication/customize-mfa',
  postLoginEvent: 'https://auth0.com/docs/customize/actions/explore-triggers/signup-and-login-triggers/login-trigger/post-login-event-object',
  postLoginApi: 'https://auth0.com/docs/customize/actions/explore-triggers/signup-and-login-triggers/login-trigger/post-login-api-object',
  migrate: 'https://auth0.com/docs/customize/actions/migrate/migrate-from-rules-to-actions',
  rulesEol: 'https://auth0.com/docs/customize/rules',
  duoAuthApi: 'https://duo.com/docs/authapi',
  duoWebSdk: 'https://duo.com/docs/duoweb',
  duoAdminApi: 'https://duo.com/docs/adminapi',
  deployCliKeywords: 'https://github.com/auth0/auth0-deploy-cli',
} as const;

export interface KeyDoc {
  name: string;
  /** One line: what the key does. */
  summary: string;
  /** Duo's current name and its former one, when Duo names this value. */
  duoName?: string;
  type: 'string' | 'boolean' | 'object';
  defaultValue?: string;
  required: boolean;
  deprecated?: string;
  link: string;
  /** Name of the configuration/secret key the completion suggests as the value, e.g. DUO_IKEY. */
  secretName?: string;
}

const ikey = (secretName: string, admin: boolean): KeyDoc => ({
  name: 'ikey',
  summary: admin
    ? 'Client ID of a Duo Admin API application; Auth0 uses it to update the real name and email of the user in Duo.'
    : 'Client ID of the Duo application that protects this login.',
  duoName: admin ? 'Integration key of the Admin API application' : 'Client ID (formerly integration key)',
  type: 'string',
  required: !admin,
  link: admin ? links.duoAdminApi : links.duoMfa,
  secretName,
});

const skey = (secretName: string, admin: boolean): KeyDoc => ({
  name: 'skey',
  summary: admin
    ? 'Secret key of the Duo Admin API application. Keep it out of the code: read it from configuration/secrets.'
    : 'Client secret of the Duo application. Keep it out of the code: read it from configuration/secrets.',
  duoName: admin ? 'Secret key of the Admin API application' : 'Client secret (formerly secret key)',
  type: 'string',
  required: !admin,
  link: admin ? links.duoAdminApi : links.duoMfa,
  secretName,
});

const host: KeyDoc = {
  name: 'host',
  summary: 'Duo API hostname of your Duo account, a bare host name such as api-XXXXXXXX.duosecurity.com (no https://, path or port).',
  duoName: 'API hostname',
  type: 'string',
  required: true,
  link: links.duoMfa,
  secretName: 'DUO_HOST',
};

const username: KeyDoc = {
  name: 'username',
  summary: 'The Duo username to send, e.g. user.email. Without it Auth0 enrols the user under the lower-cased Base64 of the Auth0 user_id; set it when users are already enrolled in Duo.',
  type: 'string',
  defaultValue: 'lower-cased Base64 of user_id',
  required: false,
  link: links.duoMfa,
};

const allowRememberBrowser = (form: FileForm): KeyDoc => ({
  name: 'allowRememberBrowser',
  summary: 'When true, a browser that passed MFA is remembered for 30 days (the cookie also expires after 7 idle days); false asks on every login.',
  type: 'boolean',
  defaultValue: form === 'rule' ? 'true (per the Auth0 rule template)' : 'false (per the Actions reference)',
  required: false,
  link: form === 'rule' ? links.rulesMfa : links.postLoginApi,
});

// One object per key and place, so callers may keep what they derive from a key (completion keeps its text).
const duoIkey = ikey('DUO_IKEY', false);
const duoSkey = skey('DUO_SKEY', false);
const adminIkey = ikey('DUO_ADMIN_IKEY', true);
const adminSkey = skey('DUO_ADMIN_SKEY', true);
const allowRememberBrowserIn: Record<FileForm, KeyDoc> = { rule: allowRememberBrowser('rule'), action: allowRememberBrowser('action') };

const provider: KeyDoc = {
  name: 'provider',
  summary: "Which MFA provider Auth0 prompts with: 'duo', 'guardian', 'google-authenticator' or 'any'.",
  type: 'string',
  required: true,
  link: links.rulesMfa,
};

const admin: KeyDoc = {
  name: 'admin',
  summary: 'Optional Admin API credentials { ikey, skey } so Auth0 updates the real name and email in Duo. Needs its own Duo Admin API application. No equivalent in Actions.',
  type: 'object',
  required: false,
  link: links.duoAdminApi,
};

const ignoreCookie: KeyDoc = {
  name: 'ignoreCookie',
  summary: 'Former name of allowRememberBrowser, inverted: ignoreCookie: true means allowRememberBrowser: false.',
  type: 'boolean',
  required: false,
  deprecated: 'Replaced by allowRememberBrowser in 2016; no equivalent in Actions.',
  link: links.rulesMfa,
};

const issuer: KeyDoc = {
  name: 'issuer',
  summary: 'Issuer name shown in the authenticator app next to the one-time code.',
  type: 'string',
  required: false,
  link: links.rulesMfa,
};

const providerOptions: KeyDoc = {
  name: 'providerOptions',
  summary: 'Duo settings { ikey, skey, host, username }; only the duo provider uses them.',
  type: 'object',
  required: true,
  link: links.postLoginApi,
};

export const providers = ['duo', 'guardian', 'google-authenticator', 'any', 'none'] as const;
export type ProviderName = (typeof providers)[number];

export interface ProviderDoc {
  name: ProviderName;
  summary: string;
  /** Forms that accept this provider value. */
  forms: FileForm[];
  legacy?: string;
  link: string;
}

const providerDocs: ProviderDoc[] = [
  { name: 'duo', summary: 'Cisco Duo Security. Needs ikey (Client ID), skey (Client secret) and host (API hostname). Duo can only be used when it is the only factor enabled in the tenant.', forms: ['rule', 'action'], link: links.duoMfa },
  { name: 'guardian', summary: 'Auth0 Guardian push notifications / one-time codes.', forms: ['rule', 'action'], legacy: 'Legacy provider name.', link: links.rulesMfa },
  { name: 'google-authenticator', summary: 'One-time codes from Google Authenticator or a compatible app (optional issuer).', forms: ['rule', 'action'], legacy: 'Legacy provider name.', link: links.rulesMfa },
  { name: 'any', summary: 'Whatever factor the tenant has enabled and the user has enrolled.', forms: ['rule', 'action'], link: links.postLoginApi },
  { name: 'none', summary: 'No MFA for this login (Actions only).', forms: ['action'], link: links.postLoginApi },
];

export function findProviderDoc(name: string): ProviderDoc | undefined {
  return providerDocs.find((p) => p.name === name);
}

/** Providers a form accepts, in the order completion offers them. */
export function listProviders(form: FileForm): ProviderDoc[] {
  return providerDocs.filter((p) => p.forms.includes(form));
}

/**
 * The keys valid at a place for a provider. `provider` undefined means "not known yet"
 * (not written, or dynamic): then the Duo keys are offered, since that is what this tool is for.
 */
export function listKeyDocs(place: KeyPlace, form: FileForm, providerName?: string): KeyDoc[] {
  const p = providerName ?? 'duo';
  switch (place) {
    case 'admin':
      return [adminIkey, adminSkey];
    case 'providerOptions':
      return [duoIkey, duoSkey, host, username];
    case 'actionOptions':
      return p === 'duo' ? [allowRememberBrowserIn.action, providerOptions] : [allowRememberBrowserIn.action];
    case 'ruleObject':
      if (p === 'duo') return [provider, duoIkey, duoSkey, host, username, allowRememberBrowserIn[form], admin];
      if (p === 'google-authenticator') return [provider, allowRememberBrowserIn[form], issuer];
      return [provider, allowRememberBrowserIn[form]];
  }
}

/** Hover also knows deprecated keys that completion never offers. */
export function findKeyDoc(place: KeyPlace, form: FileForm, name: string, providerName?: string): KeyDoc | undefined {
  const found = listKeyDocs(place, form, providerName).find((k) => k.name === name)
    ?? listKeyDocs(place, form, 'duo').find((k) => k.name === name)
    ?? (place === 'ruleObject' ? [issuer] : []).find((k) => k.name === name);
  if (found) return found;
  if (name === 'ignoreCookie' && place === 'ruleObject') return ignoreCookie;
  return undefined;
}

// ---- context / user / event fields -------------------------------------------------

export interface FieldDoc {
  name: string;
  type: string;
  summary: string;
  children?: FieldDoc[];
  /** Children are arbitrary keys (metadata, secrets, query): nothing to list. */
  open?: boolean;
}

const f = (name: string, type: string, summary: string, children?: FieldDoc[]): FieldDoc => ({ name, type, summary, children });
const open = (name: string, type: string, summary: string): FieldDoc => ({ name, type, summary, open: true });

const geoipFields = [
  f('country_code', 'string', 'Two-letter ISO country code of the request IP.'),
  f('country_code3', 'string', 'Three-letter ISO country code.'),
  f('country_name', 'string', 'Country name.'),
  f('city_name', 'string', 'City name.'),
  f('latitude', 'number', 'Latitude.'),
  f('longitude', 'number', 'Longitude.'),
  f('time_zone', 'string', 'Time zone, e.g. Europe/Berlin.'),
  f('continent_code', 'string', 'Continent code.'),
  f('subdivision_code', 'string', 'Region/state code.'),
  f('subdivision_name', 'string', 'Region/state name.'),
];

/**
 * The same location in an Action's event.request.geoip, whose fields are camelCase: a Rule's `country_code` read
 * there is undefined (the converter renames them with the same table).
 */
const actionGeoipFields = geoipFields.map((field): FieldDoc => {
  const renamed = geoipRenames.get(field.name) ?? field.name;
  return renamed === field.name ? field : { ...field, name: renamed, summary: `${field.summary.replace(/\.$/, '')} (Rules: ${field.name}).` };
});

const authenticationFields = [
  f('methods', 'Array<{ name, timestamp }>', 'Authentication methods completed in this session: federated, pwd, sms, email, mfa.'),
];

const organizationFields = [
  f('id', 'string', 'Organization identifier.'),
  f('name', 'string', 'Organization name.'),
  f('display_name', 'string', 'Organization display name.'),
  open('metadata', 'object', 'Organization metadata.'),
];

/** Profile fields, snake_case in both Rules (`user`) and Actions (`event.user`). */
const userFieldDocs: FieldDoc[] = [
  f('user_id', 'string', 'Unique Auth0 user id, e.g. auth0|5f7c8ec7c33c6c004bbafe82.'),
  f('email', 'string', 'Email address.'),
  f('email_verified', 'boolean', 'Whether the email address was verified.'),
  f('name', 'string', 'Full name.'),
  f('nickname', 'string', 'Nickname.'),
  f('given_name', 'string', 'First name.'),
  f('family_name', 'string', 'Last name.'),
  f('username', 'string', 'Username (database connections that require one).'),
  f('picture', 'string', 'URL of the profile picture.'),
  f('phone_number', 'string', 'Phone number.'),
  f('phone_verified', 'boolean', 'Whether the phone number was verified.'),
  f('created_at', 'string', 'When the user was created (ISO 8601).'),
  f('updated_at', 'string', 'When the profile was last updated (ISO 8601).'),
  f('last_password_reset', 'string', 'When the password was last reset.'),
  f('last_ip', 'string', 'IP address of the last login.'),
  f('last_login', 'string', 'When the user last logged in.'),
  f('logins_count', 'number', 'Number of logins.'),
  f('blocked', 'boolean', 'Whether the user is blocked.'),
  f('identities', 'Array<{ connection, isSocial, provider, user_id, profileData }>', 'Identity providers linked to this user.'),
  open('app_metadata', 'object', 'Data the user cannot edit (roles, plan...). May be undefined: check before reading.'),
  open('user_metadata', 'object', 'Data the user may edit (preferences, use_mfa...). May be undefined.'),
  f('multifactor', 'string[]', 'MFA providers the user has enrolled with, e.g. ["duo"].'),
  f('permissions', 'object[]', 'Permissions assigned to the user.'),
];

const contextFieldDocs: FieldDoc[] = [
  f('tenant', 'string', 'Name of the Auth0 tenant.'),
  f('clientID', 'string', 'Client ID of the application the user is logging in to. Actions: event.client.client_id.'),
  f('clientName', 'string', 'Name of the application.'),
  open('clientMetadata', 'object', 'Application metadata (string values only).'),
  f('connectionID', 'string', 'Id of the connection used to log in.'),
  f('connection', 'string', 'Name of the connection used to log in.'),
  f('connectionStrategy', 'string', 'Strategy of the connection, e.g. auth0, google-oauth2, samlp.'),
  f('connectionOptions', 'object', 'Options of enterprise connections.', [
    f('tenant_domain', 'string', 'Domain of the enterprise connection.'),
    f('domain_aliases', 'string[]', 'Domain aliases of the enterprise connection.'),
  ]),
  open('connectionMetadata', 'object', 'Connection metadata.'),
  open('samlConfiguration', 'object', 'SAML configuration of the application, when it is a SAML IdP.'),
  f('protocol', 'string', 'Authentication protocol: oidc-basic-profile, oidc-implicit-profile, oauth2-device-code, oauth2-resource-owner, oauth2-resource-owner-jwt-bearer, oauth2-password, oauth2-refresh-token, samlp, wsfed, wstrust-usernamemixed, delegation or redirect-callback.'),
  open('riskAssessment', 'object', 'Risk assessment of this login.'),
  f('stats', 'object', 'Login statistics.', [f('loginsCount', 'number', 'Number of logins of this user.')]),
  f('sso', 'object', 'Single sign-on information.', [
    f('with_auth0', 'boolean', 'Whether the user logged in with an Auth0 SSO session.'),
    f('with_dbconn', 'boolean', 'Whether the SSO session came from a database connection.'),
    f('current_clients', 'string[]', 'Client IDs with an active SSO session.'),
  ]),
  f('accessToken', 'object', 'Add namespaced claims to the access token: context.accessToken[k] = v.', [f('scope', 'string[]', 'Scopes of the access token.')]),
  open('idToken', 'object', 'Add namespaced claims to the ID token: context.idToken[k] = v. Actions: api.idToken.setCustomClaim(k, v).'),
  open('multifactor', 'object', 'Set to { provider, ... } to require MFA for this login; for Duo also ikey, skey and host.'),
  f('redirect', 'object', 'Redirect the user to another page before finishing the login.', [f('url', 'string', 'Where to send the user.')]),
  f('sessionID', 'string', 'Id of the login session.'),
  f('request', 'object', 'The HTTP request that started the login. May be undefined.', [
    f('userAgent', 'string', 'User agent of the browser.'),
    f('ip', 'string', 'IP address of the client.'),
    f('hostname', 'string', 'Host name the request used.'),
    open('query', 'object', 'Query string parameters.'),
    open('body', 'object', 'Body of a POST request.'),
    f('geoip', 'object', 'Location of the client IP.', geoipFields),
  ]),
  open('primaryUser', 'string', 'Id of the primary user when accounts are being linked.'),
  f('authentication', 'object', 'How the user authenticated in this session.', authenticationFields),
  f('authorization', 'object', 'Authorization data.', [f('roles', 'string[]', 'Names of the roles assigned to the user.')]),
  f('organization', 'object', 'The Organization of this login, if any.', organizationFields),
];

const eventFieldDocs: FieldDoc[] = [
  open('secrets', 'Record<string, string>', 'Secrets of the Action (replaces the Rules configuration object): event.secrets.DUO_SKEY.'),
  f('user', 'object', 'The user logging in (snake_case profile).', userFieldDocs),
  f('client', 'object', 'The application the user is logging in to.', [
    f('client_id', 'string', 'Client ID of the application (Rules: context.clientID).'),
    f('name', 'string', 'Name of the application.'),
    open('metadata', 'object', 'Application metadata.'),
  ]),
  f('connection', 'object', 'The connection used to log in.', [
    f('id', 'string', 'Connection id.'),
    f('name', 'string', 'Connection name.'),
    f('strategy', 'string', 'Connection strategy, e.g. auth0, google-oauth2.'),
    open('metadata', 'object', 'Connection metadata.'),
  ]),
  f('transaction', 'object', 'The current transaction.', [
    f('protocol', 'string', 'Authentication protocol, e.g. oidc-basic-profile or oauth2-refresh-token.'),
    f('requested_scopes', 'string[]', 'Scopes requested by the application.'),
    f('locale', 'string', 'Locale of the transaction.'),
  ]),
  f('tenant', 'object', 'The tenant.', [f('id', 'string', 'Tenant name.')]),
  f('stats', 'object', 'Login statistics.', [f('logins_count', 'number', 'Number of logins of this user.')]),
  f('request', 'object', 'The HTTP request that started the login.', [
    f('ip', 'string', 'IP address of the client.'),
    f('hostname', 'string', 'Host name the request used.'),
    f('user_agent', 'string', 'User agent of the browser.'),
    f('language', 'string', 'Preferred language of the browser.'),
    f('method', 'string', 'HTTP method.'),
    open('query', 'object', 'Query string parameters.'),
    open('body', 'object', 'Body of a POST request.'),
    f('geoip', 'object', 'Location of the client IP, its fields camelCase (Rules: snake_case).', actionGeoipFields),
  ]),
  f('authentication', 'object', 'How the user authenticated in this session (may be undefined).', [
    ...authenticationFields,
    open('riskAssessment', 'object', 'Adaptive MFA\'s risk assessment of this login (Rules: context.riskAssessment): confidence low, medium, high or neutral, and assessments.'),
  ]),
  f('authorization', 'object', 'Authorization data.', [f('roles', 'string[]', 'Names of the roles assigned to the user.')]),
  f('organization', 'object', 'The Organization of this login, if any.', organizationFields),
];

const apiFieldDocs: FieldDoc[] = [
  f('multifactor', 'object', 'Require MFA.', [f('enable', '(provider, options?) => void', "Require MFA with a provider: api.multifactor.enable('duo', { allowRememberBrowser, providerOptions: { ikey, skey, host } }).")]),
  f('access', 'object', 'Allow or deny the login.', [f('deny', '(reason: string) => void', 'Deny the login; the reason goes back to the application (Rules: callback(new UnauthorizedError(reason))).')]),
  f('idToken', 'object', 'Change the ID token.', [f('setCustomClaim', '(name: string, value: unknown) => void', 'Add a claim to the ID token (Rules: context.idToken[name] = value).')]),
  f('accessToken', 'object', 'Change the access token.', [f('setCustomClaim', '(name: string, value: unknown) => void', 'Add a claim to the access token (Rules: context.accessToken[name] = value).')]),
  f('user', 'object', 'Change the user profile.', [
    f('setAppMetadata', '(name: string, value: unknown) => void', 'Set one app_metadata property (Rules: auth0.users.updateAppMetadata).'),
    f('setUserMetadata', '(name: string, value: unknown) => void', 'Set one user_metadata property (Rules: auth0.users.updateUserMetadata).'),
  ]),
  f('redirect', 'object', 'Send the user to another page.', [f('sendUserTo', '(url: string, options?: { query }) => void', 'Redirect the user before finishing the login.')]),
];

export type FieldRoot = 'context' | 'user' | 'event' | 'api';

const roots: Record<FieldRoot, { fields: FieldDoc[]; link: string }> = {
  context: { fields: contextFieldDocs, link: links.rulesContext },
  user: { fields: userFieldDocs, link: links.rulesUser },
  event: { fields: eventFieldDocs, link: links.postLoginEvent },
  api: { fields: apiFieldDocs, link: links.postLoginApi },
};

/** Documentation page of a field root. */
export function fieldRootLink(root: FieldRoot): string {
  return roots[root].link;
}

/** The fields under `root.path[0].path[1]...`; undefined when the path is not documented or open-ended. */
export function listFieldDocs(root: FieldRoot, path: readonly string[]): FieldDoc[] | undefined {
  let fields: FieldDoc[] | undefined = roots[root].fields;
  for (const name of path) {
    const next: FieldDoc | undefined = fields?.find((d) => d.name === name);
    if (!next || next.open) return undefined;
    fields = next.children;
  }
  return fields;
}

/** The field at `root.path...` (path non-empty). */
export function findFieldDoc(root: FieldRoot, path: readonly string[]): FieldDoc | undefined {
  if (path.length === 0) return undefined;
  return listFieldDocs(root, path.slice(0, -1))?.find((d) => d.name === path[path.length - 1]);
}
