// Rule -> post-login Action conversion: the seed rule, the example and Auth0-style templates
// convert to Actions that analyse with the same MFA fields; nothing converts less strictly than
// the Rule (denials kept, untranslatable paths denied behind a TODO); TODOs sit in the code at
// the Action lines the notes name; the runner makes the same decision for the Rule and its Action.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { convertRule as convertRuleToAction, noteTag, todoTag, type ConvertOptions } from '../../server/src/analysis/ruleConverter';
import { buildActionJson, orderedActionName } from '../../server/src/analysis/convertDeploy';
import { analyze } from '../../server/src/analysis/diagnostics';
import { buildModel, findProperty, type MfaObject } from '../../server/src/analysis/model';
import { disposeRunnerPool, runFile } from '../../server/src/runner/index';
import { createWorkspace } from '../helpers/workspace';

const root = join(__dirname, '..', '..', '..');
/** The rule of Duo's "Duo for Developers" page, verbatim. */
const seed = readFileSync(join(root, 'test', 'fixtures', 'seed-rule.js'), 'utf8');

function convert(text: string, options: ConvertOptions = {}) {
  const result = convertRuleToAction(text, options);
  assert.ok(result.ok, result.ok ? '' : result.message);
  return result;
}

/** key -> value source text of an MFA object. */
function fields(text: string, object: MfaObject | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of object?.properties ?? []) out[p.key] = text.slice(p.value.range.start, p.value.range.end);
  return out;
}

