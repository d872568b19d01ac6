// `duo-rules run` as a real process (node dist/cli.js run …): flags, formats, exit codes,
// redaction in both formats, and a prompt exit after the run.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { cliPath } from '../helpers/cli';
import { stillRunsAfter } from '../helpers/processes';
import { createWorkspace, DUO_CONFIGURATION, runCliProcess, type CliRun, type TempWorkspace } from './runnerHelpers';

let ws: TempWorkspace;

function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCliProcess(ws.root, args, env);
}

before(() => {
  ws = createWorkspace();
  ws.write('duo-rule.js', `function requireDuo(user, context, callback) {
    console.log('enrolling', user.email, 'with', configuration.DUO_SKEY);
    context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST, username: user.email };
    callback(null, user, context);
  }`);
  ws.write('deny.js', 'function (u, c, cb) { cb(new UnauthorizedError("Blocked for " + u.email)); }');
  ws.write('loop.js', 'function (u, c, cb) { for (;;) {} }');
  ws.write('throws.js', 'function (u, c, cb) { throw new Error("broken rule"); }');
  ws.write('action.js', `exports.onExecutePostLogin = async (event, api) => {
    api.multifactor.enable('duo', { allowRememberBrowser: true, providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST } });
    api.idToken.setCustomClaim('https://example.com/country', event.request.geoip.countryCode);
  };`);
  ws.write('token.js', 'function (u, c, cb) { c.idToken.tenant = @@TENANT@@; cb(null, u, c); }');
  ws.write('config.json', JSON.stringify(DUO_CONFIGURATION));
  ws.write('partial-config.json', JSON.stringify({ DUO_IKEY: DUO_CONFIGURATION.DUO_IKEY }));
  ws.write('user-a.json', '{ "user_id": "auth0|a", "email": "a@example.org" }');
  ws.write('user-b.json', '{ "user_id": "auth0|b", "email": "b@example.org" }');
  ws.write('event.json', '{ "request": { "geoip": { "countryCode": "NZ" } } }');
  ws.write('deploy-config.json', JSON.stringify({ AUTH0_KEYWORD_REPLACE_MAPPINGS: { TENANT: 'acme-prod' } }));
  ws.write('bad.json', '{ nope');
});
after(() => ws.remove());

