// `duoRules.diagnostics.<code>` as VS Code sends it (nested) and as other LSP clients may (dotted keys).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readSeveritySettings } from '../../shared/settings';

test('nested and dotted severity settings are read alike; values that are no severity are left out', () => {
  assert.deepEqual(
    readSeveritySettings({ enable: true, diagnostics: { 'rules-eol': 'off', 'placeholder-value': 'loud' }, 'diagnostics.deprecated-field': 'error', 'diagnostics.unknown-field': 3 }),
    { 'rules-eol': 'off', 'deprecated-field': 'error' },
  );
  assert.deepEqual(readSeveritySettings({}), {});
});
