// `duo-rules doctor --tenant` against the Auth0 emulator as a real server on 127.0.0.1: one tenant
// per finding, a misbehaving Management API (401, 403 naming the scope, 429 then success, an HTML
// 500, truncated JSON, a slow answer), and no client secret, token or Duo skey in any output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { doctorCommand } from '../../server/src/cli/doctorCommand';
import { startAuth0Emulator, type EmulatedTenant, type RunningAuth0Emulator } from '../../server/src/tenant/auth0Emulator';
import { startEmulator, generateEmulatorConfig } from '../../server/src/duo/duoEmulator';

const CLIENT_SECRET = 'm2m-Secret-9f8e7d6c5b4a39281706f5e4d3c2b1a0ZZ';
const DUO_SKEY = 'Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep';
const DOMAIN = 'acme-test.eu.auth0.com';

const DUO_ACTION = `exports.onExecutePostLogin = async (event, api) => {
  api.multifactor.enable('duo', { allowRememberBrowser: false });
};
`;
const DUO_RULE = `function duo(user, context, callback) {
  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };
  callback(null, user, context);
}
`;

/** A healthy tenant: Duo the only factor, settings present, a deployed Action enabling Duo, the old Rule disabled. */
function healthy(): EmulatedTenant {
  return {
    domain: DOMAIN,
    clients: [{ client_id: 'doctorClient01', client_secret: CLIENT_SECRET, scopes: ['read:guardian_factors', 'read:actions', 'read:rules'] }],
    factors: [{ name: 'duo', enabled: true }, { name: 'sms', enabled: false }],
    duo: { ikey: 'DIWJ8X6AEYOR5OMC6TQ1', skey: DUO_SKEY, host: 'api-12345678.duosecurity.com' },
    actions: [{ name: 'Require Duo', code: DUO_ACTION }],
    bindings: { 'post-login': ['Require Duo'] },
    rules: [{ name: 'Old Duo rule', enabled: false, script: DUO_RULE }],
  };
}

interface Out { code: number; stdout: string; stderr: string }

async function doctor(emulator: { url: string }, args: string[] = [], env: Record<string, string> = {}): Promise<Out> {
  let stdout = '';
  let stderr = '';
  const code = await doctorCommand(['--tenant', '--auth0-url', emulator.url, ...args], {
    stdout: (s) => { stdout += s; },
    stderr: (s) => { stderr += s; },
    cwd: process.cwd(),
    env: { AUTH0_DOMAIN: DOMAIN, AUTH0_CLIENT_ID: 'doctorClient01', AUTH0_CLIENT_SECRET: CLIENT_SECRET, ...env },
  });
  return { code, stdout, stderr };
}

/** Runs with one tenant, in text and in JSON; checks no secret in either; returns the JSON report and the text. */
async function check(tenant: EmulatedTenant, args: string[] = [], env: Record<string, string> = {}) {
  const emulator = await startAuth0Emulator({ tenant: () => tenant });
  try {
    const text = await doctor(emulator, args, env);
    const json = await doctor(emulator, [...args, '--format', 'json'], env);
    assertNoSecrets(text, json);
    assertReadOnly(emulator);
    return { text, json, report: json.stdout ? JSON.parse(json.stdout) : undefined, emulator };
  } finally {
    await emulator.close();
  }
}

function assertNoSecrets(...outs: Out[]): void {
  for (const out of outs) {
    for (const secret of [CLIENT_SECRET, DUO_SKEY]) {
      assert.ok(!out.stdout.includes(secret) && !out.stderr.includes(secret), `a secret was printed: ${out.stdout}${out.stderr}`);
    }
    // Emulator tokens are 43 base64url characters; nothing that long and random may appear.
    assert.doesNotMatch(out.stdout + out.stderr, /Bearer\s+[A-Za-z0-9_-]{20,}/);
  }
}

