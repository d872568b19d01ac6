// Attack: read the home directory (~/.ssh) from a rule kept in a folder under a home that has a
// node_modules (which used to make the whole home the readable workspace).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCliProcess } from '../runnerHelpers';
import { assertNoSecretFragment } from './hostileHelpers';
import { createWorkspace } from '../../helpers/workspace';

let home: string;
before(() => {
  home = createWorkspace({ prefix: 'duo-rules-hostile-home-' }).root;
  mkdirSync(join(home, 'node_modules'));
  mkdirSync(join(home, '.ssh'));
  writeFileSync(join(home, '.ssh', 'id_ed25519'), 'SSH-PRIVATE-KEY-CANARY');
  mkdirSync(join(home, 'rules'));
});

describe('hostile: read boundary', () => {
  for (const [form, source] of [
    ['Rule', (key: string) => `function (u, c, cb) { console.log(require('fs').readFileSync(${JSON.stringify(key)}, 'utf8')); cb(null, u, c); }`],
    ['Action', (key: string) => `exports.onExecutePostLogin = async () => { console.log(require('fs').readFileSync(${JSON.stringify(key)}, 'utf8')); };`],
  ] as const) {
    test(`${form}: ~/.ssh is not readable from a rule under a home with node_modules`, async () => {
      writeFileSync(join(home, 'rules', `read-${form}.js`), source(join(home, '.ssh', 'id_ed25519')));
      const run = await runCliProcess(join(home, 'rules'), [`read-${form}.js`, '--format', 'json'], { HOME: home });
      assert.equal(run.code, 1, run.stderr);
      const report = JSON.parse(run.stdout);
      assert.equal(report.outcome, 'error');
      assert.match(report.error.message, /restricted/);
      assert.doesNotMatch(run.stdout + run.stderr, /SSH-PRIVATE-KEY-CANARY/);
      assertNoSecretFragment(run.stdout);
    });
  }
});
