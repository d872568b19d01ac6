// Baseline for the language-server benchmark: the least a vscode-languageserver server can do,
// publishing one diagnostic per document change and answering every completion with one constant item.
// The bench bundles it like dist/server.js.
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
connection.onInitialize(() => ({ capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental, completionProvider: {} } }));
// The floor of the completion measurement: the protocol's round trip with no work behind it.
connection.onCompletion(() => ({ isIncomplete: false, items: [{ label: 'allowRememberBrowser' }] }));
documents.onDidChangeContent((e) => {
  connection.sendDiagnostics({
    uri: e.document.uri,
    version: e.document.version,
    diagnostics: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: 'baseline', source: 'minimal' }],
  }).catch((err: unknown) => console.error('minimal server: diagnostics not sent:', err));
});
documents.listen(connection);
connection.listen();
