// The emulator's signature, date and integration-type checks, exercised by Duo's official Node
// client (@duosecurity/duo_api) making real HTTP requests to it on 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import net from 'node:net';
import { generateEmulatorConfig, parseEmulatorConfig, startEmulator, type RunningEmulator } from '../../server/src/duo/duoEmulator';
import { prepareSignedRequest } from '../../server/src/duo/signing';

const duoApi = require('@duosecurity/duo_api');

const config = generateEmulatorConfig(['jamie.rivera@example.com']);
config.users.push({ username: 'bypassed', status: 'bypass' }, { username: 'disabled', status: 'disabled' }, { username: 'new.hire', enrolled: false });
const app = (kind: string) => config.applications.find((a) => a.kind === kind)!;
let emulator: RunningEmulator;
let originalAgent: https.Agent;

/** The official client always dials https://<host>:443; this agent hands it a plain socket to the emulator instead. */
class EmulatorAgent extends https.Agent {
  override createConnection(): net.Socket {
    return net.connect(emulator.port, '127.0.0.1');
  }
}

before(async () => {
  emulator = await startEmulator({ config });
  originalAgent = https.globalAgent;
  https.globalAgent = new EmulatorAgent({ keepAlive: false });
});
after(async () => {
  https.globalAgent = originalAgent;
  await emulator.close();
});

type Answer = { stat: string; code?: number; message?: string; response?: Record<string, unknown> };
function call(ikey: string, skey: string, version: number, method: string, path: string, params: Record<string, string> = {}): Promise<Answer> {
  const client = new duoApi.Client(ikey, skey, config.host, version);
  return new Promise((resolve) => client.jsonApiCall(method, path, params, resolve));
}

for (const version of [2, 5]) {
  test(`official client, signature v${version}: check, preauth and admin summary are accepted`, async () => {
    const auth = app('auth-api');
    assert.equal((await call(auth.ikey, auth.skey, version, 'GET', '/auth/v2/check')).stat, 'OK');
    const preauth = await call(auth.ikey, auth.skey, version, 'POST', '/auth/v2/preauth', { username: 'jamie.rivera@example.com' });
    assert.equal(preauth.stat, 'OK');
    assert.equal(preauth.response?.result, 'auth');
    const admin = app('admin-api');
    const summary = await call(admin.ikey, admin.skey, version, 'GET', '/admin/v1/info/summary');
    assert.equal(summary.stat, 'OK');
    assert.equal(summary.response?.user_count, config.users.length);
  });

  test(`official client, signature v${version}: wrong skey 40103, unknown ikey 40102, wrong application kind 40301`, async () => {
    const auth = app('auth-api');
    const badSecret = await call(auth.ikey, `${auth.skey.slice(0, -1)}!`, version, 'GET', '/auth/v2/check');
    assert.deepEqual([badSecret.stat, badSecret.code], ['FAIL', 40103]);
    const unknown = await call('DIUNKNOWNUNKNOWN0000', auth.skey, version, 'GET', '/auth/v2/check');
    assert.deepEqual([unknown.stat, unknown.code], ['FAIL', 40102]);
    const admin = app('admin-api');
    const wrongKind = await call(admin.ikey, admin.skey, version, 'GET', '/auth/v2/check');
    assert.deepEqual([wrongKind.stat, wrongKind.code], ['FAIL', 40301]);
    const webSdkOnAdmin = await call(app('web-sdk').ikey, app('web-sdk').skey, version, 'GET', '/admin/v1/info/summary');
    assert.equal(webSdkOnAdmin.code, 40301);
  });
}

test('official client: a signature made for another host is rejected', async () => {
  const auth = app('auth-api');
  const client = new duoApi.Client(auth.ikey, auth.skey, 'api-00000000.duosecurity.com', 5);
  const answer: Answer = await new Promise((resolve) => client.jsonApiCall('GET', '/auth/v2/check', {}, resolve));
  assert.equal(answer.code, 40103);
});

test('preauth reports each enrolment state', async () => {
  const auth = app('auth-api');
  const result = async (username: string) => (await call(auth.ikey, auth.skey, 5, 'POST', '/auth/v2/preauth', { username })).response;
  assert.equal((await result('bypassed'))?.result, 'allow');
  assert.equal((await result('disabled'))?.result, 'deny');
  const enroll = await result('new.hire');
  assert.equal(enroll?.result, 'enroll');
  assert.match(String(enroll?.enroll_portal_url), new RegExp(`^https://${config.host.replace(/\./g, '\\.')}/portal\\?`));
  assert.equal((await result('nobody@example.com'))?.result, 'enroll');
  const missing = await call(auth.ikey, auth.skey, 5, 'POST', '/auth/v2/preauth', {});
  assert.deepEqual([missing.stat, missing.code], ['FAIL', 40001]);
});

