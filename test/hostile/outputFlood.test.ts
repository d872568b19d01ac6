// Attack: flood the parent with output (logs, one endless message, a forged result) to exhaust
// its memory or crash it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { asAction, asRule, createArena, putOnChannel, runAttack, type Arena } from './hostileHelpers';

let arena: Arena;
before(() => { arena = createArena(); });
after(() => arena.remove());

const put = putOnChannel;

describe('hostile: output flood and forged messages', () => {
  for (const [form, wrap] of [['Rule', asRule], ['Action', asAction]] as const) {
    test(`${form}: 64 MiB of messages end as OutputLimitError`, async () => {
      const report = await runAttack(arena, `flood-${form}`, wrap(`${put}
        const line = '{"type":"log","id":1,"line":"' + 'x'.repeat(1 << 20) + '"}\\n';
        for (let i = 0; i < 64; i++) put(line);
      `), { outcome: 'error', errorName: 'OutputLimitError' });
      assert.match(report.error.message, /the rule's output exceeded 8 MiB/);
    });

    test(`${form}: a forged malformed result ends the run as RunnerError, not an internal error`, async () => {
      const report = await runAttack(arena, `forge-${form}`, wrap(`${put}
        put(JSON.stringify({ type: 'result', id: 1, result: { outcome: 'completed', error: null, multifactor: 'none', calls: 5 } }) + '\\n');
      `), { outcome: 'error', errorName: 'RunnerError' });
      assert.match(report.error.message, /invalid message/);
    });
  }

  test('a thousand log lines of 100 KB each are cut, not buffered whole', async () => {
    const report = await runAttack(arena, 'many-logs', asRule(`for (let i = 0; i < 2000; i++) console.log('y'.repeat(100000));`), {});
    assert.ok(['completed', 'error'].includes(report.outcome));
  });
});
