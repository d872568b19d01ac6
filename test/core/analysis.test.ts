// Diagnostics of the pure analysis core: a positive and a negative case per code, plus the
// tolerances (deploy-cli tokens, CRLF, mid-typing text, non-rule files) and bad input.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, mergeSeverities, toDiagnostic, type AnalyzeOptions, type Finding } from '../../server/src/analysis/diagnostics';

const root = join(__dirname, '..', '..', '..');
const IKEY = 'DIABCDEFGHIJ01234567';
const SKEY = 'abcdefghij0123456789ABCDEFGHIJ0123456789';
const ADMIN_IKEY = 'DIZYXWVUTSRQ98765432';

/** A rule whose body is `body`, with the callback called. */
function rule(body: string): string {
  return `function (user, context, callback) { if (context.protocol === 'oauth2-refresh-token') return callback(null, user, context);\n${body}\n  callback(null, user, context);\n}\n`;
}

function action(body: string): string {
  return `exports.onExecutePostLogin = async (event, api) => { if (event.transaction.protocol === 'oauth2-refresh-token') return;\n${body}\n};\n`;
}

/** `code@line` for every finding except rules-eol (present on every rule). */
function found(text: string, options?: AnalyzeOptions): string[] {
  return analyze(text, options).filter((f) => f.code !== 'rules-eol').map((f) => `${f.code}@${f.range.start.line + 1}`);
}

function only(text: string, code: string, options?: AnalyzeOptions): Finding[] {
  return analyze(text, options).filter((f) => f.code === code);
}

const goodRuleConfig = `  context.multifactor = {
    provider: 'duo',
    ikey: configuration.DUO_IKEY,
    skey: configuration.DUO_SKEY,
    host: configuration.DUO_HOST,
  };`;

describe('clean files', () => {
  test('the examples have no finding except rules-eol on the rule', () => {
    const ruleText = readFileSync(join(root, 'examples', 'duo-rule.js'), 'utf8');
    const actionText = readFileSync(join(root, 'examples', 'duo-action.js'), 'utf8');
    assert.deepEqual(analyze(ruleText).map((f) => f.code), ['rules-eol']);
    assert.deepEqual(analyze(actionText), []);
  });

  test('a rule with configuration.* values is clean', () => {
    assert.deepEqual(found(rule(goodRuleConfig)), []);
  });

  test('the Duo seed snippet yields placeholder-client-id, placeholder-value and deprecated-field (its MFA cannot run before the client list is filled in)', () => {
    const seed = readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'seed-rule.js'), 'utf8');
    assert.deepEqual(found(seed), [
      'placeholder-client-id@3',
      'placeholder-value@11',
      'placeholder-value@12',
      'placeholder-value@13',
      'deprecated-field@16',
    ]);
  });
});

describe('missing-field', () => {
  test('a Duo rule without host: one error on the context.multifactor line', () => {
    const text = rule(`  var x = 1;\n  context.multifactor = {\n    provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY };`);
    const findings = only(text, 'missing-field');
    assert.equal(findings.length, 1);
    assert.equal(findings[0].range.start.line, 2);
    assert.equal(findings[0].severity, 'error');
    assert.match(findings[0].message, /'host'/);
    assert.equal(findings[0].data?.field, 'host');
  });

  test('a rule configuration without provider', () => {
    const text = rule(`  context.multifactor = { ikey: configuration.A, skey: configuration.B, host: configuration.C };`);
    assert.deepEqual(found(text), ['missing-field@2']);
    assert.match(only(text, 'missing-field')[0].message, /provider/);
  });

  test("an Action enabling duo without providerOptions uses the tenant's Duo settings: no missing-field", () => {
    assert.deepEqual(found(action(`  if (x) {\n    api.multifactor.enable('duo');\n  }`)), []);
    assert.deepEqual(found(action(`  api.multifactor.enable('duo', { allowRememberBrowser: false });`)), []);
    assert.deepEqual(found(action(`  api.multifactor.enable('duo', { allowRememberBrowser });`)), []);
  });

  test('an Action with providerOptions lacking every key: one missing-field per key (Auth0 takes the whole object)', () => {
    const findings = only(action(`  api.multifactor.enable('duo', { providerOptions: { username: event.user.email } });`), 'missing-field');
    assert.deepEqual(findings.map((f) => [f.data?.field, f.range.start.line + 1]), [['ikey', 2], ['skey', 2], ['host', 2]]);
  });

  test('a Rule still needs ikey, skey and host', () => {
    assert.deepEqual(found(rule(`  context.multifactor = { provider: 'duo' };`)), ['missing-field@2', 'missing-field@2', 'missing-field@2']);
  });

  test('an Action with partial providerOptions', () => {
    const text = action(`  api.multifactor.enable('duo', {\n    providerOptions: { ikey: event.secrets.I, host: event.secrets.H },\n  });`);
    assert.deepEqual(found(text), ['missing-field@2']);
  });

  test('not reported when a spread hides the fields, or for a complete configuration', () => {
    assert.deepEqual(found(rule(`  context.multifactor = { provider: 'duo', ...base };`)), []);
    assert.deepEqual(found(rule(`  context.multifactor = buildMfa();`)), []);
    assert.deepEqual(found(action(`  api.multifactor.enable('duo', { providerOptions: { ...event.secrets } });`)), []);
    assert.deepEqual(found(action(`  api.multifactor.enable('guardian');`)), []);
  });

  test('later writes to a bound object and Object.assign add keys', () => {
    const bound = rule(`  const mfa = { provider: 'duo', ikey: configuration.I, skey: configuration.S };\n  mfa.host = configuration.H;\n  context.multifactor = mfa;`);
    assert.deepEqual(found(bound), []);
    const withoutHost = rule(`  const mfa = { provider: 'duo', ikey: configuration.I, skey: configuration.S };\n  context.multifactor = mfa;`);
    assert.deepEqual(found(withoutHost), ['missing-field@3']);
    const assigned = rule(`  context.multifactor = { provider: 'duo' };\n  Object.assign(context.multifactor, { ikey: configuration.I, skey: configuration.S });\n  context.multifactor.host = configuration.H;`);
    assert.deepEqual(found(assigned), []);
  });

  test('configurations in if/else branches are analysed separately', () => {
    const text = rule(`  if (a) {\n    context.multifactor = { provider: 'duo', ikey: configuration.I, skey: configuration.S, host: configuration.H };\n  } else {\n    context.multifactor = { provider: 'duo', ikey: configuration.I, skey: configuration.S };\n  }`);
    assert.deepEqual(found(text), ['missing-field@5']);
  });
});

