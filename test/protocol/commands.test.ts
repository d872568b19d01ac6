// The editor's custom requests over stdio against the bundled server: duoRules/run and
// duoRules/verify answer the same JSON as `duo-rules run --format json [--verify]`, verify
// reports failures as duo-verify-failed diagnostics, and code lenses / status / convert /
// mock inputs work for the client.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { generateEmulatorConfig, startEmulator, type RunningEmulator } from '../../server/src/duo/duoEmulator';
import { defaultDuoUsernames } from '../../server/src/duo/verify';
import { createDefaultUser } from '../../server/src/runner/mockInputs';
import { runCli, runCliSync } from '../helpers/cli';
import { LspClient } from '../helpers/lspClient';
import { createWorkspace, writeTree, type TempWorkspace } from '../helpers/workspace';

const ruleText = [
  'function (user, context, callback) {',
  '  context.multifactor = {',
  "    provider: 'duo',",
  '    ikey: configuration.DUO_IKEY,',
  '    skey: configuration.DUO_SKEY,',
  '    host: configuration.DUO_HOST,',
  '  };',
  "  console.log('mfa for ' + user.email + ' with ' + configuration.DUO_SKEY);",
  '  callback(null, user, context);',
  '}',
  '',
].join('\n');

/** A file the verify tests point at; with the given keys it verifies against the emulator. */
function runParams(dir: string, file: string, extra: Record<string, unknown> = {}) {
  return { uri: pathToFileURL(join(dir, file)).href, file: join(dir, file), files: { configuration: join(dir, 'configuration.json') }, workspaceRoot: dir, ...extra };
}

