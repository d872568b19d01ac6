// Quick fixes: each fix is applied to the text, the text is analysed again, and
// the diagnostic must be gone with no error added. Also source.fixAll.duoRules.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits, clientCheckRemovedComment, collectFixAllEdits, findNameRuleFunctionFix, findQuickFix, findQuickFixes, ruleNameFromFileName, stripHost } from '../../server/src/analysis/codeActions';
import { convertRule as convertRuleToAction } from '../../server/src/analysis/ruleConverter';
import { analyze, type Finding } from '../../server/src/analysis/diagnostics';
import { buildModel } from '../../server/src/analysis/model';
import { withWorkspaceSync } from '../helpers/workspace';

const SKEY = 'abcdefghij0123456789ABCDEFGHIJ0123456789';

const rule = (body: string): string => `function (user, context, callback) { if (context.protocol === 'oauth2-refresh-token') return callback(null, user, context);\n${body}\n  callback(null, user, context);\n}\n`;
const action = (body: string): string => `exports.onExecutePostLogin = async (event, api) => { if (event.transaction.protocol === 'oauth2-refresh-token') return;\n${body}\n};\n`;

const errors = (findings: Finding[]): string[] => findings.filter((f) => f.severity === 'error').map((f) => `${f.code}: ${f.message}`).sort();

/** Applies the fix of the (first) `code` finding; checks it is gone and no error was added; returns the new text. */
function applyFix(text: string, code: string, pick: (f: Finding) => boolean = () => true): { text: string; title: string } {
  const before = analyze(text);
  const finding = before.find((f) => f.code === code && pick(f));
  assert.ok(finding, `expected a ${code} finding in:\n${text}`);
  const fix = findQuickFix(buildModel(text), finding, before);
  assert.ok(fix, `expected a fix for ${code}`);
  const fixed = applyEdits(text, fix.edits);
  const after = analyze(fixed);
  const stillThere = after.filter((f) => f.code === code && f.message === finding.message);
  assert.deepEqual(stillThere, [], `the ${code} diagnostic is still there after "${fix.title}":\n${fixed}`);
  const added = errors(after).filter((e) => !errors(before).includes(e));
  assert.deepEqual(added, [], `"${fix.title}" added errors:\n${fixed}`);
  return { text: fixed, title: fix.title };
}