describe('placeholder-client-id', () => {
  test('a string containing REPLACE_WITH_, in a rule and in an Action', () => {
    const text = rule(`  var CLIENTS = ['{REPLACE_WITH_YOUR_CLIENT_ID}'];\n  if (CLIENTS.indexOf(context.clientID) !== -1) {\n${goodRuleConfig}\n  }`);
    const findings = only(text, 'placeholder-client-id');
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0].range.start, { line: 1, character: 17 });
    assert.deepEqual(found(`const IDS = ['REPLACE_WITH_CLIENT'];\n` + action(`  if (IDS.includes(event.client.client_id)) api.multifactor.enable('any');`)), ['placeholder-client-id@1']);
  });

  test('a real client id is fine; a non-rule file is never checked', () => {
    assert.deepEqual(found(rule(`  var CLIENTS = ['s6BhdRkqt3'];\n${goodRuleConfig}`)), []);
    assert.deepEqual(found(`const x = '{REPLACE_WITH_YOUR_CLIENT_ID}';\nmodule.exports = x;\n`), []);
  });
});

describe('placeholders of published samples', () => {
  test('brace, angle-bracket, YOUR_/your prose, REPLACE_WITH_ and CHANGE_ME values are placeholder-value only', () => {
    const samples = ['{INTEGRATION_KEY}', '{SECRET_KEY}', '{API_HOSTNAME}', '<your ikey>', 'Your WebSDK Integration Key', 'YOUR_DUO_SECRET', 'yourDuoHost', 'REPLACE_WITH_IKEY', 'CHANGE_ME', 'changeme'];
    for (const sample of samples) {
      for (const key of ['ikey', 'skey', 'host']) {
        const others = ['ikey', 'skey', 'host'].filter((k) => k !== key).map((k) => `${k}: configuration.${k.toUpperCase()}`).join(', ');
        const text = rule(`  context.multifactor = { provider: 'duo', ${key}: '${sample}', ${others} };`);
        assert.deepEqual(found(text), ['placeholder-value@2'], `${key}: ${sample}`);
        const act = action(`  api.multifactor.enable('duo', { providerOptions: { ${key}: '${sample}', ${others.replace(/configuration/g, 'event.secrets')} } });`);
        assert.deepEqual(found(act), ['placeholder-value@2'], `action ${key}: ${sample}`);
      }
    }
  });

  test('ordinary values are not placeholders', () => {
    const text = rule(`  context.multifactor = { provider: 'duo', ikey: '${IKEY}', skey: configuration.S, host: 'api-1a2b3c4d.duosecurity.com', username: 'your-login' };`);
    assert.deepEqual(found(text), []);
  });

  test("placeholder-client-id: brace client-id placeholders, only in files that require MFA, naming the provider's MFA", () => {
    for (const sample of ['{yourClientId}', '{YOUR_CLIENT_ID}', '{REPLACE_WITH_YOUR_CLIENT_ID}']) {
      const act = `const CLIENTS = ['${sample}'];\n` + action(`  if (CLIENTS.includes(event.client.client_id)) api.multifactor.enable('duo');`);
      assert.deepEqual(found(act), ['placeholder-client-id@1'], sample);
      assert.match(only(act, 'placeholder-client-id')[0].message, /Duo MFA never runs/);
      const guardian = rule(`  var CLIENTS = ['${sample}'];\n  if (CLIENTS.indexOf(context.clientID) !== -1) context.multifactor = { provider: 'guardian' };`);
      assert.match(only(guardian, 'placeholder-client-id')[0].message, /Guardian MFA never runs/);
    }
  });

  test('placeholder-client-id: nothing in a rule that does not require MFA (the disable-social-signup kind)', () => {
    const text = rule(`  var CLIENTS_ENABLED = ['{REPLACE_WITH_YOUR_CLIENT_ID}'];\n  if (CLIENTS_ENABLED.indexOf(context.clientID) === -1) return callback(null, user, context);\n  if (context.stats.loginsCount === 1 && user.identities[0].isSocial) return callback(new UnauthorizedError('Signup disabled'));`);
    assert.deepEqual(found(text), []);
    assert.deepEqual(found(action(`  const ids = ['{yourClientId}'];\n  if (ids.includes(event.client.client_id)) api.multifactor.enable('none');`)), []);
    assert.deepEqual(found(rule(`  var ids = ['{YOUR_CLIENT_ID}'];\n  context.multifactor = false;`)), []);
  });
});

