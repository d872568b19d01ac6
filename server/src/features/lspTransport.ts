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
  AbstractMessageWriter,
  IPCMessageReader,
  IPCMessageWriter,
  Message,
  StreamMessageReader,
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
  private lastAnsweredAt = -Infinity;

  /** True while a completion or hover request has been received and not answered. */
  editingRequestPending(): boolean {
    return this.pending.size > 0;
  }

  /** Milliseconds since the last message arrived from the client. */
  quietForMs(): number {
    return performance.now() - this.lastReceivedAt;
  }

  /** When a completion or hover was last answered (performance.now()), or -Infinity. */
  editingAnsweredAt(): number {
    return this.lastAnsweredAt;
  }

  received(message: Message): void {
    this.lastReceivedAt = performance.now();
    if (Message.isRequest(message) && message.id !== null && editingMethods.has(message.method)) this.pending.add(message.id);
  }

  sent(message: Message): void {
    if (Message.isResponse(message) && message.id !== null && this.pending.delete(message.id)) this.lastAnsweredAt = performance.now();
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
      writer: watch.watchWriter(new DirectStreamMessageWriter(process.stdout)),
    };
  }
  return undefined;
}

/**
 * Writes each message to a stream in the turn it is sent, header and body in one write. The library's stream
 * writer queues every message to a later turn of the event loop and writes the header and the body separately
 * (two system calls, the client woken twice); the IPC writer VS Code uses sends at once, and stdio clients get
 * the same. Order is kept: the stream queues writes it cannot make at once.
 */
export class DirectStreamMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errorCount = 0;

  constructor(private readonly stream: NodeJS.WritableStream) {
    super();
    stream.on('error', (error: Error) => this.fireError(error));
    stream.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    let frame: Buffer;
    try {
      const body = Buffer.from(JSON.stringify(message), 'utf8');
      frame = Buffer.concat([Buffer.from(`Content-Length: ${body.byteLength}\r\n\r\n`, 'ascii'), body]);
    } catch (error) {
      // A message that cannot be encoded (a cycle, a BigInt) is the caller's error, not the stream's.
      this.fireError(error as Error, message, ++this.errorCount);
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.stream.write(frame, (error?: Error | null) => {
        if (!error) {
          this.errorCount = 0;
          resolve();
          return;
        }
        this.fireError(error, message, ++this.errorCount);
        reject(error);
      });
    });
  }

  end(): void {
    this.stream.end();
  }
}
