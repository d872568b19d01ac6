// The language server: the only place that creates the LSP connection. Feature modules
// under ./features register their handlers on the shared context.
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ServerContext } from './features/context';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const ctx: ServerContext = { connection, documents };

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
  },
  serverInfo: { name: 'duo-rules', version: VERSION },
}));

declare const VERSION: string;

void ctx;
documents.listen(connection);
connection.listen();
