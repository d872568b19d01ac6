// Start-up cost of the language server: publishing the first diagnostics must not load the
// runner, the Duo client (undici, Duo's CA certificates) or the YAML parser. They are loaded on
// the first request that needs them (BENCHMARKS.md: spawn → first diagnostics vs a minimal server).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { LspClient, serverPath } from '../helpers/lspClient';
import { createWorkspace } from '../helpers/workspace';

const root = join(__dirname, '..', '..', '..');
const rule = readFileSync(join(root, 'examples', 'duo-rule.js'), 'utf8');
let scratch: string;

before(() => {
  scratch = createWorkspace({ prefix: 'duo-rules-startup-' }).root;
});

test('dist/server.js leaves the runner and the Duo client to dist/serverRunAndVerify.js', () => {
  const server = readFileSync(serverPath, 'utf8');
  const lazy = join(root, 'dist', 'serverRunAndVerify.js');
  assert.ok(existsSync(lazy), 'the build writes dist/serverRunAndVerify.js');
  const runAndVerify = readFileSync(lazy, 'utf8');
  // Duo's pinned CA certificates are the Duo client's own bulk; undici's HTTP parser comes from dist/undici.js,
  // which the lazy bundle (not the server) requires on first use.
  assert.ok(!server.includes('BEGIN CERTIFICATE'), 'dist/server.js still carries the Duo client');
  assert.ok(runAndVerify.includes('BEGIN CERTIFICATE'), 'dist/serverRunAndVerify.js lacks the Duo client');
  assert.ok(!server.includes('llhttp') && !server.includes('./undici.js'), 'dist/server.js carries or loads undici');
  assert.ok(!runAndVerify.includes('llhttp') && runAndVerify.includes('require("./undici.js")'), 'dist/serverRunAndVerify.js does not load undici from dist/undici.js');
  assert.ok(readFileSync(join(root, 'dist', 'undici.js'), 'utf8').includes('llhttp'), 'dist/undici.js lacks undici\'s HTTP parser');
  assert.ok(!server.includes('runnerChild.js'), 'dist/server.js still carries the runner pool');
});

test('the first diagnostics load neither the runner, the Duo client nor the YAML parser', async () => {
  // Run the unbundled server (out/) so every module it loads shows up in require.cache.
  const loadedFile = join(scratch, 'loaded.json');
  const preload = join(scratch, 'recordModules.js');
  writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(loadedFile)}, JSON.stringify(Object.keys(require.cache))));\n`);
  const client = await LspClient.start({ serverModule: join(root, 'out', 'server', 'src', 'server.js'), execArgv: ['--require', preload], settings: {} });
  try {
    const uri = pathToFileURL(join(scratch, 'duo-rule.js')).href;
    const { diagnostics } = await client.waitForDiagnostics(uri, await client.open(uri, rule));
    assert.ok(diagnostics.some((d) => d.code === 'rules-eol'), 'the rule was analysed');
  } finally {
    await client.shutdown();
  }
  const loaded = (JSON.parse(readFileSync(loadedFile, 'utf8')) as string[]).map((p) => p.replace(/\\/g, '/'));
  assert.ok(loaded.some((p) => p.endsWith('/out/server/src/analysis/model.js')), 'the recorder saw the analysis load');
  // The runner's mock inputs (plain objects) serve duoRules/mockInputs without the runner.
  const heavy = loaded.filter((p) => /\/node_modules\/(undici|yaml)\/|\/out\/server\/src\/(runner\/(?!mockInputs\.js)|duo\/)/.test(p));
  assert.deepEqual(heavy, []);
});