describe('missing-field', () => {
  test('Rule, multi-line object: adds skey and host from configuration, indented like the others', () => {
    const text = rule("  context.multifactor = {\n    provider: 'duo',\n    ikey: configuration.DUO_IKEY,\n  };");
    const fixed = applyFix(text, 'missing-field').text;
    assert.match(fixed, /\n    ikey: configuration\.DUO_IKEY,\n    skey: configuration\.DUO_SKEY,\n    host: configuration\.DUO_HOST,\n  \};/);
    assert.deepEqual(analyze(fixed).filter((f) => f.code === 'missing-field'), []);
  });

  test('Rule, single-line object without a trailing comma', () => {
    const fixed = applyFix(rule("  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY };"), 'missing-field').text;
    assert.match(fixed, /\{ provider: 'duo', ikey: configuration\.DUO_IKEY, skey: configuration\.DUO_SKEY, host: configuration\.DUO_HOST \}/);
  });

  test('Rule without provider: provider is added first', () => {
    const text = rule('  context.multifactor = {\n    ikey: configuration.DUO_IKEY,\n    skey: configuration.DUO_SKEY,\n    host: configuration.DUO_HOST,\n  };');
    const fixed = applyFix(text, 'missing-field', (f) => f.data?.field === 'provider').text;
    assert.match(fixed, /= \{\n    provider: 'duo',\n    ikey/);
  });

  test('Rule with an empty object: provider and the Duo keys in one go', () => {
    const fixed = applyFix(rule('  context.multifactor = {};'), 'missing-field').text;
    assert.deepEqual(analyze(fixed).filter((f) => f.code === 'missing-field'), []);
    assert.match(fixed, /provider: 'duo', ikey: configuration\.DUO_IKEY/);
  });

  test('Rule with the object bound to a variable', () => {
    const fixed = applyFix(rule("  var mfa = { provider: 'duo', host: configuration.DUO_HOST };\n  context.multifactor = mfa;"), 'missing-field').text;
    assert.match(fixed, /var mfa = \{ provider: 'duo', host: configuration\.DUO_HOST, ikey: configuration\.DUO_IKEY, skey: configuration\.DUO_SKEY \}/);
  });

  test('Action: enable("duo") and options without providerOptions use the tenant settings: nothing to fix', () => {
    assert.deepEqual(analyze(action("  api.multifactor.enable('duo');")).filter((f) => f.code === 'missing-field'), []);
    assert.deepEqual(analyze(action("  api.multifactor.enable('duo', {\n    allowRememberBrowser: false,\n  });")), []);
  });

  test('Action: providerOptions missing some keys, other parameter names', () => {
    const text = "exports.onExecutePostLogin = async (ev, a) => {\n  a.multifactor.enable('duo', { providerOptions: { ikey: ev.secrets.DUO_IKEY } });\n};\n";
    const fixed = applyFix(text, 'missing-field').text;
    assert.match(fixed, /providerOptions: \{ ikey: ev\.secrets\.DUO_IKEY, skey: ev\.secrets\.DUO_SKEY, host: ev\.secrets\.DUO_HOST \}/);
  });

  test("Action: enable() without any argument gets the provider 'duo' (keys from the tenant)", () => {
    const fixed = applyFix(action('  api.multifactor.enable();'), 'missing-field').text;
    assert.match(fixed, /api\.multifactor\.enable\('duo'\);/);
    assert.deepEqual(analyze(fixed).filter((f) => f.code === 'missing-field'), []);
  });

  test('CRLF files get CRLF lines', () => {
    const text = rule("  context.multifactor = {\n    provider: 'duo',\n    ikey: configuration.DUO_IKEY,\n  };").replace(/\n/g, '\r\n');
    const fixed = applyFix(text, 'missing-field').text;
    assert.ok(!/[^\r]\n/.test(fixed), 'every line ends with CRLF');
  });
});

describe('deprecated-field', () => {
  const base = (value: string, extra = ''): string => rule(`  context.multifactor = {\n    provider: 'duo',\n    ikey: configuration.DUO_IKEY,\n    skey: configuration.DUO_SKEY,\n    host: configuration.DUO_HOST,\n    ignoreCookie: ${value},${extra}\n  };`);

  test('ignoreCookie: true becomes allowRememberBrowser: false', () => {
    const { text, title } = applyFix(base('true'), 'deprecated-field');
    assert.match(text, /\n    allowRememberBrowser: false,\n/);
    assert.doesNotMatch(text, /ignoreCookie/);
    assert.match(title, /allowRememberBrowser: false/);
  });

  test('ignoreCookie: false becomes allowRememberBrowser: true', () => {
    assert.match(applyFix(base('false'), 'deprecated-field').text, /allowRememberBrowser: true,/);
  });

  test('with allowRememberBrowser already set, ignoreCookie is removed with its line', () => {
    const fixed = applyFix(base('true', '\n    allowRememberBrowser: true,'), 'deprecated-field').text;
    assert.doesNotMatch(fixed, /ignoreCookie/);
    assert.match(fixed, /host: configuration\.DUO_HOST,\n    allowRememberBrowser: true,\n  \};/);
  });
});

