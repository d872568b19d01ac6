// Short Duo Rules and Actions around a configuration under test, and the findings on them in a form
// an assertion can compare: the core tests of configurations built in steps or in common shapes share them.
import assert from 'node:assert/strict';
import { applyEdits, findQuickFix } from '../../server/src/analysis/codeActions';
import { analyze } from '../../server/src/analysis/diagnostics';
import { buildModel } from '../../server/src/analysis/model';

/** Rules get the refresh-token guard, so only the configuration's own findings remain. */
const ruleGuard = "  if (context.protocol === 'oauth2-refresh-token') return callback(null, user, context);";

export function rule(body: string): string {
  return `function requireDuo(user, context, callback) {\n${ruleGuard}\n${body}\n  callback(null, user, context);\n}\n`;
}

/** `before`: module-level code above the handler. */
export function action(body: string, before = ''): string {
  return `${before}exports.onExecutePostLogin = async (event, api) => {\n  if (event.transaction.protocol === 'oauth2-refresh-token') return;\n${body}\n};\n`;
}

/** code@line (1-based), without the end-of-life note every Rule gets. */
export function found(text: string): string[] {
  return analyze(text).filter((f) => f.code !== 'rules-eol').map((f) => `${f.code}@${f.range.start.line + 1}`);
}

/** field@line (1-based) of each missing-field finding. */
export function missing(text: string): string[] {
  return analyze(text).filter((f) => f.code === 'missing-field').map((f) => `${f.data?.field}@${f.range.start.line + 1}`);
}

/** The text after the quick fix of its first missing-field finding. */
export function fixMissing(text: string): string {
  const findings = analyze(text);
  const finding = findings.find((f) => f.code === 'missing-field');
  assert.ok(finding, 'a missing-field finding');
  const fix = findQuickFix(buildModel(text), finding, findings);
  assert.ok(fix, 'a quick fix');
  return applyEdits(text, fix.edits);
}
