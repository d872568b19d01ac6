// Hover: every multifactor key and provider value, Duo's current and former
// names, type/default/required and a documentation link; context/user/event fields too.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hover } from '../../server/src/analysis/hover';
import { buildModel } from '../../server/src/analysis/model';

/** Hover text at the first occurrence of `needle` (cursor one character into it). */
function hoverAt(text: string, needle: string, nth = 0): string | undefined {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `${needle} not in fixture`);
  return hover(buildModel(text), at + 1)?.contents;
}

const rule = [
  'function (user, context, callback) {',
  '  if (context.clientID === configuration.APP_ID && user.email_verified) {',
  '    context.multifactor = {',
  "      provider: 'duo',",
  '      ikey: configuration.DUO_IKEY,',
  '      skey: configuration.DUO_SKEY,',
  '      host: configuration.DUO_HOST,',
  '      username: user.email,',
  '      ignoreCookie: true,',
  '      allowRememberBrowser: false,',
  '      admin: { ikey: configuration.DUO_ADMIN_IKEY, skey: configuration.DUO_ADMIN_SKEY },',
  '    };',
  '  }',
  '  callback(null, user, context);',
  '}',
].join('\n');

const action = [
  'exports.onExecutePostLogin = async (event, api) => {',
  '  if (event.client.client_id !== event.secrets.APP_ID) return;',
  "  api.multifactor.enable('duo', {",
  '    allowRememberBrowser: true,',
  '    providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST, username: event.user.email },',
  '  });',
  '};',
].join('\n');

describe('multifactor keys', () => {
  test('ikey: Client ID, formerly integration key; required; link', () => {
    const h = hoverAt(rule, 'ikey:');
    assert.match(h!, /Client ID \(formerly integration key\)/);
    assert.match(h!, /required/);
    assert.match(h!, /\(https:\/\/auth0\.com\/docs\/secure\/multi-factor-authentication\/configure-cisco-duo-for-mfa\)/);
  });

  test('skey: Client secret, formerly secret key', () => {
    assert.match(hoverAt(rule, 'skey:')!, /Client secret \(formerly secret key\)/);
  });

  test('host: API hostname', () => {
    assert.match(hoverAt(rule, 'host:')!, /API hostname/);
  });

  test('optional keys show their type and default', () => {
    const h = hoverAt(rule, 'allowRememberBrowser:');
    assert.match(h!, /`boolean`/);
    assert.match(h!, /optional/);
    assert.match(h!, /default: true/);
    assert.match(hoverAt(rule, 'username:')!, /optional/);
  });

  test('deprecated ignoreCookie says what replaced it', () => {
    assert.match(hoverAt(rule, 'ignoreCookie')!, /Deprecated.*allowRememberBrowser/s);
  });

  test('admin and its keys (Admin API)', () => {
    assert.match(hoverAt(rule, 'admin:')!, /Admin API/);
    assert.match(hoverAt(rule, 'ikey: configuration.DUO_ADMIN_IKEY')!, /Admin API application/);
    assert.match(hoverAt(rule, 'skey: configuration.DUO_ADMIN_SKEY')!, /duo\.com\/docs\/adminapi/);
  });

  test('Action options and providerOptions', () => {
    assert.match(hoverAt(action, 'providerOptions')!, /only the duo provider/);
    assert.match(hoverAt(action, 'ikey:')!, /Client ID/);
    assert.match(hoverAt(action, 'allowRememberBrowser')!, /default: false/);
  });
});

describe('provider values', () => {
  test("'duo' in a Rule and in enable()", () => {
    assert.match(hoverAt(rule, "'duo'")!, /Cisco Duo Security/);
    assert.match(hoverAt(action, "'duo'")!, /Cisco Duo Security/);
  });

  test("'none' is marked as Actions-only", () => {
    const text = "exports.onExecutePostLogin = async (event, api) => {\n  api.multifactor.enable('none');\n};";
    assert.match(hoverAt(text, "'none'")!, /Valid only in post-login Actions/);
  });
});

describe('fields', () => {
  test('context.clientID, user.email_verified and configuration keys in Rules', () => {
    assert.match(hoverAt(rule, 'clientID')!, /\*\*context\.clientID\*\*: `string`/);
    assert.match(hoverAt(rule, 'email_verified')!, /verified/);
    assert.match(hoverAt(rule, 'APP_ID')!, /configuration\.APP_ID/);
  });

  test('event.client.client_id, event.user.email and event.secrets in Actions', () => {
    assert.match(hoverAt(action, 'client_id')!, /\*\*event\.client\.client_id\*\*/);
    assert.match(hoverAt(action, 'email }')!, /\*\*event\.user\.email\*\*/);
    assert.match(hoverAt(action, 'APP_ID')!, /secret of this Action/);
    assert.match(hoverAt(action, 'enable')!, /\*\*api\.multifactor\.enable\*\*/);
  });

  test('the rule\'s parameters, configuration, and the Action\'s event and api explain themselves', () => {
    assert.match(hoverAt(rule, 'context.clientID')!, /^\*\*context\*\*\n\nThe Rules context object[\s\S]*Actions read it from `event`[\s\S]*\(https:\/\/auth0\.com\/docs\/customize\/rules\/context-object\)/);
    assert.match(hoverAt(rule, 'user.email_verified')!, /^\*\*user\*\*\n\nThe profile of the user logging in[\s\S]*event\.user/);
    assert.match(hoverAt(rule, 'callback(null')!, /^\*\*callback\(error, user, context\)\*\*[\s\S]*exactly once[\s\S]*UnauthorizedError[\s\S]*api\.access\.deny/);
    assert.match(hoverAt(rule, 'configuration.APP_ID')!, /^\*\*configuration\*\*[\s\S]*rules-configs[\s\S]*event\.secrets/);
    assert.match(hoverAt(action, 'event.client')!, /^\*\*event\*\*[\s\S]*post-login-event-object/);
    assert.match(hoverAt(action, 'api.multifactor')!, /^\*\*api\*\*[\s\S]*post-login-api-object/);
    // Only the names themselves: an object key or a property of the same name is something else.
    const keyed = 'function (user, context, callback) {\n  log({ user: 1 }, other.context);\n  callback(null, user, context);\n}\n';
    assert.equal(hoverAt(keyed, 'user: 1'), undefined);
    assert.equal(hoverAt(keyed, 'context);'), undefined);
  });

  test('no hover in files that are not Rules or Actions, nor on unknown fields', () => {
    const app = "const app = require('express')();\ncontext.clientID = 1;\n";
    assert.equal(hoverAt(app, 'clientID'), undefined);
    assert.equal(hoverAt('function (user, context, callback) {\n  context.notAField;\n  callback();\n}', 'notAField'), undefined);
  });
});

describe("api.multifactor.enable('duo') without providerOptions", () => {
  const tenant = "exports.onExecutePostLogin = async (event, api) => {\n  api.multifactor.enable('duo', { allowRememberBrowser: false });\n};\n";

  test("the call says the keys come from the tenant's Duo factor settings", () => {
    const text = hoverAt(tenant, 'multifactor.enable');
    assert.match(text ?? '', /tenant's Duo factor settings/);
    assert.match(text ?? '', /guardian\/factors\/duo\/settings/);
  });

  test('with providerOptions the call has no tenant hover', () => {
    const own = tenant.replace('{ allowRememberBrowser: false }', '{ providerOptions: { ikey: event.secrets.I, skey: event.secrets.S, host: event.secrets.H } }');
    assert.doesNotMatch(hoverAt(own, 'multifactor.enable') ?? '', /tenant/);
  });
});
