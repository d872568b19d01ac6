// A deploy-cli rules directory runs as Auth0 runs it: enabled rules in `order`, each with the
// previous one's user and context, stopping at the first denial or error.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import { disposeRunnerPool, runFile, RunInputError } from '../../server/src/runner/index';
import { createWorkspace, DUO_CONFIGURATION, type TempWorkspace } from './runnerHelpers';

let ws: TempWorkspace;

function writeRule(dir: string, file: string, meta: Record<string, unknown>, code: string): void {
  ws.write(`${dir}/rules/${file}.json`, JSON.stringify({ stage: 'login_success', script: `./${file}.js`, ...meta }));
  ws.write(`${dir}/rules/${file}.js`, code);
}

before(() => {
  ws = createWorkspace();
  // File names sort opposite to `order`, so only `order` can give the right sequence.
  writeRule('repo', 'z-tag-user', { name: 'tag-user', enabled: true, order: 1 }, `function tagUser(user, context, callback) {
    user.app_metadata.tagged = 'by tag-user';
    console.log('tag-user ran');
    callback(null, user, context);
  }`);
  writeRule('repo', 'm-require-duo', { name: 'require-duo', enabled: true, order: 2 }, `function requireDuo(user, context, callback) {
    console.log('require-duo sees', user.app_metadata.tagged);
    context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };
    callback(null, user, context);
  }`);
  writeRule('repo', 'b-disabled-deny', { name: 'disabled-deny', enabled: false, order: 3 }, `function (user, context, callback) {
    callback(new UnauthorizedError('a disabled rule must not run'));
  }`);
  writeRule('repo', 'a-add-claim', { name: 'add-claim', enabled: true, order: 4 }, `function addClaim(user, context, callback) {
    context.idToken['https://example.com/tagged'] = user.app_metadata.tagged;
    console.log('add-claim ran');
    callback(null, user, context);
  }`);

  writeRule('stops', 'first', { name: 'first', enabled: true, order: 10 }, 'function (u, c, cb) { console.log("first ran"); cb(null, u, c); }');
  writeRule('stops', 'block-contractors', { name: 'block-contractors', enabled: true, order: 20 }, `function (user, context, callback) {
    callback(new UnauthorizedError('Contractors must use the VPN'));
  }`);
  writeRule('stops', 'never', { name: 'never', enabled: true, order: 30 }, 'function (u, c, cb) { console.log("never ran"); cb(null, u, c); }');
});
after(() => { disposeRunnerPool(); ws.remove(); });

describe('rules directory', () => {
  test('runs the enabled rules in order, passing user and context along, and names the rule that set the MFA', async () => {
    const { result, secretMultifactor } = await runFile({ file: join(ws.root, 'repo'), configuration: DUO_CONFIGURATION });
    assert.equal(result.kind, 'rule');
    assert.equal(result.outcome, 'completed');
    assert.deepEqual(result.rules, [
      { name: 'tag-user', outcome: 'completed' },
      { name: 'require-duo', outcome: 'completed' },
      { name: 'add-claim', outcome: 'completed' },
    ]);
    assert.equal(result.rule, 'require-duo');
    assert.deepEqual(result.logs, ['[tag-user] tag-user ran', '[require-duo] require-duo sees by tag-user', '[add-claim] add-claim ran']);
    assert.equal((result.context as { idToken: Record<string, unknown> }).idToken['https://example.com/tagged'], 'by tag-user');
    assert.deepEqual(result.multifactor, { provider: 'duo', ikey: DUO_CONFIGURATION.DUO_IKEY, skey: '[redacted]', host: DUO_CONFIGURATION.DUO_HOST });
    assert.equal(secretMultifactor?.skey, DUO_CONFIGURATION.DUO_SKEY);
  });

  test('the rules folder itself can be given', async () => {
    const { result } = await runFile({ file: join(ws.root, 'repo', 'rules'), configuration: DUO_CONFIGURATION });
    assert.equal(result.rules?.length, 3);
  });

  test('stops at the first denial and names the deciding rule', async () => {
    const { result } = await runFile({ file: join(ws.root, 'stops') });
    assert.equal(result.outcome, 'denied');
    assert.equal(result.error?.message, 'Contractors must use the VPN');
    assert.equal(result.rule, 'block-contractors');
    assert.deepEqual(result.rules, [{ name: 'first', outcome: 'completed' }, { name: 'block-contractors', outcome: 'denied' }]);
    assert.deepEqual(result.logs, ['[first] first ran']);
  });

  test('a folder without rules is an input error', async () => {
    ws.write('empty/README.md', 'nothing here');
    await assert.rejects(runFile({ file: join(ws.root, 'empty') }), (err: unknown) => err instanceof RunInputError && /no enabled rules/.test(err.message));
  });
});
