// Start-up cost of the language server: publishing the first diagnostics must not load the
// runner, the Duo client (undici, Duo's CA certificates) or the YAML parser. They are loaded on
// the first request that needs them (BENCHMARKS.md: spawn → first diagnostics vs a minimal server).
// dist/server.js runs the bundle through V8's code cache, and never through the cache of other code.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
  // dist/server.js only loads the server's bundle, dist/serverMain.js.
  assert.ok(readFileSync(serverPath, 'utf8').includes('serverMain.js'), 'dist/server.js does not load dist/serverMain.js');
  const server = readFileSync(join(root, 'dist', 'serverMain.js'), 'utf8');
  const lazy = join(root, 'dist', 'serverRunAndVerify.js');
  assert.ok(existsSync(lazy), 'the build writes dist/serverRunAndVerify.js');
  const runAndVerify = readFileSync(lazy, 'utf8');
  // Duo's pinned CA certificates are the Duo client's own bulk; undici's HTTP parser comes from dist/undici.js,
  // which the lazy bundle (not the server) requires on first use.
  assert.ok(!server.includes('BEGIN CERTIFICATE'), 'dist/serverMain.js still carries the Duo client');
  assert.ok(runAndVerify.includes('BEGIN CERTIFICATE'), 'dist/serverRunAndVerify.js lacks the Duo client');
  assert.ok(!server.includes('llhttp') && !server.includes('./undici.js'), 'dist/serverMain.js carries or loads undici');
  assert.ok(!runAndVerify.includes('llhttp') && runAndVerify.includes('require("./undici.js")'), 'dist/serverRunAndVerify.js does not load undici from dist/undici.js');
  assert.ok(readFileSync(join(root, 'dist', 'undici.js'), 'utf8').includes('llhttp'), 'dist/undici.js lacks undici\'s HTTP parser');
  assert.ok(!server.includes('runnerChild.js'), 'dist/serverMain.js still carries the runner pool');
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

test('dist/server.js starts from the code cache its last start left, and never from a cache of other code', async () => {
  // A copy of the two files, so the test owns the cache beside them.
  const dist = join(scratch, 'dist');
  mkdirSync(dist, { recursive: true });
  for (const file of ['server.js', 'serverMain.js']) copyFileSync(join(root, 'dist', file), join(dist, file));
  const cache = join(dist, 'serverMain.v8cache');
  const uri = pathToFileURL(join(scratch, 'cached-rule.js')).href;
  const eolMessage = async (): Promise<string | undefined> => {
    const client = await LspClient.start({ serverModule: join(dist, 'server.js'), settings: {} });
    try {
      const { diagnostics } = await client.waitForDiagnostics(uri, await client.open(uri, rule));
      const message = diagnostics.find((d) => d.code === 'rules-eol')?.message;
      return typeof message === 'string' ? message : undefined;
    } finally {
      await client.shutdown();
    }
  };

  const first = await eolMessage();
  assert.match(first ?? '', /reached end of life/);
  assert.ok(existsSync(cache), 'the first start left no code cache beside the bundle');
  const written = statSync(cache).mtimeMs;
  assert.equal(await eolMessage(), first, 'the start from the cache analyses differently');
  assert.equal(statSync(cache).mtimeMs, written, 'the cache was not used (a start that uses it does not write it again)');

  // A damaged cache (its header intact, so V8 would take it): the server starts as without a cache.
  const damaged = readFileSync(cache);
  for (let i = 512; i < damaged.length; i += 7) damaged[i] ^= 0x5a;
  writeFileSync(cache, damaged);
  assert.equal(await eolMessage(), first, 'the start from a damaged cache analyses differently');
  assert.ok(!readFileSync(cache).equals(damaged), 'the damaged cache was kept');
  const rewritten = statSync(cache).mtimeMs;

  // A rebuilt bundle of the same length: V8 alone would take the old cache and run the old code.
  const bundle = join(dist, 'serverMain.js');
  const text = readFileSync(bundle, 'utf8');
  assert.ok(text.includes('reached end of life'));
  writeFileSync(bundle, text.replaceAll('reached end of life', 'REACHED END OF LIFE'));
  assert.match(await eolMessage() ?? '', /REACHED END OF LIFE/, 'the cache of the old bundle ran');
  assert.notEqual(statSync(cache).mtimeMs, rewritten, 'the cache of the old bundle was kept');
});