describe('duoRules/* requests over stdio', () => {
  let session: LspClient;
  let workspace: TempWorkspace;
  let dir: string;
  let emulator: RunningEmulator;
  const config = generateEmulatorConfig(defaultDuoUsernames(createDefaultUser().user_id as string));
  const app = (kind: string) => config.applications.find((a) => a.kind === kind)!;
  const keysOf = (kind: string) => ({ DUO_IKEY: app(kind).ikey, DUO_SKEY: app(kind).skey, DUO_HOST: config.host });

  before(async () => {
    workspace = createWorkspace({ prefix: 'duo-rules-commands-', packageName: 'commands-test' });
    dir = workspace.root;
    writeTree(dir, {
      'rule.js': ruleText,
      'configuration.json': JSON.stringify(keysOf('auth-api')),
      'web-sdk.json': JSON.stringify(keysOf('web-sdk')),
      'wrong-skey.json': JSON.stringify({ ...keysOf('auth-api'), DUO_SKEY: 'x'.repeat(40) }),
      'broken.json': '{ "DUO_IKEY": ',
      'ikey-only.json': JSON.stringify({ DUO_IKEY: app('auth-api').ikey }),
      'actions/duo-login/code.js': "exports.onExecutePostLogin = async (event, api) => {\n  api.multifactor.enable('duo', { providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST } });\n};\n",
      'user.json': JSON.stringify({ user_id: 'auth0|someone-else', email: 'someone@example.org' }),
      // A weekday rule whose profile save can fail, with a stubbed module: the editor's clock and mocks settings.
      'weekday-save.js': [
        'function weekdaySave(user, context, callback) {',
        "  const audit = require('audit-log');",
        '  const day = new Date().getUTCDay();',
        "  if (day === 0 || day === 6) return callback(new UnauthorizedError('weekdays only'));",
        '  auth0.users.updateAppMetadata(user.user_id, { last_weekday_login: audit.stamp() })',
        '    .then(() => callback(null, user, context))',
        '    .catch((err) => callback(new Error(`profile not saved: ${err.message}`)));',
        '}',
        '',
      ].join('\n'),
      'mocks/mocks.json': JSON.stringify({ 'auth0.users.updateAppMetadata': { reject: 'rate limit' }, modules: { 'audit-log': '../stubs/audit-log.js' } }),
      'stubs/audit-log.js': "module.exports = { stamp: () => new Date().toISOString() };\n",
    });
    emulator = await startEmulator({ config });
    session = await LspClient.start({ settings: {} });
  });

  after(async () => {
    await session?.shutdown();
    await emulator?.close();
    workspace.remove();
  });

  test('duoRules/run answers the same JSON as `duo-rules run --format json`', async () => {
    const fromServer: any = await session.connection.sendRequest('duoRules/run', runParams(dir, 'rule.js', { files: { configuration: join(dir, 'configuration.json'), user: join(dir, 'user.json') } }));
    const cli = runCliSync(['run', join(dir, 'rule.js'), '--configuration', join(dir, 'configuration.json'), '--user', join(dir, 'user.json'), '--format', 'json']);
    assert.equal(cli.code, 0, cli.stderr);
    const fromCli = JSON.parse(cli.stdout);
    // Timings differ from run to run, and so does the start of the real clock (clock.given is compared).
    for (const result of [fromServer, fromCli]) {
      delete result.durationMs;
      delete result.clock.start;
    }
    assert.deepEqual(fromServer, fromCli);
    assert.equal(fromServer.outcome, 'completed');
    assert.equal(fromServer.user.user_id, 'auth0|someone-else');
    assert.equal(fromServer.multifactor.skey, '[redacted]');
  });

  test('duoRules/run runs the unsaved text, and stored secrets override the configuration file without leaking', async () => {
    const secret = 'S3cretFromTheKeychain0000000000000000000';
    const text = ruleText.replace("provider: 'duo'", "provider: 'duo', username: 'unsaved-buffer'");
    const result: any = await session.connection.sendRequest('duoRules/run', runParams(dir, 'rule.js', { text, secrets: { DUO_SKEY: secret } }));
    assert.equal(result.multifactor.username, 'unsaved-buffer');
    assert.equal(result.multifactor.skey, '[redacted]');
    assert.ok(result.logs.some((line: string) => line.includes('[redacted]')), JSON.stringify(result.logs));
    assert.ok(!JSON.stringify(result).includes(secret), 'the stored secret leaked into the result');
  });

  test('duoRules/run honours duoRules.mock.now and duoRules.mock.mocksFile as `--now` and `--mocks` do', async () => {
    const mocks = join(dir, 'mocks', 'mocks.json');
    const saturday: any = await session.connection.sendRequest('duoRules/run', runParams(dir, 'weekday-save.js', { now: '2026-12-05T12:00:00Z', files: { mocks } }));
    assert.equal(saturday.outcome, 'denied');
    assert.equal(saturday.error.message, 'weekdays only');
    assert.deepEqual(saturday.clock, { start: '2026-12-05T12:00:00.000Z', given: true });
    const monday: any = await session.connection.sendRequest('duoRules/run', runParams(dir, 'weekday-save.js', { now: '2026-12-07T09:00:00Z', files: { mocks } }));
    assert.equal(monday.outcome, 'denied', 'the mocked rejection reaches the rule\'s error path');
    assert.deepEqual(monday.error, { name: 'Error', message: 'profile not saved: rate limit' });
    assert.equal(monday.calls[0].name, 'auth0.users.updateAppMetadata');
    assert.equal(monday.calls[0].args[1].last_weekday_login.slice(0, 10), '2026-12-07', 'the stub sees the chosen clock');
    assert.deepEqual(monday.mocks, { file: mocks, functions: { 'auth0.users.updateAppMetadata': 'reject' }, modules: { 'audit-log': '../stubs/audit-log.js' } });
    const cli = runCliSync(['run', join(dir, 'weekday-save.js'), '--now', '2026-12-07T09:00:00Z', '--mocks', mocks, '--format', 'json'], { cwd: dir });
    const fromCli = JSON.parse(cli.stdout);
    // The clock advances as the code runs: compare the stub's stamp to the day.
    for (const result of [monday, fromCli]) {
      delete result.durationMs;
      result.calls[0].args[1].last_weekday_login = result.calls[0].args[1].last_weekday_login.slice(0, 10);
    }
    assert.deepEqual(monday, fromCli);
  });

  test('duoRules/run: a duoRules.mock.now that is not ISO-8601, or a stub outside the workspace, is an input error naming it', async () => {
    await assert.rejects(
      session.connection.sendRequest('duoRules/run', runParams(dir, 'weekday-save.js', { now: 'next monday' })),
      (err: any) => err.code === -32803 && /duoRules\.mock\.now must be an ISO-8601 date/.test(err.message),
    );
    const outside = createWorkspace({ prefix: 'duo-rules-outside-', files: { 'audit-log.js': 'module.exports = {};' } });
    try {
      writeTree(dir, { 'mocks/outside.json': JSON.stringify({ modules: { 'audit-log': outside.path('audit-log.js') } }) });
      await assert.rejects(
        session.connection.sendRequest('duoRules/run', runParams(dir, 'weekday-save.js', { files: { mocks: join(dir, 'mocks', 'outside.json') } })),
        (err: any) => err.code === -32803 && /the stub of module "audit-log" .* is outside the workspace folder/.test(err.message),
      );
    } finally {
      outside.remove();
    }
  });

  test('duoRules/run rejects a broken input file with RequestFailed and a message naming it', async () => {
    await assert.rejects(
      session.connection.sendRequest('duoRules/run', runParams(dir, 'rule.js', { files: { configuration: join(dir, 'broken.json') } })),
      (err: any) => err.code === -32803 && /configuration file .*broken\.json: not valid JSON/.test(err.message),
    );
  });

  test('duoRules/run advises the editor\'s setting, never a CLI flag, for keyword tokens without a mapping', async () => {
    const repo = join(dir, 'editor-words');
    writeTree(repo, {
      'rules/code-token.js': "function (user, context, callback) {\n  const tier = '##EDITOR_WORDS_TIER##';\n  callback(null, user, context);\n}\n",
      'rules/config-token.js': "function (user, context, callback) {\n  context.idToken['https://example.com/region'] = configuration.EDITOR_WORDS_REGION;\n  callback(null, user, context);\n}\n",
      'rules-configs/EDITOR_WORDS_REGION.json': JSON.stringify({ key: 'EDITOR_WORDS_REGION', value: '##EDITOR_WORDS_REGION##' }),
    });
    const params = (file: string) => ({ uri: pathToFileURL(join(repo, file)).href, file: join(repo, file), files: {}, workspaceRoot: repo });
    await assert.rejects(session.connection.sendRequest('duoRules/run', params('rules/code-token.js')), (err: any) => {
      assert.equal(err.code, -32803);
      assert.match(err.message, /unreplaced deploy-cli keyword ##EDITOR_WORDS_TIER##: name a JSON file of them in the setting duoRules\.mappingsFile or a deploy-cli config\.json/);
      assert.doesNotMatch(err.message, /--mappings/);
      return true;
    });
    const result: any = await session.connection.sendRequest('duoRules/run', params('rules/config-token.js'));
    const warning = result.warnings.find((w: string) => w.startsWith('EDITOR_WORDS_REGION in rules-configs/EDITOR_WORDS_REGION.json'));
    assert.equal(warning, 'EDITOR_WORDS_REGION in rules-configs/EDITOR_WORDS_REGION.json is ##EDITOR_WORDS_REGION##, which the keyword mappings do not map (setting duoRules.mappingsFile), so it is not set', JSON.stringify(result.warnings));
    assert.doesNotMatch(JSON.stringify(result.warnings), /--mappings|--env/);
  });

  test('duoRules/verify with Auth API keys: the run JSON plus verify, the user found enrolled, no diagnostics', async () => {
    const params = { ...runParams(dir, 'rule.js'), duo: { baseUrl: emulator.url, timeoutMs: 5000 } };
    const cleared = session.waitForNotification('duoRules/verifyDiagnostics', (p) => p.uri === params.uri);
    const result: any = await session.connection.sendRequest('duoRules/verify', params);
    assert.equal(result.outcome, 'completed');
    assert.equal(result.verify.application, 'auth-api', JSON.stringify(result.verify));
    assert.equal(result.verify.check.ok, true);
    assert.equal(result.verify.preauth.result, 'auth');
    assert.deepEqual((await cleared).diagnostics, []);
    assert.ok(!JSON.stringify(result).includes(app('auth-api').skey), 'the skey leaked');
  });

  test('duoRules/verify answers the same JSON as `duo-rules run --verify --format json`', async () => {
    const params = { ...runParams(dir, 'rule.js'), duo: { baseUrl: emulator.url, timeoutMs: 5000 } };
    const fromServer: any = await session.connection.sendRequest('duoRules/verify', params);
    // Asynchronously: the emulator answering the CLI lives in this process.
    const cli = await runCli(['run', join(dir, 'rule.js'), '--configuration', join(dir, 'configuration.json'), '--verify', '--duo-url', emulator.url, '--format', 'json']);
    assert.equal(cli.code, 0, cli.stderr);
    // Timings differ from run to run (the start of the real clock too); everything else must be identical.
    const withoutTimings = (value: unknown) => {
      const result = JSON.parse(JSON.stringify(value, (key, v) => (key === 'durationMs' || key === 'latencyMs' ? undefined : v)));
      delete result.clock.start;
      return result;
    };
    assert.deepEqual(withoutTimings(fromServer), withoutTimings(JSON.parse(cli.stdout)));
  });

  test('duoRules/verify with unset keys says which keys and which editor command or setting gives them', async () => {
    const rule: any = await session.connection.sendRequest('duoRules/verify', { ...runParams(dir, 'rule.js', { files: { configuration: join(dir, 'ikey-only.json') } }), duo: { baseUrl: emulator.url, timeoutMs: 5000 } });
    assert.equal(rule.verify.check.reason, 'missing-credentials');
    assert.equal(rule.verify.check.message, 'The Duo configuration has no skey and host after the run. Set configuration.DUO_SKEY and configuration.DUO_HOST: store them with Duo: Store Secret, in the file of the setting duoRules.configurationFile, or in rules-configs/.');
    const action: any = await session.connection.sendRequest('duoRules/verify', { ...runParams(dir, 'actions/duo-login/code.js', { files: { configuration: join(dir, 'ikey-only.json') } }), duo: { baseUrl: emulator.url, timeoutMs: 5000 } });
    assert.equal(action.verify.check.message, 'The Duo configuration has no skey and host after the run. Set event.secrets.DUO_SKEY and event.secrets.DUO_HOST: store them with Duo: Store Secret, in the file of the setting duoRules.configurationFile, or in the secrets of actions/duo-login.json.');
    assert.doesNotMatch(rule.verify.check.message + action.verify.check.message, /--configuration|\.\./);
  });

  test('duoRules/verify tells Web SDK keys apart', async () => {
    const params = { ...runParams(dir, 'rule.js', { files: { configuration: join(dir, 'web-sdk.json') } }), duo: { baseUrl: emulator.url, timeoutMs: 5000 } };
    const result: any = await session.connection.sendRequest('duoRules/verify', params);
    assert.equal(result.verify.application, 'web-sdk', JSON.stringify(result.verify));
    assert.equal(result.verify.universal.ok, true);
    assert.equal(result.verify.check.ok, false);
  });

  test('Duo that cannot be reached is reported in the result, never as a diagnostic on the code', async () => {
    // A loopback port that was free a moment ago: connection refused, as when offline.
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => { const { port } = probe.address() as AddressInfo; probe.close(() => resolve(port)); });
    });
    const uri = pathToFileURL(join(dir, 'rule.js')).href;
    const params = { ...runParams(dir, 'rule.js'), duo: { baseUrl: `http://127.0.0.1:${closed}`, timeoutMs: 5000 } };
    session.notifications.length = 0;
    const published = session.waitForNotification('duoRules/verifyDiagnostics', (p) => p.uri === uri);
    const result: any = await session.connection.sendRequest('duoRules/verify', params);
    assert.equal(result.verify.application, null);
    assert.equal(result.verify.check.reason, 'network', JSON.stringify(result.verify.check));
    assert.match(result.verify.check.message, /connection refused/);
    assert.deepEqual((await published).diagnostics, []);
  });

  test('a wrong skey becomes a duo-verify-failed diagnostic on the skey line', async () => {
    const uri = pathToFileURL(join(dir, 'rule.js')).href;
    session.notifications.length = 0;
    const params = { ...runParams(dir, 'rule.js', { files: { configuration: join(dir, 'wrong-skey.json') } }), duo: { baseUrl: emulator.url, timeoutMs: 5000 } };
    const result: any = await session.connection.sendRequest('duoRules/verify', params);
    assert.equal(result.verify.application, null);
    assert.equal(result.verify.check.code, 40103, JSON.stringify(result.verify.check));
    const { diagnostics } = await session.waitForNotification('duoRules/verifyDiagnostics', (p) => p.uri === uri);
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    const [diagnostic] = diagnostics;
    assert.equal(diagnostic.code, 'duo-verify-failed');
    assert.equal(diagnostic.source, 'duo-rules');
    assert.equal(diagnostic.severity, 1);
    assert.equal(diagnostic.range.start.line, 4, 'expected the skey line');
    assert.match(diagnostic.message, /skey/);
    assert.ok(!diagnostic.message.includes('x'.repeat(40)), 'the skey leaked into the message');
  });

  test('cancelling duoRules/verify aborts the Duo request at once', async () => {
    // A "Duo host" that accepts the request and never answers.
    let sawRequest!: () => void;
    let sawClose!: () => void;
    const requested = new Promise<void>((resolve) => { sawRequest = resolve; });
    const closed = new Promise<void>((resolve) => { sawClose = resolve; });
    const hanging = createServer((req) => {
      req.socket.once('close', sawClose);
      sawRequest();
    });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
      const source = new CancellationTokenSource();
      const pending = session.connection.sendRequest('duoRules/verify', { ...runParams(dir, 'rule.js'), duo: { baseUrl: url, timeoutMs: 60_000 } }, source.token);
      await requested;
      source.cancel();
      await assert.rejects(pending, (err: any) => err.code === -32800);
      // The server dropped its connection to the silent host: the abort reached the transport.
      await closed;
    } finally {
      hanging.closeAllConnections();
      hanging.close();
    }
  });

  test('code lenses Run and Verify Duo sit on the rule header; duoRules/status reports the kind', async () => {
    const uri = pathToFileURL(join(dir, 'lens.js')).href;
    const status = session.waitForNotification('duoRules/status', (p) => p.uri === uri);
    await session.open(uri, `// leading comment\n${ruleText}`);
    assert.deepEqual(await status, { uri, kind: 'rule' });
    const lenses: any[] = await session.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } });
    assert.deepEqual(lenses.map((l) => [l.command.title, l.command.command, l.command.arguments, l.range.start.line]), [
      ['Run', 'duoRules.runRule', [uri], 1],
      ['Verify Duo', 'duoRules.verifyDuo', [uri], 1],
    ]);
    const other = pathToFileURL(join(dir, 'app.js')).href;
    const otherStatus = session.waitForNotification('duoRules/status', (p) => p.uri === other);
    await session.open(other, 'const express = require("express");\napp.get("/", () => {});\n');
    assert.deepEqual(await otherStatus, { uri: other, kind: 'other' });
    assert.deepEqual(await session.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: other } }), []);
  });

  test('duoRules.enable: false hides the code lenses', async () => {
    const uri = pathToFileURL(join(dir, 'disabled.js')).href;
    await session.open(uri, ruleText);
    assert.equal((await session.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } }) as unknown[]).length, 2);
    session.settings = { enable: false };
    await session.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    try {
      assert.deepEqual(await session.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } }), []);
    } finally {
      session.settings = {};
      await session.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    }
  });

  test('duoRules/convert plans deploy-cli files with keyword tokens for secrets, or none outside such a repository', async () => {
    writeTree(dir, {
      'repo/rules/require-duo.js': ruleText,
      'repo/rules/require-duo.json': '{ "name": "require-duo", "enabled": true, "order": 1, "script": "./require-duo.js" }\n',
      'repo/actions/existing.json': JSON.stringify({ name: 'existing', code: './actions/existing/code.js', deployed: true, runtime: 'node18', supported_triggers: [{ id: 'post-login', version: 'v2' }], secrets: [], dependencies: [] }),
    });
    const uri = pathToFileURL(join(dir, 'repo/rules/require-duo.js')).href;
    const response: any = await session.connection.sendRequest('duoRules/convert', { uri });
    assert.equal(response.ok, true);
    assert.equal(response.name, 'require-duo');
    assert.match(response.code, /api\.multifactor\.enable\('duo'/);
    assert.equal(response.deployCli.codePath, join(dir, 'repo/actions/require-duo/code.js'));
    assert.equal(response.deployCli.jsonPath, join(dir, 'repo/actions/require-duo.json'));
    const json = JSON.parse(response.deployCli.json);
    assert.equal(json.runtime, 'node18', 'follows the existing actions');
    assert.deepEqual(json.supported_triggers, [{ id: 'post-login', version: 'v2' }]);
    assert.deepEqual(json.secrets, ['DUO_IKEY', 'DUO_SKEY', 'DUO_HOST'].map((name) => ({ name, value: `##${name}##` })));
    assert.deepEqual(Object.keys(json).slice(0, 4), ['name', 'code', 'deployed', 'runtime'], 'key order of the existing actions');

    const loose: any = await session.connection.sendRequest('duoRules/convert', { uri: pathToFileURL(join(dir, 'rule.js')).href });
    assert.equal(loose.deployCli, null);
    // Outside a deploy-cli repository the Action goes beside the Rule; without `check` nothing runs.
    assert.equal(loose.actionPath, join(dir, 'rule.action.js'));
    assert.equal(loose.check, undefined);
    const checked: any = await session.connection.sendRequest('duoRules/convert', { uri: pathToFileURL(join(dir, 'rule.js')).href, check: true });
    assert.ok(checked.check.logins >= 6, JSON.stringify(checked.check));
    assert.equal(checked.check.agreeing, checked.check.logins);
    assert.deepEqual(checked.check.divergences, []);
    const denying = "function (user, context, callback) {\n  context.redirect = { url: 'https://example.com/consent' };\n  callback(null, user, context);\n}\n";
    const diverging: any = await session.connection.sendRequest('duoRules/convert', { uri: pathToFileURL(join(dir, 'redirect.js')).href, text: denying, check: true });
    assert.deepEqual(diverging.check.divergences.map((d: { fields: string[] }) => d.fields), [['outcome']]);
    // Logins the check cannot try are in the report, said in the editor's terms (no command-line flag).
    const policy = "function (user, context, callback) {\n  var policy = JSON.parse(configuration.DUO_POLICY);\n  if (!policy.clients[context.clientID]) return callback(null, user, context);\n  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  callback(null, user, context);\n}\n";
    const untried: any = await session.connection.sendRequest('duoRules/convert', { uri: pathToFileURL(join(dir, 'policy.js')).href, text: policy, check: true });
    assert.deepEqual(untried.check.notes[0], { kind: 'not-tried', message: "logins where context.clientID is in JSON.parse(configuration.DUO_POLICY) were not tried: configuration.DUO_POLICY has no value in the check (give it in the deploy-cli repository's rules-configs/)." });
    assert.deepEqual(untried.check.notes.map((n: { kind: string }) => n.kind), ['not-tried', 'failed']);
    const notARule: any = await session.connection.sendRequest('duoRules/convert', { uri: 'untitled:Untitled-1', text: 'exports.x = 1;' });
    assert.equal(notARule.ok, false);
    assert.equal(typeof notARule.message, 'string');
    assert.equal(readFileSync(join(dir, 'rule.js'), 'utf8'), ruleText, 'convert must not touch the rule');
  });

  test('duoRules/mockInputs gives the runner defaults, the event without a second user', async () => {
    const inputs: any = await session.connection.sendRequest('duoRules/mockInputs');
    assert.equal(inputs.user.user_id, createDefaultUser().user_id);
    assert.equal(typeof inputs.context.clientID, 'string');
    assert.equal(inputs.event.user, undefined);
    assert.equal(typeof inputs.event.client, 'object');
  });
});
