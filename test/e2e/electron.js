// `npm run test:electron`: the same real-editor suites (test/e2e/suite) in desktop VS Code, downloaded
// by @vscode/test-electron. Needs internet access to download VS Code, so it is not part of CI; the
// offline `npm run test:e2e` runs the same suite files in VS Code's server and is what CI runs.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { downloadAndUnzipVSCode, runTests } = require('@vscode/test-electron');

const repo = path.resolve(__dirname, '..', '..');
const suite = path.join(__dirname, 'suite');
const settings = {
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'chat.disableAIFeatures': true,
  'javascript.suggest.enabled': false,
  'editor.wordBasedSuggestions': 'off',
  'typescript.disableAutomaticTypeAcquisition': true,
};

/** A fresh workspace copy and user-data dir (with `extra` settings) per launch. */
function prepare(name, extra) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `duo-electron-${name}-`));
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(path.join(__dirname, 'fixtures', 'workspace'), workspace, { recursive: true });
  const userData = path.join(tmp, 'user-data');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ ...settings, ...extra }, null, 2));
  return { tmp, workspace, userData };
}

async function runTrusted(vscodeExecutablePath) {
  const { tmp, workspace, userData } = prepare('trusted', {});
  try {
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: repo,
      extensionTestsPath: path.join(suite, 'index.js'),
      launchArgs: [workspace, '--disable-extensions', `--user-data-dir=${userData}`],
    });
    return 0;
  } catch {
    return 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// runTests always passes --disable-workspace-trust, so the untrusted launch starts VS Code itself.
function runUntrusted(vscodeExecutablePath) {
  const { tmp, workspace, userData } = prepare('untrusted', {
    'security.workspace.trust.enabled': true,
    'security.workspace.trust.startupPrompt': 'never',
  });
  const args = [workspace, '--no-sandbox', '--disable-gpu-sandbox', '--disable-updates', '--skip-welcome',
    '--skip-release-notes', '--disable-extensions', `--user-data-dir=${userData}`,
    `--extensions-dir=${path.join(tmp, 'extensions')}`, `--extensionDevelopmentPath=${repo}`,
    `--extensionTestsPath=${path.join(suite, 'untrusted.js')}`];
  return new Promise((resolve) => {
    const child = spawn(vscodeExecutablePath, args, { stdio: 'inherit' });
    child.once('exit', (code) => { fs.rmSync(tmp, { recursive: true, force: true }); resolve(code === 0 ? 0 : 1); });
  });
}

async function main() {
  const vscodeExecutablePath = await downloadAndUnzipVSCode(process.env.VSCODE_VERSION || 'stable');
  const failures = (await runTrusted(vscodeExecutablePath)) + (await runUntrusted(vscodeExecutablePath));
  console.log(failures ? `test:electron: ${failures} of 2 launches failed` : 'test:electron: both launches passed');
  return failures ? 1 : 0;
}

if (require.main === module) {
  main().then((code) => process.exit(code), (err) => {
    console.error(`test:electron could not run: ${err.message || err}`);
    process.exit(1);
  });
}

module.exports = { main };
