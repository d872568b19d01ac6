// How faithful a run is to Auth0: outcomes as Auth0 decides them, realistic default inputs,
// the clock, mocks and input-merging controls. Through `duo-rules run` as a real process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createDefaultContext, createDefaultEvent, createDefaultUser } from '../../server/src/runner/mockInputs';
import { createWorkspace, DUO_CONFIGURATION, runCliProcess, type CliRun, type TempWorkspace } from './runnerHelpers';

let ws: TempWorkspace;

function runCli(args: string[]): Promise<CliRun> {
  return runCliProcess(ws.root, args);
}

async function runJson(args: string[]): Promise<{ code: number | null; result: Record<string, any>; stderr: string }> {
  const { code, stdout, stderr } = await runCli([...args, '--format', 'json']);
  let result: Record<string, any>;
  try {
    result = JSON.parse(stdout);
  } catch {
    assert.fail(`not JSON (exit ${code}): ${stdout}\n${stderr}`);
  }
  return { code, result, stderr };
}

before(() => {
  ws = createWorkspace();
  // Like Auth0's "disable social signup" template: the denial is a plain Error.
  ws.write('rules/no-social-signup.js', `function disableSocialSignup(user, context, callback) {
    const isSocial = context.connectionStrategy === user.identities[0].provider && user.identities[0].isSocial;
    if (isSocial && context.stats.loginsCount === 1) {
      return callback(new Error('Signup disabled'));
    }
    callback(null, user, context);
  }`);
  ws.write('social-first-login.json', JSON.stringify({ connectionStrategy: 'google-oauth2', stats: { loginsCount: 1 } }));
  ws.write('rules/saml-mappings.js', `function mapSamlAttributes(user, context, callback) {
    if (context.protocol !== 'samlp' && context.protocol !== 'wsfed') return callback(null, user, context);
    context.samlConfiguration.mappings = {
      'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn': 'upn',
      'http://schemas.example.com/claims/plan': 'app_metadata.plan',
    };
    context.samlConfiguration.lifetimeInSeconds = 600;
    callback(null, user, context);
  }`);
  ws.write('saml-login.json', JSON.stringify({ protocol: 'samlp' }));
  ws.write('rules/adaptive-duo.js', `function adaptiveDuo(user, context, callback) {
    const risk = context.riskAssessment;
    const { NewDevice, UntrustedIP, ImpossibleTravel } = risk.assessments;
    const risky = risk.confidence === 'low' || NewDevice.confidence === 'low' ||
      UntrustedIP.code === 'found_on_deny_list' || ImpossibleTravel.code === 'impossible_travel_from_last_login';
    if (risky) {
      context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };
    }
    callback(null, user, context);
  }`);
  ws.write('actions/adaptive-duo/code.js', `exports.onExecutePostLogin = async (event, api) => {
    const { confidence, assessments } = event.authentication.riskAssessment;
    if (confidence === 'low' || assessments.NewDevice.confidence === 'low' || assessments.UntrustedIP.code === 'found_on_deny_list') {
      api.multifactor.enable('duo', { allowRememberBrowser: false });
    }
  };`);
  ws.write('new-device.json', JSON.stringify({ riskAssessment: { confidence: 'low', assessments: { NewDevice: { confidence: 'low', code: 'no_match' } } } }));
  ws.write('new-device-event.json', JSON.stringify({ authentication: { riskAssessment: { assessments: { NewDevice: { confidence: 'low', code: 'no_match' } } } } }));
  ws.write('config.json', JSON.stringify(DUO_CONFIGURATION));
  // Weekday-only access, judged on the login's day in UTC as Auth0's servers see it.
  ws.write('rules/weekdays-only.js', `function weekdaysOnly(user, context, callback) {
    const day = new Date().getUTCDay();
    if (day === 0 || day === 6) return callback(new UnauthorizedError('This app is available on weekdays only'));
    callback(null, user, context);
  }`);
  ws.write('rules/password-age.js', `function passwordAge(user, context, callback) {
    const days = (Date.now() - Date.parse(user.last_password_reset)) / 86400000;
    console.log('password age', Math.floor(days), 'days; Date() is', Date().slice(0, 15), '; module sees', require('clock-reader')().slice(0, 10));
    if (days > 365) return callback(new UnauthorizedError('Password expired'));
    callback(null, user, context);
  }`);
  ws.write('node_modules/clock-reader/package.json', '{ "name": "clock-reader", "main": "index.js" }');
  ws.write('node_modules/clock-reader/index.js', 'module.exports = () => new Date().toISOString();');
  ws.write('actions/weekdays-only/code.js', `exports.onExecutePostLogin = async (event, api) => {
    const day = new Date(Date.now()).getUTCDay();
    if (day === 0 || day === 6) api.access.deny('weekdays only');
  };`);
  ws.write('rules/show-inputs.js', `function showInputs(user, context, callback) {
    console.log(JSON.stringify({ app_metadata: 'app_metadata' in user, email: user.email, name: user.name ?? null, request: 'request' in context, roles: context.authorization.roles }));
    callback(null, user, context);
  }`);
  ws.write('partial-user.json', JSON.stringify({ email: 'sam@example.org', app_metadata: null }));
  ws.write('no-request.json', JSON.stringify({ request: null, authorization: { roles: ['auditor'] } }));
  ws.write('rules/save-last-seen.js', `function saveLastSeen(user, context, callback) {
    user.app_metadata = user.app_metadata || {};
    user.app_metadata.last_seen_client = context.clientID;
    auth0.users.updateAppMetadata(user.user_id, user.app_metadata)
      .then(() => callback(null, user, context))
      .catch((err) => {
        console.log('could not save app_metadata:', err.message);
        callback(new UnauthorizedError('Profile could not be saved, try again'));
      });
  }`);
  ws.write('rules/save-preferences.js', `function savePreferences(user, context, callback) {
    auth0.users.updateUserMetadata(user.user_id, { theme: 'dark' }, function (err, saved) {
      if (err) return callback(err);
      console.log('saved', JSON.stringify(saved));
      callback(null, user, context);
    });
  }`);
  ws.write('rules/vpn-check.js', `function vpnCheck(user, context, callback) {
    const request = require('request@2.88.0');
    request.get({ url: 'https://ip-reputation.example.com/check/' + context.request.ip, json: true }, (err, response, body) => {
      if (err) return callback(err);
      if (body.vpn) return callback(new UnauthorizedError('Logins through a VPN are not allowed'));
      callback(null, user, context);
    });
  }`);
  ws.write('actions/vpn-check/code.js', `const axios = require('axios');
  exports.onExecutePostLogin = async (event, api) => {
    const { data } = await axios.get('https://ip-reputation.example.com/check/' + event.request.ip);
    if (data.vpn) api.access.deny('Logins through a VPN are not allowed');
  };`);
  ws.write('stubs/request.js', `console.log('request stub loaded');
  module.exports = {
    get(options, done) {
      setTimeout(() => done(null, { statusCode: 200 }, { ip: options.url.split('/').pop(), vpn: true }), 1);
    },
  };`);
  ws.write('stubs/axios.js', 'module.exports = { get: async (url) => ({ status: 200, data: { vpn: url.endsWith("203.0.113.24") } }) };');
  ws.write('mocks/reject.json', JSON.stringify({ 'auth0.users.updateAppMetadata': { reject: 'Management API rate limit reached' } }));
  ws.write('mocks/resolve.json', JSON.stringify({ 'auth0.users.updateUserMetadata': { resolve: { theme: 'dark', saved: true } } }));
  ws.write('mocks/reject-callback.json', JSON.stringify({ 'auth0.users.updateUserMetadata': { reject: 'user not found' } }));
  ws.write('mocks/modules.json', JSON.stringify({ modules: { request: '../stubs/request.js', axios: '../stubs/axios.js' } }));
  ws.write('mocks/typo.json', JSON.stringify({ 'auth0.users.updateAppMetdata': { reject: 'x' } }));
  ws.write('social-user.json', JSON.stringify({ identities: [{ connection: 'google-oauth2', isSocial: true, provider: 'google-oauth2', user_id: '1090' }] }));
});
after(() => ws.remove());

