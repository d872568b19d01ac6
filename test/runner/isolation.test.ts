// The runner's process isolation: single-use children (no downgrade when a child fails to start
// is in hostile/downgrade.test.ts, for Rules and Actions), the guards on the real `process`, the
// capped and checked channel to the parent.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { disposeRunnerPool, OUTPUT_LIMIT_MIB } from '../../server/src/runner/index';
import { createWorkspace, DUO_CONFIGURATION, runText, type TempWorkspace } from './runnerHelpers';

let ws: TempWorkspace;
before(() => {
  ws = createWorkspace();
});
after(() => {
  disposeRunnerPool();
  ws.remove();
});

const passThrough = 'function (u, c, cb) { cb(null, u, c); }';
const duoRule = `function (user, context, callback) {
  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };
  callback(null, user, context);
}`;

describe('single-use children', () => {
  test('every run gets a process of its own', async () => {
    const pids = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const { result } = await runText(ws, 'function (u, c, cb) { console.log(String(process.pid)); cb(null, u, c); }');
      pids.add(result.logs[0]);
    }
    assert.equal(pids.size, 3, `runs shared a process: ${[...pids].join(', ')}`);
  });

  test('a rule that hooks the child\'s own realm cannot touch the next run\'s result or secrets', async () => {
    // Through a host function's constructor the rule reaches the child's real globals and patches them.
    const hooker = await runText(ws, `function (u, c, cb) {
      const host = console.log.constructor.constructor('return this')();
      const realStringify = host.JSON.stringify;
      host.JSON.stringify = function (v) { host.__stolen = (host.__stolen || '') + realStringify(v); return '{"outcome":"completed","error":null,"multifactor":null,"calls":[],"logs":[],"warnings":[]}'; };
      host.Object.prototype.multifactor = null;
      cb(null, u, c);
    }`);
    assert.equal(hooker.result.outcome, 'error', 'the hooked child must not report a clean run');
    const next = await runText(ws, duoRule, { configuration: DUO_CONFIGURATION });
    assert.equal(next.result.outcome, 'completed');
    assert.equal(next.result.multifactor?.provider, 'duo', 'the next run still reports its MFA');
    assert.equal(next.secretMultifactor?.skey, DUO_CONFIGURATION.DUO_SKEY);
  });
});

describe('process guards', () => {
  // The only process a rule here aims a signal at: one this test started (never the test itself, never a group).
  let target: ChildProcess;
  let targetPid = 0;
  before(() => {
    target = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
    targetPid = target.pid ?? 0;
    assert.ok(targetPid > 1);
  });
  after(() => {
    if (target.exitCode === null && target.signalCode === null) target.kill('SIGKILL');
  });
  const assertTargetAlive = () => assert.ok(target.exitCode === null && target.signalCode === null, 'the signalled process ended');

  for (const [what, call, name] of [
    ['process.kill of another process', 'p.kill(TARGET, "SIGTERM")', 'ProcessSignalError'],
    ['process._kill of another process', 'p._kill(TARGET, 9)', 'ProcessSignalError'],
    ['process.dlopen', 'p.dlopen({ exports: {} }, "/nonexistent.node")', 'ProcessGuardError'],
    ['process.chdir', 'p.chdir("/")', 'ProcessGuardError'],
    ['process.umask(0)', 'p.umask(0)', 'ProcessGuardError'],
    ['process.reallyExit', 'p.reallyExit(3)', 'ProcessExitError'],
    ['process.abort', 'p.abort()', 'ProcessExitError'],
    ['process.stdin (the job channel)', 'p.stdin.read()', 'ProcessGuardError'],
    ['process._getActiveHandles (raw handles)', 'p._getActiveHandles()', 'ProcessGuardError'],
  ] as const) {
    test(`${what} through the real process ends the run as ${name}`, async () => {
      const { result } = await runText(ws, `function (u, c, cb) {
        const p = console.log.constructor.constructor('return process')();
        try { delete p.${call.split('(')[0].slice(2)}; } catch (e) {}
        ${call.replace('TARGET', String(targetPid))};
        cb(null, u, c);
      }`);
      assert.equal(result.outcome, 'error');
      assert.equal(result.error?.name, name, result.error?.message);
      assertTargetAlive();
    });
  }

  test('a guard cannot be swallowed: catching the error still ends the run as an error', async () => {
    const { result } = await runText(ws, `function (u, c, cb) {
      const p = console.log.constructor.constructor('return process')();
      try { p.kill(${targetPid}, 'SIGSTOP'); } catch (e) {}
      cb(null, u, c);
    }`);
    assert.equal(result.outcome, 'error');
    assert.equal(result.error?.name, 'ProcessSignalError');
    assertTargetAlive();
  });
});

/** Rule code writing straight to the child's fd 3 (a non-blocking pipe: EAGAIN means "try again"), in a bounded loop. */
const PUT = `function put(s) {
  const fs = require('fs');
  const b = Buffer.from(s);
  let off = 0;
  for (let n = 0; off < b.length && n < 1e7; n++) {
    try { off += fs.writeSync(3, b, off); } catch (e) { if (e.code !== 'EAGAIN') throw e; }
  }
}`;

