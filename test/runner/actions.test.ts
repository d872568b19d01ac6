// Post-login Actions in the runner: the recorded `api`, `event` with secrets, and the
// hostile cases (code that exits, loops, never settles or exhausts memory).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import { disposeRunnerPool, runFile } from '../../server/src/runner/index';
import { createWorkspace, DUO_CONFIGURATION, runText, type TempWorkspace } from './runnerHelpers';

let ws: TempWorkspace;
before(() => { ws = createWorkspace(); });
after(() => { disposeRunnerPool(); ws.remove(); });

const action = (body: string) => `exports.onExecutePostLogin = async (event, api) => {\n${body}\n};\n`;

describe('action outcomes', () => {
  test('the example Action completes and requires Duo with the secrets', async () => {
    const file = join(__dirname, '../../../examples/duo-action.js');
    const { result, secretMultifactor } = await runFile({ file, configuration: DUO_CONFIGURATION });
    assert.equal(result.kind, 'action');
    assert.equal(result.outcome, 'completed');
    assert.deepEqual(result.multifactor, {
      provider: 'duo', ikey: DUO_CONFIGURATION.DUO_IKEY, skey: '[redacted]', host: DUO_CONFIGURATION.DUO_HOST,
      username: 'jamie.rivera@example.com', allowRememberBrowser: false,
    });
    assert.equal(secretMultifactor?.skey, DUO_CONFIGURATION.DUO_SKEY);
    assert.equal(result.user, undefined);
    assert.ok(result.changes);
  });

  test('api.access.deny denies with its reason', async () => {
    const { result } = await runText(ws, action(`if (event.user.app_metadata.plan === 'enterprise') api.access.deny('Enterprise users sign in through SSO');`));
    assert.equal(result.outcome, 'denied');
    assert.equal(result.error?.message, 'Enterprise users sign in through SSO');
    assert.equal(result.multifactor, null);
  });

  test('claims, metadata and redirects are recorded as changes, in order as calls', async () => {
    const { result } = await runText(ws, action(`
      api.idToken.setCustomClaim('https://example.com/roles', event.authorization.roles);
      api.accessToken.setCustomClaim('https://example.com/plan', event.user.app_metadata.plan);
      api.user.setAppMetadata('duo_checked', true);
      api.user.setUserMetadata('locale', 'en-GB');
      api.redirect.sendUserTo('https://example.com/consent', { query: { step: '2' } });`));
    assert.equal(result.outcome, 'completed');
    assert.deepEqual(result.changes, {
      idToken: { 'https://example.com/roles': ['staff'] },
      accessToken: { 'https://example.com/plan': 'enterprise' },
      appMetadata: { duo_checked: true },
      userMetadata: { locale: 'en-GB' },
      redirect: { url: 'https://example.com/consent', query: { step: '2' } },
    });
    assert.deepEqual(result.calls.map((c) => c.name), [
      'api.idToken.setCustomClaim', 'api.accessToken.setCustomClaim', 'api.user.setAppMetadata', 'api.user.setUserMetadata', 'api.redirect.sendUserTo',
    ]);
  });

  test('a rejected Action is an error with its message', async () => {
    const { result } = await runText(ws, action(`await Promise.resolve(); throw new Error('lookup failed');`));
    assert.equal(result.outcome, 'error');
    assert.deepEqual(result.error, { name: 'Error', message: 'lookup failed' });
  });

  test('a synchronous throw in a non-async handler is an error', async () => {
    const { result } = await runText(ws, 'exports.onExecutePostLogin = (event, api) => { null.x; };');
    assert.equal(result.outcome, 'error');
    assert.equal(result.error?.name, 'TypeError');
  });

  test('an uncaught error in a timer is an error', async () => {
    const { result } = await runText(ws, action(`setTimeout(() => { throw new Error('timer blew up'); }, 1); await new Promise((r) => setTimeout(r, 50));`));
    assert.equal(result.outcome, 'error');
    assert.equal(result.error?.message, 'timer blew up');
  });

  test('an unhandled rejection is an error', async () => {
    const { result } = await runText(ws, action(`Promise.reject(new TypeError('floating promise')); await new Promise((r) => setTimeout(r, 20));`));
    assert.equal(result.outcome, 'error');
    assert.deepEqual(result.error, { name: 'TypeError', message: 'floating promise' });
  });

  test('process.exit is an error saying the Action tried to exit the process', async () => {
    const { result } = await runText(ws, action('process.exit(0);'));
    assert.equal(result.outcome, 'error');
    assert.match(result.error?.message ?? '', /tried to exit the process/);
  });

  test('a promise that never settles times out', async () => {
    const { result } = await runText(ws, action('await new Promise(() => {});'), { timeoutMs: 300 });
    assert.equal(result.outcome, 'timeout');
    assert.match(result.error?.message ?? '', /did not finish within 300 ms/);
  });

  test('an endless loop times out and the next run works', async () => {
    const { result } = await runText(ws, action('while (true) {}'), { timeoutMs: 300 });
    assert.equal(result.outcome, 'timeout');
    const next = await runText(ws, action(`api.multifactor.enable('any');`));
    assert.equal(next.result.outcome, 'completed');
    assert.deepEqual(next.result.multifactor, { provider: 'any' });
  });

  test('a memory bomb is an error saying the memory limit was hit', async () => {
    const { result } = await runText(ws, action('const a = []; for (;;) a.push(new Array(1e5).fill(2.5));'), { memoryLimitMb: 64, timeoutMs: 10_000 });
    assert.equal(result.outcome, 'error');
    assert.match(result.error?.message ?? '', /memory limit/);
  });

  test('an error after the Action finished is a warning', async () => {
    const { result } = await runText(ws, action(`setTimeout(() => { throw new Error('too late'); }, 5);`));
    assert.equal(result.outcome, 'completed');
    assert.ok(result.warnings.some((w) => /too late/.test(w)), result.warnings.join('\n'));
  });

  test('a file without onExecutePostLogin is reported', async () => {
    const { result } = await runText(ws, 'exports.onContinuePostLogin = async () => {};');
    assert.equal(result.outcome, 'error');
    assert.match(result.error?.message ?? '', /does not export onExecutePostLogin/);
  });

  test('calling api.multifactor.enable twice warns and the last call decides', async () => {
    const { result } = await runText(ws, action(`api.multifactor.enable('guardian'); api.multifactor.enable('duo', { providerOptions: { host: 'api-1.duosecurity.com' } });`));
    assert.deepEqual(result.multifactor, { provider: 'duo', host: 'api-1.duosecurity.com' });
    assert.ok(result.warnings.some((w) => /called 2 times/.test(w)));
  });
});