function assertReadOnly(emulator: RunningAuth0Emulator): void {
  for (const r of emulator.requests) {
    assert.ok(r.method === 'GET' || (r.method === 'POST' && r.path === '/oauth/token'), `the doctor sent ${r.method} ${r.path}`);
  }
}

function ids(report: { findings: { id: string }[] }): string[] {
  return report.findings.map((f) => f.id).sort();
}

test('healthy tenant: no findings, exit 0, the JSON shape of the contract', async () => {
  const { text, json, report } = await check(healthy());
  assert.equal(text.code, 0, text.stdout + text.stderr);
  assert.equal(json.code, 0);
  assert.deepEqual(Object.keys(report), ['source', 'tenant', 'findings', 'verified']);
  assert.equal(report.source, 'tenant');
  assert.equal(report.tenant, DOMAIN);
  assert.deepEqual(report.findings, []);
  assert.equal(report.verified, null);
  assert.match(text.stdout, /No problems found/);
});

test('duo-in-rule: an enabled Duo Rule is reported as not running, pointing at duo-rules convert; exit 1', async () => {
  const tenant = healthy();
  tenant.rules[0].enabled = true;
  const { text, report } = await check(tenant);
  assert.equal(text.code, 1);
  assert.deepEqual(ids(report), ['duo-in-rule']);
  const f = report.findings[0];
  assert.deepEqual(Object.keys(f), ['id', 'severity', 'message', 'subject']);
  assert.equal(f.severity, 'error');
  assert.equal(f.subject, 'rule:Old Duo rule');
  assert.match(f.message, /2026-11-18/);
  assert.match(f.message, /duo-rules convert/);
  assert.match(text.stdout, /^error\s+duo-in-rule\s+rule:Old Duo rule\s+The enabled Rule/m);
});

test('no-duo-action: Duo factor on and a Duo Rule, but the only bound Action does not enable Duo', async () => {
  const tenant = healthy();
  tenant.actions = [{ name: 'Claims', code: 'exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim("x", 1); };' }];
  tenant.bindings['post-login'] = ['Claims'];
  const { text, report } = await check(tenant);
  assert.equal(text.code, 1);
  assert.deepEqual(ids(report), ['no-duo-action']);
});

test('no-duo-action: a Duo Action that exists but is not bound does not count', async () => {
  const tenant = healthy();
  tenant.bindings['post-login'] = [];
  const { report } = await check(tenant);
  assert.deepEqual(ids(report), ['no-duo-action']);
});

test('duo-factor-disabled: the Action enables Duo, the Duo factor is off', async () => {
  const tenant = healthy();
  tenant.factors = [{ name: 'duo', enabled: false }];
  const { text, report } = await check(tenant);
  assert.equal(text.code, 1);
  assert.deepEqual(ids(report), ['duo-factor-disabled']);
  assert.equal(report.findings[0].subject, 'factor:duo');
});

test('duo-not-sole-factor: OTP and SMS enabled next to Duo are named', async () => {
  const tenant = healthy();
  tenant.factors = [{ name: 'duo', enabled: true }, { name: 'otp', enabled: true }, { name: 'sms', enabled: true }];
  const { report } = await check(tenant);
  assert.deepEqual(ids(report), ['duo-not-sole-factor']);
  assert.match(report.findings[0].message, /otp, sms|sms, otp/);
});

test('duo-keys-missing: the documented Action form and no Duo settings in the tenant', async () => {
  const tenant = healthy();
  tenant.duo = null;
  const { report } = await check(tenant);
  assert.deepEqual(ids(report), ['duo-keys-missing']);
  assert.equal(report.findings[0].subject, 'action:Require Duo');
});

test('an Action with its own providerOptions does not need the tenant\'s Duo settings', async () => {
  const tenant = healthy();
  tenant.duo = null;
  tenant.actions[0].code = `exports.onExecutePostLogin = async (event, api) => {
  api.multifactor.enable('duo', { providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST } });
};`;
  const { report } = await check(tenant);
  assert.deepEqual(ids(report), []);
});

