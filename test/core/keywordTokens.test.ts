// One definition of a deploy-cli keyword token serves the analysis, the converter and the runner:
// a token that lints clean must also convert and run. `@@DUO.IKEY@@` (a key with a dot, which
// deploy-cli accepts) once linted clean but made `duo-rules convert` fail to parse the rule.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findKeywordTokens, neutraliseKeywordTokens, replaceKeywordTokens } from '../../shared/keywordTokens';
import { convertRule } from '../../server/src/analysis/ruleConverter';
import { analyze } from '../../server/src/analysis/diagnostics';
import { buildModel } from '../../server/src/analysis/model';
import { replaceKeywords } from '../../server/src/runner/inputs';
import { replaceDeployKeywords } from '../../server/src/workspace/deployValues';

const rule = [
  'function duoMfa(user, context, callback) {',
  "  context.multifactor = { provider: 'duo', ikey: @@DUO.IKEY@@, skey: configuration.DUO_SKEY, host: '##DUO-HOST##' };",
  '  callback(null, user, context);',
  '}',
  '',
].join('\n');

describe('keyword tokens with dots, dashes and dollars', () => {
  test('the analysis parses the rule without a syntax error and sees both tokens', () => {
    const model = buildModel(rule);
    assert.equal(model.kind, 'rule');
    assert.equal(model.syntaxError, undefined);
    assert.deepEqual(analyze(rule).filter((f) => f.code === 'syntax-error'), []);
    assert.deepEqual(model.parse.keywordTokens.map((t) => [t.name, t.style]), [['DUO.IKEY', '@@'], ['DUO-HOST', '##']]);
  });

  test('the converter turns the rule into an Action that reads the tokens\' keys as secrets', () => {
    const result = convertRule(rule);
    assert.ok(result.ok, result.ok ? '' : result.message);
    assert.match(result.code, /ikey: event\.secrets\["DUO\.IKEY"\],/);
    assert.match(result.code, /host: event\.secrets\["DUO-HOST"\],/);
    assert.deepEqual([...result.secrets].sort(), ['DUO-HOST', 'DUO.IKEY', 'DUO_SKEY']);
  });

  test('the runner replaces the tokens with the mapped values', () => {
    const out = replaceKeywords(rule, { 'DUO.IKEY': 'DIXXXXXXXXXXXXXXXXXX', 'DUO-HOST': 'api-1.duosecurity.com' }, 'rule.js');
    assert.match(out, /ikey: "DIXXXXXXXXXXXXXXXXXX", /);
    assert.match(out, /host: 'api-1\.duosecurity\.com'/);
  });
});

describe('the shared token functions', () => {
  test('neutralising keeps every offset and reports each token once', () => {
    const text = 'a = @@A$1@@ + "##B##" // ## not a token, @@ neither';
    const { text: neutral, tokens } = neutraliseKeywordTokens(text);
    assert.equal(neutral.length, text.length);
    assert.equal(neutral, 'a = _______ + "_____" // ## not a token, @@ neither');
    assert.deepEqual(tokens, findKeywordTokens(text));
    assert.deepEqual(tokens.map((t) => text.slice(t.range.start, t.range.end)), ['@@A$1@@', '##B##']);
  });

  test('with includeQuotes a quoted @@KEY@@ is matched with its quotes, a ##KEY## never', () => {
    const seen: string[] = [];
    replaceKeywordTokens('{"a":"@@A@@","b":@@B@@,"c":"##C##"}', (t) => { seen.push(`${t.text}:${t.quoted}`); return t.text; }, { includeQuotes: true });
    assert.deepEqual(seen, ['"@@A@@":true', '@@B@@:false', '##C##:false']);
  });

  test('with includeQuotes a single-quoted @@KEY@@ is matched with its quotes too, as deploy-cli matches it', () => {
    const seen: string[] = [];
    replaceKeywordTokens("host: '@@H@@', ikey: \"@@I@@\"", (t) => { seen.push(`${t.name}:${t.text}:${t.quoted}`); return t.text; }, { includeQuotes: true });
    assert.deepEqual(seen, ["H:'@@H@@':true", 'I:"@@I@@":true']);
  });
});

describe('a mapping that is not a string, as deploy-cli writes it', () => {
  const mappings = { CLIENTS: ['abc123', 'def456'], LIMIT: 5, FLAGS: { mfa: true }, PRICE: 'a$&b' };

  test('`##KEY##` takes the value as String() writes it (a list becomes a,b); `@@KEY@@` its JSON', () => {
    const source = "var clients = '##CLIENTS##'.split(','); var list = @@CLIENTS@@; var n = ##LIMIT##; var f = '##FLAGS##'; var p = '##PRICE##';";
    assert.equal(
      replaceKeywords(source, mappings, 'rule.js'),
      `var clients = 'abc123,def456'.split(','); var list = ["abc123","def456"]; var n = 5; var f = '[object Object]'; var p = 'a$&b';`,
    );
  });

  test('the doctor and the run read deploy files with the same replacement', () => {
    const deployed = replaceDeployKeywords('{ "value": "##CLIENTS##", "list": @@CLIENTS@@ }', mappings);
    assert.deepEqual(JSON.parse(deployed), { value: 'abc123,def456', list: ['abc123', 'def456'] });
  });
});
