// What the server's documents report about each edit (documentEdits.ts): the completion scan keeps its
// checkpoints before that offset, so an offset past the real start of an edit would give completions from a
// stale scan. The text itself must come out as TextDocuments would make it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentEdits } from '../../server/src/features/documentEdits';

function recorder() {
  const edits = new DocumentEdits();
  const reported: Array<[string, number]> = [];
  edits.onEdited((uri, unchangedBefore) => reported.push([uri, unchangedBefore]));
  return { edits, reported };
}

test('each change reports where it begins, later changes in the text the earlier ones left', () => {
  const { edits, reported } = recorder();
  const { create, update } = edits.configuration;
  const doc = create('file:///r.js', 'javascript', 1, 'line one\nline two\nline three\n');
  assert.deepEqual(reported, [['file:///r.js', 0]], 'a new document is new from its start');
  reported.length = 0;
  const changes = [
    // Deletes "two" (offsets 14–17), then inserts before "three", whose position moved by 3 characters.
    { range: { start: { line: 1, character: 5 }, end: { line: 1, character: 8 } }, text: '' },
    { range: { start: { line: 2, character: 5 }, end: { line: 2, character: 5 } }, text: 'new ' },
  ];
  const updated = update(doc, changes, 2);
  assert.deepEqual(reported, [['file:///r.js', 14], ['file:///r.js', 20]]);
  const expected = TextDocument.update(TextDocument.create('file:///r.js', 'javascript', 1, 'line one\nline two\nline three\n'), changes, 2);
  assert.equal(updated.getText(), expected.getText());
  assert.equal(updated.getText(), 'line one\nline \nline new three\n');
  assert.equal(updated.version, 2);
});

test('a change of the whole text reports its start, and an empty change list still moves the version', () => {
  const { edits, reported } = recorder();
  const { create, update } = edits.configuration;
  const doc = create('file:///a.js', 'javascript', 1, 'a');
  reported.length = 0;
  assert.equal(update(doc, [{ text: 'replaced' }], 2).getText(), 'replaced');
  assert.deepEqual(reported, [['file:///a.js', 0]]);
  reported.length = 0;
  assert.equal(update(doc, [], 3).version, 3);
  assert.deepEqual(reported, []);
});
