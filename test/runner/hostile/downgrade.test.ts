// Attack: make a runner child fail to start (here: killed while it starts) and hope the next one
// runs without the permission model. The replacement has the same flags: writes, system files and
// commands stay denied, Rules and Actions alike, and so does the run after it.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RunnerPool } from '../../../server/src/runner/index';
import { asAction, asRule, assertNextRunClean, createArena, DUO_CONFIGURATION, type Arena } from './hostileHelpers';

let arena: Arena;
before(() => { arena = createArena(); });
after(() => arena.remove());

describe('hostile: silent downgrade', () => {
  for (const [form, wrap, kind] of [['Rule', asRule, 'rule'], ['Action', asAction, 'action']] as const) {
    test(`${form}: after a child is killed while it starts, a writer is still denied and reads nothing outside`, async () => {
      let killed = 0;
      const pool = new RunnerPool({
        onSpawn: (pid) => {
          // Only the first child this pool starts, by the pid it reported, read once.
          if (killed === 0 && pid > 1) {
            killed = pid;
            process.kill(pid, 'SIGKILL');
          }
        },
      });
      const canary = join(arena.canaryDir, `downgrade-${form}.txt`);
      const source = wrap(`
        const fs = require('fs');
        let passwd = 'denied';
        try { passwd = fs.readFileSync('/etc/passwd', 'utf8').slice(0, 20); } catch (e) { passwd = e.code; }
        console.log('passwd:', passwd, 'skey:', ${kind === 'rule' ? 'configuration' : 'event.secrets'}.DUO_SKEY);
        fs.writeFileSync(${JSON.stringify(canary)}, 'x');
      `);
      try {
        const outcome = await pool.execute(
          {
            type: 'run', kind, filename: join(arena.ws.root, `downgrade-${form}.js`), source,
            user: kind === 'rule' ? {} : null, context: kind === 'rule' ? {} : null, event: kind === 'action' ? { user: {}, secrets: {} } : null,
            configuration: DUO_CONFIGURATION, workspaceRoot: arena.ws.root, network: 'on',
          },
          { memoryLimitMb: 128, readRoots: [arena.ws.root], network: 'on' },
          5000,
        );
        assert.ok(killed > 1, 'the test did not kill a starting child');
        assert.equal(outcome.type, 'result');
        if (outcome.type !== 'result') return;
        assert.equal(outcome.result.outcome, 'error');
        assert.match(outcome.result.error?.message ?? '', /restricted .*not write files/);
        assert.equal(existsSync(canary), false, 'the rule wrote a file');
        assert.match(outcome.logs[0] ?? '', /^passwd: ERR_ACCESS_DENIED skey: /);
      } finally {
        pool.dispose();
      }
      await assertNextRunClean(arena);
    });
  }

});
