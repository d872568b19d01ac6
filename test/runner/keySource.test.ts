// The run result's `keySource`: where the Duo keys of the login come from, as the editor's verdict and
// scripts read it instead of guessing from warnings.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { disposeRunnerPool } from '../../server/src/runner/index';
import { createWorkspace, DUO_CONFIGURATION, runText, type TempWorkspace } from './runnerHelpers';

let ws: TempWorkspace;
before(() => { ws = createWorkspace(); });
after(() => { disposeRunnerPool(); ws.remove(); });

const action = (body: string) => `exports.onExecutePostLogin = async (event, api) => {\n${body}\n};\n`;
const rule = (mfa: string) => `function (user, context, callback) {\n  context.multifactor = ${mfa};\n  callback(null, user, context);\n}\n`;

test('an Action that passes no providerOptions uses the tenant\'s Duo settings', async () => {
  const { result } = await runText(ws, action("  api.multifactor.enable('duo', { allowRememberBrowser: false });"), { file: join(ws.root, 'code.js') });
  assert.equal(result.keySource, 'tenant');
});

test('keys read from event.secrets or configuration, set or not', async () => {
  const fromSecrets = action("  api.multifactor.enable('duo', { providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST } });");
  assert.equal((await runText(ws, fromSecrets, { file: join(ws.root, 'code.js'), configuration: DUO_CONFIGURATION })).result.keySource, 'secrets');
  // The same Action with no secrets set is not a tenant-keys Action: it passes keys, and none has a value.
  assert.equal((await runText(ws, fromSecrets, { file: join(ws.root, 'code.js'), configuration: {} })).result.keySource, 'unset');
  const fromConfiguration = rule("{ provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST }");
  assert.equal((await runText(ws, fromConfiguration, { configuration: DUO_CONFIGURATION })).result.keySource, 'configuration');
});

test('keys written in the code, alone or next to configured ones; none without Duo', async () => {
  const literal = rule(`{ provider: 'duo', ikey: '${DUO_CONFIGURATION.DUO_IKEY}', skey: configuration.DUO_SKEY, host: '${DUO_CONFIGURATION.DUO_HOST}' }`);
  assert.equal((await runText(ws, literal, { configuration: { DUO_SKEY: DUO_CONFIGURATION.DUO_SKEY } })).result.keySource, 'mixed');
  assert.equal((await runText(ws, rule(`{ provider: 'duo', ikey: '${DUO_CONFIGURATION.DUO_IKEY}', host: '${DUO_CONFIGURATION.DUO_HOST}' }`))).result.keySource, 'code');
  assert.equal((await runText(ws, rule("{ provider: 'guardian' }"))).result.keySource, null);
  assert.equal((await runText(ws, 'function (user, context, callback) { callback(null, user, context); }')).result.keySource, null);
});
