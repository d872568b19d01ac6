// Starts `duo-rules emulator --config <duo.json> --auth0 <tenant.json>` as a child process for the
// Check Tenant test: a Duo application with the workspace's keys, and an Auth0 tenant whose Duo
// settings are those keys, whose Duo Rule is still enabled and whose post-login Action enables Duo.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CLIENT = { client_id: 'e2eCheckTenantClient', client_secret: 'e2e-m2m-secret-NotReal-0123456789abcdef' };

function startAuth0Emulator(extensionPath, keys, timeoutMs = 15_000) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duo-e2e-auth0-'));
  const duo = path.join(dir, 'duo.json');
  const tenant = path.join(dir, 'tenant.json');
  fs.writeFileSync(duo, JSON.stringify({ host: keys.DUO_HOST, applications: [{ kind: 'web-sdk', ikey: keys.DUO_IKEY, skey: keys.DUO_SKEY }], users: [] }));
  fs.writeFileSync(tenant, JSON.stringify({
    domain: 'e2e-tenant.us.auth0.com',
    clients: [{ ...CLIENT, scopes: ['read:guardian_factors', 'read:actions', 'read:rules'] }],
    factors: [{ name: 'duo', enabled: true }],
    duo: { ikey: keys.DUO_IKEY, skey: keys.DUO_SKEY, host: keys.DUO_HOST },
    actions: [{ name: 'Require Duo', code: "exports.onExecutePostLogin = async (event, api) => {\n  api.multifactor.enable('duo', { allowRememberBrowser: false });\n};\n" }],
    bindings: { 'post-login': ['Require Duo'] },
    rules: [{ name: 'Old Duo rule', enabled: true, script: "function (user, context, callback) {\n  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  callback(null, user, context);\n}\n" }],
  }));
  const child = spawn(process.execPath, [path.join(extensionPath, 'dist', 'cli.js'), 'emulator', '--config', duo, '--auth0', tenant, '--format', 'json'], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => { stop(); reject(new Error(`the emulator printed nothing within ${timeoutMs} ms: ${output.slice(0, 300)}`)); }, timeoutMs);
    child.stdout.on('data', (chunk) => {
      output += chunk.toString();
      const line = output.split('\n')[0];
      if (!output.includes('\n')) return;
      clearTimeout(timer);
      try {
        const info = JSON.parse(line);
        resolve({ duoUrl: info.url, auth0Url: info.auth0.url, domain: info.auth0.domain, client: CLIENT, stop });
      } catch (err) {
        stop();
        reject(new Error(`the emulator printed no JSON: ${line.slice(0, 300)}`));
      }
    });
    child.stderr.on('data', (chunk) => { output += chunk.toString(); });
    child.once('exit', (code) => {
      clearTimeout(timer);
      stop();
      reject(new Error(`the emulator exited with ${code}: ${output.trim().slice(0, 300)}`));
    });
  });
}

module.exports = { startAuth0Emulator };
