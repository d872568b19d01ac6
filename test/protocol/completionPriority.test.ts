// Completion and hover right after a keystroke are answered from the text and the last model before the
// analysis of that keystroke runs, as VS Code sends them: the didChange, then at once the request.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CompletionList, Hover } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lspClient';

/**
 * A valid Duo rule of `size` lines, analysed at once after each change (no typing pause). The measured files
 * are 2,000 lines (about 180 kB, under the size above which the model lives in the analysis thread only): their
 * analysis takes long enough that a request answered without waiting for it stays well under half its time even
 * when a loaded machine delays every step.
 */
function rule(size = 2_000): string {
  const lines = ['function requireDuo(user, context, callback) {', '  user.app_metadata = user.app_metadata || {};'];
  for (let i = 0; lines.length < size - 10; i++) lines.push(`  if (context.clientID === 'client${i}') user.app_metadata.partner${i} = user.email_verified;`);
  lines.push('  context.multifactor = {', "    provider: 'duo',", '    ikey: configuration.DUO_IKEY,', '    skey: configuration.DUO_SKEY,',
    '    host: configuration.DUO_HOST,', '  };', '  callback(null, user, context);', '}', '');
  return lines.join('\n');
}

let client: LspClient;
before(async () => {
  client = await LspClient.start({ settings: {}, timeoutMs: 60_000 });
  // Warm the server's code (its first analyses and completions run several times slower), as an editor
  // session is warm by the time the user types.
  const uri = 'file:///priority/warm-up.js';
  let version = await client.open(uri, rule(1_000));
  for (let i = 0; i < 6; i++) {
    await client.waitForDiagnostics(uri, version);
    version = await client.edit(uri, { start: { line: 1, character: 0 }, end: { line: 1, character: i % 2 } }, i % 2 ? '' : ' ');
    await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 2 } });
    await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 10 } });
  }
  await client.waitForDiagnostics(uri, version);
  await client.close(uri);
});
after(async () => {
  await client.shutdown();
});

/**
 * Sends a keystroke (a didChange) and at once `request`, as VS Code does; returns how long the request and the
 * diagnostics of that keystroke took, both from the keystroke. A request that waited for the analysis takes about
 * as long as the diagnostics; one served first takes a fraction.
 */
async function keystrokeThen<T>(uri: string, version: number, edit: { line: number; character: number; remove: number; text: string }, request: () => Promise<T>): Promise<{ answer: T; requestMs: number; diagnosticsMs: number }> {
  const started = performance.now();
  const diagnostics = client.waitForDiagnostics(uri, version).then(() => performance.now() - started);
  // The request is written right behind the didChange, not after it was flushed, as VS Code does.
  const edited = client.edit(uri, { start: { line: edit.line, character: edit.character }, end: { line: edit.line, character: edit.character + edit.remove } }, edit.text);
  const answer = await request();
  await edited;
  const requestMs = performance.now() - started;
  return { answer, requestMs, diagnosticsMs: await diagnostics };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

test('a completion sent right after a keystroke is answered without waiting for that keystroke\'s analysis', async () => {
  const uri = 'file:///priority/rule.js';
  const text = rule();
  let version = await client.open(uri, text);
  await client.waitForDiagnostics(uri, version);
  const line = text.split('\n').findIndex((l) => l.includes('host: configuration'));
  const ratios: number[] = [];
  for (let i = 0; i < 7; i++) {
    const typed = i % 2 === 0 ? 'allow' : '';
    const { answer, requestMs, diagnosticsMs } = await keystrokeThen(uri, ++version, { line, character: 4, remove: typed ? 0 : 5, text: typed },
      () => client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: { line, character: 4 + typed.length } }));
    if (typed) assert.ok(answer.items.some((item) => item.label === 'allowRememberBrowser'), JSON.stringify(answer.items.map((item) => item.label)));
    ratios.push(requestMs / diagnosticsMs);
  }
  assert.ok(median(ratios) < 0.5, `completion took ${ratios.map((r) => r.toFixed(2)).join(', ')} of the time to diagnostics`);
});

test('a hover sent right after a keystroke is answered without waiting for that keystroke\'s analysis', async () => {
  const uri = 'file:///priority/hover.js';
  const text = rule();
  let version = await client.open(uri, text);
  await client.waitForDiagnostics(uri, version);
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes('skey: configuration'));
  // Keystrokes below the hovered `skey`, so the last model still describes it.
  const end = lines.findIndex((l) => l.includes('callback(null'));
  const ratios: number[] = [];
  for (let i = 0; i < 7; i++) {
    const { answer, requestMs, diagnosticsMs } = await keystrokeThen(uri, ++version, { line: end, character: 2, remove: i % 2, text: i % 2 ? '' : ' ' },
      () => client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line, character: 5 } }));
    assert.match(JSON.stringify(answer?.contents), /Client secret/);
    ratios.push(requestMs / diagnosticsMs);
  }
  assert.ok(median(ratios) < 0.5, `hover took ${ratios.map((r) => r.toFixed(2)).join(', ')} of the time to diagnostics`);
});
