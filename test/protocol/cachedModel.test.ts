// A large file is re-analysed after a pause in typing, once for a burst of edits; requests that
// arrive meanwhile must not parse it again synchronously: code lenses, asked after every edit,
// answer from the cached model and are refreshed once the re-analysis has run.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lspClient';

/** A valid rule of about 20,000 lines (0.9 MB): its analysis takes well over the 100 ms quick threshold. */
function largeRule(): string {
  const lines = ['function requireDuo(user, context, callback) {', '  user.app_metadata = user.app_metadata || {};'];
  for (let i = 0; i < 20_000; i++) lines.push(`  user.app_metadata.partner${i} = context.clientID === 'client${i}' && user.email_verified;`);
  lines.push("  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };", '  callback(null, user, context);', '}', '');
  return lines.join('\n');
}

let client: LspClient;
before(async () => {
  client = await LspClient.start({ settings: {}, timeoutMs: 60_000 });
});
after(async () => {
  await client.shutdown();
});

test('code lenses after an edit to a large rule come from the cached model at once, then are refreshed', async () => {
  const uri = 'file:///cached-model/large-rule.js';
  await client.waitForDiagnostics(uri, await client.open(uri, largeRule()));
  const lensLines = async () => (await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } })).map((l) => l.range.start.line);
  assert.deepEqual(await lensLines(), [0, 0]);

  // Three comment lines above the rule move its header to line 3.
  const refreshed = client.waitForServerRequest('workspace/codeLens/refresh');
  const version = await client.edit(uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, '// a\n// b\n// c\n');
  // Answered before the deferred re-analysis: still the cached model's position, no parse in between.
  assert.deepEqual(await lensLines(), [0, 0]);
  const published = client.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics' && n.params.uri === uri);
  assert.ok(published.every((n) => n.params.version < version), 'the re-analysis had not run when the lenses were answered');

  // Once re-analysed, the server asks the client to fetch the lenses again; now they are right.
  await client.waitForDiagnostics(uri, version);
  await refreshed;
  assert.deepEqual(await lensLines(), [3, 3]);
});

test('a burst of edits to a large rule is analysed once, for the last version', async () => {
  const uri = 'file:///cached-model/burst.js';
  await client.waitForDiagnostics(uri, await client.open(uri, largeRule()));
  const isPublication = (n: { method: string; params: any }) => n.method === 'textDocument/publishDiagnostics' && n.params.uri === uri;
  const before = client.notifications.filter(isPublication).length;
  let version = 0;
  // Typing "user.": five keystrokes, each a new version, faster than the pause the server waits for.
  for (const [i, ch] of [...'user.'].entries()) {
    version = await client.edit(uri, { start: { line: 2, character: 2 + i }, end: { line: 2, character: 2 + i } }, ch);
  }
  await client.waitForDiagnostics(uri, version);
  const published = client.notifications.filter(isPublication).slice(before).map((n) => n.params.version);
  assert.deepEqual(published, [version]);
});

test('automatic code action requests on a large rule being edited do not parse it; an invoked one does', async () => {
  const uri = 'file:///cached-model/code-actions.js';
  await client.waitForDiagnostics(uri, await client.open(uri, largeRule()));
  const lines = largeRule().split('\n');
  const mfaLine = lines.findIndex((l) => l.includes('context.multifactor'));
  const at = { line: mfaLine, character: lines[mfaLine].indexOf('host:') };
  // Typing a deprecated key: its quick fix exists only in the new text.
  const version = await client.edit(uri, { start: at, end: at }, 'ignoreCookie: true, ');
  const range = { start: { line: mfaLine, character: 0 }, end: { line: mfaLine, character: 200 } };
  const ask = (triggerKind: 1 | 2) => client.request<{ title: string }[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [], triggerKind } });

  const automatic = await ask(2);
  const published = client.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics' && n.params.uri === uri);
  assert.ok(published.every((n) => n.params.version < version), 'the re-analysis had not run when the automatic request was answered');
  assert.deepEqual(automatic, [], 'no actions from a model of older text');

  const invoked = await ask(1);
  assert.ok(invoked.some((a) => /allowRememberBrowser/.test(a.title)), JSON.stringify(invoked.map((a) => a.title)));
  await client.waitForDiagnostics(uri, version);
  assert.ok((await ask(2)).some((a) => /allowRememberBrowser/.test(a.title)), 'once analysed, automatic requests get the fix');
});

test('fix-all on save (an automatic request for a kind) sees the text just typed in a large rule', async () => {
  const uri = 'file:///cached-model/fix-all.js';
  await client.waitForDiagnostics(uri, await client.open(uri, largeRule()));
  const lines = largeRule().split('\n');
  const mfaLine = lines.findIndex((l) => l.includes('context.multifactor'));
  const at = { line: mfaLine, character: lines[mfaLine].indexOf('host:') };
  await client.edit(uri, { start: at, end: at }, 'ignoreCookie: true, ');
  const actions = await client.request<{ kind: string; edit?: unknown }[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } },
    context: { diagnostics: [], only: ['source.fixAll.duoRules'], triggerKind: 2 },
  });
  assert.equal(actions.length, 1);
  const edits = (actions[0].edit as { changes: Record<string, { newText: string }[]> }).changes[uri].map((e) => e.newText);
  assert.deepEqual(edits, ['allowRememberBrowser', 'false']);
});
