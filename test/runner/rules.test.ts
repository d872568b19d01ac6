// Rules in the runner: every outcome a Rule can reach (completed, denied, error, timed out),
// the emulated globals, and default and custom inputs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectKind, disposeRunnerPool, runFile } from '../../server/src/runner/index';
import { createWorkspace, DUO_CONFIGURATION, runText, type TempWorkspace } from './runnerHelpers';

let ws: TempWorkspace;
before(() => { ws = createWorkspace(); });
after(() => { disposeRunnerPool(); ws.remove(); });

describe('rule outcomes', () => {
  test('the example Duo rule completes and requires Duo with the configured keys', async () => {
    const file = join(__dirname, '../../../examples/duo-rule.js');
    const { result, secretMultifactor } = await runFile({ file, configuration: DUO_CONFIGURATION });
    assert.equal(result.kind, 'rule');
    assert.equal(result.outcome, 'completed');
    assert.equal(result.error, null);
    assert.deepEqual(result.multifactor, {
      provider: 'duo', ikey: DUO_CONFIGURATION.DUO_IKEY, skey: '[redacted]', host: DUO_CONFIGURATION.DUO_HOST,
      username: 'jamie.rivera@example.com', allowRememberBrowser: false,
    });
    assert.equal(secretMultifactor?.skey, DUO_CONFIGURATION.DUO_SKEY);
    assert.ok(!JSON.stringify(result).includes(DUO_CONFIGURATION.DUO_SKEY));
    assert.equal(typeof result.durationMs, 'number');
  });

  test('an anonymous rule function is accepted, as Auth0 evaluates the script as an expression', async () => {
    const { result } = await runText(ws, 'function (user, context, callback) { callback(null, user, context); }');
    assert.equal(result.outcome, 'completed');
    assert.equal(result.multifactor, null);
  });

  test('UnauthorizedError denies with its message', async () => {
    const { result } = await runText(ws, `function (user, context, callback) {
      callback(new UnauthorizedError('Access from this country is blocked'));
    }`);
    assert.equal(result.outcome, 'denied');
    assert.deepEqual(result.error, { name: 'UnauthorizedError', message: 'Access from this country is blocked' });
    assert.equal(result.multifactor, null);
  });

  // Auth0 refuses the login with access_denied for any error handed to callback, as for UnauthorizedError:
  // Auth0's own templates ("disable social signup", "IP allow-list") deny this way.
  test('callback with a plain Error denies with its name and message', async () => {
    const { result } = await runText(ws, 'function (u, c, cb) { cb(new Error("Signup disabled")); }');
    assert.equal(result.outcome, 'denied');
    assert.deepEqual(result.error, { name: 'Error', message: 'Signup disabled' });
    assert.equal(result.multifactor, null);
  });

  test('callback with a string or a custom error class denies too', async () => {
    const text = await runText(ws, 'function (u, c, cb) { cb("You can\'t log in"); }');
    assert.equal(text.result.outcome, 'denied');
    assert.deepEqual(text.result.error, { name: 'Error', message: "You can't log in" });
    const custom = await runText(ws, 'function (u, c, cb) { class PolicyError extends Error { constructor(m) { super(m); this.name = "PolicyError"; } } cb(new PolicyError("outside office hours")); }');
    assert.equal(custom.result.outcome, 'denied');
    assert.deepEqual(custom.result.error, { name: 'PolicyError', message: 'outside office hours' });
  });

  test('an UnauthorizedError thrown instead of handed to callback is an error, not a denial', async () => {
    const { result } = await runText(ws, 'function (u, c, cb) { throw new UnauthorizedError("thrown"); }');
    assert.equal(result.outcome, 'error');
    assert.deepEqual(result.error, { name: 'UnauthorizedError', message: 'thrown' });
  });

  test('a synchronous throw is an error with its message', async () => {
    const { result } = await runText(ws, 'function (u, c, cb) { u.app_metadata.missing.deep = 1; }');
    assert.equal(result.outcome, 'error');
    assert.equal(result.error?.name, 'TypeError');
    assert.match(result.error?.message ?? '', /missing|undefined/);
  });

  test('an uncaught error in a timer is an error', async () => {
    const { result } = await runText(ws, 'function (u, c, cb) { setTimeout(() => { throw new RangeError("late failure"); }, 5); }');
    assert.equal(result.outcome, 'error');
    assert.deepEqual(result.error, { name: 'RangeError', message: 'late failure' });
  });

  test('an unhandled rejection is an error', async () => {
    const { result } = await runText(ws, 'function (u, c, cb) { Promise.reject(new Error("nobody caught me")); }');
    assert.equal(result.outcome, 'error');
    assert.deepEqual(result.error, { name: 'Error', message: 'nobody caught me' });
  });

  for (const call of ['process.exit(1)', 'process.abort()', 'require("process").exit(0)', 'require("node:process").exit()']) {
    test(`${call} is an error saying the rule tried to exit the process`, async () => {
      const { result } = await runText(ws, `function (u, c, cb) { ${call}; cb(null, u, c); }`);
      assert.equal(result.outcome, 'error');
      assert.match(result.error?.message ?? '', /tried to exit the process/);
    });
  }

  test('process.reallyExit, below the process.exit guard, is guarded too and reported as an exit attempt', async () => {
    const { result } = await runText(ws, 'function (u, c, cb) { require("process").reallyExit(7); }');
    assert.equal(result.outcome, 'error');
    assert.equal(result.error?.name, 'ProcessExitError');
    assert.match(result.error?.message ?? '', /tried to exit the process \(process\.reallyExit\(7\)\)/);
    const next = await runText(ws, 'function (u, c, cb) { cb(null, u, c); }');
    assert.equal(next.result.outcome, 'completed', 'a fresh child took over');
  });

  test('process.exit after the callback still makes the run an error', async () => {
    const { result } = await runText(ws, 'function (u, c, cb) { cb(null, u, c); try { process.exit(2); } catch (e) {} }');
    assert.equal(result.outcome, 'error');
    assert.match(result.error?.message ?? '', /tried to exit the process \(process\.exit\(2\)\)/);
  });

  test('an endless loop times out, says the callback was never called, and the next run works', async () => {
    const { result } = await runText(ws, 'function (u, c, cb) { while (true) {} }', { timeoutMs: 300 });
    assert.equal(result.outcome, 'timeout');
    assert.match(result.error?.message ?? '', /never called within 300 ms/);
    const next = await runText(ws, 'function (u, c, cb) { cb(null, u, c); }');
    assert.equal(next.result.outcome, 'completed');
  });

  test('no callback at all times out with the same explanation', async () => {
    const { result } = await runText(ws, 'function (u, c, cb) { /* forgot the callback */ }', { timeoutMs: 300 });
    assert.equal(result.outcome, 'timeout');
    assert.match(result.error?.message ?? '', /callback was never called/);
  });

  test('a loop after the callback times out and says the callback was called', async () => {
    const { result } = await runText(ws, 'function (u, c, cb) { console.log("before"); cb(null, u, c); for (;;) {} }', { timeoutMs: 300 });
    assert.equal(result.outcome, 'timeout');
    assert.match(result.error?.message ?? '', /callback was called, but the code kept running/);
    assert.deepEqual(result.logs, ['before']);
  });

  test('a memory bomb is an error saying the memory limit was hit', async () => {
    const { result } = await runText(ws, 'function (u, c, cb) { const a = []; for (;;) a.push(new Array(1e5).fill(1.5)); }', {
      memoryLimitMb: 64, timeoutMs: 10_000,
    });
    assert.equal(result.outcome, 'error');
    assert.match(result.error?.message ?? '', /memory limit of 64 MB/);
  });

  test('a memory bomb outside the JavaScript heap (Buffers) is stopped too', async () => {
    const { result } = await runText(ws, 'function (u, c, cb) { const a = []; for (;;) a.push(Buffer.alloc(8 * 1024 * 1024, 1)); }', {
      memoryLimitMb: 64, timeoutMs: 10_000,
    });
    assert.equal(result.outcome, 'error');
    assert.match(result.error?.message ?? '', /memory limit of 64 MB/);
  });

  test('callback called twice keeps the first decision and warns', async () => {
    const { result } = await runText(ws, `function (u, c, cb) {
      cb(null, u, c);
      setTimeout(() => cb(new UnauthorizedError('second')), 5);
    }`);
    assert.equal(result.outcome, 'completed');
    assert.equal(result.error, null);
    assert.ok(result.warnings.some((w) => /callback was called 2 times/.test(w)), result.warnings.join('\n'));
  });

  test('an error after the callback keeps the outcome and warns', async () => {
    const { result } = await runText(ws, `function (u, c, cb) {
      cb(null, u, c);
      throw new Error('after the fact');
    }`);
    assert.equal(result.outcome, 'completed');
    assert.ok(result.warnings.some((w) => /after the outcome was decided \(completed\): Error: after the fact/.test(w)), result.warnings.join('\n'));
  });

  test('a syntax error is reported with its line', async () => {
    const { result } = await runText(ws, 'function (u, c, cb) {\n  if (x {\n}');
    assert.equal(result.outcome, 'error');
    assert.equal(result.error?.name, 'SyntaxError');
    assert.match(result.error?.message ?? '', /line 2/);
  });

  test('a circular user is reported without failing the run', async () => {
    const { result } = await runText(ws, 'function (u, c, cb) { u.self = u; c.big = 10n; cb(null, u, c); }');
    assert.equal(result.outcome, 'completed');
    assert.equal((result.user as { self: unknown }).self, '[Circular]');
    assert.equal((result.context as { big: unknown }).big, '10');
  });

  test('a file that is not a function is reported as such', async () => {
    const { result } = await runText(ws, '42');
    assert.equal(result.outcome, 'error');
    assert.match(result.error?.message ?? '', /not a rule/);
  });
});

