// The bundled language server over stdio (and IPC): diagnostics on open/change/save/close,
// settings pulled with workspace/configuration, .duo-rules.json, and survival of bad input.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { serverExecArgv } from '../../shared/protocol';
import { LspClient } from '../helpers/lspClient';
import { createWorkspace } from '../helpers/workspace';

const seed = readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'seed-rule.js'), 'utf8');
const codesOf = (diagnostics: Array<{ code?: unknown }>) => diagnostics.map((d) => String(d.code));

describe('diagnostics over stdio', () => {
  let client: LspClient;
  let workspace: string;

  before(async () => {
    workspace = createWorkspace({ prefix: 'duo-rules-protocol-' }).root;
    client = await LspClient.start({ workspaceFolders: [pathToFileURL(workspace).href], settings: {} });
  });

  after(async () => {
    await client.shutdown();
  });

  test('initialize announces incremental sync', () => {
    assert.equal(client.initializeResult?.serverInfo?.name, 'duo-rules');
    assert.ok(client.initializeResult?.capabilities.textDocumentSync);
  });

  test('the seed rule: placeholders and ignoreCookie reported on open with source, code and link', async () => {
    const uri = pathToFileURL(join(workspace, 'seed.js')).href;
    const version = await client.open(uri, seed);
    const { diagnostics } = await client.waitForDiagnostics(uri, version);
    // Its MFA runs only for the sample client id, so there is no refresh-token warning yet.
    assert.deepEqual(codesOf(diagnostics), ['rules-eol', 'placeholder-client-id', 'placeholder-value', 'placeholder-value', 'placeholder-value', 'deprecated-field']);
    // In the editor the end-of-life advice names the editor's command, not the CLI's.
    assert.equal(diagnostics[0].message, 'Auth0 Rules reached end of life on 2026-11-18 and no longer run: migrate this rule to a post-login Action with the command "Duo: Convert Rule to Post-Login Action".');
    const placeholder = diagnostics[1];
    assert.equal(placeholder.source, 'duo-rules');
    assert.equal(placeholder.severity, 1);
    assert.equal(placeholder.codeDescription?.href, 'https://github.com/duo-rules/duo-rules#placeholder-client-id');
    assert.deepEqual(placeholder.range.start, { line: 2, character: 26 });
    assert.ok(client.configurationRequests.some((r) => r.section === 'duoRules' && r.scopeUri === uri));
  });

  test('typing updates diagnostics at once for a small file; save re-publishes; close clears', async () => {
    const uri = pathToFileURL(join(workspace, 'typing.js')).href;
    const broken = `function (user, context, callback) { if (context.protocol === 'oauth2-refresh-token') return callback(null, user, context);\n  context.multifactor = { provider: 'duo', ikey: configuration.I, skey: configuration.S, host: configuration.H, hots: 1 };\n  callback(null, user, context);\n}\n`;
    await client.open(uri, broken);
    assert.deepEqual(codesOf((await client.waitForDiagnostics(uri, 1)).diagnostics), ['rules-eol', 'unknown-field']);
    // An incremental edit: delete ", hots: 1".
    const line = broken.split('\n')[1];
    const start = line.indexOf(', hots: 1');
    const version = await client.edit(uri, { start: { line: 1, character: start }, end: { line: 1, character: start + ', hots: 1'.length } }, '');
    assert.deepEqual(codesOf((await client.waitForDiagnostics(uri, version)).diagnostics), ['rules-eol']);
    // Mid-typing text keeps producing diagnostics (syntax error plus what can still be seen).
    const typing = await client.change(uri, `function (user, context, callback) {\n  context.multifactor = {\n    provider: 'duo',\n    ikey: '',\n    host:`);
    const mid = codesOf((await client.waitForDiagnostics(uri, typing)).diagnostics);
    assert.ok(mid.includes('syntax-error') && mid.includes('placeholder-value'), mid.join());
    const saved = client.waitForDiagnostics(uri);
    await client.save(uri);
    assert.ok(codesOf((await saved).diagnostics).includes('syntax-error'));
    const cleared = client.waitForDiagnostics(uri);
    await client.close(uri);
    assert.deepEqual((await cleared).diagnostics, []);
  });

  test('CRLF and a BOM give the editor the right positions', async () => {
    const uri = pathToFileURL(join(workspace, 'crlf.js')).href;
    const text = '\uFEFFfunction (user, context, callback) {\r\n\tcontext.multifactor = { provider: \'duo\', ikey: configuration.I, skey: configuration.S, host: configuration.H, /* é😀 */ hots: 1 };\r\n\tcallback(null, user, context);\r\n}\r\n';
    await client.open(uri, text);
    const { diagnostics } = await client.waitForDiagnostics(uri, 1);
    const unknown = diagnostics.find((d) => d.code === 'unknown-field');
    const line = text.split('\r\n')[1];
    assert.deepEqual(unknown?.range, { start: { line: 1, character: line.indexOf('hots') }, end: { line: 1, character: line.indexOf('hots') + 4 } });
  });

  test('files that are not rules or actions, and non-JavaScript documents, get no diagnostics', async () => {
    const express = pathToFileURL(join(workspace, 'app.js')).href;
    await client.open(express, `const app = require('express')();\napp.get('/', (req, res) => { const context = {}; context.multifactor = { provider: 'dou' }; res.send(context); });\n`);
    assert.deepEqual((await client.waitForDiagnostics(express, 1)).diagnostics, []);
    const json = pathToFileURL(join(workspace, 'rules-configs', 'x.json')).href;
    await client.open(json, `function (user, context, callback) { context.multifactor = { provider: 'dou' }; }`, 'json');
    assert.deepEqual((await client.waitForDiagnostics(json, 1)).diagnostics, []);
  });

  test('binary junk, an empty file and a 5 MB file do not stop the server', { timeout: 120_000 }, async () => {
    let state = 7;
    // No NUL bytes: this text goes through the tolerant parser (NUL means binary and is skipped).
    const junk = Array.from({ length: 300_000 }, () => String.fromCharCode(1 + ((state = (state * 1103515245 + 12345) & 0x7fffffff) % 65535))).join('');
    const junkUri = pathToFileURL(join(workspace, 'junk.js')).href;
    await client.open(junkUri, 'function (user, context, callback) {' + junk);
    const emptyUri = pathToFileURL(join(workspace, 'empty.js')).href;
    await client.open(emptyUri, '');
    const bigUri = pathToFileURL(join(workspace, 'big.js')).href;
    const line = `  if (user.app_metadata && user.app_metadata.level === 3) { user.level = 'x'; }\n`;
    await client.open(bigUri, `function (user, context, callback) {\n${line.repeat(Math.ceil(5_000_000 / line.length))}  callback(null, user, context);\n}\n`);
    assert.ok(codesOf((await client.waitForDiagnostics(junkUri, 1)).diagnostics).includes('syntax-error'));
    assert.deepEqual((await client.waitForDiagnostics(emptyUri, 1)).diagnostics, []);
    assert.deepEqual(codesOf((await client.waitForDiagnostics(bigUri, 1)).diagnostics), ['rules-eol']);
    // Still serving: a small document right after gets its diagnostics.
    const after = pathToFileURL(join(workspace, 'after.js')).href;
    await client.open(after, seed);
    assert.equal((await client.waitForDiagnostics(after, 1)).diagnostics.length, 6);
    for (const uri of [junkUri, emptyUri, bigUri, after]) await client.close(uri);
  });
});

