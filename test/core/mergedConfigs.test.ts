// Configurations built in steps or by helpers: a later `{ ...context.multifactor, … }`,
// Object.assign or property writes complete the earlier configuration; a variable's later
// `x = { ...x, … }` and writes complete the object it holds; a helper function of the same file
// is followed one level, each returned literal checked like an inline one. A key that no step
// supplies is still missing; a spread of something unknown reports nothing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findQuickFix } from '../../server/src/analysis/codeActions';
import { analyze } from '../../server/src/analysis/diagnostics';
import { buildModel } from '../../server/src/analysis/model';
import { action, fixMissing, found, missing, rule } from '../helpers/configFindings';

describe('Rules: context.multifactor completed in steps', () => {
  test('{ ...context.multifactor, ikey, skey } in each branch completes the earlier { provider, host }', () => {
    const text = rule([
      "  context.multifactor = { provider: 'duo', host: configuration.DUO_HOST };",
      '  if (context.connection === "corp") {',
      '    context.multifactor = { ...context.multifactor, ikey: configuration.CORP_IKEY, skey: configuration.CORP_SKEY };',
      '  } else {',
      '    context.multifactor = { ...context.multifactor, ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY };',
      '  }',
    ].join('\n'));
    assert.deepEqual(found(text), []);
  });

  test('a key that no step supplies is still missing, on the assignment that completes the configuration', () => {
    const text = rule("  context.multifactor = { provider: 'duo', host: configuration.DUO_HOST };\n  context.multifactor = { ...context.multifactor, ikey: configuration.DUO_IKEY };");
    assert.deepEqual(missing(text), ['skey@4']);
    const branches = rule([
      "  context.multifactor = { provider: 'duo', host: configuration.DUO_HOST };",
      '  if (a) {',
      '    context.multifactor = { ...context.multifactor, ikey: configuration.A_IKEY, skey: configuration.A_SKEY };',
      '  } else {',
      '    context.multifactor = { ...context.multifactor, ikey: configuration.B_IKEY };',
      '  }',
    ].join('\n'));
    // The other branch's skey never reaches this one.
    assert.deepEqual(missing(branches), ['skey@7']);
  });

  test('the quick fix adds the key to the completing literal, and the rule is then clean', () => {
    const text = rule("  context.multifactor = { provider: 'duo', host: configuration.DUO_HOST };\n  context.multifactor = { ...context.multifactor, ikey: configuration.DUO_IKEY };");
    const fixed = fixMissing(text);
    assert.match(fixed, /context\.multifactor = \{ \.\.\.context\.multifactor, ikey: configuration\.DUO_IKEY, skey: configuration\.DUO_SKEY \};/);
    assert.deepEqual(found(fixed), []);
    const bare = rule("  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, host: configuration.DUO_HOST };\n  context.multifactor = { ...context.multifactor };");
    assert.deepEqual(missing(bare), ['skey@4']);
    const fixedBare = fixMissing(bare);
    assert.match(fixedBare, /\{ \.\.\.context\.multifactor, skey: configuration\.DUO_SKEY \}/);
    assert.deepEqual(found(fixedBare), []);
  });

  test('spreading a value the rule never set, or one it cannot see, reports no missing key', () => {
    assert.deepEqual(found(rule('  context.multifactor = { ...context.multifactor, allowRememberBrowser: false };')), []);
    assert.deepEqual(found(rule("  context.multifactor = buildMfa(user);\n  context.multifactor = { ...context.multifactor, provider: 'duo', ikey: configuration.I };")), []);
    assert.deepEqual(found(rule("  context.multifactor = { provider: 'duo', host: configuration.H };\n  context.multifactor = { ...context.multifactor, ...extra, ikey: configuration.I };")), []);
    // A value built from the earlier configuration in a way the analysis does not follow completes it, unknown.
    assert.deepEqual(found(rule("  context.multifactor = { provider: 'duo', host: configuration.H };\n  context.multifactor = Object.assign({}, context.multifactor, keys);")), []);
    assert.deepEqual(found(rule("  context.multifactor = { provider: 'duo', host: configuration.H };\n  context.multifactor = withKeys(context.multifactor);\n  function withKeys(m) { return { ...m, ikey: configuration.I, skey: configuration.S }; }")), []);
  });

  test('Object.assign and property writes on context.multifactor count; without them the key is missing', () => {
    const text = rule("  context.multifactor = { provider: 'duo' };\n  Object.assign(context.multifactor, { ikey: configuration.I, skey: configuration.S });\n  context.multifactor.host = configuration.H;");
    assert.deepEqual(found(text), []);
    assert.deepEqual(missing(rule("  context.multifactor = { provider: 'duo' };\n  Object.assign(context.multifactor, { ikey: configuration.I });\n  context.multifactor.host = configuration.H;")), ['skey@3']);
    // A write completes a merged configuration too.
    assert.deepEqual(found(rule("  context.multifactor = { provider: 'duo', host: configuration.H };\n  context.multifactor = { ...context.multifactor, ikey: configuration.I };\n  context.multifactor.skey = configuration.S;")), []);
  });

  test('a spread of a variable bound to an object literal adds its keys, and its later writes', () => {
    assert.deepEqual(found(rule("  const base = { provider: 'duo', host: configuration.H };\n  context.multifactor = { ...base, ikey: configuration.I, skey: configuration.S };")), []);
    assert.deepEqual(missing(rule("  const base = { provider: 'duo' };\n  context.multifactor = { ...base, ikey: configuration.I, skey: configuration.S };")), ['host@4']);
    assert.deepEqual(found(rule("  const base = { provider: 'duo' };\n  base.host = configuration.H;\n  context.multifactor = { ...base, ikey: configuration.I, skey: configuration.S };")), []);
  });

  test('the values each step writes are still checked, once', () => {
    const text = rule("  context.multifactor = { provider: 'duo', host: 'https://api-1234abcd.duosecurity.com' };\n  context.multifactor = { ...context.multifactor, ikey: configuration.I, skey: 'abcdefghij0123456789ABCDEFGHIJ0123456789' };");
    assert.deepEqual(found(text), ['invalid-host@3', 'hardcoded-secret@4']);
  });

  test('the refresh-token warning is given once, on the assignment the later steps complete', () => {
    const text = `function requireDuo(user, context, callback) {\n  context.multifactor = { provider: 'duo', host: configuration.H };\n  if (a) context.multifactor = { ...context.multifactor, ikey: configuration.I, skey: configuration.S };\n  else context.multifactor = { ...context.multifactor, ikey: configuration.J, skey: configuration.T };\n  callback(null, user, context);\n}\n`;
    assert.deepEqual(found(text), ['missing-refresh-token-guard@2']);
  });
});