async function send(prepared: ReturnType<typeof prepareSignedRequest>): Promise<{ status: number; body: Answer }> {
  const res = await fetch(`${emulator.url}${prepared.target}`, { method: prepared.method, headers: prepared.headers, body: prepared.body });
  return { status: res.status, body: (await res.json()) as Answer };
}

test('a request dated more than 300 s away is rejected like Duo does (401, 40105)', async () => {
  const auth = app('auth-api');
  const stale = await send(prepareSignedRequest({ ikey: auth.ikey, skey: auth.skey, host: config.host, method: 'GET', path: '/auth/v2/check', now: new Date(Date.now() - 301_000) }));
  assert.equal(stale.status, 401);
  assert.deepEqual(stale.body, { stat: 'FAIL', code: 40105, message: 'Bad request timestamp' });
  const slightlyOff = await send(prepareSignedRequest({ ikey: auth.ikey, skey: auth.skey, host: config.host, method: 'GET', path: '/auth/v2/check', now: new Date(Date.now() + 200_000) }));
  assert.equal(slightlyOff.body.stat, 'OK');
});

test('unsigned requests and unknown paths get Duo-style failures; ping needs no signature', async () => {
  const missing = await fetch(`${emulator.url}/auth/v2/check`);
  assert.equal(missing.status, 401);
  assert.equal(((await missing.json()) as Answer).code, 40101);
  const ping = (await (await fetch(`${emulator.url}/auth/v2/ping`)).json()) as Answer;
  assert.equal(ping.stat, 'OK');
  assert.ok(Math.abs(Number(ping.response?.time) - Date.now() / 1000) < 5);
  assert.equal((await fetch(`${emulator.url}/auth/v2/nothing`)).status, 404);
});

test('a clock offset makes the emulator reject correctly dated requests and report its own time', async () => {
  const skewed = await startEmulator({ config, clockOffsetMs: 600_000 });
  try {
    const auth = app('auth-api');
    const prepared = prepareSignedRequest({ ikey: auth.ikey, skey: auth.skey, host: config.host, method: 'GET', path: '/auth/v2/check' });
    const res = await fetch(`${skewed.url}${prepared.target}`, { headers: prepared.headers });
    assert.equal(((await res.json()) as Answer).code, 40105);
    const ping = (await (await fetch(`${skewed.url}/auth/v2/ping`)).json()) as Answer;
    assert.ok(Number(ping.response?.time) - Date.now() / 1000 > 590);
  } finally {
    await skewed.close();
  }
});

test('junk requests get Duo-style failures and the emulator keeps serving', async () => {
  const junk = await fetch(`${emulator.url}/auth/v2/preauth`, { method: 'POST', headers: { authorization: 'Basic \u00ff\u00fe', 'content-type': 'application/json' }, body: Buffer.from([0, 255, 1, 2, 3]) });
  assert.equal(junk.status, 401);
  assert.equal(((await junk.json()) as Answer).stat, 'FAIL');
  const huge = await fetch(`${emulator.url}/oauth/v1/health_check`, { method: 'POST', body: 'a'.repeat(200 * 1024) });
  assert.equal(huge.status, 413);
  const noAssertion = await fetch(`${emulator.url}/oauth/v1/health_check`, { method: 'POST', body: 'client_id=DIX' });
  assert.deepEqual(await noAssertion.json(), { stat: 'FAIL', code: 40002, message: 'invalid_request', message_detail: 'client_id and client_assertion are required.' });
  const auth = app('auth-api');
  assert.equal((await call(auth.ikey, auth.skey, 5, 'GET', '/auth/v2/check')).stat, 'OK');
});

test('configuration files are validated with messages that name the field', () => {
  assert.throws(() => parseEmulatorConfig({ host: 'example.com', applications: [] }), /"host" must be a Duo API hostname/);
  assert.throws(() => parseEmulatorConfig({ host: config.host, applications: [{ kind: 'auth', ikey: 'DI', skey: 'x'.repeat(40) }] }), /applications\[0\]\.kind/);
  assert.throws(() => parseEmulatorConfig({ host: config.host, applications: [app('auth-api')], users: [{ username: 'a', status: 'gone' }] }), /users\[0\]\.status/);
  assert.deepEqual(parseEmulatorConfig({ host: config.host, applications: [app('auth-api')], users: ['plain'] }).users, [{ username: 'plain', status: 'active', enrolled: true }]);
});
