// The editor and `duo-rules lint` must agree: the same files give the same diagnostics (ranges,
// severities, codes, messages) with `.duo-rules.json` severities, suppression comments, CRLF and
// the configuration keys of an auth0-deploy-cli repository.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { runCliSync } from '../helpers/cli';
import { LspClient } from '../helpers/lspClient';
import { createWorkspace, writeTree } from '../helpers/workspace';

let repo: string;
let client: LspClient;

const files: Record<string, string> = {
  'rules/duo.js': [
    'function requireDuo(user, context, callback) {',
    '  context.multifactor = {',
    "    provider: 'duo',",
    '    ikey: configuration.DUO_IKY,',
    "    skey: 'abcdefghij0123456789ABCDEFGHIJ0123456789',",
    "    host: 'https://api-1234abcd.duosecurity.com',",
    '    // duo-rules-disable-next-line unknown-field',
    '    usernam: user.email,',
    '    ignoreCookie: true,',
    '  };',
    '  callback(null, user, context);',
    '}',
    '',
  ].join('\r\n'),
  'actions/duo-mfa/code.js': [
    '/* duo-rules-disable hardcoded-secret */',
    'exports.onExecutePostLogin = async (event, api) => {',
    "  api.multifactor.enable('duo', { providerOptions: { ikey: event.secrets.DUO_IKEY, skey: 'short', host: event.secrets.DUO_HOSTNAME } });",
    '};',
    '',
  ].join('\n'),
  'actions/from-rule/code.js': [
    'exports.onExecutePostLogin = async (event, api) => {',
    '  if (context.clientID !== configuration.APP_ID) return;',
    "  if (event.authorization.roles.indexOf('mfa')) api.multifactor.enable('duo', { providerOptions.ikey: event.secrets.DUO_IKEY, providerOptions.skey: event.secrets.DUO_SKEY, providerOptions.host: event.secrets.DUO_HOST });",
    '};',
    '',
  ].join('\n'),
  // The shape of Auth0's published Duo Action template: exactly dotted-key, rule-global-in-action and placeholder-client-id.
  'actions/duo-template/code.js': readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'duo-action-template-pattern.js'), 'utf8'),
  // Configurations completed in steps and returned by helpers: one key is really never supplied in each file.
  'rules/merged.js': [
    'function requireDuo(user, context, callback) {',
    "  if (context.protocol === 'oauth2-refresh-token') return callback(null, user, context);",
    "  context.multifactor = { provider: 'duo', host: configuration.DUO_HOST };",
    "  if (context.connection === 'corp') {",
    '    context.multifactor = { ...context.multifactor, ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY };',
    '  } else {',
    '    context.multifactor = { ...context.multifactor, ikey: configuration.DUO_IKEY };',
    '  }',
    '  callback(null, user, context);',
    '}',
    '',
  ].join('\n'),
  'actions/merged/code.js': [
    'function duoConfig(level, secrets) {',
    "  if (level === 'admin') return { ikey: secrets.DUO_IKEY, skey: secrets.DUO_SKEY, host: secrets.DUO_HOST };",
    '  return { ikey: secrets.DUO_IKEY, host: secrets.DUO_HOST };',
    '}',
    'exports.onExecutePostLogin = async (event, api) => {',
    "  if (event.transaction.protocol === 'oauth2-refresh-token') return;",
    '  const options = { allowRememberBrowser: false };',
    '  options.providerOptions = duoConfig(event.user.app_metadata.level, event.secrets);',
    "  api.multifactor.enable('duo', options);",
    '};',
    '',
  ].join('\n'),
  'rules-configs/duo-skey.json': JSON.stringify({ key: 'DUO_SKEY', value: 'abcdefghij0123456789ABCDEFGHIJ0123456789' }),
};

before(async () => {
  repo = createWorkspace({ prefix: 'duo-rules-parity-' }).root;
  writeTree(repo, {
    ...Object.fromEntries(['DUO_IKEY', 'DUO_HOST'].map((key) => [`rules-configs/${key}.json`, JSON.stringify({ key, value: `##${key}##` })])),
    'actions/duo-mfa.json': JSON.stringify({ name: 'duo-mfa', secrets: [{ name: 'DUO_IKEY' }, { name: 'DUO_SKEY' }, { name: 'DUO_HOST' }] }),
    ...files,
    '.duo-rules.json': JSON.stringify({ diagnostics: { 'rules-eol': 'off', 'deprecated-field': 'error', 'invalid-skey': 'hint' } }),
  });
  client = await LspClient.start({ workspaceFolders: [pathToFileURL(repo).href], settings: {} });
});

after(async () => {
  await client.shutdown();
});

test('duo-rules lint and the language server report the same diagnostics', async () => {
  const lint = runCliSync(['lint', '--format', 'json', ...Object.keys(files)], { cwd: repo });
  assert.equal(lint.stderr, '');
  const fromCli = new Map<string, unknown[]>((JSON.parse(lint.stdout) as Array<{ file: string; diagnostics: unknown[] }>).map((r) => [r.file, r.diagnostics]));
  const codes = new Set<string>();
  for (const path of Object.keys(files)) {
    const uri = pathToFileURL(join(repo, path)).href;
    const languageId = path.endsWith('.json') ? 'json' : 'javascript';
    const { diagnostics } = await client.waitForDiagnostics(uri, await client.open(uri, readFileSync(join(repo, path), 'utf8'), languageId));
    assert.deepEqual(diagnostics, fromCli.get(path), path);
    for (const d of diagnostics) codes.add(`${d.code}:${d.severity}`);
    if (path === 'rules/merged.js' || path === 'actions/merged/code.js') {
      assert.deepEqual(diagnostics.map((d) => `${d.code}@${d.range.start.line + 1}`), [path === 'rules/merged.js' ? 'missing-field@7' : 'missing-field@9'], path);
      assert.match(String(diagnostics[0].message), path === 'rules/merged.js' ? /missing 'skey'/ : /^providerOptions that duoConfig\(\) returns on line 3 is missing 'skey'/);
    }
    if (path === 'actions/duo-template/code.js') {
      assert.deepEqual(diagnostics.map((d) => `${d.code}@${d.range.start.line + 1}`), [
        'placeholder-client-id@7', 'dotted-key@12', 'rule-global-in-action@12', 'dotted-key@13', 'rule-global-in-action@13', 'dotted-key@14', 'rule-global-in-action@14',
      ]);
    }
  }
  // The fixture exercises what must agree: project severities, suppressions and declared keys.
  assert.deepEqual([...codes].sort(), ['deprecated-field:1', 'dotted-key:1', 'hardcoded-secret:2', 'invalid-host:2', 'invalid-skey:4', 'mfa-gate-indexof:2', 'missing-field:1', 'missing-refresh-token-guard:2', 'placeholder-client-id:1', 'rule-global-in-action:1', 'unknown-configuration-key:2']);
});
