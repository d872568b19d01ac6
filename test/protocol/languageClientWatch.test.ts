// The extension watches and syncs every auth0-deploy-cli file the server reads keys and secrets
// from, in both spellings of the tenant file (deploy-cli reads tenant.yaml and tenant.yml). Loads
// the client module with stand-ins for `vscode` and the language client library, which only the
// extension host provides.
import assert from 'node:assert/strict';
import Module from 'node:module';
import { test } from 'node:test';
import { classifyDeployConfigPath } from '../../shared/deployCliLayout';

const watched: string[] = [];
let clientOptions: { documentSelector: Array<{ pattern?: string }> } | undefined;
const vscodeStub = {
  workspace: { createFileSystemWatcher: (glob: string) => { watched.push(glob); return { dispose() {} }; } },
};
const languageClientStub = {
  TransportKind: { ipc: 1 },
  LanguageClient: class {
    constructor(_id: string, _name: string, _server: unknown, options: typeof clientOptions) { clientOptions = options; }
  },
};

const moduleWithResolve = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolve = moduleWithResolve._resolveFilename;
moduleWithResolve._resolveFilename = (request, ...rest) => (request === 'vscode' || request === 'vscode-languageclient/node' ? request : resolve(request, ...rest));
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscodeStub } as NodeModule;
require.cache['vscode-languageclient/node'] = { id: 'vscode-languageclient/node', filename: 'vscode-languageclient/node', loaded: true, exports: languageClientStub } as NodeModule;

const { createLanguageClient } = require('../../client/src/languageClient') as typeof import('../../client/src/languageClient');

test('tenant.yml is watched and synced like tenant.yaml, rules-configs and actions files', () => {
  const context = { asAbsolutePath: (p: string) => `/ext/${p}`, subscriptions: [] as unknown[] };
  createLanguageClient(context as never, {} as never);
  for (const glob of ['**/tenant.yaml', '**/tenant.yml', '**/rules-configs/*.json', '**/actions/*.json', '**/.duo-rules.json']) {
    assert.ok(watched.includes(glob), `${glob} is not watched (watched: ${watched.join(', ')})`);
  }
  const synced = clientOptions?.documentSelector.map((s) => s.pattern).filter(Boolean);
  assert.deepEqual(synced?.sort(), ['**/actions/*.json', '**/rules-configs/*.json', '**/tenant.yaml', '**/tenant.yml']);
  // Every synced file is one the server classifies (and so re-reads keys for and lints).
  for (const file of ['/r/tenant.yml', '/r/tenant.yaml', '/r/rules-configs/a.json', '/r/actions/a.json']) assert.ok(classifyDeployConfigPath(file), file);
});
