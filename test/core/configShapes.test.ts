// Common shapes of a real Duo configuration: a `?:` choosing the configuration or one field, keys
// filled in a loop or by a function, helpers that read variables of the scope they are defined
// in, and an Action's options or providerOptions held in a variable and completed by writes.
// Each branch is checked like an inline literal; a write the analysis cannot read (a computed key,
// the object handed to a function) never leaves a false missing-field.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyze } from '../../server/src/analysis/diagnostics';
import { action, fixMissing, found, missing, rule } from '../helpers/configFindings';

const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'config-shapes');
const fixture = (path: string): string => readFileSync(join(fixtures, path), 'utf8');

const complete = (prefix = 'DUO') => `{ provider: 'duo', ikey: configuration.${prefix}_IKEY, skey: configuration.${prefix}_SKEY, host: configuration.DUO_HOST }`;
const completePo = (prefix = 'DUO') => `{ ikey: event.secrets.${prefix}_IKEY, skey: event.secrets.${prefix}_SKEY, host: event.secrets.DUO_HOST }`;

describe('a ?: choosing the configuration', () => {
  test('Rule: each branch is checked like an inline configuration; complete branches are clean', () => {
    assert.deepEqual(found(fixture('rules/ternary-by-role.js')), []);
    const lacking = fixture('rules/ternary-by-role-lacking.js');
    assert.deepEqual(found(lacking), ['placeholder-value@6', 'missing-field@7']);
    const message = analyze(lacking).find((f) => f.code === 'missing-field')!.message;
    assert.match(message, /^The Duo configuration in branch 2 of the \?: \(line 6\) is missing 'skey'/);
    // Nested ?: and a branch that requires no MFA.
    assert.deepEqual(found(rule(`  context.multifactor = a ? ${complete('A')} : b ? ${complete('B')} : null;`)), []);
    assert.deepEqual(missing(rule(`  context.multifactor = a ? ${complete('A')} : b ? { provider: 'duo', skey: configuration.S, host: configuration.H } : null;`)), ['ikey@3']);
  });

  test('Rule: a branch that is not an object is invalid-type; false (no MFA on purpose) is not', () => {
    assert.deepEqual(found(rule(`  context.multifactor = a ? ${complete()} : false;`)), []);
    assert.deepEqual(found(rule(`  context.multifactor = a ? ${complete()} : true;`)), ['invalid-type@3']);
  });

  test('Rule: writes to a variable holding a ?: reach both branches', () => {
    const text = rule("  const mfa = a ? { provider: 'duo', ikey: configuration.A } : { provider: 'duo', ikey: configuration.B };\n  mfa.skey = configuration.S;\n  mfa.host = configuration.H;\n  context.multifactor = mfa;");
    assert.deepEqual(found(text), []);
  });

  test('Rule: the quick fix adds the key to the branch that lacks it', () => {
    const text = rule(`  context.multifactor = a ? ${complete('A')} : { provider: 'duo', ikey: configuration.B, host: configuration.H };`);
    const fixed = fixMissing(text);
    assert.match(fixed, /: \{ provider: 'duo', ikey: configuration\.B, host: configuration\.H, skey: configuration\.DUO_SKEY \};/);
    assert.deepEqual(found(fixed), []);
  });

  test('Action: a ?: as the options or as providerOptions, each branch checked', () => {
    assert.deepEqual(found(fixture('actions/ternary-options.js')), ['missing-field@4']);
    assert.match(analyze(fixture('actions/ternary-options.js'))[0].message, /^providerOptions in branch 2 of the \?: \(line 6\) is missing 'skey'/);
    assert.deepEqual(found(action(`  api.multifactor.enable('duo', a ? { providerOptions: ${completePo('A')} } : { providerOptions: ${completePo()} });`)), []);
    assert.deepEqual(found(action(`  api.multifactor.enable('duo', { providerOptions: a ? ${completePo('A')} : ${completePo()} });`)), []);
    assert.deepEqual(missing(action(`  api.multifactor.enable('duo', { providerOptions: a ? ${completePo('A')} : { ikey: event.secrets.I, skey: event.secrets.S } });`)), ['host@3']);
    // A branch without providerOptions uses the tenant's Duo settings: nothing is missing there.
    assert.deepEqual(found(action(`  api.multifactor.enable('duo', a ? { providerOptions: ${completePo('A')} } : { allowRememberBrowser: false });`)), []);
    assert.deepEqual(found(action(`  const options = a ? { providerOptions: ${completePo('A')} } : undefined;\n  api.multifactor.enable('duo', options);`)), []);
  });

  test('Action: the quick fix edits the providerOptions of the branch that lacks the key', () => {
    const text = action(`  api.multifactor.enable('duo', { providerOptions: a ? ${completePo('A')} : { ikey: event.secrets.I, skey: event.secrets.S } });`);
    const fixed = fixMissing(text);
    assert.match(fixed, /: \{ ikey: event\.secrets\.I, skey: event\.secrets\.S, host: event\.secrets\.DUO_HOST \} \}\);/);
    assert.deepEqual(found(fixed), []);
  });
});