describe('rule globals', () => {
  test('setTimeout and promises work inside the rule', async () => {
    const { result } = await runText(ws, `function (user, context, callback) {
      new Promise((resolve) => setTimeout(resolve, 20))
        .then(() => { context.idToken['https://example.com/waited'] = true; callback(null, user, context); });
    }`);
    assert.equal(result.outcome, 'completed');
    assert.equal((result.context as { idToken: Record<string, unknown> }).idToken['https://example.com/waited'], true);
  });

  test('auth0.users.updateAppMetadata and updateUserMetadata are recorded and resolve', async () => {
    const { result } = await runText(ws, `function (user, context, callback) {
      user.app_metadata.duo_enrolled = true;
      auth0.users.updateAppMetadata(user.user_id, user.app_metadata)
        .then(() => auth0.users.updateUserMetadata(user.user_id, { theme: 'dark' }))
        .then(() => callback(null, user, context))
        .catch(callback);
    }`);
    assert.equal(result.outcome, 'completed');
    assert.deepEqual(result.calls.map((c) => c.name), ['auth0.users.updateAppMetadata', 'auth0.users.updateUserMetadata']);
    assert.deepEqual(result.calls[0].args, ['auth0|65a1f3c2b7e4d90012ab34cd', { roles: ['staff'], plan: 'enterprise', duo_enrolled: true }]);
    assert.deepEqual(result.calls[1].args[1], { theme: 'dark' });
  });

  test('global is fresh for every run', async () => {
    const code = `function (u, c, cb) { global.count = (global.count || 0) + 1; console.log('count', global.count); cb(null, u, c); }`;
    const first = await runText(ws, code);
    const second = await runText(ws, code);
    assert.deepEqual(first.result.logs, ['count 1']);
    assert.deepEqual(second.result.logs, ['count 1']);
  });

  test('console output is captured in logs, formatted like console.log', async () => {
    const { result } = await runText(ws, `function (u, c, cb) {
      console.log('user %s has %d logins', u.email, u.logins_count);
      console.error({ plan: u.app_metadata.plan });
      cb(null, u, c);
    }`);
    assert.deepEqual(result.logs, ['user jamie.rivera@example.com has 42 logins', "{ plan: 'enterprise' }"]);
  });

  test('the process the rule sees is not the runner process', async () => {
    const { result } = await runText(ws, `function (u, c, cb) {
      console.log(JSON.stringify(Object.keys(process.env)), typeof process.send);
      cb(null, u, c);
    }`);
    assert.deepEqual(result.logs, ['[] undefined']);
  });

  test('reading a configuration key that is not set warns and names the key', async () => {
    const { result } = await runText(ws, `function (u, c, cb) {
      c.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };
      cb(null, u, c);
    }`, { configuration: { DUO_IKEY: DUO_CONFIGURATION.DUO_IKEY, DUO_HOST: DUO_CONFIGURATION.DUO_HOST } });
    assert.equal(result.outcome, 'completed');
    assert.ok(result.warnings.some((w) => /configuration\.DUO_SKEY is not set/.test(w)), result.warnings.join('\n'));
    assert.deepEqual(result.multifactor, { provider: 'duo', ikey: DUO_CONFIGURATION.DUO_IKEY, host: DUO_CONFIGURATION.DUO_HOST });
  });

  test('ignoreCookie is normalised to allowRememberBrowser and admin keys are kept (skey redacted)', async () => {
    const { result, secretMultifactor } = await runText(ws, `function (u, c, cb) {
      c.multifactor = { provider: 'duo', ikey: 'DIAAAAAAAAAAAAAAAAAA', skey: configuration.DUO_SKEY, host: 'api-1.duosecurity.com',
        ignoreCookie: true, admin: { ikey: 'DIBBBBBBBBBBBBBBBBBB', skey: configuration.DUO_ADMIN_SKEY } };
      cb(null, u, c);
    }`, { configuration: { DUO_SKEY: DUO_CONFIGURATION.DUO_SKEY, DUO_ADMIN_SKEY: 'AdminSecretAdminSecretAdminSecretAdmin00' } });
    assert.deepEqual(result.multifactor, {
      provider: 'duo', ikey: 'DIAAAAAAAAAAAAAAAAAA', skey: '[redacted]', host: 'api-1.duosecurity.com',
      allowRememberBrowser: false, admin: { ikey: 'DIBBBBBBBBBBBBBBBBBB', skey: '[redacted]' },
    });
    assert.equal(secretMultifactor?.admin?.skey, 'AdminSecretAdminSecretAdminSecretAdmin00');
  });
});