describe('placeholder-value', () => {
  test('documentation samples, XXXXXXXX and empty values (also admin and providerOptions) get only placeholder-value', () => {
    const text = rule(`  context.multifactor = {\n    provider: 'duo',\n    ikey: 'DIXBMN...LZO8IOS8',\n    skey: '',\n    host: 'api-XXXXXXXX.duosecurity.com',\n    admin: { ikey: 'DIAN...NV6UM', skey: configuration.DUO_ADMIN_SKEY },\n  };`);
    assert.deepEqual(found(text), ['placeholder-value@4', 'placeholder-value@5', 'placeholder-value@6', 'placeholder-value@7']);
    const act = action(`  api.multifactor.enable('duo', { providerOptions: { ikey: 'DI...', skey: event.secrets.S, host: event.secrets.H } });`);
    assert.deepEqual(found(act), ['placeholder-value@2']);
  });

  test('real-looking values are not placeholders', () => {
    const text = rule(`  context.multifactor = { provider: 'duo', ikey: '${IKEY}', skey: configuration.S, host: 'api-1a2b3c4d.duosecurity.com' };`);
    assert.deepEqual(found(text), []);
  });
});

describe('invalid-ikey / invalid-skey / invalid-host', () => {
  const config = (ikey: string, skey: string, host: string) => rule(`  context.multifactor = {\n    provider: 'duo',\n    ikey: ${ikey},\n    skey: ${skey},\n    host: ${host},\n  };`);

  test('malformed literals are reported on their strings', () => {
    const text = config(`'DIabc123'`, `'short'`, `'https://api-1234abcd.duosecurity.com/'`);
    assert.deepEqual(found(text).filter((c) => c.startsWith('invalid')), ['invalid-ikey@4', 'invalid-skey@5', 'invalid-host@6']);
    assert.match(only(text, 'invalid-host')[0].message, /scheme/);
    assert.equal(only(text, 'invalid-ikey')[0].range.start.character, 10);
  });

  test('the key messages say what is wrong with the shape, without quoting the value', () => {
    const messages = (ikey: string, skey: string) => analyze(config(`'${ikey}'`, `'${skey}'`, 'configuration.H')).filter((f) => f.code.startsWith('invalid-')).map((f) => f.message.split('found ')[1]);
    // Right length, wrong characters: the count alone would not tell the user what to fix.
    assert.deepEqual(messages('DIABCDEFGHIJ012345-7', 'abcdefghij0123456789ABCDEFGHIJ012345678+'),
      ['20 characters with characters other than letters and digits.', '40 characters with characters other than letters and digits.']);
    assert.deepEqual(messages('diabcdefghij01234567', 'x'), ['20 characters with lower-case letters.', '1 character.']);
    assert.ok(!analyze(config(`'DIABCDEFGHIJ012345-7'`, `'x'`, 'configuration.H')).some((f) => f.message.includes('DIABCDEFGHIJ012345-7')));
  });

  test('each host problem is named', () => {
    const hostMessage = (host: string) => only(config('configuration.I', 'configuration.S', `'${host}'`), 'invalid-host')[0]?.message ?? '';
    assert.match(hostMessage('api-1234abcd.duosecurity.com:443'), /port/);
    assert.match(hostMessage('api-1234abcd.duosecurity.com/auth'), /path/);
    assert.match(hostMessage('api 1234.duosecurity.com'), /spaces/);
    assert.match(hostMessage('api-1234abcd.example.com'), /not a Duo host/);
  });

  test('well-formed and dynamic values pass, including deploy-cli tokens', () => {
    assert.deepEqual(found(config(`'${IKEY}'`, 'configuration.DUO_SKEY', `'api-1234abcd.duofederal.com'`)), []);
    assert.deepEqual(found(config('@@DUO_IKEY@@', '##DUO_SKEY##', `'@@DUO_HOST@@'`)), []);
  });
});

