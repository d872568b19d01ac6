// Completion, hover, code actions and workspace keys over stdio against the bundled server
// (`node dist/server.js --stdio`), spoken to like VS Code does.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { InitializeResult } from 'vscode-languageserver-protocol';
import type { CodeAction, CompletionList, Diagnostic, Hover, Position, TextEdit } from 'vscode-languageserver-types';

const root = join(__dirname, '..', '..', '..');
const serverPath = join(root, 'dist', 'server.js');
const SKEY = 'abcdefghij0123456789ABCDEFGHIJ0123456789';

interface Published { uri: string; version?: number; diagnostics: Diagnostic[] }

class Session {
  readonly published: Published[] = [];
  private readonly waiters: Array<{ test: (p: Published) => boolean; resolve: (p: Published) => void }> = [];
  private readonly documents = new Map<string, TextDocument>();
  initializeResult!: InitializeResult;

  private constructor(readonly connection: MessageConnection, private readonly child: ChildProcess) {}

  /** Starts the server with one workspace folder; `settings` is what workspace/configuration answers for duoRules. */
  static async start(folder: string, settings: Record<string, unknown> = {}): Promise<Session> {
    const child = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const session = new Session(connection, child);
    connection.onNotification('textDocument/publishDiagnostics', (p: Published) => {
      session.published.push(p);
      for (const w of [...session.waiters]) if (w.test(p)) { session.waiters.splice(session.waiters.indexOf(w), 1); w.resolve(p); }
    });
    connection.onNotification(() => undefined);
    connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => settings));
    connection.onRequest('client/registerCapability', () => null);
    connection.listen();
    const folderUri = pathToFileURL(folder).href;
    session.initializeResult = await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: folderUri,
      capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { versionSupport: true } } },
      workspaceFolders: [{ uri: folderUri, name: 'test' }],
    });
    await connection.sendNotification('initialized', {});
    return session;
  }

  /** The next diagnostics for `uri` matching `test` (or already published ones). */
  diagnostics(uri: string, test: (d: Diagnostic[]) => boolean = () => true, version?: number): Promise<Diagnostic[]> {
    const match = (p: Published) => p.uri === uri && (version === undefined || p.version === version) && test(p.diagnostics);
    const seen = [...this.published].reverse().find(match);
    if (seen) return Promise.resolve(seen.diagnostics);
    return new Promise((resolve) => this.waiters.push({ test: match, resolve: (p) => resolve(p.diagnostics) }));
  }

  open(uri: string, text: string, languageId = 'javascript'): void {
    this.documents.set(uri, TextDocument.create(uri, languageId, 1, text));
    this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } }).catch((err: unknown) => console.error('didOpen not sent:', err));
  }

  /** Replaces the whole text; returns the new version. */
  change(uri: string, text: string): number {
    const doc = this.documents.get(uri)!;
    const next = TextDocument.create(uri, doc.languageId, doc.version + 1, text);
    this.documents.set(uri, next);
    this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: next.version }, contentChanges: [{ text }] }).catch((err: unknown) => console.error('didChange not sent:', err));
    return next.version;
  }

  /** Applies a code action's edit to our copy and sends it as a change. */
  apply(uri: string, edits: TextEdit[]): { text: string; version: number } {
    const text = TextDocument.applyEdits(this.documents.get(uri)!, edits);
    return { text, version: this.change(uri, text) };
  }

  position(uri: string, offset: number): Position {
    return this.documents.get(uri)!.positionAt(offset);
  }

  async close(): Promise<void> {
    await this.connection.sendRequest('shutdown');
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.connection.sendNotification('exit');
    await exited;
    this.connection.dispose();
  }
}

/** Text with a `|` caret: the text without it and the caret's offset. */
function caret(fixture: string): { text: string; offset: number } {
  const offset = fixture.indexOf('|');
  return { text: fixture.slice(0, offset) + fixture.slice(offset + 1), offset };
}

const ruleWithGap = `function (user, context, callback) {\n  context.multifactor = {\n    provider: 'duo',\n    ikey: configuration.DUO_IKEY,\n    |\n  };\n  callback(null, user, context);\n}\n`;

