// placeholder-client-id says what Auth0's sample client id does where it is: in a list of the
// applications that get MFA, MFA never runs; in a list of those that skip it, every application gets
// MFA; elsewhere it says only that no application matches. The provider named is the one that
// check decides. The "remove the client check" fix keeps MFA for every application in both shapes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { applyEdits, findQuickFixes } from '../../server/src/analysis/codeActions';
import { analyze, type Finding } from '../../server/src/analysis/diagnostics';
import { buildModel } from '../../server/src/analysis/model';

const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'config-shapes');
const fixture = (path: string): string => readFileSync(join(fixtures, path), 'utf8');

const duo = "{ provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST }";
function rule(body: string): string {
  return `function requireDuo(user, context, callback) {\n  if (context.protocol === 'oauth2-refresh-token') return callback(null, user, context);\n${body}\n  callback(null, user, context);\n}\n`;
}
function action(body: string): string {
  return `exports.onExecutePostLogin = async (event, api) => {\n  if (event.transaction.protocol === 'oauth2-refresh-token') return;\n${body}\n};\n`;
}
function sampleFinding(text: string): Finding {
  const findings = analyze(text).filter((f) => f.code === 'placeholder-client-id');
  assert.equal(findings.length, 1, text);
  return findings[0];
}
const neverRuns = (label: string) => new RegExp(`no application matches the check and ${label} never runs\\.$`);
const everyApplication = (label: string) => new RegExp(`no application matches the check, so none skips it: ${label} is required for every application, including the ones meant to be exempted\\.$`);