describe('unknown-field', () => {
  test('a near miss is renamed (and the missing key it stood for is gone too)', () => {
    const text = rule("  context.multifactor = {\n    provider: 'duo',\n    ikey: configuration.DUO_IKEY,\n    skey: configuration.DUO_SKEY,\n    hots: configuration.DUO_HOST,\n  };");
    const { text: fixed, title } = applyFix(text, 'unknown-field');
    assert.equal(title, "Rename 'hots' to 'host'");
    assert.deepEqual(analyze(fixed).filter((f) => f.code !== 'rules-eol'), []);
  });

  test('the missing-field fix of a misspelt key renames it instead of adding a second one', () => {
    const text = rule("  context.multifactor = { Provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };");
    const { text: fixed, title } = applyFix(text, 'missing-field');
    assert.equal(title, "Rename 'Provider' to 'provider'");
    assert.deepEqual(analyze(fixed).filter((f) => f.code !== 'rules-eol'), []);

    // providerOptions with skey absent and host misspelt: one fix renames hots, the other adds only skey.
    const inAction = action("  api.multifactor.enable('duo', { providerOptions: { ikey: event.secrets.DUO_IKEY, hots: event.secrets.DUO_HOST } });");
    const findings = analyze(inAction);
    const model = buildModel(inAction);
    const fixes = findings.filter((f) => f.code === 'missing-field').map((f) => findQuickFix(model, f, findings)!);
    assert.deepEqual(fixes.map((f) => f.title).sort(), ["Add skey from event.secrets", "Rename 'hots' to 'host'"]);
    let out = inAction;
    for (const fix of fixes.sort((a, b) => b.edits[0].start - a.edits[0].start)) out = applyEdits(out, fix.edits);
    // skey goes next to the required ikey; hots is renamed where it stands.
    assert.match(out, /providerOptions: \{ ikey: event\.secrets\.DUO_IKEY, skey: event\.secrets\.DUO_SKEY, host: event\.secrets\.DUO_HOST \}/);
    assert.deepEqual(analyze(out), []);
  });

  test('a quoted key keeps its quotes', () => {
    const text = rule("  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST, 'usrname': user.email };");
    assert.match(applyFix(text, 'unknown-field').text, /'username': user\.email/);
  });

  test('ignoreCookie in Action options becomes allowRememberBrowser, inverted', () => {
    const text = action("  api.multifactor.enable('duo', { ignoreCookie: true, providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST } });");
    assert.match(applyFix(text, 'unknown-field').text, /\{ allowRememberBrowser: false, providerOptions/);
  });

  test('a misspelt member is changed to the field Auth0 sets, one at a time (not in fix-all)', () => {
    const text = rule("  if (user.appMetadata && context.clientId === 'payroll') {\n    context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  }");
    const { text: fixed, title } = applyFix(text, 'unknown-field');
    assert.equal(title, "Change 'appMetadata' to 'app_metadata'");
    assert.match(fixed, /if \(user\.app_metadata && context\.clientId ===/);
    assert.equal(applyFix(fixed, 'unknown-field').title, "Change 'clientId' to 'clientID'");
    // Reading the real field changes what the rule decides: each is the user's call, so fix-all leaves them.
    assert.deepEqual(collectFixAllEdits(buildModel(text), analyze(text)), []);
  });

  test("a Rule's snake_case location field in an Action becomes the Action's camelCase name", () => {
    const text = action("  if (event.request.geoip.country_code !== 'US') api.multifactor.enable('duo');");
    const { text: fixed, title } = applyFix(text, 'unknown-field');
    assert.equal(title, "Change 'country_code' to 'countryCode'");
    assert.match(fixed, /if \(event\.request\.geoip\.countryCode !== 'US'\)/);
  });

  test('no fix without a near match', () => {
    const text = rule("  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST, zzzzzzzz: 1 };");
    const findings = analyze(text);
    const finding = findings.find((f) => f.code === 'unknown-field');
    assert.ok(finding);
    assert.equal(findQuickFix(buildModel(text), finding, findings), undefined);
  });
});

describe('hardcoded-secret', () => {
  test('the Rule literal becomes configuration.DUO_SKEY and the value is gone from the text', () => {
    const text = rule(`  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: '${SKEY}', host: configuration.DUO_HOST };`);
    const { text: fixed } = applyFix(text, 'hardcoded-secret');
    assert.match(fixed, /skey: configuration\.DUO_SKEY,/);
    assert.ok(!fixed.includes(SKEY));
  });

  test('admin.skey becomes configuration.DUO_ADMIN_SKEY', () => {
    const text = rule(`  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST, admin: { ikey: configuration.DUO_ADMIN_IKEY, skey: '${SKEY}' } };`);
    const fixed = applyFix(text, 'hardcoded-secret').text;
    assert.match(fixed, /admin: \{ ikey: configuration\.DUO_ADMIN_IKEY, skey: configuration\.DUO_ADMIN_SKEY \}/);
    assert.ok(!fixed.includes(SKEY));
  });

  test('Actions read event.secrets.DUO_SKEY', () => {
    const text = action(`  api.multifactor.enable('duo', { providerOptions: { ikey: event.secrets.DUO_IKEY, skey: "${SKEY}", host: event.secrets.DUO_HOST } });`);
    const fixed = applyFix(text, 'hardcoded-secret').text;
    assert.match(fixed, /skey: event\.secrets\.DUO_SKEY,/);
    assert.ok(!fixed.includes(SKEY));
  });
});

describe('invalid-host', () => {
  test('scheme, port and path are stripped when a Duo API host remains', () => {
    const text = rule("  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: 'https://api-1234abcd.duosecurity.com:443/auth/v2/' };");
    assert.match(applyFix(text, 'invalid-host').text, /host: 'api-1234abcd\.duosecurity\.com' \}/);
  });

  test('another domain gets no fix', () => {
    assert.equal(stripHost('https://example.com/x'), undefined);
    assert.equal(stripHost('http://api-abc.duofederal.com'), 'api-abc.duofederal.com');
  });
});

describe('missing-field: Add <field> goes next to the required keys', () => {
  test('host is added after skey, before the optional keys', () => {
    const multi = rule("  context.multifactor = {\n    provider: 'duo',\n    ikey: configuration.DUO_IKEY,\n    skey: configuration.DUO_SKEY,\n    username: user.email,\n    allowRememberBrowser: false,\n  };");
    assert.match(applyFix(multi, 'missing-field').text, /skey: configuration\.DUO_SKEY,\n    host: configuration\.DUO_HOST,\n    username: user\.email,\n    allowRememberBrowser: false,\n/);
    const single = rule("  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, allowRememberBrowser: false };");
    const fixed = applyFix(single, 'missing-field').text;
    assert.match(fixed, /skey: configuration\.DUO_SKEY, host: configuration\.DUO_HOST, allowRememberBrowser: false/);
    assert.deepEqual(analyze(fixed).filter((f) => f.code === 'missing-field' || f.code === 'syntax-error'), []);
  });
});

describe('placeholder-client-id', () => {
  test("Auth0's template list reads the client ids from a configuration key, and the finding goes", () => {
    const text = rule("  var CLIENTS_WITH_MFA = ['{REPLACE_WITH_YOUR_CLIENT_ID}'];\n  if (CLIENTS_WITH_MFA.indexOf(context.clientID) !== -1) {\n    context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  }");
    const fixed = applyFix(text, 'placeholder-client-id');
    assert.match(fixed.text, /var CLIENTS_WITH_MFA = \[\.\.\.\(configuration\.MFA_CLIENT_IDS \|\| ''\)\.split\(','\)\];/);
    assert.equal(fixed.title, 'Read the client ids from configuration.MFA_CLIENT_IDS (comma-separated)');
    assert.deepEqual(analyze(fixed.text).filter((f) => f.code === 'placeholder-client-id' || f.code === 'syntax-error'), []);
  });

  test('in an Action a single id is read from event.secrets', () => {
    const text = "exports.onExecutePostLogin = async (event, api) => {\n  if (event.client.client_id === '{REPLACE_WITH_YOUR_CLIENT_ID}') {\n    api.multifactor.enable('duo', { providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST } });\n  }\n};\n";
    const fixed = applyFix(text, 'placeholder-client-id');
    assert.match(fixed.text, /event\.client\.client_id === event\.secrets\.MFA_CLIENT_ID\)/);
    assert.deepEqual(analyze(fixed.text).filter((f) => f.code === 'placeholder-client-id' || f.code === 'syntax-error'), []);
  });
});

