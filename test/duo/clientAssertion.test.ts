// The Web SDK health-check assertion, compared with @duosecurity/duo_universal (Duo's own
// Universal Prompt client) both ways: our JWT has its shape and verifies with jose (the library
// it uses), and its real health-check request is accepted by our emulator over HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkClientAssertion, createClientAssertion, healthCheckAudience } from '../../server/src/duo/clientAssertion';
import { generateEmulatorConfig, startEmulator } from '../../server/src/duo/duoEmulator';

const { Client } = require('@duosecurity/duo_universal');
const axios = require('axios');
const jose = require('jose');

const CLIENT_ID = 'DIWJ8X6AEYOR5OMC6TQ1';
const SECRET = 'Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep';
const HOST = 'api-12345678.duosecurity.com';

function decode(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [h, p] = token.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url').toString()), claims: JSON.parse(Buffer.from(p, 'base64url').toString()) };
}

test('our assertion has the same header and claims as duo_universal\'s', async () => {
  const official = new Client({ clientId: CLIENT_ID, clientSecret: SECRET, apiHost: HOST, redirectUrl: 'https://example.com/callback' });
  const audience = healthCheckAudience(HOST);
  assert.equal(audience, `https://${HOST}/oauth/v1/health_check`);
  // createJwtPayload is private in TypeScript only; it is what healthCheck() sends.
  const theirs = decode(await official.createJwtPayload(audience));
  const ours = decode(createClientAssertion({ clientId: CLIENT_ID, clientSecret: SECRET, audience }));
  assert.deepEqual(ours.header, theirs.header);
  assert.deepEqual(Object.keys(ours.claims), Object.keys(theirs.claims));
  for (const claim of ['iss', 'sub', 'aud']) assert.equal(ours.claims[claim], theirs.claims[claim], claim);
  assert.equal((ours.claims.jti as string).length, (theirs.claims.jti as string).length);
  assert.equal((ours.claims.exp as number) - (ours.claims.iat as number), (theirs.claims.exp as number) - (theirs.claims.iat as number));
  assert.ok(Math.abs((ours.claims.iat as number) - Date.now() / 1000) < 5);
});

test('our assertion verifies with jose (HS512) and fails with the wrong secret', async () => {
  const audience = healthCheckAudience(HOST);
  const token = createClientAssertion({ clientId: CLIENT_ID, clientSecret: SECRET, audience });
  const { payload, protectedHeader } = await jose.jwtVerify(token, new TextEncoder().encode(SECRET), { algorithms: ['HS512'], audience, issuer: CLIENT_ID, subject: CLIENT_ID });
  assert.equal(protectedHeader.alg, 'HS512');
  assert.equal(payload.sub, CLIENT_ID);
  await assert.rejects(jose.jwtVerify(token, new TextEncoder().encode(`${SECRET}x`), { algorithms: ['HS512'] }));
  const second = createClientAssertion({ clientId: CLIENT_ID, clientSecret: SECRET, audience });
  assert.notEqual(decode(second).claims.jti, decode(token).claims.jti, 'every assertion gets a fresh jti');
});

test('checkClientAssertion accepts duo_universal\'s assertion and rejects tampering, other audiences and expiry', async () => {
  const official = new Client({ clientId: CLIENT_ID, clientSecret: SECRET, apiHost: HOST, redirectUrl: 'https://example.com/callback' });
  const audience = healthCheckAudience(HOST);
  const token: string = await official.createJwtPayload(audience);
  const now = Math.floor(Date.now() / 1000);
  const expect = { clientId: CLIENT_ID, clientSecret: SECRET, audience, nowSeconds: now };
  assert.equal(checkClientAssertion(token, expect).ok, true);
  assert.deepEqual(checkClientAssertion(token, { ...expect, clientSecret: `${SECRET.slice(1)}Q` }), { ok: false, detail: 'Failed to verify signature.' });
  assert.deepEqual(checkClientAssertion(token, { ...expect, audience: healthCheckAudience('api-other.duosecurity.com') }), { ok: false, detail: 'Invalid audience.' });
  assert.deepEqual(checkClientAssertion(token, { ...expect, nowSeconds: now + 600 }), { ok: false, detail: 'The client assertion has expired.' });
  const [h, p, s] = token.split('.');
  const forged = Buffer.from(JSON.stringify({ ...decode(token).claims, sub: 'DIOTHER' })).toString('base64url');
  assert.equal(checkClientAssertion(`${h}.${forged}.${s}`, expect).ok, false);
  assert.equal(checkClientAssertion(`${h}.${p}`, expect).ok, false);
});

test('duo_universal\'s real health check passes against the emulator, and fails with a wrong secret', async () => {
  const config = generateEmulatorConfig();
  const webSdk = config.applications.find((a) => a.kind === 'web-sdk')!;
  const emulator = await startEmulator({ config });
  try {
    const healthCheckAt = (clientSecret: string) => {
      const client = new Client({ clientId: webSdk.ikey, clientSecret, apiHost: config.host, redirectUrl: 'https://example.com/callback' });
      // Point its HTTP client at the emulator; the assertion's audience stays https://<host>/….
      client.axios = axios.create({ baseURL: emulator.url });
      return client.healthCheck();
    };
    const answer = await healthCheckAt(webSdk.skey);
    assert.equal(answer.stat, 'OK');
    assert.equal(typeof answer.response.timestamp, 'number');
    await assert.rejects(healthCheckAt('x'.repeat(40)), /invalid_client: Failed to verify signature/);
  } finally {
    await emulator.close();
  }
});
