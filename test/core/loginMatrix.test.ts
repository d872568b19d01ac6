// The login matrix of the differential check: every literal the Rule's conditions compare against
// becomes a value to try, combinations are capped, the smallest logins come first, and the Action's
// event is the same login in Action terms.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyLogin, buildLoginMatrix, describeLogin, describeMatrixCap, findConditionDimensions, findConditionInputs, toActionEvent, withUnequalValues } from '../../server/src/analysis/loginMatrix';
import { buildModel } from '../../server/src/analysis/model';

const rule = `function (user, context, callback) {
  const APPS = ['app-one', 'app-two'];
  if (APPS.indexOf(context.clientID) === -1) return callback(null, user, context);
  if (context.connection === 'corp-ad' || context.connectionStrategy === 'waad') return callback(null, user, context);
  const roles = (context.authorization && context.authorization.roles) || [];
  if (roles.includes('admin') || (user.app_metadata && user.app_metadata.force_mfa)) {
    context.multifactor = { provider: 'duo', ikey: configuration.I, skey: configuration.S, host: configuration.H };
  }
  callback(null, user, context);
}`;

describe('findConditionDimensions', () => {
  const dims = findConditionDimensions([buildModel(rule)]);
  const byPath = new Map(dims.map((d) => [d.path.join('.'), d]));

  test('collects compared literals, list membership through aliases, flags and the always-tried inputs', () => {
    assert.deepEqual(byPath.get('context.clientID')?.equals, ['app-one', 'app-two']);
    assert.deepEqual(byPath.get('context.connection')?.equals, ['corp-ad']);
    assert.deepEqual(byPath.get('context.connectionStrategy')?.equals, ['waad']);
    assert.deepEqual(byPath.get('context.authorization.roles')?.contains, ['admin']);
    assert.equal(byPath.get('user.app_metadata.force_mfa')?.truthy, true);
    assert.deepEqual(byPath.get('context.protocol')?.equals, ['oauth2-refresh-token']);
    assert.deepEqual(byPath.get('user.email_verified')?.equals, [true, false]);
  });

  test('list elements compared one by one in a loop are tried too', () => {
    const looped = findConditionDimensions([buildModel(`function (user, context, callback) {
  var DENIED = ['old-crm', 'kiosk'];
  for (var i = 0; i < DENIED.length; i++) if (DENIED[i] === context.clientID) return callback(new UnauthorizedError('no'));
  for (const name of ['contractors', 'vendors']) { if (context.connection === name) return callback(new UnauthorizedError('no')); }
  callback(null, user, context);
}`)]);
    const paths = new Map(looped.map((d) => [d.path.join('.'), d]));
    assert.deepEqual(paths.get('context.clientID')?.equals, ['old-crm', 'kiosk']);
    assert.deepEqual(paths.get('context.connection')?.equals, ['contractors', 'vendors']);
  });

  test('every combination when few, at least 64 when the conditions allow, never more than the cap', () => {
    const all = buildLoginMatrix(dims, 100_000);
    // clientID 3 × connection 2 × strategy 2 × roles 2 × force_mfa 3 × protocol 2 × email_verified 3
    assert.equal(all.length, 3 * 2 * 2 * 2 * 3 * 2 * 3);
    assert.ok(all.length >= 64);
    assert.deepEqual(all[0].settings, [], 'the default login comes first');
    const capped = buildLoginMatrix(dims, 100);
    assert.equal(capped.length, 100);
    assert.equal(new Set(capped.map((c) => JSON.stringify(c.settings))).size, 100, 'no login twice');
    // Each single change is in, right after the default, so a divergence has a one-setting login if one exists.
    assert.ok(capped.slice(1, 11).every((c) => c.settings.length === 1));
    assert.deepEqual(new Set(capped.slice(1, 11).map((c) => c.settings[0].path.join('.'))).size, 7, 'every input changed alone');
    assert.deepEqual(buildLoginMatrix(dims, 100), capped, 'the same logins every time');
  });

  test('a login applies over the mock and maps to the Action event', () => {
    const login = { settings: [{ path: ['context', 'clientID'], value: 'app-two' }, { path: ['context', 'authorization', 'roles'], value: 'admin', contains: true }, { path: ['context', 'request', 'userAgent'], value: 'curl' }] };
    const { user, context } = applyLogin({ email: 'a@example.com' }, { clientID: 'x', request: { ip: '1.2.3.4' } }, login);
    assert.deepEqual(context.authorization, { roles: ['admin'] });
    const event = toActionEvent(user, context, { client: { client_id: 'x', name: 'n' }, request: {} });
    assert.deepEqual(event.client, { client_id: 'app-two', name: 'n' });
    assert.deepEqual(event.authorization, { roles: ['admin'] });
    assert.deepEqual(event.request, { ip: '1.2.3.4', user_agent: 'curl' });
    assert.deepEqual(event.user, { email: 'a@example.com' });
    assert.equal(describeLogin(login.settings), 'context.clientID = "app-two", context.authorization.roles contains "admin", context.request.userAgent = "curl"');
  });
});

