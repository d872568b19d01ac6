// `duo-rules run --verify` (a real process) on Auth0's documented Action, which enables Duo without
// providerOptions: the tenant's Duo settings are verified when tenant access is configured, else
// DUO_IKEY/DUO_SKEY/DUO_HOST given locally, else the message names what is needed. No client
// secret or skey in any output format.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateEmulatorConfig, startEmulator, type RunningEmulator } from '../../server/src/duo/duoEmulator';
import { onlyPath, runCli, type CliResult } from '../helpers/cli';
import { startAuth0Emulator, type EmulatedTenant, type RunningAuth0Emulator } from '../../server/src/tenant/auth0Emulator';
import { createWorkspace } from '../helpers/workspace';

const CLIENT_SECRET = 'runVerify-Secret-0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c';
const DOMAIN = 'verify-test.us.auth0.com';

let dir: string;
let action: string;
let duo: RunningEmulator;
let web: { ikey: string; skey: string };
let duoHost: string;
let tenant: EmulatedTenant;
let auth0: RunningAuth0Emulator;

before(async () => {
  dir = createWorkspace({ prefix: 'doc-form-' }).root;
  action = join(dir, 'duo-action.js');
  writeFileSync(action, "exports.onExecutePostLogin = async (event, api) => {\n  api.multifactor.enable('duo', { allowRememberBrowser: false });\n};\n");
  const config = generateEmulatorConfig();
  duo = await startEmulator({ config });
  web = config.applications.find((a) => a.kind === 'web-sdk')!;
  duoHost = config.host;
  tenant = {
    domain: DOMAIN,
    clients: [{ client_id: 'verifyClient', client_secret: CLIENT_SECRET, scopes: ['read:guardian_factors'] }],
    factors: [{ name: 'duo', enabled: true }],
    duo: { ikey: web.ikey, skey: web.skey, host: duoHost },
    actions: [], bindings: { 'post-login': [] }, rules: [],
  };
  auth0 = await startAuth0Emulator({ tenant: () => tenant });
});

after(async () => {
  await duo.close();
  await auth0.close();
});

function run(args: string[], env: Record<string, string>): Promise<CliResult> {
  return runCli(args, { cwd: dir, env: onlyPath(env) });
}

const tenantEnv = () => ({ AUTH0_DOMAIN: DOMAIN, AUTH0_CLIENT_ID: 'verifyClient', AUTH0_CLIENT_SECRET: CLIENT_SECRET });

function assertNoSecrets(...outs: { stdout: string; stderr: string }[]): void {
  for (const out of outs) {
    for (const secret of [CLIENT_SECRET, web.skey]) assert.ok(!(out.stdout + out.stderr).includes(secret), `secret printed: ${out.stdout}${out.stderr}`);
  }
}

test('with tenant access: the tenant\'s Duo settings are verified (Web SDK keys), exit 0, in text and JSON without secrets', async () => {
  const args = ['run', action, '--verify', '--duo-url', duo.url, '--auth0-url', auth0.url];
  const json = await run([...args, '--format', 'json'], tenantEnv());
  const text = await run(args, tenantEnv());
  assertNoSecrets(json, text);
  assert.equal(json.code, 0, json.stdout + json.stderr);
  const report = JSON.parse(json.stdout);
  assert.equal(report.verify.application, 'web-sdk');
  assert.match(report.verify.warnings[0], /verified the tenant's Duo settings \(verify-test\.us\.auth0\.com\)/);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /Duo configuration verified/);
});

test('with tenant access but wrong keys in the tenant: not verified, exit 1', async () => {
  const saved = tenant.duo;
  tenant.duo = { ikey: web.ikey, skey: 'Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep', host: duoHost };
  try {
    const json = await run(['run', action, '--verify', '--duo-url', duo.url, '--auth0-url', auth0.url, '--format', 'json'], tenantEnv());
    assert.equal(json.code, 1);
    assert.equal(JSON.parse(json.stdout).verify.application, null);
    assert.ok(!json.stdout.includes('Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep'));
  } finally {
    tenant.duo = saved;
  }
});

test('tenant access without the read:guardian_factors scope: the message names the scope, exit 1', async () => {
  tenant.clients[0].scopes = ['read:rules'];
  try {
    const json = await run(['run', action, '--verify', '--duo-url', duo.url, '--auth0-url', auth0.url, '--format', 'json'], tenantEnv());
    assertNoSecrets(json);
    assert.equal(json.code, 1);
    assert.match(JSON.parse(json.stdout).verify.check.message, /could not be read: .*missing the read:guardian_factors scope/);
  } finally {
    tenant.clients[0].scopes = ['read:guardian_factors'];
  }
});

test('without tenant access: DUO_IKEY, DUO_SKEY, DUO_HOST from --configuration are verified', async () => {
  writeFileSync(join(dir, 'keys.json'), JSON.stringify({ DUO_IKEY: web.ikey, DUO_SKEY: web.skey, DUO_HOST: duoHost }));
  const json = await run(['run', action, '--configuration', 'keys.json', '--verify', '--duo-url', duo.url, '--format', 'json'], {});
  assertNoSecrets(json);
  assert.equal(json.code, 0, json.stdout + json.stderr);
  const report = JSON.parse(json.stdout);
  assert.equal(report.verify.application, 'web-sdk');
  assert.match(report.verify.warnings[0], /DUO_IKEY, DUO_SKEY and DUO_HOST from --configuration or the environment/);
});

test('neither: the message says exactly which settings are needed, exit 1', async () => {
  const json = await run(['run', action, '--verify', '--duo-url', duo.url, '--format', 'json'], { DUO_IKEY: web.ikey });
  assert.equal(json.code, 1);
  const message = JSON.parse(json.stdout).verify.check.message as string;
  assert.match(message, /To verify them, set AUTH0_DOMAIN, AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET in the environment for read access to the tenant, or give/);
  assert.doesNotMatch(message, /Duo: |\.\./);
  assert.match(message, /DUO_IKEY, DUO_SKEY and DUO_HOST in --configuration or the environment \(missing: DUO_SKEY, DUO_HOST\)/);
});
