// The rule model of each open document, built from its text and kept for its version, so the
// diagnostics run, completion, hover and code lens share one parse per version.
import type { TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { buildModel, type RuleModel } from '../analysis/model';

export interface DocumentModels {
  /** The latest model built for the document, whatever version it is of; never parses. */
  latest(uri: string): RuleModel | undefined;
  /** The model of the document's current text, built now (and kept) if the kept one is stale. */
  ensure(uri: string): RuleModel | undefined;
  /** The kept model only when it is of the document's current text; never parses. */
  current(uri: string): RuleModel | undefined;
  /** Forgets a closed document's model. */
  forget(uri: string): void;
}

export function createDocumentModels(documents: TextDocuments<TextDocument>): DocumentModels {
  const models = new Map<string, { version: number; model: RuleModel }>();
  return {
    latest: (uri) => models.get(uri)?.model,
    current(uri) {
      const kept = models.get(uri);
      return kept && kept.version === documents.get(uri)?.version ? kept.model : undefined;
    },
    ensure(uri) {
      const document = documents.get(uri);
      if (!document) return models.get(uri)?.model;
      const kept = models.get(uri);
      if (kept && kept.version === document.version) return kept.model;
      const model = buildModel(document.getText());
      models.set(uri, { version: document.version, model });
      return model;
    },
    forget: (uri) => void models.delete(uri),
  };
}
