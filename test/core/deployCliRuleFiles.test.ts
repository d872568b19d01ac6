// rules/*.json as the runner, the converter and the doctor all read them (deployCli/repository.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DeployFileError, readRuleFiles, rulesFolderOf } from '../../server/src/deployCli/repository';

test("rules/*.json: deploy-cli's defaults, a byte-order mark, an Action's file flagged, non-objects skipped", () => {
  const root = mkdtempSync(join(tmpdir(), 'duo-rules-rulefiles-'));
  try {
    const rules = join(root, 'rules');
    mkdirSync(rules);
    writeFileSync(join(rules, 'b-duo.json'), '\uFEFF{ "name": "Duo MFA", "order": 2, "script": "./duo.js", "enabled": false }');
    writeFileSync(join(rules, 'a-plain.json'), '{}');
    writeFileSync(join(rules, 'c-action.json'), '{ "code": "./actions/x/code.js" }');
    writeFileSync(join(rules, 'd-list.json'), '[]');
    assert.equal(rulesFolderOf(root), rules);
    assert.equal(rulesFolderOf(rules), rules);
    assert.deepEqual(readRuleFiles(rules).map((r) => [r.name, r.script, r.scriptPath, r.order, r.enabled, r.isActionFile]), [
      ['a-plain', './a-plain.js', join(rules, 'a-plain.js'), undefined, true, false],
      ['Duo MFA', './duo.js', join(rules, 'duo.js'), 2, false, false],
      ['c-action', './c-action.js', join(rules, 'c-action.js'), undefined, true, true],
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a broken rules/*.json names the file, never quoting its text (it may hold a secret)', () => {
  const rules = mkdtempSync(join(tmpdir(), 'duo-rules-rulefiles-'));
  try {
    writeFileSync(join(rules, 'duo.json'), '{\n  "name": "duo",\n  "secret": abcdefghijklmnopqrstuvwxyz\n}');
    assert.throws(() => readRuleFiles(rules), (err: Error) =>
      err instanceof DeployFileError && /duo\.json: not valid JSON \(Unexpected token/.test(err.message) && !err.message.includes('abcdefghij'));
  } finally {
    rmSync(rules, { recursive: true, force: true });
  }
});
