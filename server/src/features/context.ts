// The context every LSP feature module receives: the connection, the documents, their models
// (documentModels.ts) and settings (documentSettings.ts), and the hooks features share.
import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  type ClientCapabilities,
  type Connection,
  type Diagnostic,
  type Disposable,
  type FileEvent,
  type InitializeParams,
  type TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { RuleModel } from '../analysis/model';
import type { ModelSummary } from '../analysis/modelSummary';
import { AnalysisThreadClient } from './analysisThreadClient';
import { createDocumentModels } from './documentModels';
import { createDocumentSettings, type DocumentSettings } from './documentSettings';
import { filePathOf, folderOf } from './uris';
import { inBackground } from '../../../shared/background';
import { WorkspaceTrustedNotification } from '../../../shared/protocol';
import { ConfigurationFileKeys } from '../workspace/configurationFileKeys';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export type ModelBuiltListener = (uri: string, summary: ModelSummary | undefined) => void;

/** The summary of the latest analysis of a document and the text it was of. */
export interface AnalysedText {
  text: string;
  summary: ModelSummary;
}

/** Extra diagnostics for a document (e.g. deploy-cli config files), published together with the analysis. */
export type DiagnosticProvider = (document: TextDocument, settings: DocumentSettings) => Diagnostic[] | Promise<Diagnostic[]>;

/**
 * What every LSP feature module receives. server.ts creates it once; each feature module
 * exports `register(ctx)` and keeps its handlers thin: params -> document -> analysis core -> LSP result.
 */
export interface ServerContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  /** Absolute paths of the workspace folders (from initialize). */
  workspaceFolders: string[];
  /** What the client said it supports (from initialize). */
  clientCapabilities: ClientCapabilities;
  /**
   * The latest model the diagnostics run built for this document, WITHOUT analysing again: it may be a
   * version behind while a large file waits for a pause in typing. Use this from completion/hover/code lens.
   */
  getModel(uri: string): RuleModel | undefined;
  /**
   * The model of the document's current text, built now (and cached) if the cached one is stale.
   * Synchronous: on a large file that is a full parse, so handlers that run on every keystroke
   * (completion, code lens) should prefer getModel.
   */
  ensureModel(uri: string): RuleModel | undefined;
  /** The cached model only when it is of the document's current text; never parses. */
  getCurrentModel(uri: string): RuleModel | undefined;
  /**
   * What the latest diagnostics run learnt about the document (kind, parameter names, lens anchors) and the
   * text it analysed, which may be a version behind; never parses. Use this from completion and code lens.
   */
  getSummary(uri: string): AnalysedText | undefined;
  /**
   * The thread that analyses documents once they are edited (started by the diagnostics run), holding their
   * latest models; when it is not available, features work on the main thread with the models above.
   */
  analysisThread?: AnalysisThreadClient;
  /** Settings for a document (cached until `workspace/didChangeConfiguration`). */
  getSettings(uri: string): Promise<DocumentSettings>;
  /** The client said the workspace is trusted: restricted settings (files that may hold secrets) may be read. */
  isWorkspaceTrusted(): boolean;
  /** Declared configuration keys for `unknown-configuration-key` (the deploy-cli key index registers here). */
  setDeclaredKeysProvider(provider: (uri: string) => string[] | Promise<string[]>): void;
  /** Declared keys for a document: the provider's plus `duoRules.configurationKeys`. */
  getDeclaredKeys(uri: string): Promise<string[]>;
  /**
   * Listeners called after each diagnostics run, before its diagnostics are published, with the
   * summary of the model it analysed (undefined when analysis is off for the document or it is no script).
   */
  onModelBuilt(listener: ModelBuiltListener): void;
  /** Adds diagnostics to every published set (any document, JavaScript or not). */
  addDiagnosticProvider(provider: DiagnosticProvider): void;
  /** Re-publishes diagnostics for every open document (e.g. after declared keys changed). */
  refreshDiagnostics(): void;
  /** Listeners for `workspace/didChangeWatchedFiles` (the connection allows only one handler). */
  onWatchedFilesChanged(listener: (changes: FileEvent[]) => void): void;
  /** Listeners called after settings changed (the settings cache is already cleared). */
  onSettingsChanged(listener: () => void): void;
  /** Writes to the client's log (never put a secret here). */
  log(message: string): void;
  /** True while a completion or hover is received and not yet answered: analysis waits for it. */
  editingRequestPending(): boolean;
  /** Milliseconds since the client last sent anything (Infinity when the transport is not watched). */
  clientQuietForMs(): number;
  /** When a completion or hover was last answered (performance.now()); -Infinity before the first or unwatched. */
  editingAnsweredAt(): number;
}

