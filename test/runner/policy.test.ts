// What a run may reach: environment variables (the fallback's allow-list, --env), files (the read
// boundary) and the network (recorded connections, --network off).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { disposeRunnerPool, findReadBoundary } from '../../server/src/runner/index';
import { createWorkspace, runCliProcess, runText, type TempWorkspace } from './runnerHelpers';
import { createWorkspace as createTempWorkspace } from '../helpers/workspace';

let ws: TempWorkspace;
before(() => { ws = createWorkspace(); });
after(() => { disposeRunnerPool(); ws.remove(); });

describe('environment fallback', () => {
  const reader = `function (u, c, cb) {
    console.log([configuration.DUO_HOST, configuration.DATABASE_URL, configuration.API_KEY].map(String).join(' '));
    cb(null, u, c);
  }`;
  const env = { DUO_HOST: 'api-env.duosecurity.com', DATABASE_URL: 'postgres://user:pw-secret-77@db/x', API_KEY: 'api-key-secret-91' };

  test('only DUO_* variables are read; any other one stays unset with a warning naming it, never its value', async () => {
    const { result } = await runText(ws, reader, { env });
    assert.deepEqual(result.logs, ['api-env.duosecurity.com undefined undefined']);
    const warnings = result.warnings.join('\n');
    assert.match(warnings, /configuration\.DATABASE_URL is not set: the environment variable DATABASE_URL exists but is not passed/);
    assert.match(warnings, /--env API_KEY/);
    assert.doesNotMatch(JSON.stringify(result), /pw-secret-77|api-key-secret-91/);
  });

  test('keys the project declares in .duo-rules.json configurationKeys are read', async () => {
    const project = createWorkspace();
    try {
      project.write('.duo-rules.json', JSON.stringify({ configurationKeys: ['API_KEY'] }));
      const { result } = await runText(project, reader, { env });
      assert.deepEqual(result.logs, ['api-env.duosecurity.com undefined api-key-secret-91']);
    } finally {
      project.remove();
    }
  });

  test('duo-rules run --env NAME (repeatable) allows exactly the named variables', async () => {
    ws.write('env-reader.js', reader);
    const plain = await runCliProcess(ws.root, ['env-reader.js', '--format', 'json'], env);
    assert.deepEqual(JSON.parse(plain.stdout).logs, ['api-env.duosecurity.com undefined undefined']);
    const allowed = await runCliProcess(ws.root, ['env-reader.js', '--env', 'DATABASE_URL', '--env', 'API_KEY', '--format', 'json'], env);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.deepEqual(JSON.parse(allowed.stdout).logs, [`api-env.duosecurity.com ${env.DATABASE_URL} ${env.API_KEY}`]);
    const bad = await runCliProcess(ws.root, ['env-reader.js', '--env', 'A=B']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--env takes a variable name/);
  });
});

describe('read boundary', () => {
  let home: string;
  before(() => {
    home = createTempWorkspace({ prefix: 'duo-rules-home-' }).root;
    mkdirSync(join(home, 'node_modules', 'helper'), { recursive: true });
    writeFileSync(join(home, 'node_modules', 'helper', 'index.js'), 'module.exports = 42;');
    mkdirSync(join(home, '.ssh'));
    writeFileSync(join(home, '.ssh', 'id_canary'), 'PRIVATE KEY CANARY');
    mkdirSync(join(home, 'work', 'repo', '.git'), { recursive: true });
    mkdirSync(join(home, 'work', 'repo', 'rules'), { recursive: true });
    mkdirSync(join(home, 'loose', 'rules2'), { recursive: true });
  });

  test('stops at the repository root (.git), never the home directory, and adds only the module folders above it', () => {
    const inRepo = findReadBoundary(join(home, 'work', 'repo', 'rules'), undefined, home);
    assert.equal(inRepo.root, join(home, 'work', 'repo'));
    assert.ok(inRepo.readRoots.includes(join(home, 'node_modules')));
    assert.ok(!inRepo.readRoots.includes(home));
    // No repository: the rule's own folder, not the home directory that has a node_modules.
    const loose = findReadBoundary(join(home, 'loose', 'rules2'), undefined, home);
    assert.equal(loose.root, join(home, 'loose', 'rules2'));
    // The home directory given as the workspace folder is not taken either.
    assert.equal(findReadBoundary(join(home, 'loose', 'rules2'), home, home).root, join(home, 'loose', 'rules2'));
  });

  test('a run cannot read above its workspace folder', async () => {
    const { result } = await runText(ws, `function (u, c, cb) {
      console.log(require('fs').readFileSync(${JSON.stringify(join(home, '.ssh', 'id_canary'))}, 'utf8'));
      cb(null, u, c);
    }`);
    assert.equal(result.outcome, 'error');
    assert.match(result.error?.message ?? '', /restricted/);
    assert.doesNotMatch(JSON.stringify(result), /PRIVATE KEY CANARY/);
  });
});

