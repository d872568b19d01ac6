// duoRules/doctor on the real language server (dist/server.js --stdio): the open deploy-cli
// repository's findings with their files and lines (for the Problems panel), the tenant read with
// the editor's stored credentials against the Auth0 emulator, the documented Action's Verify with
// those credentials, and no client secret or skey in any answer, notification or the server's log.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { generateEmulatorConfig, startEmulator, type RunningEmulator } from '../../server/src/duo/duoEmulator';
import { startAuth0Emulator, type EmulatedTenant, type RunningAuth0Emulator } from '../../server/src/tenant/auth0Emulator';
import { LspClient } from '../helpers/lspClient';
import { createWorkspace, withWorkspace } from '../helpers/workspace';

const CLIENT_SECRET = 'editor-M2M-secret-5d4c3b2a19f8e7d6c5b4a3f2e1d0';
const DUO_RULE = `function duo(user, context, callback) {
  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };
  callback(null, user, context);
}
`;
const ACTION = "exports.onExecutePostLogin = async (event, api) => {\n  api.multifactor.enable('duo', { allowRememberBrowser: false });\n};\n";

let dir: string;
let client: LspClient;
let auth0: RunningAuth0Emulator;
let duo: RunningEmulator;
let tenant: EmulatedTenant;
let webSkey: string;
const answers: string[] = [];

before(async () => {
  dir = createWorkspace({ prefix: 'doctor-lsp-' }).root;
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'duo.json'), JSON.stringify({ name: 'duo', enabled: true, order: 1, script: './duo.js' }));
  writeFileSync(join(dir, 'rules', 'duo.js'), DUO_RULE);
  writeFileSync(join(dir, 'action.js'), ACTION);
  const config = generateEmulatorConfig();
  duo = await startEmulator({ config });
  const web = config.applications.find((a) => a.kind === 'web-sdk')!;
  webSkey = web.skey;
  tenant = {
    domain: 'editor-test.us.auth0.com',
    clients: [{ client_id: 'editorClient', client_secret: CLIENT_SECRET, scopes: ['read:guardian_factors', 'read:actions', 'read:rules'] }],
    factors: [{ name: 'duo', enabled: true }],
    duo: { ikey: web.ikey, skey: web.skey, host: config.host },
    actions: [{ name: 'Duo', code: ACTION }],
    bindings: { 'post-login': ['Duo'] },
    rules: [{ name: 'Old', enabled: true, script: DUO_RULE }],
  };
  auth0 = await startAuth0Emulator({ tenant: () => tenant });
  client = await LspClient.start({ workspaceFolders: [pathToFileURL(dir).href] });
});

after(async () => {
  await client?.shutdown();
  await auth0.close();
  await duo.close();
});

const access = () => ({ domain: tenant.domain, clientId: 'editorClient', clientSecret: CLIENT_SECRET, baseUrl: auth0.url });

test('the repository\'s findings come with the file and line they belong to', async () => {
  const response = await client.request('duoRules/doctor', { folder: dir, tenant: false }) as { report: { source: string; findings: { id: string }[] }; problems: { uri: string; id: string; severity: number; message: string; range: { start: { line: number } } }[] };
  answers.push(JSON.stringify(response));
  assert.equal(response.report.source, 'repository');
  assert.ok(response.report.findings.some((f) => f.id === 'duo-in-rule'));
  const problem = response.problems.find((p) => p.id === 'duo-in-rule')!;
  // In the editor the fix is the editor's command, not the CLI's.
  assert.match(problem.message, /Fix: convert it with the command "Duo: Convert Rule to Post-Login Action", deploy the Action/);
  assert.doesNotMatch(JSON.stringify(response), /duo-rules convert/);
  assert.equal(problem.uri, pathToFileURL(join(dir, 'rules', 'duo.js')).href);
  assert.equal(problem.severity, 1);
});

test('a folder that is not a deploy-cli repository has no report', async () => {
  await withWorkspace({}, async (other) => {
    const response = await client.request('duoRules/doctor', { folder: other.root, tenant: false });
    assert.deepEqual(response, { report: null, notes: [], problems: [] });
  }, 'doctor-lsp-none-');
});