describe('a ?: choosing one field', () => {
  test('Rule: each literal branch of host, skey and allowRememberBrowser is checked', () => {
    assert.deepEqual(found(fixture('rules/ternary-host.js')), ['invalid-host@8', 'invalid-type@9']);
    const secret = rule("  context.multifactor = { provider: 'duo', ikey: configuration.I, host: configuration.H, skey: prod ? configuration.S : 'abcdefghij0123456789ABCDEFGHIJ0123456789' };");
    assert.deepEqual(found(secret), ['hardcoded-secret@3']);
    assert.deepEqual(found(rule("  context.multifactor = { provider: 'duo', ikey: a ? '{INTEGRATION_KEY}' : configuration.I, skey: configuration.S, host: configuration.H };")), ['placeholder-value@3']);
    // Valid literals in both branches: nothing.
    assert.deepEqual(found(rule("  context.multifactor = { provider: 'duo', ikey: configuration.I, skey: configuration.S, host: a ? 'api-1234abcd.duosecurity.com' : 'api-5678efab.duosecurity.com' };")), []);
  });

  test('Rule: admin credentials chosen by ?: are checked per branch', () => {
    const text = rule(`  context.multifactor = { provider: 'duo', ikey: configuration.I, skey: configuration.S, host: configuration.H, admin: a ? { ikey: configuration.AI, skey: configuration.AS } : { ikey: '{INTEGRATION_KEY}', skey: configuration.AS, hots: 'x' } };`);
    const findings = analyze(text).filter((f) => f.code !== 'rules-eol');
    assert.deepEqual(findings.map((f) => f.code), ['placeholder-value', 'unknown-field']);
    assert.match(findings[0].message, /^'admin\.ikey' is still the documentation sample/);
    assert.match(findings[1].message, /^'hots' is not a valid field of the admin credentials/);
  });

  test('the provider: each literal branch must be a provider Auth0 knows', () => {
    const text = rule("  context.multifactor = { provider: a ? 'duo' : 'gaurdian', ikey: configuration.I, skey: configuration.S, host: configuration.H };");
    const findings = analyze(text).filter((f) => f.code !== 'rules-eol');
    assert.deepEqual(findings.map((f) => f.code), ['unknown-provider']);
    assert.equal(findings[0].data?.suggestion, 'guardian');
    assert.deepEqual(found(action("  api.multifactor.enable(a ? 'duo' : 'none');")), []);
  });

  test('Action: a providerOptions host chosen by ?: is checked per branch', () => {
    assert.deepEqual(found(fixture('actions/ternary-provider-options.js')), ['invalid-host@7']);
  });
});

