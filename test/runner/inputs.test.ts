// Input files, configuration with the environment fallback, and deploy-cli keyword mappings.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  applyEnvironmentFallback, disposeRunnerPool, findConfigurationKeys, loadRunInputs, replaceKeywords, runFile, RunInputError,
} from '../../server/src/runner/index';
import { createWorkspace, DUO_CONFIGURATION, runText, type TempWorkspace } from './runnerHelpers';

let ws: TempWorkspace;
before(() => { ws = createWorkspace(); });
after(() => { disposeRunnerPool(); ws.remove(); });

async function loadError(files: Parameters<typeof loadRunInputs>[0]): Promise<string> {
  try {
    await loadRunInputs(files, ws.root);
  } catch (err) {
    assert.ok(err instanceof RunInputError, `expected RunInputError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('loading should have failed');
}

describe('input files', () => {
  test('reads every input relative to the given folder', async () => {
    ws.write('mock/user.json', '{ "user_id": "auth0|abc", "email": "ana@example.org" }');
    ws.write('mock/context.json', '{ "protocol": "samlp" }');
    ws.write('mock/event.json', '{ "client": { "name": "Kiosk" } }');
    ws.write('mock/config.json', '{ "DUO_HOST": "api-9.duosecurity.com", "RETRIES": 3 }');
    ws.write('mock/mappings.json', '{ "TENANT": "acme" }');
    const inputs = await loadRunInputs({
      user: 'mock/user.json', context: 'mock/context.json', event: 'mock/event.json', configuration: 'mock/config.json', mappings: 'mock/mappings.json',
    }, ws.root);
    assert.deepEqual(inputs.user, { user_id: 'auth0|abc', email: 'ana@example.org' });
    assert.deepEqual(inputs.context, { protocol: 'samlp' });
    assert.deepEqual(inputs.event, { client: { name: 'Kiosk' } });
    assert.deepEqual(inputs.configuration, { DUO_HOST: 'api-9.duosecurity.com', RETRIES: '3' });
    assert.deepEqual(inputs.mappings, { TENANT: 'acme' });
  });

  test('a missing file names the input and the path', async () => {
    assert.equal(await loadError({ user: 'nope/user.json' }), 'user file nope/user.json: file not found');
  });

  test('a file that is not JSON says so', async () => {
    ws.write('broken.json', '{ "email": ');
    assert.match(await loadError({ context: 'broken.json' }), /^context file broken\.json: not valid JSON/);
  });

  test('a broken configuration file is described by line and column, never by quoting the skey in it', async () => {
    const skey = DUO_CONFIGURATION.DUO_SKEY;
    const fragments = (text: string) => Array.from({ length: skey.length - 5 }, (_, i) => skey.slice(i, i + 6)).filter((f) => text.includes(f));
    ws.write('unquoted.json', `{\n  "DUO_IKEY": "DIWJ8X6AEYOR5OMC6TQ1",\n  "DUO_SKEY": ${skey}\n}`);
    const unquoted = await loadError({ configuration: 'unquoted.json' });
    assert.match(unquoted, /^configuration file unquoted\.json: not valid JSON \(Unexpected token/);
    assert.deepEqual(fragments(unquoted), [], unquoted);
    ws.write('comma.json', `{\n  "DUO_SKEY": "${skey}",\n}`);
    const comma = await loadError({ configuration: 'comma.json' });
    assert.match(comma, /at line 3, column 1\)$/);
    assert.deepEqual(fragments(comma), [], comma);
  });

  test('a JSON value of the wrong shape says what was found', async () => {
    ws.write('array.json', '[1, 2]');
    assert.equal(await loadError({ event: 'array.json' }), 'event file array.json: expected a JSON object, found an array');
  });

  test('configuration values must be flat strings', async () => {
    ws.write('nested.json', '{ "DUO": { "ikey": "x" } }');
    assert.match(await loadError({ configuration: 'nested.json' }), /the value of "DUO" must be a string/);
  });

  test('a deploy-cli config.json gives its AUTH0_KEYWORD_REPLACE_MAPPINGS', async () => {
    ws.write('config.json', JSON.stringify({ AUTH0_DOMAIN: 'acme.eu.auth0.com', AUTH0_KEYWORD_REPLACE_MAPPINGS: { DUO_HOST: 'api-7.duosecurity.com' } }));
    const inputs = await loadRunInputs({ mappings: 'config.json' }, ws.root);
    assert.deepEqual(inputs.mappings, { DUO_HOST: 'api-7.duosecurity.com' });
  });
});

describe('environment fallback', () => {
  test('finds the configuration keys the code reads, in every spelling', () => {
    const keys = findConfigurationKeys(`
      const ikey = configuration.DUO_IKEY;
      const skey = configuration['DUO_SKEY'];
      const { DUO_HOST, DUO_ADMIN_IKEY: adminIkey } = configuration;
      const s = event.secrets.API_TOKEN;
      const listed = configuration.hasOwnProperty('DUO_GROUPS') && configuration.toString();`);
    // hasOwnProperty and toString are methods every object has, no keys to give values to.
    assert.deepEqual(keys.sort(), ['API_TOKEN', 'DUO_ADMIN_IKEY', 'DUO_HOST', 'DUO_IKEY', 'DUO_SKEY']);
  });

  test('keys the configuration lacks come from the environment; the file wins otherwise', () => {
    const merged = applyEnvironmentFallback({ DUO_IKEY: 'from-file' }, ['DUO_IKEY', 'DUO_SKEY', 'DUO_HOST'], {
      DUO_IKEY: 'from-env', DUO_SKEY: 'skey-from-env', UNRELATED: 'x',
    });
    assert.deepEqual(merged, { DUO_IKEY: 'from-file', DUO_SKEY: 'skey-from-env' });
  });

  test('a run reads missing keys from the given environment and redacts secret ones', async () => {
    const { result, secretMultifactor } = await runText(ws, `function (u, c, cb) {
      c.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };
      console.log('using', configuration.DUO_SKEY);
      cb(null, u, c);
    }`, { configuration: { DUO_IKEY: DUO_CONFIGURATION.DUO_IKEY }, env: { DUO_SKEY: DUO_CONFIGURATION.DUO_SKEY, DUO_HOST: DUO_CONFIGURATION.DUO_HOST } });
    assert.equal(result.outcome, 'completed');
    assert.equal(result.multifactor?.host, DUO_CONFIGURATION.DUO_HOST);
    assert.equal(secretMultifactor?.skey, DUO_CONFIGURATION.DUO_SKEY);
    assert.deepEqual(result.logs, ['using [redacted]']);
  });
});

describe('keyword replacement', () => {
  test('@@KEY@@ becomes the JSON-encoded value and ##KEY## the raw value', () => {
    const out = replaceKeywords('const hosts = @@HOSTS@@; const host = "##HOST##"; const n = ##COUNT##;', {
      HOSTS: ['a', 'b'], HOST: 'api-1.duosecurity.com', COUNT: 3,
    }, 'rule.js');
    assert.equal(out, 'const hosts = ["a","b"]; const host = "api-1.duosecurity.com"; const n = 3;');
  });

  test('unreplaced tokens stop the run and are all named', async () => {
    await assert.rejects(
      runText(ws, 'function (u, c, cb) { c.x = @@ONE@@; c.y = "##TWO##"; cb(null, u, c); }', { mappings: { OTHER: 1 } }),
      (err: unknown) => err instanceof RunInputError && /@@ONE@@, ##TWO##/.test(err.message) && /mappings file/.test(err.message),
    );
  });

  test('without mappings, the message says how to pass them', async () => {
    await assert.rejects(runText(ws, 'function (u, c, cb) { c.x = @@ONE@@; cb(null, u, c); }'), /unreplaced deploy-cli keyword @@ONE@@: pass --mappings/);
  });

  test('a rule with tokens runs once mapped, from a config.json', async () => {
    const file = ws.write('rules/duo.js', `function (user, context, callback) {
      context.multifactor = { provider: 'duo', host: ##DUO_HOST_JSON##, ikey: "##DUO_IKEY##", allowRememberBrowser: @@REMEMBER@@ };
      callback(null, user, context);
    }`);
    ws.write('config.json', JSON.stringify({ AUTH0_KEYWORD_REPLACE_MAPPINGS: { DUO_HOST_JSON: '"api-5.duosecurity.com"', DUO_IKEY: 'DIMAPPEDMAPPEDMAPPED', REMEMBER: true } }));
    const inputs = await loadRunInputs({ mappings: 'config.json' }, ws.root);
    const { result } = await runFile({ file, mappings: inputs.mappings, workspaceRoot: ws.root });
    assert.equal(result.outcome, 'completed');
    assert.deepEqual(result.multifactor, { provider: 'duo', host: 'api-5.duosecurity.com', ikey: 'DIMAPPEDMAPPEDMAPPED', allowRememberBrowser: true });
  });

  test('a missing rule file is an input error naming it', async () => {
    await assert.rejects(runFile({ file: `${ws.root}/absent.js` }), (err: unknown) => err instanceof RunInputError && /absent\.js: file not found/.test(err.message));
  });
});
