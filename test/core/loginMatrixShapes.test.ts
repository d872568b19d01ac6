// Gate shapes the login matrix reads, so the check runs the logins a Rule sends to Duo through them: destructured
// inputs, the Rule's helper functions, an index into an input list, `includes` after a case change, a default
// object around an input, modulo, callbacks over an input list, tables filled after their declaration, and
// `indexOf` read as a truth value.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyLogin, describeLogin, findConditionInputs, withUnequalValues, type Dimension } from '../../server/src/analysis/loginMatrix';
import { buildModel } from '../../server/src/analysis/model';

const rule = (body: string): string =>
  `function (user, context, callback) {\n${body}\n  context.multifactor = { provider: 'duo', ikey: configuration.I, skey: configuration.S, host: configuration.H };\n  callback(null, user, context);\n}`;

function dimension(source: string, path: string): Omit<Dimension, 'path'> | undefined {
  const found = findConditionInputs([buildModel(source)]).dimensions.find((d) => d.path.join('.') === path);
  return found && { equals: found.equals, contains: found.contains, truthy: found.truthy };
}

describe('the login matrix reads more gate shapes', () => {
  test("lodash's _.get(input, 'a.b', default) reads the input at that path, written as a string or a list", () => {
    assert.deepEqual(dimension(rule(`  const _ = require('lodash');\n  if (_.get(user, 'app_metadata.tier') !== 'gold') return callback(null, user, context);`), 'user.app_metadata.tier')?.equals, ['gold']);
    assert.deepEqual(dimension(rule(`  const _ = require('lodash');\n  const query = _.get(context, ['request', 'query'], {});\n  if (query.acr_values !== 'mfa') return callback(null, user, context);`), 'context.request.query.acr_values')?.equals, ['mfa']);
    // A path the code builds is not read.
    assert.equal(dimension(rule(`  const _ = require('lodash');\n  if (_.get(user, 'app_metadata.' + context.clientID) !== 'gold') return callback(null, user, context);`), 'user.app_metadata'), undefined);
  });

  test('a destructured input: the name stands for its input, nested patterns and defaults too', () => {
    assert.deepEqual(dimension(rule(`  const { clientID } = context;\n  if (clientID !== 'app-123') return callback(null, user, context);`), 'context.clientID')?.equals, ['app-123']);
    assert.equal(dimension(rule(`  const { app_metadata = {} } = user;\n  if (!app_metadata.mfa_enabled) return callback(null, user, context);`), 'user.app_metadata.mfa_enabled')?.truthy, true);
    assert.deepEqual(dimension(rule(`  const { request: { geoip } } = context;\n  if (geoip.country_code === 'US') return callback(null, user, context);`), 'context.request.geoip.country_code')?.equals, ['US']);
  });

  test("a helper function's parameter stands for the input the call gives it (declarations and arrows, inside or outside the Rule)", () => {
    const inside = rule(`  function needsMfa(u) { return u.email && u.email.endsWith('@corp.example'); }\n  if (!needsMfa(user)) return callback(null, user, context);`);
    assert.deepEqual(dimension(inside, 'user.email')?.contains, ['@corp.example']);
    const arrow = rule(`  const isAdminApp = (id, ctx) => id === 'admin-portal' || ctx.connection === 'corp-ad';\n  if (!isAdminApp(context.clientID, context)) return callback(null, user, context);`);
    assert.deepEqual(dimension(arrow, 'context.clientID')?.equals, ['admin-portal']);
    assert.deepEqual(dimension(arrow, 'context.connection')?.equals, ['corp-ad']);
    // An Action's helper outside its handler, given part of the event: read in Rule terms.
    const action = `const isAdminApp = function (client) { return client.client_id === 'admin-portal'; };\nexports.onExecutePostLogin = async (event, api) => {\n  if (!isAdminApp(event.client)) return;\n  api.multifactor.enable('duo');\n};\n`;
    assert.deepEqual(dimension(action, 'context.clientID')?.equals, ['admin-portal']);
    // Called before it is declared (hoisted).
    const hoisted = rule(`  if (!risky(context.request)) return callback(null, user, context);\n  function risky(req) { return req.geoip.country_code !== 'US'; }`);
    assert.deepEqual(dimension(hoisted, 'context.request.geoip.country_code')?.equals, ['US']);
  });

  test('a numeric index into an input list is a path segment, and the login puts an element there', () => {
    const source = rule(`  if (user.identities[0].provider !== 'google-oauth2') return callback(null, user, context);`);
    assert.deepEqual(dimension(source, 'user.identities.0.provider')?.equals, ['google-oauth2']);
    const setting = { path: ['user', 'identities', '0', 'provider'], value: 'google-oauth2' };
    assert.deepEqual(applyLogin({ identities: [{ provider: 'auth0', user_id: '1' }] }, {}, { settings: [setting] }).user.identities, [{ provider: 'google-oauth2', user_id: '1' }]);
    assert.deepEqual(applyLogin({}, {}, { settings: [setting] }).user.identities, [{ provider: 'google-oauth2' }]);
    assert.equal(describeLogin([setting]), 'user.identities[0].provider = "google-oauth2"');
  });

  test('includes and indexOf after a case change or trim look inside the input', () => {
    for (const read of ['context.clientName.toLowerCase().includes(\'admin\')', 'context.clientName.trim().toUpperCase().indexOf(\'admin\') !== -1']) {
      assert.deepEqual(dimension(rule(`  if (!${read}) return callback(null, user, context);`), 'context.clientName')?.contains, ['admin'], read);
    }
  });

  test('an input read through a default object goes on to its field', () => {
    assert.equal(dimension(rule(`  if (!(user.app_metadata || {}).mfa_enabled) return callback(null, user, context);`), 'user.app_metadata.mfa_enabled')?.truthy, true);
    assert.deepEqual(dimension(rule(`  if ((context.request.query ?? {}).prompt !== 'login') return callback(null, user, context);`), 'context.request.query.prompt')?.equals, ['login']);
  });

  test('modulo by a literal: a multiple and a non-multiple, and a number leaving the compared remainder', () => {
    assert.deepEqual(dimension(rule(`  if (context.stats.loginsCount % 10 !== 0) return callback(null, user, context);`), 'context.stats.loginsCount')?.equals, [10, 11]);
    assert.deepEqual(dimension(rule(`  if (context.stats.loginsCount % 7 === 3) return callback(null, user, context);`), 'context.stats.loginsCount')?.equals, [10, 7, 8]);
  });

  test("a callback's parameter over an input list: what it is compared with, or looked up in, is tried as an item of the list", () => {
    assert.deepEqual(dimension(rule(`  if (!(context.authorization.roles || []).some((r) => r.startsWith('admin'))) return callback(null, user, context);`), 'context.authorization.roles'), { equals: [], contains: ['admin'], truthy: false });
    const table = rule(`  const TIERS = { 'payroll-admins': 'duo', 'hr-admins': 'duo' };\n  const groups = user.groups || [];\n  if (!groups.find((g) => TIERS[g])) return callback(null, user, context);`);
    assert.deepEqual(dimension(table, 'user.groups')?.contains, ['payroll-admins', 'hr-admins']);
    const loop = rule(`  for (const g of user.groups) { if (g === 'admins' || /^ops-/.test(g)) { context.multifactor = true; } }`);
    assert.deepEqual(dimension(loop, 'user.groups')?.contains, ['admins', 'ops-']);
    // The same name over a table of the Rule afterwards is an element of that table, not of the list.
    const reused = rule(`  if (!user.groups.some((x) => x === 'admins')) return callback(null, user, context);\n  if (!['crm-app'].some((x) => x === context.clientID)) return callback(null, user, context);`);
    assert.deepEqual(dimension(reused, 'context.clientID')?.equals, ['crm-app']);
    assert.deepEqual(dimension(reused, 'user.groups')?.contains, ['admins']);
  });

  test('a table filled after its declaration: assignments by key, Set#add, Array#push, Map#set', () => {
    const shapes = [
      `  const MFA_APPS = {};\n  MFA_APPS['app-123'] = true;\n  MFA_APPS.app456 = true;\n  if (!MFA_APPS[context.clientID]) return callback(null, user, context);`,
      `  const MFA_APPS = new Set();\n  MFA_APPS.add('app-123');\n  MFA_APPS.add('app456');\n  if (!MFA_APPS.has(context.clientID)) return callback(null, user, context);`,
      `  const MFA_APPS = ['app-123'];\n  MFA_APPS.push('app456');\n  if (MFA_APPS.indexOf(context.clientID) === -1) return callback(null, user, context);`,
      `  const MFA_APPS = new Map();\n  MFA_APPS.set('app-123', 'duo').set('ignored-chained', 'duo');\n  MFA_APPS.set('app456', 'duo');\n  if (MFA_APPS.get(context.clientID) !== 'duo') return callback(null, user, context);`,
    ];
    for (const source of shapes) assert.deepEqual(dimension(rule(source), 'context.clientID')?.equals, ['app-123', 'app456'], source);
    // A table filled from values the text does not show gains nothing.
    assert.equal(dimension(rule(`  const MFA_APPS = {};\n  for (const id of loadApps()) MFA_APPS[id] = true;\n  if (!MFA_APPS[context.clientID]) return callback(null, user, context);`), 'context.clientID'), undefined);
  });

  test('indexOf read as a truth value: a list with another item is tried too (it is true when the item is absent)', () => {
    assert.deepEqual(dimension(rule(`  if (user.groups && user.groups.indexOf('okta_mfa')) return callback(null, user, context);`), 'user.groups')?.contains, ['okta_mfa', 'other']);
    // Compared with -1 it means what it says: only the item is tried.
    assert.deepEqual(dimension(rule(`  if (user.groups.indexOf('okta_mfa') === -1) return callback(null, user, context);`), 'user.groups')?.contains, ['okta_mfa']);
  });
});