describe('findConditionDimensions: inputs looked up in the Rule\'s own tables', () => {
  const equalsOf = (source: string, path: string, configuration?: Parameters<typeof findConditionInputs>[1]): unknown[] | undefined =>
    findConditionInputs([buildModel(source)], configuration).dimensions.find((d) => d.path.join('.') === path)?.equals;
  const rule = (body: string): string => `function (user, context, callback) {\n${body}\n  context.multifactor = { provider: 'duo', ikey: configuration.I, skey: configuration.S, host: configuration.H };\n  callback(null, user, context);\n}`;

  test('an object literal looked up by key (TABLE[x], !TABLE[x], x in TABLE, hasOwnProperty, Object.hasOwn)', () => {
    const table = `  var MFA_CLIENTS = { 'crm-app': true, "payroll-app": true, hr: { level: 2 } };\n`;
    for (const test of ['!MFA_CLIENTS[context.clientID]', '!(context.clientID in MFA_CLIENTS)', '!MFA_CLIENTS.hasOwnProperty(context.clientID)', '!Object.hasOwn(MFA_CLIENTS, context.clientID)', '!Object.prototype.hasOwnProperty.call(MFA_CLIENTS, context.clientID)', 'Object.keys(MFA_CLIENTS).indexOf(context.clientID) < 0']) {
      assert.deepEqual(equalsOf(rule(`${table}  if (${test}) return callback(null, user, context);`), 'context.clientID'), ['crm-app', 'payroll-app', 'hr'], test);
    }
  });

  test('array literals, Sets, Maps and a nested policy object, bound at the top of the function or outside it', () => {
    assert.deepEqual(equalsOf(rule(`  const APPS = ['crm-app', 'payroll-app'];\n  if (!APPS.includes(context.clientID)) return callback(null, user, context);`), 'context.clientID'), ['crm-app', 'payroll-app']);
    assert.deepEqual(equalsOf(rule(`  const APPS = new Set(['crm-app', 'payroll-app']);\n  if (!APPS.has(context.clientID)) return callback(null, user, context);`), 'context.clientID'), ['crm-app', 'payroll-app']);
    assert.deepEqual(equalsOf(rule(`  const LEVELS = new Map([['corp-ad', 'duo'], ['partners', 'none']]);\n  if (LEVELS.get(context.connection) !== 'duo' && !LEVELS.has(context.connection)) return callback(null, user, context);`), 'context.connection'), ['corp-ad', 'partners']);
    const nested = rule(`  var POLICY = { apps: ['crm-app'], connections: { 'corp-ad': 'duo', social: 'none' } };\n  if (POLICY.apps.indexOf(context.clientID) === -1) return callback(null, user, context);\n  if (POLICY.connections[context.connection] !== 'duo') return callback(null, user, context);`);
    assert.deepEqual(equalsOf(nested, 'context.clientID'), ['crm-app']);
    assert.deepEqual(equalsOf(nested, 'context.connection'), ['corp-ad', 'social']);
    // A table built from another, and a lookup through a loop over an array of objects.
    const derived = rule(`  var BASE = ['crm-app'];\n  var ALL = BASE.concat(['payroll-app']);\n  var APPS = [{ id: 'hr-app', duo: true }];\n  if (!ALL.includes(context.clientID) && !APPS.some(function (a) { return a.id === context.clientID && a.duo; })) return callback(null, user, context);`);
    assert.deepEqual(equalsOf(derived, 'context.clientID'), ['crm-app', 'payroll-app', 'hr-app']);
  });

  test('the domain of user.email looked up in a table is tried as an address at that domain', () => {
    const source = rule(`  var DOMAINS = { 'corp.example': 'duo' };\n  var domain = user.email.split('@')[1].toLowerCase();\n  if (!DOMAINS[domain]) return callback(null, user, context);`);
    assert.deepEqual(equalsOf(source, 'user.email'), ['someone@corp.example']);
  });

  test('a list read from configuration is tried with the values the check runs with, and what it cannot read is noted', () => {
    const split = rule(`  var list = configuration.MFA_CLIENTS.split(',').map(function (s) { return s.trim(); });\n  if (list.indexOf(context.clientID) === -1) return callback(null, user, context);`);
    assert.deepEqual(equalsOf(split, 'context.clientID', { values: { MFA_CLIENTS: 'crm-app, payroll-app' } }), ['crm-app', ' payroll-app', 'payroll-app']);
    const json = rule(`  const { POLICY } = configuration;\n  const policy = JSON.parse(POLICY);\n  if (!policy.duoClients[context.clientID]) return callback(null, user, context);`);
    assert.deepEqual(equalsOf(json, 'context.clientID', { values: { POLICY: '{"duoClients":{"crm-app":1}}' } }), ['crm-app']);

    const unset = findConditionInputs([buildModel(json)], { values: {} });
    assert.equal(unset.dimensions.find((d) => d.path.join('.') === 'context.clientID'), undefined);
    assert.deepEqual(unset.notes, [{ kind: 'not-tried', message: 'logins where context.clientID is in JSON.parse(POLICY) were not tried: configuration.POLICY has no value in the check.' }]);
    // The check's stand-in is no JSON: that says the key had no value; a given value that is no JSON says so.
    const standInJson = findConditionInputs([buildModel(json)], { values: { POLICY: 'POLICY-value' }, standIns: ['POLICY'] });
    assert.deepEqual(standInJson.notes, unset.notes);
    const invalid = findConditionInputs([buildModel(json)], { values: { POLICY: 'crm-app' } });
    assert.match(invalid.notes[0]?.message ?? '', /^logins where context\.clientID is in JSON\.parse\(POLICY\) were not tried: the value given for configuration\.POLICY cannot be read that way/);
    const standIn = findConditionInputs([buildModel(split)], { values: { MFA_CLIENTS: 'MFA_CLIENTS-value' }, standIns: ['MFA_CLIENTS'] });
    assert.deepEqual(standIn.dimensions.find((d) => d.path.join('.') === 'context.clientID')?.equals, ['MFA_CLIENTS-value']);
    assert.equal(standIn.notes[0]?.kind, 'stand-in');
    assert.match(standIn.notes[0]?.message ?? '', /context\.clientID was tried only with the stand-in item of configuration\.MFA_CLIENTS\.split\(','\)/);
  });

  test('a lower-cased input is looked up as itself, but a method call on an input is not read as a flag', () => {
    const source = rule(`  var APPS = { 'crm portal': true };\n  if (!APPS[context.clientName.toLowerCase()] || !user.app_metadata.plan.trim()) return callback(null, user, context);`);
    const dims = findConditionDimensions([buildModel(source)]);
    assert.deepEqual(dims.find((d) => d.path.join('.') === 'context.clientName')?.equals, ['crm portal']);
    assert.equal(dims.find((d) => d.path.join('.') === 'user.app_metadata.plan'), undefined);
  });

  test('an Action\'s conditions are read too, in Rule terms (event.client.client_id is context.clientID)', () => {
    const action = buildModel(`exports.onExecutePostLogin = async (event, api) => {\n  const SKIP = { kioskApp: true };\n  if (SKIP[event.client.client_id] || event.connection.name === 'kiosk-db' || event.user.email.split('@')[1] === 'vendor.example') return;\n  if (event.secrets.EXTRA_APPS.split(',').includes(event.client.client_id)) return;\n  if (event.transaction.protocol === 'samlp' || event.user.app_metadata.skip_duo) return;\n  api.multifactor.enable('duo');\n};\n`);
    const found = findConditionInputs([action], { values: { EXTRA_APPS: 'partnerApp' } });
    const byPath = new Map(found.dimensions.map((d) => [d.path.join('.'), d]));
    assert.deepEqual(byPath.get('context.clientID')?.equals, ['kioskApp', 'partnerApp']);
    assert.deepEqual(byPath.get('context.connection')?.equals, ['kiosk-db']);
    assert.deepEqual(byPath.get('user.email')?.equals, ['someone@vendor.example']);
    assert.deepEqual(byPath.get('context.protocol')?.equals, ['samlp', 'oauth2-refresh-token']);
    assert.equal(byPath.get('user.app_metadata.skip_duo')?.truthy, true);
    assert.ok([...byPath.keys()].every((p) => p.startsWith('context.') || p.startsWith('user.')), [...byPath.keys()].join());
    const unset = findConditionInputs([action]);
    assert.match(unset.notes[0]?.message ?? '', /^logins where event\.client\.client_id is in event\.secrets\.EXTRA_APPS\.split\(','\) were not tried: event\.secrets\.EXTRA_APPS has no value in the check/);
  });

  test('a list under a secret-looking key is never turned into logins', () => {
    const source = rule(`  if (configuration.SECRET_APPS.split(',').indexOf(context.clientID) < 0) return callback(null, user, context);`);
    const found = findConditionInputs([buildModel(source)], { values: { SECRET_APPS: 'crm-app' } });
    assert.equal(found.dimensions.find((d) => d.path.join('.') === 'context.clientID'), undefined);
    assert.match(found.notes[0]?.message ?? '', /configuration\.SECRET_APPS is named like a secret/);
  });

  test('an input compared with one configuration value is tried with the value the check runs with', () => {
    // The client that gets Duo is set in the configuration, as in Auth0's Duo template with fields.
    const values = { values: { MFA_CLIENT_ID: 'crm-app', 'DUO_MFA:CLIENT_ID': 'payroll-app', ADMIN_APP: 'admin-app', MFA_CONNECTION: 'corp-ad', DUO_SKEY: 'x' } };
    assert.deepEqual(equalsOf(rule(`  if (context.clientID !== configuration.MFA_CLIENT_ID) return callback(null, user, context);`), 'context.clientID', values), ['crm-app']);
    assert.deepEqual(equalsOf(rule(`  var APPS = [configuration['DUO_MFA:CLIENT_ID']];\n  if (APPS.indexOf(context.clientID) === -1) return callback(null, user, context);`), 'context.clientID', values), ['payroll-app']);
    assert.deepEqual(equalsOf(rule(`  var admin = configuration.ADMIN_APP;\n  if (![admin, 'hr-app'].includes(context.clientID)) return callback(null, user, context);`), 'context.clientID', values), ['admin-app', 'hr-app']);
    assert.deepEqual(equalsOf(rule(`  const { MFA_CONNECTION } = configuration;\n  if (context.connection !== MFA_CONNECTION) return callback(null, user, context);`), 'context.connection', values), ['corp-ad']);
    const action = buildModel(`exports.onExecutePostLogin = async (event, api) => {\n  if (event.client.client_id === event.secrets.MFA_CLIENT_ID) api.multifactor.enable('duo');\n};`);
    assert.deepEqual(findConditionInputs([action], values).dimensions.find((d) => d.path.join('.') === 'context.clientID')?.equals, ['crm-app']);
    // A secret's value is never a login; without a value nothing is tried.
    assert.deepEqual(equalsOf(rule(`  if (context.clientID !== configuration.DUO_SKEY) return callback(null, user, context);`), 'context.clientID', values) ?? [], []);
    assert.deepEqual(equalsOf(rule(`  if (context.clientID !== configuration.OTHER) return callback(null, user, context);`), 'context.clientID', values) ?? [], []);
  });

  test('the table values reach the matrix: a login for each listed client', () => {
    const dims = findConditionDimensions([buildModel(rule(`  var MFA_CLIENTS = { 'crm-app': true, 'payroll-app': true };\n  if (!MFA_CLIENTS[context.clientID]) return callback(null, user, context);`))]);
    const clients = buildLoginMatrix(dims, 512).flatMap((c) => c.settings.filter((s) => s.path.join('.') === 'context.clientID').map((s) => s.value));
    assert.ok(clients.includes('crm-app') && clients.includes('payroll-app'), JSON.stringify(clients));
  });
});