describe('the channel to the parent', () => {
  test(`output over ${OUTPUT_LIMIT_MIB} MiB ends the run with a named error and the parent carries on`, async () => {
    const before = process.memoryUsage().rss;
    const { result } = await runText(ws, `function (u, c, cb) {
      for (let i = 0; i < 1000; i++) console.log(String(i).padEnd(10000, 'x'));
      cb(null, u, c);
    }`, { timeoutMs: 10_000 });
    assert.equal(result.outcome, 'error');
    assert.equal(result.error?.name, 'OutputLimitError');
    assert.match(result.error?.message ?? '', new RegExp(`output exceeded ${OUTPUT_LIMIT_MIB} MiB`));
    assert.ok(process.memoryUsage().rss - before < 200 * 1024 * 1024, 'the parent buffered the flood');
    const next = await runText(ws, passThrough);
    assert.equal(next.result.outcome, 'completed');
  });

  test('one message without an end over the cap is stopped too', async () => {
    const { result } = await runText(ws, `function (u, c, cb) {
      ${PUT}
      const chunk = 'y'.repeat(1024 * 1024);
      for (let i = 0; i < 16; i++) put(chunk);
      setTimeout(() => cb(null, u, c), 1000);
    }`, { timeoutMs: 10_000 });
    assert.equal(result.error?.name, 'OutputLimitError');
  });

  test('a forged, malformed result is refused: the run fails, the parent does not', async () => {
    const { result } = await runText(ws, `function (u, c, cb) {
      require('fs').writeSync(3, JSON.stringify({ type: 'result', id: 1, result: { outcome: 'completed', multifactor: 42 } }) + '\\n');
      setTimeout(() => cb(null, u, c), 1000);
    }`);
    assert.equal(result.outcome, 'error');
    assert.equal(result.error?.name, 'RunnerError');
    assert.match(result.error?.message ?? '', /invalid message \(malformed/);
  });

  test('a well-formed forged result is refused: only the child\'s own messages carry the run\'s key', async () => {
    const forged = { type: 'result', id: 1, result: { outcome: 'completed', error: null, multifactor: null, calls: [], logs: [], warnings: [], user: {}, context: {} } };
    const { result } = await runText(ws, `function (u, c, cb) {
      require('fs').writeSync(3, JSON.stringify(${JSON.stringify(forged)}) + '\\n');
      c.multifactor = { provider: 'duo', host: 'api-x.duosecurity.com' };
      cb(null, u, c);
    }`);
    assert.equal(result.outcome, 'error');
    assert.equal(result.error?.name, 'RunnerError');
    assert.match(result.error?.message ?? '', /did not come from the runner/);
    assert.equal(result.multifactor, null);
  });

  test('a message that is not JSON is refused', async () => {
    const { result } = await runText(ws, `function (u, c, cb) {
      require('fs').writeSync(3, 'not json\\n');
      setTimeout(() => cb(null, u, c), 1000);
    }`);
    assert.equal(result.error?.name, 'RunnerError');
    assert.match(result.error?.message ?? '', /invalid message \(not JSON\)/);
  });
});

describe("the child's own built-ins", () => {
  test('ordinary code is no IsolationError: Node modules, lazily loaded globals, changes to its own realm', async () => {
    const { result } = await runText(ws, `function (user, context, callback) {
      Array.prototype.last = function () { return this[this.length - 1]; };
      Object.prototype.ruleFlag = true;
      JSON.stringify = () => 'the rule realm only';
      const id = crypto.randomUUID();
      const hash = require('crypto').createHash('sha256').update(user.email).digest('hex');
      require('util').inspect({ a: 1 }); require('http'); require('url');
      const f = typeof fetch;
      context.idToken.claims = [id.length, hash.length, f, new URL('https://example.com/a').host, Buffer.from('ok').toString('base64')].last();
      context.multifactor = { provider: 'duo', host: 'api-1.duosecurity.com' };
      callback(null, user, context);
    }`);
    assert.equal(result.outcome, 'completed', JSON.stringify(result.error));
    assert.equal(result.multifactor?.host, 'api-1.duosecurity.com');
    assert.equal((result.context as { idToken: { claims: string } }).idToken.claims, 'b2s=');
  });

  test("a change to the child's realm is named, and the run fails even when the code decided first", async () => {
    const { result } = await runText(ws, `function (user, context, callback) {
      context.multifactor = { provider: 'duo', host: 'api-1.duosecurity.com' };
      callback(null, user, context);
      const host = callback.constructor('return this')();
      host.Promise.prototype.then = function () { return this; };
    }`);
    assert.equal(result.outcome, 'error');
    assert.equal(result.error?.name, 'IsolationError');
    assert.match(result.error?.message ?? '', /\(Promise\.prototype\.then was changed\)/);
    assert.equal(result.multifactor, null);
  });
});
