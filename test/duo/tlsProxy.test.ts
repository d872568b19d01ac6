// TLS pinning and proxies: a local CONNECT proxy (written here) forwards the Duo host to an
// emulator serving https with a certificate made by openssl at test time. Duo's pinned CAs
// never issued that certificate, so it must be refused unless pinning and checks are off.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { generateEmulatorConfig, startEmulator, type RunningEmulator } from '../../server/src/duo/duoEmulator';
import { bypassesProxy, proxyFromEnvironment } from '../../server/src/duo/transport';
import { verifyMultifactor } from '../../server/src/duo/verify';
import { makeTestCertificate, opensslMissing as skip, startConnectProxy, type ConnectProxy } from '../helpers/tlsProxy';

const config = generateEmulatorConfig(['jamie.rivera@example.com']);
const auth = config.applications.find((a) => a.kind === 'auth-api')!;
const mfa = { provider: 'duo', ikey: auth.ikey, skey: auth.skey, host: config.host, username: 'jamie.rivera@example.com' };

let tlsEmulator: RunningEmulator | undefined;
let plainEmulator: RunningEmulator;
let proxy: ConnectProxy;

before(async () => {
  plainEmulator = await startEmulator({ config });
  // Every tunnel, for the Duo host or not, goes to the https emulator.
  proxy = await startConnectProxy(() => tlsEmulator!.port);
  if (skip) return;
  tlsEmulator = await startEmulator({ config, tls: makeTestCertificate(config.host) });
});

after(async () => {
  await Promise.all([plainEmulator?.close(), tlsEmulator?.close(), proxy.close()]);
});

test('pinned (default): a certificate Duo\'s CAs did not issue is refused for the Duo host, through the proxy', { skip }, async () => {
  proxy.tunnels.length = 0;
  const result = await verifyMultifactor(mfa, {}, { proxy: proxy.url, timeoutMs: 5000 });
  assert.deepEqual(proxy.tunnels.filter((t) => t !== `${config.host}:443`), [], 'only the Duo host is tunnelled');
  assert.ok(proxy.tunnels.length >= 2, 'both checks went through the proxy');
  assert.equal(result.application, null);
  assert.equal(result.check.reason, 'network');
  assert.match(result.check.message, /Refused the TLS connection to https:\/\/api-[0-9a-f]{8}\.duosecurity\.com \(through the proxy http:\/\/127\.0\.0\.1:\d+\): its certificate is not issued by one of the certificate authorities Duo's own clients pin/);
  assert.equal(result.universal.reason, 'network');
});

test('pinning off but certificates checked: the system store does not trust it either; a one-time warning', { skip }, async () => {
  const result = await verifyMultifactor(mfa, {}, { proxy: proxy.url, pinCertificates: false, timeoutMs: 5000 });
  assert.equal(result.check.reason, 'network');
  assert.match(result.check.message, /its certificate could not be verified/);
  assert.ok(result.warnings.some((w) => /Certificate pinning is off/.test(w)));
});

test('pinning and checks off (a TLS-inspecting proxy): the full verification works through the tunnel', { skip }, async () => {
  proxy.tunnels.length = 0;
  const result = await verifyMultifactor(mfa, {}, { proxy: proxy.url, pinCertificates: false, strictSSL: false, timeoutMs: 5000 });
  assert.equal(result.application, 'auth-api');
  assert.equal(result.preauth?.result, 'auth');
  assert.ok(proxy.tunnels.length >= 2);
  assert.ok(!result.warnings.some((w) => /Certificate pinning is off/.test(w)), 'the pinning warning is given once');
});

test('a proxy that refuses the tunnel is reported as network, naming the status', async () => {
  proxy.refuseWith = 'HTTP/1.1 407 Proxy Authentication Required';
  try {
    const result = await verifyMultifactor(mfa, {}, { proxy: proxy.url, timeoutMs: 5000 });
    assert.equal(result.check.reason, 'network');
    assert.match(result.check.message, /The proxy refused to open a tunnel to api-[0-9a-f]{8}\.duosecurity\.com \(HTTP 407\)/);
  } finally {
    proxy.refuseWith = undefined;
  }
});

test('a proxy that is down or not a URL is named as the problem, without its password', async () => {
  const closed = net.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const down = await verifyMultifactor(mfa, {}, { proxy: `http://alice:pa55word@127.0.0.1:${port}`, timeoutMs: 5000 });
  assert.equal(down.check.reason, 'network');
  assert.equal(down.check.message, `Nothing is listening at the proxy http://127.0.0.1:${port} (connection refused).`);
  assert.ok(!JSON.stringify(down).includes('pa55word'));
  const junk = await verifyMultifactor(mfa, {}, { proxy: 'not a url', timeoutMs: 5000 });
  assert.equal(junk.check.reason, 'network');
  assert.match(junk.check.message, /proxy setting \(HTTPS_PROXY, or http\.proxy in VS Code\) is not a URL/);
});

test('loopback targets (the emulator) bypass the proxy', async () => {
  proxy.tunnels.length = 0;
  const result = await verifyMultifactor(mfa, {}, { proxy: proxy.url, baseUrl: plainEmulator.url, timeoutMs: 5000 });
  assert.equal(result.application, 'auth-api');
  assert.deepEqual(proxy.tunnels, []);
});

test('HTTPS_PROXY / NO_PROXY are read like curl reads them', () => {
  assert.deepEqual(proxyFromEnvironment({ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: '.corp.example' }), { proxy: 'http://proxy:3128', noProxy: '.corp.example' });
  assert.deepEqual(proxyFromEnvironment({ https_proxy: 'http://p:1', no_proxy: 'x' }), { proxy: 'http://p:1', noProxy: 'x' });
  assert.deepEqual(proxyFromEnvironment({}), { proxy: undefined, noProxy: undefined });
  assert.equal(bypassesProxy('api-1.duosecurity.com', 'duosecurity.com'), true);
  assert.equal(bypassesProxy('api-1.duosecurity.com', '.duosecurity.com,other'), true);
  assert.equal(bypassesProxy('api-1.duosecurity.com', '*'), true);
  assert.equal(bypassesProxy('api-1.duosecurity.com', 'security.com'), false);
  assert.equal(bypassesProxy('api-1.duosecurity.com', undefined), false);
  assert.equal(bypassesProxy('127.0.0.1', undefined), true);
});
