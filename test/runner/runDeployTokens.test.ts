// `duo-rules run` (a real process) on an Action of an auth0-deploy-cli repository whose code holds
// keyword tokens: they are replaced as deploy-cli replaces them before deploying, with the same
// mappings as the doctor (the mappings file overlaid by the environment), quoted `@@KEY@@` included.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { onlyPath, runCli } from '../helpers/cli';
import { createWorkspace } from '../helpers/workspace';

const dirs: string[] = [];
after(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

function repository(code: string): string {
  const root = createWorkspace({ prefix: 'run-tokens-' }).root;
  dirs.push(root);
  const files: Record<string, string> = {
    'actions/Duo MFA.json': JSON.stringify({ name: 'Duo MFA', code: './actions/Duo MFA/code.js', deployed: true, secrets: [{ name: 'DUO_SKEY', value: '##DUO_SKEY##' }], supported_triggers: [{ id: 'post-login', version: 'v3' }] }),
    'actions/Duo MFA/code.js': code,
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

const HOST = 'api-0123abcd.duosecurity.com';
const IKEY = 'DIWJ8X6AEYOR5OMC6TQ1';
const SKEY = 'Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep';
const CODE = `exports.onExecutePostLogin = async (event, api) => {
  if (event.transaction.protocol === 'oauth2-refresh-token') return;
  api.multifactor.enable('duo', { providerOptions: { host: '@@DUO_HOST@@', ikey: "##DUO_IKEY##", skey: event.secrets.DUO_SKEY } });
};
`;

test('environment variables map the tokens in the code and the secrets, as deploy-cli maps them; a quoted @@KEY@@ loses its quotes', async () => {
  const root = repository(CODE);
  const out = await runCli(['run', 'actions/Duo MFA/code.js', '--format', 'json'], { cwd: root, env: onlyPath({ DUO_HOST: HOST, DUO_IKEY: IKEY, DUO_SKEY: SKEY }) });
  assert.equal(out.code, 0, out.stdout + out.stderr);
  const result = JSON.parse(out.stdout);
  assert.equal(result.multifactor.host, HOST, 'the JSON-encoded value replaced the quoted token whole');
  assert.equal(result.multifactor.ikey, IKEY);
  assert.ok(!(out.stdout + out.stderr).includes(SKEY), 'the skey was printed');
});

test('a --mappings file maps them too; a token nothing maps stops the run naming it (exit 2)', async () => {
  const root = repository(CODE);
  writeFileSync(join(root, 'config.json'), JSON.stringify({ AUTH0_KEYWORD_REPLACE_MAPPINGS: { DUO_HOST: HOST, DUO_IKEY: IKEY } }));
  const ok = await runCli(['run', 'actions/Duo MFA/code.js', '--mappings', 'config.json', '--format', 'json'], { cwd: root, env: onlyPath() });
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.equal(JSON.parse(ok.stdout).multifactor.host, HOST);
  const missing = await runCli(['run', 'actions/Duo MFA/code.js'], { cwd: root, env: onlyPath({ DUO_IKEY: IKEY }) });
  assert.equal(missing.code, 2, missing.stdout + missing.stderr);
  assert.match(missing.stderr, /unreplaced deploy-cli keyword @@DUO_HOST@@: pass --mappings .* or set environment variables of those names/);
});
