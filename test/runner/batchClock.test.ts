// A batch login with its own clock (the differential check tries the hours a condition reads): the code of that
// login sees that instant, through new Date(), Date.now() and Date(); the logins without one keep the real clock,
// also when they run in a realm the batch reuses.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { join } from 'node:path';
import { createDefaultContext, createDefaultUser, disposeRunnerPool, runBatch } from '../../server/src/runner/index';

const workspaceRoot = join(__dirname, '..', '..', '..');

after(() => disposeRunnerPool());

const clockRule = {
  file: join(workspaceRoot, 'clock.js'),
  source: `function (user, context, callback) {
    context.idToken.hour = new Date().getUTCHours();
    context.idToken.day = new Date().getUTCDay();
    context.idToken.now = Date.now();
    context.idToken.text = Date();
    callback(null, user, context);
  }`,
};

const clockAction = {
  file: join(workspaceRoot, 'clock-action.js'),
  source: `exports.onExecutePostLogin = async (event, api) => {
    api.idToken.setCustomClaim('hour', new Date().getUTCHours());
  };`,
};

describe('runBatch: a login with its own clock', () => {
  test('each login sees its own instant; a login without one sees the real time', async () => {
    const seven = Date.UTC(2026, 10, 30, 7);
    const saturday = Date.UTC(2026, 11, 5, 19, 30);
    const login = { user: createDefaultUser(), context: createDefaultContext(), event: null };
    const before = Date.now();
    const { results } = await runBatch({
      kind: 'rule', scripts: [clockRule], configuration: {}, workspaceRoot,
      logins: [{ ...login }, { ...login, now: seven }, { ...login }, { ...login }, { ...login, now: saturday }, { ...login }],
    });
    const after = Date.now();
    const tokens = results.map((steps) => (steps[0].context as { idToken: { hour: number; day: number; now: number; text: string } }).idToken);
    assert.equal(tokens.length, 6);
    assert.equal(tokens[1].hour, 7);
    assert.equal(tokens[1].day, 1);
    assert.ok(tokens[1].now >= seven && tokens[1].now < seven + 60_000, String(tokens[1].now));
    assert.ok(Math.abs(Date.parse(tokens[1].text) - seven) < 60_000, tokens[1].text);
    assert.equal(tokens[4].hour, 19);
    assert.equal(tokens[4].day, 6);
    // The logins around them (reusing a realm where they can) are at the real time, not at a clocked login's.
    for (const index of [0, 2, 3, 5]) assert.ok(tokens[index].now >= before && tokens[index].now <= after, `login ${index}: ${new Date(tokens[index].now).toISOString()}`);
  });

  test("an Action's login honours its clock too", async () => {
    const { results } = await runBatch({
      kind: 'action', scripts: [clockAction], configuration: {}, workspaceRoot,
      logins: [{ user: null, context: null, event: { user: createDefaultUser() }, now: Date.UTC(2026, 10, 30, 18) }, { user: null, context: null, event: { user: createDefaultUser() }, now: Date.UTC(2026, 10, 30, 3) }],
    });
    assert.deepEqual(results.map((steps) => steps[0].changes?.idToken), [{ hour: 18 }, { hour: 3 }]);
  });
});
