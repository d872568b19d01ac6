// Attack: read unrelated environment variables by naming them as configuration keys.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { asAction, asRule, createArena, runAttack, type Arena } from './hostileHelpers';

let arena: Arena;
before(() => { arena = createArena(); });
after(() => arena.remove());

const env = { DATABASE_URL: 'postgres://app:db-pass-4821@db.internal/prod', API_KEY: 'apikey-99-secret-x', HOME: '/home/someone' };

describe('hostile: environment', () => {
  test('Rule: configuration.DATABASE_URL, API_KEY and HOME stay unset, with warnings naming them', async () => {
    const report = await runAttack(arena, 'env-rule', asRule('console.log(String(configuration.DATABASE_URL), String(configuration.API_KEY), String(configuration.HOME));'), { outcome: 'completed', env });
    assert.deepEqual(report.logs, ['undefined undefined undefined']);
    assert.match(report.warnings.join('\n'), /environment variable DATABASE_URL exists but is not passed/);
    assert.doesNotMatch(JSON.stringify(report), /db-pass-4821|apikey-99-secret-x|\/home\/someone/);
  });

  test('Action: event.secrets.DATABASE_URL stays unset', async () => {
    const report = await runAttack(arena, 'env-action', asAction('console.log(String(event.secrets.DATABASE_URL));'), { outcome: 'completed', env });
    assert.deepEqual(report.logs, ['undefined']);
    assert.match(report.warnings.join('\n'), /event\.secrets\.DATABASE_URL is not set: the environment variable DATABASE_URL exists/);
  });

  test('the child has none of the CLI\'s environment either', async () => {
    const report = await runAttack(arena, 'env-real', asRule(`
      const p = console.log.constructor.constructor('return process')();
      console.log(String(p.env.DATABASE_URL), String(p.env.HOME));
    `), { outcome: 'completed', env });
    assert.deepEqual(report.logs, ['undefined undefined']);
  });
});