describe('the seed rule', () => {
  const result = convert(seed);
  const model = buildModel(result.code);

  test('becomes a post-login Action that parses, with one api.multifactor.enable', () => {
    assert.equal(model.kind, 'action');
    assert.equal(model.syntaxError, undefined);
    assert.equal(model.configs.length, 1);
    assert.equal(model.configs[0].form, 'action-enable');
    assert.equal(model.configs[0].providerName, 'duo');
  });

  test('reads all three keys from event.secrets, with ignoreCookie: true as allowRememberBrowser: false', () => {
    const po = fields(result.code, model.configs[0].duoOptions);
    assert.deepEqual(po, { ikey: 'event.secrets.DUO_IKEY', skey: 'event.secrets.DUO_SKEY', host: 'event.secrets.DUO_HOST' });
    assert.equal(fields(result.code, model.configs[0].options).allowRememberBrowser, 'false');
    assert.deepEqual(result.secrets, ['DUO_IKEY', 'DUO_SKEY', 'DUO_HOST']);
  });

  test('keeps the comments and the client check, with context.clientID as event.client.client_id', () => {
    assert.match(result.code, /\/\/ run only for the specified clients/);
    assert.match(result.code, /\/\/ admin: \{/);
    assert.match(result.code, /CLIENTS_WITH_MFA\.indexOf\(event\.client\.client_id\) !== -1/);
    assert.doesNotMatch(result.code, /\bcallback\b|\bcontext\./);
  });

  test('keeps the placeholder client check the analysis reports, and no sample key value', () => {
    assert.deepEqual(analyze(result.code).map((f) => f.code), ['placeholder-client-id']);
    // The seed rule has no early return for refresh-token exchanges, so neither has the Action: with a real
    // client id its Duo MFA runs and the warning is there.
    assert.deepEqual(analyze(result.code.replace('{REPLACE_WITH_YOUR_CLIENT_ID}', 's6BhdRkqt3')).map((f) => f.code), ['missing-refresh-token-guard']);
    for (const sample of ['DIXBMN...LZO8IOS8', 'nZLxq8GK7....saKCOLPnh', 'api-3....049.duosecurity.com']) assert.ok(!result.code.includes(sample), sample);
  });

  test('each sample key is a blocking TODO at its Action line, and the header lists them', () => {
    const lines = result.code.split('\n');
    assert.deepEqual(result.notes.map((n) => [n.blocking, /sample value/.test(n.message)]), [[true, true], [true, true], [true, true]]);
    for (const note of result.notes) {
      assert.equal(lines[note.line - 1].trim(), `// ${todoTag}: ${note.message}`);
      assert.ok(lines.slice(0, 10).some((l) => l === ` *   line ${note.line}: ${note.message}`), `header lists line ${note.line}`);
    }
  });
});

describe('the secrets a converted Action reads', () => {
  test("configuration.hasOwnProperty('X') lists the secret X, not hasOwnProperty; toString lists nothing", () => {
    const result = convert(`function (user, context, callback) {\n  if (configuration.hasOwnProperty('MFA_GROUPS') && configuration.toString()) {\n    context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  }\n  callback(null, user, context);\n}\n`);
    assert.deepEqual(result.secrets, ['MFA_GROUPS', 'DUO_IKEY', 'DUO_SKEY', 'DUO_HOST']);
    assert.match(result.code, /if \(event\.secrets\.hasOwnProperty\('MFA_GROUPS'\) && event\.secrets\.toString\(\)\)/);
    assert.match(result.code, /Secrets it reads \(event\.secrets\): MFA_GROUPS, DUO_IKEY, DUO_SKEY, DUO_HOST\./);
  });
});

describe('hard-coded secrets', () => {
  const SKEY = 'abcdefghij0123456789ABCDEFGHIJ0123456789';
  const ADMIN_SKEY = 'zyxwvutsrq9876543210ZYXWVUTSRQ9876543210';
  const rule = `function (user, context, callback) {
  var DUO_SECRET = '${SKEY}';
  context.multifactor = {
    provider: 'duo', ikey: 'DIABCDEFGHIJ01234567', skey: DUO_SECRET, host: 'api-1234abcd.duosecurity.com',
    admin: { ikey: 'DIZYXWVUTSRQ98765432', skey: '${ADMIN_SKEY}' },
  };
  callback(null, user, context);
}
`;
  const result = convert(rule);

  test('are replaced by event.secrets references and listed as secrets to add; their values appear nowhere', () => {
    assert.match(result.code, /var DUO_SECRET = event\.secrets\.DUO_SKEY;/);
    assert.deepEqual(result.secrets, ['DUO_SKEY', 'DUO_IKEY', 'DUO_HOST']);
    // The skey is never copied: setting it is left to the user, as a TODO.
    assert.ok(result.notes.some((n) => n.blocking && /hard-coded Duo skey was replaced by event\.secrets\.DUO_SKEY/.test(n.message)));
    // A real ikey and host are not secret: the note says which value the secret must hold.
    assert.ok(result.notes.some((n) => !n.blocking && n.message.includes('"DIABCDEFGHIJ01234567" is read from event.secrets.DUO_IKEY')));
    const everything = JSON.stringify(result);
    assert.ok(!everything.includes(SKEY), 'the skey was copied');
    assert.ok(!everything.includes(ADMIN_SKEY), 'the admin skey was copied');
    // The admin block is dropped with a TODO, so its secret is not asked for.
    assert.ok(!result.secrets.includes('DUO_ADMIN_SKEY'));
    assert.equal(analyze(result.code).filter((f) => f.code === 'hardcoded-secret').length, 0);
  });
});

describe('the example rule', () => {
  const text = readFileSync(join(root, 'examples', 'duo-rule.js'), 'utf8');
  const result = convert(text);

  test('gives a clean Action reading event.secrets, and names the secrets it needs', () => {
    assert.deepEqual(analyze(result.code), []);
    assert.deepEqual(result.secrets, ['DUO_IKEY', 'DUO_SKEY', 'DUO_HOST']);
    assert.deepEqual(result.notes, []);
    assert.equal(result.functionName, 'requireDuo');
    const model = buildModel(result.code);
    const po = fields(result.code, model.configs[0].duoOptions);
    assert.deepEqual(po, { ikey: 'event.secrets.DUO_IKEY', skey: 'event.secrets.DUO_SKEY', host: 'event.secrets.DUO_HOST', username: 'event.user.email' });
    assert.match(result.code, /if \(event\.transaction\.protocol === 'oauth2-refresh-token'\) \{\n    return;\n  \}/);
  });
});

describe('Auth0-style templates', () => {
  const template = [
    'function guardianOrDuo(user, context, callback) {',
    "  const ROLES_CLAIM = 'https://example.com/roles';",
    '  if (!user.email_verified) {',
    "    return callback(new UnauthorizedError('Please verify your email before logging in.'));",
    '  }',
    '  context.idToken[ROLES_CLAIM] = context.authorization.roles;',
    '  context.accessToken.scope_hint = "mfa";',
    '  user.app_metadata = user.app_metadata || {};',
    '  global.lastLogin = Date.now();',
    "  const moment = require('moment@2.29.4');",
    '  if (user.user_metadata && user.user_metadata.use_mfa) {',
    '    context.multifactor = {',
    "      provider: 'duo',",
    '      ikey: @@DUO_IKEY@@,',
    '      skey: configuration.DUO_SKEY,',
    "      host: '##DUO_HOST##',",
    '      ignoreCookie: configuration.REMEMBER !== "yes",',
    '      admin: { ikey: configuration.DUO_ADMIN_IKEY, skey: configuration.DUO_ADMIN_SKEY },',
    '    };',
    '  }',
    '  auth0.users.updateAppMetadata(user.user_id, user.app_metadata)',
    '    .then(function () { callback(null, user, context); })',
    '    .catch(function (err) { callback(err); });',
    '}',
  ].join('\n');
  const result = convert(template);

  test('denials, claims and tokens follow the migration guide; deploy-cli tokens name the secrets', () => {
    assert.match(result.code, /return api\.access\.deny\('Please verify your email before logging in\.'\);/);
    assert.match(result.code, /api\.idToken\.setCustomClaim\(ROLES_CLAIM, event\.authorization\.roles\);/);
    assert.match(result.code, /api\.accessToken\.setCustomClaim\('scope_hint', "mfa"\);/);
    assert.match(result.code, /ikey: event\.secrets\.DUO_IKEY,/);
    assert.match(result.code, /host: event\.secrets\.DUO_HOST,/);
    assert.match(result.code, /skey: event\.secrets\.DUO_SKEY,/);
    assert.match(result.code, /if \(event\.user\.user_metadata && event\.user\.user_metadata\.use_mfa\)/);
  });

  test('what has no equivalent is a TODO in the code at the line its note names', () => {
    const blocking = result.notes.filter((n) => n.blocking).map((n) => n.message).join('\n');
    for (const expected of [/api\.user\.setAppMetadata/, /global\.lastLogin is state shared/, /auth0 management object/, /nested function/]) {
      assert.match(blocking, expected);
    }
    const info = result.notes.filter((n) => !n.blocking).map((n) => n.message).join('\n');
    for (const expected of [/admin \(Duo Admin API credentials\)/, /moment@2\.29\.4/]) assert.match(info, expected);
    const lines = result.code.split('\n');
    for (const note of result.notes) assert.ok(lines[note.line - 1].includes(`${note.blocking ? todoTag : noteTag}: ${note.message}`), `line ${note.line}: ${lines[note.line - 1]}`);
    assert.match(result.code, /allowRememberBrowser: !\(event\.secrets\.REMEMBER !== "yes"\),/);
    assert.match(result.code, /require\('moment'\)/);
  });

  test('the decision made in nested functions is not lost: the Action denies behind a TODO', () => {
    // The Rule's catch(function (err) { callback(err); }) denied; an Action that returned before it would not.
    assert.match(result.code, /\.catch\(function \(err\) \{\n[^\n]*TODO\(duo-rules\): callback is called inside a nested function[^\n]*\n {6}return api\.access\.deny\(ruleErrorMessage\(err\)\); \}\);/);
    assert.match(result.code, /\/\/ TODO\(duo-rules\): the Rule decided the login inside a nested function[^\n]*\n {2}return api\.access\.deny\('Access denied: this login path of the Rule was not converted yet'\);\n\};/);
  });

  test('the Action still parses; secrets are what it reads (the dropped admin keys are not asked for)', () => {
    const model = buildModel(result.code);
    assert.equal(model.kind, 'action');
    assert.equal(model.syntaxError, undefined);
    assert.ok(findProperty(model.configs[0].options, 'providerOptions'));
    assert.deepEqual(result.secrets, ['DUO_IKEY', 'DUO_HOST', 'DUO_SKEY', 'REMEMBER']);
  });

  test('other parameter names and a multifactor object bound to a variable', () => {
    const r = convert("function (u, ctx, cb) {\n  var mfa = { provider: 'duo', ikey: configuration.I, skey: configuration.S, host: configuration.H };\n  ctx.multifactor = mfa;\n  cb(null, u, ctx);\n}\n");
    assert.match(r.code, /\n {2}multifactor = mfa;\n {2}enableRuleMultifactor\(api, multifactor\);\n\};/);
    assert.match(r.code, /^function enableRuleMultifactor\(api, multifactor\) \{$/m);
    assert.deepEqual(r.notes, []);
    assert.equal(buildModel(r.code).syntaxError, undefined);
  });
});