describe('unknown-field', () => {
  test('a half-typed key suggests the one field it begins', () => {
    const suggestionFor = (key: string) => only(rule(`  context.multifactor = {\n    provider: 'duo', ikey: configuration.I, host: configuration.H,\n    ${key}\n  };`), 'unknown-field')[0]?.data?.suggestion;
    assert.equal(suggestionFor('sk'), 'skey');
    assert.equal(suggestionFor('allowRemember: true,'), 'allowRememberBrowser');
    // Too short to tell, or not the start of any field: no guess.
    assert.equal(suggestionFor('a,'), undefined);
    assert.equal(suggestionFor('zzz: 1,'), undefined);
  });

  test('a misspelt key suggests the nearest valid key', () => {
    const text = rule(`  context.multifactor = {\n    provider: 'duo', ikey: configuration.I, skey: configuration.S, host: configuration.H,\n    alowRememberBrowser: false,\n  };`);
    const [finding] = only(text, 'unknown-field');
    assert.equal(finding.range.start.line, 3);
    assert.match(finding.message, /Did you mean 'allowRememberBrowser'\?/);
    assert.equal(finding.data?.suggestion, 'allowRememberBrowser');
  });

  test('keys of another provider and Action-specific mistakes', () => {
    assert.deepEqual(found(rule(`  context.multifactor = { provider: 'guardian', issuer: 'x' };`)), ['unknown-field@2']);
    const act = action(`  api.multifactor.enable('duo', { ignoreCookie: true, providerOptions: { ikey: event.secrets.I, skey: event.secrets.S, host: event.secrets.H, admin: {} } });`);
    assert.deepEqual(found(act), ['unknown-field@2', 'unknown-field@2']);
  });

  test('valid optional keys are accepted', () => {
    assert.deepEqual(found(rule(`  context.multifactor = { provider: 'google-authenticator', issuer: 'Acme', allowRememberBrowser: true };`)), []);
    assert.deepEqual(found(rule(`  context.multifactor = { provider: 'duo', ikey: configuration.I, skey: configuration.S, host: configuration.H, username: user.email, admin: { ikey: configuration.AI, skey: configuration.AS } };`)), []);
  });

  test('a deploy-cli token as a key is not a field name', () => {
    assert.deepEqual(found(rule(`  context.multifactor = { provider: 'duo', ikey: configuration.I, skey: configuration.S, host: configuration.H, ##EXTRA_KEY##: true };`)), []);
  });

  test('a token inside providerOptions or admin leaves the other keys checked', () => {
    const act = action(`  api.multifactor.enable('duo', {\n    providerOptions: { ikey: @@DUO_IKEY@@, skey: event.secrets.S },\n  });`);
    assert.deepEqual(found(act), ['missing-field@2']);
    const withAdmin = rule(`  context.multifactor = { provider: 'duo', ikey: ##I##, skey: ##S##, host: ##H##,\n    admin: { ikey: ##AI##, skey: 'abc' } };`);
    assert.deepEqual(found(withAdmin).sort(), ['hardcoded-secret@3', 'invalid-skey@3']);
  });
});

describe('invalid-type', () => {
  test('wrong literal types', () => {
    const text = rule(`  context.multifactor = {\n    provider: 'duo',\n    ikey: 42,\n    skey: configuration.S,\n    host: configuration.H,\n    allowRememberBrowser: 'false',\n    admin: 'x',\n  };`);
    assert.deepEqual(found(text), ['invalid-type@4', 'invalid-type@7', 'invalid-type@8']);
    assert.match(only(text, 'invalid-type')[1].message, /boolean, not the string 'false'/);
  });

  test('a non-string provider is reported once', () => {
    const text = rule(`  context.multifactor = {\n    provider: 1,\n    ikey: configuration.I,\n    skey: configuration.S,\n    host: configuration.H,\n  };`);
    assert.deepEqual(found(text), ['invalid-type@3']);
    assert.match(only(text, 'invalid-type')[0].message, /provider must be a string such as 'duo', not a number/);
  });

  test('context.multifactor = <non-object literal>: Auth0 requires no MFA', () => {
    for (const value of ['true', "'duo'", '1', "['duo']"]) {
      const text = rule(`  if (user.app_metadata.mfa) {\n    context.multifactor = ${value};\n  }`);
      assert.deepEqual(found(text), ['invalid-type@3'], value);
      const finding = only(text, 'invalid-type')[0];
      assert.match(finding.message, /Auth0 requires no MFA when this is not an object/);
      assert.equal(finding.range.start.character, 26);
    }
  });

  test('context.multifactor = false, null, an object or a call is not invalid-type', () => {
    assert.deepEqual(found(rule(`  context.multifactor = false;`)), []);
    assert.deepEqual(found(rule(`  context.multifactor = null;`)), []);
    assert.deepEqual(found(rule(`  context.multifactor = buildMfa();`)), []);
  });

  test('right types and dynamic values pass', () => {
    assert.deepEqual(found(rule(`  context.multifactor = { provider: 'duo', ikey: configuration.I, skey: configuration.S, host: configuration.H, allowRememberBrowser: !!user.x };`)), []);
  });
});

describe('unknown-provider', () => {
  test('an unknown provider; none is not valid in Rules', () => {
    const dou = rule(`  context.multifactor = { provider: 'dou' };`);
    assert.deepEqual(found(dou), ['unknown-provider@2']);
    assert.match(only(dou, 'unknown-provider')[0].message, /Did you mean 'duo'/);
    assert.deepEqual(found(rule(`  context.multifactor = { provider: 'none' };`)), ['unknown-provider@2']);
    assert.deepEqual(found(action(`  api.multifactor.enable('sms');`)), ['unknown-provider@2']);
  });

  test('valid providers, none in an Action, and dynamic providers', () => {
    assert.deepEqual(found(action(`  api.multifactor.enable('none');`)), []);
    assert.deepEqual(found(rule(`  context.multifactor = { provider: 'any' };`)), []);
    assert.deepEqual(found(rule(`  context.multifactor = { provider: configuration.PROVIDER };`)), []);
  });
});

