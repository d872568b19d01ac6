// The server's end of the LSP transport, watched so that editing requests go before a scheduled analysis.
//
// vscode-jsonrpc dispatches one received message per event-loop turn (setImmediate). A didChange schedules
// the analysis with its own setImmediate, which would run before a completion that arrived in the same read
// and is still queued, so the completion would wait a whole parse. The reader below sees every message as it
// arrives, before the connection queues it, and the writer sees every response leave; the analysis asks
// `editingRequestPending()` and yields while a completion or hover has arrived and is not yet answered, and
// `quietForMs()` so that it starts only once the client has stopped writing (a client writes the didChange
// and the completion of one keystroke as two writes, which may reach us in two reads).
import {
  IPCMessageReader,
  IPCMessageWriter,
  Message,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageReader,
  type MessageWriter,
} from 'vscode-languageserver/node';

/** Requests a user waits for while typing or pointing: served before any scheduled analysis. */
const editingMethods = new Set(['textDocument/completion', 'textDocument/hover']);

export interface WatchedTransport {
  reader: MessageReader;
  writer: MessageWriter;
}

/** Which requests the editor is waiting for; shared by the transport and the diagnostics scheduler. */
export class RequestWatch {
  private readonly pending = new Set<string | number>();
  private lastReceivedAt = -Infinity;

  /** True while a completion or hover request has been received and not answered. */
  editingRequestPending(): boolean {
    return this.pending.size > 0;
  }

  /** Milliseconds since the last message arrived from the client. */
  quietForMs(): number {
    return performance.now() - this.lastReceivedAt;
  }

  received(message: Message): void {
    this.lastReceivedAt = performance.now();
    if (Message.isRequest(message) && message.id !== null && editingMethods.has(message.method)) this.pending.add(message.id);
  }

  sent(message: Message): void {
    if (Message.isResponse(message) && message.id !== null) this.pending.delete(message.id);
  }

  /** Wraps a reader so every message is seen before the connection queues it. */
  watchReader(inner: MessageReader): MessageReader {
    return {
      onError: inner.onError,
      onClose: inner.onClose,
      onPartialMessage: inner.onPartialMessage,
      listen: (callback) => inner.listen((message) => {
        this.received(message);
        callback(message);
      }),
      dispose: () => inner.dispose(),
    };
  }

  /** Wraps a writer so every response is seen once it is written to the stream. */
  watchWriter(inner: MessageWriter): MessageWriter {
    return {
      onError: inner.onError,
      onClose: inner.onClose,
      write: (message) => {
        // Answered once written, not when queued: the writer queues to a later turn of the event loop, and a
        // scheduled analysis that starts in between would hold the answer back.
        const written = inner.write(message);
        const sent = () => this.sent(message);
        written.then(sent, sent);
        return written;
      },
      end: () => inner.end(),
      dispose: () => inner.dispose(),
    };
  }
}

/**
 * The reader and writer for `--stdio` or `--node-ipc` (how VS Code and our tests start the server), watched
 * by `watch`; undefined for another transport (sockets, pipes), which the library then sets up unwatched.
 */
export function createWatchedTransport(argv: readonly string[], watch: RequestWatch): WatchedTransport | undefined {
  if (argv.includes('--node-ipc')) {
    return { reader: watch.watchReader(new IPCMessageReader(process)), writer: watch.watchWriter(new IPCMessageWriter(process)) };
  }
  if (argv.includes('--stdio')) {
    // What the library does for stdio itself when it owns the streams: exit when the client goes away
    // (0 after a shutdown request, as the protocol asks), and keep stray console output off stdout.
    let shutdownRequested = false;
    const reader = new StreamMessageReader(process.stdin);
    const exitWithClient = () => process.exit(shutdownRequested ? 0 : 1);
    process.stdin.on('end', exitWithClient);
    process.stdin.on('close', exitWithClient);
    for (const name of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      console[name] = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(' ')}\n`);
    }
    const watched = watch.watchReader(reader);
    return {
      reader: {
        ...watched,
        listen: (callback) => watched.listen((message) => {
          if (Message.isRequest(message) && message.method === 'shutdown') shutdownRequested = true;
          callback(message);
        }),
      },
      writer: watch.watchWriter(new StreamMessageWriter(process.stdout)),
    };
  }
  return undefined;
}
