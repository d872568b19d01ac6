// Work nobody waits for (a message shown, a notification sent) must not end the process when it fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inBackground } from '../../shared/background';

function unhandledDuring(run: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => { seen.push(reason); };
  process.on('unhandledRejection', listener);
  return run().then(async () => {
    // Unhandled rejections are reported after the microtask queue drains.
    await new Promise((resolve) => setImmediate(resolve));
    process.off('unhandledRejection', listener);
    return seen;
  });
}

test('a failure of background work reaches the reporter and is not left unhandled', async () => {
  const reported: unknown[] = [];
  const unhandled = await unhandledDuring(async () => {
    const failure = new Error('connection closed');
    inBackground(Promise.reject(failure), (err) => reported.push(err));
    await new Promise((resolve) => setImmediate(resolve));
  });
  assert.equal(reported.length, 1);
  assert.equal((reported[0] as Error).message, 'connection closed');
  assert.deepEqual(unhandled, []);
});

test('a reporter that throws (its channel is gone too) leaves nothing unhandled either', async () => {
  const unhandled = await unhandledDuring(async () => {
    inBackground(Promise.reject(new Error('closed')), () => { throw new Error('log channel closed'); });
    await new Promise((resolve) => setImmediate(resolve));
  });
  assert.deepEqual(unhandled, []);
});

test('work that succeeds reports nothing', async () => {
  let reports = 0;
  inBackground(Promise.resolve('sent'), () => { reports++; });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(reports, 0);
});