const fixtures = join(root, 'test', 'fixtures', 'convert');
const fixture = (name: string): string => readFileSync(join(fixtures, name), 'utf8');
/** The code without comment lines (TODOs name what the Rule did, in its terms). */
const codeOnly = (code: string): string => code.split('\n').filter((l) => !/^\s*(\/\/|\/?\*)/.test(l)).join('\n');

describe('never less strict than the Rule', () => {
  test('UnauthorizedError and Error denials keep their messages', () => {
    const r = convert(fixture('deny.js'));
    assert.match(r.code, /return api\.access\.deny\('Please verify your email before logging in\.'\);/);
    assert.match(r.code, /return api\.access\.deny\('Account blocked: ' \+ event\.user\.email\);/);
    assert.deepEqual(r.notes, []);
  });

  test('callback(err) with a value known at run time denies unless it is null', () => {
    const r = convert('function (user, context, callback) {\n  const err = check(user);\n  return callback(err, user, context);\n}\n');
    assert.match(r.code, /return err == null \? undefined : api\.access\.deny\(ruleErrorMessage\(err\)\);/);
  });

  test('a deny helper from another rule (callback(null, user, global.postError(…))) becomes a guarded deny, never a bare return', () => {
    const r = convert(fixture('pipeline/rules/02-duo.js'));
    assert.match(r.code, /\/\/ TODO\(duo-rules\): the Rule ended the login with callback\(null, user, global\.postError\('unverified', context\)\)[^\n]*\n {4}return api\.access\.deny\('Access denied: this login path of the Rule was not converted yet'\);/);
    assert.ok(r.notes.some((n) => n.blocking && /global\.postError/.test(n.message)));
    // global.isStaff has no definition when the rule is converted alone.
    assert.ok(r.notes.some((n) => n.blocking && /global\.isStaff comes from another Rule/.test(n.message)));
  });

  test('--unsafe-allow lets that path through, still with a TODO', () => {
    const r = convert(fixture('pipeline/rules/02-duo.js'), { unsafeAllow: true });
    assert.doesNotMatch(r.code, /Access denied: this login path/);
    assert.ok(r.notes.some((n) => n.blocking && /--unsafe-allow/.test(n.message)));
  });

  test('context.redirect becomes a guarded deny', () => {
    const r = convert(fixture('redirect.js'));
    assert.match(r.code, /\/\/ TODO\(duo-rules\): the Rule redirected the user \(context\.redirect = \{ url: 'https:\/\/consent\.example\.com\/' \}\)[^\n]*\n {4}return api\.access\.deny\(/);
  });

  test('context.multifactor = true: no MFA call, a note (Auth0 ignored it)', () => {
    const r = convert(fixture('multifactor-true.js'));
    assert.doesNotMatch(r.code, /api\.multifactor\.enable/);
    assert.deepEqual(r.notes.map((n) => [n.blocking, /not an object: Auth0 ignored it/.test(n.message)]), [[false, true]]);
    assert.match(r.code, new RegExp(`// ${noteTag.replace(/[()]/g, '\\$&')}: the Rule set context\\.multifactor = true`));
  });

  test('a configuration completed in steps ({ ...context.multifactor, ikey, skey }) keeps no context reference', () => {
    const r = convert(fixture('spread-config.js'));
    assert.doesNotMatch(codeOnly(r.code), /\bcontext\b/);
    assert.match(r.code, /multifactor = \{ \.\.\.multifactor, ikey: event\.secrets\.CORP_IKEY, skey: event\.secrets\.CORP_SKEY \};/);
    assert.match(r.code, /\n {2}enableRuleMultifactor\(api, multifactor\);\n\};/);
    assert.deepEqual(r.notes, []);
    assert.equal(buildModel(r.code).syntaxError, undefined);
  });
});

describe('no Rule identifier survives', () => {
  test('the output is analysed: a Rule global left in a helper from an earlier rule is a blocking TODO at its line', () => {
    const helpers = new Map([['errorUrl', "function (code) {\n  return configuration.ERROR_URL + '?code=' + code;\n}"]]);
    const r = convert("function (user, context, callback) {\n  if (!user.email_verified) return callback(new UnauthorizedError(global.errorUrl('x')));\n  callback(null, user, context);\n}\n", { globalFunctions: helpers });
    const lines = r.code.split('\n');
    const found = r.notes.filter((n) => n.blocking && n.message.startsWith('rule-global-in-action:'));
    assert.equal(found.length, 1, JSON.stringify(r.notes));
    assert.match(lines[found[0].line - 1], /^\s*\/\/ TODO\(duo-rules\): rule-global-in-action: 'configuration'/);
    assert.match(lines[found[0].line], /return configuration\.ERROR_URL/);
    assert.ok(lines.some((l) => l === ` *   line ${found[0].line}: ${found[0].message}`), 'the header lists it');
  });

  test('a Rule that can end without calling callback (the login timed out) ends the Action with a guarded deny', () => {
    const r = convert("function (user, context, callback) {\n  if (user.email_verified) {\n    callback(null, user, context);\n  }\n}\n");
    assert.match(r.code, /\/\/ TODO\(duo-rules\): the Rule can reach its end here without calling callback[^\n]*\n {2}return api\.access\.deny\('Access denied: this login path of the Rule was not converted yet'\);\n\};/);
    const complete = convert("function (user, context, callback) {\n  if (user.email_verified) {\n    return callback(null, user, context);\n  } else {\n    callback(new UnauthorizedError('verify'));\n  }\n}\n");
    assert.deepEqual(complete.notes, []);
  });
});

