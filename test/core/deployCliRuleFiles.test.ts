// rules/*.json as the runner, the converter and the doctor all read them (workspace/repository.ts).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { DeployFileError, readRuleFiles, rulesFolderOf } from '../../server/src/workspace/repository';
import { withWorkspaceSync } from '../helpers/workspace';

test("rules/*.json: deploy-cli's defaults, a byte-order mark, an Action's file flagged, non-objects skipped", () => {
  withWorkspaceSync({
    'rules/b-duo.json': '\uFEFF{ "name": "Duo MFA", "order": 2, "script": "./duo.js", "enabled": false }',
    'rules/a-plain.json': '{}',
    'rules/c-action.json': '{ "code": "./actions/x/code.js" }',
    'rules/d-list.json': '[]',
  }, ({ root }) => {
    const rules = join(root, 'rules');
    assert.equal(rulesFolderOf(root), rules);
    assert.equal(rulesFolderOf(rules), rules);
    assert.deepEqual(readRuleFiles(rules).map((r) => [r.name, r.script, r.scriptPath, r.order, r.enabled, r.isActionFile]), [
      ['a-plain', './a-plain.js', join(rules, 'a-plain.js'), undefined, true, false],
      ['Duo MFA', './duo.js', join(rules, 'duo.js'), 2, false, false],
      ['c-action', './c-action.js', join(rules, 'c-action.js'), undefined, true, true],
    ]);
  }, 'duo-rules-rulefiles-');
});

test('a broken rules/*.json names the file, never quoting its text (it may hold a secret)', () => {
  withWorkspaceSync({ 'duo.json': '{\n  "name": "duo",\n  "secret": abcdefghijklmnopqrstuvwxyz\n}' }, ({ root: rules }) => {
    assert.throws(() => readRuleFiles(rules), (err: Error) =>
      err instanceof DeployFileError && /duo\.json: not valid JSON \(Unexpected token/.test(err.message) && !err.message.includes('abcdefghij'));
  }, 'duo-rules-rulefiles-');
});