describe('keys written in a loop or by a function', () => {
  test('a computed write (cfg[k] = …) may supply any key: no missing-field, in Rules and Actions', () => {
    assert.deepEqual(found(fixture('rules/loop-filled.js')), []);
    assert.deepEqual(found(fixture('actions/loop-filled.js')), []);
    assert.deepEqual(found(rule("  context.multifactor = { provider: 'duo' };\n  for (const k in keys) context.multifactor[k] = keys[k];")), []);
    assert.deepEqual(found(action("  const options = { allowRememberBrowser: false, providerOptions: { ikey: event.secrets.I } };\n  for (const [k, v] of extra) options[k] = v;\n  api.multifactor.enable('duo', options);")), []);
  });

  test('a loop writing into another object leaves the configuration checked', () => {
    assert.deepEqual(missing(fixture('rules/loop-elsewhere.js')), ['skey@7', 'host@7']);
  });

  test('the object handed to a function may be filled there; reading it (Object.keys, console.log) changes nothing', () => {
    assert.deepEqual(found(rule("  const mfa = { provider: 'duo' };\n  addDuoKeys(mfa);\n  context.multifactor = mfa;")), []);
    assert.deepEqual(found(action("  const po = { host: event.secrets.H };\n  fill(po, event.secrets);\n  api.multifactor.enable('duo', { providerOptions: po });")), []);
    assert.deepEqual(missing(rule("  const mfa = { provider: 'duo', host: configuration.H };\n  console.log(Object.keys(mfa), JSON.stringify(mfa));\n  context.multifactor = mfa;")), ['ikey@5', 'skey@5']);
  });

  test('writes to context.multifactor in a nested function may run after any configuration', () => {
    const text = rule("  function addHost() {\n    context.multifactor.host = configuration.H;\n  }\n  context.multifactor = { provider: 'duo', ikey: configuration.I, skey: configuration.S };\n  addHost();");
    assert.deepEqual(found(text), []);
    assert.deepEqual(found(rule("  context.multifactor = { provider: 'duo' };\n  ['ikey', 'skey', 'host'].forEach((k) => { context.multifactor[k] = configuration['DUO_' + k]; });")), []);
    // Outside a nested function, a write before the configuration does not reach it.
    assert.deepEqual(missing(rule("  if (a) context.multifactor.host = configuration.H;\n  context.multifactor = { provider: 'duo', ikey: configuration.I, skey: configuration.S };")), ['host@4']);
  });
});

describe('helpers reading variables of the scope they are defined in', () => {
  test('Rule: a spread of an outer variable adds its keys to each returned literal', () => {
    const text = fixture('rules/helper-outer-scope.js');
    assert.deepEqual(found(text), ['missing-field@9']);
    assert.match(analyze(text).find((f) => f.code === 'missing-field')!.message, /that duoFor\(\) returns on line 7 is missing 'skey'/);
    const fixed = fixMissing(text);
    assert.match(fixed, /return \{ \.\.\.shared, ikey: configuration\.DUO_IKEY, skey: configuration\.DUO_SKEY \};/);
    assert.deepEqual(found(fixed), []);
  });

  test('Rule: writes to the outer variable count; a helper parameter of the same name hides it', () => {
    assert.deepEqual(found(rule("  const base = { provider: 'duo' };\n  base.host = configuration.H;\n  const duo = () => ({ ...base, ikey: configuration.I, skey: configuration.S });\n  context.multifactor = duo();")), []);
    // Here `base` is the helper's own parameter: its fields are unknown.
    assert.deepEqual(found(rule("  const base = { provider: 'duo' };\n  const duo = (base) => ({ ...base, ikey: configuration.I, skey: configuration.S });\n  context.multifactor = duo(other);")), []);
  });

  test('Rule: a helper returning its own variable, completed by writes in the helper', () => {
    assert.deepEqual(found(rule("  function duo() {\n    const c = { provider: 'duo', ikey: configuration.I };\n    c.skey = configuration.S;\n    c.host = configuration.H;\n    return c;\n  }\n  context.multifactor = duo();")), []);
    assert.deepEqual(missing(rule("  function duo() {\n    const c = { provider: 'duo', ikey: configuration.I };\n    c.skey = configuration.S;\n    return c;\n  }\n  context.multifactor = duo();")), ['host@8']);
  });

  test('Action: a helper in the handler using an outer object variable', () => {
    assert.deepEqual(found(fixture('actions/helper-outer-scope.js')), ['missing-field@8']);
    assert.deepEqual(found(action("  const po = { ikey: event.secrets.I, host: event.secrets.H };\n  const options = () => ({ providerOptions: po });\n  po.skey = event.secrets.S;\n  api.multifactor.enable('duo', options());")), []);
    assert.deepEqual(missing(action("  const po = { ikey: event.secrets.I, host: event.secrets.H };\n  const options = () => ({ providerOptions: po });\n  api.multifactor.enable('duo', options());")), ['skey@5']);
  });

  test('Action: a module-level helper returning a variable it fills is not followed (its writes are not scanned)', () => {
    const text = `function duo(s) {\n  const po = { ikey: s.I };\n  po.skey = s.S;\n  po.host = s.H;\n  return po;\n}\n${action("  api.multifactor.enable('duo', { providerOptions: duo(event.secrets) });")}`;
    assert.deepEqual(found(text), []);
  });
});

