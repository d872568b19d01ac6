// The server's watch on its transport, which lets an analysis give way to a completion or hover: what it
// reports as waiting and as answered decides when a keystroke's analysis may start (diagnosticsPublisher.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Emitter, type DataCallback, type Message, type MessageReader, type MessageWriter } from 'vscode-languageserver/node';
import { RequestWatch } from '../../server/src/features/lspTransport';

/** A reader that delivers what the test pushes, and a writer that records what it is given. */
function transport(watch: RequestWatch) {
  let deliver: DataCallback = () => undefined;
  const reader: MessageReader = {
    onError: new Emitter<Error>().event,
    onClose: new Emitter<void>().event,
    onPartialMessage: new Emitter<never>().event,
    listen: (callback) => {
      deliver = callback;
      return { dispose: () => undefined };
    },
    dispose: () => undefined,
  };
  const written: Message[] = [];
  const writer: MessageWriter = {
    onError: new Emitter<[Error, Message | undefined, number | undefined]>().event,
    onClose: new Emitter<void>().event,
    write: async (message) => {
      written.push(message);
    },
    end: () => undefined,
    dispose: () => undefined,
  };
  const watchedReader = watch.watchReader(reader);
  const received: Message[] = [];
  watchedReader.listen((message) => received.push(message));
  return { receive: (message: object) => deliver(message as Message), writer: watch.watchWriter(writer), written, received };
}

test('a completion is waiting from its arrival until its answer is written; only such answers count as answered', async () => {
  const watch = new RequestWatch();
  const { receive, writer, received } = transport(watch);
  assert.equal(watch.editingAnsweredAt(), -Infinity);
  receive({ jsonrpc: '2.0', method: 'textDocument/didChange', params: {} });
  receive({ jsonrpc: '2.0', id: 7, method: 'textDocument/completion', params: {} });
  receive({ jsonrpc: '2.0', id: 8, method: 'textDocument/codeAction', params: {} });
  assert.equal(received.length, 3, 'every message still reaches the connection');
  assert.equal(watch.editingRequestPending(), true);
  assert.ok(watch.quietForMs() >= 0 && watch.quietForMs() < 1000);

  // Another request's answer: the completion still waits, and nothing was answered that an analysis waits for.
  await writer.write({ jsonrpc: '2.0', id: 8, result: [] } as Message);
  assert.equal(watch.editingRequestPending(), true);
  assert.equal(watch.editingAnsweredAt(), -Infinity);

  const before = performance.now();
  await writer.write({ jsonrpc: '2.0', id: 7, result: null } as Message);
  assert.equal(watch.editingRequestPending(), false);
  assert.ok(watch.editingAnsweredAt() >= before, 'the completion counts as answered once written');
});
