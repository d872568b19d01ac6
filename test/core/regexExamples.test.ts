// The strings the differential check tries for a regular-expression gate: each must match the expression
// (else the gate goes untried while the check reports agreement), one per alternative, and none is built for
// what the reader does not understand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { regexExamples } from '../../server/src/analysis/regexExamples';

test('plain text, classes, escapes, repeats and groups give a matching string; anchored ones start the value', () => {
  assert.deepEqual(regexExamples('@corp\\.example$', 'i'), [{ text: '@corp.example', start: false }]);
  assert.deepEqual(regexExamples('^admin-\\d{3}$', ''), [{ text: 'admin-000', start: true }]);
  assert.deepEqual(regexExamples('^[^@\\s]+@[A-Z0-9-]+\\.example$', 'i'), [{ text: 'a@A.example', start: true }]);
  assert.deepEqual(regexExamples('^(?:ops|sec)(?<team>-[a-z]{2,})?@', ''), [{ text: 'ops@', start: true }, { text: 'sec@', start: true }]);
  assert.deepEqual(regexExamples('foo|^bar$', ''), [{ text: 'foo', start: false }, { text: 'bar', start: true }]);
  assert.deepEqual(regexExamples('\\x41\\u00e9\\u{1F600}\\.', 'u'), [{ text: 'Aé😀.', start: false }]);
  // Sticky: the match must start where the search starts.
  assert.deepEqual(regexExamples('admin', 'y'), [{ text: 'admin', start: true }]);
});

test('a negated class takes a character it does not exclude', () => {
  const [example] = regexExamples('^[^a0_\\-.@ ]x$', '') ?? [];
  assert.ok(example && /^[^a0_\-.@ ]x$/.test(example.text), JSON.stringify(example));
});

test('every example matches its expression, written after another value too when it is not anchored', () => {
  const patterns: Array<[string, string]> = [['^(a|b)+c{2,4}d?$', ''], ['[\\w.]+@(x|y)\\.(com|net)', 'i'], ['\\$\\d+(\\.\\d\\d)?$', ''], ['^\\S+\\s\\S+$', 's'], ['{', '']];
  for (const [pattern, flags] of patterns) {
    const examples = regexExamples(pattern, flags);
    assert.ok(examples?.length, pattern);
    const expression = new RegExp(pattern, flags);
    for (const e of examples) {
      assert.ok(expression.test(e.text), `${pattern} ${e.text}`);
      if (!e.start) assert.ok(expression.test(`jane.doe${e.text}`), `${pattern} jane.doe${e.text}`);
    }
  }
});

test('look-arounds, back-references, word boundaries, property escapes, huge repeats and invalid patterns give none', () => {
  for (const [pattern, flags] of [['^(?!guest)\\w+', ''], ['(?<=@)corp', ''], ['(a)\\1', ''], ['\\badmin\\b', ''], ['^\\p{Lu}', 'u'], ['a{500}', ''], ['(', ''], ['a^b', ''], ['(a$)', ''], ['x*', '']] as const) {
    assert.equal(regexExamples(pattern, flags), undefined, pattern);
  }
});