describe('settings and .duo-rules.json', () => {
  let client: LspClient;
  let workspace: string;
  let settings: Record<string, unknown>;

  before(async () => {
    workspace = createWorkspace({ prefix: 'duo-rules-settings-' }).root;
    mkdirSync(join(workspace, 'rules'));
    writeFileSync(join(workspace, '.duo-rules.json'), JSON.stringify({ diagnostics: { 'rules-eol': 'off', 'deprecated-field': 'error' } }));
    settings = { enable: true, diagnostics: { 'deprecated-field': 'default', 'placeholder-value': 'warning' } };
    client = await LspClient.start({ workspaceFolders: [pathToFileURL(workspace).href], settings: () => settings });
  });

  after(async () => {
    await client.shutdown();
  });

  test('project file severities apply; editor settings override them; `default` falls through', async () => {
    const uri = pathToFileURL(join(workspace, 'rules', 'seed.js')).href;
    await client.open(uri, seed);
    const { diagnostics } = await client.waitForDiagnostics(uri, 1);
    assert.deepEqual(diagnostics.map((d: Diagnostic) => `${d.code}:${d.severity}`), [
      'placeholder-client-id:1',
      'placeholder-value:2',
      'placeholder-value:2',
      'placeholder-value:2',
      'deprecated-field:1',
    ]);
  });

  test('didChangeConfiguration pulls settings again; duoRules.enable=false turns analysis off', async () => {
    const uri = pathToFileURL(join(workspace, 'rules', 'seed.js')).href;
    settings = { enable: true, diagnostics: { 'placeholder-client-id': 'off', 'rules-eol': 'hint' } };
    let next = client.waitForDiagnostics(uri);
    await client.changeConfiguration();
    assert.deepEqual((await next).diagnostics.map((d: Diagnostic) => `${d.code}:${d.severity}`), [
      'rules-eol:4',
      'placeholder-value:1',
      'placeholder-value:1',
      'placeholder-value:1',
      'deprecated-field:1',
    ]);
    settings = { enable: false };
    next = client.waitForDiagnostics(uri);
    await client.changeConfiguration();
    assert.deepEqual((await next).diagnostics, []);
  });

  test('a suppression comment works in the editor too', async () => {
    settings = {};
    const uri = pathToFileURL(join(workspace, 'rules', 'suppressed.js')).href;
    await client.open(uri, `/* duo-rules-disable deprecated-field */\nfunction (user, context, callback) { if (context.protocol === 'oauth2-refresh-token') return callback(null, user, context);\n  context.multifactor = { provider: 'guardian', ignoreCookie: true };\n  // duo-rules-disable-next-line unknown-field\n  context.multifactor.hots = 1;\n  callback(null, user, context);\n}\n`);
    assert.deepEqual((await client.waitForDiagnostics(uri, 1)).diagnostics, []);
  });
});

