// The editor's Run (`duoRules/run` against the bundled server) inside an auth0-deploy-cli
// repository: configuration from rules-configs with tokens replaced from the mappings file
// (duoRules.mappingsFile), SecretStorage values winning over the repository's, a secret from
// rules-configs redacted, and the same JSON as `duo-rules run --format json`.
import assert from 'node:assert/strict';

import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { onlyPath, runCliSync } from '../helpers/cli';
import { LspClient } from '../helpers/lspClient';
import { createWorkspace, writeTree } from '../helpers/workspace';

const SKEY = 'Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ecIq9hJ6MUe';
const API_TOKEN = 'tok-4f1c9e2b7a6d';

let repo: string;
let client: LspClient;

before(async () => {
  repo = createWorkspace({ prefix: 'duo-rules-deploy-lsp-' }).root;
  const files: Record<string, string> = {
    'rules/require-duo.js': [
      'function requireDuo(user, context, callback) {',
      "  console.log('token ' + configuration.API_TOKEN);",
      "  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };",
      '  callback(null, user, context);',
      '}',
      '',
    ].join('\n'),
    'rules-configs/duo_ikey.json': JSON.stringify({ key: 'DUO_IKEY', value: '##DUO_IKEY##' }),
    'rules-configs/duo_skey.json': JSON.stringify({ key: 'DUO_SKEY', value: '##DUO_SKEY##' }),
    'rules-configs/duo_host.json': JSON.stringify({ key: 'DUO_HOST', value: 'api-repo0000.duosecurity.com' }),
    'rules-configs/api_token.json': JSON.stringify({ key: 'API_TOKEN', value: API_TOKEN }),
    'config.json': JSON.stringify({ AUTH0_KEYWORD_REPLACE_MAPPINGS: { DUO_IKEY: 'DIWJ8X6AEYOR5OMC6TQ1', DUO_SKEY: SKEY } }),
  };
  writeTree(repo, files);
  client = await LspClient.start({ workspaceFolders: [pathToFileURL(repo).href] });
});

after(async () => {
  await client?.shutdown();
});

function runParams(extra: Record<string, unknown> = {}) {
  const file = join(repo, 'rules', 'require-duo.js');
  return { uri: pathToFileURL(file).href, file, files: { mappings: join(repo, 'config.json') }, workspaceRoot: repo, ...extra };
}

test('duoRules/run takes configuration from rules-configs with the mappings file, like duo-rules run', async () => {
  const fromServer: any = await client.request('duoRules/run', runParams());
  assert.deepEqual(fromServer.multifactor, { provider: 'duo', ikey: 'DIWJ8X6AEYOR5OMC6TQ1', skey: '[redacted]', host: 'api-repo0000.duosecurity.com' });
  assert.deepEqual(fromServer.logs, ['token [redacted]']);
  const cli = runCliSync(['run', 'rules/require-duo.js', '--mappings', 'config.json', '--format', 'json'], { cwd: repo, env: onlyPath() });
  assert.equal(cli.code, 0, cli.stderr);
  const fromCli = JSON.parse(cli.stdout);
  // Timings differ from run to run, and so does the start of the real clock (clock.given is compared).
  for (const result of [fromServer, fromCli]) {
    delete result.durationMs;
    delete result.clock.start;
  }
  assert.deepEqual(fromServer, fromCli);
  for (const secret of [SKEY, API_TOKEN]) assert.ok(!JSON.stringify(fromServer).includes(secret), 'a secret from the repository leaked');
});

test('duoRules/run: stored secrets win over the repository values', async () => {
  const result: any = await client.request('duoRules/run', runParams({ secrets: { DUO_HOST: 'api-stored00.duosecurity.com' } }));
  assert.equal(result.multifactor.host, 'api-stored00.duosecurity.com');
  assert.equal(result.multifactor.ikey, 'DIWJ8X6AEYOR5OMC6TQ1');
});
