// missing-refresh-token-guard: MFA required during refresh-token exchanges, the guards that
// count, and the quick fix (Auth0's documented early return) applied and re-analysed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyEdits, collectFixAllEdits, findQuickFix } from '../../server/src/analysis/codeActions';
import { analyze, type Finding } from '../../server/src/analysis/diagnostics';
import { buildModel } from '../../server/src/analysis/model';

const ruleMfa = "context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };";
const actionMfa = "api.multifactor.enable('duo', { allowRememberBrowser: false });";

function rule(body: string, names = 'user, context, callback'): string {
  return `function requireDuo(${names}) {\n${body}\n  callback(null, user, context);\n}\n`;
}
function action(body: string, names = 'event, api'): string {
  return `exports.onExecutePostLogin = async (${names}) => {\n${body}\n};\n`;
}
function guards(text: string): Finding[] {
  return analyze(text).filter((f) => f.code === 'missing-refresh-token-guard');
}
function applyGuardFix(text: string): string {
  const findings = analyze(text);
  const finding = findings.find((f) => f.code === 'missing-refresh-token-guard');
  assert.ok(finding);
  const fix = findQuickFix(buildModel(text), finding, findings);
  assert.ok(fix);
  return applyEdits(text, fix.edits);
}

describe('missing-refresh-token-guard', () => {
  test('a Rule and an Action requiring MFA without the guard: a warning on the MFA line', () => {
    const r = guards(rule(`  var x = 1;\n  ${ruleMfa}`));
    assert.deepEqual(r.map((f) => [f.range.start.line, f.severity]), [[2, 'warning']]);
    assert.match(r[0].message, /context\.protocol is 'oauth2-refresh-token'.*refresh-token exchange/);
    const a = guards(action(`  if (event.user.app_metadata.mfa) {\n    ${actionMfa}\n  }`));
    assert.deepEqual(a.map((f) => f.range.start.line), [2]);
    assert.match(a[0].message, /event\.transaction\.protocol/);
  });

  test('one warning per MFA call; any provider but none', () => {
    assert.equal(guards(action(`  if (a) api.multifactor.enable('any');\n  else api.multifactor.enable('guardian');`)).length, 2);
    assert.deepEqual(guards(action(`  api.multifactor.enable('none');`)), []);
    assert.deepEqual(guards(rule(`  context.multifactor = false;`)), []);
  });

  test('guards that count: an earlier early return, a negated condition around the MFA, a protocol list', () => {
    const guarded = [
      rule(`  if (context.protocol === 'oauth2-refresh-token') {\n    return callback(null, user, context);\n  }\n  ${ruleMfa}`),
      rule(`  if ('oauth2-refresh-token' == context.protocol) callback(null, user, context);\n  else ${ruleMfa}`),
      action(`  if (event.transaction && event.transaction.protocol === 'oauth2-refresh-token') return;\n  ${actionMfa}`),
      action(`  if (event.transaction?.protocol !== 'oauth2-refresh-token') {\n    ${actionMfa}\n  }`),
      action(`  if (['oauth2-refresh-token', 'oauth2-password'].includes(event.transaction.protocol)) return;\n  ${actionMfa}`),
      action(`  const interactive = event.transaction.protocol !== 'oauth2-refresh-token';\n  interactive && ${actionMfa}`.replace('interactive &&', "event.transaction.protocol !== 'oauth2-refresh-token' &&")),
    ];
    for (const text of guarded) assert.deepEqual(guards(text), [], text);
  });

  test('a guard after the MFA, or one that does not return, does not count', () => {
    assert.equal(guards(action(`  ${actionMfa}\n  if (event.transaction.protocol === 'oauth2-refresh-token') return;`)).length, 1);
    assert.equal(guards(action(`  if (event.transaction.protocol === 'oauth2-refresh-token') console.log('refresh');\n  ${actionMfa}`)).length, 1);
  });

  test("MFA that only runs for Auth0's sample client id waits for real ids (placeholder-client-id reports the list)", () => {
    const gated = [
      action(`  const CLIENTS = ['{yourClientId}'];\n  if (CLIENTS.includes(event.client.client_id)) {\n    ${actionMfa}\n  }`),
      action(`  if (['{YOUR_CLIENT_ID}'].indexOf(event.client.client_id) !== -1 && event.user.email) ${actionMfa}`),
      action(`  if (event.client.client_id === '{yourClientId}') ${actionMfa}`),
      action(`  const CLIENTS = ['{yourClientId}'];\n  if (!CLIENTS.includes(event.client.client_id)) return;\n  ${actionMfa}`),
      action(`  const CLIENTS = ['{yourClientId}'];\n  CLIENTS.includes(event.client.client_id) && ${actionMfa}`),
      rule(`  var CLIENTS_WITH_MFA = ['{REPLACE_WITH_YOUR_CLIENT_ID}'];\n  if (CLIENTS_WITH_MFA.indexOf(context.clientID) === -1) return callback(null, user, context);\n  ${ruleMfa}`),
      rule(`  var CLIENTS_WITH_MFA = ['{REPLACE_WITH_YOUR_CLIENT_ID}'];\n  if (CLIENTS_WITH_MFA.indexOf(context.clientID) > -1) {\n    ${ruleMfa}\n  }`),
    ];
    for (const text of gated) {
      assert.deepEqual(analyze(text).filter((f) => f.code !== 'rules-eol').map((f) => f.code), ['placeholder-client-id'], text);
      // Once a real id replaces the sample, the MFA runs and the warning is there.
      const real = text.replace(/'\{[A-Za-z_]+\}'/, "'s6BhdRkqt3'");
      assert.equal(guards(real).length, 1, real);
    }
  });

  test('a sample id does not hide the warning when MFA also runs for other clients', () => {
    const notGated = [
      // A real id next to the sample: MFA runs for that application.
      action(`  const CLIENTS = ['{yourClientId}', 's6BhdRkqt3'];\n  if (CLIENTS.includes(event.client.client_id)) ${actionMfa}`),
      // Listed clients skip MFA: everyone else gets it.
      action(`  const SKIP = ['{yourClientId}'];\n  if (SKIP.includes(event.client.client_id)) return;\n  ${actionMfa}`),
      action(`  const CLIENTS = ['{yourClientId}'];\n  if (!CLIENTS.includes(event.client.client_id)) ${actionMfa}`),
      // The list is filled at run time.
      action(`  const CLIENTS = ['{yourClientId}'];\n  CLIENTS.push(event.secrets.APP);\n  if (CLIENTS.includes(event.client.client_id)) ${actionMfa}`),
      // An || lets other logins through.
      action(`  if (event.client.client_id === '{yourClientId}' || event.user.app_metadata.mfa) ${actionMfa}`),
    ];
    for (const text of notGated) assert.equal(guards(text).length, 1, text);
  });

  test('quick fix: the documented early return at the top of the Action, re-analysed clean', () => {
    const text = action(`  ${actionMfa}`, 'ev, a').replace("api.", 'a.');
    const fixed = applyGuardFix(text);
    assert.match(fixed, /^exports\.onExecutePostLogin = async \(ev, a\) => \{\n  \/\/ Auth0 cannot ask for MFA during a refresh-token exchange: skip it\.\n  if \(ev\.transaction\.protocol === 'oauth2-refresh-token'\) return;\n  a\.multifactor/);
    assert.deepEqual(analyze(fixed), []);
  });

  test('quick fix in a Rule returns through its callback; not part of fix-all', () => {
    const text = rule(`  ${ruleMfa}`, 'u, ctx, cb').replace('context.multifactor', 'ctx.multifactor').replace('callback(null, user, context);\n}', 'cb(null, u, ctx);\n}');
    const fixed = applyGuardFix(text);
    assert.match(fixed, /\{\n  \/\/ Auth0 cannot ask.*\n  if \(ctx\.protocol === 'oauth2-refresh-token'\) return cb\(null, u, ctx\);\n  ctx\.multifactor/);
    assert.deepEqual(analyze(fixed).map((f) => f.code), ['rules-eol']);
    assert.deepEqual(collectFixAllEdits(buildModel(text), analyze(text)), []);
  });
});
