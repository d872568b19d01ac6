// The language server with only the diagnostics feature: the bench starts it next to the full
// server to show how much of the start-up cost is the analysis and how much the other features.
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createServerContext } from '../server/src/features/context';
import { register as registerDiagnostics } from '../server/src/features/diagnosticsPublisher';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const ctx = createServerContext(connection, documents);
connection.onInitialize((params) => {
  ctx.initialize(params);
  return { capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental } };
});
connection.onInitialized(() => ctx.initialized());
registerDiagnostics(ctx);
documents.listen(connection);
connection.listen();