describe('placeholder-client-id: the message follows the shape of the check', () => {
  test('a list of the clients that get MFA: MFA never runs (Rule and Action, if / early return / &&)', () => {
    assert.match(sampleFinding(fixture('rules/sample-client-gate.js')).message, neverRuns('Guardian MFA'));
    assert.match(sampleFinding(rule(`  if (context.clientID !== '{yourClientId}') return callback(null, user, context);\n  context.multifactor = ${duo};`)).message, neverRuns('Duo MFA'));
    assert.match(sampleFinding(action("  ['{YOUR_CLIENT_ID}'].includes(event.client.client_id) && api.multifactor.enable('duo');")).message, neverRuns('Duo MFA'));
  });

  test('a list of the clients that skip MFA: every application gets it (Rule and Action)', () => {
    assert.match(sampleFinding(fixture('rules/sample-client-skip.js')).message, everyApplication('Duo MFA'));
    assert.match(sampleFinding(fixture('actions/sample-client-skip.js')).message, everyApplication('Duo MFA'));
    assert.match(sampleFinding(rule(`  var SKIP = ['{yourClientId}'];\n  if (SKIP.indexOf(context.clientID) !== -1) {\n    return callback(null, user, context);\n  }\n  context.multifactor = { provider: 'guardian' };`)).message, everyApplication('Guardian MFA'));
    assert.match(sampleFinding(action("  if (event.client.client_id === '{yourClientId}') {\n    return;\n  } else {\n    api.multifactor.enable('any');\n  }")).message, everyApplication('MFA'));
    assert.match(sampleFinding(action("  event.client.client_id === '{yourClientId}' || api.multifactor.enable('duo');")).message, everyApplication('Duo MFA'));
  });

  test('the provider named is the one the check decides, not every provider of the file', () => {
    const text = rule(`  if (context.clientID === '{yourClientId}') return callback(null, user, context);\n  context.multifactor = user.app_metadata.admin ? ${duo} : { provider: 'guardian' };`);
    assert.match(sampleFinding(text).message, everyApplication('MFA'));
    const gated = rule(`  if (['{yourClientId}'].includes(context.clientID)) context.multifactor = ${duo};\n  else context.multifactor = { provider: 'guardian' };`);
    assert.match(sampleFinding(gated).message, /no application matches the check: Duo MFA never runs there, and Guardian MFA is required for every application\.$/);
  });

  test('a sample id that decides nothing about the MFA: neither claim, the file\'s MFA named', () => {
    const message = sampleFinding(action("  const trusted = ['{yourClientId}'];\n  api.idToken.setCustomClaim('trusted', trusted.includes(event.client.client_id));\n  api.multifactor.enable('duo');")).message;
    assert.doesNotMatch(message, /never runs|every application/);
    assert.match(message, /no application's Client ID matches it, so every check against it fails in this file, which requires Duo MFA\.$/);
    // A condition that is not a plain membership test (a ?? b) decides nothing we can tell.
    assert.doesNotMatch(sampleFinding(rule(`  if (context.clientID === '{yourClientId}' ?? x) return callback(null, user, context);\n  context.multifactor = ${duo};`)).message, /never runs|every application/);
  });
});

describe('missing-refresh-token-guard with a sample client id', () => {
  test('waits while MFA runs only for the sample id, but not when the sample id is the one skipping MFA', () => {
    const unguarded = (body: string) => `function requireDuo(user, context, callback) {\n${body}\n  callback(null, user, context);\n}\n`;
    const gate = unguarded(`  if (context.clientID !== '{yourClientId}') return callback(null, user, context);\n  context.multifactor = ${duo};`);
    assert.deepEqual(analyze(gate).filter((f) => f.code !== 'rules-eol').map((f) => f.code), ['placeholder-client-id']);
    const skip = unguarded(`  if (context.clientID === '{yourClientId}') return callback(null, user, context);\n  context.multifactor = ${duo};`);
    assert.deepEqual(analyze(skip).filter((f) => f.code !== 'rules-eol').map((f) => f.code), ['placeholder-client-id', 'missing-refresh-token-guard']);
  });
});

describe('Remove the client check: every application requires MFA', () => {
  function removeCheck(text: string): string | undefined {
    const finding = sampleFinding(text);
    const fix = findQuickFixes(buildModel(text), finding, analyze(text)).find((f) => f.title === 'Remove the client check: every application requires MFA');
    return fix && applyEdits(text, fix.edits);
  }

  test('a skip-list check that leaves is removed, never turned into a return for every application', () => {
    const text = rule(`  if (context.clientID === '{yourClientId}') {\n    return callback(null, user, context);\n  }\n  context.multifactor = ${duo};`);
    const fixed = removeCheck(text);
    assert.ok(fixed);
    assert.doesNotMatch(fixed, /\{yourClientId\}|return callback\(null, user, context\);\n {2}context\.multifactor/);
    assert.match(fixed, /\/\/ duo-rules: confirmed: every application requires MFA[^\n]*\n {2}context\.multifactor = /);
    assert.deepEqual(analyze(fixed).filter((f) => f.code !== 'rules-eol').map((f) => f.code), []);
  });

  test('a skip-list if around the MFA becomes its body, not removed with the MFA', () => {
    const text = action("  const EXEMPT = ['{yourClientId}'];\n  if (!EXEMPT.includes(event.client.client_id)) {\n    api.multifactor.enable('duo');\n  }");
    const fixed = removeCheck(text);
    assert.ok(fixed);
    assert.match(fixed, /\n {2}api\.multifactor\.enable\('duo'\);\n/);
    assert.doesNotMatch(fixed, /EXEMPT|\{yourClientId\}/);
    assert.deepEqual(analyze(fixed).map((f) => f.code), []);
  });

  test('the gate-in shapes keep their fix', () => {
    const fixed = removeCheck(fixture('rules/sample-client-gate.js'));
    assert.ok(fixed);
    assert.match(fixed, /\n {2}context\.multifactor = \{ provider: 'guardian'/);
    const early = removeCheck(rule(`  if (context.clientID !== '{yourClientId}') return callback(null, user, context);\n  context.multifactor = ${duo};`));
    assert.ok(early);
    assert.doesNotMatch(early, /\{yourClientId\}/);
    assert.match(early, /context\.multifactor = \{ provider: 'duo'/);
  });
});
