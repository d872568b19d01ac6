// `duo-rules emulator --auth0 <tenant.json>` as a real process: --generate creates a tenant whose
// Duo settings are the Duo emulator's Web SDK keys (and refuses to overwrite a file), --auth0-fail
// makes the Management API fail, the text output never shows the client secret, and
// `duo-rules doctor --tenant` (a real process) reads it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onlyPath, runCliSync, startCli, stopCli } from '../helpers/cli';
import { createWorkspace } from '../helpers/workspace';

function startEmulator(args: string[], cwd: string) {
  return startCli(['emulator', ...args], { cwd });
}

function doctor(args: string[], env: Record<string, string>, cwd: string) {
  return runCliSync(['doctor', '--tenant', ...args], { cwd, env: onlyPath(env), timeoutMs: 30_000 });
}

test('--generate --auth0 writes a demo tenant with the Duo emulator\'s Web SDK keys (mode 0600); doctor --tenant finds its Duo Rule', async () => {
  const dir = createWorkspace({ prefix: 'auth0-emu-' }).root;
  const { child, line } = await startEmulator(['--generate', '--auth0', 'tenant.json', '--format', 'json'], dir);
  try {
    const info = JSON.parse(line);
    const tenant = JSON.parse(readFileSync(join(dir, 'tenant.json'), 'utf8'));
    const web = info.emulator.applications.find((a: { kind: string }) => a.kind === 'web-sdk');
    assert.deepEqual(tenant.duo, { ikey: web.ikey, skey: web.skey, host: info.host });
    assert.equal(info.auth0.domain, tenant.domain);
    assert.match(info.auth0.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(!line.includes(tenant.clients[0].client_secret), 'the client secret was printed');
    const env = { AUTH0_DOMAIN: tenant.domain, AUTH0_CLIENT_ID: tenant.clients[0].client_id, AUTH0_CLIENT_SECRET: tenant.clients[0].client_secret };
    const out = doctor(['--auth0-url', info.auth0.url, '--verify', '--duo-url', info.url], env, dir);
    assert.equal(out.code, 1, out.stderr);
    assert.match(out.stdout, /^error\s+duo-in-rule/m);
    assert.match(out.stdout, /verify duo-settings: ok/);
    for (const secret of [env.AUTH0_CLIENT_SECRET, web.skey]) assert.ok(!(out.stdout + out.stderr).includes(secret));
    const again = runCliSync(['emulator', '--generate', '--auth0', 'tenant.json'], { cwd: dir, timeoutMs: 30_000 });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /cannot create --auth0 tenant\.json: the file exists/);
  } finally {
    await stopCli(child);
  }
});

test('--auth0 <file> --auth0-fail 403 alone: the doctor exits 2 naming the scope; the text output keeps the secret out', async () => {
  const dir = createWorkspace({ prefix: 'auth0-emu-' }).root;
  const secret = 'cli-emulator-secret-abcdef0123456789';
  writeFileSync(join(dir, 't.json'), JSON.stringify({
    domain: 'fail-test.auth0.com', clients: [{ client_id: 'c1', client_secret: secret, scopes: ['read:guardian_factors', 'read:actions', 'read:rules'] }],
    factors: [], actions: [], bindings: { 'post-login': [] }, rules: [],
  }));
  const { child, line } = await startEmulator(['--auth0', 't.json', '--auth0-fail', '403'], dir);
  let text = line;
  child.stdout.on('data', (d) => { text += d; });
  try {
    const url = /Auth0 emulator listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1];
    assert.ok(url, line);
    const out = doctor(['--auth0-url', url], { AUTH0_DOMAIN: 'fail-test.auth0.com', AUTH0_CLIENT_ID: 'c1', AUTH0_CLIENT_SECRET: secret }, dir);
    assert.equal(out.code, 2);
    assert.match(out.stderr, /HTTP 403.*missing the read:guardian_factors scope/);
  } finally {
    await stopCli(child);
  }
  assert.ok(!text.includes(secret), 'the emulator printed the client secret');
  assert.match(text, /auth0 GET \/api\/v2\/guardian\/factors 403/);
});
