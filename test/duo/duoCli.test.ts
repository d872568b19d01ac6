// `duo-rules emulator` and `duo-rules run --verify` as real processes (node dist/cli.js): the
// emulator's JSON and shutdown, verification results, exit codes, HTTPS_PROXY, and no secret in
// any stdout or stderr.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { once } from 'node:events';
import { onlyPath, repoRoot, runCli, startCli, type CliResult } from '../helpers/cli';
import { createWorkspace } from '../helpers/workspace';

const rule = join(repoRoot, 'examples/duo-rule.js');

interface Started { url: string; host: string; configuration: Record<string, string>; emulator: { applications: { kind: string; ikey: string; skey: string }[] } }

let dir: string;
let emulator: ChildProcessWithoutNullStreams;
let started: Started;
let emulatorOutput: () => string;

function run(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { cwd: dir, env: onlyPath(env) });
}

function writeJson(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

function allSkeys(): string[] {
  return started.emulator.applications.map((a) => a.skey);
}

function assertNoSecret(text: string, secrets: string[]): void {
  for (const secret of secrets) assert.ok(!text.includes(secret), `a secret was printed: ${text.slice(0, 400)}`);
}

before(async () => {
  dir = createWorkspace({ prefix: 'duo-cli-' }).root;
  const generated = await startCli(['emulator', '--generate', '--user', 'jamie.rivera@example.com', '--format', 'json'], { cwd: dir });
  emulator = generated.child;
  emulatorOutput = generated.output;
  started = JSON.parse(generated.line);
});

after(async () => {
  if (emulator.exitCode === null) {
    emulator.kill('SIGTERM');
    await once(emulator, 'exit');
  }
});

test('emulator --generate --format json prints its URL and a runner configuration of its own keys', () => {
  assert.match(started.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(started.host, /^api-[0-9a-f]{8}\.duosecurity\.com$/);
  const authApi = started.emulator.applications.find((a) => a.kind === 'auth-api')!;
  assert.deepEqual(Object.keys(started.configuration).sort(), ['DUO_ADMIN_IKEY', 'DUO_ADMIN_SKEY', 'DUO_HOST', 'DUO_IKEY', 'DUO_SKEY']);
  assert.equal(started.configuration.DUO_IKEY, authApi.ikey);
  assert.match(authApi.ikey, /^DI[A-Z0-9]{18}$/);
  assert.match(authApi.skey, /^[A-Za-z0-9]{40}$/);
});

test('run --verify against the emulator: verified, exit 0, JSON verify object, no secret printed', async () => {
  const configuration = writeJson('config.json', started.configuration);
  const json = await run(['run', rule, '--configuration', configuration, '--verify', '--duo-url', started.url, '--format', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout);
  assert.equal(report.outcome, 'completed');
  assert.equal(report.verify.application, 'auth-api');
  assert.equal(report.verify.check.ok, true);
  assert.deepEqual([report.verify.preauth.result, report.verify.preauth.username], ['auth', 'jamie.rivera@example.com']);
  const text = await run(['run', rule, '--configuration', configuration, '--verify', '--duo-url', started.url]);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /Duo verification \(http:\/\/127\.0\.0\.1:\d+, signed for api-[0-9a-f]{8}\.duosecurity\.com\):\n {2}keys: Auth API application\n/);
  assert.match(text.stdout, /Duo configuration verified\./);
  for (const out of [json, text]) assertNoSecret(out.stdout + out.stderr, allSkeys());
});

test('run --verify with a wrong skey: exit 1, the plain-language reason, and neither skey printed', async () => {
  const wrongSkey = 'Qz'.repeat(20);
  const configuration = writeJson('wrong.json', { ...started.configuration, DUO_SKEY: wrongSkey });
  const text = await run(['run', rule, '--configuration', configuration, '--verify', '--duo-url', started.url]);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /FAIL Auth API check \[duo 40103\]: Duo rejected the signature: the skey does not match this ikey/);
  assert.match(text.stdout, /Duo configuration NOT verified\./);
  assertNoSecret(text.stdout + text.stderr, [wrongSkey, ...allSkeys()]);
});

test('run --verify reads the skey from the environment like the runner does, and Web SDK keys verify too', async () => {
  const webSdk = started.emulator.applications.find((a) => a.kind === 'web-sdk')!;
  const configuration = writeJson('websdk.json', { DUO_IKEY: webSdk.ikey, DUO_HOST: started.host });
  const json = await run(['run', rule, '--configuration', configuration, '--verify', '--duo-url', started.url, '--format', 'json'], { DUO_SKEY: webSdk.skey });
  assert.equal(json.code, 0, json.stdout);
  assert.equal(JSON.parse(json.stdout).verify.application, 'web-sdk');
  assertNoSecret(json.stdout + json.stderr, allSkeys());
});

test('run --verify of an Action checks enrolment for the user inside --event, and --user wins over it', async () => {
  const action = join(dir, 'no-username-action.js');
  writeFileSync(action, `exports.onExecutePostLogin = async (event, api) => {
  api.multifactor.enable('duo', { providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOST } });
};\n`);
  const configuration = writeJson('action-config.json', started.configuration);
  const base = ['run', action, '--configuration', configuration, '--verify', '--duo-url', started.url, '--format', 'json'];
  const duoName = (userId: string) => Buffer.from(userId).toString('base64').toLowerCase();
  const event = writeJson('event.json', { user: { user_id: 'auth0|from-the-event-file' } });
  const fromEvent = JSON.parse((await run([...base, '--event', event])).stdout);
  assert.equal(fromEvent.verify.preauth.username, duoName('auth0|from-the-event-file'));
  const user = writeJson('user.json', { user_id: 'auth0|from-the-user-file' });
  const fromUser = JSON.parse((await run([...base, '--event', event, '--user', user])).stdout);
  assert.equal(fromUser.verify.preauth.username, duoName('auth0|from-the-user-file'));
});

test('run --verify when the rule turns on no Duo: missing-credentials, exit 1', async () => {
  const noDuo = join(dir, 'no-duo.js');
  writeFileSync(noDuo, 'function (user, context, callback) { callback(null, user, context); }\n');
  const json = await run(['run', noDuo, '--verify', '--duo-url', started.url, '--format', 'json']);
  assert.equal(json.code, 1);
  const verify = JSON.parse(json.stdout).verify;
  assert.deepEqual([verify.check.reason, verify.universal.reason, verify.application], ['missing-credentials', 'missing-credentials', null]);
});

test('run --verify with unset keys names the keys and the CLI flags that give them', async () => {
  const configuration = writeJson('ikey-only.json', { DUO_IKEY: started.configuration.DUO_IKEY });
  const json = await run(['run', rule, '--configuration', configuration, '--verify', '--duo-url', started.url, '--format', 'json']);
  assert.equal(json.code, 1);
  const verify = JSON.parse(json.stdout).verify;
  assert.equal(verify.check.reason, 'missing-credentials');
  assert.equal(verify.check.message, 'The Duo configuration has no skey and host after the run. Give configuration.DUO_SKEY and configuration.DUO_HOST in the --configuration <json> file, or set the environment variables DUO_SKEY and DUO_HOST and pass --env DUO_SKEY --env DUO_HOST.');
  assert.doesNotMatch(verify.check.message, /Duo: Store|duoRules\./);
});

test('run --verify refuses a host that is not Duo\'s before connecting: invalid-host, exit 1', async () => {
  const configuration = writeJson('evil.json', { ...started.configuration, DUO_HOST: 'duo.evil.example' });
  const json = await run(['run', rule, '--configuration', configuration, '--verify', '--format', 'json']);
  assert.equal(json.code, 1);
  assert.equal(JSON.parse(json.stdout).verify.check.reason, 'invalid-host');
});

test('run --verify goes through HTTPS_PROXY for the real Duo host', async () => {
  const tunnels: string[] = [];
  const proxy = http.createServer();
  proxy.on('connect', (req: http.IncomingMessage, socket: Socket) => {
    tunnels.push(req.url!);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  try {
    const configuration = writeJson('proxy.json', started.configuration);
    const env = { HTTPS_PROXY: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` };
    const json = await run(['run', rule, '--configuration', configuration, '--verify', '--duo-timeout', '3000', '--format', 'json'], env);
    assert.equal(json.code, 1);
    assert.ok(tunnels.includes(`${started.host}:443`), `tunnels: ${tunnels.join(', ')}`);
    assert.match(JSON.parse(json.stdout).verify.check.message, /proxy refused to open a tunnel.*HTTP 403/);
  } finally {
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  }
});

test('--duo-timeout bounds each request of run --verify against a Duo that never answers', async () => {
  const silent = http.createServer(() => { /* never answers */ });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const configuration = writeJson('silent.json', started.configuration);
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const began = Date.now();
    const json = await run(['run', rule, '--configuration', configuration, '--verify', '--duo-url', url, '--duo-timeout', '400', '--format', 'json']);
    assert.equal(json.code, 1);
    const verify = JSON.parse(json.stdout).verify;
    assert.deepEqual([verify.check.reason, verify.universal.reason], ['timeout', 'timeout']);
    assert.match(verify.check.message, /within 400 ms/);
    assert.ok(Date.now() - began < 5000, `took ${Date.now() - began} ms`);
  } finally {
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});

test('usage errors exit 2', async () => {
  assert.equal((await run(['run', rule, '--duo-url', started.url])).code, 2);
  const badTimeout = await run(['run', rule, '--verify', '--duo-timeout', 'soon']);
  assert.equal(badTimeout.code, 2);
  assert.match(badTimeout.stderr, /--duo-timeout must be a positive number/);
  assert.equal((await run(['emulator'])).code, 2);
  assert.equal((await run(['emulator', '--generate', '--kind', 'saml'])).code, 2);
  const missing = await run(['emulator', '--config', 'nope.json']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read --config nope\.json: file not found/);
  const skey = allSkeys()[0];
  writeFileSync(join(dir, 'broken-emulator.json'), `{ "host": "${started.host}", "applications": [{ "kind": "auth-api", "ikey": "DIXXXXXXXXXXXXXXXXXX", "skey": ${skey} }] }`);
  const broken = await run(['emulator', '--config', 'broken-emulator.json']);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /broken-emulator\.json: not valid JSON \(.+\)/);
  assert.ok(!broken.stderr.includes(skey.slice(0, 8)), broken.stderr);
});

test('emulator --config serves the file\'s applications; SIGINT stops it cleanly with exit 0', async () => {
  const file = writeJson('emulator.json', started.emulator);
  const { child, line: first, output } = await startCli(['emulator', '--config', file], { cwd: dir });
  try {
    assert.match(first, new RegExp(`^Duo emulator listening on http://127\\.0\\.0\\.1:\\d+ \\(playing ${started.host.replace(/\./g, '\\.')}\\)$`));
    // The file's Auth API keys are the ones it accepts.
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(first)![0];
    const configuration = writeJson('served.json', started.configuration);
    const verified = await run(['run', rule, '--configuration', configuration, '--verify', '--duo-url', url, '--format', 'json']);
    assert.equal(verified.code, 0, verified.stdout);
    assert.equal(JSON.parse(verified.stdout).verify.application, 'auth-api');
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
    assert.match(output(), /Duo emulator stopped\./);
    assertNoSecret(output(), allSkeys());
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

test('the generated emulator stops on SIGTERM with exit 0', async () => {
  emulator.kill('SIGTERM');
  const [code] = await once(emulator, 'exit');
  assert.equal(code, 0);
  assert.equal(emulatorOutput().split('\n').filter(Boolean).length, 1, 'json format prints one line');
});
