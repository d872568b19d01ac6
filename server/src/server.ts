// The language server: the only place that creates the LSP connection. Feature modules
// under ./features register their handlers on the shared context. The same file, run as the server's
// analysis thread, serves that thread's jobs instead (one copy of the analysis code in the package).
import type * as WorkerThreads from 'node:worker_threads';
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { register as registerCodeActions, codeActionKinds } from './features/codeActionHandler';
import { register as registerCompletion, completionTriggerCharacters } from './features/completionHandler';
import { register as registerHover } from './features/hoverHandler';
import { register as registerDeclaredKeys } from './features/deployCliFiles';
import { register as registerCodeLens } from './features/codeLens';
import { register as registerCommands } from './features/commands';
import { register as registerDoctor } from './features/doctorRequest';
import { createServerContext } from './features/context';
import { DocumentEdits } from './features/documentEdits';
import { register as registerDiagnostics } from './features/diagnosticsPublisher';
import { register as registerStatus } from './features/status';
import { createWatchedTransport, RequestWatch } from './features/lspTransport';
import { serveAnalysisThread } from './features/analysisThread';
import { ANALYSIS_THREAD_ARG, isAnalysisThreadData } from './features/analysisThreadClient';

declare const VERSION: string;

function startServer(): void {
  const requests = new RequestWatch();
  const transport = createWatchedTransport(process.argv.slice(2), requests);
  const connection = transport ? createConnection(ProposedFeatures.all, transport.reader, transport.writer) : createConnection(ProposedFeatures.all);
  const edits = new DocumentEdits();
  const documents = new TextDocuments(edits.configuration);
  const ctx = createServerContext(connection, documents, requests, __filename);

  connection.onInitialize((params) => {
    ctx.initialize(params);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeLensProvider: { resolveProvider: false },
        completionProvider: { triggerCharacters: completionTriggerCharacters, resolveProvider: false },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds, resolveProvider: false },
      },
      serverInfo: { name: 'duo-rules', version: VERSION },
    };
  });
  connection.onInitialized(() => ctx.initialized());
  // The analysis thread ends with the session; the process itself ends on `exit` or when the client goes away.
  connection.onShutdown(() => ctx.dispose());

  registerDiagnostics(ctx);
  registerDeclaredKeys(ctx);
  registerCompletion(ctx, edits);
  registerHover(ctx);
  registerCodeActions(ctx);
  registerCommands(ctx);
  registerDoctor(ctx);
  registerCodeLens(ctx);
  registerStatus(ctx);
  documents.listen(connection);
  connection.listen();
}

// Only the thread's argv carries the marker: a plain server start does not load node:worker_threads.
const thread = process.argv.includes(ANALYSIS_THREAD_ARG) ? require('node:worker_threads') as typeof WorkerThreads : undefined;
if (thread && !thread.isMainThread && thread.parentPort && isAnalysisThreadData(thread.workerData)) serveAnalysisThread(thread.parentPort);
else startServer();
