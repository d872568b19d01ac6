// Create Mock Input Files: writes the runner's default user, context and event as editable JSON
// under .duo-rules/mock/ and points the settings at them; also a mocks file template (with a module
// stub) and a note on the fixed clock, which are not switched on: they change how every run
// answers. Never writes a secret value, nor over an existing file without asking.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { MockInputsRequest } from '../../shared/protocol';
import { inBackground } from '../../shared/background';

const mockDir = '.duo-rules/mock';

/** Placeholders only: the real values go into the user's own configuration file or SecretStorage. */
const configurationExample = {
  DUO_IKEY: 'REPLACE_WITH_YOUR_DUO_CLIENT_ID',
  DUO_HOST: 'api-XXXXXXXX.duosecurity.com',
  DUO_SKEY: 'store the secret with "Duo: Store Secret" instead of writing it here',
};

/** The mocks file's format by example: one function fails, one answers a value, one npm module is a local stub. */
const mocksTemplate = {
  'auth0.users.updateAppMetadata': { reject: 'Management API rate limit reached' },
  'auth0.users.updateUserMetadata': { resolve: {} },
  modules: { request: './stubs/request.js' },
};

const requestStub = `// Used instead of the npm module 'request' while duoRules.mock.mocksFile names mocks.json:
// answers every call at once, without the network. Shape it like the answers your code expects.
function answer(options, done) {
  const url = typeof options === 'string' ? options : options.url || options.uri;
  console.log('request stub:', url);
  setTimeout(() => done(null, { statusCode: 200, body: {} }, {}), 1);
}
module.exports = answer;
module.exports.get = answer;
module.exports.post = answer;
`;

/** The example instant: a Saturday, to try a weekday-only rule. */
const nowExample = '2026-12-05T12:00:00Z';

const readme = `# Mock inputs for Duo Rules runs

\`user.json\`, \`context.json\` (Rules) and \`event.json\` (Actions) are merged over the runner's defaults
when you run a Rule or Action from the editor (settings \`duoRules.mock.userFile\`, \`contextFile\`,
\`eventFile\`); \`null\` removes a default key.

\`mocks.json\` makes \`auth0.users.updateAppMetadata\` / \`updateUserMetadata\` reject
(\`{ "reject": "message" }\`) or answer a value (\`{ "resolve": value }\`), and replaces npm modules the code
requires with stubs (\`"modules": { "request": "./stubs/request.js" }\`, paths from this folder, inside the
workspace). It is not used until you set it, because it changes how every run answers.

A fixed clock (\`Date\`, \`Date.now()\`, \`new Date()\` start at that instant and advance) tries rules that
depend on the day or date. Both in \`.vscode/settings.json\`:

\`\`\`json
{
  "duoRules.mock.mocksFile": "${mockDir}/mocks.json",
  "duoRules.mock.now": "${nowExample}"
}
\`\`\`

On the command line: \`duo-rules run <file> --mocks ${mockDir}/mocks.json --now ${nowExample}\`.
`;

/** For callers that cannot answer a prompt (tests, other extensions). */
export interface MockFilesOptions {
  /** What to do with files that exist: `ask` (default, one question for all), `overwrite`, or `keep`. */
  existing?: 'ask' | 'overwrite' | 'keep';
}

export interface MockFilesResult {
  /** Files written now. */
  files: string[];
  /** Files that existed and were left as they were. */
  kept: string[];
  /** Settings set on the workspace folder, relative to it. */
  settings: Record<string, string>;
  /** Settings that are not set, with an example value: the mocks file and the fixed clock. */
  examples: Record<string, string>;
}

function chooseFolder(): vscode.WorkspaceFolder | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  return (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
}

/** Whether to write over the files that exist: asked once, in a modal dialog, unless the caller decided. */
async function mayOverwrite(taken: vscode.Uri[], existing: MockFilesOptions['existing']): Promise<boolean> {
  if (taken.length === 0 || existing === 'keep') return false;
  if (existing === 'overwrite') return true;
  const names = taken.map((u) => vscode.workspace.asRelativePath(u)).join(', ');
  const picked = await vscode.window.showWarningMessage(`${names} already exist${taken.length === 1 ? 's' : ''}. Overwrite with the defaults, or keep your edits?`, { modal: true }, 'Overwrite', 'Keep');
  return picked === 'Overwrite';
}

