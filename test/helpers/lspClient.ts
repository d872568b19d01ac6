// The tests' LSP client: spawns the bundled server (`node dist/server.js --stdio`), initializes it
// like VS Code (configuration pulled per document), answers `workspace/configuration` from
// test-controlled settings, keeps a copy of each open document (positions, applied edits), and waits
// for events instead of sleeping.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, InitializeResult, Position, PublishDiagnosticsParams, TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';

export const serverPath = join(__dirname, '..', '..', '..', 'dist', 'server.js');

export interface LspClientOptions {
  /** Workspace folder URIs sent in initialize. */
  workspaceFolders?: string[];
  /**
   * The `duoRules` section answered to `workspace/configuration` (read again on every request,
   * so tests may change it and then call `changeConfiguration()`). A function gets the scope URI.
   */
  settings?: Record<string, unknown> | ((scopeUri: string | undefined, section: string | undefined) => unknown);
  /** Extra server arguments after `--stdio`. */
  args?: string[];
  /** Another server module to spawn instead of dist/server.js (benchmarks compare against a minimal server). */
  serverModule?: string;
  /** Node options for the server process, e.g. ['--cpu-prof']. */
  execArgv?: string[];
  /** Milliseconds after which a wait fails instead of hanging the suite (default 20 s). */
  timeoutMs?: number;
  /** `initializationOptions` sent in initialize, as the VS Code client does (e.g. `{ workspaceTrusted: true }`). */
  initializationOptions?: unknown;
  /** The Node binary that runs the server (default: the one running the tests). */
  nodePath?: string;
  /** Extra `workspace` client capabilities, e.g. `{ didChangeWatchedFiles: { dynamicRegistration: true } }`. */
  workspaceCapabilities?: Record<string, unknown>;
  /**
   * How messages travel: `stdio` (the default; `--stdio`) or `ipc`, Node's IPC channel (`--node-ipc`), which is
   * how the extension's language client starts the server in VS Code.
   */
  transport?: 'stdio' | 'ipc';
}

interface Waiter {
  method: string;
  predicate: (params: any) => boolean;
  resolve: (params: any) => void;
}

