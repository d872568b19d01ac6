// The doctor's Problems-panel findings for auth0-deploy-cli repositories that sit below the workspace
// folder (tenants/prod/ with rules/, actions/, tenant.yaml), on the real language server over LSP:
// duoRules/deployRepositories finds them within a bounded depth, never inside node_modules, .git or
// an application's own actions/ folder, and duoRules/doctor gives each one's findings at its files.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../helpers/lspClient';
import { createWorkspace } from '../helpers/workspace';

const DUO_RULE = `function duo(user, context, callback) {
  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };
  callback(null, user, context);
}
`;
const ACTION = "exports.onExecutePostLogin = async (event, api) => {\n  api.multifactor.enable('duo', { allowRememberBrowser: false });\n};\n";

let workspace: string;
let client: LspClient;

function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(workspace, name)), { recursive: true });
    writeFileSync(join(workspace, name), text);
  }
}

const directoryRepository = (prefix: string, ruleEnabled: boolean) => ({
  [`${prefix}/rules/duo.json`]: JSON.stringify({ name: 'duo', enabled: ruleEnabled, order: 1, stage: 'login_success', script: './duo.js' }),
  [`${prefix}/rules/duo.js`]: DUO_RULE,
});

before(async () => {
  workspace = createWorkspace({ prefix: 'doctor-nested-' }).root;
  write({
    'package.json': '{ "name": "auth0-config", "private": true }',
    ...directoryRepository('tenants/prod', true),
    'tenants/prod/actions/Duo.json': JSON.stringify({ name: 'Duo', code: './actions/Duo/code.js', deployed: true, supported_triggers: [{ id: 'post-login', version: 'v3' }] }),
    'tenants/prod/actions/Duo/code.js': ACTION,
    'tenants/prod/tenant.yaml.example': 'not read',
    'tenants/dev/tenant.yaml': 'rules:\n  - name: duo\n    script: ./rules/duo.js\n    enabled: true\n',
    'tenants/dev/rules/duo.js': DUO_RULE,
    // Not repositories: dependencies, VCS data, an application's Redux-style actions/ folder, and one too deep.
    ...directoryRepository('node_modules/some-package', true),
    ...directoryRepository('.git/lost', true),
    'web/src/actions/login.js': 'export const login = () => ({ type: "LOGIN" });\n',
    ...directoryRepository('a/b/c/d/e', true),
  });
  client = await LspClient.start({ workspaceFolders: [pathToFileURL(workspace).href] });
});

after(async () => {
  await client?.shutdown();
});

test('duoRules/deployRepositories finds the repositories below the workspace folder, and only those', async () => {
  const { roots } = await client.request('duoRules/deployRepositories', { folder: workspace }) as { roots: string[] };
  assert.deepEqual(roots, [join(workspace, 'tenants/dev'), join(workspace, 'tenants/prod')]);
});

test('a workspace folder that is itself a repository is the one repository', async () => {
  const { roots } = await client.request('duoRules/deployRepositories', { folder: join(workspace, 'tenants/prod') }) as { roots: string[] };
  assert.deepEqual(roots, [join(workspace, 'tenants/prod')]);
});

test('each nested repository\'s findings point at its own files, its path shown from the workspace folder', async () => {
  type Response = { report: { source: string; tenant: string; findings: { id: string }[] }; problems: { uri: string; id: string; severity: number }[] };
  const prod = await client.request('duoRules/doctor', { folder: join(workspace, 'tenants/prod'), workspaceFolder: workspace, tenant: false }) as Response;
  assert.equal(prod.report.source, 'repository');
  assert.equal(prod.report.tenant, 'tenants/prod');
  assert.deepEqual(prod.problems.map((p) => [p.id, p.uri, p.severity]), [['duo-in-rule', pathToFileURL(join(workspace, 'tenants/prod/rules/duo.js')).href, 1]]);
  const dev = await client.request('duoRules/doctor', { folder: join(workspace, 'tenants/dev'), workspaceFolder: workspace, tenant: false }) as Response;
  assert.equal(dev.report.tenant, 'tenants/dev');
  assert.deepEqual(dev.problems.map((p) => p.id).sort(), ['duo-in-rule', 'no-duo-action']);
  assert.ok(dev.problems.every((p) => p.uri === pathToFileURL(join(workspace, 'tenants/dev/rules/duo.js')).href));
});
