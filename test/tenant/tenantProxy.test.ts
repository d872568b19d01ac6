// The Management API client through an HTTP CONNECT proxy (written here), with the Duo client's
// proxy rules (its NO_PROXY matching is tested with the Duo client): requests for
// https://<tenant>.auth0.com go through the proxy's tunnel, and a proxy that refuses the tunnel is
// a TenantAccessError saying so, never showing the client secret. The tunnel ends at a TLS front (a certificate made by openssl here)
// of the Auth0 emulator. A loopback --auth0-url never uses a proxy (the stand-in is this computer).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { TenantAccessError, TenantClient } from '../../server/src/tenant/client';
import { startAuth0Emulator, type EmulatedTenant, type RunningAuth0Emulator } from '../../server/src/tenant/auth0Emulator';

function findOpenssl(): string | undefined {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'openssl is not installed, so no test certificate can be made (apt-get install openssl)';
  }
}
const skip = findOpenssl();

const DOMAIN = 'proxy-test.eu.auth0.com';
const CLIENT_SECRET = 'Tunnel-M2M-secret-9f8e7d6c5b4a39281706f5e4';
const tenant: EmulatedTenant = {
  domain: DOMAIN,
  clients: [{ client_id: 'proxyClient', client_secret: CLIENT_SECRET, scopes: ['read:guardian_factors', 'read:actions', 'read:rules'] }],
  factors: [{ name: 'duo', enabled: true }],
  actions: [], bindings: { 'post-login': [] }, rules: [],
};

let dir: string;
let auth0: RunningAuth0Emulator;
let front: tls.Server;
let proxy: http.Server;
let proxyUrl: string;
const tunnels: string[] = [];
let refuse = false;

before(async () => {
  auth0 = await startAuth0Emulator({ tenant: () => tenant });
  proxy = http.createServer((_req, res) => { res.writeHead(405); res.end(); });
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    tunnels.push(req.url!);
    if (refuse) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    // Every tunnel ends at the TLS front, whatever host it names.
    const upstream = net.connect((front.address() as AddressInfo).port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'auth0-tls-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', `/CN=${DOMAIN}`, '-addext', `subjectAltName=DNS:${DOMAIN}`,
  ], { stdio: 'ignore' });
  // TLS in front of the plain emulator: decrypted bytes go to it, its answers back.
  front = tls.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (socket) => {
    const plain = net.connect(auth0.port, '127.0.0.1');
    socket.pipe(plain);
    plain.pipe(socket);
    plain.on('error', () => socket.destroy());
    socket.on('error', () => plain.destroy());
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
});

after(async () => {
  await Promise.all([
    auth0.close(),
    new Promise<void>((resolve) => { proxy.close(() => resolve()); proxy.closeAllConnections(); }),
    front ? new Promise<void>((resolve) => front.close(() => resolve())) : undefined,
  ]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function readThrough(options: { baseUrl?: string }) {
  const client = new TenantClient({ domain: DOMAIN, clientId: 'proxyClient', clientSecret: CLIENT_SECRET }, { proxy: proxyUrl, strictSSL: false, timeoutMs: 5000, ...options });
  try {
    return await client.readFacts();
  } finally {
    await client.close();
  }
}

test('the token and Management API requests for the tenant go through the proxy\'s tunnel', { skip }, async () => {
  tunnels.length = 0;
  const facts = await readThrough({});
  assert.equal(facts.factors?.find((f) => f.name === 'duo')?.enabled, true);
  assert.ok(tunnels.length > 0 && tunnels.every((t) => t === `${DOMAIN}:443`), JSON.stringify(tunnels));
});

test('a loopback --auth0-url bypasses the proxy (the stand-in is this computer)', { skip }, async () => {
  tunnels.length = 0;
  const facts = await readThrough({ baseUrl: auth0.url });
  assert.equal(facts.tenant, DOMAIN);
  assert.deepEqual(tunnels, []);
});

test('a proxy that refuses the tunnel: TenantAccessError saying so, without the client secret', { skip }, async () => {
  refuse = true;
  try {
    await assert.rejects(readThrough({}), (err: Error) => {
      assert.ok(err instanceof TenantAccessError, err.message);
      assert.match(err.message, /^The proxy refused to open a tunnel to proxy-test\.eu\.auth0\.com \(HTTP 403\)/);
      assert.ok(!err.message.includes(CLIENT_SECRET));
      return true;
    });
  } finally {
    refuse = false;
  }
});
