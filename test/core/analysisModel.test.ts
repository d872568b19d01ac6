// The rule model other features build on: file kind, parameter names, MFA configurations with
// exact ranges, deploy-cli tokens that keep offsets, and the Action export forms.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel, findProperty, parseSource, type OffsetRange } from '../../server/src/analysis/model';

const slice = (text: string, range: OffsetRange | null | undefined) => (range ? text.slice(range.start, range.end) : undefined);

describe('file kind and parameters', () => {
  test('an anonymous rule with renamed parameters', () => {
    const text = `// leading comment\nfunction (u, ctx, done) {\n  done(null, u, ctx);\n}\n`;
    const model = buildModel(text);
    assert.equal(model.kind, 'rule');
    assert.deepEqual([model.userName, model.contextName, model.callbackName], ['u', 'ctx', 'done']);
    assert.equal(slice(text, model.ruleFunction?.params[2].range), 'done');
    assert.equal(slice(text, model.ruleFunction?.headerRange)?.trimEnd(), 'function (u, ctx, done)');
    assert.equal(model.callbackReferences.length, 1);
    assert.equal(model.syntaxError, undefined);
  });

  test('Action export forms: exports, module.exports, object literal, named function', () => {
    const forms = [
      `exports.onExecutePostLogin = async (event, api) => {};`,
      `module.exports.onExecutePostLogin = async function (evt, a) {};`,
      `module.exports = { async onExecutePostLogin(event, api) {}, onContinuePostLogin: async (event, api) => {} };`,
      `async function handler(e, api) {}\nexports.onExecutePostLogin = handler;`,
    ];
    const expected = [['event', 'api'], ['evt', 'a'], ['event', 'api'], ['e', 'api']];
    forms.forEach((text, i) => {
      const model = buildModel(text);
      assert.equal(model.kind, 'action', text);
      assert.deepEqual([model.eventName, model.apiName], expected[i], text);
      assert.ok(model.actionExports[0].function, text);
    });
    assert.deepEqual(buildModel(forms[2]).actionExports.map((e) => e.name), ['onExecutePostLogin', 'onContinuePostLogin']);
  });

  test('other files', () => {
    assert.equal(buildModel(`const a = 1;\nfunction (user, context, callback) {}`).kind, 'other');
    assert.equal(buildModel(`exports.handler = () => {};`).kind, 'other');
    assert.equal(buildModel('').kind, 'other');
  });
});

describe('MFA configurations', () => {
  test('a rule literal: anchor, object range, key and value ranges, literals, admin', () => {
    const text = `function (user, context, callback) {\n  context.multifactor = {\n    provider: 'duo',\n    ikey: configuration.DUO_IKEY,\n    allowRememberBrowser: false,\n    admin: { ikey: 'A', skey: configuration.DUO_ADMIN_SKEY },\n  };\n  callback(null, user, context);\n}\n`;
    const [config] = buildModel(text).configs;
    assert.equal(config.form, 'rule-literal');
    assert.equal(slice(text, config.anchorRange), 'context.multifactor');
    assert.equal(config.providerName, 'duo');
    assert.equal(slice(text, config.options.range)?.startsWith('{\n    provider'), true);
    assert.ok(slice(text, config.options.range)?.endsWith('}'));
    const ikey = findProperty(config.options, 'ikey')!;
    assert.equal(slice(text, ikey.keyRange), 'ikey');
    assert.equal(slice(text, ikey.value.range), 'configuration.DUO_IKEY');
    assert.equal(ikey.value.kind, 'dynamic');
    assert.deepEqual(ikey.value.secretRef && { source: ikey.value.secretRef.source, key: ikey.value.secretRef.key }, { source: 'configuration', key: 'DUO_IKEY' });
    assert.equal(findProperty(config.options, 'allowRememberBrowser')?.value.literal, false);
    assert.equal(config.admin?.properties.map((p) => p.key).join(), 'ikey,skey');
    assert.equal(findProperty(config.admin, 'ikey')?.value.literal, 'A');
    assert.equal(config.options.fieldsKnown, true);
  });

  test('a bound object with later writes; a spread makes fields unknown', () => {
    const text = `function (user, context, callback) {\n  var mfa = { provider: 'duo', ...defaults };\n  mfa.host = 'api-1.duosecurity.com';\n  context.multifactor = mfa;\n  callback(null, user, context);\n}\n`;
    const [config] = buildModel(text).configs;
    assert.equal(config.form, 'rule-binding');
    assert.equal(config.bindingName, 'mfa');
    assert.equal(config.options.fieldsKnown, false);
    const host = findProperty(config.options, 'host')!;
    assert.equal(host.origin, 'assignment');
    assert.equal(slice(text, host.keyRange), 'host');
    assert.equal(host.value.literal, 'api-1.duosecurity.com');
  });

  test('an Action call: provider argument, options, providerOptions, callEnd', () => {
    const text = `exports.onExecutePostLogin = async (event, api) => {\n  api.multifactor.enable('duo', { allowRememberBrowser: true, providerOptions: { host: event.secrets.DUO_HOST } });\n  api.multifactor.enable('duo');\n};\n`;
    const [withOptions, bare] = buildModel(text).configs;
    assert.equal(withOptions.form, 'action-enable');
    assert.equal(slice(text, withOptions.anchorRange), 'api.multifactor.enable');
    assert.equal(slice(text, withOptions.provider?.range), `'duo'`);
    assert.deepEqual(withOptions.duoOptions?.properties.map((p) => p.key), ['host']);
    assert.equal(findProperty(withOptions.duoOptions, 'host')?.value.secretRef?.source, 'event.secrets');
    assert.equal(bare.options.range, null);
    assert.equal(bare.duoOptions, null);
    assert.equal(text[bare.callEnd!], ')');
  });

  test('deploy-cli tokens keep every offset and are marked', () => {
    const text = `function (user, context, callback) {\n  context.multifactor = { provider: 'duo', ikey: @@DUO_IKEY@@, skey: '##DUO_SKEY##', host: configuration.DUO_HOST };\n  callback(null, user, context);\n}\n`;
    const parse = parseSource(text);
    assert.equal(parse.syntaxError, undefined);
    assert.deepEqual(parse.keywordTokens.map((t) => [t.name, t.style, slice(text, t.range)]), [['DUO_IKEY', '@@', '@@DUO_IKEY@@'], ['DUO_SKEY', '##', '##DUO_SKEY##']]);
    const [config] = buildModel(text).configs;
    const ikey = findProperty(config.options, 'ikey')!;
    assert.equal(slice(text, ikey.value.range), '@@DUO_IKEY@@');
    assert.equal(ikey.value.keywordToken, true);
    assert.equal(findProperty(config.options, 'skey')?.value.kind, 'dynamic');
    assert.equal(slice(text, findProperty(config.options, 'host')?.keyRange), 'host');
  });

  test('a broken rule still yields its configuration from the tolerant parse', () => {
    const text = `function (user, context, callback) {\n  context.multifactor = {\n    provider: 'duo',\n    ikey: 'DI`;
    const model = buildModel(text);
    assert.equal(model.kind, 'rule');
    assert.ok(model.syntaxError);
    assert.equal(model.parse.loose, true);
    assert.equal(model.configs[0]?.providerName, 'duo');
  });
});
