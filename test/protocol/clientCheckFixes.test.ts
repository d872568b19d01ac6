// The two quick fixes for Auth0's sample client id, as the editor gets them from the language server: read the
// ids from a configuration key, or remove the client check with a comment confirming MFA for every application.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient } from '../helpers/lspClient';

const sample = [
  'function requireDuo(user, context, callback) {',
  "  if (context.protocol === 'oauth2-refresh-token') return callback(null, user, context);",
  "  var CLIENTS_WITH_MFA = ['{REPLACE_WITH_YOUR_CLIENT_ID}'];",
  '  if (CLIENTS_WITH_MFA.indexOf(context.clientID) !== -1) {',
  "    context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };",
  '  }',
  '  callback(null, user, context);',
  '}',
  '',
].join('\n');

let client: LspClient;
before(async () => {
  client = await LspClient.start({ settings: {} });
});
after(async () => {
  await client.shutdown();
});

test('placeholder-client-id offers both fixes; removing the check leaves the comment and clears the error', async () => {
  const uri = 'file:///client-check/duo-rule.js';
  const published = await client.waitForDiagnostics(uri, await client.open(uri, sample));
  const placeholder = published.diagnostics.find((d: Diagnostic) => d.code === 'placeholder-client-id');
  assert.ok(placeholder, JSON.stringify(published.diagnostics.map((d: Diagnostic) => d.code)));
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri }, range: placeholder.range, context: { diagnostics: [placeholder], only: ['quickfix'], triggerKind: 1 },
  });
  const titles = actions.map((a) => a.title);
  assert.ok(titles.includes('Read the client ids from configuration.MFA_CLIENT_IDS (comma-separated)'), JSON.stringify(titles));
  const remove = actions.find((a) => a.title === 'Remove the client check: every application requires MFA');
  assert.ok(remove, JSON.stringify(titles));
  assert.notEqual(remove.isPreferred, true, 'changing who gets MFA is not the preferred fix');
  assert.deepEqual(remove.diagnostics?.map((d) => d.code), ['placeholder-client-id']);

  const edits = remove.edit!.changes![uri] as TextEdit[];
  const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'javascript', 1, sample), edits);
  assert.match(fixed, /\n {2}\/\/ duo-rules: confirmed: every application requires MFA[^\n]*\n {2}context\.multifactor = \{/);
  assert.doesNotMatch(fixed, /CLIENTS_WITH_MFA|REPLACE_WITH/);
  const after = await client.waitForDiagnostics(uri, await client.change(uri, fixed));
  assert.deepEqual(after.diagnostics.filter((d: Diagnostic) => d.severity === 1).map((d: Diagnostic) => d.code), [], 'no error left');
});
