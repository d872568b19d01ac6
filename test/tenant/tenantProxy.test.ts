// The Management API client through an HTTP CONNECT proxy (written here), with the Duo client's
// proxy rules (its NO_PROXY matching is tested with the Duo client): requests for
// https://<tenant>.auth0.com go through the proxy's tunnel, and a proxy that refuses the tunnel is
// a TenantAccessError saying so, never showing the client secret. The tunnel ends at a TLS front (a certificate made by openssl here)
// of the Auth0 emulator. A loopback --auth0-url never uses a proxy (the stand-in is this computer).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { TenantAccessError, TenantClient } from '../../server/src/tenant/client';
import { startAuth0Emulator, type EmulatedTenant, type RunningAuth0Emulator } from '../../server/src/tenant/auth0Emulator';
import { makeTestCertificate, opensslMissing as skip, startConnectProxy, type ConnectProxy } from '../helpers/tlsProxy';

const DOMAIN = 'proxy-test.eu.auth0.com';
const CLIENT_SECRET = 'Tunnel-M2M-secret-9f8e7d6c5b4a39281706f5e4';
const tenant: EmulatedTenant = {
  domain: DOMAIN,
  clients: [{ client_id: 'proxyClient', client_secret: CLIENT_SECRET, scopes: ['read:guardian_factors', 'read:actions', 'read:rules'] }],
  factors: [{ name: 'duo', enabled: true }],
  actions: [], bindings: { 'post-login': [] }, rules: [],
};

let auth0: RunningAuth0Emulator;
let front: tls.Server | undefined;
let proxy: ConnectProxy;

before(async () => {
  auth0 = await startAuth0Emulator({ tenant: () => tenant });
  // Every tunnel ends at the TLS front, whatever host it names.
  proxy = await startConnectProxy(() => (front!.address() as AddressInfo).port);
  if (skip) return;
  // TLS in front of the plain emulator: decrypted bytes go to it, its answers back.
  front = tls.createServer(makeTestCertificate(DOMAIN), (socket) => {
    const plain = net.connect(auth0.port, '127.0.0.1');
    socket.pipe(plain);
    plain.pipe(socket);
    plain.on('error', () => socket.destroy());
    socket.on('error', () => plain.destroy());
  });
  await new Promise<void>((resolve) => front!.listen(0, '127.0.0.1', resolve));
});

after(async () => {
  await Promise.all([auth0.close(), proxy.close(), front ? new Promise<void>((resolve) => front!.close(() => resolve())) : undefined]);
});

async function readThrough(options: { baseUrl?: string }) {
  const client = new TenantClient({ domain: DOMAIN, clientId: 'proxyClient', clientSecret: CLIENT_SECRET }, { proxy: proxy.url, strictSSL: false, timeoutMs: 5000, ...options });
  try {
    return await client.readFacts();
  } finally {
    await client.close();
  }
}

test('the token and Management API requests for the tenant go through the proxy\'s tunnel', { skip }, async () => {
  proxy.tunnels.length = 0;
  const facts = await readThrough({});
  assert.equal(facts.factors?.find((f) => f.name === 'duo')?.enabled, true);
  assert.ok(proxy.tunnels.length > 0 && proxy.tunnels.every((t) => t === `${DOMAIN}:443`), JSON.stringify(proxy.tunnels));
});

test('a loopback --auth0-url bypasses the proxy (the stand-in is this computer)', { skip }, async () => {
  proxy.tunnels.length = 0;
  const facts = await readThrough({ baseUrl: auth0.url });
  assert.equal(facts.tenant, DOMAIN);
  assert.deepEqual(proxy.tunnels, []);
});

test('a proxy that refuses the tunnel: TenantAccessError saying so, without the client secret', { skip }, async () => {
  proxy.refuseWith = 'HTTP/1.1 403 Forbidden';
  try {
    await assert.rejects(readThrough({}), (err: Error) => {
      assert.ok(err instanceof TenantAccessError, err.message);
      assert.match(err.message, /^The proxy refused to open a tunnel to proxy-test\.eu\.auth0\.com \(HTTP 403\)/);
      assert.ok(!err.message.includes(CLIENT_SECRET));
      return true;
    });
  } finally {
    proxy.refuseWith = undefined;
  }
});
