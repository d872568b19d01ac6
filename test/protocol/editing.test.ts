// Completion, hover, code actions and workspace keys over stdio against the bundled server
// (`node dist/server.js --stdio`), spoken to like VS Code does.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, CompletionList, Diagnostic, Hover } from 'vscode-languageserver-types';
import { caret } from '../helpers/caret';
import { LspClient } from '../helpers/lspClient';
import { createWorkspace, type TempWorkspace } from '../helpers/workspace';

const SKEY = 'abcdefghij0123456789ABCDEFGHIJ0123456789';

/** The latest diagnostics published for `uri` at `version` or later that pass `test`, else the next such. */
function published(session: LspClient, uri: string, test: (d: Diagnostic[]) => boolean = () => true, version = 1): Promise<Diagnostic[]> {
  return session.waitForDiagnostics(uri, version, test).then((p) => p.diagnostics);
}

const ruleWithGap = `function (user, context, callback) {\n  context.multifactor = {\n    provider: 'duo',\n    ikey: configuration.DUO_IKEY,\n    |\n  };\n  callback(null, user, context);\n}\n`;

describe('editing features over stdio', () => {
  let workspace: TempWorkspace;
  let repo: string;
  let session: LspClient;

  before(async () => {
    workspace = createWorkspace({
      prefix: 'duo-editing-protocol-',
      files: {
        'rules-configs/duo_ikey.json': '{ "key": "DUO_IKEY", "value": "##DUO_IKEY##" }',
        'rules-configs/duo_skey.json': '{ "key": "DUO_SKEY", "value": "##DUO_SKEY##" }',
      },
    });
    repo = workspace.root;
    mkdirSync(join(repo, 'rules'));
    session = await LspClient.start({ workspaceFolders: [pathToFileURL(repo).href], settings: { configurationKeys: ['FROM_SETTING'] } });
  });

  after(async () => {
    await session?.shutdown();
    workspace.remove();
  });

  test('advertises completion triggers, hover and the code action kinds', () => {
    const caps = session.initializeResult!.capabilities;
    assert.deepEqual(caps.completionProvider?.triggerCharacters, ['.', "'", '"', '{', ',', '(', ':']);
    assert.equal(caps.hoverProvider, true);
    assert.deepEqual((caps.codeActionProvider as { codeActionKinds: string[] }).codeActionKinds, ['quickfix', 'refactor.rewrite', 'source.fixAll.duoRules']);
  });

  test('completion in the multifactor object offers the absent keys with a replace range', async () => {
    const uri = pathToFileURL(join(repo, 'rules', 'gap.js')).href;
    const { text, offset } = caret(ruleWithGap);
    await session.open(uri, text);
    const list = await session.connection.sendRequest<CompletionList>('textDocument/completion', { textDocument: { uri }, position: session.positionAt(uri, offset) });
    assert.deepEqual(list.items.map((i) => i.label), ['skey', 'host', 'username', 'allowRememberBrowser', 'admin']);
    const skey = list.items[0];
    assert.deepEqual(skey.textEdit, { range: { start: session.positionAt(uri, offset), end: session.positionAt(uri, offset) }, newText: 'skey: configuration.${1:DUO_SKEY},' });
    assert.equal(skey.insertTextFormat, 2);
  });

  test('configuration. offers the keys of rules-configs/ and the duoRules.configurationKeys setting', async () => {
    const uri = pathToFileURL(join(repo, 'rules', 'keys.js')).href;
    const { text, offset } = caret('function (user, context, callback) {\n  var k = configuration.|\n');
    await session.open(uri, text);
    const list = await session.connection.sendRequest<CompletionList>('textDocument/completion', { textDocument: { uri }, position: session.positionAt(uri, offset) });
    assert.deepEqual(list.items.map((i) => i.label).sort(), ['DUO_IKEY', 'DUO_SKEY', 'FROM_SETTING']);
  });

  test('undeclared keys are reported, and a new rules-configs file clears them once the watcher fires', async () => {
    const uri = pathToFileURL(join(repo, 'rules', 'host.js')).href;
    const text = "function (user, context, callback) { if (context.protocol === 'oauth2-refresh-token') return callback(null, user, context);\n  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  callback(null, user, context);\n}\n";
    await session.open(uri, text);
    const before = await published(session, uri, (d) => d.some((x) => x.code === 'unknown-configuration-key'));
    assert.match(String(before.find((d) => d.code === 'unknown-configuration-key')!.message), /'DUO_HOST' is not declared/);
    const file = join(repo, 'rules-configs', 'duo_host.json');
    writeFileSync(file, '{ "key": "DUO_HOST", "value": "##DUO_HOST##" }');
    await session.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(file).href, type: 1 }] });
    const afterwards = await published(session, uri, (d) => !d.some((x) => x.code === 'unknown-configuration-key'));
    assert.deepEqual(afterwards.map((d) => d.code), ['rules-eol']);
  });

  test('hover on ikey explains Client ID, formerly integration key', async () => {
    const uri = pathToFileURL(join(repo, 'rules', 'gap.js')).href;
    const offset = caret(ruleWithGap).text.indexOf('ikey') + 1;
    const hover = await session.connection.sendRequest<Hover>('textDocument/hover', { textDocument: { uri }, position: session.positionAt(uri, offset) });
    assert.match((hover.contents as { value: string }).value, /Client ID \(formerly integration key\)/);
  });

  test('the missing-field quick fix, applied, removes the diagnostic', async () => {
    const uri = pathToFileURL(join(repo, 'rules', 'gap.js')).href;
    const diagnostics = await published(session, uri, (d) => d.some((x) => x.code === 'missing-field'));
    const missing = diagnostics.filter((d) => d.code === 'missing-field');
    const actions = await session.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: missing[0].range, context: { diagnostics: missing, only: ['quickfix'] } });
    const fix = actions.find((a) => a.kind === 'quickfix' && a.diagnostics?.[0]?.code === 'missing-field');
    assert.ok(fix?.edit?.changes?.[uri], JSON.stringify(actions));
    // One entry in the light bulb for all the keys of this object, not one identical entry per missing key.
    assert.equal(actions.filter((a) => a.title === fix.title).length, 1);
    assert.equal(fix.diagnostics?.length, missing.length);
    const { version } = await session.apply(uri, fix.edit.changes[uri]);
    const after = await published(session, uri, () => true, version);
    assert.deepEqual(after.filter((d) => d.code === 'missing-field' || d.severity === 1), []);
  });

  test('a misspelt user field in an Action is a warning whose quick fix reads the profile field', async () => {
    const uri = pathToFileURL(join(repo, 'actions', 'step-up', 'code.js')).href;
    const version = await session.open(uri, "exports.onExecutePostLogin = async (event, api) => {\n  if (event.transaction.protocol === 'oauth2-refresh-token') return;\n  if (event.user.appMetadata?.use_mfa) api.multifactor.enable('duo');\n};\n");
    const [warning] = (await published(session, uri, () => true, version)).filter((d) => d.code === 'unknown-field');
    assert.match(String(warning?.message), /^'appMetadata' is not a field of Auth0's user profile: .* Did you mean 'app_metadata'\?$/);
    assert.deepEqual(warning.range, { start: { line: 2, character: 17 }, end: { line: 2, character: 28 } });
    const actions = await session.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: warning.range, context: { diagnostics: [warning], only: ['quickfix'] } });
    const fix = actions.find((a) => a.title === "Change 'appMetadata' to 'app_metadata'");
    assert.ok(fix?.edit?.changes?.[uri], JSON.stringify(actions));
    const { text, version: fixed } = await session.apply(uri, fix.edit.changes[uri]);
    assert.match(text, /if \(event\.user\.app_metadata\?\.use_mfa\)/);
    assert.deepEqual((await published(session, uri, () => true, fixed)).filter((d) => d.code === 'unknown-field'), []);
    await session.close(uri);
  });

  test('source.fixAll.duoRules is offered only when asked for, and the Convert refactor on Rules', async () => {
    const uri = pathToFileURL(join(repo, 'rules', 'old.js')).href;
    const text = "function (user, context, callback) {\n  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST, ignoreCookie: true };\n  callback(null, user, context);\n}\n";
    await session.open(uri, text);
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const fixAll = await session.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [], only: ['source.fixAll'] } });
    assert.deepEqual(fixAll.map((a) => a.kind), ['source.fixAll.duoRules']);
    assert.match(TextDocument.applyEdits(TextDocument.create(uri, 'javascript', 1, text), fixAll[0].edit!.changes![uri]), /allowRememberBrowser: false \}/);
    const lightbulb = await session.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [] } });
    assert.ok(!lightbulb.some((a) => a.kind === 'source.fixAll.duoRules'));
    const convert = lightbulb.find((a) => a.kind === 'refactor.rewrite');
    assert.deepEqual(convert?.command, { title: 'Convert Rule to Post-Login Action', command: 'duoRules.convertToAction', arguments: [uri] });
  });

  test('VS Code\'s "Identifier expected" ts(1003) on an anonymous rule gets the "Name the rule function" fix', async () => {
    const uri = pathToFileURL(join(repo, 'rules', 'duo-mfa.js')).href;
    const text = "function (user, context, callback) { if (context.protocol === 'oauth2-refresh-token') return callback(null, user, context);\n  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  callback(null, user, context);\n}\n";
    await session.open(uri, text);
    const before = await published(session, uri);
    // What VS Code's TypeScript extension publishes for this file, and sends back with the light-bulb request.
    const tsError: Diagnostic = { range: { start: { line: 0, character: 9 }, end: { line: 0, character: 10 } }, severity: 1, code: 1003, source: 'ts', message: 'Identifier expected.' };
    const actions = await session.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: tsError.range, context: { diagnostics: [tsError], only: ['quickfix'] } });
    const naming = actions.find((a) => a.title.startsWith('Name the rule function'));
    assert.ok(naming, JSON.stringify(actions));
    assert.equal(naming.isPreferred, true);
    assert.deepEqual(naming.diagnostics, [tsError]);
    const { text: fixed, version } = await session.apply(uri, naming.edit!.changes![uri]);
    assert.equal(fixed, text.replace('function (', 'function duoMfa('));
    // Still a rule to duo-rules, with the same findings.
    assert.deepEqual((await published(session, uri, () => true, version)).map((d) => d.code), before.map((d) => d.code));
    const again = await session.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: tsError.range, context: { diagnostics: [], only: ['quickfix'] } });
    assert.ok(!again.some((a) => a.title.startsWith('Name the rule function')));
    const lightbulb = await session.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } });
    assert.ok(lightbulb.some((a) => a.kind === 'refactor.rewrite'), 'the named rule is still convertible');
  });

  test('a plaintext secret in rules-configs gets hardcoded-secret and a token fix that copies nothing', async () => {
    const uri = pathToFileURL(join(repo, 'rules-configs', 'leak.json')).href;
    const text = `{ "key": "DUO_SKEY", "value": "${SKEY}" }\n`;
    await session.open(uri, text, 'json');
    const diagnostics = await published(session, uri, (d) => d.length > 0);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.source, d.range.start.character]), [['hardcoded-secret', 'duo-rules', text.indexOf(`"${SKEY}`)]]);
    assert.ok(!JSON.stringify(diagnostics).includes(SKEY));
    const actions = await session.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0].range, context: { diagnostics } });
    const { text: fixed, version } = await session.apply(uri, actions[0].edit!.changes![uri]);
    assert.equal(fixed, '{ "key": "DUO_SKEY", "value": "##DUO_SKEY##" }\n');
    assert.deepEqual(await published(session, uri, () => true, version), []);
  });

  test('nothing is offered in a JavaScript file that is not a Rule or Action', async () => {
    const uri = pathToFileURL(join(repo, 'server.js')).href;
    const { text, offset } = caret("const app = require('express')();\napp.use((req, res) => {\n  context.|\n});\n");
    await session.open(uri, text);
    const list = await session.connection.sendRequest<CompletionList | null>('textDocument/completion', { textDocument: { uri }, position: session.positionAt(uri, offset) });
    assert.equal(list, null);
    const hover = await session.connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: session.positionAt(uri, offset - 3) });
    assert.equal(hover, null);
  });

  test('on a 20,000-line rule, completion after a keystroke answers before the re-analysis', async () => {
    const uri = pathToFileURL(join(repo, 'rules', 'large.js')).href;
    const filler = Array.from({ length: 20000 }, (_, i) => `  var v${i} = { n: ${i}, s: 'line ${i}' };`).join('\n');
    const body = (extra: string) => `function (user, context, callback) {\n${filler}\n  context.multifactor = {\n    provider: 'duo',\n    ${extra}\n  };\n  callback(null, user, context);\n}\n`;
    await session.open(uri, body(''));
    await published(session, uri, () => true, 1);
    const { text, offset } = caret(body('i|'));
    const version = await session.change(uri, text);
    const list = await session.connection.sendRequest<CompletionList>('textDocument/completion', { textDocument: { uri }, position: session.positionAt(uri, offset) });
    assert.ok(list.items.some((i) => i.label === 'ikey'));
    assert.ok(!session.notifications.some((n) => n.method === 'textDocument/publishDiagnostics' && n.params.uri === uri && n.params.version === version), 'the completion came before the diagnostics of the new version');
    await published(session, uri, () => true, version);
  });
});
