// Secrets never leave the runner: skeys and configuration values whose key names a secret
// become "[redacted]" in every field of the result, including inside longer strings.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { redactValue } from '../../shared/redact';
import { collectSecrets, findLiteralSecrets } from '../../server/src/runner/runSecrets';
import { disposeRunnerPool } from '../../server/src/runner/index';
import { createWorkspace, DUO_CONFIGURATION, runText, type TempWorkspace } from './runnerHelpers';

let ws: TempWorkspace;
before(() => { ws = createWorkspace(); });
after(() => { disposeRunnerPool(); ws.remove(); });

const configuration = {
  ...DUO_CONFIGURATION,
  SLACK_WEBHOOK_SECRET: 'hooks-secret-7f3a9c',
  db_password: 'correct-horse-battery',
  API_TOKEN: 'tok_live_51Hc0ffee',
  PUBLIC_LABEL: 'visible-label',
};
const secretValues = [configuration.DUO_SKEY, configuration.SLACK_WEBHOOK_SECRET, configuration.db_password, configuration.API_TOKEN];

function assertNoSecret(result: unknown): void {
  const json = JSON.stringify(result);
  for (const secret of secretValues) assert.ok(!json.includes(secret), `${secret} leaked: ${json}`);
}

describe('redaction', () => {
  test('a rule that spreads secrets into user, context, logs, warnings and the error leaks none of them', async () => {
    const { result } = await runText(ws, `function (user, context, callback) {
      user.app_metadata.copy = configuration.SLACK_WEBHOOK_SECRET;
      context.idToken.debug = 'token=' + configuration.API_TOKEN + ';';
      context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };
      console.log('db password is', configuration.db_password, 'label', configuration.PUBLIC_LABEL);
      console.log({ nested: { skey: configuration.DUO_SKEY } });
      auth0.users.updateAppMetadata(user.user_id, { secret: configuration.API_TOKEN });
      callback(null, user, context);
      throw new Error('late failure with ' + configuration.DUO_SKEY);
    }`, { configuration });
    assert.equal(result.outcome, 'completed');
    assertNoSecret(result);
    assert.equal((result.user as { app_metadata: { copy: string } }).app_metadata.copy, '[redacted]');
    assert.equal((result.context as { idToken: { debug: string } }).idToken.debug, 'token=[redacted];');
    assert.equal(result.logs[0], 'db password is [redacted] label visible-label');
    assert.match(result.logs[1], /skey: '\[redacted\]'/);
    assert.ok(result.warnings.some((w) => w.includes('late failure with [redacted]')), result.warnings.join('\n'));
    assert.deepEqual(result.calls[0].args[1], { secret: '[redacted]' });
    assert.equal(result.multifactor?.skey, '[redacted]');
  });

  test('an error message carrying a secret is redacted', async () => {
    const { result } = await runText(ws, 'function (u, c, cb) { cb(new Error("Duo rejected skey " + configuration.DUO_SKEY)); }', { configuration });
    assert.equal(result.error?.message, 'Duo rejected skey [redacted]');
  });

  test('an Action leaks no secret through claims, metadata or calls', async () => {
    const { result } = await runText(ws, `exports.onExecutePostLogin = async (event, api) => {
      api.idToken.setCustomClaim('leak', event.secrets.API_TOKEN);
      api.user.setUserMetadata('pw', event.secrets.db_password);
      api.multifactor.enable('duo', { providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST } });
      console.log(JSON.stringify(event.secrets));
    };`, { configuration });
    assertNoSecret(result);
    assert.deepEqual(result.changes?.idToken, { leak: '[redacted]' });
    assert.deepEqual(result.changes?.userMetadata, { pw: '[redacted]' });
    assert.equal(result.multifactor?.skey, '[redacted]');
    assert.match(result.logs[0], /"PUBLIC_LABEL":"visible-label"/);
  });

  test('an skey written in the code itself is redacted wherever it is echoed', async () => {
    const literal = 'HardCodedSkeyHardCodedSkeyHardCodedSkey0';
    const { result, secretMultifactor } = await runText(ws, `function (u, c, cb) {
      c.multifactor = { provider: 'duo', ikey: 'DIAAAAAAAAAAAAAAAAAA', skey: '${literal}', host: 'api-1.duosecurity.com' };
      console.log('configured', c.multifactor.skey);
      cb(null, u, c);
    }`);
    assert.ok(!JSON.stringify(result).includes(literal));
    assert.deepEqual(result.logs, ['configured [redacted]']);
    assert.equal(secretMultifactor?.skey, literal);
  });

  test('an skey the rule set up before denying is redacted in context and logs', async () => {
    const { result } = await runText(ws, `function (u, c, cb) {
      c.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_IKEY + 'x'.repeat(20), host: configuration.DUO_HOST };
      console.log('configured', c.multifactor);
      cb(new UnauthorizedError('no Duo for you'));
    }`, { configuration });
    const derived = `${configuration.DUO_IKEY}${'x'.repeat(20)}`;
    assert.equal(result.outcome, 'denied');
    assert.ok(!JSON.stringify(result).includes(derived), JSON.stringify(result));
    assert.equal((result.context as { multifactor: { skey: string } }).multifactor.skey, '[redacted]');
  });

  test('an Action that enables Duo and then denies leaks no skey through its recorded calls', async () => {
    const literal = 'ActionSkeyActionSkeyActionSkeyActionSke1';
    const { result } = await runText(ws, `exports.onExecutePostLogin = async (event, api) => {
      const options = { providerOptions: { ikey: 'DIAAAAAAAAAAAAAAAAAA', skey: ['${literal.slice(0, 20)}', '${literal.slice(20)}'].join(''), host: 'api-1.duosecurity.com' } };
      api.multifactor.enable('duo', options);
      api.access.deny('blocked');
    };`);
    assert.equal(result.outcome, 'denied');
    assert.equal(result.multifactor, null);
    assert.ok(!JSON.stringify(result).includes(literal), JSON.stringify(result.calls));
  });

  test('a literal skey logged before a timeout or thrown in an error is redacted', async () => {
    const literal = 'TimeoutSkeyTimeoutSkeyTimeoutSkeyTimeout';
    const timedOut = await runText(ws, `function (u, c, cb) { console.log('key ' + "${literal}"); while (true) {} }`, { timeoutMs: 300 });
    assert.equal(timedOut.result.outcome, 'timeout');
    assert.deepEqual(timedOut.result.logs, ['key [redacted]']);
    const named = await runText(ws, `function (u, c, cb) { const duoSecret = 'short-but-named'; throw new Error('bad ' + duoSecret); }`);
    assert.equal(named.result.error?.message, 'bad [redacted]');
  });

  test('a log line or value cut in the middle of a secret shows no part of it, and huge values are cut', async () => {
    const { result } = await runText(ws, `function (u, c, cb) {
      console.log('x'.repeat(9990) + configuration.DUO_SKEY);
      u.app_metadata.blob = 'y'.repeat(99_980) + configuration.DUO_SKEY + 'z'.repeat(5e6);
      cb(null, u, c);
    }`, { configuration });
    assert.equal(result.outcome, 'completed');
    assert.equal(result.logs[0], `${'x'.repeat(9990)}[redacted]… (10030 characters)`);
    const blob = (result.user as { app_metadata: { blob: string } }).app_metadata.blob;
    assert.equal(blob, `${'y'.repeat(99_980)}[redacted]… (5100020 characters)`);
    assertNoSecret(result);
  });

  test('finding secret literals stays fast on hostile text and finds each form', () => {
    for (const text of ['a'.repeat(200_000), `skey${'a'.repeat(200_000)}`, "x = '".repeat(50_000)]) {
      const started = performance.now();
      findLiteralSecrets(text);
      assert.ok(performance.now() - started < 1000, `${text.slice(0, 8)}…: ${Math.round(performance.now() - started)} ms`);
    }
    assert.deepEqual(findLiteralSecrets(`const duoSecret = "named-one"; x = { 'DUO_SKEY': 'quoted-key', skey: \`tpl\` }; y = "${'A1'.repeat(20)}"; label = 'plain'`).sort(),
      ['A1'.repeat(20), 'named-one', 'quoted-key', 'tpl'].sort());
  });

  test('an skey the code computed and logged before timing out is redacted (Rules and Actions)', async () => {
    const computed = { DUO_KEY_TWO: 'computedSkeyFromAPlainlyNamedKey' };
    const rule = await runText(ws, `function (u, c, cb) {
      c.multifactor = { provider: 'duo', ikey: 'DIAAAAAAAAAAAAAAAAAA', host: 'api-1.duosecurity.com' };
      c.multifactor.skey = configuration.DUO_KEY_TWO.trim();
      console.log('using ' + c.multifactor.skey);
      for (;;) {}
    }`, { configuration: computed, timeoutMs: 300 });
    assert.equal(rule.result.outcome, 'timeout');
    assert.deepEqual(rule.result.logs, ['using [redacted]']);
    const action = await runText(ws, `exports.onExecutePostLogin = async (event, api) => {
      const skey = event.secrets.DUO_KEY_TWO.trim();
      api.multifactor.enable('duo', { providerOptions: { ikey: 'DIAAAAAAAAAAAAAAAAAA', skey, host: 'api-1.duosecurity.com' } });
      console.log('using', skey);
      await new Promise(() => {});
    };`, { configuration: computed, timeoutMs: 300 });
    assert.equal(action.result.outcome, 'timeout');
    assert.deepEqual(action.result.logs, ['using [redacted]']);
  });

  test('secret keys are recognised case-insensitively and the longest secret is replaced whole', () => {
    const secrets = collectSecrets([{ my_Secret: 'abcd1234', Skey_Long: 'abcd1234-extended', name: 'abcd' }], []);
    assert.deepEqual(secrets, ['abcd1234-extended', 'abcd1234']);
    assert.deepEqual(redactValue({ a: 'x abcd1234-extended y abcd1234', abcd: 'abcd' }, secrets), { a: 'x [redacted] y [redacted]', abcd: 'abcd' });
  });
});
