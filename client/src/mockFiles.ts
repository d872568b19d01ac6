// Create Mock Input Files: writes the runner's default user, context and event as editable JSON
// under .duo-rules/mock/ and points the settings at them. Never writes a secret value.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { MockInputsRequest } from '../../shared/protocol';
import { inBackground } from '../../shared/background';

const mockDir = '.duo-rules/mock';

/** Placeholders only: the real values go into the user's own configuration file or SecretStorage. */
const configurationExample = {
  DUO_IKEY: 'REPLACE_WITH_YOUR_DUO_CLIENT_ID',
  DUO_HOST: 'api-XXXXXXXX.duosecurity.com',
  DUO_SKEY: 'store the secret with "Duo: Store a Duo Secret" instead of writing it here',
};

export interface MockFilesResult {
  /** Files written now (existing ones are kept untouched). */
  files: string[];
  /** Settings set on the workspace folder, relative to it. */
  settings: Record<string, string>;
}

function chooseFolder(): vscode.WorkspaceFolder | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  return (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
}

export async function createMockFilesCommand(client: LanguageClient, log: vscode.LogOutputChannel): Promise<MockFilesResult | { error: { name: 'NoWorkspaceFolder'; message: string } }> {
  const folder = chooseFolder();
  if (!folder) {
    const message = 'Open a folder first: the mock files are written into the workspace.';
    inBackground(vscode.window.showErrorMessage(`Duo Rules: ${message}`), (err) => log.error(`Could not show a message: ${String(err)}`));
    return { error: { name: 'NoWorkspaceFolder', message } };
  }
  const inputs = await client.sendRequest(MockInputsRequest);
  const contents: Record<string, unknown> = {
    'user.json': inputs.user,
    'context.json': inputs.context,
    'event.json': inputs.event,
    'configuration.example.json': configurationExample,
  };
  const dir = vscode.Uri.joinPath(folder.uri, mockDir);
  await vscode.workspace.fs.createDirectory(dir);
  const files: string[] = [];
  for (const [name, value] of Object.entries(contents)) {
    const file = vscode.Uri.joinPath(dir, name);
    const exists = await vscode.workspace.fs.stat(file).then(() => true, () => false);
    if (exists) continue;
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(JSON.stringify(value, null, 2) + '\n'));
    files.push(file.fsPath);
  }
  const settings = { 'mock.userFile': `${mockDir}/user.json`, 'mock.contextFile': `${mockDir}/context.json`, 'mock.eventFile': `${mockDir}/event.json` };
  const config = vscode.workspace.getConfiguration('duoRules', folder.uri);
  const target = vscode.workspace.workspaceFile ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Workspace;
  for (const [key, value] of Object.entries(settings)) await config.update(key, value, target);
  log.info(`Mock inputs in ${dir.fsPath}: wrote ${files.length ? files.map((f) => vscode.workspace.asRelativePath(f)).join(', ') : 'nothing (all existed)'}; settings duoRules.mock.* point at them.`);
  inBackground(vscode.window.showInformationMessage(`Duo Rules: mock inputs are in ${mockDir}/. Put your Duo values in a configuration file of your own (see configuration.example.json, keep it out of version control) or use "Store a Duo Secret".`, 'Open user.json')
    .then(async (picked) => { if (picked) await vscode.window.showTextDocument(vscode.Uri.joinPath(dir, 'user.json')); }), (err) => log.error(`Could not open user.json: ${String(err)}`));
  return { files, settings: Object.fromEntries(Object.entries(settings).map(([k, v]) => [`duoRules.${k}`, v])) };
}