describe('Action: options or providerOptions held in a variable', () => {
  test('options in a variable: providerOptions completed by writes through it', () => {
    assert.deepEqual(found(fixture('actions/options-variable.js')), []);
    assert.deepEqual(found(fixture('actions/options-variable-lacking.js')), ['placeholder-value@3', 'missing-field@5']);
    assert.deepEqual(found(action(`  const options = { allowRememberBrowser: false };\n  options.providerOptions = { ikey: event.secrets.I };\n  options.providerOptions.skey = event.secrets.S;\n  options.providerOptions.host = event.secrets.H;\n  api.multifactor.enable('duo', options);`)), []);
    assert.deepEqual(found(action(`  const options = { providerOptions: ${completePo()} };\n  api.multifactor.enable('duo', options);`)), []);
  });

  test('providerOptions in a variable: writes count, each call checked', () => {
    assert.deepEqual(found(fixture('actions/provider-options-variable.js')), ['missing-field@7']);
    const text = fixture('actions/options-variable-lacking.js');
    const fixed = fixMissing(text);
    assert.match(fixed, /providerOptions: \{ ikey: event\.secrets\.DUO_IKEY, host: 'api-XXXXXXXX\.duosecurity\.com', skey: event\.secrets\.DUO_SKEY \}/);
    assert.deepEqual(found(fixed), ['placeholder-value@3']);
  });

  test('writes through the options reach the providerOptions a helper returns', () => {
    const helper = '  const duoKeys = (s) => ({ ikey: s.DUO_IKEY, skey: s.DUO_SKEY });\n';
    assert.deepEqual(found(action(`${helper}  const options = { providerOptions: duoKeys(event.secrets) };\n  options.providerOptions.host = event.secrets.DUO_HOST;\n  api.multifactor.enable('duo', options);`)), []);
    assert.deepEqual(found(action(`${helper}  const options = {};\n  options.providerOptions = duoKeys(event.secrets);\n  options.providerOptions.host = event.secrets.DUO_HOST;\n  api.multifactor.enable('duo', options);`)), []);
    assert.deepEqual(missing(action(`${helper}  const options = { providerOptions: duoKeys(event.secrets) };\n  api.multifactor.enable('duo', options);`)), ['host@5']);
  });

  test('a computed write on the options hides providerOptions too', () => {
    assert.deepEqual(found(action(`  const options = { providerOptions: { ikey: event.secrets.I } };\n  options[key] = value;\n  api.multifactor.enable('duo', options);`)), []);
    assert.deepEqual(found(action(`  const options = { providerOptions: { ikey: event.secrets.I } };\n  options.providerOptions[key] = value;\n  api.multifactor.enable('duo', options);`)), []);
  });
});
