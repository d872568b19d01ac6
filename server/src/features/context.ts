import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  type ClientCapabilities,
  type Connection,
  type Diagnostic,
  type FileEvent,
  type InitializeParams,
  type TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { mergeSeverities, type SeverityMap } from '../analysis/diagnostics';
import { buildModel, type RuleModel } from '../analysis/model';
import { loadProjectConfig, type ProjectConfig } from '../config/projectConfig';
import { readSetting } from '../../../shared/settings';
import { inBackground } from '../../../shared/background';

/** Settings of one document: VS Code's `duoRules` section merged over `.duo-rules.json`. */
export interface DocumentSettings {
  /** `duoRules.enable`: false turns analysis off for the document. */
  enable: boolean;
  /** Effective severities: built-in defaults ← `.duo-rules.json` ← `duoRules.diagnostics.<code>`. */
  severities: SeverityMap;
  /** `duoRules.configurationKeys`: extra declared configuration/secret keys. */
  configurationKeys: string[];
  /** The `.duo-rules.json` that applies, if any. */
  projectConfig: ProjectConfig | null;
  /** The whole raw `duoRules` section as the client sent it (other features read their own keys). */
  raw: Record<string, unknown>;
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
  /** Settings for a document (cached until `workspace/didChangeConfiguration`). */
  getSettings(uri: string): Promise<DocumentSettings>;
  /** Declared configuration keys for `unknown-configuration-key` (B registers the workspace scanner here). */
  setDeclaredKeysProvider(provider: (uri: string) => string[] | Promise<string[]>): void;
  /** Declared keys for a document: the provider's plus `duoRules.configurationKeys`. */
  getDeclaredKeys(uri: string): Promise<string[]>;
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
}

/** Internal hooks the diagnostics feature uses on top of ServerContext. */
export interface ServerContextInternals extends ServerContext {
  /** Forgets everything about a closed document. */
  forget(uri: string): void;
  diagnosticProviders: DiagnosticProvider[];
  refreshListeners: Array<() => void>;
  /** server.ts calls this from its onInitialize handler (the connection allows only one). */
  initialize(params: InitializeParams): void;
  /** server.ts calls this from its onInitialized handler. */
  initialized(): void;
}

function filePathOf(uri: string): string | null {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : null;
  } catch {
    return null;
  }
}

/** Reads `duoRules.diagnostics.<code>` whether the client nests it or sends dotted keys. */
function readEditorSeverities(raw: Record<string, unknown>): Record<string, unknown> {
  const nested = raw.diagnostics;
  const result: Record<string, unknown> = nested && typeof nested === 'object' ? { ...(nested as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith('diagnostics.')) result[key.slice('diagnostics.'.length)] = value;
  }
  return result;
}

export function createServerContext(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  requests?: { editingRequestPending(): boolean; quietForMs(): number },
): ServerContextInternals {
  const models = new Map<string, { version: number; model: RuleModel }>();
  const settingsCache = new Map<string, Promise<DocumentSettings>>();
  const watchedListeners: Array<(changes: FileEvent[]) => void> = [];
  const settingsListeners: Array<() => void> = [];
  let canPullConfiguration = false;
  let declaredKeysProvider: ((uri: string) => string[] | Promise<string[]>) | undefined;
  let supportsDynamicConfiguration = false;
  let supportsDynamicWatchers = false;

  const ctx: ServerContextInternals = {
    connection,
    documents,
    workspaceFolders: [],
    clientCapabilities: {},
    diagnosticProviders: [],
    refreshListeners: [],
    initialize,
    initialized,

    getModel: (uri) => models.get(uri)?.model,

    getCurrentModel(uri) {
      const cached = models.get(uri);
      return cached && cached.version === documents.get(uri)?.version ? cached.model : undefined;
    },

    ensureModel(uri) {
      const document = documents.get(uri);
      if (!document) return models.get(uri)?.model;
      const cached = models.get(uri);
      if (cached && cached.version === document.version) return cached.model;
      const model = buildModel(document.getText());
      models.set(uri, { version: document.version, model });
      return model;
    },

    forget(uri) {
      models.delete(uri);
      settingsCache.delete(uri);
    },

    getSettings(uri) {
      let pending = settingsCache.get(uri);
      if (!pending) {
        pending = readSettings(uri);
        settingsCache.set(uri, pending);
        // A failed read must not stick in the cache.
        pending.catch(() => settingsCache.delete(uri));
      }
      return pending;
    },

    setDeclaredKeysProvider(provider) {
      declaredKeysProvider = provider;
    },

    async getDeclaredKeys(uri) {
      const settings = await ctx.getSettings(uri);
      const fromWorkspace = declaredKeysProvider ? await declaredKeysProvider(uri) : [];
      return [...new Set([...fromWorkspace, ...settings.configurationKeys])];
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
  };

  function stopDirFor(path: string): string | undefined {
    return ctx.workspaceFolders.filter((f) => path.startsWith(f)).sort((a, b) => b.length - a.length)[0];
  }

  async function readSettings(uri: string): Promise<DocumentSettings> {
    let raw: Record<string, unknown> = {};
    if (canPullConfiguration) {
      const section: unknown = await connection.workspace.getConfiguration({ scopeUri: uri, section: 'duoRules' });
      if (section && typeof section === 'object') raw = section as Record<string, unknown>;
    }
    const path = filePathOf(uri);
    const projectConfig = path ? loadProjectConfig(dirname(path), stopDirFor(path)) : null;
    for (const problem of projectConfig?.problems ?? []) ctx.log(`duo-rules: ${problem}`);
    const keys = readSetting(raw, 'configurationKeys').filter((k): k is string => typeof k === 'string');
    return {
      enable: readSetting(raw, 'enable'),
      severities: mergeSeverities(projectConfig?.severities, readEditorSeverities(raw)),
      configurationKeys: keys,
      projectConfig,
      raw,
    };
  }

  function settingsChanged(): void {
    settingsCache.clear();
    for (const listener of settingsListeners) listener();
    ctx.refreshDiagnostics();
  }

  function initialize(params: InitializeParams): void {
    ctx.clientCapabilities = params.capabilities;
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
  connection.onDidChangeWatchedFiles((params) => {
    for (const listener of watchedListeners) listener(params.changes);
    if (params.changes.some((c) => c.uri.endsWith('/.duo-rules.json'))) settingsChanged();
  });

  return ctx;
}