/** Internal hooks the diagnostics feature uses on top of ServerContext. */
export interface ServerContextInternals extends ServerContext {
  /** Forgets everything about a closed document. */
  forget(uri: string): void;
  /** Drops the model kept here for a document (the analysis thread holds a newer one). */
  forgetModel(uri: string): void;
  /** Keeps what a diagnostics run learnt (undefined: the document was not analysed). */
  recordSummary(uri: string, analysed: AnalysedText | undefined): void;
  /** Stops the analysis thread (at shutdown). */
  dispose(): Promise<void>;
  diagnosticProviders: DiagnosticProvider[];
  modelBuiltListeners: ModelBuiltListener[];
  refreshListeners: Array<() => void>;
  /** server.ts calls this from its onInitialize handler (the connection allows only one). */
  initialize(params: InitializeParams): void;
  /** server.ts calls this from its onInitialized handler. */
  initialized(): void;
}

export function createServerContext(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  requests?: { editingRequestPending(): boolean; quietForMs(): number; editingAnsweredAt(): number },
  /** The server's own file, run by the analysis thread; without it documents are analysed on the main thread only. */
  analysisThreadEntry?: string,
): ServerContextInternals {
  const models = createDocumentModels(documents);
  const summaries = new Map<string, AnalysedText>();
  const analysisThread = new AnalysisThreadClient((message) => ctx.log(message), analysisThreadEntry);
  const watchedListeners: Array<(changes: FileEvent[]) => void> = [];
  const settingsListeners: Array<() => void> = [];
  let canPullConfiguration = false;
  let declaredKeysProvider: ((uri: string) => string[] | Promise<string[]>) | undefined;
  // `duoRules.configurationFile` and `duoRules.mappingsFile` are restricted settings: their files are read only once the client
  // says the workspace is trusted (initializationOptions or a later trust notification).
  let workspaceTrusted = false;
  const configurationFileKeys = new ConfigurationFileKeys((message) => ctx.log(message));
  let supportsDynamicConfiguration = false;
  let supportsDynamicWatchers = false;
  const configurationFiles = watchConfigurationFiles();
  const settings = createDocumentSettings({
    pullSection: async (uri) => canPullConfiguration ? connection.workspace.getConfiguration({ scopeUri: uri, section: 'duoRules' }) : undefined,
    stopDirFor: (path) => folderOf(path, ctx.workspaceFolders),
    log: (message) => ctx.log(message),
  });

  const ctx: ServerContextInternals = {
    connection,
    documents,
    workspaceFolders: [],
    clientCapabilities: {},
    diagnosticProviders: [],
    modelBuiltListeners: [],
    refreshListeners: [],
    initialize,
    initialized,

    getModel: (uri) => models.latest(uri),
    getCurrentModel: (uri) => models.current(uri),
    ensureModel: (uri) => models.ensure(uri),
    getSummary: (uri) => summaries.get(uri),
    analysisThread,

    forget(uri) {
      models.forget(uri);
      summaries.delete(uri);
      analysisThread.forget(uri);
      settings.forget(uri);
      configurationFiles.use(uri, undefined);
    },

    forgetModel: (uri) => models.forget(uri),

    recordSummary(uri, analysed) {
      if (analysed) summaries.set(uri, analysed);
      else summaries.delete(uri);
    },

    dispose: () => analysisThread.stop(),

    getSettings: (uri) => settings.get(uri),

    isWorkspaceTrusted: () => workspaceTrusted,

    setDeclaredKeysProvider(provider) {
      declaredKeysProvider = provider;
    },

    async getDeclaredKeys(uri) {
      const settings = await ctx.getSettings(uri);
      const fromWorkspace = declaredKeysProvider ? await declaredKeysProvider(uri) : [];
      const file = workspaceTrusted ? configurationFilePath(uri, settings.configurationFile) : undefined;
      if (documents.get(uri)) configurationFiles.use(uri, file);
      const fromFile = file ? configurationFileKeys.keysOf(file) : [];
      return [...new Set([...fromWorkspace, ...settings.configurationKeys, ...fromFile])];
    },

    onModelBuilt(listener) {
      ctx.modelBuiltListeners.push(listener);
    },

    addDiagnosticProvider(provider) {
      ctx.diagnosticProviders.push(provider);
    },

    refreshDiagnostics() {
      for (const listener of ctx.refreshListeners) listener();
    },

    onWatchedFilesChanged(listener) {
      watchedListeners.push(listener);
    },

    onSettingsChanged(listener) {
      settingsListeners.push(listener);
    },

    log(message) {
      connection.console.log(message);
    },

    editingRequestPending: () => requests?.editingRequestPending() ?? false,
    clientQuietForMs: () => requests?.quietForMs() ?? Infinity,
    editingAnsweredAt: () => requests?.editingAnsweredAt() ?? -Infinity,
  };

  function settingsChanged(): void {
    settings.clear();
    for (const listener of settingsListeners) listener();
    ctx.refreshDiagnostics();
  }

  function initialize(params: InitializeParams): void {
    ctx.clientCapabilities = params.capabilities;
    const options = params.initializationOptions as { workspaceTrusted?: unknown } | undefined;
    workspaceTrusted = options?.workspaceTrusted === true;
    canPullConfiguration = !!params.capabilities.workspace?.configuration;
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    ctx.workspaceFolders = folders.map(filePathOf).filter((p): p is string => p !== null);
    supportsDynamicConfiguration = !!params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration;
    supportsDynamicWatchers = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
  }

  function initialized(): void {
    const refused = (what: string) => (err: unknown) => ctx.log(`duo-rules: the client refused to send ${what}: ${String(err)}`);
    if (supportsDynamicConfiguration) inBackground(connection.client.register(DidChangeConfigurationNotification.type, { section: 'duoRules' }), refused('setting changes'));
    if (supportsDynamicWatchers) inBackground(connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/.duo-rules.json' }] }), refused('.duo-rules.json changes'));
  }

  connection.onDidChangeConfiguration(() => settingsChanged());
  connection.onNotification(WorkspaceTrustedNotification, () => {
    workspaceTrusted = true;
    ctx.refreshDiagnostics();
  });

  /** The configuration file of a document, resolved against its workspace folder (the first one for untitled buffers). */
  function configurationFilePath(uri: string, setting: string): string | undefined {
    const value = setting.trim();
    if (!value) return undefined;
    if (isAbsolute(value)) return value;
    const path = filePathOf(uri);
    const folder = path ? folderOf(path, ctx.workspaceFolders) : ctx.workspaceFolders[0];
    return folder ? join(folder, value) : undefined;
  }
  connection.onDidChangeWatchedFiles((params) => {
    for (const listener of watchedListeners) listener(params.changes);
    if (params.changes.some((c) => c.uri.endsWith('/.duo-rules.json'))) settingsChanged();
    else if (params.changes.some((c) => configurationFiles.changed(c.uri))) ctx.refreshDiagnostics();
  });

  /**
   * The files `duoRules.configurationFile` names for the open documents, each watched through the
   * client while a document uses it: an edit of the file (or the setting pointing elsewhere, which
   * re-analyses every document) re-reads its key names. The file may lie outside the workspace, so
   * each is watched by its own pattern rather than by a workspace glob.
   */
  function watchConfigurationFiles() {
    const byDocument = new Map<string, string>();
    const watches = new Map<string, Promise<Disposable | undefined>>();
    const reconcile = (): void => {
      const wanted = new Set(byDocument.values());
      for (const [path, watch] of watches) {
        if (wanted.has(path)) continue;
        watches.delete(path);
        inBackground(watch.then((registration) => registration?.dispose()), (err) => ctx.log(`duo-rules: could not stop watching ${path}: ${String(err)}`));
      }
      if (!supportsDynamicWatchers) return;
      const relative = ctx.clientCapabilities.workspace?.didChangeWatchedFiles?.relativePatternSupport === true;
      for (const path of wanted) {
        if (watches.has(path)) continue;
        const globPattern = relative ? { baseUri: pathToFileURL(dirname(path)).href, pattern: basename(path) } : path.replace(/\\/g, '/');
        watches.set(path, connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern }] }).then(
          (registration) => registration,
          (err: unknown) => {
            ctx.log(`duo-rules: the client refused to watch the configuration file ${path}: ${String(err)}`);
            return undefined;
          },
        ));
      }
    };
    return {
      /** Records which configuration file (if any) a document's analysis read. */
      use(uri: string, path: string | undefined): void {
        if (byDocument.get(uri) === path) return;
        if (path === undefined) byDocument.delete(uri);
        else byDocument.set(uri, path);
        reconcile();
      },
      /** True when a watched-file event is about a configuration file in use; its cached key names are dropped. */
      changed(uri: string): boolean {
        const path = filePathOf(uri);
        if (!path || !watches.has(path)) return false;
        configurationFileKeys.forget(path);
        return true;
      },
    };
  }

  return ctx;
}
