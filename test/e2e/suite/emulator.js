// Starts the bundled Duo emulator (`duo-rules emulator`) as a child process for the verify test,
// with one application whose keys are the workspace's, and stops it by its own PID.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/**
 * Resolves `{ url, stop }` once the emulator prints its loopback URL.
 * `kind` is the Duo application kind the keys belong to: 'web-sdk', 'auth-api' or 'admin-api'.
 */
function startEmulator(extensionPath, keys, kind = 'web-sdk', timeoutMs = 15_000) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duo-e2e-emulator-'));
  const config = path.join(dir, 'emulator.json');
  fs.writeFileSync(config, JSON.stringify({
    host: keys.DUO_HOST,
    applications: [{ kind, ikey: keys.DUO_IKEY, skey: keys.DUO_SKEY }],
    users: [{ username: 'e2e-user', status: 'active', enrolled: true }],
  }, null, 2));
  // The extension host's own Node (ELECTRON_RUN_AS_NODE makes Electron's binary act as Node too).
  const child = spawn(process.execPath, [path.join(extensionPath, 'dist', 'cli.js'), 'emulator', '--port', '0', '--config', config], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => { stop(); reject(new Error(`the emulator printed no URL within ${timeoutMs} ms: ${output.trim().slice(0, 300)}`)); }, timeoutMs);
    const onData = (chunk) => {
      output += chunk.toString();
      const match = /https?:\/\/(?:127\.0\.0\.1|\[::1\]|localhost):\d+/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({ url: match[0], stop });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      stop();
      reject(new Error(`the emulator exited with ${code}: ${output.trim().slice(0, 300)}`));
    });
  });
}

module.exports = { startEmulator };