describe('network', () => {
  let server: Server;
  let port = 0;
  let hits = 0;
  before(async () => {
    server = createServer((_req, res) => { hits++; res.end('pong'); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  const caller = () => `function (u, c, cb) {
    require('http').get('http://127.0.0.1:${port}/', (res) => { res.resume(); res.on('end', () => cb(null, u, c)); })
      .on('error', (e) => cb(e));
  }`;

  test('every outbound attempt is listed in connections', async () => {
    const before = hits;
    const { result } = await runText(ws, caller());
    assert.equal(result.outcome, 'completed', result.error?.message);
    assert.equal(hits, before + 1);
    assert.deepEqual(result.connections, [{ host: '127.0.0.1', port, protocol: 'tcp' }]);
  });

  test('fetch goes through the same record', async () => {
    const { result } = await runText(ws, `async function (u, c, cb) {
      const r = await fetch('http://127.0.0.1:${port}/f'); await r.text(); cb(null, u, c);
    }`);
    assert.equal(result.outcome, 'completed', result.error?.message);
    assert.deepEqual(result.connections.map((c) => c.port), [port]);
  });

  test('network off blocks the attempt inside the sandbox and still lists it; UDP and listening too', async () => {
    const before = hits;
    const { result } = await runText(ws, caller(), { network: 'off' });
    assert.equal(result.outcome, 'error');
    assert.match(result.error?.message ?? '', /network access is off for this run: tcp 127\.0\.0\.1:\d+ was blocked/);
    assert.equal(hits, before, 'the request reached the server');
    assert.deepEqual(result.connections, [{ host: '127.0.0.1', port, protocol: 'tcp' }]);
    const other = await runText(ws, `function (u, c, cb) {
      const out = [];
      try { require('dgram').createSocket('udp4').send('x', ${port}, '127.0.0.1'); } catch (e) { out.push(e.code); }
      try { require('net').createServer().listen(0, '127.0.0.1'); } catch (e) { out.push(e.code); }
      try { require('dns').lookup('example.com', () => {}); } catch (e) { out.push(e.code); }
      console.log(out.join(' '));
      cb(null, u, c);
    }`, { network: 'off' });
    assert.deepEqual(other.result.logs, ['ERR_NETWORK_OFF ERR_NETWORK_OFF ERR_NETWORK_OFF']);
    assert.deepEqual(other.result.connections.map((c) => c.protocol), ['udp', 'tcp-listen']);
  });

  test('duo-rules run --network off blocks, and the text report lists the attempt', async () => {
    ws.write('caller.js', caller());
    const run = await runCliProcess(ws.root, ['caller.js', '--network', 'off']);
    assert.equal(run.code, 1);
    assert.match(run.stdout, new RegExp(`Network:\\n  tcp 127\\.0\\.0\\.1:${port}`));
    const bad = await runCliProcess(ws.root, ['caller.js', '--network', 'maybe']);
    assert.equal(bad.code, 2);
  });
});