describe('outcomes as Auth0 decides them', () => {
  test('callback(new Error(m)) is a denial (exit 0) with the error\'s name and message, like UnauthorizedError', async () => {
    const { code, result, stderr } = await runJson(['rules/no-social-signup.js', '--context', 'social-first-login.json', '--user', 'social-user.json']);
    assert.equal(code, 0, stderr);
    assert.equal(result.outcome, 'denied');
    assert.deepEqual(result.error, { name: 'Error', message: 'Signup disabled' });
    const text = await runCli(['rules/no-social-signup.js', '--context', 'social-first-login.json', '--user', 'social-user.json']);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /: denied in [\d.]+ ms\nDenied: Signup disabled\n/);
  });

  test('the same rule completes for a returning database user', async () => {
    const { code, result } = await runJson(['rules/no-social-signup.js']);
    assert.equal(code, 0);
    assert.equal(result.outcome, 'completed');
  });
});

describe('realistic defaults', () => {
  test('a SAML attribute-mapping rule runs clean on a samlp login: samlConfiguration is there to write into', async () => {
    const { code, result, stderr } = await runJson(['rules/saml-mappings.js', '--context', 'saml-login.json']);
    assert.equal(code, 0, stderr);
    assert.equal(result.outcome, 'completed', JSON.stringify(result.error));
    assert.equal(result.context.samlConfiguration.lifetimeInSeconds, 600);
    assert.equal(result.context.samlConfiguration.mappings['http://schemas.example.com/claims/plan'], 'app_metadata.plan');
    assert.equal(result.context.samlConfiguration.signatureAlgorithm, 'rsa-sha256', 'the other add-on settings stay');
  });

  test('samlConfiguration exists only for SAML and WS-Fed logins', () => {
    assert.equal(createDefaultContext().samlConfiguration, undefined);
    assert.equal(typeof createDefaultContext({ protocol: 'wsfed' }).samlConfiguration, 'object');
    assert.equal(typeof createDefaultContext({ protocol: 'samlp' }).samlConfiguration, 'object');
  });

  test('an adaptive-MFA rule runs clean on the defaults (a known device) and requires Duo for a new device', async () => {
    const quiet = await runJson(['rules/adaptive-duo.js', '--configuration', 'config.json']);
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(quiet.result.outcome, 'completed', JSON.stringify(quiet.result.error));
    assert.equal(quiet.result.multifactor, null);
    const risky = await runJson(['rules/adaptive-duo.js', '--configuration', 'config.json', '--context', 'new-device.json']);
    assert.equal(risky.result.outcome, 'completed', JSON.stringify(risky.result.error));
    assert.equal(risky.result.multifactor?.provider, 'duo');
    assert.equal(risky.result.context.riskAssessment.assessments.UntrustedIP.code, 'not_found_on_deny_list', 'the other assessments stay');
  });

  test('an adaptive-MFA Action reads event.authentication.riskAssessment', async () => {
    const quiet = await runJson(['actions/adaptive-duo/code.js']);
    assert.equal(quiet.result.outcome, 'completed', JSON.stringify(quiet.result.error));
    assert.equal(quiet.result.multifactor, null);
    const risky = await runJson(['actions/adaptive-duo/code.js', '--event', 'new-device-event.json']);
    assert.equal(risky.result.outcome, 'completed', JSON.stringify(risky.result.error));
    assert.equal(risky.result.multifactor?.provider, 'duo');
  });

  // What Auth0's documentation lists for a rule's user and context and a post-login event. Fields
  // Auth0 sets only in some logins (primaryUser for linked accounts, organization, redirect,
  // multifactor set by a rule, an enterprise connection's tenant_domain) are left out of the defaults.
  type Kind = 'string' | 'number' | 'boolean' | 'object' | 'array';
  const kindOf = (value: unknown): string => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);
  function checkShape(value: unknown, shape: Record<string, Kind | Record<string, unknown>>, path: string): void {
    assert.equal(kindOf(value), 'object', `${path} is an object`);
    for (const [key, expected] of Object.entries(shape)) {
      const field = (value as Record<string, unknown>)[key];
      if (typeof expected === 'string') assert.equal(kindOf(field), expected, `${path}.${key} is ${expected}`);
      else checkShape(field, expected as Record<string, Kind>, `${path}.${key}`);
    }
  }
  const assessment = { confidence: 'string', code: 'string' } as const;
  const riskAssessment = { confidence: 'string', version: 'string', assessments: { UntrustedIP: assessment, NewDevice: assessment, ImpossibleTravel: assessment } } as const;

  test('the default user has the documented fields with the right types', () => {
    checkShape(createDefaultUser(), {
      user_id: 'string', email: 'string', email_verified: 'boolean', name: 'string', nickname: 'string', given_name: 'string',
      family_name: 'string', username: 'string', picture: 'string', phone_number: 'string', phone_verified: 'boolean',
      created_at: 'string', updated_at: 'string', last_password_reset: 'string', last_ip: 'string', last_login: 'string',
      logins_count: 'number', blocked: 'boolean', identities: 'array', app_metadata: 'object', user_metadata: 'object',
      multifactor: 'array', permissions: 'array',
    }, 'user');
    const identity = (createDefaultUser().identities as unknown[])[0];
    checkShape(identity, { connection: 'string', isSocial: 'boolean', provider: 'string', user_id: 'string' }, 'user.identities[0]');
  });

  test('the default Rules context has the documented fields with the right types', () => {
    const context = createDefaultContext();
    checkShape(context, {
      tenant: 'string', clientID: 'string', clientName: 'string', clientMetadata: 'object', connectionID: 'string', connection: 'string',
      connectionStrategy: 'string', connectionOptions: 'object', connectionMetadata: 'object', protocol: 'string', riskAssessment,
      stats: { loginsCount: 'number' }, sso: { with_auth0: 'boolean', with_dbconn: 'boolean', current_clients: 'array' },
      accessToken: { scope: 'array' }, idToken: 'object', sessionID: 'string',
      request: {
        userAgent: 'string', ip: 'string', hostname: 'string', query: 'object', body: 'object',
        geoip: {
          country_code: 'string', country_code3: 'string', country_name: 'string', city_name: 'string', latitude: 'number', longitude: 'number',
          time_zone: 'string', continent_code: 'string', subdivision_code: 'string', subdivision_name: 'string',
        },
      },
      authentication: { methods: 'array' }, authorization: { roles: 'array' },
    }, 'context');
    for (const value of Object.values(context.clientMetadata as object)) assert.equal(typeof value, 'string', 'clientMetadata holds strings only');
    const method = ((context.authentication as { methods: unknown[] }).methods)[0];
    checkShape(method, { name: 'string', timestamp: 'number' }, 'context.authentication.methods[0]');
  });

  test('the default post-login event has the documented fields with the right types', () => {
    checkShape(createDefaultEvent(), {
      user: 'object', secrets: 'object',
      client: { client_id: 'string', name: 'string', metadata: 'object' },
      connection: { id: 'string', name: 'string', strategy: 'string', metadata: 'object' },
      transaction: { protocol: 'string', requested_scopes: 'array', acr_values: 'array', ui_locales: 'array', locale: 'string', redirect_uri: 'string', response_type: 'array' },
      tenant: { id: 'string' }, stats: { logins_count: 'number' },
      request: {
        ip: 'string', hostname: 'string', method: 'string', language: 'string', user_agent: 'string', query: 'object', body: 'object',
        geoip: {
          countryCode: 'string', countryCode3: 'string', countryName: 'string', cityName: 'string', latitude: 'number', longitude: 'number',
          timeZone: 'string', continentCode: 'string', subdivisionCode: 'string', subdivisionName: 'string',
        },
      },
      authentication: { methods: 'array', riskAssessment }, authorization: { roles: 'array' }, session: { id: 'string' },
    }, 'event');
  });
});