describe('placeholder-client-id: remove the client check', () => {
  /** Applies the second fix (removing the check); checks the finding is gone and nothing was added but a refresh-token note. */
  function removeCheck(text: string): string {
    const before = analyze(text);
    const finding = before.find((f) => f.code === 'placeholder-client-id');
    assert.ok(finding, text);
    const fixes = findQuickFixes(buildModel(text), finding, before);
    assert.equal(fixes.length, 2, JSON.stringify(fixes.map((f) => f.title)));
    assert.equal(fixes[1].title, 'Remove the client check: every application requires MFA');
    assert.equal(fixes[1].safe, false, 'changing who gets MFA is never applied on save');
    const fixed = applyEdits(text, fixes[1].edits);
    // With the check gone the MFA runs for every application: a handler without the refresh-token early return now
    // gets that warning (it waited while only the sample id could match); nothing else is new.
    assert.deepEqual(analyze(fixed).map((f) => f.code).filter((c) => !before.some((f) => f.code === c) && c !== 'missing-refresh-token-guard'), [], fixed);
    assert.deepEqual(analyze(fixed).filter((f) => f.code === 'placeholder-client-id'), [], fixed);
    return fixed;
  }
  const duo = "context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };";

  test("Auth0's template: the if becomes its body, the list goes, a comment confirms it", () => {
    const text = rule(`  var CLIENTS_WITH_MFA = ['{REPLACE_WITH_YOUR_CLIENT_ID}'];\n  // run only for the specified clients\n  if (CLIENTS_WITH_MFA.indexOf(context.clientID) !== -1) {\n    ${duo}\n  }`);
    assert.equal(removeCheck(text), rule(`  // run only for the specified clients\n  ${clientCheckRemovedComment}\n  ${duo}`));
  });

  test('an early return for other clients disappears; in an Action with includes', () => {
    const text = "exports.onExecutePostLogin = async (event, api) => {\n  const CLIENTS_WITH_MFA = ['{REPLACE_WITH_YOUR_CLIENT_ID}'];\n  if (!CLIENTS_WITH_MFA.includes(event.client.client_id)) {\n    return;\n  }\n  api.multifactor.enable('duo');\n};\n";
    assert.equal(removeCheck(text), `exports.onExecutePostLogin = async (event, api) => {\n  ${clientCheckRemovedComment}\n  api.multifactor.enable('duo');\n};\n`);
  });

  test('a direct comparison with the sample id', () => {
    const text = `exports.onExecutePostLogin = async (event, api) => {\n  if (event.client.client_id === '{REPLACE_WITH_YOUR_CLIENT_ID}') {\n    api.multifactor.enable('duo');\n  }\n};\n`;
    assert.match(removeCheck(text), /^ {2}\/\/ duo-rules: confirmed[^\n]*\n {2}api\.multifactor\.enable\('duo'\);\n\};/m);
  });

  test('not offered where removing the check would change another condition or drop real client ids', () => {
    for (const text of [
      rule(`  var CLIENTS = ['{REPLACE_WITH_YOUR_CLIENT_ID}'];\n  if (CLIENTS.indexOf(context.clientID) !== -1 && user.email_verified) {\n    ${duo}\n  }`),
      rule(`  var CLIENTS = ['s6BhdRkqt3', '{REPLACE_WITH_YOUR_CLIENT_ID}'];\n  if (CLIENTS.indexOf(context.clientID) !== -1) {\n    ${duo}\n  }`),
      rule(`  var CLIENTS = ['{REPLACE_WITH_YOUR_CLIENT_ID}'];\n  if (CLIENTS.indexOf(context.clientID) !== -1) {\n    ${duo}\n  } else {\n    user.app_metadata = {};\n  }`),
      rule(`  var CLIENTS = ['{REPLACE_WITH_YOUR_CLIENT_ID}'];\n  user.app_metadata = { clients: CLIENTS };\n  if (CLIENTS.indexOf(context.clientID) !== -1) {\n    ${duo}\n  }`),
    ]) {
      const findings = analyze(text);
      const finding = findings.find((f) => f.code === 'placeholder-client-id');
      assert.ok(finding, text);
      assert.deepEqual(findQuickFixes(buildModel(text), finding, findings).map((f) => f.title), ['Read the client ids from configuration.MFA_CLIENT_IDS (comma-separated)'], text);
    }
  });
});