describe('duo-rules run (real process)', () => {
  test('json: completed rule, documented fields, skey redacted, exit 0', async () => {
    const { code, stdout, stderr } = await runCli(['duo-rule.js', '--configuration', 'config.json', '--format', 'json']);
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout);
    for (const field of ['kind', 'outcome', 'error', 'multifactor', 'user', 'context', 'logs', 'warnings', 'durationMs']) assert.ok(field in result, field);
    assert.equal(result.kind, 'rule');
    assert.equal(result.outcome, 'completed');
    assert.deepEqual(result.multifactor, {
      provider: 'duo', ikey: DUO_CONFIGURATION.DUO_IKEY, skey: '[redacted]', host: DUO_CONFIGURATION.DUO_HOST, username: 'jamie.rivera@example.com',
    });
    assert.deepEqual(result.logs, ['enrolling jamie.rivera@example.com with [redacted]']);
    assert.ok(!stdout.includes(DUO_CONFIGURATION.DUO_SKEY) && !stderr.includes(DUO_CONFIGURATION.DUO_SKEY));
  });

  test('text: a short report with the MFA, logs redacted, exit 0', async () => {
    const { code, stdout } = await runCli(['duo-rule.js', '--configuration', 'config.json']);
    assert.equal(code, 0);
    assert.match(stdout, /^Rule duo-rule\.js: completed in [\d.]+ ms\n/);
    assert.match(stdout, /Requires MFA: duo\n {2}host: api-3c9a1b2d\.duosecurity\.com\n {2}ikey: DIWJ8X6AEYOR5OMC6TQ1\n {2}skey: \[redacted\]\n/);
    assert.match(stdout, /Logs:\n {2}enrolling jamie\.rivera@example\.com with \[redacted\]/);
    assert.ok(!stdout.includes(DUO_CONFIGURATION.DUO_SKEY));
  });

  test('text: Duo keys the code passes but leaves unset are named, since Auth0 could not start Duo', async () => {
    // A Duo object without host, and keys read from configuration values this run does not have.
    ws.write('duo-no-host.js', `function (user, context, callback) {
    context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY };
    callback(null, user, context);
  }`);
    ws.write('duo-unset-keys.js', `function (user, context, callback) {
    context.multifactor = { provider: 'duo', ikey: configuration.ACME_IKEY, skey: configuration.ACME_SKEY, host: configuration.ACME_HOST };
    callback(null, user, context);
  }`);
    const noHost = await runCli(['duo-no-host.js', '--configuration', 'config.json']);
    assert.equal(noHost.code, 0, noHost.stderr);
    assert.match(noHost.stdout, /Requires MFA: duo\n {2}ikey: DIWJ8X6AEYOR5OMC6TQ1\n {2}skey: \[redacted\]\n {2}but host is not set: Auth0 cannot start Duo, so this login would fail\n/);
    const badNames = await runCli(['duo-unset-keys.js', '--configuration', 'config.json']);
    assert.match(badNames.stdout, /Requires MFA: duo\n {2}but ikey, skey and host are not set: Auth0 cannot start Duo, so this login would fail\n/);
    const complete = await runCli(['duo-rule.js', '--configuration', 'config.json']);
    assert.doesNotMatch(complete.stdout, /not set/);
    // Auth0 allows ':' in a configuration key (a published Duo template reads DUO_MFA:IKEY): an unset one is named too.
    ws.write('duo-colon-keys.js', `function (user, context, callback) {
    context.multifactor = { provider: 'duo', ikey: configuration['DUO_MFA:IKEY'], skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };
    callback(null, user, context);
  }`);
    const colon = await runCli(['duo-colon-keys.js', '--configuration', 'config.json']);
    assert.match(colon.stdout, /\n {2}configuration\["DUO_MFA:IKEY"\] is not set: add it to the configuration file\n/);
  });

  test('an Action of another trigger is named as such, not blamed for a syntax error (exit 2)', async () => {
    ws.write('pre-registration.js', `const BLOCKED = ['kiosk-app'];
exports.onExecutePreUserRegistration = async (event, api) => {
  if (BLOCKED.includes(event.client.client_id)) api.access.deny('no_signups', 'Sign-ups are closed');
};`);
    const { code, stdout, stderr } = await runCli(['pre-registration.js']);
    assert.equal(code, 2, stdout);
    assert.match(stderr, /pre-registration\.js: not a Rule or a post-login Action: it exports onExecutePreUserRegistration, the handler of another Actions trigger/);
    assert.doesNotMatch(stderr + stdout, /SyntaxError/);
  });

  test('keys missing from --configuration come from the environment and stay redacted', async () => {
    const { code, stdout } = await runCli(['duo-rule.js', '--configuration', 'partial-config.json', '--format', 'json'], {
      DUO_SKEY: DUO_CONFIGURATION.DUO_SKEY, DUO_HOST: DUO_CONFIGURATION.DUO_HOST,
    });
    assert.equal(code, 0);
    const result = JSON.parse(stdout);
    assert.equal(result.multifactor.host, DUO_CONFIGURATION.DUO_HOST);
    assert.equal(result.multifactor.skey, '[redacted]');
    assert.ok(!stdout.includes(DUO_CONFIGURATION.DUO_SKEY));
  });

  test('a denied login exits 0 and prints the message', async () => {
    const { code, stdout } = await runCli(['deny.js']);
    assert.equal(code, 0);
    assert.match(stdout, /: denied in /);
    assert.match(stdout, /Denied: Blocked for jamie\.rivera@example\.com/);
  });

  test('the last of a repeated flag wins', async () => {
    const { stdout } = await runCli(['deny.js', '--user', 'user-a.json', '--user', 'user-b.json', '--format', 'json']);
    assert.equal(JSON.parse(stdout).error.message, 'Blocked for b@example.org');
  });

  test('an error exits 1', async () => {
    const { code, stdout } = await runCli(['throws.js']);
    assert.equal(code, 1);
    assert.match(stdout, /Error: Error: broken rule/);
  });

  test('an endless loop times out with --timeout, exits 1, and the command exits promptly', async () => {
    const started = performance.now();
    const { code, stdout } = await runCli(['loop.js', '--timeout', '300', '--format', 'json']);
    assert.equal(code, 1);
    const result = JSON.parse(stdout);
    assert.equal(result.outcome, 'timeout');
    assert.match(result.error.message, /never called within 300 ms/);
    assert.ok(performance.now() - started < 8000, `took ${performance.now() - started} ms`);
  });

  test('an Action with --event merged over the default event', async () => {
    const { code, stdout } = await runCli(['action.js', '--configuration', 'config.json', '--event', 'event.json', '--format', 'json']);
    assert.equal(code, 0);
    const result = JSON.parse(stdout);
    assert.equal(result.kind, 'action');
    assert.deepEqual(result.changes.idToken, { 'https://example.com/country': 'NZ' });
    assert.equal(result.multifactor.allowRememberBrowser, true);
    assert.equal(result.multifactor.skey, '[redacted]');
  });

  test('--mappings takes a deploy-cli config.json; without it the tokens are named and the exit is 2', async () => {
    const mapped = await runCli(['token.js', '--mappings', 'deploy-config.json', '--format', 'json']);
    assert.equal(mapped.code, 0);
    assert.equal(JSON.parse(mapped.stdout).context.idToken.tenant, 'acme-prod');
    const unmapped = await runCli(['token.js']);
    assert.equal(unmapped.code, 2);
    assert.match(unmapped.stderr, /unreplaced deploy-cli keyword @@TENANT@@/);
  });

  test('Ctrl+C during an endless loop ends the command (exit 130) and its child at once, not after the timeout', async () => {
    let reportPid: (pid: number) => void = () => undefined;
    const reported = new Promise<number>((resolve) => { reportPid = resolve; });
    const server = createServer((req, res) => { res.end(); reportPid(Number(new URL(req.url!, 'http://x').searchParams.get('pid'))); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      ws.write('busy.js', `function (u, c, cb) {
        require('http').get('http://127.0.0.1:${port}/?pid=' + process.pid, (res) => { res.resume(); res.on('end', () => setTimeout(() => { for (;;) {} }, 0)); });
      }`);
      const command = spawn(process.execPath, [cliPath, 'run', 'busy.js', '--timeout', '120000'], { cwd: ws.root, stdio: 'ignore' });
      const childPid = await reported;
      const exited = once(command, 'exit');
      command.kill('SIGINT');
      const [code] = await exited;
      assert.equal(code, 130);
      // A deadline far below the rule's timeout: the child must go with the command, not time out.
      assert.equal(await stillRunsAfter(childPid, 5000, 50), false, 'the runner child outlived the command');
    } finally {
      server.close();
    }
  });

  test('usage and I/O errors exit 2 with a clear message', async () => {
    const cases: [string[], RegExp][] = [
      [[], /missing the rule file/],
      [['missing.js'], /missing\.js: file not found/],
      [['deny.js', '--user', 'bad.json'], /user file bad\.json: not valid JSON/],
      [['deny.js', '--context', 'nowhere.json'], /context file nowhere\.json: file not found/],
      [['deny.js', '--format', 'yaml'], /--format must be text or json/],
      [['deny.js', '--timeout', '-5'], /--timeout/],
      [['deny.js', '--bogus'], /Unknown option '--bogus'/],
      // Reading a FIFO would wait for a writer for ever: refused before it is opened.
      [['pipe.js'], /pipe\.js: is a FIFO, not a regular file/],
      [['deny.js', '--user', 'pipe.json'], /user file pipe\.json: is a FIFO, not a regular file/],
      // 100,000 levels would overflow the stack of the merge and copy code ("internal error").
      [['deny.js', '--user', 'deep-objects.json'], /user file deep-objects\.json: too deeply nested \(100001 levels of objects and arrays; at most 1000\)/],
      [['deny.js', '--event', 'deep-arrays.json'], /event file deep-arrays\.json: too deeply nested/],
    ];
    ws.write('deep-objects.json', '{"a":'.repeat(100_000) + '{}' + '}'.repeat(100_000));
    ws.write('deep-arrays.json', `{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    for (const name of ['pipe.js', 'pipe.json']) {
      const made = spawnSync('mkfifo', [join(ws.root, name)]);
      assert.equal(made.status, 0, `mkfifo ${name}: ${made.stderr}`);
    }
    const runs = await Promise.all(cases.map(([args]) => runCli(args)));
    runs.forEach(({ code, stderr, stdout }, i) => {
      const [args, message] = cases[i];
      assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
      assert.match(stderr, message);
      assert.doesNotMatch(stderr, /internal error/);
      assert.equal(stdout, '');
    });
  });

  test('brackets inside strings do not count as nesting: a user with a 5,000-character "{[" string runs', async () => {
    ws.write('brackets-user.json', JSON.stringify({ nickname: '{['.repeat(2500), app_metadata: { a: { b: [[1]] } } }));
    const run = await runCli(['deny.js', '--user', 'brackets-user.json', '--format', 'json']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).outcome, 'denied');
  });
});
