// Attack: signal the parent (the CLI) through the real process: kill it, or stop it for ever.
// The only pid aimed at is the CLI this test started (the child's parent), read by the rule once.
import { after, before, describe, test } from 'node:test';
import { asAction, asRule, createArena, runAttack, type Arena } from './hostileHelpers';

let arena: Arena;
before(() => { arena = createArena(); });
after(() => arena.remove());

describe('hostile: signals', () => {
  for (const [form, wrap] of [['Rule', asRule], ['Action', asAction]] as const) {
    for (const [what, call] of [
      ['SIGKILL through process._kill', "p._kill(parent, 9)"],
      ['SIGSTOP through process.kill', "p.kill(parent, 'SIGSTOP')"],
    ] as const) {
      test(`${form}: ${what} of the parent ends the run, the parent runs on`, async () => {
        await runAttack(arena, `signal-${form}`, wrap(`
          const p = console.log.constructor.constructor('return process')();
          const parent = p.ppid;
          if (parent > 1) ${call};
        `), { outcome: 'error', errorName: 'ProcessSignalError' });
      });
    }
  }
});