describe('action inputs', () => {
  test('the default event describes the same user and login as the Rules defaults', async () => {
    const { result } = await runText(ws, action(`console.log(event.user.user_id, event.user.email, event.client.name, event.transaction.protocol, event.request.ip);`));
    assert.deepEqual(result.logs, ['auth0|65a1f3c2b7e4d90012ab34cd jamie.rivera@example.com Example Portal oidc-basic-profile 203.0.113.24']);
  });

  test('the Node globals of the Actions runtime are there (fetch, crypto, Buffer, URL)', async () => {
    const { result } = await runText(ws, action(`console.log(typeof fetch, crypto.randomUUID().length, Buffer.from('hi').toString('base64'), new URL('https://example.com/a?b=1').searchParams.get('b'));`));
    assert.deepEqual(result.logs, ['function 36 aGk= 1']);
  });

  test('configuration arrives as event.secrets', async () => {
    const { result } = await runText(ws, action(`console.log(event.secrets.DUO_HOST, event.secrets.MISSING === undefined);`), { configuration: DUO_CONFIGURATION });
    assert.deepEqual(result.logs, [`${DUO_CONFIGURATION.DUO_HOST} true`]);
    assert.ok(result.warnings.some((w) => /event\.secrets\.MISSING is not set/.test(w)));
  });

  test('--user wins over a user inside --event, and --event is deep-merged', async () => {
    const { result } = await runText(ws, action(`console.log(event.user.email, event.client.name, event.request.geoip.countryCode, event.transaction.protocol);`), {
      user: { user_id: 'auth0|1', email: 'from-user-file@example.org' },
      event: { user: { email: 'from-event-file@example.org' }, client: { name: 'Partner App' }, request: { geoip: { countryCode: 'FR' } } },
    });
    assert.deepEqual(result.logs, ['from-user-file@example.org Partner App FR oidc-basic-profile']);
  });

  test('a user inside --event is used when no --user is given', async () => {
    const { result } = await runText(ws, action('console.log(event.user.email, event.user.user_id);'), {
      event: { user: { email: 'from-event-file@example.org' } },
    });
    assert.deepEqual(result.logs, ['from-event-file@example.org auth0|65a1f3c2b7e4d90012ab34cd']);
  });
});
