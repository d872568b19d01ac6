// Convert Rule to Post-Login Action: the server converts (the same converter as
// `duo-rules convert`); this writes the deploy-cli files or opens the Action in a new editor.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ConvertResponse } from '../../server/src/features/commands';
import type { ConvertNote } from '../../server/src/analysis/ruleConverter';

/** What the command returns: the Action's document, the files it wrote, and the TODOs left for the user. */
export interface ConvertCommandResult {
  uri: string;
  files: string[];
  todos: ConvertNote[];
}

export interface ConvertCommandError {
  error: { name: 'NoRuleFile' | 'ConvertFailed' | 'ServerError'; message: string };
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(() => true, () => false);
}

function fail(log: vscode.LogOutputChannel, name: ConvertCommandError['error']['name'], message: string): ConvertCommandError {
  log.warn(message);
  void vscode.window.showErrorMessage(`Duo Rules: ${message}`);
  return { error: { name, message } };
}

export async function convertToActionCommand(client: LanguageClient, log: vscode.LogOutputChannel, target?: unknown): Promise<ConvertCommandResult | ConvertCommandError> {
  const uri = target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.parse(target) : vscode.window.activeTextEditor?.document.uri;
  if (!uri) return fail(log, 'NoRuleFile', 'Open the Rule to convert first.');
  let response: ConvertResponse;
  try {
    const document = await vscode.workspace.openTextDocument(uri);
    response = await client.sendRequest<ConvertResponse>('duoRules/convert', { uri: uri.toString(), text: document.getText() });
  } catch (err) {
    return fail(log, 'ServerError', `Cannot convert ${path.basename(uri.path)}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!response.ok) return fail(log, 'ConvertFailed', `Cannot convert ${path.basename(uri.path)}: ${response.message}`);

  let written: vscode.Uri | undefined;
  const files: string[] = [];
  const plan = response.deployCli;
  if (plan) {
    const codeUri = vscode.Uri.file(plan.codePath);
    const jsonUri = vscode.Uri.file(plan.jsonPath);
    if ((await exists(codeUri)) || (await exists(jsonUri))) {
      log.warn(`actions/${response.name} already exists; the converted Action opens in a new editor instead of overwriting it.`);
    } else {
      await vscode.workspace.fs.createDirectory(vscode.Uri.file(path.dirname(plan.codePath)));
      await vscode.workspace.fs.writeFile(codeUri, new TextEncoder().encode(plan.code));
      await vscode.workspace.fs.writeFile(jsonUri, new TextEncoder().encode(plan.json));
      files.push(codeUri.fsPath, jsonUri.fsPath);
      written = codeUri;
    }
  }
  const actionDocument = written
    ? await vscode.workspace.openTextDocument(written)
    : await vscode.workspace.openTextDocument({ language: 'javascript', content: response.code });
  await vscode.window.showTextDocument(actionDocument, { preview: false });

  const where = files.length ? `actions/${response.name}/code.js and actions/${response.name}.json` : 'a new editor';
  log.info(`Converted ${uri.toString(true)} to a post-login Action in ${where}.`);
  for (const note of response.notes) log.info(`  ${note.blocking ? 'TODO' : 'note'} (Action line ${note.line}): ${note.message}`);
  const todoText = response.notes.length === 0 ? 'nothing left to do by hand' : `${response.notes.length} TODO${response.notes.length === 1 ? '' : 's'} to finish by hand (listed in the output)`;
  void vscode.window.showInformationMessage(`Duo Rules: converted ${path.basename(uri.path)} to a post-login Action in ${where}; ${todoText}.`, ...(response.notes.length ? ['Show TODOs'] : []))
    .then((picked) => { if (picked) log.show(true); });
  return { uri: actionDocument.uri.toString(), files, todos: response.notes };
}
