// The nesting check that runs before every parse must stop exactly where the completion scanner
// stops with the same depth limit: it decides which files get a too-deeply-nested note (and where)
// instead of being parsed, so a disagreement would change what a user sees on the same text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../server/src/analysis/diagnostics';
import { firstTooDeepBracket, scanTo } from '../../server/src/analysis/completionScan';

/** A small deterministic random generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

// Every kind of token that opens, closes or hides brackets, and the words and blanks that decide
// whether a `/` starts a regular expression (Unicode blanks included: inside a word they count as
// word characters, before one as blanks).
const pieces = [
  '(', ')', '{', '}', '[', ']', "'", '"', '`', '${', '$', '\\', '/', '*', '//', '/*', '*/', '\n', '\r', ' ', '\t',
  'x', 'a1', '_', '.', ',', '=', '!', '1', 'g', 'é', '\u00a0', '\ufeff', '\u2028',
  'return', 'typeof', 'instanceof', 'in', 'of', 'do', 'new', 'void', 'case', 'else', 'throw', 'yield', 'await', 'delete',
  'returns', 'Return', 'x\u00a0in', 'return\u00a0', '\u00a0return',
];

function scannerStop(text: string, limit: number): number | undefined {
  return scanTo(text, text.length, 0, limit).tooDeepAt;
}

test('the nesting check stops where the completion scanner stops, on random token soups', () => {
  const next = random(7);
  for (let round = 0; round < 20000; round++) {
    let text = '';
    const length = 1 + Math.floor(next() * 60);
    for (let i = 0; i < length; i++) text += pieces[Math.floor(next() * pieces.length)];
    for (const limit of [0, 1, 2, 4]) {
      assert.equal(firstTooDeepBracket(text, limit), scannerStop(text, limit), `limit ${limit}, text ${JSON.stringify(text)}`);
    }
  }
});

test('the nesting check stops where the completion scanner stops, on the cases that decide regular expressions', () => {
  const cases = [
    'x = a / (b) / [c]',
    'if (x) return /((/.test(y)',
    'y = x /((/ 2',
    'typeof /(/',
    'x.return /((/',
    'return\u00a0/((/',
    'a\u00a0return /((/',
    'return // (\n /((/',
    'return /* ( */ /((/',
    'x /* ( */ /((/',
    "'(' + \"[\" + `${(`",
    '`${ `${ ( }` }` ((',
    "s = 'unterminated ( \n ((",
    're = /[/(]/g ((',
    're = /a\\/(/ ((',
    '} ) ] (((',
  ];
  for (const text of cases) {
    for (const limit of [0, 1, 2, 3]) assert.equal(firstTooDeepBracket(text, limit), scannerStop(text, limit), `limit ${limit}, text ${JSON.stringify(text)}`);
  }
});

test('a rule nesting code brackets past the limit gets the note at the first bracket too deep; the same brackets in strings, comments and regular expressions do not count', () => {
  const deep = 200;
  const rule = (expr: string) => `function (user, context, callback) {\n  const x = ${expr};\n  callback(null, user, context);\n}\n`;
  const nested = rule(`${'['.repeat(deep)}1${']'.repeat(deep)}`);
  const findings = analyze(nested);
  assert.deepEqual(findings.map((f) => f.code), ['too-deeply-nested']);
  // The function body's `{` is the first open bracket: the 160th `[` opens the 161st level.
  assert.equal(findings[0].offsets.start, nested.indexOf('[') + 159);
  const hidden = rule(`['${'['.repeat(deep)}', /${'\\('.repeat(deep)}/, \`${'{'.repeat(deep)}\`] /* ${'('.repeat(deep)} */`);
  assert.deepEqual(analyze(hidden).map((f) => f.code), ['rules-eol']);
});