describe('editing features over stdio', () => {
  let repo: string;
  let session: Session;

  before(async () => {
    repo = mkdtempSync(join(tmpdir(), 'duo-editing-protocol-'));
    mkdirSync(join(repo, 'rules'));
    mkdirSync(join(repo, 'rules-configs'));
    writeFileSync(join(repo, 'rules-configs', 'duo_ikey.json'), '{ "key": "DUO_IKEY", "value": "##DUO_IKEY##" }');
    writeFileSync(join(repo, 'rules-configs', 'duo_skey.json'), '{ "key": "DUO_SKEY", "value": "##DUO_SKEY##" }');
    session = await Session.start(repo, { configurationKeys: ['FROM_SETTING'] });
  });

  after(async () => {
    await session?.close();
    rmSync(repo, { recursive: true, force: true });
  });

  test('advertises completion triggers, hover and the code action kinds', () => {
    const caps = session.initializeResult.capabilities;
    assert.deepEqual(caps.completionProvider?.triggerCharacters, ['.', "'", '"', '{', ',', '(', ':']);
    assert.equal(caps.hoverProvider, true);
    assert.deepEqual((caps.codeActionProvider as { codeActionKinds: string[] }).codeActionKinds, ['quickfix', 'refactor.rewrite', 'source.fixAll.duoRules']);
  });

  test('completion in the multifactor object offers the absent keys with a replace range', async () => {
    const uri = pathToFileURL(join(repo, 'rules', 'gap.js')).href;
    const { text, offset } = caret(ruleWithGap);
    session.open(uri, text);
    const list = await session.connection.sendRequest<CompletionList>('textDocument/completion', { textDocument: { uri }, position: session.position(uri, offset) });
    assert.deepEqual(list.items.map((i) => i.label), ['skey', 'host', 'username', 'allowRememberBrowser', 'admin']);
    const skey = list.items[0];
    assert.deepEqual(skey.textEdit, { range: { start: session.position(uri, offset), end: session.position(uri, offset) }, newText: 'skey: configuration.${1:DUO_SKEY},' });
    assert.equal(skey.insertTextFormat, 2);
  });

  test('configuration. offers the keys of rules-configs/ and the duoRules.configurationKeys setting', async () => {
    const uri = pathToFileURL(join(repo, 'rules', 'keys.js')).href;
    const { text, offset } = caret('function (user, context, callback) {\n  var k = configuration.|\n');
    session.open(uri, text);
    const list = await session.connection.sendRequest<CompletionList>('textDocument/completion', { textDocument: { uri }, position: session.position(uri, offset) });
    assert.deepEqual(list.items.map((i) => i.label).sort(), ['DUO_IKEY', 'DUO_SKEY', 'FROM_SETTING']);
  });

  test('undeclared keys are reported, and a new rules-configs file clears them once the watcher fires', async () => {
    const uri = pathToFileURL(join(repo, 'rules', 'host.js')).href;
    const text = "function (user, context, callback) { if (context.protocol === 'oauth2-refresh-token') return callback(null, user, context);\n  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  callback(null, user, context);\n}\n";
    session.open(uri, text);
    const before = await session.diagnostics(uri, (d) => d.some((x) => x.code === 'unknown-configuration-key'));
    assert.match(String(before.find((d) => d.code === 'unknown-configuration-key')!.message), /'DUO_HOST' is not declared/);
    const file = join(repo, 'rules-configs', 'duo_host.json');
    writeFileSync(file, '{ "key": "DUO_HOST", "value": "##DUO_HOST##" }');
    await session.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(file).href, type: 1 }] });
    const afterwards = await session.diagnostics(uri, (d) => !d.some((x) => x.code === 'unknown-configuration-key'));
    assert.deepEqual(afterwards.map((d) => d.code), ['rules-eol']);
  });

  test('hover on ikey explains Client ID, formerly integration key', async () => {
    const uri = pathToFileURL(join(repo, 'rules', 'gap.js')).href;
    const offset = caret(ruleWithGap).text.indexOf('ikey') + 1;
    const hover = await session.connection.sendRequest<Hover>('textDocument/hover', { textDocument: { uri }, position: session.position(uri, offset) });
    assert.match((hover.contents as { value: string }).value, /Client ID \(formerly integration key\)/);
  });

  test('the missing-field quick fix, applied, removes the diagnostic', async () => {
    const uri = pathToFileURL(join(repo, 'rules', 'gap.js')).href;
    const diagnostics = await session.diagnostics(uri, (d) => d.some((x) => x.code === 'missing-field'));
    const missing = diagnostics.filter((d) => d.code === 'missing-field');
    const actions = await session.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: missing[0].range, context: { diagnostics: missing, only: ['quickfix'] } });
    const fix = actions.find((a) => a.kind === 'quickfix' && a.diagnostics?.[0]?.code === 'missing-field');
    assert.ok(fix?.edit?.changes?.[uri], JSON.stringify(actions));
    // One entry in the light bulb for all the keys of this object, not one identical entry per missing key.
    assert.equal(actions.filter((a) => a.title === fix.title).length, 1);
    assert.equal(fix.diagnostics?.length, missing.length);
    const { version } = session.apply(uri, fix.edit.changes[uri]);
    const after = await session.diagnostics(uri, () => true, version);
    assert.deepEqual(after.filter((d) => d.code === 'missing-field' || d.severity === 1), []);
  });

  test('source.fixAll.duoRules is offered only when asked for, and the Convert refactor on Rules', async () => {
    const uri = pathToFileURL(join(repo, 'rules', 'old.js')).href;
    const text = "function (user, context, callback) {\n  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST, ignoreCookie: true };\n  callback(null, user, context);\n}\n";
    session.open(uri, text);
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
    session.open(uri, text);
    const before = await session.diagnostics(uri);
    // What VS Code's TypeScript extension publishes for this file, and sends back with the light-bulb request.
    const tsError: Diagnostic = { range: { start: { line: 0, character: 9 }, end: { line: 0, character: 10 } }, severity: 1, code: 1003, source: 'ts', message: 'Identifier expected.' };
    const actions = await session.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: tsError.range, context: { diagnostics: [tsError], only: ['quickfix'] } });
    const naming = actions.find((a) => a.title.startsWith('Name the rule function'));
    assert.ok(naming, JSON.stringify(actions));
    assert.equal(naming.isPreferred, true);
    assert.deepEqual(naming.diagnostics, [tsError]);
    const { text: fixed, version } = session.apply(uri, naming.edit!.changes![uri]);
    assert.equal(fixed, text.replace('function (', 'function duoMfa('));
    // Still a rule to duo-rules, with the same findings.
    assert.deepEqual((await session.diagnostics(uri, () => true, version)).map((d) => d.code), before.map((d) => d.code));
    const again = await session.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: tsError.range, context: { diagnostics: [], only: ['quickfix'] } });
    assert.ok(!again.some((a) => a.title.startsWith('Name the rule function')));
    const lightbulb = await session.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } });
    assert.ok(lightbulb.some((a) => a.kind === 'refactor.rewrite'), 'the named rule is still convertible');
  });

  test('a plaintext secret in rules-configs gets hardcoded-secret and a token fix that copies nothing', async () => {
    const uri = pathToFileURL(join(repo, 'rules-configs', 'leak.json')).href;
    const text = `{ "key": "DUO_SKEY", "value": "${SKEY}" }\n`;
    session.open(uri, text, 'json');
    const diagnostics = await session.diagnostics(uri, (d) => d.length > 0);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.source, d.range.start.character]), [['hardcoded-secret', 'duo-rules', text.indexOf(`"${SKEY}`)]]);
    assert.ok(!JSON.stringify(diagnostics).includes(SKEY));
    const actions = await session.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0].range, context: { diagnostics } });
    const { text: fixed, version } = session.apply(uri, actions[0].edit!.changes![uri]);
    assert.equal(fixed, '{ "key": "DUO_SKEY", "value": "##DUO_SKEY##" }\n');
    assert.deepEqual(await session.diagnostics(uri, () => true, version), []);
  });

  test('nothing is offered in a JavaScript file that is not a Rule or Action', async () => {
    const uri = pathToFileURL(join(repo, 'server.js')).href;
    const { text, offset } = caret("const app = require('express')();\napp.use((req, res) => {\n  context.|\n});\n");
    session.open(uri, text);
    const list = await session.connection.sendRequest<CompletionList | null>('textDocument/completion', { textDocument: { uri }, position: session.position(uri, offset) });
    assert.equal(list, null);
    const hover = await session.connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: session.position(uri, offset - 3) });
    assert.equal(hover, null);
  });

  test('on a 20,000-line rule, completion after a keystroke answers before the re-analysis', async () => {
    const uri = pathToFileURL(join(repo, 'rules', 'large.js')).href;
    const filler = Array.from({ length: 20000 }, (_, i) => `  var v${i} = { n: ${i}, s: 'line ${i}' };`).join('\n');
    const body = (extra: string) => `function (user, context, callback) {\n${filler}\n  context.multifactor = {\n    provider: 'duo',\n    ${extra}\n  };\n  callback(null, user, context);\n}\n`;
    session.open(uri, body(''));
    await session.diagnostics(uri, () => true, 1);
    const { text, offset } = caret(body('i|'));
    const version = session.change(uri, text);
    const list = await session.connection.sendRequest<CompletionList>('textDocument/completion', { textDocument: { uri }, position: session.position(uri, offset) });
    assert.ok(list.items.some((i) => i.label === 'ikey'));
    assert.ok(!session.published.some((p) => p.uri === uri && p.version === version), 'the completion came before the diagnostics of the new version');
    await session.diagnostics(uri, () => true, version);
  });
});