describe('placeholder-value', () => {
  test('the seed rule\'s samples become configuration keys, one fix each', () => {
    let text = readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'seed-rule.js'), 'utf8');
    const titles: string[] = [];
    for (const field of ['ikey', 'skey', 'host']) {
      const fixed = applyFix(text, 'placeholder-value', (f) => f.data?.field === field);
      titles.push(fixed.title);
      text = fixed.text;
    }
    assert.deepEqual(titles, ['Read ikey from configuration.DUO_IKEY', 'Read skey from configuration.DUO_SKEY', 'Read host from configuration.DUO_HOST']);
    assert.match(text, /ikey: configuration\.DUO_IKEY,\n\s+skey: configuration\.DUO_SKEY,\n\s+host: configuration\.DUO_HOST,/);
    assert.deepEqual(analyze(text).filter((f) => f.code === 'placeholder-value'), []);
  });

  test('Actions read event.secrets; admin samples read DUO_ADMIN_*', () => {
    const inAction = applyFix(action("  api.multifactor.enable('duo', { providerOptions: { ikey: 'DIXXXXXXXXXXXXXXXXXX', skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST } });"), 'placeholder-value');
    assert.match(inAction.text, /ikey: event\.secrets\.DUO_IKEY,/);
    const admin = applyFix(rule("  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST, admin: { ikey: 'DIAN...NV6UM', skey: configuration.DUO_ADMIN_SKEY } };"), 'placeholder-value');
    assert.match(admin.text, /admin: \{ ikey: configuration\.DUO_ADMIN_IKEY,/);
  });
});

