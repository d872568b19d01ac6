// duoRules/doctor on the real language server with the setting duoRules.mappingsFile: in a trusted
// workspace the editor's doctor reads the repository with the same deploy-cli keyword mappings as
// `duo-rules doctor --mappings` (tenant.yaml's own fields, the Actions' code and secrets); in an
// untrusted one the file is never read and the tokens stay unmapped. No skey in any answer.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { generateEmulatorConfig, startEmulator, type RunningEmulator } from '../../server/src/duo/duoEmulator';
import { LspClient } from '../helpers/lspClient';
import { createWorkspace } from '../helpers/workspace';

const ACTION = `exports.onExecutePostLogin = async (event, api) => {
  if (event.transaction.protocol === 'oauth2-refresh-token') return;
  api.multifactor.enable('duo', {
    allowRememberBrowser: false,
    providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: '##DUO_HOST##' },
  });
};
`;
const TENANT_YAML = `actions:
  - name: Duo MFA ##STAGE##
    code: ./actions/##STAGE##/code.js
    deployed: true
    secrets:
      - name: DUO_IKEY
        value: ##DUO_IKEY##
      - name: DUO_SKEY
        value: ##DUO_SKEY##
    supported_triggers:
      - id: post-login
        version: v3
triggers:
  post-login:
    - action_name: Duo MFA ##STAGE##
guardianFactors:
  - name: duo
    enabled: @@DUO_ENABLED@@
`;

interface Response {
  report: { findings: { id: string }[]; verified: { actions: { subject: string; ok: boolean; host: string | null; message: string }[] } | null };
  notes: string[];
}

let duo: RunningEmulator;
let keys: { ikey: string; skey: string; host: string };
let dir: string;
const clients: LspClient[] = [];

before(async () => {
  const config = generateEmulatorConfig();
  duo = await startEmulator({ config });
  const web = config.applications.find((a) => a.kind === 'web-sdk')!;
  keys = { ikey: web.ikey, skey: web.skey, host: config.host };
  dir = createWorkspace({ prefix: 'doctor-lsp-mappings-', files: { 'tenant.yaml': TENANT_YAML, 'actions/prod/code.js': ACTION } }).root;
  writeFileSync(`${dir}/deploy-config.json`, JSON.stringify({ AUTH0_DOMAIN: 'x.auth0.com', AUTH0_KEYWORD_REPLACE_MAPPINGS: { STAGE: 'prod', DUO_ENABLED: true, DUO_IKEY: keys.ikey, DUO_SKEY: keys.skey, DUO_HOST: keys.host } }));
});

after(async () => {
  for (const c of clients) await c.shutdown();
  await duo.close();
});

async function server(trusted: boolean, mappingsFile = 'deploy-config.json'): Promise<LspClient> {
  const client = await LspClient.start({
    workspaceFolders: [pathToFileURL(dir).href],
    settings: { mappingsFile },
    initializationOptions: trusted ? { workspaceTrusted: true } : undefined,
  });
  clients.push(client);
  return client;
}

const doctor = (client: LspClient, verify = true) => client.request('duoRules/doctor', { folder: dir, workspaceFolder: dir, tenant: false, verify, duo: { baseUrl: duo.url } }) as Promise<Response>;

test('trusted workspace: duoRules.mappingsFile (a deploy-cli config.json, relative to the workspace folder) maps the tokens of tenant.yaml and the code; the keys are verified with Duo', async () => {
  const response = await doctor(await server(true));
  assert.deepEqual(response.report.findings, [], JSON.stringify(response));
  const [entry] = response.report.verified!.actions;
  assert.equal(entry.subject, 'action:Duo MFA prod');
  assert.equal(entry.ok, true, entry.message);
  assert.equal(entry.host, keys.host, 'the host token in the code is replaced too');
  assert.ok(!response.notes.some((n) => /no keyword mapping/.test(n)), response.notes.join('\n'));
  assert.ok(!JSON.stringify(response).includes(keys.skey.slice(0, 12)), 'no skey in the answer');
});

test('untrusted workspace: the mappings file is not read; the tokens are named as unmapped, with the setting as the fix, and nothing is verified', async () => {
  const response = await doctor(await server(false));
  const note = response.notes.find((n) => n.includes('@@DUO_ENABLED@@ (line'));
  assert.match(note ?? '', /tenant\.yaml: @@DUO_ENABLED@@ \(line 18\) has no keyword mapping \(the file of the setting duoRules\.mappingsFile, read in a trusted workspace\)/);
  assert.doesNotMatch(response.notes.join('\n'), /--mappings|environment variable/, 'the editor names its setting, not the CLI\'s flags');
  assert.ok(response.notes.some((n) => n.startsWith('tenant.yaml: ##STAGE## (line 2) has no keyword mapping')), 'the Action\'s name and code path stay tokens');
  assert.ok(response.report.verified!.actions.every((a) => !a.ok), 'nothing verified');
  assert.ok(!JSON.stringify(response).includes(keys.skey.slice(0, 12)));
});

test('a mappings file that cannot be read fails the request, naming the setting', async () => {
  const client = await server(true, 'missing.json');
  await assert.rejects(doctor(client, false), (err: Error & { data?: { kind?: string } }) => {
    assert.match(err.message, /^The setting duoRules\.mappingsFile: mappings file \S*missing\.json: file not found$/);
    assert.equal(err.data?.kind, 'setting');
    return true;
  });
});