describe('rule or Action', () => {
  test('a rule that mentions the Action API in comments is still a rule', () => {
    assert.equal(detectKind(`// TODO migrate: exports.onExecutePostLogin = async (event, api) => {}
      /* module.exports = { onExecutePostLogin } */
      function (user, context, callback) { callback(null, user, context); }`), 'rule');
  });

  test('every way of exporting the handler makes an Action', () => {
    assert.equal(detectKind('exports.onExecutePostLogin = async (event, api) => {};'), 'action');
    assert.equal(detectKind("exports['onExecutePostLogin'] = async () => {};"), 'action');
    assert.equal(detectKind('async function onExecutePostLogin(event, api) {}\nmodule.exports = { onExecutePostLogin };'), 'action');
    assert.equal(detectKind("Object.defineProperty(exports, 'onExecutePostLogin', { value: async () => {} });"), 'action');
    assert.equal(detectKind('Object.defineProperty(module.exports, "onContinuePostLogin", { get: () => handler });'), 'action');
    assert.equal(detectKind('Object.assign(module.exports, { onExecutePostLogin: async () => {} });'), 'action');
  });

  test('an Action that sets its export with Object.defineProperty runs as an Action, not as a Rule', async () => {
    const { result } = await runText(ws, `Object.defineProperty(exports, 'onExecutePostLogin', {
      enumerable: true,
      value: async (event, api) => { api.multifactor.enable('duo', { providerOptions: { host: 'api-1.duosecurity.com' } }); },
    });`);
    assert.equal(result.kind, 'action');
    assert.equal(result.outcome, 'completed', JSON.stringify(result.error));
    assert.deepEqual(result.multifactor, { provider: 'duo', host: 'api-1.duosecurity.com' });
  });

  test('telling them apart stays fast on hostile text (unclosed comments, many module.exports objects)', () => {
    for (const text of ['/* x '.repeat(100_000), 'module.exports = {'.repeat(25_000)]) {
      const started = performance.now();
      assert.equal(detectKind(text), 'rule');
      assert.ok(performance.now() - started < 1000, `${text.slice(0, 12)}…: ${Math.round(performance.now() - started)} ms`);
    }
    assert.equal(detectKind('/* unclosed comment mentioning exports.onExecutePostLogin'), 'rule');
  });
});