describe('renames of literals', () => {
  test('unknown-provider with a near match', () => {
    const text = rule("  context.multifactor = { provider: 'dou', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };");
    assert.match(applyFix(text, 'unknown-provider').text, /provider: 'duo'/);
  });

  test('unknown-configuration-key with a near match', () => {
    const text = rule("  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOTS };");
    const declared = ['DUO_IKEY', 'DUO_SKEY', 'DUO_HOST'];
    const findings = analyze(text, { declaredConfigurationKeys: declared });
    const finding = findings.find((f) => f.code === 'unknown-configuration-key');
    assert.ok(finding);
    const fix = findQuickFix(buildModel(text), finding, findings);
    const fixed = applyEdits(text, fix!.edits);
    assert.equal(fixed, text.replace('configuration.DUO_HOTS', 'configuration.DUO_HOST'));
    assert.deepEqual(analyze(fixed, { declaredConfigurationKeys: declared }).filter((f) => f.code === 'unknown-configuration-key'), []);
  });
});

describe('source.fixAll.duoRules', () => {
  test('applies every safe fix at once; the hard-coded secret is left for the user', () => {
    const text = rule([
      '  context.multifactor = {',
      "    provider: 'duo',",
      '    ikey: configuration.DUO_IKEY,',
      `    skey: '${SKEY}',`,
      "    hots: 'https://api-1234abcd.duosecurity.com/',",
      '    ignoreCookie: true,',
      '  };',
      '  if (context.clientID) {',
      '    context.multifactor = { provider: "duo" };',
      '  }',
    ].join('\n'));
    const fixed = applyEdits(text, collectFixAllEdits(buildModel(text), analyze(text)));
    // hots -> host (not added a second time), ignoreCookie -> allowRememberBrowser, the second config gets its keys.
    assert.equal(fixed.match(/\bhost:/g)?.length, 2, fixed);
    assert.match(fixed, /allowRememberBrowser: false/);
    assert.match(fixed, /\{ provider: "duo", ikey: configuration\.DUO_IKEY, skey: configuration\.DUO_SKEY, host: configuration\.DUO_HOST \}/);
    assert.deepEqual(errors(analyze(fixed)), []);
    // A second run fixes the host that was hidden behind the misspelled key; the secret stays for the user to move.
    const again = applyEdits(fixed, collectFixAllEdits(buildModel(fixed), analyze(fixed)));
    assert.deepEqual(analyze(again).filter((f) => f.code !== 'rules-eol').map((f) => f.code), ['hardcoded-secret']);
    assert.match(again, /host: 'api-1234abcd\.duosecurity\.com',/);
  });

  test('nothing to fix gives no edits', () => {
    const text = rule("  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };");
    assert.deepEqual(collectFixAllEdits(buildModel(text), analyze(text)), []);
  });
});

