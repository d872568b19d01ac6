// verifyMultifactor against the emulator over real HTTP on 127.0.0.1: each kind of Duo
// application is recognised and told apart, enrolment is checked under the name Auth0 would
// send, and failures carry the reason and plain-language message the verify contract (shared/verifyResult.ts) promises.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateEmulatorConfig, startEmulator, type RunningEmulator } from '../../server/src/duo/duoEmulator';
import { defaultDuoUsernames, isVerified, verifyMultifactor, type Multifactor } from '../../server/src/duo/verify';

const config = generateEmulatorConfig(['jamie.rivera@example.com']);
// 'auth0|abcd' encodes to "yxv0adb8ywjjza==": enrolled here without the padding.
config.users.push({ username: 'yxv0adb8ywjjza' }, { username: 'locked.out', status: 'disabled' });
const app = (kind: string) => config.applications.find((a) => a.kind === kind)!;
let emulator: RunningEmulator;

before(async () => { emulator = await startEmulator({ config }); });
after(async () => { await emulator.close(); });

function duo(kind: string, extra: Partial<Multifactor> = {}): Multifactor {
  const { ikey, skey } = app(kind);
  return { provider: 'duo', ikey, skey, host: config.host, ...extra };
}
const options = () => ({ baseUrl: emulator.url, timeoutMs: 5000 });

function assertNoSecrets(value: unknown): void {
  const text = JSON.stringify(value);
  for (const a of config.applications) assert.ok(!text.includes(a.skey), `${a.kind} skey leaked: ${text}`);
}

test('Auth API keys: application auth-api, the user is enrolled, and a warning about Web SDK', async () => {
  const result = await verifyMultifactor(duo('auth-api', { username: 'jamie.rivera@example.com' }), { userId: 'auth0|1' }, options());
  assert.equal(result.application, 'auth-api');
  assert.equal(result.check.ok, true);
  assert.equal(typeof result.check.latencyMs, 'number');
  assert.equal(result.universal.ok, false);
  assert.equal(result.universal.reason, 'duo');
  assert.equal(result.preauth?.ok, true);
  assert.equal(result.preauth?.result, 'auth');
  assert.equal(result.preauth?.username, 'jamie.rivera@example.com');
  assert.equal(result.preauth?.statusMessage, 'Account is active');
  assert.ok(result.warnings.some((w) => /Web SDK/.test(w)));
  assert.equal(isVerified(result), true);
  assertNoSecrets(result);
});

test('Web SDK keys: application web-sdk, the check says wrong integration type, enrolment cannot be checked', async () => {
  const result = await verifyMultifactor(duo('web-sdk', { username: 'jamie.rivera@example.com' }), {}, options());
  assert.equal(result.application, 'web-sdk');
  assert.equal(result.universal.ok, true);
  assert.equal(result.check.ok, false);
  assert.equal(result.check.code, 40301);
  assert.equal(result.preauth, undefined);
  assert.ok(result.warnings.some((w) => /Enrolment cannot be checked/.test(w)));
  assert.equal(isVerified(result), true);
  assertNoSecrets(result);
});

test('Admin API keys used as the main keys: application admin-api, told to move them under admin, exit status failure', async () => {
  const result = await verifyMultifactor(duo('admin-api'), { userId: 'auth0|1' }, options());
  assert.equal(result.application, 'admin-api');
  assert.equal(result.check.code, 40301);
  assert.match(result.check.message, /These are Admin API keys.*admin: \{ ikey, skey \}/);
  assert.equal(isVerified(result), false);
});

test('admin keys under admin are checked with the Admin API; Auth API keys there are rejected', async () => {
  const good = await verifyMultifactor(duo('web-sdk', { admin: { ikey: app('admin-api').ikey, skey: app('admin-api').skey } }), {}, options());
  assert.equal(good.admin?.ok, true);
  assert.equal(isVerified(good), true);
  const wrong = await verifyMultifactor(duo('web-sdk', { admin: { ikey: app('auth-api').ikey, skey: app('auth-api').skey } }), {}, options());
  assert.equal(wrong.admin?.ok, false);
  assert.equal(wrong.admin?.code, 40301);
  assert.match(wrong.admin!.message, /not Admin API keys/);
  assert.equal(isVerified(wrong), false);
  const incomplete = await verifyMultifactor(duo('web-sdk', { admin: { ikey: app('admin-api').ikey } }), {}, options());
  assert.equal(incomplete.admin?.reason, 'missing-credentials');
  assertNoSecrets([good, wrong, incomplete]);
});

test('a wrong skey is explained in plain words, for both checks', async () => {
  const result = await verifyMultifactor(duo('auth-api', { skey: app('web-sdk').skey }), {}, options());
  assert.equal(result.application, null);
  assert.equal(result.check.reason, 'duo');
  assert.equal(result.check.code, 40103);
  assert.match(result.check.message, /^Duo rejected the signature: the skey does not match this ikey/);
  assert.equal(result.universal.reason, 'duo');
  assert.equal(isVerified(result), false);
  assertNoSecrets(result);
  const unknown = await verifyMultifactor(duo('auth-api', { ikey: 'DIXXXXXXXXXXXXXXXXXX' }), {}, options());
  assert.equal(unknown.check.code, 40102);
  assert.match(unknown.check.message, /does not know this ikey/);
});

