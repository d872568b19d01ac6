// Conversions of the shapes found in public production Duo rules (our own fixtures, one per
// shape, in test/fixtures/convert/audit/), each checked on its login matrix: the converted Action
// never lets a login through without Duo that the Rule sent to Duo or refused, and a conversion
// with nothing left to do (exit 0) decides every login as the Rule did.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { convertRule } from '../../server/src/analysis/ruleConverter';
import { checkEquivalence } from '../../server/src/runner/equivalence';
import { disposeRunnerPool } from '../../server/src/runner/index';

const root = join(__dirname, '..', '..', '..');
const dir = join(root, 'test', 'fixtures', 'convert', 'audit');

after(() => disposeRunnerPool());

describe('conversions of shapes found in public Duo rules', () => {
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.js')).sort()) {
    test(name, async () => {
      const file = join(dir, name);
      const source = readFileSync(file, 'utf8');
      const converted = convertRule(source);
      assert.ok(converted.ok, converted.ok ? '' : converted.message);
      const report = await checkEquivalence({
        rules: [{ file, source }],
        actions: [{ file: file.replace(/\.js$/, '.action.js'), source: converted.code }],
        actionSecrets: converted.movedValues,
        workspaceRoot: root,
        maxLogins: 64,
      });
      for (const d of report.divergences) {
        const ruleProtected = d.rule.outcome !== 'allowed' || d.rule.mfa !== null;
        const actionOpen = d.action.outcome === 'allowed' && d.action.mfa === null;
        assert.ok(!(ruleProtected && actionOpen), `the Action lets "${d.login}" in without Duo: ${JSON.stringify(d)}`);
      }
      if (!converted.notes.some((n) => n.blocking)) assert.deepEqual(report.divergences, [], 'exit 0 but the Action decides differently');
    });
  }
});