describe('naming an anonymous rule function (VS Code\'s "Identifier expected. ts(1003)")', () => {
  const root = join(__dirname, '..', '..', '..');
  const seed = readFileSync(join(root, 'test', 'fixtures', 'seed-rule.js'), 'utf8');

  /** TypeScript's own syntax errors for a .js file, as VS Code's JavaScript check reports them. */
  function typeScriptErrors(text: string): string[] {
    return withWorkspaceSync({ 'rule.js': text }, (workspace) => {
      try {
        execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--allowJs', '--pretty', 'false', workspace.path('rule.js')], { cwd: workspace.root, encoding: 'utf8', stdio: 'pipe' });
        return [];
      } catch (err) {
        return String((err as { stdout?: string }).stdout).split('\n').filter((l) => /error TS\d+/.test(l)).map((l) => /error (TS\d+)/.exec(l)![1]);
      }
    }, 'duo-name-rule-');
  }

  test('the seed rule gets a name from its file; TypeScript stops reporting TS1003 and duo-rules sees the same rule', () => {
    assert.deepEqual(typeScriptErrors(seed), ['TS1003']);
    const fix = findNameRuleFunctionFix(buildModel(seed), 'rules/duo-mfa.js');
    assert.ok(fix);
    const fixed = applyEdits(seed, fix.edits);
    assert.match(fixed, /^function duoMfa\(user, context, callback\) \{\n/);
    assert.equal(fixed.replace('function duoMfa(', 'function ('), seed);
    assert.deepEqual(typeScriptErrors(fixed), []);
    const model = buildModel(fixed);
    assert.equal(model.kind, 'rule');
    assert.equal(model.ruleFunction?.name, 'duoMfa');
    assert.deepEqual(analyze(fixed).map((f) => [f.code, f.message]), analyze(seed).map((f) => [f.code, f.message]));
    const converted = convertRuleToAction(fixed);
    assert.ok(converted.ok && converted.functionName === 'duoMfa');
    assert.equal(findNameRuleFunctionFix(model, 'rules/duo-mfa.js'), undefined);
  });

  test('names are valid identifiers that do not clash with the parameters', () => {
    assert.equal(ruleNameFromFileName('/repo/rules/Duo MFA for admins.js'), 'duoMFAForAdmins');
    assert.equal(ruleNameFromFileName('01-duo.js'), 'rule01Duo');
    assert.equal(ruleNameFromFileName('class.js'), 'ruleClass');
    assert.equal(ruleNameFromFileName(undefined), 'rule');
    const text = 'async function(rule, context, callback) {\n  callback(null, rule, context);\n}\n';
    const fixed = applyEdits(text, findNameRuleFunctionFix(buildModel(text))!.edits);
    assert.match(fixed, /^async function ruleRule\(rule, context, callback\)/);
    assert.deepEqual(typeScriptErrors(fixed), []);
  });

  test('nothing to do for named rules, Actions and other files', () => {
    for (const text of ['function duo(user, context, callback) {\n  callback(null, user, context);\n}\n', action("  api.multifactor.enable('duo');"), 'const a = 1;\n']) {
      assert.equal(findNameRuleFunctionFix(buildModel(text), 'x.js'), undefined, text);
    }
  });
});
