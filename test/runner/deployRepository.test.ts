// `duo-rules run` inside an auth0-deploy-cli repository (real processes): configuration comes from
// rules-configs/*.json, tenant.yaml rulesConfigs and actions/<name>.json secrets as Auth0 would have
// it after a deploy, tokens replaced from --mappings; --configuration wins, environment variables
// fill in; secrets from these files are redacted; the repository is never written to.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { listKeywordTokens, replaceDeployKeywords } from '../../server/src/workspace/deployValues';
import { createWorkspace, writeTree } from '../helpers/workspace';
import { runCliProcess } from './runnerHelpers';

const SKEY = 'Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ecIq9hJ6MUe';
const IKEY = 'DIWJ8X6AEYOR5OMC6TQ1';
const API_TOKEN = 'tok-4f1c9e2b7a6d';
const ACTION_SKEY = 'Qm3xT8vLp2Nw7Rk4Hs9Yc6Bd1Fg5Jz0UaEoViWtX';

let base: string;
let repo: string;
let yamlRepo: string;

function write(root: string, relativePath: string, content: string): void {
  writeTree(root, { [relativePath]: content });
}

/** Every file under `dir` with its content and mtime, to prove the runs write nothing. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(path, `${statSync(path).mtimeMs}:${readFileSync(path, 'utf8')}`);
    }
  };
  walk(dir);
  return files;
}

const runCli = runCliProcess;

const RULE = `function requireDuo(user, context, callback) {
  console.log('token ' + configuration.API_TOKEN + ' region ' + configuration.REGION + ' host ' + configuration.DUO_HOST);
  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };
  callback(null, user, context);
}
`;

const ACTION = `exports.onExecutePostLogin = async (event, api) => {
  console.log('secrets ' + Object.keys(event.secrets).sort().join(','));
  api.multifactor.enable('duo', { providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST } });
};
`;

before(() => {
  base = createWorkspace({ prefix: 'duo-rules-deploy-' }).root;
  // Directory format, no package.json: the repository is found by its rules/ folder alone.
  repo = join(base, 'tenant');
  write(repo, 'rules/require-duo.js', RULE);
  write(repo, 'rules/require-duo.json', JSON.stringify({ enabled: true, name: 'require-duo', order: 1, stage: 'login_success', script: './require-duo.js' }));
  write(repo, 'rules-configs/duo_skey.json', JSON.stringify({ key: 'DUO_SKEY', value: '##DUO_SKEY##' }));
  // deploy-cli's JSON form: the quotes around @@X@@ are replaced along with it.
  write(repo, 'rules-configs/duo_ikey.json', '{ "key": "DUO_IKEY", "value": "@@DUO_IKEY@@" }\n');
  write(repo, 'rules-configs/duo_host.json', JSON.stringify({ key: 'DUO_HOST', value: '##DUO_HOST##' }));
  write(repo, 'rules-configs/api_token.json', JSON.stringify({ key: 'API_TOKEN', value: API_TOKEN }));
  write(repo, 'rules-configs/region.json', JSON.stringify({ key: 'REGION', value: 'eu-west' }));
  write(repo, 'actions/duo-mfa.json', JSON.stringify({
    name: 'duo-mfa', code: './actions/duo-mfa/code.js', runtime: 'node22',
    secrets: [{ name: 'DUO_IKEY', value: '##DUO_IKEY##' }, { name: 'DUO_SKEY', value: '##ACTION_SKEY##' }, { name: 'DUO_HOST', value: 'api-a1b2c3d4.duosecurity.com' }],
    supported_triggers: [{ id: 'post-login', version: 'v3' }],
  }));
  write(repo, 'actions/duo-mfa/code.js', ACTION);
  write(base, 'config.json', JSON.stringify({ AUTH0_KEYWORD_REPLACE_MAPPINGS: { DUO_SKEY: SKEY, DUO_IKEY: IKEY, ACTION_SKEY } }));
  write(base, 'override.json', JSON.stringify({ DUO_HOST: 'api-override.duosecurity.com', REGION: 'us-east' }));
  // YAML format: rulesConfigs in tenant.yaml, rules/ beside it; a bare @@X@@ as deploy-cli allows in YAML.
  yamlRepo = join(base, 'yaml-tenant');
  write(yamlRepo, 'rules/require-duo.js', RULE);
  write(yamlRepo, 'tenant.yaml', [
    'rules:',
    '  - name: require-duo',
    '    script: ./rules/require-duo.js',
    'rulesConfigs:',
    '  - key: DUO_SKEY',
    '    value: "##DUO_SKEY##"',
    '  - key: DUO_IKEY',
    '    value: @@DUO_IKEY@@',
    '  - key: DUO_HOST',
    '    value: api-yaml1234.duosecurity.com',
    // Unquoted, a YAML comment until deploy-cli replaces it; without a mapping it is not set.
    '  - key: REGION',
    '    value: ##REGION##',
    '',
  ].join('\n'));
});

describe('duo-rules run in an auth0-deploy-cli repository (real process)', () => {
  test('rules-configs tokens are replaced from --mappings, plain values are used, and the repository is not written to', async () => {
    const before = snapshot(repo);
    const { code, stdout, stderr } = await runCli(repo, ['rules/require-duo.js', '--mappings', '../config.json', '--format', 'json'], { DUO_HOST: 'api-env5678.duosecurity.com' });
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout);
    assert.equal(result.outcome, 'completed');
    // DUO_IKEY came through @@DUO_IKEY@@ and the mappings; DUO_SKEY through ##DUO_SKEY## (redacted, but set).
    assert.deepEqual(result.multifactor, { provider: 'duo', ikey: IKEY, skey: '[redacted]', host: 'api-env5678.duosecurity.com' });
    assert.match(result.logs[0], /region eu-west /);
    assert.deepEqual(snapshot(repo), before);
  });

  test('a token without a mapping counts as not set: the environment variable fills in, else a warning names the token', async () => {
    const withEnv = await runCli(repo, ['rules/require-duo.js', '--mappings', '../config.json', '--format', 'json'], { DUO_HOST: 'api-env5678.duosecurity.com' });
    const fromEnv = JSON.parse(withEnv.stdout);
    assert.equal(fromEnv.multifactor.host, 'api-env5678.duosecurity.com');
    assert.deepEqual(fromEnv.warnings, []);

    const { code, stdout, stderr } = await runCli(repo, ['rules/require-duo.js', '--mappings', '../config.json', '--format', 'json']);
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout);
    assert.equal(result.outcome, 'completed');
    assert.equal(result.multifactor.host, undefined);
    assert.ok(result.warnings.some((w: string) => w.includes('DUO_HOST in rules-configs/duo_host.json is ##DUO_HOST##')), result.warnings.join('\n'));
    assert.ok(result.warnings.some((w: string) => w.startsWith('configuration.DUO_HOST is not set')), result.warnings.join('\n'));
  });

  test('without --mappings the run still goes on: tokens are unset, plain values are used', async () => {
    const { code, stdout, stderr } = await runCli(repo, ['rules/require-duo.js', '--format', 'json'], { DUO_IKEY: 'DIENVIRONMENTIKEY000' });
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout);
    assert.equal(result.multifactor.ikey, 'DIENVIRONMENTIKEY000');
    assert.equal(result.multifactor.skey, undefined);
    assert.match(result.logs[0], /region eu-west /);
  });

  test('--configuration wins over the repository, which wins over the environment', async () => {
    const { code, stdout, stderr } = await runCli(repo, ['rules/require-duo.js', '--mappings', '../config.json', '--configuration', '../override.json', '--format', 'json'], {
      DUO_HOST: 'api-env5678.duosecurity.com',
      DUO_IKEY: 'DIENVIRONMENTIKEY000',
    });
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout);
    assert.equal(result.multifactor.host, 'api-override.duosecurity.com');
    // The repository's DUO_IKEY is @@DUO_IKEY@@: deploy-cli maps it from the environment over the mappings file.
    assert.equal(result.multifactor.ikey, 'DIENVIRONMENTIKEY000');
    assert.match(result.logs[0], /region us-east /);
    // A plain repository value wins over the environment variable of its name.
    const plain = await runCli(repo, ['rules/require-duo.js', '--mappings', '../config.json', '--format', 'json'], { REGION: 'ap-south' });
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(JSON.parse(plain.stdout).logs[0], /region eu-west /);
  });

  test('a secret-named value from rules-configs is redacted in json and text output', async () => {
    const json = await runCli(repo, ['rules/require-duo.js', '--mappings', '../config.json', '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    assert.match(JSON.parse(json.stdout).logs[0], /^token \[redacted\] region eu-west /);
    const text = await runCli(repo, ['rules/require-duo.js', '--mappings', '../config.json']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /token \[redacted\] region eu-west/);
    for (const output of [json.stdout, json.stderr, text.stdout, text.stderr]) {
      assert.ok(!output.includes(API_TOKEN), 'the API_TOKEN value leaked');
      assert.ok(!output.includes(SKEY), 'the DUO_SKEY value leaked');
    }
  });

  test('a rules directory run uses the repository values too', async () => {
    const { code, stdout, stderr } = await runCli(repo, ['.', '--mappings', '../config.json', '--format', 'json'], { DUO_HOST: 'api-env5678.duosecurity.com' });
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout);
    assert.equal(result.rule, 'require-duo');
    assert.equal(result.multifactor.ikey, IKEY);
  });

  test('an Action gets event.secrets from its actions/<name>.json, not from rules-configs', async () => {
    const { code, stdout, stderr } = await runCli(repo, ['actions/duo-mfa/code.js', '--mappings', '../config.json', '--format', 'json']);
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout);
    assert.equal(result.kind, 'action');
    assert.deepEqual(result.multifactor, { provider: 'duo', ikey: IKEY, skey: '[redacted]', host: 'api-a1b2c3d4.duosecurity.com' });
    // REGION and API_TOKEN are rules-configs: an Action has only its own secrets.
    assert.deepEqual(result.logs, ['secrets DUO_HOST,DUO_IKEY,DUO_SKEY']);
    assert.ok(!stdout.includes(ACTION_SKEY));
  });

  test('tenant.yaml rulesConfigs feed configuration in a YAML-format repository', async () => {
    const { code, stdout, stderr } = await runCli(yamlRepo, ['rules/require-duo.js', '--mappings', '../config.json', '--format', 'json']);
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout);
    assert.deepEqual(result.multifactor, { provider: 'duo', ikey: IKEY, skey: '[redacted]', host: 'api-yaml1234.duosecurity.com' });
    assert.match(result.logs[0], /region undefined /);
    assert.ok(result.warnings.some((w: string) => w.startsWith('REGION in tenant.yaml is ##REGION##')), result.warnings.join('\n'));
    assert.ok(!stdout.includes(SKEY));
  });

  test('a broken rules-configs file is named in a warning (without its text) and the run goes on', async () => {
    const broken = join(base, 'broken');
    write(broken, 'rules/r.js', 'function (u, c, cb) { console.log("host " + configuration.DUO_HOST); cb(null, u, c); }');
    write(broken, 'rules-configs/duo_skey.json', `{ "key": "DUO_SKEY", "value": "${SKEY}" oops }`);
    write(broken, 'rules-configs/duo_host.json', JSON.stringify({ key: 'DUO_HOST', value: 'api-ok000000.duosecurity.com' }));
    const { code, stdout, stderr } = await runCli(broken, ['rules/r.js', '--format', 'json']);
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout);
    assert.deepEqual(result.logs, ['host api-ok000000.duosecurity.com']);
    assert.ok(result.warnings.some((w: string) => /^rules-configs\/duo_skey\.json: not valid JSON at line 1; its values are not used$/.test(w)), result.warnings.join('\n'));
    assert.ok(!stdout.includes(SKEY));
  });
});

describe('replaceDeployKeywords (deploy-cli replacement in its own files)', () => {
  test('@@X@@ (quoted or bare) becomes the JSON value, ##X## the raw value', () => {
    const text = '{ "a": "@@A@@", "b": @@B@@, "c": "x-##C##" }';
    assert.deepEqual(JSON.parse(replaceDeployKeywords(text, { A: 'va', B: ['x', 1], C: 'vc' })), { a: 'va', b: ['x', 1], c: 'x-vc' });
  });

  test('tokens without a mapping leave the file parseable and stay visible in the value', () => {
    const parsed = JSON.parse(replaceDeployKeywords('{ "a": @@A@@, "b": "##B##" }', { OTHER: 'x' }));
    assert.equal(parsed.a, '@@A@@');
    assert.deepEqual(listKeywordTokens(parsed.b), ['##B##']);
    assert.deepEqual(listKeywordTokens('plain-value'), []);
  });
});