describe('buildLoginMatrix: a long table under the cap', () => {
  test('every input gets its first single changes before a table\'s long tail, and the cap is described', () => {
    const ids = Array.from({ length: 600 }, (_, i) => `app-${i}`);
    const source = `function (user, context, callback) {\n  var APPS = ${JSON.stringify(ids)};\n  if (APPS.indexOf(context.clientID) < 0) return callback(null, user, context);\n  context.multifactor = { provider: 'duo' };\n  callback(null, user, context);\n}`;
    const dims = findConditionDimensions([buildModel(source)]);
    const matrix = buildLoginMatrix(dims, 50);
    assert.equal(matrix.length, 50);
    const changed = new Set(matrix.flatMap((c) => c.settings.map((s) => s.path.join('.'))));
    assert.deepEqual([...changed].sort(), ['context.clientID', 'context.protocol', 'user.email_verified']);
    assert.deepEqual(describeMatrixCap(dims, 50), { kind: 'capped', message: 'the conditions make 3606 combinations of logins; only 50 were tried (the default and 49 of the 603 single changes: 554 values were never tried); raise --max-logins to try more.' });
    assert.equal(describeMatrixCap(dims, 5000), undefined);
  });
});

describe('withUnequalValues: the other branch of a comparison the mock already satisfies', () => {
  test('an input whose mock value is compared gets a value unlike every compared one; others are left alone', () => {
    const dims = findConditionDimensions([buildModel(`function (user, context, callback) {
  if (context.connection !== 'Username-Password-Authentication' || context.clientName === 'Kiosk') {
    context.multifactor = { provider: 'duo', ikey: configuration.I, skey: configuration.S, host: configuration.H };
  }
  callback(null, user, context);
}`)]);
    const context = { connection: 'Username-Password-Authentication', clientName: 'Example Portal', protocol: 'oidc-basic-profile' };
    const byPath = new Map(withUnequalValues(dims, { email_verified: true }, context).map((d) => [d.path.join('.'), d.equals]));
    assert.deepEqual(byPath.get('context.connection'), ['Username-Password-Authentication', 'Username-Password-Authentication-other']);
    assert.deepEqual(byPath.get('context.clientName'), ['Kiosk']);
    // email_verified is tried true and false already; the protocol's mock value is not compared.
    assert.deepEqual(byPath.get('user.email_verified'), [true, false]);
    assert.deepEqual(byPath.get('context.protocol'), ['oauth2-refresh-token']);
  });
});

