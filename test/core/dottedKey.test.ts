// dotted-key: `providerOptions.ikey: …` keys (Auth0's Duo Action template), analysed as nested keys,
// and "Fix all" on the template's pattern.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as acorn from 'acorn';
import { applyEdits, collectFixAllEdits, findQuickFix } from '../../server/src/analysis/codeActions';
import { analyze } from '../../server/src/analysis/diagnostics';
import { buildModel } from '../../server/src/analysis/model';

const template = readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'duo-action-template-pattern.js'), 'utf8');

function found(text: string): string[] {
  return analyze(text).filter((f) => f.code !== 'rules-eol').map((f) => `${f.code}@${f.range.start.line + 1}`);
}
function action(body: string): string {
  return `exports.onExecutePostLogin = async (event, api) => { if (event.transaction.protocol === 'oauth2-refresh-token') return;\n${body}\n};\n`;
}
function fixAll(text: string): string {
  return applyEdits(text, collectFixAllEdits(buildModel(text), analyze(text)));
}

describe('dotted-key', () => {
  test("the template's pattern lints to exactly: one dotted-key per dotted key, rule-global-in-action per configuration, the client-id placeholder", () => {
    assert.deepEqual(found(template), [
      'placeholder-client-id@7',
      'dotted-key@12', 'rule-global-in-action@12',
      'dotted-key@13', 'rule-global-in-action@13',
      'dotted-key@14', 'rule-global-in-action@14',
    ]);
    const dotted = analyze(template).filter((f) => f.code === 'dotted-key');
    assert.equal(template.slice(dotted[0].offsets.start, dotted[0].offsets.end), 'providerOptions.ikey');
    assert.ok(dotted.every((f) => f.severity === 'error'));
    assert.match(dotted[0].message, /syntax error.*providerOptions: \{ ikey: … \}/);
  });

  test('the keys count as nested: no missing-field, and a value under a dotted key is still checked', () => {
    const model = buildModel(template);
    assert.deepEqual(model.configs[0].duoOptions?.properties.map((p) => p.key), ['ikey', 'skey', 'host']);
    const literal = action("  api.multifactor.enable('duo', {\n    providerOptions.ikey: event.secrets.I,\n    providerOptions.skey: 'abcdefghij0123456789ABCDEFGHIJ0123456789',\n    providerOptions.host: 'https://api-1a2b3c4d.duosecurity.com',\n  });");
    assert.deepEqual(found(literal), ['dotted-key@3', 'dotted-key@4', 'hardcoded-secret@4', 'dotted-key@5', 'invalid-host@5']);
    const partial = action("  api.multifactor.enable('duo', { providerOptions.ikey: event.secrets.I });");
    assert.deepEqual(found(partial), ['missing-field@2', 'missing-field@2', 'dotted-key@2']);
  });

  test("after Fix all the template's pattern parses, reads event.secrets and keeps only the placeholder error", () => {
    const fixed = fixAll(template);
    assert.doesNotThrow(() => acorn.parse(fixed, { ecmaVersion: 'latest', sourceType: 'script' }));
    assert.match(fixed, /providerOptions: \{ ikey: event\.secrets\.DUO_IKEY,\n\s+skey: event\.secrets\.DUO_SKEY,\n\s+host: event\.secrets\.DUO_HOST \},/);
    assert.doesNotMatch(fixed, /configuration\./);
    assert.deepEqual(analyze(fixed).map((f) => f.code), ['placeholder-client-id']);
    // With a real client id the Duo MFA runs, and the refresh-token warning (the template has no early return) appears.
    const filled = fixed.replace('{yourClientId}', 's6BhdRkqt3');
    assert.deepEqual(analyze(filled).map((f) => f.code), ['missing-refresh-token-guard']);
  });

  test('one quick fix merges a single dotted key; non-adjacent keys get the finding without a fix', () => {
    const one = action("  api.multifactor.enable('duo', { providerOptions.username: event.user.email });");
    const findings = analyze(one);
    const fix = findQuickFix(buildModel(one), findings.find((f) => f.code === 'dotted-key')!, findings);
    assert.match(applyEdits(one, fix!.edits), /\{ providerOptions: \{ username: event\.user\.email \} \}/);
    const apart = action("  const o = { a.b: 1, c: 2, a.d: 3 };\n  api.multifactor.enable('duo');");
    const apartFindings = analyze(apart).filter((f) => f.code === 'dotted-key');
    assert.equal(apartFindings.length, 2);
    assert.equal(findQuickFix(buildModel(apart), apartFindings[0], apartFindings), undefined);
  });

  test('member expressions that are not keys stay what they are', () => {
    const text = action("  const t = event.user.x ? event.user.y : 1;\n  switch (t) { case event.user.z: break; }\n  const s = '{ a.b: 1 }'; // { c.d: 2 }\n  api.multifactor.enable('duo');");
    assert.deepEqual(found(text), []);
    assert.deepEqual(found(action('  const o = { a . b: 1 };')), ['syntax-error@2']);
  });
});
