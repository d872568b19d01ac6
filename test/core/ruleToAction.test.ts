// The Rule→Action mapping table: the documented equivalents, longest-path matching, writes,
// and the handler's own parameter names.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { callPatterns, describeGlobal, isRuleGlobal, lookupCallPattern, lookupMember, memberMappings, ruleGlobals } from '../../server/src/analysis/ruleToAction';

describe('lookupMember', () => {
  const cases: Array<[string, string, number]> = [
    ['configuration.DUO_IKEY', 'event.secrets.DUO_IKEY', 2],
    ['context.clientID', 'event.client.client_id', 2],
    ['context.clientName', 'event.client.name', 2],
    ['context.connection', 'event.connection.name', 2],
    ['context.connectionStrategy', 'event.connection.strategy', 2],
    ['context.protocol', 'event.transaction.protocol', 2],
    ['context.request.ip', 'event.request.ip', 3],
    ['context.request.userAgent', 'event.request.user_agent', 3],
    ['context.stats.loginsCount', 'event.stats.logins_count', 3],
    ['context.authorization.roles', 'event.authorization.roles', 3],
    ['context.riskAssessment.confidence', 'event.authentication?.riskAssessment', 2],
    ['context.request.geoip.country_code', 'event.request.geoip.countryCode', 4],
    ['context.request.geoip.time_zone', 'event.request.geoip.timeZone', 4],
    ['context.request.geoip', 'event.request.geoip', 3],
    ['context.request.ip', 'event.request.ip', 3],
    ['user.email', 'event.user.email', 2],
    ['user.app_metadata.plan', 'event.user.app_metadata', 2],
    ['user', 'event.user', 1],
  ];
  for (const [path, action, consumed] of cases) {
    test(`${path} reads as ${action}`, () => {
      const found = lookupMember(path.split('.'));
      assert.ok(found);
      assert.equal(found.action, action);
      assert.equal(found.consumed, consumed);
      assert.equal(found.rewrite, 'mechanical');
    });
  }

  test('the handler parameter names are used', () => {
    assert.equal(lookupMember(['configuration', 'DUO_HOST'], 'read', { event: 'evt' })?.action, 'evt.secrets.DUO_HOST');
    assert.equal(lookupMember(['context', 'idToken', 'roles'], 'write', { api: 'a' })?.action, "a.idToken.setCustomClaim('roles', value)");
  });

  test('context.idToken.x = v is a mechanical setCustomClaim; reading it is not', () => {
    const write = lookupMember(['context', 'idToken', 'groups'], 'write');
    assert.equal(write?.rewrite, 'mechanical');
    assert.equal(write?.action, "api.idToken.setCustomClaim('groups', value)");
    assert.equal(lookupMember(['context', 'idToken', 'groups'], 'read')?.rewrite, 'manual');
    assert.equal(lookupMember(['context', 'accessToken', 'x'], 'write')?.action, "api.accessToken.setCustomClaim('x', value)");
  });

  test('writing a user field is manual and names the api.user call', () => {
    const nested = lookupMember(['user', 'app_metadata', 'plan'], 'write');
    assert.equal(nested?.rewrite, 'manual');
    assert.equal(nested?.action, 'api.user.setAppMetadata(name, value)');
    assert.equal(lookupMember(['user', 'user_metadata'], 'write')?.action, 'api.user.setUserMetadata(name, value)');
    const plain = lookupMember(['user', 'email'], 'write');
    assert.equal(plain?.rewrite, 'manual');
    assert.match(plain?.note ?? '', /cannot change/);
  });

  test('globals without a mechanical equivalent are manual and say what to use', () => {
    assert.equal(lookupMember(['auth0', 'users', 'updateAppMetadata'], 'call')?.action, 'api.user.setAppMetadata(name, value)');
    assert.equal(lookupMember(['auth0', 'users', 'updateAppMetadata'], 'call')?.rewrite, 'manual');
    assert.match(lookupMember(['global', 'cache'])?.action ?? '', /module scope/);
    assert.equal(lookupMember(['global', 'cache'])?.consumed, 1);
    assert.equal(lookupMember(['context', 'multifactor'], 'write')?.rewrite, 'manual');
    assert.match(lookupMember(['context', 'multifactor'], 'write')?.action ?? '', /api\.multifactor\.enable/);
    assert.equal(lookupMember(['context', 'sso'])?.rewrite, 'manual');
    assert.equal(lookupMember(['callback'])?.rewrite, 'manual');
  });

  test('a wildcard only takes identifier segments; non-globals are not mapped', () => {
    assert.equal(lookupMember(['configuration', 'DUO-IKEY'])?.consumed, 1);
    assert.equal(lookupMember(['event', 'secrets']), undefined);
    assert.equal(lookupMember([]), undefined);
  });
});

describe('table', () => {
  test('every path starts with a Rule global and every global has a bare entry', () => {
    for (const m of memberMappings) assert.ok(isRuleGlobal(m.rule[0]), m.rule.join('.'));
    for (const g of ruleGlobals) assert.ok(memberMappings.some((m) => m.rule.length === 1 && m.rule[0] === g), g);
  });

  test('mechanical equivalents are JavaScript expressions', () => {
    for (const m of memberMappings.filter((x) => x.rewrite === 'mechanical')) {
      assert.match(m.action, /^\{event\}(\??\.[A-Za-z_$][\w$]*|\.\$1)*$/, m.rule.join('.'));
    }
  });

  test('call patterns: the documented denial, success and claim rewrites', () => {
    assert.equal(lookupCallPattern('deny', { api: 'a' }).action, 'a.access.deny(m)');
    assert.equal(lookupCallPattern('idTokenClaim').action, 'api.idToken.setCustomClaim(k, v)');
    assert.equal(lookupCallPattern('success').action, 'return');
    assert.equal(new Set(callPatterns.map((p) => p.id)).size, callPatterns.length);
  });

  test('describeGlobal names the Action equivalent of each global', () => {
    assert.match(describeGlobal('configuration'), /event\.secrets\.X/);
    assert.match(describeGlobal('callback', { api: 'a' }), /a\.access\.deny\(m\)/);
    assert.match(describeGlobal('global'), /module scope/);
    assert.match(describeGlobal('auth0'), /api\.user\.setAppMetadata/);
    for (const g of ruleGlobals) assert.ok(describeGlobal(g).length > 0);
  });
});
