// Attack: flood the parent with output (logs, one endless message) to exhaust its memory or crash
// it, or forge the child's messages (a malformed result, a well-formed one without the run's key).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { asAction, asRule, createArena, putOnChannel, runAttack, type Arena } from './hostileHelpers';

let arena: Arena;
before(() => { arena = createArena(); });
after(() => arena.remove());

const put = putOnChannel;

describe('hostile: output flood and forged messages', () => {
  for (const [form, wrap] of [['Rule', asRule], ['Action', asAction]] as const) {
    test(`${form}: 64 MiB written straight to the channel, with no line end, end as OutputLimitError`, async () => {
      const report = await runAttack(arena, `flood-${form}`, wrap(`${put}
        const chunk = 'x'.repeat(1 << 20);
        for (let i = 0; i < 64; i++) put(chunk);
      `), { outcome: 'error', errorName: 'OutputLimitError' });
      assert.match(report.error.message, /the rule's output exceeded 8 MiB/);
    });

    test(`${form}: logging past 8 MiB (the child's own messages) ends as OutputLimitError`, async () => {
      const report = await runAttack(arena, `log-flood-${form}`, wrap(`for (let i = 0; i < 1000; i++) console.log(String(i).padEnd(10000, 'z'));`),
        { outcome: 'error', errorName: 'OutputLimitError' });
      assert.match(report.error.message, /the rule's output exceeded 8 MiB/);
    });

    test(`${form}: a forged malformed result ends the run as RunnerError, not an internal error`, async () => {
      const report = await runAttack(arena, `forge-${form}`, wrap(`${put}
        put(JSON.stringify({ type: 'result', id: 1, result: { outcome: 'completed', error: null, multifactor: 'none', calls: 5 } }) + '\\n');
      `), { outcome: 'error', errorName: 'RunnerError' });
      assert.match(report.error.message, /invalid message/);
    });

    test(`${form}: a forged well-formed result (MFA off, completed) is refused: it lacks the run's key`, async () => {
      const forged = { type: 'result', id: 1, result: { outcome: 'completed', error: null, multifactor: null, calls: [], logs: [], warnings: [], user: {}, context: {},
        changes: { idToken: {}, accessToken: {}, appMetadata: {}, userMetadata: {}, redirect: null } } };
      for (const key of [undefined, '0'.repeat(32)]) {
        const report = await runAttack(arena, `forge-valid-${form}`, wrap(`${put}
          put(JSON.stringify(${JSON.stringify({ ...forged, key })}) + '\\n');
        `), { outcome: 'error', errorName: 'RunnerError' });
        assert.match(report.error.message, /did not come from the runner/);
      }
    });
  }

  test('a thousand log lines of 100 KB each are cut, not buffered whole', async () => {
    const report = await runAttack(arena, 'many-logs', asRule(`for (let i = 0; i < 2000; i++) console.log('y'.repeat(100000));`), {});
    assert.ok(['completed', 'error'].includes(report.outcome));
  });
});