test('Check Tenant: the tenant read with the stored credentials, verified against the Duo emulator', async () => {
  const response = await client.request('duoRules/doctor', { folder: dir, tenant: true, verify: true, auth0: access(), duo: { baseUrl: duo.url } }) as { report: { source: string; findings: { id: string }[]; verified: { duoSettings: { ok: boolean } } } };
  answers.push(JSON.stringify(response));
  assert.equal(response.report.source, 'tenant');
  assert.deepEqual(response.report.findings.map((f) => f.id), ['duo-in-rule']);
  assert.equal(response.report.verified.duoSettings.ok, true);
});

test('Check Tenant with a wrong secret fails with the credentials named, without the secret', async () => {
  const wrong = { ...access(), clientSecret: 'not-the-right-secret-0123456789' };
  await assert.rejects(client.request('duoRules/doctor', { folder: dir, tenant: true, auth0: wrong }), (err: Error) => {
    answers.push(err.message);
    assert.match(err.message, /refused the client credentials \(HTTP 401\): store the client ID and secret of a Machine to Machine application again with "Duo: Store Auth0 Credentials"\.$/);
    assert.doesNotMatch(err.message, /AUTH0_CLIENT/);
    assert.ok(!err.message.includes('not-the-right-secret-0123456789'));
    // The editor offers new credentials for this failure, and only for failures like it.
    assert.deepEqual((err as Error & { data?: unknown }).data, { kind: 'credentials' });
    return true;
  });
});

test('Check Tenant that cannot reach Auth0 says so (kind unreachable), not that the credentials are wrong', async () => {
  // A loopback port nobody listens on: the connection is refused at once.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  await assert.rejects(client.request('duoRules/doctor', { folder: dir, tenant: true, auth0: { ...access(), baseUrl: `http://127.0.0.1:${port}` } }), (err: Error & { data?: unknown }) => {
    assert.deepEqual(err.data, { kind: 'unreachable' });
    assert.match(err.message, /Nothing is listening at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)/);
    assert.doesNotMatch(err.message, /Store Auth0 Credentials|refused the client credentials/);
    return true;
  });
});

test('Check Tenant with a stand-in Auth0 URL off this computer names the editor\'s setting, and sends nothing', async () => {
  await assert.rejects(client.request('duoRules/doctor', { folder: dir, tenant: true, auth0: { ...access(), baseUrl: 'http://auth0.example.com:8444' } }), (err: Error) => {
    assert.match(err.message, /^The setting duoRules\.auth0\.baseUrl must point to this computer \(127\.0\.0\.1, ::1 or localhost\)/);
    assert.doesNotMatch(err.message, /--auth0-url/);
    assert.deepEqual((err as Error & { data?: unknown }).data, { kind: 'setting' });
    return true;
  });
});

test('Verify on the documented Action uses the tenant\'s Duo settings through the stored credentials', async () => {
  const file = join(dir, 'action.js');
  const result = await client.request('duoRules/verify', { uri: pathToFileURL(file).href, file, files: {}, workspaceRoot: dir, duo: { baseUrl: duo.url }, auth0: access() }) as { verify: { application: string; warnings: string[] } };
  answers.push(JSON.stringify(result));
  assert.equal(result.verify.application, 'web-sdk');
  assert.match(result.verify.warnings[0], /the tenant's Duo settings \(editor-test\.us\.auth0\.com\)/);
});

test('Verify on the documented Action without stored credentials names the editor commands that help, not the CLI\'s environment', async () => {
  const file = join(dir, 'action.js');
  const result = await client.request('duoRules/verify', { uri: pathToFileURL(file).href, file, files: {}, workspaceRoot: dir, duo: { baseUrl: duo.url } }) as { verify: { check: { reason: string; message: string } } };
  answers.push(JSON.stringify(result));
  const { message } = result.verify.check;
  assert.equal(result.verify.check.reason, 'missing-credentials');
  assert.match(message, /To verify them, run Duo: Check Tenant \(it asks for the tenant's Auth0 credentials, which Verify then uses too\), or give DUO_IKEY, DUO_SKEY and DUO_HOST in the file of the setting duoRules\.configurationFile, secrets stored with Duo: Store Secret, or the environment\.$/);
  assert.doesNotMatch(message, /AUTH0_CLIENT|--configuration|\.\./);
});

test('no client secret or skey in any answer, notification or the server\'s stderr', () => {
  const everything = [...answers, JSON.stringify(client.notifications), client.stderr].join('\n');
  for (const secret of [CLIENT_SECRET, webSkey]) assert.ok(!everything.includes(secret), `leaked ${secret.slice(0, 8)}…`);
});
