// Rules pipelines run as Auth0 ran them: the rules of one login share one `global` (the "global
// function declarations" rule pattern works), the next login starts from a fresh one, and a
// batch of logins runs in one child with each login's result of its own.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { join } from 'node:path';
import { createDefaultContext, createDefaultUser, disposeRunnerPool, runBatch, runFile } from '../../server/src/runner/index';

const root = join(__dirname, '..', '..', '..');
const pipeline = join(root, 'test', 'fixtures', 'convert', 'pipeline');
const configuration = { DUO_IKEY: 'DIABCDEFGHIJ01234567', DUO_SKEY: 'abcdefghij0123456789ABCDEFGHIJ0123456789', DUO_HOST: 'api-1234abcd.duosecurity.com' };

after(() => disposeRunnerPool());

describe('a rules directory', () => {
  test('a helper the first rule stores on global is there for the second (it was "not a function" with a fresh global per rule)', async () => {
    const { result } = await runFile({ file: pipeline, configuration, workspaceRoot: pipeline });
    assert.equal(result.outcome, 'completed', JSON.stringify(result.error));
    assert.deepEqual(result.rules?.map((r) => r.name), ['global-functions', 'duo']);
    // The mock user's email is @example.com, so global.isStaff asked for Duo.
    assert.equal(result.multifactor?.provider, 'duo');
    assert.equal(result.rule, 'duo');
  });

  test('the deny helper redirects an unverified user', async () => {
    const { result } = await runFile({ file: pipeline, configuration, workspaceRoot: pipeline, user: { ...createDefaultUser(), email_verified: false } });
    assert.equal(result.outcome, 'completed');
    assert.match(String((result.context as { redirect?: { url?: string } }).redirect?.url), /error\?code=unverified$/);
    assert.equal(result.multifactor, null);
  });
});

describe('a batch of logins', () => {
  const counter = {
    file: join(pipeline, 'counter.js'),
    source: 'function (user, context, callback) { global.count = (global.count || 0) + 1; context.idToken.count = global.count; callback(null, user, context); }',
  };

  test('shares global between the rules of one login, never between logins', async () => {
    const logins = [1, 2, 3].map(() => ({ user: createDefaultUser(), context: createDefaultContext(), event: null }));
    const { results } = await runBatch({ kind: 'rule', scripts: [counter, counter], logins, configuration: {}, workspaceRoot: pipeline });
    assert.equal(results.length, 3);
    for (const steps of results) {
      assert.deepEqual(steps.map((s) => s.outcome), ['completed', 'completed']);
      // Two rules of the login counted to 2; the next login started again from 1.
      assert.equal((steps[1].context as { idToken: { count: number } }).idToken.count, 2);
    }
  });

  test('a login that never decides times out alone; the next one still runs', async () => {
    const hang = { file: join(pipeline, 'hang.js'), source: 'function (user, context, callback) { if (user.hang) return; callback(null, user, context); }' };
    const logins = [{ ...createDefaultUser(), hang: true }, createDefaultUser()].map((user) => ({ user, context: createDefaultContext(), event: null }));
    const { results } = await runBatch({ kind: 'rule', scripts: [hang], logins, configuration: {}, workspaceRoot: pipeline, timeoutMs: 300 });
    assert.equal(results[0][0].error?.name, 'TimeoutError');
    assert.match(String(results[0][0].error?.message), /callback was never called within 300 ms/);
    assert.equal(results[1][0].outcome, 'completed');
  });

  test('code that loops without end costs its login a timeout; the logins after it run in a new child', async () => {
    const loop = { file: join(pipeline, 'loop.js'), source: 'function (user, context, callback) { while (user.loop) {} callback(null, user, context); }' };
    const logins = [createDefaultUser(), { ...createDefaultUser(), loop: true }, createDefaultUser()].map((user) => ({ user, context: createDefaultContext(), event: null }));
    const { results } = await runBatch({ kind: 'rule', scripts: [loop], logins, configuration: {}, workspaceRoot: pipeline, timeoutMs: 300 });
    assert.deepEqual(results.map((steps) => steps[0].outcome), ['completed', 'error', 'completed']);
    assert.equal(results[1][0].error?.name, 'TimeoutError');
  });
});
