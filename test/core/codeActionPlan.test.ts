// Which quick fixes a range gets, planned in the core without the editor.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planNameRuleFunctionFix, planQuickFixes } from '../../server/src/analysis/codeActionPlan';
import { analyzeModel } from '../../server/src/analysis/diagnostics';
import { buildModel } from '../../server/src/analysis/model';

const rule = [
  'function (user, context, callback) {',
  "  context.multifactor = { provider: 'duo', username: user.email };",
  '  callback(null, user, context);',
  '}',
].join('\n');

test('three missing keys of one object: one fix listing the three findings; a range elsewhere gets none', () => {
  const model = buildModel(rule);
  const findings = analyzeModel(model);
  const at = rule.indexOf('context.multifactor');
  const missing = planQuickFixes(model, findings, { start: at, end: at }).filter((p) => p.findings.every((f) => f.code === 'missing-field'));
  assert.equal(missing.length, 1);
  assert.deepEqual(missing[0].findings.map((f) => f.data?.field).sort(), ['host', 'ikey', 'skey']);
  const end = rule.indexOf('callback(null');
  assert.deepEqual(planQuickFixes(model, findings, { start: end, end: end + 3 }).filter((p) => p.findings.some((f) => f.code === 'missing-field')), []);
});

test("the naming fix: offered on the header, and for the editor's error there even when the range is elsewhere", () => {
  const model = buildModel(rule);
  const body = rule.indexOf('callback(null');
  const header = { start: 0, end: 'function ('.length };
  assert.equal(planNameRuleFunctionFix(model, 'duo-mfa.js', { start: 2, end: 2 }, [])?.fixes.length, 0);
  assert.equal(planNameRuleFunctionFix(model, 'duo-mfa.js', { start: body, end: body }, []), undefined);
  assert.deepEqual(planNameRuleFunctionFix(model, 'duo-mfa.js', { start: body, end: body }, [{ start: body, end: body + 1 }, header])?.fixes, [1]);
});
