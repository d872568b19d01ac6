// Default mock inputs: one invented person logging in to one invented application, so a
// rule can be run without writing any JSON first. The Action event describes the same
// login as the Rules context (same user, client, connection and request).

const USER_ID = 'auth0|65a1f3c2b7e4d90012ab34cd';
const CLIENT_ID = 'k3Vb9XqT2mLw8RfJ4nYp6sHc1dGa5uEz';
const CONNECTION_ID = 'con_8fLq2RtW5vXy9ZaB';

export function createDefaultUser(): Record<string, unknown> {
  return {
    user_id: USER_ID,
    email: 'jamie.rivera@example.com',
    email_verified: true,
    name: 'Jamie Rivera',
    nickname: 'jamie.rivera',
    given_name: 'Jamie',
    family_name: 'Rivera',
    username: 'jrivera',
    picture: 'https://example.com/avatars/jamie-rivera.png',
    phone_number: '+15555550142',
    phone_verified: false,
    created_at: '2024-01-12T09:15:30.000Z',
    updated_at: '2026-11-20T08:02:11.000Z',
    last_password_reset: '2025-06-03T17:44:09.000Z',
    last_ip: '203.0.113.24',
    last_login: '2026-11-20T08:02:11.000Z',
    logins_count: 42,
    blocked: false,
    identities: [
      { connection: 'Username-Password-Authentication', isSocial: false, provider: 'auth0', user_id: '65a1f3c2b7e4d90012ab34cd' },
    ],
    app_metadata: { roles: ['staff'], plan: 'enterprise' },
    user_metadata: { preferred_language: 'en' },
    multifactor: [],
    permissions: [],
  };
}

function createRequest(): Record<string, unknown> {
  return {
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    ip: '203.0.113.24',
    hostname: 'login.example.com',
    query: { response_type: 'code', scope: 'openid profile email' },
    body: {},
    geoip: {
      country_code: 'US', country_code3: 'USA', country_name: 'United States', city_name: 'Portland',
      latitude: 45.5152, longitude: -122.6784, time_zone: 'America/Los_Angeles', continent_code: 'NA',
      subdivision_code: 'OR', subdivision_name: 'Oregon',
    },
  };
}

/** Protocols whose logins Auth0 answers with a SAML or WS-Fed response, and so hands rules `context.samlConfiguration`. */
const SAML_PROTOCOLS = new Set(['samlp', 'wsfed']);

/**
 * The SAML2 add-on's settings as a rule sees them: Auth0 always provides the object on SAML and
 * WS-Fed logins, and attribute-mapping rules write into it (`context.samlConfiguration.mappings = …`).
 */
function createSamlConfiguration(): Record<string, unknown> {
  return {
    audience: 'urn:example:portal',
    recipient: 'https://portal.example.com/saml/acs',
    destination: 'https://portal.example.com/saml/acs',
    mappings: {},
    createUpnClaim: true,
    passthroughClaimsWithNoMapping: true,
    mapUnknownClaimsAsIs: false,
    mapIdentities: true,
    signatureAlgorithm: 'rsa-sha256',
    digestAlgorithm: 'sha256',
    lifetimeInSeconds: 3600,
    signResponse: false,
    typedAttributes: true,
    includeAttributeNameFormat: true,
    nameIdentifierFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
    nameIdentifierProbes: [
      'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier',
      'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
      'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
    ],
    authnContextClassRef: 'urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified',
  };
}

/**
 * Adaptive MFA's assessment of a login from a known device and place: the same object in Rules
 * (`context.riskAssessment`) and Actions (`event.authentication.riskAssessment`). Codes and
 * confidence levels as Auth0's post-login event reference lists them.
 */
function createRiskAssessment(): Record<string, unknown> {
  return {
    confidence: 'high',
    version: '1',
    assessments: {
      UntrustedIP: { confidence: 'high', code: 'not_found_on_deny_list' },
      NewDevice: { confidence: 'high', code: 'match', details: { device: 'known', useragent: 'known' } },
      ImpossibleTravel: { confidence: 'high', code: 'minimal_travel_from_last_login' },
    },
  };
}

/** What the defaults depend on: the protocol of the login (from the caller's context or event). */
export interface DefaultInputOptions {
  protocol?: string;
}

export function createDefaultContext(options: DefaultInputOptions = {}): Record<string, unknown> {
  const protocol = options.protocol ?? 'oidc-basic-profile';
  return {
    tenant: 'example-tenant',
    clientID: CLIENT_ID,
    clientName: 'Example Portal',
    clientMetadata: {},
    connectionID: CONNECTION_ID,
    connection: 'Username-Password-Authentication',
    connectionStrategy: 'auth0',
    connectionOptions: {},
    connectionMetadata: {},
    protocol,
    ...(SAML_PROTOCOLS.has(protocol) ? { samlConfiguration: createSamlConfiguration() } : {}),
    riskAssessment: createRiskAssessment(),
    stats: { loginsCount: 42 },
    sso: { with_auth0: false, with_dbconn: false, current_clients: [] },
    accessToken: { scope: ['openid', 'profile', 'email'] },
    idToken: {},
    sessionID: 'sess_Qw7Er9Ty2Ui4Op6A',
    request: createRequest(),
    authentication: { methods: [{ name: 'pwd', timestamp: 1763625731000 }] },
    authorization: { roles: ['staff'] },
  };
}

/** The post-login event of the same login; `user` is replaced by the caller's user when given. */
export function createDefaultEvent(user: unknown = createDefaultUser(), options: DefaultInputOptions = {}): Record<string, unknown> {
  const request = createRequest();
  const protocol = options.protocol ?? 'oidc-basic-profile';
  return {
    user,
    client: { client_id: CLIENT_ID, name: 'Example Portal', metadata: {} },
    connection: { id: CONNECTION_ID, name: 'Username-Password-Authentication', strategy: 'auth0', metadata: {} },
    transaction: {
      id: 'txn_Zx4Cv6Bn8Mq1Wr3T',
      protocol,
      requested_scopes: ['openid', 'profile', 'email'],
      acr_values: [],
      ui_locales: [],
      locale: 'en',
      redirect_uri: 'https://portal.example.com/callback',
      response_type: ['code'],
      response_mode: 'query',
      state: 'st_Lk2Jh4Gf6Ds8Ap0Q',
    },
    tenant: { id: 'example-tenant' },
    stats: { logins_count: 42 },
    request: {
      ip: request.ip,
      hostname: request.hostname,
      method: 'GET',
      language: 'en-US',
      user_agent: request.userAgent,
      query: request.query,
      body: request.body,
      geoip: {
        countryCode: 'US', countryCode3: 'USA', countryName: 'United States', cityName: 'Portland',
        latitude: 45.5152, longitude: -122.6784, timeZone: 'America/Los_Angeles', continentCode: 'NA',
        subdivisionCode: 'OR', subdivisionName: 'Oregon',
      },
    },
    authentication: { methods: [{ name: 'pwd', timestamp: '2026-11-20T08:02:11.000Z' }], riskAssessment: createRiskAssessment() },
    authorization: { roles: ['staff'] },
    session: { id: 'sess_Qw7Er9Ty2Ui4Op6A' },
    secrets: {},
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * How every input (user, context, event) is laid over its default: objects merge key by key, a
 * `null` removes the key (a way to test a login without, say, `app_metadata` or `request`),
 * arrays and other values replace the default.
 */
export function mergeDeep(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(override)) return override;
  const merged: Record<string, unknown> = isPlainObject(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete merged[key];
    else merged[key] = mergeDeep(merged[key], value);
  }
  return merged;
}
