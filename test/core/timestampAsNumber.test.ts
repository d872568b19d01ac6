// timestamp-as-number: an Action using an authentication method's timestamp (an ISO 8601 string there) as a number.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze, type Finding } from '../../server/src/analysis/diagnostics';
import { buildModel } from '../../server/src/analysis/model';
import { findQuickFix } from '../../server/src/analysis/codeActions';

const action = (body: string): string => `exports.onExecutePostLogin = async (event, api) => {\n${body}\n};\n`;
const found = (text: string): Finding[] => analyze(text).filter((f) => f.code === 'timestamp-as-number');

describe('timestamp-as-number', () => {
  test('a "Duo again after a day" gate on a method found in the list: one warning on the read, and a Date.parse fix', () => {
    const text = action("  const mfa = event.authentication?.methods.find((m) => m.name === 'mfa');\n  if (!mfa || Date.now() - mfa.timestamp > 86400000) api.multifactor.enable('duo');");
    const [finding, ...rest] = found(text);
    assert.equal(rest.length, 0);
    assert.equal(text.slice(finding.offsets.start, finding.offsets.end), 'mfa.timestamp');
    assert.match(finding.message, /^mfa\.timestamp is an ISO 8601 string in an Action \(a Rule's was milliseconds since 1970\): used as a number it is NaN, and a comparison on it is false at every login\./);
    const fix = findQuickFix(buildModel(text), finding, analyze(text));
    assert.ok(fix);
    assert.equal(fix.title, 'Read it with Date.parse(…)');
    assert.equal(fix.safe, false);
    const fixed = text.slice(0, fix.edits[0].start) + fix.edits[0].newText + text.slice(fix.edits[0].end);
    assert.match(fixed, /Date\.now\(\) - Date\.parse\(mfa\.timestamp\) > 86400000/);
    assert.deepEqual(found(fixed), []);
  });

  test('a callback parameter over the list, division and Math: each reported', () => {
    const text = action("  const recent = event.authentication.methods.some((method) => method.timestamp > Date.now() - 3600000);\n  api.idToken.setCustomClaim('t', Math.floor(event.authentication.methods[0].timestamp / 1000));");
    assert.deepEqual(found(text).map((f) => text.slice(f.offsets.start, f.offsets.end)), ['method.timestamp', 'event.authentication.methods[0].timestamp']);
  });

  test('read as a string, another object\'s timestamp, and a Rule (milliseconds) are left alone', () => {
    assert.deepEqual(found(action("  const m = event.authentication.methods[0];\n  api.idToken.setCustomClaim('at', m.timestamp);\n  if (new Date(m.timestamp) < new Date('2026-01-01')) api.multifactor.enable('duo');\n  const answer = { timestamp: 5 };\n  if (answer.timestamp > 3) api.multifactor.enable('duo');")), []);
    const rule = "function (user, context, callback) {\n  const pwd = context.authentication.methods.find((m) => m.name === 'pwd');\n  if (Date.now() - pwd.timestamp > 86400000) context.multifactor = { provider: 'any' };\n  callback(null, user, context);\n}\n";
    assert.deepEqual(found(rule), []);
  });
});
