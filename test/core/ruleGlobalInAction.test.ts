// rule-global-in-action: Rules globals used in a post-login Action, the equivalent named in the
// message (from the Rule → Action table), scopes that declare the name, and the quick fixes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyEdits, collectFixAllEdits, findQuickFix } from '../../server/src/analysis/codeActions';
import { analyze, type Finding } from '../../server/src/analysis/diagnostics';
import { buildModel } from '../../server/src/analysis/model';

function action(body: string, params = 'event, api'): string {
  return `exports.onExecutePostLogin = async (${params}) => {\n${body}\n};\n`;
}
function globals(text: string): Finding[] {
  return analyze(text).filter((f) => f.code === 'rule-global-in-action');
}
function fixAll(text: string): string {
  return applyEdits(text, collectFixAllEdits(buildModel(text), analyze(text)));
}

describe('rule-global-in-action', () => {
  test('each Rules global is an error on its identifier, naming the Action equivalent', () => {
    const text = action([
      '  if (context.clientID !== configuration.APP_ID) return;',
      '  const email = user.email;',
      "  if (!email) return callback(new UnauthorizedError('no email'));",
      '  global.seen = true;',
      '  await auth0.users.updateAppMetadata(user.user_id, { seen: true });',
    ].join('\n'));
    const findings = globals(text);
    assert.deepEqual(findings.map((f) => `${f.range.start.line}:${f.range.start.character}:${text.slice(f.offsets.start, f.offsets.end)}`), [
      '1:6:context', '1:27:configuration', '2:16:user', '3:21:callback', '3:34:UnauthorizedError', '4:2:global', '5:8:auth0', '5:38:user',
    ]);
    assert.ok(findings.every((f) => f.severity === 'error'));
    const message = (name: string) => findings.find((f) => text.slice(f.offsets.start, f.offsets.end) === name)!.message;
    assert.match(message('context'), /ReferenceError at every login.*context\.clientID → event\.client\.client_id/);
    assert.match(message('configuration'), /configuration\.APP_ID → event\.secrets\.APP_ID/);
    assert.match(message('callback'), /callback\(new UnauthorizedError\(m\)\) → api\.access\.deny\(m\)/);
    assert.match(message('global'), /Node's global object.*module scope/);
    assert.match(message('auth0'), /auth0\.users\.updateAppMetadata → api\.user\.setAppMetadata/);
  });

  test('the handler parameter names are used in the equivalent', () => {
    assert.match(globals(action('  return configuration.X;', 'ev, a'))[0].message, /ev\.secrets\.X/);
  });

  test('declared names, properties, keys, labels and typeof checks are not reported', () => {
    const text = [
      "const configuration = { X: 1 };",
      'function helper(user, context) { return user.email + context.clientID; }',
      'exports.onExecutePostLogin = async (event, api) => {',
      '  const { user } = event;',
      '  const o = { context: 1, callback() {} };',
      '  o.global = event.auth0;',
      '  try { run(); } catch (UnauthorizedError) { return; }',
      '  callback: for (;;) break callback;',
      "  if (typeof global === 'object' && user.email) api.idToken.setCustomClaim('x', configuration.X);",
      '};',
    ].join('\n');
    assert.deepEqual(globals(text), []);
  });

  test('a Rule, or any other file, is never reported', () => {
    const rule = "function (user, context, callback) {\n  if (context.clientID === configuration.X) global.y = 1;\n  callback(null, user, context);\n}\n";
    assert.deepEqual(globals(rule), []);
    assert.deepEqual(globals('module.exports = () => configuration.X;\n'), []);
  });

  test('quick fix: a read becomes its Action equivalent and the finding is gone', () => {
    const text = action('  if (context.request.userAgent && context.stats.loginsCount > 1) api.multifactor.enable(configuration.P);');
    const findings = globals(text);
    const fixed = applyEdits(text, findQuickFix(buildModel(text), findings[0], findings)!.edits);
    assert.match(fixed, /if \(event\.request\.user_agent &&/);
    assert.equal(globals(fixed).length, findings.length - 1);
  });

  test('quick fixes: denial, success callback and id-token claims', () => {
    const text = action([
      "  if (!event.user.email_verified) return callback(new UnauthorizedError('verify your email'));",
      "  context.idToken['https://example.com/roles'] = event.authorization.roles;",
      '  callback(null, user, context);',
    ].join('\n'));
    assert.equal(fixAll(text), action([
      "  if (!event.user.email_verified) return api.access.deny('verify your email');",
      "  api.idToken.setCustomClaim('https://example.com/roles', event.authorization.roles);",
      '  return;',
    ].join('\n')));
  });

  test('fix all rewrites nested references and leaves what needs a decision', () => {
    const text = action([
      '  if (configuration.ENABLED !== "yes") return;',
      '  context.idToken.plan = user.app_metadata.plan;',
      '  user.app_metadata.seen = true;',
      '  someApi(function () { callback(null, user, context); });',
    ].join('\n'));
    const fixed = fixAll(text);
    assert.match(fixed, /if \(event\.secrets\.ENABLED !== "yes"\) return;/);
    assert.match(fixed, /api\.idToken\.setCustomClaim\('plan', event\.user\.app_metadata\.plan\);/);
    // A write to the user and a callback inside a nested function need a person.
    assert.match(fixed, /\n  user\.app_metadata\.seen = true;/);
    assert.match(fixed, /callback\(null, event\.user, context\)/);
    assert.deepEqual(globals(fixed).map((f) => fixed.slice(f.offsets.start, f.offsets.end)), ['user', 'callback', 'context']);
  });

  test('module-level uses are reported without a fix (event is not in reach there)', () => {
    const text = `const ID = configuration.APP_ID;\n${action('  return ID;')}`;
    const [finding] = globals(text);
    assert.equal(finding.range.start.line, 0);
    assert.equal(findQuickFix(buildModel(text), finding, [finding]), undefined);
  });
});
