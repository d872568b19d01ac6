// What the result view's Store Secret proposes: duoRules/unsetSecrets answers the keys the file's
// last run read without a value (after the configuration file, the stored secrets and the
// environment), Duo-looking ones first, instead of always DUO_SKEY.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../helpers/lspClient';
import { createWorkspace, type TempWorkspace } from '../helpers/workspace';

const RULE = [
  'function requireDuo(user, context, callback) {',
  "  if (configuration.AUDIT_URL) console.log('audit');",
  "  context.multifactor = { provider: 'duo', ikey: configuration.ACME_DUO_IKEY, skey: configuration.ACME_DUO_SKEY, host: configuration.ACME_DUO_HOST };",
  '  callback(null, user, context);',
  '}',
  '',
].join('\n');

let workspace: TempWorkspace;
let client: LspClient;

before(async () => {
  workspace = createWorkspace({
    prefix: 'duo-rules-unset-secrets-',
    files: {
      'rules/acme.js': RULE,
      'rules/plain.js': "function audit(user, context, callback) {\n  if (configuration.AUDIT_URL) console.log('audit');\n  callback(null, user, context);\n}\n",
      'configuration.json': JSON.stringify({ ACME_DUO_IKEY: 'DIWJ8X6AEYOR5OMC6TQ1' }),
    },
  });
  client = await LspClient.start({ workspaceFolders: [pathToFileURL(workspace.root).href] });
});

after(async () => {
  await client?.shutdown();
  workspace?.remove();
});

const runParams = (file: string, secrets: Record<string, string> = {}) => ({
  uri: workspace.uri(file), file: workspace.path(file), files: { configuration: join(workspace.root, 'configuration.json') }, workspaceRoot: workspace.root, secrets,
});

test('before a run of the file nothing is proposed', async () => {
  assert.deepEqual(await client.request('duoRules/unsetSecrets', { uri: workspace.uri('rules/acme.js') }), { names: [] });
});

test('after a run: the Duo keys the code read without a value, not the ones the configuration file or a stored secret gave', async () => {
  const result: any = await client.request('duoRules/run', runParams('rules/acme.js', { ACME_DUO_HOST: 'api-acme0000.duosecurity.com' }));
  assert.equal(result.multifactor.provider, 'duo');
  // Names only leave in this request: the run's JSON stays what `duo-rules run --format json` prints.
  assert.equal(result.unsetKeys, undefined);
  assert.deepEqual(await client.request('duoRules/unsetSecrets', { uri: workspace.uri('rules/acme.js') }), { names: ['ACME_DUO_SKEY'] });
  // Storing it and running again: the other key the code reads comes next.
  await client.request('duoRules/run', runParams('rules/acme.js', { ACME_DUO_HOST: 'api-acme0000.duosecurity.com', ACME_DUO_SKEY: 'x'.repeat(40) }));
  assert.deepEqual(await client.request('duoRules/unsetSecrets', { uri: workspace.uri('rules/acme.js') }), { names: ['AUDIT_URL'] });
  await client.request('duoRules/run', runParams('rules/acme.js', { ACME_DUO_HOST: 'api-acme0000.duosecurity.com', ACME_DUO_SKEY: 'x'.repeat(40), AUDIT_URL: 'https://audit.example' }));
  assert.deepEqual(await client.request('duoRules/unsetSecrets', { uri: workspace.uri('rules/acme.js') }), { names: [] });
});

test('a run that reads no Duo-looking key proposes the unset keys it read', async () => {
  await client.request('duoRules/run', runParams('rules/plain.js'));
  assert.deepEqual(await client.request('duoRules/unsetSecrets', { uri: workspace.uri('rules/plain.js') }), { names: ['AUDIT_URL'] });
});
