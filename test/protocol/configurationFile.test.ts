// Keys supplied only through `duoRules.configurationFile` count as declared in the editor, once
// the workspace is trusted; their values never appear in what the server sends.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { CompletionList, Diagnostic } from 'vscode-languageserver-types';
import { caret } from '../helpers/caret';
import { LspClient } from '../helpers/lspClient';
import { createWorkspace, writeTree, type TempWorkspace } from '../helpers/workspace';

const SKEY_VALUE = 'abcdefghij0123456789ABCDEFGHIJ0123456789';
const rule = "function (user, context, callback) {\n  if (context.protocol === 'oauth2-refresh-token') return callback(null, user, context);\n  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };\n  callback(null, user, context);\n}\n";

function unknownKeys(diagnostics: Diagnostic[]): string[] {
  return diagnostics.filter((d) => d.code === 'unknown-configuration-key').map((d) => /'(\w+)'/.exec(String(d.message))![1]).sort();
}

describe('duoRules.configurationFile keys over stdio', () => {
  const workspaces: TempWorkspace[] = [];
  let session: LspClient | undefined;

  function workspace(): TempWorkspace {
    const ws = createWorkspace({
      prefix: 'duo-configuration-file-',
      files: {
        'rules-configs/duo_ikey.json': '{ "key": "DUO_IKEY", "value": "##DUO_IKEY##" }',
        'local/config.json': JSON.stringify({ DUO_SKEY: SKEY_VALUE, DUO_HOST: 'api-12345678.duosecurity.com' }),
        'rules/duo.js': rule,
      },
    });
    workspaces.push(ws);
    return ws;
  }

  afterEach(async () => {
    await session?.shutdown();
    session = undefined;
  });
  after(() => {
    for (const ws of workspaces) ws.remove();
  });

  test('in a trusted workspace, keys of the configuration file are declared and offered, values never sent', async () => {
    const ws = workspace();
    session = await LspClient.start({ workspaceFolders: [pathToFileURL(ws.root).href], settings: { configurationFile: 'local/config.json' }, initializationOptions: { workspaceTrusted: true } });
    const uri = pathToFileURL(join(ws.root, 'rules', 'duo.js')).href;
    await session.open(uri, rule);
    const published = await session.waitForDiagnostics(uri, 1, () => true);
    assert.deepEqual(unknownKeys(published.diagnostics), []);
    const { text, offset } = caret('function (user, context, callback) {\n  var k = configuration.|\n');
    const other = pathToFileURL(join(ws.root, 'rules', 'complete.js')).href;
    await session.open(other, text);
    const list = await session.connection.sendRequest<CompletionList>('textDocument/completion', { textDocument: { uri: other }, position: session.positionAt(other, offset) });
    assert.deepEqual(list.items.map((i) => i.label).sort(), ['DUO_HOST', 'DUO_IKEY', 'DUO_SKEY']);
    assert.ok(!JSON.stringify([published, list]).includes(SKEY_VALUE), 'a value of the configuration file reached the client');
  });

  test('a key added to the configuration file counts on the next analysis', async () => {
    const ws = workspace();
    writeFileSync(join(ws.root, 'local/config.json'), JSON.stringify({ DUO_SKEY: SKEY_VALUE }));
    session = await LspClient.start({ workspaceFolders: [pathToFileURL(ws.root).href], settings: { configurationFile: join(ws.root, 'local/config.json') }, initializationOptions: { workspaceTrusted: true } });
    const uri = pathToFileURL(join(ws.root, 'rules', 'duo.js')).href;
    await session.open(uri, rule);
    const before = await session.waitForDiagnostics(uri, 1, (d) => d.some((x) => x.code === 'unknown-configuration-key'));
    assert.deepEqual(unknownKeys(before.diagnostics), ['DUO_HOST']);
    writeFileSync(join(ws.root, 'local/config.json'), JSON.stringify({ DUO_SKEY: SKEY_VALUE, DUO_HOST: 'api-12345678.duosecurity.com', PAD: 'x' }));
    await session.changeConfiguration();
    const afterwards = await session.waitForDiagnostics(uri, 1, (d) => !d.some((x) => x.code === 'unknown-configuration-key'));
    assert.deepEqual(unknownKeys(afterwards.diagnostics), []);
  });

  test('the configuration file is watched: editing it re-analyses without a settings change, and the watch follows the setting', async () => {
    const ws = workspace();
    const first = join(ws.root, 'local/config.json');
    const second = join(ws.root, 'other/keys.json');
    writeFileSync(first, JSON.stringify({ DUO_SKEY: SKEY_VALUE }));
    session = await LspClient.start({
      workspaceFolders: [pathToFileURL(ws.root).href],
      settings: { configurationFile: 'local/config.json' },
      initializationOptions: { workspaceTrusted: true },
      workspaceCapabilities: { didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true } },
    });
    type Registration = { id: string; method: string; registerOptions: { watchers: Array<{ globPattern: { baseUri: string; pattern: string } | string }> } };
    const watches = (path: string) => (r: Registration) => r.method === 'workspace/didChangeWatchedFiles' && r.registerOptions.watchers.some((w) =>
      typeof w.globPattern === 'object' && w.globPattern.baseUri === pathToFileURL(dirname(path)).href && w.globPattern.pattern === basename(path));
    const registrations = () => session!.serverRequests.flatMap((r) => r.method === 'client/registerCapability' ? (r.params as { registrations: Registration[] }).registrations : []);
    /** The registration watching `path`, already sent or the next one that does. */
    const registered = async (path: string): Promise<Registration> => {
      for (;;) {
        const seen = registrations().find(watches(path));
        if (seen) return seen;
        // Nothing runs between the look and the wait, so no request is missed.
        await session!.waitForServerRequest('client/registerCapability');
      }
    };
    const uri = pathToFileURL(join(ws.root, 'rules', 'duo.js')).href;
    const watching = registered(first);
    await session.open(uri, rule);
    const before = await session.waitForDiagnostics(uri, 1, (d) => d.some((x) => x.code === 'unknown-configuration-key'));
    assert.deepEqual(unknownKeys(before.diagnostics), ['DUO_HOST']);
    const registration = await watching;

    // The user edits the file; the client reports the change it watched, and nothing else.
    writeFileSync(first, JSON.stringify({ DUO_SKEY: SKEY_VALUE, DUO_HOST: 'api-12345678.duosecurity.com' }));
    const refreshed = session.waitForDiagnostics(uri, undefined, (d) => !d.some((x) => x.code === 'unknown-configuration-key'));
    await session.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(first).href, type: 2 }] });
    assert.deepEqual(unknownKeys((await refreshed).diagnostics), []);

    // The setting now names another file: that one is watched, the first one no longer.
    writeTree(ws.root, { 'other/keys.json': JSON.stringify({ DUO_SKEY: SKEY_VALUE }) });
    session.settings = { configurationFile: 'other/keys.json' };
    const watchingSecond = registered(second);
    const unwatched = session.waitForServerRequest('client/unregisterCapability');
    const moved = session.waitForDiagnostics(uri, undefined, (d) => unknownKeys(d).join() === 'DUO_HOST');
    await session.changeConfiguration();
    await watchingSecond;
    const unregistered = await unwatched as { unregisterations: Array<{ id: string }> };
    assert.deepEqual(unregistered.unregisterations.map((u) => u.id), [registration.id]);
    assert.deepEqual(unknownKeys((await moved).diagnostics), ['DUO_HOST']);
  });

  test('untrusted: the file is not read until the client reports trust', async () => {
    const ws = workspace();
    session = await LspClient.start({ workspaceFolders: [pathToFileURL(ws.root).href], settings: { configurationFile: 'local/config.json' } });
    const uri = pathToFileURL(join(ws.root, 'rules', 'duo.js')).href;
    await session.open(uri, rule);
    const before = await session.waitForDiagnostics(uri, 1, (d) => d.some((x) => x.code === 'unknown-configuration-key'));
    assert.deepEqual(unknownKeys(before.diagnostics), ['DUO_HOST', 'DUO_SKEY']);
    await session.connection.sendNotification('duoRules/workspaceTrusted', null);
    const trusted = await session.waitForDiagnostics(uri, 1, (d) => !d.some((x) => x.code === 'unknown-configuration-key'));
    assert.deepEqual(unknownKeys(trusted.diagnostics), []);
  });
});
