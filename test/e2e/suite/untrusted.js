// The real-editor suite in an untrusted workspace (Workspace Trust on, folder not trusted):
// analysis and editing keep working, running the workspace's code is refused.
'use strict';
const vscode = require('vscode');
const assert = require('node:assert/strict');
const { createHarness, fileUri, writeFile, openFile, waitForDiagnostics, hasCodes, completionLabels, positionAfter } = require('./lib');

exports.run = async function run() {
  const { test, finish } = createHarness('untrusted');
  const seed = fileUri('rules/duo-seed.js');

  await test('the workspace is untrusted in this launch', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  await test('diagnostics still appear', async () => {
    await openFile(seed);
    await waitForDiagnostics(seed, hasCodes('placeholder-client-id', 'placeholder-value', 'deprecated-field'),
      'the seed diagnostics', 30_000);
  });

  await test('completion still works', async () => {
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
    assert.ok(labels.includes('skey') && labels.includes('host'), JSON.stringify(labels.slice(0, 30)));
  });

  for (const command of ['duoRules.runRule', 'duoRules.verifyDuo']) {
    await test(`${command} is refused with a Workspace Trust explanation`, async () => {
      // Documented: refusals resolve to { error: { name, message } } rather than throwing.
      const result = await vscode.commands.executeCommand(command, fileUri('rules/require-duo.js'), { showResult: false });
      assert.ok(result && result.error, `not refused: ${JSON.stringify(result).slice(0, 300)}`);
      assert.equal(result.outcome, undefined, 'the rule ran');
      assert.equal(result.error.name, 'WorkspaceTrustRequired');
      assert.match(result.error.message, /trust/i);
    });
  }

  await test('duoRules.checkTenant is refused with a Workspace Trust explanation', async () => {
    const result = await vscode.commands.executeCommand('duoRules.checkTenant', { showResult: false });
    assert.ok(result && result.error, `not refused: ${JSON.stringify(result).slice(0, 300)}`);
    assert.equal(result.report, undefined, 'the tenant was read');
    assert.equal(result.error.name, 'WorkspaceTrustRequired');
  });

  finish();
};