export class LspClient {
  readonly connection: MessageConnection;
  /** Every notification received, in order. */
  readonly notifications: Array<{ method: string; params: any }> = [];
  /** Every other request the server sent (e.g. `workspace/codeLens/refresh`), in order; each is answered with null. */
  readonly serverRequests: Array<{ method: string; params: unknown }> = [];
  /** Every `workspace/configuration` item the server asked for. */
  readonly configurationRequests: Array<{ scopeUri?: string; section?: string }> = [];
  /** The server's stderr so far (for failure messages). */
  stderr = '';
  settings: LspClientOptions['settings'];
  initializeResult?: InitializeResult;
  private readonly waiters: Waiter[] = [];
  /** Our copy of each open document, and the changes sent since it was last brought up to date. */
  private readonly documents = new Map<string, { document: TextDocument; version: number; pending: Array<{ text: string; range?: { start: Position; end: Position } }> }>();
  private exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess, private readonly options: LspClientOptions) {
    this.settings = options.settings ?? {};
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { this.stderr += chunk; });
    // Over IPC stdout carries no messages: keep what the server prints there too (and never let the pipe fill).
    if (options.transport === 'ipc') child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { this.stderr += chunk; });
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    this.connection = options.transport === 'ipc'
      ? createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child))
      : createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    this.connection.onNotification((method: string, params: any) => {
      this.notifications.push({ method, params });
      this.dispatch(method, params);
    });
    this.connection.onRequest('workspace/configuration', (params: { items: Array<{ scopeUri?: string; section?: string }> }) =>
      params.items.map((item) => {
        this.configurationRequests.push(item);
        const settings = this.settings;
        if (typeof settings === 'function') return settings(item.scopeUri, item.section);
        if (item.section === 'duoRules') return settings ?? {};
        if (item.section?.startsWith('duoRules.')) {
          return item.section.slice('duoRules.'.length).split('.').reduce<any>((value, key) => value?.[key], settings) ?? null;
        }
        return null;
      }));
    this.connection.onRequest((method: string, params: unknown) => {
      this.serverRequests.push({ method, params });
      this.dispatch(`request:${method}`, params);
      return null;
    });
    this.connection.listen();
  }

  private dispatch(key: string, params: any): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.method === key && waiter.predicate(params)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(params);
      }
    }
  }

  /** Spawns the server and completes initialize/initialized. */
  static async start(options: LspClientOptions = {}): Promise<LspClient> {
    const ipc = options.transport === 'ipc';
    const child = spawn(options.nodePath ?? process.execPath, [...(options.execArgv ?? []), options.serverModule ?? serverPath, ipc ? '--node-ipc' : '--stdio', ...(options.args ?? [])], { stdio: ipc ? ['pipe', 'pipe', 'pipe', 'ipc'] : ['pipe', 'pipe', 'pipe'] });
    const client = new LspClient(child, options);
    const folders = options.workspaceFolders ?? [];
    client.initializeResult = await client.withTimeout(client.connection.sendRequest<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: folders[0] ?? null,
      workspaceFolders: folders.map((uri, i) => ({ uri, name: `folder${i}` })),
      initializationOptions: options.initializationOptions,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false }, workspaceFolders: true, codeLens: { refreshSupport: true }, ...options.workspaceCapabilities },
        textDocument: {
          publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
          synchronization: { didSave: true, dynamicRegistration: false },
          completion: { completionItem: { snippetSupport: true } },
        },
      },
    }), 'initialize');
    await client.connection.sendNotification('initialized', {});
    return client;
  }

  private withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
    const ms = this.options.timeoutMs ?? 20_000;
    let timer: NodeJS.Timeout;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`LSP test client: no ${what} within ${ms} ms. Server stderr:\n${this.stderr}`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  request<T = unknown>(method: string, params: unknown): Promise<T> {
    return this.withTimeout(this.connection.sendRequest<T>(method, params), `response to ${method}`);
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  /** Opens a document; returns its version. */
  async open(uri: string, text: string, languageId = 'javascript'): Promise<number> {
    this.documents.set(uri, { document: TextDocument.create(uri, languageId, 1, text), version: 1, pending: [] });
    await this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return 1;
  }

  /**
   * The next version of `uri`, after `changes`. Our copy is brought up to date only when a test
   * reads it, so an edit costs nothing before its request is written (timing tests measure that).
   */
  private nextVersion(uri: string, changes: Array<{ text: string; range?: { start: Position; end: Position } }>): number {
    let entry = this.documents.get(uri);
    if (!entry) this.documents.set(uri, entry = { document: TextDocument.create(uri, 'javascript', 0, ''), version: 0, pending: [] });
    entry.pending.push(...changes);
    return ++entry.version;
  }

  /** Replaces the whole text (a full-content change); returns the new version. */
  async change(uri: string, text: string): Promise<number> {
    const version = this.nextVersion(uri, [{ text }]);
    await this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  /** Applies one incremental edit; returns the new version. */
  async edit(uri: string, range: { start: Position; end: Position }, text: string): Promise<number> {
    const version = this.nextVersion(uri, [{ range, text }]);
    await this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text }] });
    return version;
  }

  /** Applies a code action's edits to our copy of `uri` and sends the result as a full change. */
  async apply(uri: string, edits: TextEdit[]): Promise<{ text: string; version: number }> {
    const text = TextDocument.applyEdits(this.document(uri), edits);
    return { text, version: await this.change(uri, text) };
  }

  /** The position of `offset` in our copy of `uri`. */
  positionAt(uri: string, offset: number): Position {
    return this.document(uri).positionAt(offset);
  }

  /** Our copy of the open document `uri`. */
  document(uri: string): TextDocument {
    const entry = this.documents.get(uri);
    if (!entry) throw new Error(`LSP test client: ${uri} is not open`);
    if (entry.pending.length) {
      entry.document = TextDocument.update(entry.document, entry.pending, entry.version);
      entry.pending = [];
    }
    return entry.document;
  }

  save(uri: string): Promise<void> {
    return this.notify('textDocument/didSave', { textDocument: { uri } });
  }

  close(uri: string): Promise<void> {
    this.documents.delete(uri);
    return this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  /** Tells the server settings changed (it then pulls them again). */
  changeConfiguration(): Promise<void> {
    return this.notify('workspace/didChangeConfiguration', { settings: null });
  }

  /**
   * The first notification `method` satisfying `predicate`, already received or still to come.
   * Pass `{ fresh: true }` to ignore what was received before the call.
   */
  waitForNotification<T = any>(method: string, predicate: (params: T) => boolean = () => true, options: { fresh?: boolean } = {}): Promise<T> {
    if (!options.fresh) {
      const seen = this.notifications.find((n) => n.method === method && predicate(n.params));
      if (seen) return Promise.resolve(seen.params);
    }
    return this.withTimeout(new Promise<T>((resolve) => this.waiters.push({ method, predicate, resolve })), `${method} notification`);
  }

  /** The next request the server sends with this method (answered with null). */
  waitForServerRequest(method: string): Promise<unknown> {
    return this.withTimeout(new Promise((resolve) => this.waiters.push({ method: `request:${method}`, predicate: () => true, resolve })), `${method} request`);
  }

  /**
   * Diagnostics published for `uri` at `version` or later (the latest such set already received,
   * else the next one). Without a version: the next publication after this call.
   */
  waitForDiagnostics(uri: string, version?: number, predicate: (diagnostics: Diagnostic[]) => boolean = () => true): Promise<PublishDiagnosticsParams> {
    const matches = (p: PublishDiagnosticsParams) => p.uri === uri && (version === undefined || (p.version ?? Infinity) >= version) && predicate(p.diagnostics);
    if (version !== undefined) {
      const seen = this.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics' && matches(n.params)).pop();
      if (seen) return Promise.resolve(seen.params);
    }
    return this.waitForNotification<PublishDiagnosticsParams>('textDocument/publishDiagnostics', matches, { fresh: true });
  }

  /** shutdown + exit, then waits for the process to end; returns its exit code. */
  async shutdown(): Promise<number | null> {
    if (this.child.exitCode === null) {
      try {
        await this.request('shutdown', null);
        await this.notify('exit', null);
      } catch {
        this.child.kill();
      }
    }
    const code = await this.withTimeout(this.exited, 'server exit').catch(() => {
      this.child.kill('SIGKILL');
      return null;
    });
    this.connection.dispose();
    return code;
  }
}