test('without a username, the padded then the unpadded lower-cased Base64 of user_id is checked', async () => {
  assert.deepEqual(defaultDuoUsernames('google-oauth2|random-string'), ['z29vz2xllw9hdxromnxyyw5kb20tc3ryaw5n']);
  assert.deepEqual(defaultDuoUsernames('auth0|abcd'), ['yxv0adb8ywjjza==', 'yxv0adb8ywjjza']);
  const found = await verifyMultifactor(duo('auth-api'), { userId: 'auth0|abcd' }, options());
  assert.equal(found.preauth?.result, 'auth');
  assert.equal(found.preauth?.username, 'yxv0adb8ywjjza');
  const notEnrolled = await verifyMultifactor(duo('auth-api'), { userId: 'google-oauth2|random-string' }, options());
  assert.equal(notEnrolled.preauth?.ok, true, 'enroll is a finding, not a failure');
  assert.equal(notEnrolled.preauth?.result, 'enroll');
  assert.equal(notEnrolled.preauth?.username, 'z29vz2xllw9hdxromnxyyw5kb20tc3ryaw5n');
  assert.match(String(notEnrolled.preauth?.enrollPortalUrl), /\/portal\?/);
  const denied = await verifyMultifactor(duo('auth-api', { username: 'locked.out' }), {}, options());
  assert.deepEqual([denied.preauth?.ok, denied.preauth?.result], [true, 'deny']);
  const nothing = await verifyMultifactor(duo('auth-api'), {}, options());
  assert.equal(nothing.preauth, undefined);
  assert.ok(nothing.warnings.some((w) => /Enrolment was not checked/.test(w)));
});

test('signature v2 verifies as well, and is what was sent', async () => {
  // A pass-through on 127.0.0.1 records how the enrolment lookup was posted: v2 signs a form body, v5 a JSON one.
  const preauthBodies: string[] = [];
  const relay = createServer((req, res) => {
    if (req.url === '/auth/v2/preauth') preauthBodies.push(String(req.headers['content-type']));
    const onward = request(new URL(req.url!, emulator.url), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    req.pipe(onward);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  try {
    const baseUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
    const result = await verifyMultifactor(duo('auth-api', { username: 'jamie.rivera@example.com' }), {}, { baseUrl, timeoutMs: 5000, signatureVersion: 2 });
    assert.equal(result.application, 'auth-api');
    assert.equal(result.preauth?.result, 'auth');
    await verifyMultifactor(duo('auth-api', { username: 'jamie.rivera@example.com' }), {}, { baseUrl, timeoutMs: 5000 });
    assert.deepEqual(preauthBodies, ['application/x-www-form-urlencoded', 'application/json']);
  } finally {
    relay.closeAllConnections();
    await new Promise((resolve) => relay.close(resolve));
  }
});

test('a Duo clock 10 minutes ahead: the rejection is blamed on the clock (clock-skew)', async () => {
  const skewed = await startEmulator({ config, clockOffsetMs: 600_000 });
  try {
    const result = await verifyMultifactor(duo('auth-api'), {}, { baseUrl: skewed.url, timeoutMs: 5000 });
    assert.equal(result.application, null);
    assert.equal(result.check.reason, 'clock-skew');
    assert.equal(result.check.code, 40105);
    assert.match(result.check.message, /clock is (9 min 5\d|10 min \d) s behind Duo's/);
  } finally {
    await skewed.close();
  }
});

test('no Duo configuration: missing-credentials with a message saying why', async () => {
  const none = await verifyMultifactor(null, {}, options());
  assert.deepEqual([none.check.reason, none.universal.reason, none.application], ['missing-credentials', 'missing-credentials', null]);
  assert.match(none.check.message, /no Duo configuration/);
  const guardian = await verifyMultifactor({ provider: 'guardian' }, {}, options());
  assert.match(guardian.check.message, /'guardian' provider, not Duo/);
  const noSkey = await verifyMultifactor(duo('auth-api', { skey: undefined }), {}, options());
  assert.equal(noSkey.check.reason, 'missing-credentials');
  assert.match(noSkey.check.message, /no skey/);
  assert.equal(isVerified(noSkey), false);
});

test("Duo enabled without any key (Auth0's documented Action): the keys come from the tenant's Duo factor settings", async () => {
  const tenant = await verifyMultifactor({ provider: 'duo', allowRememberBrowser: false }, {}, options());
  assert.equal(tenant.check.reason, 'missing-credentials');
  assert.match(tenant.check.message, /tenant's Duo factor settings/);
  assert.equal(isVerified(tenant), false);
});