describe('clock: --now', () => {
  const MONDAY = '2026-11-30T12:00:00Z';
  const SATURDAY = '2026-12-05T12:00:00Z';

  test('a weekday rule is allowed with --now on a Monday and denied on a Saturday; the result records the clock', async () => {
    const monday = await runJson(['rules/weekdays-only.js', '--now', MONDAY]);
    assert.equal(monday.code, 0, monday.stderr);
    assert.equal(monday.result.outcome, 'completed', JSON.stringify(monday.result.error));
    assert.deepEqual(monday.result.clock, { start: '2026-11-30T12:00:00.000Z', given: true });
    const saturday = await runJson(['rules/weekdays-only.js', '--now', SATURDAY]);
    assert.equal(saturday.code, 0);
    assert.equal(saturday.result.outcome, 'denied');
    assert.equal(saturday.result.error.message, 'This app is available on weekdays only');
    const text = await runCli(['rules/weekdays-only.js', '--now', SATURDAY]);
    assert.match(text.stdout, /\n {2}clock: started at 2026-12-05T12:00:00\.000Z\n/);
  });

  test('the same in an Action', async () => {
    assert.equal((await runJson(['actions/weekdays-only/code.js', '--now', MONDAY])).result.outcome, 'completed');
    const saturday = await runJson(['actions/weekdays-only/code.js', '--now', SATURDAY]);
    assert.equal(saturday.result.outcome, 'denied');
    assert.deepEqual(saturday.result.clock, { start: '2026-12-05T12:00:00.000Z', given: true });
  });

  test('Date.now(), Date() and the npm modules the rule requires all see the chosen instant', async () => {
    // The default user's last password reset is 2025-06-03.
    const recent = await runJson(['rules/password-age.js', '--now', '2025-07-03']);
    assert.equal(recent.result.outcome, 'completed', JSON.stringify(recent.result.error));
    assert.match(recent.result.logs[0], /^password age (29|30) days; Date\(\) is \w{3} Jul 0[23] 2025 ; module sees 2025-07-03$/);
    const old = await runJson(['rules/password-age.js', '--now', '2027-01-01T00:00:00+00:00']);
    assert.equal(old.result.outcome, 'denied');
  });

  test('without --now the real clock runs and the result says so', async () => {
    const before = Date.now();
    const { result } = await runJson(['rules/weekdays-only.js']);
    assert.equal(result.clock.given, false);
    assert.ok(Math.abs(Date.parse(result.clock.start) - before) < 60_000, result.clock.start);
  });

  test('the rules of a deploy-cli directory share the chosen clock', async () => {
    ws.write('pipeline/rules/a-stamp.json', JSON.stringify({ name: 'stamp', order: 1, stage: 'login_success', script: './a-stamp.js' }));
    ws.write('pipeline/rules/a-stamp.js', 'function (u, c, cb) { c.idToken.seen = new Date().toISOString().slice(0, 10); cb(null, u, c); }');
    ws.write('pipeline/rules/b-weekdays.json', JSON.stringify({ name: 'weekdays', order: 2, stage: 'login_success', script: '../../rules/weekdays-only.js' }));
    const { result } = await runJson(['pipeline', '--now', SATURDAY]);
    assert.equal(result.outcome, 'denied');
    assert.equal(result.rule, 'weekdays');
    assert.equal(result.context.idToken.seen, '2026-12-05');
    assert.deepEqual(result.clock, { start: '2026-12-05T12:00:00.000Z', given: true });
  });

  test('a --now that is not an ISO-8601 date is a usage error (exit 2)', async () => {
    const { code, stderr } = await runCli(['rules/weekdays-only.js', '--now', 'next monday']);
    assert.equal(code, 2);
    assert.match(stderr, /--now must be an ISO-8601 date or date-time/);
  });
});

