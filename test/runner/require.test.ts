// `require` inside a rule: core modules, npm modules from the workspace's node_modules
// (with Auth0's `mod@1.2.3` form), a clear message for a missing one, and what the child's
// permissions refuse.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { disposeRunnerPool } from '../../server/src/runner/index';
import { createWorkspace, runText, type TempWorkspace } from './runnerHelpers';

let ws: TempWorkspace;
before(() => {
  ws = createWorkspace();
  ws.write('node_modules/greeting-fixture/package.json', '{ "name": "greeting-fixture", "version": "1.2.3", "main": "lib/main.js" }');
  ws.write('node_modules/greeting-fixture/lib/main.js', 'exports.greet = (name) => `hello ${name}`;\nexports.version = require("../package.json").version;\n');
  ws.write('node_modules/@acme/duo-helper/package.json', '{ "name": "@acme/duo-helper", "version": "0.4.0" }');
  ws.write('node_modules/@acme/duo-helper/index.js', 'module.exports = { hostFor: (id) => `api-${id}.duosecurity.com` };\n');
});
after(() => { disposeRunnerPool(); ws.remove(); });

describe('require in rules', () => {
  test('an installed npm module loads from the workspace node_modules', async () => {
    const { result } = await runText(ws, `function (u, c, cb) {
      const g = require('greeting-fixture');
      console.log(g.greet(u.given_name), g.version);
      cb(null, u, c);
    }`);
    assert.equal(result.outcome, 'completed', JSON.stringify(result.error));
    assert.deepEqual(result.logs, ['hello Jamie 1.2.3']);
  });

  test('Auth0-style versioned names are accepted, scoped ones too', async () => {
    const { result } = await runText(ws, `function (u, c, cb) {
      console.log(require('greeting-fixture@1.2.3').greet('x'), require('@acme/duo-helper@0.4.0').hostFor('abc'));
      cb(null, u, c);
    }`);
    assert.deepEqual(result.logs, ['hello x api-abc.duosecurity.com']);
  });

  test('Node core modules load', async () => {
    const { result } = await runText(ws, `function (u, c, cb) {
      const crypto = require('crypto');
      console.log(crypto.createHash('sha256').update('x').digest('hex').length, require('node:url').URL === URL);
      cb(null, u, c);
    }`);
    assert.deepEqual(result.logs, ['64 true']);
  });

  test('a module that is not installed fails with a message saying so', async () => {
    const { result } = await runText(ws, "function (u, c, cb) { const r = require('request@2.88.0'); cb(null, u, c); }");
    assert.equal(result.outcome, 'error');
    assert.match(result.error?.message ?? '', /Cannot find module 'request': it is not installed in .*node_modules/);
    assert.match(result.error?.message ?? '', /npm install request/);
  });

  test('an Action can require installed modules too', async () => {
    const { result } = await runText(ws, "exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('greeting', require('greeting-fixture').greet(event.user.given_name)); };");
    assert.deepEqual(result.changes?.idToken, { greeting: 'hello Jamie' });
  });
});

describe('what the child refuses', () => {
  test('relative requires are refused as Auth0 refuses them', async () => {
    const { result } = await runText(ws, "function (u, c, cb) { require('./helper'); }");
    assert.equal(result.outcome, 'error');
    assert.match(result.error?.message ?? '', /only require npm modules/);
  });

  test('writing into the workspace is denied', async () => {
    const target = join(ws.root, 'written-by-rule.txt');
    const { result } = await runText(ws, `function (u, c, cb) { require('fs').writeFileSync(${JSON.stringify(target)}, 'x'); cb(null, u, c); }`);
    assert.equal(result.outcome, 'error');
    assert.match(result.error?.message ?? '', /not write files/);
    assert.equal(existsSync(target), false);
  });

  test('reading outside the workspace is denied', async () => {
    const { result } = await runText(ws, "function (u, c, cb) { require('fs').readFileSync('/etc/hostname'); cb(null, u, c); }");
    assert.equal(result.outcome, 'error');
    assert.match(result.error?.message ?? '', /read only its workspace folder/);
  });

  test('starting a process is denied', async () => {
    const { result } = await runText(ws, "function (u, c, cb) { require('child_process').execFileSync('true'); cb(null, u, c); }");
    assert.equal(result.outcome, 'error');
    assert.match(result.error?.message ?? '', /restricted \(starting a process(: [^)]*)?\): .*start processes/);
  });

  test('starting a worker thread is denied', async () => {
    const { result } = await runText(ws, "function (u, c, cb) { const { Worker } = require('worker_threads'); new Worker('1', { eval: true }); cb(null, u, c); }");
    assert.equal(result.outcome, 'error');
    assert.match(result.error?.message ?? '', /restricted \(starting a worker thread\)/);
  });
});