describe('hardcoded-secret', () => {
  test('a literal skey is reported without its value and with the configuration to use', () => {
    const text = rule(`  context.multifactor = {\n    provider: 'duo', ikey: configuration.I, host: configuration.H,\n    skey: '${SKEY}',\n    admin: { ikey: '${ADMIN_IKEY}', skey: '${SKEY.toLowerCase()}' },\n  };`);
    const findings = only(text, 'hardcoded-secret');
    assert.deepEqual(findings.map((f) => f.range.start.line + 1), [4, 5]);
    assert.equal(findings[0].data?.replacement, 'configuration.DUO_SKEY');
    assert.equal(findings[1].data?.replacement, 'configuration.DUO_ADMIN_SKEY');
    assert.deepEqual(found(text).filter((c) => c.startsWith('invalid-skey')), []);
  });

  test('Actions suggest event.secrets; a malformed secret also gets invalid-skey', () => {
    const text = action(`  api.multifactor.enable('duo', { providerOptions: { ikey: event.secrets.I, host: event.secrets.H, skey: 'tooShort1' } });`);
    assert.deepEqual(found(text), ['hardcoded-secret@2', 'invalid-skey@2']);
    assert.equal(only(text, 'hardcoded-secret')[0].data?.replacement, 'event.secrets.DUO_SKEY');
  });

  test('secrets from configuration, event.secrets or deploy-cli tokens are fine', () => {
    assert.deepEqual(found(rule(goodRuleConfig)), []);
    assert.deepEqual(found(rule(`  context.multifactor = { provider: 'duo', ikey: configuration.I, skey: '##DUO_SKEY##', host: configuration.H };`)), []);
  });

  test('no message ever contains an skey literal', () => {
    const secrets = [SKEY, 'tooShort1secretVALUE', 'x'.repeat(45), 'Zq9'];
    for (const secret of secrets) {
      const texts = [
        rule(`  context.multifactor = { provider: 'duo', ikey: '${secret}', skey: '${secret}', host: '${secret}', admin: { ikey: '${secret}', skey: '${secret}' }, hots: '${secret}' };`),
        action(`  api.multifactor.enable('duo', { providerOptions: { skey: '${secret}', ikey: '${secret}' } });`),
      ];
      for (const text of texts) {
        const findings = analyze(text);
        assert.ok(findings.length > 0);
        for (const f of findings) assert.ok(!f.message.includes(secret), `${f.code} message quotes the secret: ${f.message}`);
        for (const f of findings) assert.ok(!JSON.stringify(toDiagnostic(f)).includes(secret));
      }
    }
  });
});

describe('deprecated-field', () => {
  test('ignoreCookie is deprecated; the inverted value is offered', () => {
    const text = rule(`  context.multifactor = { provider: 'duo', ikey: configuration.I, skey: configuration.S, host: configuration.H,\n    ignoreCookie: true };`);
    const [finding] = only(text, 'deprecated-field');
    assert.equal(finding.range.start.line, 2);
    assert.equal(finding.data?.allowRememberBrowser, false);
    assert.match(finding.message, /allowRememberBrowser: false/);
  });

  test('allowRememberBrowser is not deprecated', () => {
    assert.deepEqual(found(rule(`  context.multifactor = { provider: 'guardian', allowRememberBrowser: false };`)), []);
  });
});

describe('admin-same-as-auth', () => {
  test('admin.ikey equal to the Auth API ikey', () => {
    const text = rule(`  context.multifactor = { provider: 'duo', ikey: '${IKEY}', skey: configuration.S, host: configuration.H,\n    admin: { ikey: '${IKEY}', skey: configuration.AS } };`);
    assert.deepEqual(found(text), ['admin-same-as-auth@3']);
  });

  test('different admin keys are fine', () => {
    const text = rule(`  context.multifactor = { provider: 'duo', ikey: '${IKEY}', skey: configuration.S, host: configuration.H,\n    admin: { ikey: '${ADMIN_IKEY}', skey: configuration.AS } };`);
    assert.deepEqual(found(text), []);
  });
});

describe('callback-not-called', () => {
  test('a rule that never references its callback: reported on the parameter', () => {
    const text = `function (user, context, done) {\n  context.multifactor = { provider: 'guardian' };\n}\n`;
    const [finding] = only(text, 'callback-not-called');
    assert.deepEqual(finding.range, { start: { line: 0, character: 25 }, end: { line: 0, character: 29 } });
  });

  test('a callback called, or passed on, counts', () => {
    assert.deepEqual(only(rule(''), 'callback-not-called'), []);
    assert.deepEqual(only(`function (user, context, cb) {\n  doAsync(user).then(() => cb(null, user, context), cb);\n}\n`, 'callback-not-called'), []);
  });
});

describe('rules-eol', () => {
  test('information on the rule header line, after leading comments', () => {
    const text = `// Duo\n/* more */\nfunction requireDuo(user, context, callback) {\n  callback(null, user, context);\n}\n`;
    const findings = only(text, 'rules-eol');
    assert.equal(findings.length, 1);
    assert.equal(findings[0].severity, 'information');
    assert.equal(findings[0].range.start.line, 2);
    assert.match(findings[0].message, /2026-11-18/);
  });

  test('not on Actions', () => {
    assert.deepEqual(only(action(''), 'rules-eol'), []);
  });
});

