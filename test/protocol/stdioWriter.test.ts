// The server's stdio writer frames each message itself (one write, at once). What an editor on stdio sees must
// be what the library's own writer gives: every message, whole, in order, with Content-Length in bytes even for
// text beyond ASCII; and a stream that fails reports it instead of losing messages silently.
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { test } from 'node:test';
import { StreamMessageReader, type Message } from 'vscode-jsonrpc/node';
import { DirectStreamMessageWriter } from '../../server/src/features/lspTransport';

test('messages written in one turn arrive whole and in order, including text beyond ASCII', async () => {
  const pipe = new PassThrough();
  const writer = new DirectStreamMessageWriter(pipe);
  const reader = new StreamMessageReader(pipe);
  const received: Message[] = [];
  const all = new Promise<void>((resolve) => reader.listen((message) => {
    received.push(message);
    if (received.length === 3) resolve();
  }));
  const sent: Message[] = [
    { jsonrpc: '2.0', id: 1, result: { items: [{ label: 'allowRememberBrowser' }] } } as Message,
    { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { message: 'Rule ↔ Action: “Duo” — 🔐 é' } } as Message,
    { jsonrpc: '2.0', id: 2, result: 'x'.repeat(200_000) } as Message,
  ];
  await Promise.all(sent.map((message) => writer.write(message)));
  await all;
  assert.deepEqual(received, sent);
  reader.dispose();
});

test('a stream that fails rejects the write and reports the error', async () => {
  const broken = new Writable({ write: (_chunk, _encoding, callback) => callback(new Error('EPIPE: the editor went away')) });
  broken.on('error', () => undefined);
  const writer = new DirectStreamMessageWriter(broken);
  const reported: string[] = [];
  writer.onError(([error]) => reported.push(error.message));
  await assert.rejects(writer.write({ jsonrpc: '2.0', id: 3, result: null } as Message), /EPIPE/);
  assert.ok(reported.some((message) => /EPIPE/.test(message)), JSON.stringify(reported));
});