describe('keys', () => {
  const rule = "function (user, context, callback) {\n  context.multifactor = { provider: 'duo', ikey: 'DIABCDEFGHIJ01234567', skey: configuration.DUO_SKEY, host: 'api-1234abcd.duosecurity.com', allowRememberBrowser: true };\n  callback(null, user, context);\n}\n";

  test('--keys secrets reads all three from event.secrets whatever the Rule had', () => {
    const r = convert(rule);
    const po = fields(r.code, buildModel(r.code).configs[0].duoOptions);
    assert.deepEqual(po, { ikey: 'event.secrets.DUO_IKEY', skey: 'event.secrets.DUO_SKEY', host: 'event.secrets.DUO_HOST' });
    assert.deepEqual(r.secrets, ['DUO_IKEY', 'DUO_HOST', 'DUO_SKEY']);
  });

  test('--keys tenant enables duo without providerOptions and says where the keys go', () => {
    const r = convert(rule, { keys: 'tenant' });
    const config = buildModel(r.code).configs[0];
    assert.equal(config.providerName, 'duo');
    assert.equal(findProperty(config.options, 'providerOptions'), undefined);
    assert.equal(fields(r.code, config.options).allowRememberBrowser, 'true');
    assert.deepEqual(r.secrets, []);
    assert.ok(r.notes.some((n) => /auth0 guardian factors duo settings set/.test(n.message)));
    assert.ok(!r.code.includes('DIABCDEFGHIJ01234567'));
  });
});

