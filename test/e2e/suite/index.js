// The real-editor suite, trusted workspace. Loaded by the workbench as
// extensionTestsPath, in the extension host, with a fresh copy of test/e2e/fixtures/workspace.
'use strict';
const vscode = require('vscode');
const assert = require('node:assert/strict');
const net = require('node:net');
const path = require('node:path');
const keys = require('./duoKeys');
const { startEmulator } = require('./emulator');
const { startAuth0Emulator } = require('./auth0Emulator');
const {
  createHarness, fileUri, writeFile, readFile, openFile, codeOf, duoDiagnostics, describe, waitForDiagnostics,
  hasCodes, completionLabels, positionAfter, hoverText, duoExtension,
} = require('./lib');

const readmeUrl = 'https://github.com/duo-rules/duo-rules#';

exports.run = async function run() {
  const { test, finish } = createHarness('trusted');
  const seed = fileUri('rules/duo-seed.js');

  await test('the extension is installed but not active before a JavaScript file opens', async () => {
    const ext = duoExtension();
    const openJs = vscode.workspace.textDocuments.filter((d) => d.languageId === 'javascript').map((d) => d.uri.path);
    assert.deepEqual(openJs, [], 'the workbench restored JavaScript editors, so this launch cannot tell');
    assert.equal(ext.isActive, false, 'active before any JavaScript file was opened (activation is not cheap)');
  });

  await test('opening a rule activates it and the seed snippet gets its diagnostics', async () => {
    await openFile(seed);
    const diagnostics = await waitForDiagnostics(seed, hasCodes('placeholder-client-id', 'placeholder-value', 'deprecated-field'),
      'placeholder-client-id, placeholder-value and deprecated-field', 30_000);
    assert.equal(duoExtension().isActive, true);
    for (const d of diagnostics) {
      assert.equal(d.source, 'duo-rules');
      assert.equal(typeof d.code, 'object', `${codeOf(d)} has no codeDescription link`);
      assert.equal(d.code.target.toString(), readmeUrl + codeOf(d));
    }
    const lines = (code) => diagnostics.filter((d) => codeOf(d) === code).map((d) => d.range.start.line + 1).sort((a, b) => a - b);
    assert.deepEqual(lines('placeholder-client-id'), [3], 'on the REPLACE_WITH_ string');
    assert.deepEqual(lines('placeholder-value'), [11, 12, 13], 'one per sample ikey/skey/host');
    assert.deepEqual(lines('deprecated-field'), [16], 'on ignoreCookie');
    assert.equal(diagnostics.find((d) => codeOf(d) === 'placeholder-client-id').severity, vscode.DiagnosticSeverity.Error);
  });

  await test('missing ikey/skey/host are reported on context.multifactor', async () => {
    const uri = fileUri('rules/missing-keys.js');
    await openFile(uri);
    const diagnostics = await waitForDiagnostics(uri, (ds) => ds.filter((d) => codeOf(d) === 'missing-field').length >= 2,
      'two missing-field diagnostics');
    const missing = diagnostics.filter((d) => codeOf(d) === 'missing-field');
    assert.equal(missing.length, 2, describe(diagnostics));
    assert.deepEqual(missing.map((d) => d.range.start.line + 1), [2, 2]);
    const text = missing.map((d) => d.message).join(' ');
    assert.match(text, /\bskey\b/);
    assert.match(text, /\bhost\b/);
    assert.doesNotMatch(text, /\bikey\b.*missing|missing.*\bikey\b/i);
  });

  await test('a clean rule gets only rules-eol, and a non-rule file with context.multifactor gets nothing', async () => {
    const server = fileUri('server.js');
    const clean = fileUri('rules/require-duo.js');
    await openFile(server);
    // The server handles documents in order: once the rule opened after server.js is analysed,
    // server.js has been analysed too.
    await openFile(clean);
    const diagnostics = await waitForDiagnostics(clean, hasCodes('rules-eol'), 'rules-eol');
    assert.deepEqual(diagnostics.map(codeOf), ['rules-eol'], describe(diagnostics));
    assert.equal(diagnostics[0].severity, vscode.DiagnosticSeverity.Information);
    assert.deepEqual(duoDiagnostics(server).map(codeOf), [], 'server.js is not a rule');
  });

  await test('on a plain JavaScript file Run, Verify and Convert answer "not an Auth0 Rule or post-login Action"', async () => {
    const util = await writeFile('lib/util.js', "module.exports = function formatName(user) {\n  return user.name;\n};\n");
    for (const command of ['duoRules.runRule', 'duoRules.verifyDuo', 'duoRules.convertToAction']) {
      const result = await vscode.commands.executeCommand(command, util, { showResult: false });
      assert.equal(result && result.error && result.error.name, 'NoRuleFile', `${command}: ${JSON.stringify(result).slice(0, 300)}`);
      assert.match(result.error.message, /^util\.js is not an Auth0 Rule or post-login Action\b/, command);
      assert.equal(result.outcome, undefined, `${command} ran anyway`);
    }
  });

  await test('completion inside context.multifactor = { on text that does not parse', async () => {
    const uri = await writeFile('rules/typing.js', [
      'function (user, context, callback) {',
      '  context.multifactor = {',
      "    provider: 'duo',",
      '    ',
      '',
    ].join('\n'));
    const { document } = await openFile(uri);
    const position = positionAfter(document, "provider: 'duo',\n    ");
    const labels = completionLabels(await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', uri, position));
    for (const key of ['ikey', 'skey', 'host', 'username', 'allowRememberBrowser', 'admin']) {
      assert.ok(labels.includes(key), `${key} not offered; got ${JSON.stringify(labels.slice(0, 30))}`);
    }
    assert.ok(!labels.includes('provider'), 'provider is already present');
  });

  await test('completion offers allowRememberBrowser after `allow` next to ignoreCookie, as the deprecated-field fix does', async () => {
    const uri = await writeFile('rules/typing-allow.js', [
      'function (user, context, callback) {',
      '  context.multifactor = {',
      "    provider: 'duo',",
      '    ignoreCookie: true,',
      '    allow',
      '  };',
      '  callback(null, user, context);',
      '}',
      '',
    ].join('\n'));
    const { document } = await openFile(uri);
    const list = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', uri, positionAfter(document, '    allow'));
    const labels = completionLabels(list);
    assert.ok(labels.includes('allowRememberBrowser'), `allowRememberBrowser not offered; got ${JSON.stringify(labels.slice(0, 30))}`);
  });

  await test('completion inside providerOptions of an Action on text that does not parse', async () => {
    const uri = await writeFile('actions/typing-action/code.js', [
      'exports.onExecutePostLogin = async (event, api) => {',
      "  api.multifactor.enable('duo', {",
      '    providerOptions: {',
      '      ikey: event.secrets.DUO_IKEY,',
      '      ',
      '',
    ].join('\n'));
    const { document } = await openFile(uri);
    const position = positionAfter(document, 'ikey: event.secrets.DUO_IKEY,\n      ');
    const labels = completionLabels(await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', uri, position));
    for (const key of ['skey', 'host', 'username']) {
      assert.ok(labels.includes(key), `${key} not offered; got ${JSON.stringify(labels.slice(0, 30))}`);
    }
    assert.ok(!labels.includes('ikey'), 'ikey is already present');
  });

  await test('hover on ikey explains Client ID, formerly integration key', async () => {
    const uri = fileUri('rules/require-duo.js');
    const { document } = await openFile(uri);
    const position = positionAfter(document, '    ik'); // inside the `ikey` key
    const text = hoverText(await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, position));
    assert.match(text, /Client ID/, `hover: ${text.slice(0, 200)}`);
    assert.match(text, /integration key/i);
  });

  await test('the deprecated-field quick fix, applied with workspace.applyEdit, removes its diagnostic', async () => {
    const uri = fileUri('rules/remember-browser.js');
    const { document } = await openFile(uri);
    const before = await waitForDiagnostics(uri, hasCodes('deprecated-field'), 'deprecated-field');
    const deprecated = before.find((d) => codeOf(d) === 'deprecated-field');
    const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, deprecated.range,
      vscode.CodeActionKind.QuickFix.value, 10);
    // vscode.executeCodeActionProvider does not carry an action's `diagnostics` back to the caller,
    // so the fix is recognised by its kind and title.
    const fix = (actions || []).find((a) => a.edit && a.kind && a.kind.value.startsWith('quickfix') && /allowRememberBrowser/.test(a.title));
    assert.ok(fix, `no quick fix with an edit for deprecated-field; got ${JSON.stringify((actions || []).map((a) =>
      ({ title: a.title, kind: a.kind && a.kind.value, edit: Boolean(a.edit) })))}`);
    const changed = waitForDiagnostics(uri, (ds) => !hasCodes('deprecated-field')(ds) && hasCodes('rules-eol')(ds), 'deprecated-field to go');
    assert.equal(await vscode.workspace.applyEdit(fix.edit), true);
    const after = await changed;
    assert.match(document.getText(), /allowRememberBrowser:\s*false/);
    assert.doesNotMatch(document.getText(), /ignoreCookie/);
    const errors = after.filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.deepEqual(errors.map(codeOf), [], 'the fix added an error');
  });

  await test('the duo-rule snippet inserts a rule whose only diagnostics are placeholder-client-id and rules-eol', async () => {
    const snippets = JSON.parse(await readFile(vscode.Uri.file(path.join(duoExtension().extensionPath, 'snippets', 'duo.code-snippets'))));
    const snippet = Object.values(snippets).find((s) => s.prefix === 'duo-rule' || (Array.isArray(s.prefix) && s.prefix.includes('duo-rule')));
    assert.ok(snippet, 'no snippet with prefix duo-rule in snippets/duo.code-snippets');
    const uri = await writeFile('rules/from-snippet.js', '');
    const { editor } = await openFile(uri);
    const body = Array.isArray(snippet.body) ? snippet.body.join('\n') : snippet.body;
    const settled = waitForDiagnostics(uri, hasCodes('rules-eol'), 'rules-eol after inserting the snippet');
    assert.equal(await editor.insertSnippet(new vscode.SnippetString(body)), true);
    const diagnostics = await settled;
    assert.deepEqual(diagnostics.map(codeOf).sort(), ['placeholder-client-id', 'rules-eol'], describe(diagnostics));
  });

  await test('Insert Duo Rule gives only placeholder-client-id and rules-eol', async () => {
    const uri = await writeFile('rules/from-command.js', '');
    await openFile(uri);
    await vscode.commands.executeCommand('duoRules.insertDuoRule');
    const document = vscode.window.activeTextEditor && vscode.window.activeTextEditor.document;
    assert.ok(document, 'no active editor after the command');
    assert.match(document.getText(), /context\.multifactor/, 'the command inserted no rule');
    const diagnostics = await waitForDiagnostics(document.uri, hasCodes('rules-eol'), 'rules-eol after Insert Duo Rule');
    assert.deepEqual(diagnostics.map(codeOf).sort(), ['placeholder-client-id', 'rules-eol'], describe(diagnostics));
  });

  // Runs need the Duo keys: the user's own configuration file, named by duoRules.configurationFile.
  await writeFile('duo-configuration.local.json', JSON.stringify(keys, null, 2));
  await vscode.workspace.getConfiguration('duoRules').update('configurationFile', 'duo-configuration.local.json', vscode.ConfigurationTarget.Workspace);
  const expectedMfa = { provider: 'duo', ikey: keys.DUO_IKEY, skey: '[redacted]', host: keys.DUO_HOST, allowRememberBrowser: false };
  const run = (uri) => vscode.commands.executeCommand('duoRules.runRule', uri, { showResult: false });
  let ruleResult;

  await test('editing the file of duoRules.configurationFile re-analyses the rules: a key added there is declared at once', async () => {
    const uri = await writeFile('rules/watched-key.js', [
      'function watchedKey(user, context, callback) {',
      "  if (configuration.E2E_WATCHED_FLAG === 'on') console.log('flag on');",
      '  callback(null, user, context);',
      '}',
      '',
    ].join('\n'));
    await openFile(uri);
    const unknown = (ds) => ds.some((d) => codeOf(d) === 'unknown-configuration-key' && /E2E_WATCHED_FLAG/.test(d.message));
    await waitForDiagnostics(uri, unknown, 'unknown-configuration-key for E2E_WATCHED_FLAG');
    // Only the file changes (no setting, no edit of the rule): the watcher is what re-analyses.
    const declared = waitForDiagnostics(uri, (ds) => !unknown(ds), 'E2E_WATCHED_FLAG declared by the configuration file');
    await writeFile('duo-configuration.local.json', JSON.stringify({ ...keys, E2E_WATCHED_FLAG: 'on' }, null, 2));
    await declared;
  });

  await test('Run Rule returns the documented JSON with the skey redacted', async () => {
    const result = await run(fileUri('rules/require-duo.js'));
    assert.ok(result && typeof result === 'object', `no result: ${JSON.stringify(result)}`);
    if (result.outcome === undefined && result.error) throw new Error(`refused: ${result.error.name}: ${result.error.message}`);
    assert.equal(result.kind, 'rule');
    assert.equal(result.outcome, 'completed', JSON.stringify(result.error));
    assert.equal(result.error, null);
    assert.deepEqual(result.multifactor, expectedMfa);
    assert.ok(result.user && typeof result.user === 'object', 'user');
    assert.ok(result.context && typeof result.context === 'object', 'context');
    assert.ok(Array.isArray(result.logs) && Array.isArray(result.warnings), 'logs and warnings');
    assert.equal(typeof result.durationMs, 'number');
    assert.ok(!JSON.stringify(result).includes(keys.DUO_SKEY), 'the skey leaked into the result');
    ruleResult = result;
  });

  await test('Run Rule runs a post-login Action to the same MFA', async () => {
    const result = await run(fileUri('actions/require-duo-action/code.js'));
    assert.equal(result.kind, 'action', JSON.stringify(result).slice(0, 300));
    assert.equal(result.outcome, 'completed', JSON.stringify(result.error));
    assert.deepEqual(result.multifactor, expectedMfa);
    assert.ok(result.changes && typeof result.changes === 'object', 'changes');
    assert.ok(!JSON.stringify(result).includes(keys.DUO_SKEY), 'the skey leaked into the result');
  });

  await test('Verify Configuration against the emulator says which application the keys belong to', async () => {
    const emulator = await startEmulator(duoExtension().extensionPath, keys, 'web-sdk');
    try {
      await vscode.workspace.getConfiguration('duoRules').update('duo.baseUrl', emulator.url, vscode.ConfigurationTarget.Workspace);
      const result = await vscode.commands.executeCommand('duoRules.verifyDuo', fileUri('rules/require-duo.js'), { showResult: false });
      assert.ok(result && result.verify, `no verify object: ${JSON.stringify(result).slice(0, 300)}`);
      const { verify } = result;
      assert.equal(result.outcome, 'completed');
      assert.equal(verify.application, 'web-sdk', JSON.stringify(verify));
      assert.equal(verify.universal.ok, true, verify.universal.message);
      assert.equal(verify.check.ok, false, 'Web SDK keys must not pass the Auth API check');
      assert.equal(typeof verify.check.message, 'string');
      assert.ok(Array.isArray(verify.warnings));
      assert.ok(!JSON.stringify(result).includes(keys.DUO_SKEY), 'the skey leaked into the result');
    } finally {
      emulator.stop();
    }
  }, 45_000);

  await test('a wrong skey fails verification with Duo\'s 40103 and a duo-verify-failed diagnostic on the skey line', async () => {
    const uri = fileUri('rules/require-duo.js');
    const { document } = await openFile(uri);
    // The emulator knows this ikey with another secret: Duo answers 40103 (bad signature).
    const emulator = await startEmulator(duoExtension().extensionPath, { ...keys, DUO_SKEY: 'x'.repeat(40) }, 'auth-api');
    try {
      await vscode.workspace.getConfiguration('duoRules').update('duo.baseUrl', emulator.url, vscode.ConfigurationTarget.Workspace);
      const flagged = waitForDiagnostics(uri, hasCodes('duo-verify-failed'), 'duo-verify-failed');
      const result = await vscode.commands.executeCommand('duoRules.verifyDuo', uri, { showResult: false });
      assert.ok(result && result.verify, `no verify object: ${JSON.stringify(result).slice(0, 300)}`);
      assert.equal(result.verify.application, null);
      assert.equal(result.verify.check.ok, false);
      assert.equal(result.verify.check.reason, 'duo');
      assert.equal(result.verify.check.code, 40103, result.verify.check.message);
      const diagnostic = (await flagged).find((d) => codeOf(d) === 'duo-verify-failed');
      const skeyLine = document.getText().split('\n').findIndex((l) => /^\s*skey:/.test(l));
      assert.equal(diagnostic.range.start.line, skeyLine, `on line ${diagnostic.range.start.line + 1}, not the skey line`);
      assert.ok(!JSON.stringify(result).includes(keys.DUO_SKEY) && !diagnostic.message.includes(keys.DUO_SKEY), 'the skey leaked');
    } finally {
      emulator.stop();
    }
  }, 45_000);

  await test('a Duo that cannot be reached leaves no diagnostic on the code: the result says "could not reach Duo"', async () => {
    const uri = fileUri('rules/require-duo.js');
    await openFile(uri);
    // A loopback port nothing listens on (taken, then released): connection refused, as when offline.
    const net = require('node:net');
    const port = await new Promise((resolve) => { const probe = net.createServer().listen(0, '127.0.0.1', () => { const p = probe.address().port; probe.close(() => resolve(p)); }); });
    const before = duoDiagnostics(uri).filter((d) => codeOf(d) === 'duo-verify-failed');
    await vscode.workspace.getConfiguration('duoRules').update('duo.baseUrl', `http://127.0.0.1:${port}`, vscode.ConfigurationTarget.Workspace);
    // The previous test left a duo-verify-failed diagnostic: its removal is the event to wait for.
    const cleared = before.length ? waitForDiagnostics(uri, (ds) => !ds.some((d) => codeOf(d) === 'duo-verify-failed'), 'duo-verify-failed removed') : Promise.resolve();
    const result = await vscode.commands.executeCommand('duoRules.verifyDuo', uri, { showResult: false });
    assert.ok(result && result.verify, `no verify object: ${JSON.stringify(result).slice(0, 300)}`);
    assert.equal(result.verify.application, null);
    assert.equal(result.verify.check.reason, 'network', JSON.stringify(result.verify.check));
    await cleared;
    const left = duoDiagnostics(uri).filter((d) => codeOf(d) === 'duo-verify-failed');
    assert.equal(left.length, 0, describe(left));
  }, 45_000);

  await test('Convert Rule to Action writes a deploy-cli Action that runs to the same MFA decision', async () => {
    const actionsDir = fileUri('actions');
    const before = new Set((await vscode.workspace.fs.readDirectory(actionsDir)).map(([name]) => name));
    const converted = await vscode.commands.executeCommand('duoRules.convertToAction', fileUri('rules/require-duo.js'));
    const written = ((converted && converted.files) || []).map(String);
    assert.ok(written.some((f) => f.endsWith('actions/require-duo/code.js')) && written.some((f) => f.endsWith('actions/require-duo.json')),
      `the command does not report the files it wrote: ${JSON.stringify(converted).slice(0, 300)}`);
    const created = (await vscode.workspace.fs.readDirectory(actionsDir))
      .filter(([name, type]) => type === vscode.FileType.Directory && !before.has(name)).map(([name]) => name);
    assert.deepEqual(created, ['require-duo'], 'expected actions/require-duo/ to be written');
    const code = await readFile(fileUri('actions/require-duo/code.js'));
    assert.match(code, /exports\.onExecutePostLogin/);
    assert.match(code, /api\.multifactor\.enable\(/);
    assert.match(code, /event\.secrets\.DUO_SKEY/);
    assert.doesNotMatch(code, /\bconfiguration\.DUO_/);
    const manifest = JSON.parse(await readFile(fileUri('actions/require-duo.json')));
    assert.equal(manifest.code, './actions/require-duo/code.js');
    assert.deepEqual(manifest.supported_triggers, [{ id: 'post-login', version: 'v3' }]);
    assert.deepEqual(manifest.secrets.map((s) => s.name).sort(), ['DUO_HOST', 'DUO_IKEY', 'DUO_SKEY']);
    assert.ok(manifest.secrets.every((s) => s.value === `##${s.name}##`), 'secrets must be keyword tokens, never values');
    const action = await run(fileUri('actions/require-duo/code.js'));
    assert.equal(action.kind, 'action', JSON.stringify(action).slice(0, 300));
    assert.equal(action.outcome, ruleResult ? ruleResult.outcome : 'completed');
    assert.deepEqual(action.multifactor, ruleResult ? ruleResult.multifactor : expectedMfa);
  });

  await test('Convert again: never overwrites without asking, TODOs in the code, the check\'s result and a diff Rule ↔ Action', async () => {
    const codeUri = fileUri('actions/require-duo/code.js');
    await writeFile('actions/require-duo/code.js', '// edited by hand\n');
    const kept = await vscode.commands.executeCommand('duoRules.convertToAction', fileUri('rules/require-duo.js'), { existing: 'keep' });
    assert.deepEqual(kept.files, [], 'nothing written over an existing Action');
    assert.equal(await readFile(codeUri), '// edited by hand\n');
    assert.equal(vscode.Uri.parse(kept.uri).scheme, 'untitled', 'the Action opened in a new editor instead');
    // The workspace is trusted: the differential check ran, and the converted Action agrees with the Rule.
    assert.ok(kept.check && kept.check.logins >= 6, JSON.stringify(kept.check).slice(0, 300));
    assert.deepEqual(kept.check.divergences, []);

    const replaced = await vscode.commands.executeCommand('duoRules.convertToAction', fileUri('rules/require-duo.js'), { existing: 'overwrite', diff: true });
    assert.ok(replaced.files.some((f) => f.endsWith(path.join('actions', 'require-duo', 'code.js'))));
    assert.match(await readFile(codeUri), /exports\.onExecutePostLogin/);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab && tab.input instanceof vscode.TabInputTextDiff, 'the diff Rule ↔ Action is open');
    assert.ok(tab.input.original.path.endsWith('rules/require-duo.js') && tab.input.modified.path.endsWith('actions/require-duo/code.js'));

    // Outside a deploy-cli layout the Action is <name>.action.js beside the Rule; its TODOs are comments at the lines the notes name.
    const loose = await writeFile('loose/deny-helper.js', "function (user, context, callback) {\n  if (!user.email_verified) return callback(null, user, global.postError('unverified', context));\n  callback(null, user, context);\n}\n");
    const converted = await vscode.commands.executeCommand('duoRules.convertToAction', loose);
    assert.deepEqual(converted.files.map((f) => path.basename(f)), ['deny-helper.action.js']);
    const lines = (await readFile(fileUri('loose/deny-helper.action.js'))).split('\n');
    const todo = converted.todos.find((n) => n.blocking);
    assert.ok(todo, 'the deny helper is a blocking TODO');
    assert.match(lines[todo.line - 1], /\/\/ TODO\(duo-rules\): the Rule ended the login with callback\(null, user, global\.postError/);
    assert.match(lines[todo.line], /return api\.access\.deny\(/);
    assert.deepEqual(converted.check.divergences.map((d) => d.login), ['user.email_verified = false']);
  });

  await test('doctor findings of the deploy-cli workspace appear in the Problems panel on the Duo Rule\'s file', async () => {
    const responses = await vscode.commands.executeCommand('duoRules.refreshDoctorProblems');
    assert.ok(Array.isArray(responses) && responses.length === 1 && responses[0].report, `no repository report: ${JSON.stringify(responses).slice(0, 300)}`);
    assert.equal(responses[0].report.source, 'repository');
    const doctor = vscode.languages.getDiagnostics(fileUri('rules/require-duo.js')).filter((d) => d.source === 'duo-rules doctor');
    const inRule = doctor.find((d) => codeOf(d) === 'duo-in-rule');
    assert.ok(inRule, `no duo-in-rule on rules/require-duo.js: ${describe(doctor)}`);
    assert.equal(inRule.severity, vscode.DiagnosticSeverity.Error);
    assert.match(inRule.message, /convert it with the command "Duo: Convert Rule to Post-Login Action"/);
    assert.doesNotMatch(inRule.message, /duo-rules convert/, 'the editor names its own command');
  });

  await test('Check Tenant against the Auth0 emulator: stored credentials, findings with their fix, the Duo settings verified, no secret', async () => {
    const emulator = await startAuth0Emulator(duoExtension().extensionPath, keys);
    try {
      const config = vscode.workspace.getConfiguration('duoRules');
      await config.update('duo.baseUrl', emulator.duoUrl, vscode.ConfigurationTarget.Workspace);
      await config.update('auth0.baseUrl', emulator.auth0Url, vscode.ConfigurationTarget.Workspace);
      const stored = await vscode.commands.executeCommand('duoRules.storeAuth0Credentials', emulator.domain, emulator.client.client_id, emulator.client.client_secret);
      assert.deepEqual(stored, { stored: true });
      const result = await vscode.commands.executeCommand('duoRules.checkTenant', { showResult: false });
      assert.ok(result && result.report, `no report: ${JSON.stringify(result).slice(0, 300)}`);
      assert.equal(result.report.source, 'tenant');
      assert.equal(result.report.tenant, emulator.domain);
      assert.deepEqual(result.report.findings.map((f) => f.id), ['duo-in-rule']);
      assert.match(result.report.findings[0].message, /Rules stopped executing on 2026-11-18/);
      assert.equal(result.report.verified.duoSettings.ok, true, JSON.stringify(result.report.verified));
      const text = JSON.stringify(result);
      assert.ok(!text.includes(emulator.client.client_secret) && !text.includes(keys.DUO_SKEY), 'a secret leaked into the result');

      // The result view: a read-only document listing each finding and its fix.
      await vscode.commands.executeCommand('duoRules.checkTenant');
      const view = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'duo-rules-doctor');
      assert.ok(view, 'no result view opened');
      assert.match(view.getText(), /`duo-in-rule` \(rule:Old Duo rule\): .*Fix: convert it with the command "Duo: Convert Rule to Post-Login Action"/);
      assert.ok(!view.getText().includes(emulator.client.client_secret));

      // Verify on the documented Action uses the same credentials for the tenant's Duo settings.
      const action = await writeFile('actions/documented/code.js', "exports.onExecutePostLogin = async (event, api) => {\n  api.multifactor.enable('duo', { allowRememberBrowser: false });\n};\n");
      const verified = await vscode.commands.executeCommand('duoRules.verifyDuo', action, { showResult: false });
      assert.equal(verified.verify && verified.verify.application, 'web-sdk', JSON.stringify(verified).slice(0, 400));
      assert.match(verified.verify.warnings[0], /tenant's Duo settings \(e2e-tenant\.us\.auth0\.com\)/);
    } finally {
      emulator.stop();
      await vscode.commands.executeCommand('duoRules.storeAuth0Credentials', '');
      await vscode.workspace.getConfiguration('duoRules').update('auth0.baseUrl', undefined, vscode.ConfigurationTarget.Workspace);
    }
  }, 60_000);

  await test('Check Tenant that cannot reach Auth0 says "Could not reach Auth0" and offers Retry and the setting, not new credentials', async () => {
    // A loopback port nobody listens on: the connection is refused at once.
    const closed = net.createServer();
    await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = closed.address().port;
    await new Promise((resolve) => closed.close(resolve));
    const config = vscode.workspace.getConfiguration('duoRules');
    try {
      await config.update('auth0.baseUrl', `http://127.0.0.1:${port}`, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand('duoRules.storeAuth0Credentials', 'e2e-offline.us.auth0.com', 'offlineClient', 'offline-secret-0123456789abcdef');
      const result = await vscode.commands.executeCommand('duoRules.checkTenant', { showResult: false });
      assert.ok(result && result.error, `expected a failure: ${JSON.stringify(result).slice(0, 300)}`);
      assert.match(result.error.message, new RegExp(`^Could not reach Auth0 at http://127\\.0\\.0\\.1:${port} \\(setting duoRules\\.auth0\\.baseUrl\\): nothing is listening`));
      assert.deepEqual(result.error.actions, ['Retry', 'Open Setting']);
    } finally {
      await vscode.commands.executeCommand('duoRules.storeAuth0Credentials', '');
      await config.update('auth0.baseUrl', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  await test('Create Mock Input Files writes a mocks template and the clock example; with both set, a run fails the metadata update, stubs request and starts on that day', async () => {
    const config = vscode.workspace.getConfiguration('duoRules');
    const mockSettings = ['mock.userFile', 'mock.contextFile', 'mock.eventFile', 'mock.mocksFile', 'mock.now'];
    try {
      const created = await vscode.commands.executeCommand('duoRules.createMockFiles', { existing: 'keep' });
      const rel = (files) => files.map((f) => vscode.workspace.asRelativePath(f)).sort();
      for (const name of ['mocks.json', 'stubs/request.js', 'README.md', 'user.json']) {
        assert.ok(rel(created.files).includes(`.duo-rules/mock/${name}`), `${name} not written: ${JSON.stringify(rel(created.files))}`);
      }
      assert.deepEqual(created.examples, { 'duoRules.mock.mocksFile': '.duo-rules/mock/mocks.json', 'duoRules.mock.now': '2026-12-05T12:00:00Z' });
      assert.equal(config.get('mock.mocksFile'), '', 'the mocks are not switched on by the command');
      const mocks = JSON.parse(await readFile(fileUri('.duo-rules/mock/mocks.json')));
      assert.deepEqual(mocks['auth0.users.updateAppMetadata'], { reject: 'Management API rate limit reached' });
      assert.deepEqual(mocks.modules, { request: './stubs/request.js' });
      assert.match(await readFile(fileUri('.duo-rules/mock/README.md')), /"duoRules\.mock\.now": "2026-12-05T12:00:00Z"/);

      // A second time, the edited file is kept as it is (the caller chose not to overwrite).
      await writeFile('.duo-rules/mock/user.json', '{ "email": "edited@example.org" }\n');
      const again = await vscode.commands.executeCommand('duoRules.createMockFiles', { existing: 'keep' });
      assert.deepEqual(again.files, []);
      assert.ok(rel(again.kept).includes('.duo-rules/mock/user.json'));
      assert.equal(await readFile(fileUri('.duo-rules/mock/user.json')), '{ "email": "edited@example.org" }\n');

      const rule = await writeFile('loose/weekday-profile.js', [
        'function weekdayProfile(user, context, callback) {',
        "  const request = require('request');",
        '  const day = new Date().getUTCDay();',
        "  request.get({ url: 'https://profile.example.com/' + day }, () => {",
        '    auth0.users.updateAppMetadata(user.user_id, { last_login_day: day })',
        '      .then(() => callback(null, user, context))',
        "      .catch((err) => callback(new UnauthorizedError('profile not saved on day ' + day + ': ' + err.message)));",
        '  });',
        '}',
        '',
      ].join('\n'));
      await config.update('mock.mocksFile', created.examples['duoRules.mock.mocksFile'], vscode.ConfigurationTarget.Workspace);
      await config.update('mock.now', created.examples['duoRules.mock.now'], vscode.ConfigurationTarget.Workspace);
      const result = await run(rule);
      if (result.outcome === undefined && result.error) throw new Error(`refused: ${result.error.name}: ${result.error.message}`);
      assert.equal(result.outcome, 'denied', JSON.stringify(result.error));
      assert.equal(result.error.message, 'profile not saved on day 6: Management API rate limit reached');
      assert.deepEqual(result.logs, ['request stub: https://profile.example.com/6']);
      assert.deepEqual(result.clock, { start: '2026-12-05T12:00:00.000Z', given: true });
      assert.equal(vscode.workspace.asRelativePath(result.mocks.file), '.duo-rules/mock/mocks.json');
      assert.deepEqual(result.mocks.modules, { request: './stubs/request.js' });
    } finally {
      for (const key of mockSettings) await config.update(key, undefined, vscode.ConfigurationTarget.Workspace);
    }
  }, 45_000);

  finish();
};
