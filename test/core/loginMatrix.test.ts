// The login matrix of the differential check: every literal the Rule's conditions compare against
// becomes a value to try, combinations are capped, the smallest logins come first, and the Action's
// event is the same login in Action terms.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyLogin, buildLoginMatrix, describeLogin, findConditionDimensions, toActionEvent } from '../../server/src/analysis/loginMatrix';
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