describe('syntax-error and text mid-typing', () => {
  test('an unclosed rule still gets its other diagnostics', () => {
    const text = `function (user, context, callback) {\n  context.multifactor = {\n    provider: 'duo',\n    ikey: 'DI...',\n    host:`;
    const codes = found(text);
    assert.ok(codes.includes('syntax-error@5'), codes.join());
    assert.ok(codes.includes('placeholder-value@4'), codes.join());
  });

  test('valid files, with deploy-cli tokens anywhere, have no syntax error', () => {
    const text = `function (user, context, callback) {\n  if (context.protocol === 'oauth2-refresh-token') return callback(null, user, context);\n  var clients = @@MFA_CLIENTS@@;\n  if (clients.indexOf(context.clientID) !== -1) {\n    context.multifactor = { provider: 'duo', ikey: '##DUO_IKEY##', skey: ##DUO_SKEY##, host: @@DUO_HOST@@ };\n  }\n  callback(null, user, context);\n}\n`;
    assert.deepEqual(found(text), []);
  });
});

describe('unknown-configuration-key', () => {
  const declared = ['DUO_IKEY', 'DUO_SKEY', 'DUO_HOST'];

  test('an undeclared configuration key is reported on the key with a suggestion', () => {
    const text = rule(`  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HSOT };`);
    const [finding] = only(text, 'unknown-configuration-key', { declaredConfigurationKeys: declared });
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.data?.suggestion, 'DUO_HOST');
    assert.equal(text.split('\n')[1].slice(finding.range.start.character, finding.range.end.character), 'DUO_HSOT');
  });

  test('configuration.hasOwnProperty(\'X\') and event.secrets.toString() read no key of that name', () => {
    const text = rule(`  if (configuration.hasOwnProperty('MFA_CLIENTS') && String(configuration.toString())) {\n    context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  }`);
    assert.deepEqual(only(text, 'unknown-configuration-key', { declaredConfigurationKeys: declared }), []);
    assert.deepEqual(only(action("  if (event.secrets.hasOwnProperty('X')) api.multifactor.enable('duo');"), 'unknown-configuration-key', { declaredConfigurationKeys: declared }), []);
  });

  test('Actions check event.secrets; nothing is reported without declared keys', () => {
    const text = action(`  api.multifactor.enable('duo', { providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets['DUO_SECRET'], host: event.secrets.DUO_HOST } });`);
    assert.deepEqual(found(text, { declaredConfigurationKeys: declared }), ['unknown-configuration-key@2']);
    assert.deepEqual(found(text), []);
    assert.deepEqual(found(rule(goodRuleConfig), { declaredConfigurationKeys: declared }), []);
  });
});

describe('non-rule files', () => {
  test('an Express app containing context.multifactor gets no diagnostics', () => {
    const text = `const express = require('express');\nconst app = express();\napp.post('/login', (req, res) => {\n  const context = {};\n  context.multifactor = { provider: 'dou', skey: '${SKEY}' };\n  res.json(context);\n});\napp.listen(3000);\n`;
    assert.deepEqual(analyze(text), []);
  });

  test('two top-level functions are not a rule', () => {
    assert.deepEqual(analyze(`function a(user, context, callback) {}\nfunction b() {}\n`), []);
  });
});

describe('ranges', () => {
  test('CRLF line endings', () => {
    const text = rule(`  context.multifactor = {\n    provider: 'duo', ikey: configuration.I, skey: configuration.S, host: configuration.H,\n    hots: 1,\n  };`).replace(/\n/g, '\r\n');
    const [finding] = only(text, 'unknown-field');
    assert.deepEqual(finding.range, { start: { line: 3, character: 4 }, end: { line: 3, character: 8 } });
  });

  test('a BOM, tabs, non-ASCII text and surrogate pairs count as UTF-16 characters', () => {
    const text = '\uFEFF' + `function (user, context, callback) {\n\tconst note = 'Grüße 😀';\n\tcontext.multifactor = { /* 😀é */ provider: 'duo', ikey: configuration.I, skey: configuration.S, host: configuration.H, hots: 1 };\n\tcallback(null, user, context);\n}\n`;
    const [finding] = only(text, 'unknown-field');
    const line = text.split('\n')[2];
    assert.equal(finding.range.start.line, 2);
    assert.equal(finding.range.start.character, line.indexOf('hots'));
    assert.equal(only(text, 'rules-eol')[0].range.start.character, 1);
  });
});

describe('suppressions and severities', () => {
  const twoProblems = rule(`  context.multifactor = {\n    provider: 'duo', ikey: configuration.I, skey: configuration.S, host: configuration.H,\n    // duo-rules-disable-next-line unknown-field\n    hots: 1,\n    ignoreCookie: true,\n  };`);

  test('disable-next-line silences that code on the next line only', () => {
    assert.deepEqual(found(twoProblems), ['deprecated-field@6']);
    const otherCode = twoProblems.replace('disable-next-line unknown-field', 'disable-next-line deprecated-field');
    assert.deepEqual(found(otherCode), ['unknown-field@5', 'deprecated-field@6']);
  });

  test('a block comment disables a code for the whole file', () => {
    assert.deepEqual(analyze(`/* duo-rules-disable rules-eol */\n` + rule('')).map((f) => f.code), []);
    assert.deepEqual(analyze(`/* duo-rules-disable callback-not-called */\n` + rule('')).map((f) => f.code), ['rules-eol']);
  });

  test('severity layers: off drops a code, overrides change it, default falls through', () => {
    const severities = mergeSeverities({ 'deprecated-field': 'error', 'rules-eol': 'off' }, { 'deprecated-field': 'default', 'unknown-field': 'hint', 'not-a-code': 'error' });
    assert.deepEqual(severities, { 'deprecated-field': 'error', 'rules-eol': 'off', 'unknown-field': 'hint' });
    const text = twoProblems.replace('    // duo-rules-disable-next-line unknown-field\n', '');
    const findings = analyze(text, { severities });
    assert.deepEqual(findings.map((f) => `${f.code}:${f.severity}`), ['unknown-field:hint', 'deprecated-field:error']);
    const diagnostic = toDiagnostic(findings[1]);
    assert.equal(diagnostic.severity, 1);
    assert.equal(diagnostic.source, 'duo-rules');
    assert.equal(diagnostic.code, 'deprecated-field');
    assert.equal(diagnostic.codeDescription?.href, 'https://github.com/duo-rules/duo-rules#deprecated-field');
  });
});