describe('Rules: helper functions returning the configuration', () => {
  test('a function declaration and an arrow function are followed', () => {
    const complete = "{ provider: 'duo', ikey: configuration.I, skey: configuration.S, host: configuration.H }";
    assert.deepEqual(found(rule(`  context.multifactor = duoSettings();\n  function duoSettings() {\n    return ${complete};\n  }`)), []);
    assert.deepEqual(found(rule(`  const duoSettings = () => (${complete});\n  context.multifactor = duoSettings();`)), []);
    const lacking = rule("  const duoSettings = () => ({ provider: 'duo', ikey: configuration.I, host: configuration.H });\n  context.multifactor = duoSettings();");
    const findings = analyze(lacking).filter((f) => f.code === 'missing-field');
    assert.deepEqual(findings.map((f) => `${f.data?.field}@${f.range.start.line + 1}`), ['skey@4']);
    assert.match(findings[0].message, /The Duo configuration that duoSettings\(\) returns on line 3 is missing 'skey'/);
  });

  test('each returned literal is checked like an inline one; the quick fix edits that literal', () => {
    const text = rule([
      '  context.multifactor = duoFor(user);',
      '  function duoFor(u) {',
      "    if (u.app_metadata && u.app_metadata.admin) return { provider: 'duo', ikey: configuration.ADMIN_IKEY, skey: configuration.ADMIN_SKEY, host: configuration.H };",
      "    return { provider: 'duo', ikey: '{INTEGRATION_KEY}', host: configuration.H };",
      '  }',
    ].join('\n'));
    assert.deepEqual(found(text), ['missing-field@3', 'placeholder-value@6']);
    assert.match(analyze(text).find((f) => f.code === 'missing-field')!.message, /returns on line 6 is missing 'skey'/);
    const fixed = fixMissing(text);
    assert.match(fixed, /return \{ provider: 'duo', ikey: '\{INTEGRATION_KEY\}', host: configuration\.H, skey: configuration\.DUO_SKEY \};/);
    assert.deepEqual(found(fixed), ['placeholder-value@6']);
  });

  test('a helper that may return something else is checked on its literals only; calls inside it are not followed', () => {
    const text = rule("  context.multifactor = pick();\n  function pick() {\n    if (a) return other();\n    return { provider: 'duo', ikey: configuration.I, skey: configuration.S };\n  }\n  function other() { return { provider: 'duo' }; }");
    assert.deepEqual(missing(text), ['host@3']);
    assert.deepEqual(found(rule('  context.multifactor = build();\n  function build() { return make(); }\n  function make() { return { provider: "duo" }; }')), []);
  });
});

