// Which line a failed Duo verification points at (the duo-verify-failed diagnostic).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Step, VerifyResult } from '../../shared/verifyResult';
import { findVerifyFailureFindings, findVerifyFailures } from '../../server/src/analysis/verifyFailures';

const rule = [
  'function (user, context, callback) {',
  '  context.multifactor = {',
  "    provider: 'duo',",
  '    ikey: configuration.DUO_IKEY,',
  '    skey: configuration.DUO_SKEY,',
  '    host: configuration.DUO_HOST,',
  '    username: user.nickname,',
  '    admin: {',
  '      ikey: configuration.DUO_ADMIN_IKEY,',
  '      skey: configuration.DUO_ADMIN_SKEY,',
  '    },',
  '  };',
  '  callback(null, user, context);',
  '}',
].join('\n');

const action = [
  'exports.onExecutePostLogin = async (event, api) => {',
  "  api.multifactor.enable('duo', {",
  '    providerOptions: {',
  '      host: event.secrets.DUO_HOST,',
  '      ikey: event.secrets.DUO_IKEY,',
  '      skey: event.secrets.DUO_SKEY,',
  '    },',
  '  });',
  '};',
].join('\n');

const ok: Step = { ok: true, message: 'fine' };
const duoFailure = (code: number, message = `Duo said ${code}`): Step => ({ ok: false, reason: 'duo', code, message });

function lines(text: string, verify: VerifyResult): Array<[number, string]> {
  return findVerifyFailures(text, verify).map((f) => [text.slice(0, f.range.start).split('\n').length - 1, f.message]);
}

test('a rejected signature (40103) points at the skey line', () => {
  const found = lines(rule, { application: null, check: duoFailure(40103, 'Duo rejected the signature: the skey does not match this ikey.'), universal: duoFailure(40002, 'invalid_client'), warnings: [] });
  assert.equal(found.length, 1);
  assert.equal(found[0][0], 4);
  assert.match(found[0][1], /the skey does not match this ikey/);
  assert.match(found[0][1], /invalid_client/, 'the Web SDK failure is mentioned too');
});

test('an unknown ikey (40102) points at the ikey line', () => {
  assert.equal(lines(rule, { application: null, check: duoFailure(40102), universal: duoFailure(40002), warnings: [] })[0][0], 3);
});

test('failures that are not Duo rejecting the keys never become a diagnostic on the code', () => {
  const failures: Step[] = [
    { ok: false, reason: 'network', message: 'Could not resolve api-x.duosecurity.com (DNS lookup failed).' },
    { ok: false, reason: 'timeout', message: 'No complete answer within 10000 ms.' },
    { ok: false, reason: 'bad-response', message: 'Not a Duo API answer: an HTML page.' },
    { ok: false, reason: 'redirect', message: 'answered with a redirect' },
    { ok: false, reason: 'clock-skew', message: 'this computer\'s clock is 5 minutes off' },
    { ok: false, reason: 'invalid-host', message: 'not a Duo host' },
    { ok: false, reason: 'missing-credentials', message: 'no keys' },
    duoFailure(42901, 'still rate-limited after 6 attempts'),
  ];
  for (const step of failures) {
    for (const text of [rule, action]) {
      assert.deepEqual(lines(text, { application: null, check: step, universal: step, warnings: [] }), [], `${step.reason} ${step.code ?? ''}`);
    }
    // One check rejected by Duo while the other could not be asked proves nothing about the keys either.
    assert.deepEqual(lines(rule, { application: null, check: duoFailure(40103), universal: step, warnings: [] }), [], `40103 + ${step.reason}`);
  }
});

test('verified keys give no diagnostic even though the other application kind failed', () => {
  assert.deepEqual(lines(rule, { application: 'web-sdk', check: duoFailure(40301), universal: ok, warnings: [] }), []);
  assert.deepEqual(lines(rule, { application: 'auth-api', check: ok, universal: duoFailure(40002), warnings: [] }), []);
});

test('Admin API keys in the main configuration point at the ikey', () => {
  const found = lines(rule, { application: 'admin-api', check: duoFailure(40301), universal: duoFailure(40002), warnings: [] });
  assert.equal(found[0][0], 3);
  assert.match(found[0][1], /belong under admin/);
});

test('failed Admin keys point into admin; an enrolment lookup that timed out is not blamed on username', () => {
  const verify: VerifyResult = {
    application: 'auth-api', check: ok, universal: duoFailure(40301),
    preauth: { ok: false, reason: 'timeout', message: 'Duo did not answer', result: null, username: 'x', statusMessage: '' },
    admin: duoFailure(40103, 'bad admin signature'),
    warnings: [],
  };
  assert.deepEqual(lines(rule, verify).map(([line]) => line), [9]);
});

test('in an Action the providerOptions keys are blamed', () => {
  assert.equal(lines(action, { application: null, check: duoFailure(40103), universal: duoFailure(40002), warnings: [] })[0][0], 5);
  assert.equal(lines(action, { application: null, check: duoFailure(40102), universal: duoFailure(40002), warnings: [] })[0][0], 4);
});

test('as findings: duo-verify-failed at the configured severity on the skey line, none when the code is off', () => {
  const verify: VerifyResult = { application: null, check: duoFailure(40103), universal: duoFailure(40002), warnings: [] };
  const [finding, ...more] = findVerifyFailureFindings(rule, verify, { 'duo-verify-failed': 'warning' });
  assert.equal(more.length, 0);
  assert.deepEqual([finding.code, finding.severity, finding.range.start.line], ['duo-verify-failed', 'warning', 4]);
  assert.equal(findVerifyFailureFindings(rule, verify)[0].severity, 'error');
  assert.deepEqual(findVerifyFailureFindings(rule, verify, { 'duo-verify-failed': 'off' }), []);
});