describe('bad input ends quickly without throwing', () => {
  test('binary junk, alone or after a rule header', { timeout: 60_000 }, () => {
    let seed = 42;
    const random = (n: number, range: number) => Array.from({ length: n }, () => String.fromCharCode((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % range)).join('');
    const binary = random(5_000_000, 256);
    assert.deepEqual(analyze(binary), []);
    // NUL bytes mean binary, not a rule being typed.
    assert.deepEqual(analyze('function (user, context, callback) {' + binary), []);
    // Text without NUL bytes goes through the tolerant parser: it must still end.
    for (const junk of [random(200_000, 65536).replace(/\0/g, ''), random(200_000, 128).replace(/\0/g, '')]) {
      assert.ok(Array.isArray(analyze(junk)));
      assert.ok(analyze('function (user, context, callback) {\n' + junk).some((f) => f.code === 'syntax-error'));
    }
  });

  test('long runs of blanks and comments around the rule function', { timeout: 30_000 }, () => {
    const blanks = ' '.repeat(100_000);
    assert.deepEqual(analyze(blanks + 'x'), []);
    assert.deepEqual(analyze(rule('') + blanks + 'x').map((f) => f.code), ['rules-eol', 'syntax-error']);
    assert.deepEqual(analyze('/* c */ // c\n'.repeat(10_000) + rule('') + '\n; // end\n'.repeat(10_000)).map((f) => f.code), ['rules-eol']);
  });

  test('an empty file and whitespace', () => {
    assert.deepEqual(analyze(''), []);
    assert.deepEqual(analyze('\n\r\n  \t'), []);
  });

  // A leading-trivia pattern with nested quantifiers once took seconds per extra space here.
  test('a long run of blank lines or indentation before the code', { timeout: 5_000 }, () => {
    assert.deepEqual(analyze(' '.repeat(200) + 'x'), []);
    assert.deepEqual(analyze('\n'.repeat(5_000) + 'const app = 1;'), []);
    const codes = analyze('\n'.repeat(5_000) + '   // a rule\n' + rule('')).map((f) => f.code);
    assert.ok(codes.includes('rules-eol'), `a rule after blank lines is still a rule: ${codes}`);
  });

  test('a 5 MB rule', { timeout: 30_000 }, () => {
    const line = `  context.multifactor = { provider: 'duo', ikey: configuration.I, skey: configuration.S, host: configuration.H };\n`;
    const copies = Math.ceil(5_000_000 / line.length);
    // One configuration without host at the end: a size cut-off that skipped the analysis would miss it.
    const text = rule(line.repeat(copies) + line.replace(', host: configuration.H', ''));
    const started = Date.now();
    assert.deepEqual(found(text), [`missing-field@${copies + 2}`]);
    assert.ok(Date.now() - started < 20_000);
  });
});

describe('a misspelt multifactor, which Auth0 never reads', () => {
  const keys = `{ provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST }`;
  const secrets = `{ providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST } }`;

  test('context.multiFactor / context.mulitfactor in a Rule: a warning on the name, since the login gets no MFA', () => {
    for (const name of ['multiFactor', 'mulitfactor', 'MultiFactor']) {
      const text = rule(`  context.${name} = ${keys};`);
      const [finding] = only(text, 'unknown-field');
      assert.equal(finding.severity, 'warning');
      assert.match(finding.message, new RegExp(`^'${name}' is not a context field Auth0 reads: Auth0 reads only context\\.multifactor \\(all lower case\\), so this login gets no MFA\\. Did you mean 'multifactor'\\?$`));
      assert.equal(text.split('\n')[1].slice(finding.range.start.character, finding.range.end.character), name);
    }
  });

  test('api.multiFactor and api.multifactor.enabled in an Action: a warning, since the call throws at every login', () => {
    assert.match(only(action(`  api.multiFactor.enable('duo', ${secrets});`), 'unknown-field')[0].message, /^'multiFactor' is not part of the Actions API: api\.multiFactor is undefined in an Action, so using it throws a TypeError at every login\. Did you mean 'multifactor'\?$/);
    assert.match(only(action(`  api.multifactor.enabled('duo', ${secrets});`), 'unknown-field')[0].message, /^'enabled' is not a method of api\.multifactor: calling it throws a TypeError at every login\. Did you mean 'enable'\?$/);
  });

  test('the correct names and other context fields are left alone', () => {
    assert.deepEqual(found(rule(`  context.multifactor = ${keys};\n  context.idToken.multifactor = true;\n  context.sso = context.sso || {};`)).filter((c) => c.startsWith('unknown-field')), []);
    assert.deepEqual(found(action(`  api.multifactor.enable('duo', ${secrets});\n  api.accessToken.setCustomClaim('x', 1);`)).filter((c) => c.startsWith('unknown-field')), []);
  });
});

describe('a near miss of a user profile field', () => {
  const duo = "context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };";

  test('another case or moved underscores (user.appMetadata, event.user.emailVerified): a warning naming the profile field', () => {
    // The Duo gate on a field that is never set: no login is ever asked for Duo.
    const [onRule] = only(rule(`  if (user.appMetadata && user.app_metadata.use_mfa) {\n    ${duo}\n  }`), 'unknown-field');
    assert.equal(onRule.message, "'appMetadata' is not a field of Auth0's user profile: user.appMetadata is undefined at every login unless a connection sets an attribute of that name (a condition on it never sees the login's value). Did you mean 'app_metadata'?");
    assert.equal(onRule.data?.suggestion, 'app_metadata');
    const onAction = only(action("  if (!event.user.emailVerified || event.user.LOGINS_COUNT > 3) api.multifactor.enable('duo');"), 'unknown-field');
    assert.deepEqual(onAction.map((f) => f.data?.suggestion), ['email_verified', 'logins_count']);
    assert.match(onAction[0].message, /^'emailVerified' is not a field of Auth0's user profile: event\.user\.emailVerified is undefined at every login/);
  });

  test('a long name a letter or two off (user.app_metdata) is reported; a short one may be the connection\'s own attribute', () => {
    assert.deepEqual(only(rule(`  if (user.app_metdata && user.email_verfied) {\n    ${duo}\n  }`), 'unknown-field').map((f) => f.data?.suggestion), ['app_metadata', 'email_verified']);
    // Attributes that connections add at the root of the profile, some a few letters from a field.
    assert.deepEqual(only(rule(`  if (user.groups && user.myemail && user.emails && user.aal && user.last_name) {\n    ${duo}\n  }`), 'unknown-field'), []);
  });

  test('a user the file sets itself, and another object named user in a nested function, are left alone', () => {
    assert.deepEqual(only(rule(`  user.appMetadata = user.app_metadata || {};\n  if (user.appMetadata.use_mfa) {\n    ${duo}\n  }`), 'unknown-field'), []);
    const nested = rule(`  request.get('https://hr.example.com/u', function (err, response, body) {\n    var user = JSON.parse(body);\n    if (user.emailVerified) { context.idToken.hr = true; }\n  });\n  users.forEach((user) => user.userId);\n  ${duo}`);
    assert.deepEqual(only(nested, 'unknown-field'), []);
    // The same reads on the Rule's own user are reported.
    assert.equal(only(nested.replace('var user = JSON.parse(body);', '').replace('(user) => user.userId', '(u) => user.userId'), 'unknown-field').length, 2);
  });
});

describe('a near miss of a context or event field', () => {
  test('context.clientId, event.client.clientId, event.secret: a warning naming the field Auth0 sets', () => {
    const ruleText = rule(`  if (context.clientId === 'payroll-app') {\n    context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  }`);
    const [onRule] = only(ruleText, 'unknown-field');
    assert.equal(onRule.message, "'clientId' is not a field of context: context.clientId is undefined at every login (a condition on it never sees the login's value; reading a property of it throws). Did you mean 'clientID'?");
    assert.equal(onRule.data?.suggestion, 'clientID');
    const actionText = action(`  if (event.client.clientId !== 'kiosk') api.multifactor.enable('duo', { providerOptions: { ikey: event.secret.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST } });`);
    assert.deepEqual(only(actionText, 'unknown-field').map((f) => f.data?.suggestion), ['client_id', 'secrets']);
  });

  test("request.geoip: a Rule's snake_case name in an Action, and an Action's camelCase name in a Rule, are undefined there", () => {
    // The gate that skips Duo in the US never holds in the Action: every US login is asked for Duo.
    const actionText = action("  if (event.request.geoip.country_code !== 'US' || event.request.geoip.timeZone === 'UTC') api.multifactor.enable('duo');");
    const [onAction] = only(actionText, 'unknown-field');
    assert.equal(onAction.message, "'country_code' is not a field of event.request.geoip: event.request.geoip.country_code is undefined at every login (a condition on it never sees the login's value; reading a property of it throws). Did you mean 'countryCode'?");
    assert.equal(onAction.data?.suggestion, 'countryCode');
    assert.equal(only(actionText, 'unknown-field').length, 1);
    const ruleText = rule(`  if (context.request.geoip.countryCode !== 'US' && context.request.geoip.city_name) {\n    context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  }`);
    assert.deepEqual(only(ruleText, 'unknown-field').map((f) => f.data?.suggestion), ['country_code']);
  });

  test('fields Auth0 sets, names the file assigns itself and the user\'s own attributes are left alone', () => {
    const text = rule(`  context.clientIds = ['a'];\n  if (context.clientIds.indexOf(context.clientID) !== -1 && context.connectionID && user.department) {\n    context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  }`);
    assert.deepEqual(only(text, 'unknown-field'), []);
    // A nested function's own parameter named context is not Auth0's context.
    const shadowed = rule(`  [1].forEach(function (context) { if (context.clientId) { user.tagged = true; } });\n  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };`);
    assert.deepEqual(only(shadowed, 'unknown-field'), []);
    // The same read on Auth0's context is reported.
    assert.equal(only(shadowed.replace('function (context)', 'function (item)'), 'unknown-field').length, 1);
  });
});