describe('inputs: one merging rule', () => {
  test('--user is merged over the default user and null removes a default key', async () => {
    const { result } = await runJson(['rules/show-inputs.js', '--user', 'partial-user.json', '--context', 'no-request.json']);
    assert.equal(result.outcome, 'completed', JSON.stringify(result.error));
    assert.deepEqual(JSON.parse(result.logs[0]), { app_metadata: false, email: 'sam@example.org', name: 'Jamie Rivera', request: false, roles: ['auditor'] });
    assert.equal(result.user.user_id, 'auth0|65a1f3c2b7e4d90012ab34cd', 'the default user_id stays');
  });

  test('--user-replace starts from an empty user', async () => {
    const { result } = await runJson(['rules/show-inputs.js', '--user', 'partial-user.json', '--user-replace']);
    assert.deepEqual(JSON.parse(result.logs[0]), { app_metadata: false, email: 'sam@example.org', name: null, request: true, roles: ['staff'] });
    assert.deepEqual(result.user, { email: 'sam@example.org' });
  });
});

describe('mocks: --mocks', () => {
  test('a metadata update rejected by --mocks reaches the rule\'s error path; the call is still recorded', async () => {
    const plain = await runJson(['rules/save-last-seen.js']);
    assert.equal(plain.result.outcome, 'completed', 'by default the update succeeds');
    assert.equal(plain.result.mocks, null);
    const { code, result } = await runJson(['rules/save-last-seen.js', '--mocks', 'mocks/reject.json']);
    assert.equal(code, 0);
    assert.equal(result.outcome, 'denied');
    assert.equal(result.error.message, 'Profile could not be saved, try again');
    assert.deepEqual(result.logs, ['could not save app_metadata: Management API rate limit reached']);
    assert.equal(result.calls.length, 1);
    assert.equal(result.calls[0].name, 'auth0.users.updateAppMetadata');
    assert.equal(result.calls[0].args[1].last_seen_client, 'k3Vb9XqT2mLw8RfJ4nYp6sHc1dGa5uEz');
    assert.deepEqual(result.mocks, { file: 'mocks/reject.json', functions: { 'auth0.users.updateAppMetadata': 'reject' }, modules: {} });
  });

  test('callback-style calls get the mocked error or value too', async () => {
    const resolved = await runJson(['rules/save-preferences.js', '--mocks', 'mocks/resolve.json']);
    assert.equal(resolved.result.outcome, 'completed');
    assert.deepEqual(resolved.result.logs, ['saved {"theme":"dark","saved":true}']);
    const rejected = await runJson(['rules/save-preferences.js', '--mocks', 'mocks/reject-callback.json']);
    assert.equal(rejected.result.outcome, 'denied');
    assert.deepEqual(rejected.result.error, { name: 'Error', message: 'user not found' });
  });

  test('a module stub replaces request (resolved from the mocks file\'s folder, versioned require too)', async () => {
    const missing = await runJson(['rules/vpn-check.js']);
    assert.equal(missing.result.outcome, 'error');
    assert.match(missing.result.error.message, /Cannot find module 'request'/);
    const { code, result } = await runJson(['rules/vpn-check.js', '--mocks', 'mocks/modules.json']);
    assert.equal(code, 0);
    assert.equal(result.outcome, 'denied', JSON.stringify(result.error));
    assert.equal(result.error.message, 'Logins through a VPN are not allowed');
    assert.deepEqual(result.logs, ['request stub loaded'], 'the stub logs through the run');
    assert.deepEqual(result.mocks.modules, { request: '../stubs/request.js', axios: '../stubs/axios.js' });
    const text = await runCli(['rules/vpn-check.js', '--mocks', 'mocks/modules.json']);
    assert.match(text.stdout, /\n {2}mocks: mocks\/modules\.json \(request from \.\.\/stubs\/request\.js, axios from \.\.\/stubs\/axios\.js\)\n/);
  });

  test('an Action\'s axios is stubbed the same way', async () => {
    const { result } = await runJson(['actions/vpn-check/code.js', '--mocks', 'mocks/modules.json']);
    assert.equal(result.outcome, 'denied', JSON.stringify(result.error));
  });

  test('a stub outside the workspace, a missing stub, a FIFO stub and an unknown key are input errors (exit 2)', async () => {
    const outside = createWorkspace();
    try {
      const stub = outside.write('evil.js', 'module.exports = {};');
      ws.write('mocks/outside.json', JSON.stringify({ modules: { request: stub } }));
      const out = await runCli(['rules/vpn-check.js', '--mocks', 'mocks/outside.json']);
      assert.equal(out.code, 2);
      assert.match(out.stderr, /the stub of module "request" .* is outside the workspace folder/);
    } finally {
      outside.remove();
    }
    ws.write('mocks/missing.json', JSON.stringify({ modules: { request: './nope.js' } }));
    const missing = await runCli(['rules/vpn-check.js', '--mocks', 'mocks/missing.json']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /the stub of module "request" \(\.\/nope\.js\): file not found/);
    // A FIFO as a stub would block the read until a writer comes: refused like the other inputs.
    const made = spawnSync('mkfifo', [join(ws.root, 'stubs/fifo.js')]);
    assert.equal(made.status, 0, `mkfifo: ${made.stderr}`);
    ws.write('mocks/fifo.json', JSON.stringify({ modules: { request: '../stubs/fifo.js' } }));
    const fifo = await runCli(['rules/vpn-check.js', '--mocks', 'mocks/fifo.json']);
    assert.equal(fifo.code, 2);
    assert.match(fifo.stderr, /the stub of module "request" \(\.\.\/stubs\/fifo\.js\): is a FIFO, not a regular file/);
    const typo = await runCli(['rules/save-last-seen.js', '--mocks', 'mocks/typo.json']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /unknown key "auth0\.users\.updateAppMetdata"/);
  });
});