describe('rule inputs', () => {
  test('the default user and context are realistic and consistent', async () => {
    const { result } = await runText(ws, 'function (u, c, cb) { cb(null, u, c); }');
    const user = result.user as Record<string, unknown>;
    const context = result.context as Record<string, unknown>;
    assert.equal(user.user_id, 'auth0|65a1f3c2b7e4d90012ab34cd');
    assert.equal(user.email, 'jamie.rivera@example.com');
    assert.equal(context.protocol, 'oidc-basic-profile');
    assert.equal((context.stats as { loginsCount: number }).loginsCount, user.logins_count);
    assert.equal((context.request as { ip: string }).ip, user.last_ip);
  });

  // The user used to replace the default while the context merged; one rule for all inputs now: merge,
  // with userReplace (--user-replace) for a user that starts empty.
  test('a custom user and a custom context are both deep-merged over the defaults', async () => {
    const rule = `function (user, context, callback) {
      console.log(user.email, user.name, context.protocol, context.clientName, context.request.geoip.country_code);
      callback(null, user, context);
    }`;
    const { result } = await runText(ws, rule, { user: { user_id: 'google-oauth2|1234', email: 'sam@example.org' }, context: { protocol: 'oauth2-refresh-token', request: { geoip: { country_code: 'DE' } } } });
    assert.deepEqual(result.logs, ['sam@example.org Jamie Rivera oauth2-refresh-token Example Portal DE']);
    const replaced = await runText(ws, rule, { user: { user_id: 'google-oauth2|1234', email: 'sam@example.org' }, userReplace: true });
    assert.deepEqual(replaced.result.logs, ['sam@example.org undefined oidc-basic-profile Example Portal US']);
    assert.deepEqual(replaced.result.user, { user_id: 'google-oauth2|1234', email: 'sam@example.org' });
  });

  test('the example rule skips Duo for refresh tokens given in a custom context', async () => {
    const file = join(__dirname, '../../../examples/duo-rule.js');
    const { result } = await runFile({ file, configuration: DUO_CONFIGURATION, context: { protocol: 'oauth2-refresh-token' } });
    assert.equal(result.outcome, 'completed');
    assert.equal(result.multifactor, null);
  });

  test('the unsaved buffer is run instead of the file on disk', async () => {
    const file = ws.write('saved.js', 'function (u, c, cb) { cb(new Error("the saved version")); }');
    const { result } = await runFile({ file, text: 'function (u, c, cb) { cb(null, u, c); }', workspaceRoot: ws.root });
    assert.equal(result.outcome, 'completed');
    assert.match(readFileSync(file, 'utf8'), /saved version/);
  });
});
