// Insert Post-Login Action / Insert Rule (legacy): the extension's own snippets, read at command
// time so the command and the `duo-rule` / `duo-action` completions never disagree.
import * as vscode from 'vscode';

interface SnippetEntry {
  prefix: string | string[];
  body: string | string[];
}

async function readSnippetBody(extensionUri: vscode.Uri, prefix: string): Promise<string> {
  const file = vscode.Uri.joinPath(extensionUri, 'snippets', 'duo.code-snippets');
  const snippets = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(file))) as Record<string, SnippetEntry>;
  const entry = Object.values(snippets).find((s) => (Array.isArray(s.prefix) ? s.prefix : [s.prefix]).includes(prefix));
  if (!entry) throw new Error(`The snippet '${prefix}' is missing from ${file.fsPath}.`);
  return Array.isArray(entry.body) ? entry.body.join('\n') : entry.body;
}

/** Inserts at the cursor of the active JavaScript editor, else into a new untitled JavaScript editor. Returns the document's URI. */
export async function insertSnippetCommand(extensionUri: vscode.Uri, prefix: 'duo-rule' | 'duo-action'): Promise<{ uri: string }> {
  const body = await readSnippetBody(extensionUri, prefix);
  let editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'javascript') {
    const document = await vscode.workspace.openTextDocument({ language: 'javascript' });
    editor = await vscode.window.showTextDocument(document);
  }
  const inserted = await editor.insertSnippet(new vscode.SnippetString(body));
  if (!inserted) throw new Error('The editor refused the snippet (is it read-only?).');
  return { uri: editor.document.uri.toString() };
}