describe('Actions: providerOptions completed in steps or returned by a helper', () => {
  test('property writes and Object.assign on the providerOptions variable count', () => {
    const text = action("  const providerOptions = { host: event.secrets.DUO_HOST };\n  providerOptions.ikey = event.secrets.DUO_IKEY;\n  Object.assign(providerOptions, { skey: event.secrets.DUO_SKEY });\n  api.multifactor.enable('duo', { providerOptions });");
    assert.deepEqual(found(text), []);
    const lacking = action("  const providerOptions = { host: event.secrets.DUO_HOST };\n  providerOptions.ikey = event.secrets.DUO_IKEY;\n  api.multifactor.enable('duo', { providerOptions });");
    assert.deepEqual(missing(lacking), ['skey@5']);
  });

  test('po = { ...po, ikey, skey } completes the variable; an unknown new value hides its fields', () => {
    assert.deepEqual(found(action("  let po = { host: event.secrets.H };\n  po = { ...po, ikey: event.secrets.I, skey: event.secrets.S };\n  api.multifactor.enable('duo', { providerOptions: po });")), []);
    assert.deepEqual(missing(action("  let po = { host: event.secrets.H };\n  po = { ...po, ikey: event.secrets.I };\n  api.multifactor.enable('duo', { providerOptions: po });")), ['skey@5']);
    assert.deepEqual(found(action("  let po = { host: event.secrets.H };\n  po = await loadOptions();\n  api.multifactor.enable('duo', { providerOptions: po });")), []);
  });

  test('providerOptions: duoConfig(level) with a module-level helper: each returned literal checked, the message names its line', () => {
    const helper = [
      'function duoConfig(level, secrets) {',
      "  if (level === 'admin') {",
      '    return { ikey: secrets.ADMIN_IKEY, skey: secrets.ADMIN_SKEY, host: secrets.DUO_HOST };',
      '  }',
      "  return { ikey: 'DIXXXXX', host: secrets.DUO_HOST };",
      '}',
      '',
    ].join('\n');
    const text = action("  api.multifactor.enable('duo', { providerOptions: duoConfig(event.user.app_metadata.level, event.secrets) });", helper);
    const findings = analyze(text);
    assert.deepEqual(findings.map((f) => `${f.code}@${f.range.start.line + 1}`), ['invalid-ikey@5', 'missing-field@9']);
    assert.match(findings[1].message, /^providerOptions that duoConfig\(\) returns on line 5 is missing 'skey'/);
    // The helper sits outside the handler, where event.secrets is not in reach: no automatic edit.
    assert.equal(findQuickFix(buildModel(text), findings[1], findings), undefined);
    // Inside the handler the quick fix adds the key to the returned literal.
    const inner = action("  const duoConfig = (admin) => admin ? { ikey: event.secrets.A_I, skey: event.secrets.A_S, host: event.secrets.H } : { ikey: event.secrets.I, host: event.secrets.H };\n  api.multifactor.enable('duo', { providerOptions: duoConfig(event.user.app_metadata.admin) });");
    assert.deepEqual(missing(inner), ['skey@4']);
    const fixed = fixMissing(inner);
    assert.match(fixed, /: \{ ikey: event\.secrets\.I, host: event\.secrets\.H, skey: event\.secrets\.DUO_SKEY \};/);
    assert.deepEqual(found(fixed), []);
  });

  test('enable(provider, options()) with an arrow helper; used by two calls, a value problem is reported once', () => {
    const helper = "const duoOptions = () => ({ allowRememberBrowser: 'false', providerOptions: { ikey: event.secrets.I, skey: event.secrets.S, host: event.secrets.H } });\n";
    const text = action("  if (a) api.multifactor.enable('duo', duoOptions());\n  else api.multifactor.enable('duo', duoOptions());", helper);
    assert.deepEqual(found(text), ['invalid-type@1']);
  });
});
