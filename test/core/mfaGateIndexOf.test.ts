// mfa-gate-indexof: a bare indexOf as the condition that decides who gets MFA, and its quick fix.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyEdits, collectFixAllEdits, findQuickFix } from '../../server/src/analysis/codeActions';
import { analyze, type Finding } from '../../server/src/analysis/diagnostics';
import { buildModel } from '../../server/src/analysis/model';

const guardR = "  if (context.protocol === 'oauth2-refresh-token') return callback(null, user, context);";
const guardA = "  if (event.transaction.protocol === 'oauth2-refresh-token') return;";
const ruleMfa = "context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };";

function rule(body: string): string {
  return `function (user, context, callback) {\n${guardR}\n${body}\n  callback(null, user, context);\n}\n`;
}
function action(body: string): string {
  return `exports.onExecutePostLogin = async (event, api) => {\n${guardA}\n${body}\n};\n`;
}
function gates(text: string): Finding[] {
  return analyze(text).filter((f) => f.code === 'mfa-gate-indexof');
}
function fixed(text: string): string {
  const findings = analyze(text);
  const finding = findings.find((f) => f.code === 'mfa-gate-indexof')!;
  return applyEdits(text, findQuickFix(buildModel(text), finding, findings)!.edits);
}

describe('mfa-gate-indexof', () => {
  test('if (user.groups.indexOf(…)) around the MFA in a Rule: a warning on the indexOf call', () => {
    const text = rule(`  if (user.app_metadata.groups.indexOf('mfa')) {\n    ${ruleMfa}\n  }`);
    const [finding, ...rest] = gates(text);
    assert.equal(rest.length, 0);
    assert.equal(finding.severity, 'warning');
    assert.equal(text.slice(finding.offsets.start, finding.offsets.end), "user.app_metadata.groups.indexOf('mfa')");
    assert.match(finding.message, /0 for the first match \(falsy\) and -1 for none \(truthy\)/);
  });

  test('an Action: ?:, &&, an early return with !indexOf', () => {
    assert.equal(gates(action(`  event.user.app_metadata.roles.indexOf('admin') ? api.multifactor.enable('duo') : null;`)).length, 1);
    assert.equal(gates(action(`  event.authorization.roles.indexOf('admin') && api.multifactor.enable('duo');`)).length, 1);
    const early = action(`  if (!event.authorization.roles.indexOf('staff')) return;\n  api.multifactor.enable('duo');`);
    assert.equal(gates(early).length, 1);
  });

  test('comparisons, includes, and conditions that do not decide MFA are fine', () => {
    assert.deepEqual(gates(rule(`  if (user.groups.indexOf('mfa') !== -1) {\n    ${ruleMfa}\n  }`)), []);
    assert.deepEqual(gates(rule(`  if (user.groups.indexOf('mfa') >= 0) ${ruleMfa}`)), []);
    assert.deepEqual(gates(action(`  if (event.authorization.roles.includes('admin')) api.multifactor.enable('duo');`)), []);
    assert.deepEqual(gates(action(`  if (event.user.email.indexOf('@')) console.log('x');\n  api.multifactor.enable('duo');`)), []);
    assert.deepEqual(gates(action(`  if (event.user.email.indexOf('@')) api.multifactor.enable('none');`)), []);
  });

  test('quick fix: !== -1, or === -1 for the negated form; re-analysed without the warning; not in fix-all', () => {
    const text = rule(`  if (user.groups.indexOf('mfa')) {\n    ${ruleMfa}\n  }`);
    const once = fixed(text);
    assert.match(once, /if \(user\.groups\.indexOf\('mfa'\) !== -1\) \{/);
    assert.deepEqual(gates(once), []);
    const negated = action(`  if (!event.authorization.roles.indexOf('staff')) return;\n  api.multifactor.enable('duo');`);
    const negatedFixed = fixed(negated);
    assert.match(negatedFixed, /if \(event\.authorization\.roles\.indexOf\('staff'\) === -1\) return;/);
    assert.deepEqual(analyze(negatedFixed), []);
    assert.deepEqual(collectFixAllEdits(buildModel(text), analyze(text)), []);
  });
});