describe('pipelines', () => {
  test('a helper an earlier rule stored on global becomes a module-level function of the Action that calls it', () => {
    const first = convert(fixture('pipeline/rules/01-global-functions.js'));
    assert.deepEqual([...first.definedGlobalFunctions.keys()], ['postError', 'isStaff']);
    assert.doesNotMatch(codeOnly(first.code), /global/);
    const second = convert(fixture('pipeline/rules/02-duo.js'), { globalFunctions: first.definedGlobalFunctions });
    assert.match(second.code, /^const isStaff = function \(profile\) \{$/m);
    assert.match(second.code, /if \(isStaff\(event\.user\)\) \{/);
    assert.doesNotMatch(codeOnly(second.code), /\bglobal\b/);
    // postError still hands Auth0 another context: that path stays a guarded deny.
    assert.match(second.code, /return api\.access\.deny\('Access denied: this login path/);
  });
});

describe('configuration used other than as configuration.X', () => {
  test('destructured keys become secrets of the Action; whole-object uses get a TODO', () => {
    const r = convert([
      'function (user, context, callback) {',
      '  const { DUO_IKEY, DUO_SKEY } = configuration;',
      '  const settings = configuration;',
      "  context.multifactor = { provider: 'duo', ikey: DUO_IKEY, skey: DUO_SKEY, host: settings.DUO_HOST };",
      '  callback(null, user, context);',
      '}',
    ].join('\n'));
    // Without these secrets the deploy-cli Action JSON would not declare what the code reads.
    assert.deepEqual(r.secrets, ['DUO_IKEY', 'DUO_SKEY']);
    assert.match(r.code, /const \{ DUO_IKEY, DUO_SKEY \} = event\.secrets;/);
    assert.deepEqual(r.notes.map((n) => [r.code.split('\n')[n.line - 1].trim(), /used as a whole object/.test(n.message)]), [[`// ${todoTag}: ${r.notes[0].message}`, true]]);
    assert.match(r.code, new RegExp(`// ${todoTag.replace(/[()]/g, '\\$&')}: configuration is used as a whole object[^\n]*\n  const settings = event\\.secrets;`));
  });

  test('one TODO per statement even when it names the same global twice', () => {
    const r = convert('function (user, context, callback) {\n  global.cache = global.cache || {};\n  callback(null, user, context);\n}\n');
    assert.equal(r.notes.length, 1);
    assert.ok(r.notes[0].blocking);
    assert.equal(r.code.split(`// ${todoTag}`).length - 1, 1, r.code);
  });
});

describe('TODOs on statements that share their line', () => {
  test('get a line of their own above the statement, and the code still means the same', () => {
    const r = convert([
      'function (user, context, callback) {',
      '  lookup(user.email, function (err, allowed) {',
      '    if (err) return callback(err);',
      "    save().then(function () { callback(null, user, context); });",
      '  });',
      '}',
    ].join('\n'));
    const lines = r.code.split('\n');
    const at = (text: string): number => lines.findIndex((l) => l.includes(text));
    // Every TODO comment starts its line, so none swallows code after it.
    for (const l of lines.filter((x) => x.includes(`// ${todoTag}`))) assert.match(l, /^\s*\/\/ TODO\(duo-rules\): /, l);
    assert.match(lines[at('if (err)')], /^ {4}if \(err\)$/);
    assert.match(lines[at('if (err)') + 1], /^ {6}\/\/ TODO\(duo-rules\): callback is called inside a nested function/);
    assert.equal(lines[at('if (err)') + 2], '      return api.access.deny(ruleErrorMessage(err));');
    assert.equal(lines[at('save().then')], '    save().then(function () {');
    assert.match(lines[at('save().then') + 1], /^ {6}\/\/ TODO\(duo-rules\): callback/);
    assert.equal(lines[at('save().then') + 2], '      return; });');
    assert.equal(buildModel(r.code).syntaxError, undefined);
  });
});

describe('access token scopes', () => {
  test('Auth0\'s "deny API access" rule: context.accessToken.scope is kept with a TODO, not turned into a custom claim', () => {
    const r = convert([
      'function (user, context, callback) {',
      '  var permissions = user.permissions || [];',
      '  var requestedScopes = context.request.body.scope || context.request.query.scope;',
      '  var filteredScopes = requestedScopes.split(\' \').filter(function (x) { return x.indexOf(\':\') < 0; });',
      '  var allScopes = filteredScopes.concat(permissions);',
      '  context.accessToken.scope = allScopes.join(\' \');',
      '  callback(null, user, context);',
      '}',
    ].join('\n'));
    assert.doesNotMatch(r.code, /setCustomClaim\('scope'/);
    assert.match(r.code, /var requestedScopes = event\.request\.body\.scope \|\| event\.request\.query\.scope;/);
    assert.match(r.code, /\/\/ TODO\(duo-rules\): the access token's scope is not a custom claim[^\n]*addScope[^\n]*\n  context\.accessToken\.scope = allScopes\.join\(' '\);/);
    assert.deepEqual(r.notes.map((n) => r.code.split('\n')[n.line - 1].trim().slice(0, 20)), ['// TODO(duo-rules): ']);
    assert.equal(buildModel(r.code).syntaxError, undefined);
  });
});

describe('inputs that are not convertible', () => {
  test('a rule ending in `};` (which Auth0 accepts) converts; other text after it is still refused', () => {
    const r = convert("function (user, context, callback) {\n  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  callback(null, user, context);\n};; // end\n");
    assert.match(r.code, /api\.multifactor\.enable\('duo'/);
    assert.deepEqual(r.secrets, ['DUO_IKEY', 'DUO_SKEY', 'DUO_HOST']);
    assert.equal(buildModel(r.code).syntaxError, undefined);
    const twice = convertRuleToAction('function (user, context, callback) {\n  callback(null, user, context);\n};\nfoo();\n');
    assert.equal(twice.ok, false);
  });

  test('an Action, another script and broken text get a clear message', () => {
    const action = convertRuleToAction(readFileSync(join(root, 'examples', 'duo-action.js'), 'utf8'));
    assert.deepEqual(action, { ok: false, message: 'this file is already a post-login Action' });
    const other = convertRuleToAction('const a = 1;\nconst b = 2;\n');
    assert.equal(other.ok, false);
    assert.match(other.ok ? '' : other.message, /not an Auth0 Rule/);
    const broken = convertRuleToAction('function (user, context, callback) {\n  context.multifactor = {\n');
    assert.match(broken.ok ? '' : broken.message, /syntax error/);
  });
});

describe('deploy-cli Action JSON', () => {
  test('secrets are keyword tokens; the shape follows an existing Action', () => {
    const json = buildActionJson('02-duo', './actions/02-duo/code.js', ['DUO_IKEY', 'DUO_SKEY'], { deployed: true, name: 'x', runtime: 'node18', code: 'y', supported_triggers: [{ id: 'post-login', version: 'v2' }], status: 'built' });
    assert.deepEqual(Object.keys(json), ['deployed', 'name', 'runtime', 'code', 'supported_triggers', 'dependencies', 'secrets']);
    assert.equal(json.runtime, 'node18');
    assert.deepEqual(json.supported_triggers, [{ id: 'post-login', version: 'v2' }]);
    assert.deepEqual(json.secrets, [{ name: 'DUO_IKEY', value: '##DUO_IKEY##' }, { name: 'DUO_SKEY', value: '##DUO_SKEY##' }]);
    assert.equal(json.deployed, false);
    assert.equal(orderedActionName('duo', 3, 2), '03-duo');
    assert.equal(orderedActionName('duo', undefined), 'duo');
  });
});

describe('the runner makes the same MFA decision for the Rule and its Action', () => {
  const dir = createWorkspace({ prefix: 'duo-convert-run-' }).root;
  after(() => disposeRunnerPool());
  const configuration = { DUO_IKEY: 'DIABCDEFGHIJ01234567', DUO_SKEY: 'abcdefghij0123456789ABCDEFGHIJ0123456789', DUO_HOST: 'api-1234abcd.duosecurity.com' };

  async function both(name: string, ruleText: string, inputs: { context?: unknown; event?: unknown } = {}) {
    const rulePath = join(dir, `${name}.rule.js`);
    const actionPath = join(dir, `${name}.action.js`);
    writeFileSync(rulePath, ruleText);
    writeFileSync(actionPath, convert(ruleText).code);
    const rule = await runFile({ file: rulePath, configuration, context: inputs.context });
    const action = await runFile({ file: actionPath, configuration, event: inputs.event });
    return { rule: rule.result, action: action.result };
  }

  test('the example rule: Duo with the same keys, host, username and remember setting', async () => {
    const { rule, action } = await both('example', readFileSync(join(root, 'examples', 'duo-rule.js'), 'utf8'));
    assert.equal(rule.outcome, 'completed');
    assert.equal(action.outcome, 'completed');
    assert.ok(rule.multifactor);
    assert.deepEqual(action.multifactor, rule.multifactor);
  });

  test('a refresh-token exchange: no MFA in either', async () => {
    const { rule, action } = await both('refresh', readFileSync(join(root, 'examples', 'duo-rule.js'), 'utf8'),
      { context: { protocol: 'oauth2-refresh-token' }, event: { transaction: { protocol: 'oauth2-refresh-token' } } });
    assert.deepEqual([rule.outcome, action.outcome], ['completed', 'completed']);
    assert.equal(rule.multifactor, null);
    assert.equal(action.multifactor, null);
  });

  test('a denial stays a denial with the same message', async () => {
    const text = "function (user, context, callback) {\n  if (!user.app_metadata || !user.app_metadata.allowed) {\n    return callback(new UnauthorizedError('not allowed'));\n  }\n  callback(null, user, context);\n}\n";
    const { rule, action } = await both('deny', text);
    assert.equal(rule.outcome, 'denied');
    assert.equal(action.outcome, 'denied');
    assert.equal(rule.error?.message, 'not allowed');
    assert.equal(action.error?.message, rule.error?.message);
  });

  test('a configuration completed in steps: the same Duo keys per connection, none otherwise', async () => {
    const text = fixture('spread-config.js');
    const keys = { ...configuration, CORP_IKEY: 'DICORP00000000000000', CORP_SKEY: configuration.DUO_SKEY };
    const rulePath = join(dir, 'spread.rule.js');
    const actionPath = join(dir, 'spread.action.js');
    writeFileSync(rulePath, text);
    writeFileSync(actionPath, convert(text).code);
    const corpRule = await runFile({ file: rulePath, configuration: keys, context: { connection: 'corp-ad' } });
    const corpAction = await runFile({ file: actionPath, configuration: keys, event: { connection: { name: 'corp-ad' } } });
    assert.equal(corpRule.result.multifactor?.ikey, 'DICORP00000000000000');
    assert.deepEqual(corpAction.result.multifactor, corpRule.result.multifactor);
    const otherRule = await runFile({ file: rulePath, configuration: keys, context: { connection: 'other' } });
    const otherAction = await runFile({ file: actionPath, configuration: keys, event: { connection: { name: 'other' } } });
    assert.deepEqual([otherRule.result.outcome, otherRule.result.multifactor], ['completed', null]);
    assert.deepEqual([otherAction.result.outcome, otherAction.result.multifactor], ['completed', null]);
  });

  test('a configuration from a helper completed by Object.assign and a property write: complete for the analysis, the same Duo keys in the Action', async () => {
    const text = "function (user, context, callback) {\n  context.multifactor = duoBase();\n  Object.assign(context.multifactor, { ikey: configuration.DUO_IKEY });\n  context.multifactor.skey = configuration.DUO_SKEY;\n  callback(null, user, context);\n  function duoBase() {\n    return { provider: 'duo', host: configuration.DUO_HOST, allowRememberBrowser: false };\n  }\n}\n";
    assert.deepEqual(analyze(text).map((f) => f.code), ['rules-eol', 'missing-refresh-token-guard']);
    const converted = convert(text);
    assert.deepEqual(converted.notes, []);
    assert.doesNotMatch(converted.code.replace(/\/\/.*$/gm, ''), /\bcontext\b|\bconfiguration\b/);
    const { rule, action } = await both('steps', text);
    // The runner redacts configured values in results: the keys are there, and the same in both.
    assert.deepEqual(Object.keys(rule.multifactor ?? {}).sort(), ['allowRememberBrowser', 'host', 'ikey', 'provider', 'skey']);
    assert.deepEqual(action.multifactor, rule.multifactor);
  });

  test('the seed rule with ignoreCookie and a matching client ID', async () => {
    const text = seed.replace('{REPLACE_WITH_YOUR_CLIENT_ID}', 'CLIENT_PLACEHOLDER')
      .replace("'DIXBMN...LZO8IOS8'", 'configuration.DUO_IKEY').replace("'nZLxq8GK7....saKCOLPnh'", 'configuration.DUO_SKEY').replace("'api-3....049.duosecurity.com'", 'configuration.DUO_HOST');
    const probe = await runFile({ file: join(dir, 'probe.js'), text: 'function (u, c, cb) { cb(null, u, c); }' });
    const clientId = (probe.result.context as { clientID: string }).clientID;
    const { rule, action } = await both('seed', text.replace('CLIENT_PLACEHOLDER', clientId));
    assert.ok(rule.multifactor, 'the rule asks for Duo');
    assert.equal(rule.multifactor.allowRememberBrowser, false);
    assert.deepEqual(action.multifactor, rule.multifactor);
  });
});

describe('a TODO on the rule\'s last statement', () => {
  test('stays in the code, above the return that replaces the callback, at the line its note names', () => {
    const result = convert('function (user, context, callback) {\n  const next = Object.assign({}, user, { groups: [] });\n  callback(null, next, context);\n}\n');
    const lines = result.code.split('\n');
    const [note] = result.notes;
    assert.equal(note.blocking, true);
    assert.ok(lines[note.line - 1].includes(`${todoTag}: ${note.message}`), lines.join('\n'));
    assert.equal(lines[note.line].trim(), 'return;');
  });
});

describe('a Duo skey left in a comment of the Rule', () => {
  test('is not copied into the Action, a note says so, and a commit hash in a comment is kept', () => {
    const oldSkey = 'Pq7rSt9UvWx1YzAb3CdEf5GhIj7KlMn9OpQr1StU';
    const adminSkey = 'Zy8xWv6UtSr4QpOn2MlKj0IhGf8EdCb6AzYx4WvU';
    const hash = '0c42cdd5b1e7f9a3c2d4e6f8a0b1c3d5e7f9a1b3';
    const rule = `function duoWithHistory(user, context, callback) {
  // Keys before the move to configuration (${hash}):
  // skey: '${oldSkey}',
  /* admin: { ikey: 'DIAAAAAAAAAAAAAAAAAA', skey: "${adminSkey}" } */
  context.multifactor = {
    provider: 'duo',
    // was '${oldSkey}'
    ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST,
  };
  callback(null, user, context);
}`;
    const result = convert(rule);
    assert.ok(!result.code.includes(oldSkey) && !result.code.includes(adminSkey), result.code);
    assert.match(result.code, /\/\/ skey: '\[skey removed by duo-rules\]',/);
    assert.ok(result.code.includes(hash), 'a one-case hex commit hash is no skey');
    const note = result.notes.find((n) => /shaped like a Duo skey/.test(n.message));
    assert.ok(note && !note.blocking, JSON.stringify(result.notes));
    assert.match(note.message, /^comments of the Rule held 3 strings shaped like a Duo skey/);
    assert.ok(!JSON.stringify(result.notes).includes(oldSkey));
  });
});

describe('a provider the Action API does not accept', () => {
  test('a Rule that "clears" MFA with provider \'\' converts with a blocking TODO on the enable call, not silently', () => {
    // Seen in production rules: context.multifactor = { provider: '' } to reset MFA for users without Duo.
    const rule = `function duoForGroup(user, context, callback) {
  if (user.groups && user.groups.indexOf('duo-users') >= 0) {
    context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };
  } else {
    context.multifactor = { provider: '' };
  }
  callback(null, user, context);
}`;
    const result = convert(rule);
    const todo = result.notes.find((n) => n.blocking && /unknown-provider: Auth0 does not accept the MFA provider ''/.test(n.message));
    assert.ok(todo, JSON.stringify(result.notes));
    const lines = result.code.split('\n');
    assert.match(lines[todo.line - 1], /\/\/ TODO\(duo-rules\): unknown-provider/);
    assert.match(lines[todo.line], /api\.multifactor\.enable\(''\)/);
  });
});

describe('context.request.geoip kept in a local variable', () => {
  const duo = "  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  callback(null, user, context);\n}\n";
  const camelCase = /event\.request\.geoip names its fields in camelCase/;

  test('an alias read only for fields and its presence: the reads get the Action\'s names and no TODO is left', () => {
    const rule = `function (user, context, callback) {
  var geo = context.request.geoip;
  if (geo && geo.country_code === 'US') {
    return callback(null, user, context);
  }
  context.idToken['https://example.com/country'] = geo.country_name;
  context.idToken['https://example.com/tz'] = !geo ? null : geo['time_zone'];
  context.idToken['https://example.com/where'] = \`\${geo.city_name}, \${geo.latitude}\`;
${duo}`;
    const result = convert(rule);
    assert.match(result.code, /var geo = event\.request\.geoip;\n/);
    assert.match(result.code, /if \(geo && geo\.countryCode === 'US'\) \{\n\s*return;/);
    assert.match(result.code, /setCustomClaim\('https:\/\/example\.com\/country', geo\.countryName\)/);
    assert.match(result.code, /setCustomClaim\('https:\/\/example\.com\/tz', !geo \? null : geo\['timeZone'\]\)/);
    assert.match(result.code, /setCustomClaim\('https:\/\/example\.com\/where', `\$\{geo\.cityName\}, \$\{geo\.latitude\}`\)/);
    assert.doesNotMatch(result.code, /country_code|country_name|time_zone|city_name/);
    assert.doesNotMatch(result.code, /TODO\(duo-rules\)/);
    assert.deepEqual(result.notes, []);
  });

  test('`const geo = context.request.geoip || {}` read in a nested function, with the context parameter named ctx: renamed, no TODO', () => {
    const rule = `function (u, ctx, cb) {
  const geo = ctx.request.geoip || {};
  const blocked = ['KP', 'IR'].some((c) => c === geo.country_code);
  if (blocked) return cb(new UnauthorizedError('Not from ' + geo.country_name));
  ctx.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };
  cb(null, u, ctx);
}`;
    const result = convert(rule);
    assert.match(result.code, /const geo = event\.request\.geoip \|\| \{\};/);
    assert.match(result.code, /\.some\(\(c\) => c === geo\.countryCode\)/);
    assert.match(result.code, /api\.access\.deny\('Not from ' \+ geo\.countryName\)/);
    assert.doesNotMatch(result.code, /geo\.country_code|geo\.country_name|TODO\(duo-rules\)/);
    assert.deepEqual(result.notes, []);
  });

  test('an alias that escapes (stored whole, a field the table lacks, a computed key) keeps its TODO, which names the renamed reads, and its plain reads are still renamed', () => {
    for (const [escape, what] of [
      ["  context.idToken['https://example.com/geo'] = geo;\n", 'stored as a claim'],
      ["  context.idToken['https://example.com/geo'] = JSON.stringify(geo);\n", 'passed to a function'],
      ["  context.idToken['https://example.com/zip'] = geo.postal_code;\n", 'a field the table lacks'],
      ["  var field = 'city_name';\n  context.idToken['https://example.com/f'] = geo[field];\n", 'a computed key'],
      ["  var copy = { ...geo };\n  context.idToken['https://example.com/c'] = copy.country_name;\n", 'spread'],
    ]) {
      const rule = `function (user, context, callback) {\n  var geo = context.request.geoip;\n  if (geo && geo.country_code === 'US') return callback(null, user, context);\n${escape}${duo}`;
      const result = convert(rule);
      assert.match(result.code, /if \(geo && geo\.countryCode === 'US'\) return;/, what);
      const todos = result.notes.filter((n) => camelCase.test(n.message));
      assert.equal(todos.length, 1, `${what}: ${JSON.stringify(result.notes)}`);
      assert.ok(todos[0].blocking, what);
      assert.match(todos[0].message, /Its field reads through geo were renamed \(geo\.country_code → geo\.countryCode\); its other uses were not\.$/, what);
      const lines = result.code.split('\n');
      assert.match(lines[todos[0].line - 1], /\/\/ TODO\(duo-rules\): context\.request\.geoip: event\.request\.geoip names its fields in camelCase/, what);
      assert.match(lines[todos[0].line], /var geo = event\.request\.geoip;/, what);
    }
  });

  test('a name that is assigned again, or bound again in a nested function, is no alias: its reads are left as they were, with the TODO', () => {
    const reassigned = convert(`function (user, context, callback) {\n  var geo = context.request.geoip;\n  if (user.app_metadata.home) geo = user.app_metadata.home;\n  if (geo && geo.country_code === 'US') return callback(null, user, context);\n${duo}`);
    assert.match(reassigned.code, /if \(geo && geo\.country_code === 'US'\) return;/);
    assert.equal(reassigned.notes.filter((n) => camelCase.test(n.message) && !/were renamed/.test(n.message)).length, 1);
    const rebound = convert(`function (user, context, callback) {\n  var geo = context.request.geoip;\n  (user.app_metadata.places || []).forEach(function (geo) { console.log(geo.country_code); });\n  if (geo && geo.country_code === 'US') return callback(null, user, context);\n${duo}`);
    assert.match(rebound.code, /console\.log\(geo\.country_code\)/);
    assert.match(rebound.code, /if \(geo && geo\.country_code === 'US'\) return;/);
    assert.equal(rebound.notes.filter((n) => camelCase.test(n.message)).length, 1);
  });
});

describe('context.request.geoip destructured, or kept with `?? {}`', () => {
  const duo = "  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  callback(null, user, context);\n}\n";
  const camelCase = /event\.request\.geoip names its fields in camelCase/;

  test('a destructuring whose keys are all in the table: the keys get the Action\'s names, the local names stay, no TODO', () => {
    for (const [kind, tail] of [['const', ''], ['let', ' || {}'], ['var', ' ?? {}']]) {
      const rule = `function (user, context, callback) {
  ${kind} { country_code, city_name: town, 'time_zone': zone, latitude } = context.request.geoip${tail};
  if (country_code === 'NZ') return callback(null, user, context);
  context.idToken['https://example.com/where'] = town + ' ' + zone + ' ' + latitude;
${duo}`;
      const result = convert(rule);
      const declared = `${kind} { countryCode: country_code, cityName: town, 'timeZone': zone, latitude } = event.request.geoip${tail};`;
      assert.ok(result.code.includes(declared), `${kind}${tail}: ${result.code}`);
      assert.match(result.code, /if \(country_code === 'NZ'\) return;/, kind);
      assert.match(result.code, /setCustomClaim\('https:\/\/example\.com\/where', town \+ ' ' \+ zone \+ ' ' \+ latitude\)/, kind);
      assert.doesNotMatch(result.code, /TODO\(duo-rules\)/, kind);
      assert.deepEqual(result.notes, [], kind);
    }
  });

  test('shorthand keys with a default keep it: `{ country_code = \'US\' }` becomes `{ countryCode: country_code = \'US\' }`', () => {
    const result = convert(`function (user, context, callback) {\n  const { country_code = 'US', subdivision_code: region = '' } = context.request.geoip || {};\n  if (country_code === 'US' && region === 'CA') return callback(null, user, context);\n${duo}`);
    assert.match(result.code, /const \{ countryCode: country_code = 'US', subdivisionCode: region = '' \} = event\.request\.geoip \|\| \{\};/);
    assert.deepEqual(result.notes, []);
  });

  test('a rest element, a key the table lacks, a computed key, or a local name assigned again: the table\'s keys are renamed and the TODO stays, naming them', () => {
    for (const [pattern, after, what] of [
      ['{ country_code, ...rest }', "  context.idToken['https://example.com/geo'] = rest;\n", 'a rest element'],
      ['{ country_code, postal_code: zip }', "  context.idToken['https://example.com/zip'] = zip;\n", 'a key the table lacks'],
      ["{ country_code, ['city' + '_name']: city }", "  context.idToken['https://example.com/city'] = city;\n", 'a computed key'],
      ['{ country_code }', "  if (user.app_metadata.home) country_code = user.app_metadata.home;\n", 'a local name assigned again'],
    ]) {
      const rule = `function (user, context, callback) {\n  let ${pattern} = context.request.geoip;\n${after}  if (country_code === 'US') return callback(null, user, context);\n${duo}`;
      const result = convert(rule);
      assert.ok(result.code.includes(`let ${pattern.replace('{ country_code', '{ countryCode: country_code')} = event.request.geoip;`), `${what}: ${result.code}`);
      const todos = result.notes.filter((n) => camelCase.test(n.message));
      assert.equal(todos.length, 1, `${what}: ${JSON.stringify(result.notes)}`);
      assert.ok(todos[0].blocking, what);
      assert.match(todos[0].message, /The destructuring's keys were renamed \(country_code → countryCode\), keeping its local names; its other keys, computed keys and rest element were not\.$/, what);
      const lines = result.code.split('\n');
      assert.match(lines[todos[0].line - 1], /\/\/ TODO\(duo-rules\): context\.request\.geoip: /, what);
      assert.match(lines[todos[0].line], /let \{ countryCode: country_code/, what);
    }
  });

  test('a pattern over several lines with a rest element: the TODO names only the keys, on one comment line, and the Action still parses', () => {
    const result = convert(`function (user, context, callback) {\n  const {\n    country_code,\n    ...others\n  } = context.request.geoip;\n  if (country_code === 'US' && others.metro_code) return callback(null, user, context);\n${duo}`);
    assert.match(result.code, /const \{\n\s+countryCode: country_code,\n\s+\.\.\.others\n\s+\} = event\.request\.geoip;/);
    const todos = result.notes.filter((n) => camelCase.test(n.message));
    assert.equal(todos.length, 1, JSON.stringify(result.notes));
    assert.doesNotMatch(todos[0].message, /\n/);
    assert.match(result.code.split('\n')[todos[0].line - 1], /\/\/ TODO\(duo-rules\): .*\(country_code → countryCode\)/);
    assert.doesNotThrow(() => new Function('exports', 'require', result.code));
  });

  test('`var geo = context.request.geoip ?? {}` is an alias like `|| {}`: its reads are renamed, no TODO', () => {
    const result = convert(`function (user, context, callback) {\n  var geo = context.request.geoip ?? {};\n  if (geo.country_code === 'US') return callback(null, user, context);\n  context.idToken['https://example.com/c'] = geo.country_name;\n${duo}`);
    assert.match(result.code, /var geo = event\.request\.geoip \?\? \{\};/);
    assert.match(result.code, /if \(geo\.countryCode === 'US'\) return;/);
    assert.match(result.code, /setCustomClaim\('https:\/\/example\.com\/c', geo\.countryName\)/);
    assert.doesNotMatch(result.code, /country_code|country_name|TODO\(duo-rules\)/);
    assert.deepEqual(result.notes, []);
  });
});