describe('lists of objects', () => {
  test("a field of an input list's item compared in a callback is tried as an item holding it, also through a variable assigned in a branch", () => {
    const session = rule(`  let methods = [];\n  if (context.authentication && Array.isArray(context.authentication.methods)) {\n    methods = context.authentication.methods;\n  }\n  if (methods.find((m) => m.name === 'mfa')) return callback(null, user, context);`);
    assert.deepEqual(dimension(session, 'context.authentication.methods')?.contains, [{ name: 'mfa' }]);
    const nested = rule(`  if ((user.identities || []).some((i) => i.profileData.tier === 'gold' || /^corp-/.test(i.connection))) return callback(null, user, context);`);
    assert.deepEqual(dimension(nested, 'user.identities')?.contains, [{ profileData: { tier: 'gold' } }, { connection: 'corp-' }]);
  });
});

describe('email domains', () => {
  test("the last part of a variable holding user.email.split('@') is the domain; an allow-list holding the mock's domain also gets an address elsewhere", () => {
    const source = `function (user, context, callback) {\n  const ALLOWED = ['example.com', 'partner.example'];\n  const ok = ALLOWED.some(function (domain) {\n    var parts = user.email.split('@');\n    return parts[parts.length - 1].toLowerCase() === domain;\n  });\n  if (!ok) return callback(new UnauthorizedError('Access denied.'));\n  callback(null, user, context);\n}`;
    const inputs = findConditionInputs([buildModel(source)]);
    const email = inputs.dimensions.find((d) => d.path.join('.') === 'user.email');
    assert.deepEqual(email?.equals, ['someone@example.com', 'someone@partner.example']);
    const [withOther] = withUnequalValues([email!], { email: 'jamie.rivera@example.com' } as unknown, {}).map((d) => d.equals);
    assert.deepEqual(withOther, ['someone@example.com', 'someone@partner.example', 'someone@other-example.com']);
  });
});


