// The child pool: recovery after a kill, concurrent runs, and runs that cannot leak into
// each other.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { disposeRunnerPool, prestartRunner } from '../../server/src/runner/index';
import { LineReader } from '../../server/src/runner/pool';
import { createWorkspace, runText, type TempWorkspace } from './runnerHelpers';
import { stillRunsAfter } from '../helpers/processes';

let ws: TempWorkspace;
before(() => { ws = createWorkspace(); });
after(() => { disposeRunnerPool(); ws.remove(); });

const passThrough = 'function (u, c, cb) { cb(null, u, c); }';

describe('runner pool', () => {
  test('after a timeout kill the replacement child answers about as fast as a fresh start, then warm', async () => {
    disposeRunnerPool();
    const coldStart = performance.now();
    await runText(ws, passThrough);
    const cold = performance.now() - coldStart;
    const timedOut = await runText(ws, 'function () { for (;;) {} }', { timeoutMs: 200 });
    assert.equal(timedOut.result.outcome, 'timeout');
    const afterKillStart = performance.now();
    const next = await runText(ws, passThrough);
    const afterKill = performance.now() - afterKillStart;
    assert.equal(next.result.outcome, 'completed');
    // The replacement was forked when the old child was killed: at most its start-up remains.
    assert.ok(afterKill < cold * 2 + 300, `after the kill ${afterKill} ms, cold start ${cold} ms`);
    // Every run takes a fresh child; one started ahead of need makes the run cheaper than a cold start.
    await prestartRunner({ file: join(ws.root, 'rule.js'), workspaceRoot: ws.root });
    const warmStart = performance.now();
    await runText(ws, passThrough);
    const warm = performance.now() - warmStart;
    assert.ok(warm < cold, `warm run ${warm} ms is not faster than the cold start ${cold} ms`);
  });

  test('after a memory blow-up the next run works', async () => {
    const bomb = await runText(ws, 'function () { const a = []; for (;;) a.push(new Array(1e5).fill(0.5)); }', { memoryLimitMb: 64, timeoutMs: 10_000 });
    assert.equal(bomb.result.outcome, 'error');
    const next = await runText(ws, passThrough, { memoryLimitMb: 64 });
    assert.equal(next.result.outcome, 'completed');
  });

  test('concurrent runs each get their own inputs and outcome', async () => {
    const runs = Array.from({ length: 8 }, (_, i) => runText(ws, `function (user, context, callback) {
      setTimeout(() => {
        console.log('run', user.user_id);
        if (user.user_id.endsWith('3')) return callback(new UnauthorizedError('blocked ' + user.user_id));
        context.idToken.who = user.user_id;
        callback(null, user, context);
      }, ${(i % 3) * 10});
    }`, { user: { user_id: `auth0|user${i}` } }));
    const outcomes = await Promise.all(runs);
    outcomes.forEach(({ result }, i) => {
      assert.deepEqual(result.logs, [`run auth0|user${i}`]);
      if (i === 3) {
        assert.equal(result.outcome, 'denied');
        assert.equal(result.error?.message, 'blocked auth0|user3');
      } else {
        assert.equal(result.outcome, 'completed');
        assert.equal((result.context as { idToken: { who: string } }).idToken.who, `auth0|user${i}`);
      }
    });
  });

  test('a timeout in one of several concurrent runs does not disturb the others', async () => {
    const [loop, ok1, ok2] = await Promise.all([
      runText(ws, 'function () { for (;;) {} }', { timeoutMs: 300 }),
      runText(ws, passThrough),
      runText(ws, passThrough),
    ]);
    assert.equal(loop.result.outcome, 'timeout');
    assert.equal(ok1.result.outcome, 'completed');
    assert.equal(ok2.result.outcome, 'completed');
  });

  test('a rule that pollutes the prototypes of its inputs does not affect the next run', async () => {
    const polluter = await runText(ws, `function (user, context, callback) {
      Object.getPrototypeOf(user).isAdmin = true;
      Object.getPrototypeOf(context.authorization.roles).includes = () => true;
      callback(null, user, context);
    }`);
    assert.equal(polluter.result.outcome, 'completed');
    const next = await runText(ws, `function (user, context, callback) {
      console.log(String(user.isAdmin), String({}.isAdmin), context.authorization.roles.includes('admin'));
      callback(null, user, context);
    }`);
    assert.deepEqual(next.result.logs, ['undefined undefined false']);
  });

  test('a rule that reaches the child\'s own Object.prototype cannot plant an MFA in the next run\'s result', async () => {
    const planter = await runText(ws, `function (user, context, callback) {
      this.constructor.prototype.multifactor = { provider: 'duo', ikey: 'DIPLANTEDPLANTED0000', skey: 'planted-secret', host: 'api-1.duosecurity.com' };
      callback(null, user, context);
    }`);
    assert.equal(planter.result.multifactor, null);
    const next = await runText(ws, passThrough);
    assert.equal(next.result.outcome, 'completed');
    assert.equal(next.result.multifactor, null);
    assert.equal(next.secretMultifactor, null);
  });

  test('timers left behind by one run never fire in the next', async () => {
    const first = await runText(ws, `function (u, c, cb) {
      setTimeout(() => console.log('leaked timeout'), 80);
      setInterval(() => console.log('leaked interval'), 15);
      cb(null, u, c);
    }`);
    assert.equal(first.result.outcome, 'completed');
    // The second run stays alive longer than the leaked timers would need to fire.
    const second = await runText(ws, `function (u, c, cb) {
      setTimeout(() => { console.log('second done'); cb(null, u, c); }, 150);
    }`);
    assert.deepEqual(second.result.logs, ['second done']);
    assert.ok(!first.result.logs.includes('leaked timeout'));
  });

  test('a child stuck in an endless loop does not outlive a parent that was killed mid-run', async () => {
    let childPid = 0;
    let parentKilled = false;
    const server = createServer((req, res) => {
      // The rule calls in right before it starts looping: now the parent dies without cleaning up.
      childPid = Number(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('pid'));
      res.end('ok', () => { parent.kill('SIGKILL'); parentKilled = true; });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const rule = `function (u, c, cb) {
      require('http').get('http://127.0.0.1:${port}/?pid=' + process.pid, (res) => {
        res.resume();
        res.on('end', () => setTimeout(() => { for (;;) {} }, 0));
      });
    }`;
    const script = `require(${JSON.stringify(join(__dirname, '../../server/src/runner/index.js'))})
      .runFile({ file: 'inline.js', text: ${JSON.stringify(rule)}, workspaceRoot: ${JSON.stringify(ws.root)}, timeoutMs: 500 });`;
    const parent = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
    await once(parent, 'exit');
    server.close();
    assert.ok(parentKilled && childPid > 0, 'the rule never reached the test server');
    assert.equal(await stillRunsAfter(childPid, 15_000), false, 'the orphaned child was still running');
  });

  test('a child whose code left a loop behind in its own realm is killed when the process exits right after the result', async () => {
    // The child is killed once the caller has its result: a CLI that prints it and exits at once must
    // still take the child with it. This code leaves timers in the child's own realm (neither the run's
    // timers nor the vm timeout cover them): the inner one runs right after the result was sent and
    // loops for ever, so a child the exit left behind would never notice that its parent is gone.
    const rule = `function (u, c, cb) {
      const host = console.log.constructor.constructor('return this')();
      host.setImmediate(() => host.setImmediate(() => { for (;;) {} }));
      console.log(String(host.process.pid));
      cb(null, u, c);
    }`;
    const script = `const runner = require(${JSON.stringify(join(__dirname, '../../server/src/runner/index.js'))});
      runner.runFile({ file: 'inline.js', text: ${JSON.stringify(rule)}, workspaceRoot: ${JSON.stringify(ws.root)} }).then(({ result }) => {
        process.stdout.write(result.outcome + ' ' + result.logs.join(' '));
        runner.disposeRunnerPool();
        process.exit(0);
      });`;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    parent.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
    await once(parent, 'close');
    const [outcome, pid] = out.split(' ');
    assert.equal(outcome, 'completed');
    const childPid = Number(pid);
    assert.ok(Number.isInteger(childPid) && childPid > 1, `no child pid in ${JSON.stringify(out)}`);
    assert.equal(await stillRunsAfter(childPid, 5000), false, 'the child outlived the process that ran it');
  });

  test('an idle pool does not keep the process alive, and a disposed pool starts again', async () => {
    const script = `
      const { runFile } = require(${JSON.stringify(join(__dirname, '../../server/src/runner/index.js'))});
      runFile({ file: 'inline.js', text: ${JSON.stringify(passThrough)}, workspaceRoot: ${JSON.stringify(ws.root)} })
        .then(({ result }) => console.log(result.outcome));`;
    // No disposeRunnerPool() in the script: the idle child must not hold the event loop.
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(child.signal, null, 'the process had to be killed: the idle pool kept it alive');
    assert.equal(child.stdout.trim(), 'completed');
    disposeRunnerPool();
    const again = await runText(ws, passThrough);
    assert.equal(again.result.outcome, 'completed');
  });
});

describe('the channel from the child', () => {
  const lines = (...texts: string[]) => Buffer.from(texts.map((t) => `${t}\n`).join(''));

  test('after a refused line, nothing the child wrote later is read, in the same chunk or a later one', () => {
    const seen: string[] = [];
    const reader = new LineReader((line) => {
      seen.push(line.toString());
      return !line.toString().startsWith('forged');
    }, () => true);
    reader.push(lines('ok 1', 'forged', 'result in the same chunk'));
    // Under load the child gets to write its real result before the kill reaches it: it arrives as a later chunk.
    reader.push(lines('result in a later chunk'));
    assert.deepEqual(seen, ['ok 1', 'forged']);
  });

  test('a line split over chunks arrives whole; an unfinished line over the limit stops the reading', () => {
    const seen: string[] = [];
    let held = 0;
    const reader = new LineReader((line) => (seen.push(line.toString()), true), (bytes) => ((held = bytes), bytes <= 10));
    reader.push(Buffer.from('{"a":'));
    reader.push(Buffer.from('1}\n{"b"'));
    assert.deepEqual(seen, ['{"a":1}']);
    assert.equal(held, 4);
    reader.push(Buffer.from(':"xxxxxxxx'));
    reader.push(Buffer.from('"}\n'));
    assert.deepEqual(seen, ['{"a":1}'], 'a line over the limit was still read');
  });
});
