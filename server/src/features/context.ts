import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';

/**
 * What every LSP feature module receives. server.ts creates it once; each feature module
 * exports `register(ctx)` and keeps its handlers thin: params -> document -> analysis core -> LSP result.
 * The analysis owner extends this interface (settings store, cached analysis per document, ...).
 */
export interface ServerContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
}
