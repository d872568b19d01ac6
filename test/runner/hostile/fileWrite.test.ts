// Attack: write files, read system files, start processes. The permission model denies each; the
// run names the denial.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { asAction, asRule, canaryPath, createArena, runAttack, type Arena } from './hostileHelpers';

let arena: Arena;
before(() => { arena = createArena(); });
after(() => arena.remove());

describe('hostile: files and processes', () => {
  for (const [form, wrap] of [['Rule', asRule], ['Action', asAction]] as const) {
    test(`${form}: writing a file through the real process is denied`, async () => {
      const target = canaryPath(arena, `write-${form}.txt`);
      const report = await runAttack(arena, `write-${form}`, wrap(`
        const p = console.log.constructor.constructor('return process')();
        p.mainModule ? p.mainModule.require('fs').writeFileSync(${JSON.stringify(target)}, 'x') : require('fs').writeFileSync(${JSON.stringify(target)}, 'x');
      `), { outcome: 'error' });
      assert.match(report.error.message, /restricted .*not write files/);
    });

    test(`${form}: running a command is denied`, async () => {
      const report = await runAttack(arena, `exec-${form}`, wrap(`require('child_process').execSync('id');`), { outcome: 'error' });
      // Recent Node 22 and 24 releases also name the command (the shell execSync starts).
      assert.match(report.error.message, /restricted \(starting a process(: \/bin\/sh)?\)/);
    });
  }
});
