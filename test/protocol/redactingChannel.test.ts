// The extension's output channel scrubs stored Duo secrets from every message and every extra
// argument (LSP traces pass request params as arguments). Runs the client module with a
// stand-in for the `vscode` module, which only the extension host provides.
import assert from 'node:assert/strict';
import Module from 'node:module';
import { test } from 'node:test';

const SKEY = 'abcdefghij0123456789ABCDEFGHIJ0123456789';

const moduleWithResolve = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolve = moduleWithResolve._resolveFilename;
moduleWithResolve._resolveFilename = (request, ...rest) => (request === 'vscode' ? 'vscode' : resolve(request, ...rest));
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: {} } as NodeModule;

const { SecretStore, createRedactingChannel } = require('../../client/src/secrets') as typeof import('../../client/src/secrets');

function memento() {
  const values = new Map<string, unknown>();
  return { get: (k: string, d?: unknown) => (values.has(k) ? values.get(k) : d), update: async (k: string, v: unknown) => { values.set(k, v); }, keys: () => [...values.keys()] };
}

test('every message and argument written to the channel is scrubbed of stored secrets', async () => {
  const stored = new Map<string, string>();
  const storage = { get: async (k: string) => stored.get(k), store: async (k: string, v: string) => { stored.set(k, v); }, delete: async (k: string) => { stored.delete(k); }, onDidChange: () => ({ dispose() {} }) };
  const secrets = new SecretStore(storage as never, memento() as never);
  await secrets.store('DUO_SKEY', SKEY);

  const written: string[] = [];
  const record = (...parts: unknown[]) => { written.push(parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p) ?? String(p))).join(' ')); };
  const channel = { name: 'Duo Rules', logLevel: 1, onDidChangeLogLevel: () => ({ dispose() {} }), trace: record, debug: record, info: record, warn: record, error: record, append: record, appendLine: record, replace: record, clear() {}, show() {}, hide() {}, dispose() {} };
  const log = createRedactingChannel(channel as never, secrets);

  log.trace(`Sending request 'duoRules/verify' with ${SKEY}`, { params: { secrets: { DUO_SKEY: SKEY } } });
  log.info('params', [SKEY], `x${SKEY}x`);
  log.error(new Error(`Duo said ${SKEY}`));
  log.warn('circular', (() => { const o: Record<string, unknown> = { SKEY }; o.self = o; return o; })());
  log.appendLine(`raw ${SKEY}`);

  assert.equal(written.length, 5);
  for (const line of written) assert.ok(!line.includes(SKEY), `secret leaked: ${line}`);
  assert.match(written[0], /\[redacted\]/);
  assert.match(written[1], /\[redacted\]/);
  assert.match(written[2], /Duo said \[redacted\]/);
});