describe('findConditionDimensions: prefixes and list lengths', () => {
  test('startsWith tries the literal itself; the length of an input list tries a list with an item', () => {
    const dims = findConditionDimensions([buildModel(`function (user, context, callback) {
  var enrolled = user.multifactor && user.multifactor.length > 0;
  if (enrolled || user.email.startsWith('admin')) {
    context.multifactor = { provider: 'duo', ikey: configuration.I, skey: configuration.S, host: configuration.H };
  }
  callback(null, user, context);
}`)]);
    const byPath = new Map(dims.map((d) => [d.path.join('.'), d]));
    assert.deepEqual(byPath.get('user.email')?.equals, ['admin']);
    assert.deepEqual(byPath.get('user.multifactor')?.contains, ['item']);
    const enrolledLogin = buildLoginMatrix(dims, 512).find((c) => c.settings.some((s) => s.path.join('.') === 'user.multifactor'));
    assert.deepEqual(applyLogin({ multifactor: [] }, {}, enrolledLogin!).user.multifactor, ['item']);
  });
});

describe('findConditionDimensions: numeric bounds', () => {
  test('an input compared with a number is tried just below, at and just above it; a length never gets a number', () => {
    const dims = findConditionDimensions([buildModel(`function (user, context, callback) {
  if (context.stats.loginsCount < 5 || 100 <= user.logins_count || user.groups.length > 0) {
    context.multifactor = { provider: 'duo', ikey: configuration.I, skey: configuration.S, host: configuration.H };
  }
  callback(null, user, context);
}`)]);
    const byPath = new Map(dims.map((d) => [d.path.join('.'), d]));
    assert.deepEqual(byPath.get('context.stats.loginsCount')?.equals, [4, 5, 6]);
    assert.deepEqual(byPath.get('user.logins_count')?.equals, [99, 100, 101]);
    assert.equal(byPath.get('user.groups.length'), undefined);
    assert.deepEqual(byPath.get('user.groups')?.contains, ['item']);
  });
});

