// How faithful a run is to Auth0: outcomes as Auth0 decides them, realistic default inputs,
// the clock, mocks and input-merging controls. Through `duo-rules run` as a real process.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createWorkspace, runCliProcess, type CliRun, type TempWorkspace } from './runnerHelpers';

let ws: TempWorkspace;

function runCli(args: string[]): Promise<CliRun> {
  return runCliProcess(ws.root, args);
}

async function runJson(args: string[]): Promise<{ code: number | null; result: Record<string, any>; stderr: string }> {
  const { code, stdout, stderr } = await runCli([...args, '--format', 'json']);
  let result: Record<string, any>;
  try {
    result = JSON.parse(stdout);
  } catch {
    assert.fail(`not JSON (exit ${code}): ${stdout}\n${stderr}`);
  }
  return { code, result, stderr };
}

before(() => {
  ws = createWorkspace();
  // Like Auth0's "disable social signup" template: the denial is a plain Error.
  ws.write('rules/no-social-signup.js', `function disableSocialSignup(user, context, callback) {
    const isSocial = context.connectionStrategy === user.identities[0].provider && user.identities[0].isSocial;
    if (isSocial && context.stats.loginsCount === 1) {
      return callback(new Error('Signup disabled'));
    }
    callback(null, user, context);
  }`);
  ws.write('social-first-login.json', JSON.stringify({ connectionStrategy: 'google-oauth2', stats: { loginsCount: 1 } }));
  ws.write('social-user.json', JSON.stringify({ identities: [{ connection: 'google-oauth2', isSocial: true, provider: 'google-oauth2', user_id: '1090' }] }));
});
after(() => ws.remove());

describe('outcomes as Auth0 decides them', () => {
  test('callback(new Error(m)) is a denial (exit 0) with the error\'s name and message, like UnauthorizedError', async () => {
    const { code, result, stderr } = await runJson(['rules/no-social-signup.js', '--context', 'social-first-login.json', '--user', 'social-user.json']);
    assert.equal(code, 0, stderr);
    assert.equal(result.outcome, 'denied');
    assert.deepEqual(result.error, { name: 'Error', message: 'Signup disabled' });
    const text = await runCli(['rules/no-social-signup.js', '--context', 'social-first-login.json', '--user', 'social-user.json']);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /: denied in [\d.]+ ms\nDenied: Signup disabled\n/);
  });

  test('the same rule completes for a returning database user', async () => {
    const { code, result } = await runJson(['rules/no-social-signup.js']);
    assert.equal(code, 0);
    assert.equal(result.outcome, 'completed');
  });
});