test('action-not-deployed: a warning (exit 0) for undeployed changes; the deployed code is what is checked', async () => {
  const tenant = healthy();
  tenant.actions[0].draft_code = 'exports.onExecutePostLogin = async () => {};';
  const { text, report } = await check(tenant);
  assert.equal(text.code, 0);
  assert.deepEqual(report.findings.map((f: { id: string; severity: string }) => [f.id, f.severity]), [['action-not-deployed', 'warning']]);
});

test('lint errors of the bound Action\'s deployed code are findings, prefixed with the Action\'s name', async () => {
  const tenant = healthy();
  tenant.actions[0].code = `exports.onExecutePostLogin = async (event, api) => {
  api.multifactor.enable('duo', { providerOptions: { ikey: '{REPLACE_WITH_YOUR_CLIENT_ID}', skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST } });
};`;
  const { text, report } = await check(tenant);
  assert.equal(text.code, 1);
  assert.ok(report.findings.some((f: { id: string; message: string }) => ['placeholder-client-id', 'placeholder-value'].includes(f.id) && f.message.startsWith('Action "Require Duo": ')), JSON.stringify(report.findings));
});

test('duo-keys-invalid with --verify: the tenant\'s Duo settings are checked against the Duo emulator', async () => {
  const duoConfig = generateEmulatorConfig();
  const duo = await startEmulator({ config: duoConfig });
  try {
    const web = duoConfig.applications.find((a) => a.kind === 'web-sdk')!;
    const good = healthy();
    good.duo = { ikey: web.ikey, skey: web.skey, host: duoConfig.host };
    const ok = await check(good, ['--verify', '--duo-url', duo.url]);
    assert.equal(ok.json.code, 0, ok.json.stdout);
    assert.equal(ok.report.verified.duoSettings.ok, true);
    assert.equal(ok.report.verified.duoSettings.result.application, 'web-sdk');
    assert.ok(!ok.text.stdout.includes(web.skey) && !ok.json.stdout.includes(web.skey));

    const bad = healthy();
    bad.duo = { ikey: web.ikey, skey: DUO_SKEY, host: duoConfig.host };
    const failed = await check(bad, ['--verify', '--duo-url', duo.url]);
    assert.equal(failed.json.code, 1);
    assert.deepEqual(ids(failed.report), ['duo-keys-invalid']);
    assert.equal(failed.report.verified.duoSettings.ok, false);
    assert.match(failed.report.findings[0].message, /fail Duo's verification/);
  } finally {
    await duo.close();
  }
});

test('401 on the token request: exit 2 naming the client credentials, no secret printed', async () => {
  const { text, json } = await check(healthy(), [], { AUTH0_CLIENT_SECRET: 'wrong-secret-value-123456' });
  assert.equal(text.code, 2);
  assert.equal(json.code, 2);
  assert.equal(json.stdout, '');
  assert.match(text.stderr, /refused the client credentials \(HTTP 401\).*AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET/);
  assert.ok(!text.stderr.includes('wrong-secret-value-123456'));
});

test('403 insufficient scope names the scope the M2M application is missing', async () => {
  const tenant = healthy();
  tenant.clients[0].scopes = ['read:guardian_factors', 'read:actions'];
  const { text } = await check(tenant);
  assert.equal(text.code, 2);
  assert.match(text.stderr, /HTTP 403.*missing the read:rules scope/);
});

test('401 from a Management API endpoint names the scope that endpoint needs', async () => {
  const tenant = healthy();
  tenant.simulate = [{ mode: 401, path: '/api/v2/actions' }];
  const { text } = await check(tenant);
  assert.equal(text.code, 2);
  assert.match(text.stderr, /GET \/api\/v2\/actions\/triggers\/post-login\/bindings \(HTTP 401\).*read:actions/);
});

test('429 then success: the doctor backs off and finishes', async () => {
  const tenant = healthy();
  tenant.simulate = [{ mode: 429, path: '/api/v2/rules', times: 1 }];
  const emulator = await startAuth0Emulator({ tenant: () => tenant });
  try {
    const out = await doctor(emulator);
    assert.equal(out.code, 0, out.stderr);
    const rules = emulator.requests.filter((r) => r.path === '/api/v2/rules').map((r) => r.status);
    assert.deepEqual(rules, [429, 200]);
  } finally {
    await emulator.close();
  }
});

test('HTML 500: exit 2 saying an HTML page came back', async () => {
  const tenant = healthy();
  tenant.simulate = [{ mode: 500 }];
  const { text } = await check(tenant);
  assert.equal(text.code, 2);
  assert.match(text.stderr, /HTTP 500 with an HTML page/);
});

test('truncated JSON: exit 2 saying the JSON is cut off', async () => {
  const tenant = healthy();
  tenant.simulate = [{ mode: 'truncated', path: '/api/v2/actions' }];
  const { text } = await check(tenant);
  assert.equal(text.code, 2);
  assert.match(text.stderr, /JSON that is cut off or malformed/);
});

test('slow Management API: bounded by --auth0-timeout, exit 2', async () => {
  const tenant = healthy();
  tenant.simulate = [{ mode: 'slow', delayMs: 5000, path: '/api/v2/guardian' }];
  const started = Date.now();
  const { text } = await check(tenant, ['--auth0-timeout', '300']);
  assert.equal(text.code, 2);
  assert.match(text.stderr, /within 300 ms/);
  assert.ok(Date.now() - started < 4000);
});

test('a server that echoes the client secret and token in its error gets them redacted', async () => {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/oauth/token') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: 'tok-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', token_type: 'Bearer' }));
        return;
      }
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ statusCode: 400, error: 'Bad Request', message: `you sent ${req.headers.authorization} and ${CLIENT_SECRET}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const out = await doctor({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    assert.equal(out.code, 2);
    assert.match(out.stderr, /HTTP 400/);
    assert.ok(!out.stderr.includes('tok-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), out.stderr);
    assert.ok(!out.stderr.includes(CLIENT_SECRET), out.stderr);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test('a redirect is not followed', async () => {
  const server = http.createServer((_req, res) => { res.writeHead(302, { location: 'https://evil.example/steal' }); res.end(); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const out = await doctor({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    assert.equal(out.code, 2);
    assert.match(out.stderr, /redirect \(HTTP 302\) to https:\/\/evil\.example; .*not followed/);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test('only the given Auth0 domain: a non-Auth0 domain from the environment and a non-loopback --auth0-url are refused before sending', async () => {
  let hits = 0;
  const server = http.createServer((_req, res) => { hits++; res.end('{}'); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const custom = await doctor({ url }, [], { AUTH0_DOMAIN: 'login.example.com' });
    assert.equal(custom.code, 2);
    assert.match(custom.stderr, /custom domain is used only when passed explicitly with --auth0-domain/);
    const remote = await doctor({ url: 'http://10.1.2.3:8444' });
    assert.equal(remote.code, 2);
    assert.match(remote.stderr, /must point to this computer/);
    assert.equal(hits, 0);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test('missing credentials and flag misuse exit 2; the client secret cannot be given as a flag', async () => {
  let err = '';
  const code = await doctorCommand(['--tenant'], { stdout: () => undefined, stderr: (s) => { err += s; }, cwd: process.cwd(), env: {} });
  assert.equal(code, 2);
  assert.match(err, /AUTH0_DOMAIN.*AUTH0_CLIENT_ID.*AUTH0_CLIENT_SECRET \(environment only, never a flag\)/);
  await assert.rejects(doctorCommand(['--tenant', '--auth0-client-secret', 'x'], { stdout: () => undefined, stderr: () => undefined, cwd: process.cwd(), env: {} }), /Unknown option '--auth0-client-secret'/);
});
