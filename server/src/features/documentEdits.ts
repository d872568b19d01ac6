// Where each edit of an open document begins, for the features that keep work between keystrokes (the
// completion scan): with the offset of an edit they know which of their results still hold without comparing
// the old and new text, which at Auth0's 100 kB limit meant reading both whole on every keystroke.
import type { TextDocumentsConfiguration } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

/** Called with a document's URI and the offset before which an edit left its text unchanged. */
export type EditListener = (uri: string, unchangedBefore: number) => void;

export class DocumentEdits {
  private readonly listeners: EditListener[] = [];

  /** TextDocuments' way to create and update documents, reporting every change to the listeners. */
  readonly configuration: TextDocumentsConfiguration<TextDocument> = {
    create: (uri, languageId, version, content) => {
      // A document opened again over an open one (or first opened) is new from its first character.
      this.report(uri, 0);
      return TextDocument.create(uri, languageId, version, content);
    },
    update: (document, changes, version) => {
      if (changes.length === 0) return TextDocument.update(document, changes, version);
      let updated = document;
      // One change at a time: each change's range is in the text the previous ones left.
      for (const change of changes) {
        const range = 'range' in change ? change.range : undefined;
        this.report(document.uri, range ? updated.offsetAt(range.start) : 0);
        updated = TextDocument.update(updated, [change], version);
      }
      return updated;
    },
  };

  onEdited(listener: EditListener): void {
    this.listeners.push(listener);
  }

  private report(uri: string, unchangedBefore: number): void {
    for (const listener of this.listeners) listener(uri, unchangedBefore);
  }
}