describe('IPC transport, as the extension starts the server', () => {
  test('diagnostics, completion while typing, and a clean exit over --node-ipc with the extension\'s Node options', async () => {
    const client = await LspClient.start({ transport: 'ipc', execArgv: [...serverExecArgv], settings: {} });
    try {
      assert.equal(client.initializeResult?.serverInfo?.name, 'duo-rules');
      const uri = 'file:///ipc/seed.js';
      let version = await client.open(uri, seed);
      assert.ok(codesOf((await client.waitForDiagnostics(uri, version)).diagnostics).includes('placeholder-client-id'));
      // Typing `allow` in the Duo object: the keystroke's completion offers the key, its analysis comes after.
      const line = seed.split('\n').findIndex((l) => /^\s*host:/.test(l));
      assert.ok(line > 0, 'the seed rule sets host');
      const diagnostics = client.waitForDiagnostics(uri, ++version);
      const edited = client.edit(uri, { start: { line, character: 0 }, end: { line, character: 0 } }, '    allow\n');
      const answer = await client.request<{ items: Array<{ label: string }> }>('textDocument/completion', { textDocument: { uri }, position: { line, character: 9 } });
      await edited;
      assert.ok(answer.items.some((item) => item.label === 'allowRememberBrowser'), JSON.stringify(answer.items.map((item) => item.label)));
      assert.equal((await diagnostics).version, version);
    } finally {
      assert.equal(await client.shutdown(), 0);
    }
  });
});