export async function createMockFilesCommand(client: LanguageClient, log: vscode.LogOutputChannel, options: MockFilesOptions = {}): Promise<MockFilesResult | { error: { name: 'NoWorkspaceFolder'; message: string } }> {
  const folder = chooseFolder();
  if (!folder) {
    const message = 'Open a folder first: the mock files are written into the workspace.';
    inBackground(vscode.window.showErrorMessage(`Duo Rules: ${message}`), (err) => log.error(`Could not show a message: ${String(err)}`));
    return { error: { name: 'NoWorkspaceFolder', message } };
  }
  const inputs = await client.sendRequest(MockInputsRequest);
  const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';
  const contents: Record<string, string> = {
    'user.json': json(inputs.user),
    'context.json': json(inputs.context),
    'event.json': json(inputs.event),
    'configuration.example.json': json(configurationExample),
    'mocks.json': json(mocksTemplate),
    'stubs/request.js': requestStub,
    'README.md': readme,
  };
  const dir = vscode.Uri.joinPath(folder.uri, mockDir);
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(dir, 'stubs'));
  const planned = Object.entries(contents).map(([name, text]) => ({ uri: vscode.Uri.joinPath(dir, ...name.split('/')), text }));
  const taken: vscode.Uri[] = [];
  for (const { uri } of planned) if (await vscode.workspace.fs.stat(uri).then(() => true, () => false)) taken.push(uri);
  const overwrite = await mayOverwrite(taken, options.existing);
  const files: string[] = [];
  const kept: string[] = [];
  for (const { uri, text } of planned) {
    if (!overwrite && taken.some((t) => t.fsPath === uri.fsPath)) {
      kept.push(uri.fsPath);
      continue;
    }
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    files.push(uri.fsPath);
  }
  const settings = { 'mock.userFile': `${mockDir}/user.json`, 'mock.contextFile': `${mockDir}/context.json`, 'mock.eventFile': `${mockDir}/event.json` };
  const config = vscode.workspace.getConfiguration('duoRules', folder.uri);
  const target = vscode.workspace.workspaceFile ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Workspace;
  for (const [key, value] of Object.entries(settings)) await config.update(key, value, target);
  const examples = { 'duoRules.mock.mocksFile': `${mockDir}/mocks.json`, 'duoRules.mock.now': nowExample };
  log.info(`Mock inputs in ${dir.fsPath}: wrote ${files.length ? files.map((f) => vscode.workspace.asRelativePath(f)).join(', ') : 'nothing'}${kept.length ? `, kept ${kept.map((f) => vscode.workspace.asRelativePath(f)).join(', ')} as they were` : ''}; settings duoRules.mock.* point at them. To use the mocks and a fixed clock, set ${Object.entries(examples).map(([k, v]) => `${k} to "${v}"`).join(' and ')}.`);
  inBackground(vscode.window.showInformationMessage(`Duo Rules: mock inputs are in ${mockDir}/. Put your Duo values in a configuration file of your own (see configuration.example.json, keep it out of version control) or use "Duo: Store Secret". mocks.json (failing metadata updates, module stubs) and a fixed clock are switched on with duoRules.mock.mocksFile and duoRules.mock.now (see README.md there).`, 'Open user.json', 'Open mocks.json', 'Set a Fixed Clock')
    .then(async (picked) => {
      if (picked === 'Open user.json') await vscode.window.showTextDocument(vscode.Uri.joinPath(dir, 'user.json'));
      else if (picked === 'Open mocks.json') await vscode.window.showTextDocument(vscode.Uri.joinPath(dir, 'mocks.json'));
      else if (picked === 'Set a Fixed Clock') await vscode.commands.executeCommand('workbench.action.openSettings', 'duoRules.mock.now');
    }), (err) => log.error(`Could not follow up on the mock files: ${String(err)}`));
  return { files, kept, settings: Object.fromEntries(Object.entries(settings).map(([k, v]) => [`duoRules.${k}`, v])), examples };
}