describe('findConditionDimensions: regular expressions', () => {
  test('the strings a pattern matches are tried, written in the code or kept in a constant; at the start when it is anchored there', () => {
    const inputs = findConditionInputs([buildModel(`function (user, context, callback) {
  const STAFF = /^staff-\\d{2}$/;
  const PARTNER = new RegExp('@(acme|globex)\\\\.example$', 'i');
  if (/@corp\\.example$/i.test(user.email) || /^admin-/.test(context.clientName) || user.nickname.match(/^[a-z]+\\d$/) || STAFF.test(context.connection) || PARTNER.test(user.name) || user.given_name.search('^Dr\\\\. ') === 0) {
    context.multifactor = { provider: 'duo', ikey: configuration.I, skey: configuration.S, host: configuration.H };
  }
  callback(null, user, context);
}`)]);
    const byPath = new Map(inputs.dimensions.map((d) => [d.path.join('.'), d]));
    assert.deepEqual(byPath.get('user.email')?.contains, ['@corp.example']);
    assert.deepEqual(byPath.get('context.clientName')?.equals, ['admin-']);
    assert.deepEqual(byPath.get('user.nickname')?.equals, ['a0']);
    assert.deepEqual(byPath.get('context.connection')?.equals, ['staff-00']);
    // One login per alternative.
    assert.deepEqual(byPath.get('user.name')?.contains, ['@acme.example', '@globex.example']);
    // A string given to search() is a pattern.
    assert.deepEqual(byPath.get('user.given_name')?.equals, ['Dr. ']);
    assert.deepEqual(inputs.notes, []);
  });

  test('a pattern no string can be built for, or a name that holds no expression the code shows, is noted as not tried', () => {
    const inputs = findConditionInputs([buildModel(`function (user, context, callback) {
  if (/^(?!guest)\\w+@corp\\.example$/.test(user.email) || /\\badmin\\b/.test(context.clientName) || PATTERNS.admin.test(user.nickname) || pattern.test(context.connection)) {
    context.multifactor = { provider: 'duo', ikey: configuration.I, skey: configuration.S, host: configuration.H };
  }
  callback(null, user, context);
}`)]);
    assert.deepEqual(inputs.notes.map((n) => n.message).sort(), [
      'logins where context.clientName matches /\\badmin\\b/ were not tried: the check builds no value for such a regular expression.',
      'logins where context.connection matches pattern were not tried: the check builds no value for such a regular expression.',
      'logins where user.email matches /^(?!guest)\\w+@corp\\.example$/ were not tried: the check builds no value for such a regular expression.',
      'logins where user.nickname matches PATTERNS.admin were not tried: the check builds no value for such a regular expression.',
    ]);
  });
});
