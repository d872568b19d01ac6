// What Check Tenant says and offers when it could not read the tenant (the pure part of the
// client): new credentials only when they are the problem, a retry when Auth0 was not reached.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeTenantFailure } from '../../client/src/tenantFailure';

const where = { domain: 'acme.us.auth0.com' };

test('credentials Auth0 refused or missing: the one failure that offers Store Auth0 Credentials', () => {
  const refused = 'Auth0 at https://acme.us.auth0.com refused the client credentials (HTTP 401): store the client ID and secret of a Machine to Machine application again with "Duo: Store Auth0 Credentials".';
  assert.deepEqual(describeTenantFailure('credentials', refused, where), { message: refused, actions: ['Store Auth0 Credentials'] });
});

test('Auth0 not reached (DNS, TLS, timeout): "could not reach Auth0" with the reason and Retry, never new credentials', () => {
  const dns = describeTenantFailure('unreachable', 'Could not resolve acme.us.auth0.com (DNS lookup failed).', where);
  assert.equal(dns.message, 'Could not reach Auth0 for acme.us.auth0.com: could not resolve acme.us.auth0.com (DNS lookup failed). Check the network or proxy, then retry.');
  assert.deepEqual(dns.actions, ['Retry']);
  const tls = describeTenantFailure('unreachable', 'Refused the TLS connection to https://acme.us.auth0.com: its certificate could not be verified. (UNABLE_TO_VERIFY_LEAF_SIGNATURE)', where);
  assert.match(tls.message, /^Could not reach Auth0 for acme\.us\.auth0\.com: refused the TLS connection .*\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)\. Check the network/);
  assert.doesNotMatch(tls.message, /\.\./, 'no doubled period');
});

test('Auth0 not reached at the stand-in URL: names the setting and offers it beside Retry', () => {
  const failure = describeTenantFailure('unreachable', 'Nothing is listening at http://127.0.0.1:8444 (connection refused).', { ...where, baseUrl: 'http://127.0.0.1:8444' });
  assert.equal(failure.message, 'Could not reach Auth0 at http://127.0.0.1:8444 (setting duoRules.auth0.baseUrl): nothing is listening at http://127.0.0.1:8444 (connection refused). Check that the stand-in is running or change the setting, then retry.');
  assert.deepEqual(failure.actions, ['Retry', 'Open Setting']);
});

test('Auth0 failing itself or an unexpected error: the message as it is, with Retry; a wrong stand-in URL: the setting', () => {
  const busy = 'Auth0 at https://acme.us.auth0.com failed on GET /api/v2/rules (HTTP 503). Try again later.';
  assert.deepEqual(describeTenantFailure('auth0', busy, where), { message: busy, actions: ['Retry'] });
  assert.deepEqual(describeTenantFailure(undefined, 'Internal error', where).actions, ['Retry']);
  assert.deepEqual(describeTenantFailure('setting', 'The setting duoRules.auth0.baseUrl must point to this computer.', where).actions, ['Open Setting']);
});
