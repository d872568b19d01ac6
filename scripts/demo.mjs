// `npm start` (after the build): the whole tool chain offline, on the built CLI only. Lints
// examples/, starts the Duo emulator with fresh keys, runs the example Rule and Action against
// the default mock user with those keys, verifies them against the emulator, and prints a short
// report. Exits 0 only if every step went as expected. Nothing is written into the repository.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/cli.js');
// The example rule sends `username: user.email`; this is the runner's default mock user's email.
const DEMO_USER = 'jamie.rivera@example.com';

function runCli(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: { PATH: process.env.PATH ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const problems = [];
function expect(condition, what) {
  console.log(`  ${condition ? 'ok  ' : 'FAIL'} ${what}`);
  if (!condition) problems.push(what);
}

async function startEmulator() {
  const child = spawn(process.execPath, [cli, 'emulator', '--generate', '--user', DEMO_USER, '--format', 'json'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit').then(([code]) => { throw new Error(`the emulator exited early (code ${code})`); });
  const [line] = await Promise.race([once(createInterface({ input: child.stdout }), 'line'), exited]);
  return { child, info: JSON.parse(line) };
}

async function stopEmulator(child) {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  return code;
}

async function verifyExample(file, configFile, url) {
  const { code, stdout, stderr } = await runCli(['run', file, '--configuration', configFile, '--verify', '--duo-url', url, '--format', 'json']);
  let report;
  try {
    report = JSON.parse(stdout);
  } catch {
    throw new Error(`duo-rules run ${file} printed no JSON (exit ${code}): ${stderr.trim()}`);
  }
  return { code, report };
}

async function main() {
  console.log('duo-rules demo (offline: a local Duo emulator stands in for Duo)\n');

  console.log('1. Lint examples/');
  const lint = await runCli(['lint', 'examples', '--format', 'json']);
  const files = lint.code === 2 ? [] : JSON.parse(lint.stdout);
  for (const f of files) {
    const codes = f.diagnostics.map((d) => d.code);
    console.log(`     ${f.file}: ${codes.length ? codes.join(', ') : 'no findings'}`);
  }
  expect(lint.code === 0, `no errors in ${files.length} example files (exit ${lint.code})`);

  console.log('\n2. Start the Duo emulator with freshly generated keys');
  const { child, info } = await startEmulator();
  const temp = mkdtempSync(join(tmpdir(), 'duo-rules-demo-'));
  try {
    console.log(`     ${info.url}, playing ${info.host}; user ${DEMO_USER} enrolled`);
    const configFile = join(temp, 'configuration.json');
    writeFileSync(configFile, JSON.stringify(info.configuration), { mode: 0o600 });
    console.log(`     runner configuration (the emulator's own keys) written to ${configFile}`);

    for (const [i, example] of ['examples/duo-rule.js', 'examples/duo-action.js'].entries()) {
      console.log(`\n${3 + i}. Run ${example} against the default mock user and verify with the emulator`);
      const { code, report } = await verifyExample(example, configFile, info.url);
      const v = report.verify;
      console.log(`     outcome: ${report.outcome}; requires MFA: ${report.multifactor ? `${report.multifactor.provider} at ${report.multifactor.host}, skey ${report.multifactor.skey}` : 'no'}`);
      console.log(`     keys: ${v.application ?? 'not accepted'} (${v.check.message})`);
      if (v.preauth) console.log(`     enrolment: ${v.preauth.message}`);
      for (const w of v.warnings) console.log(`     warning: ${w}`);
      expect(report.outcome === 'completed', 'the code completed');
      expect(report.multifactor?.provider === 'duo' && report.multifactor.skey === '[redacted]', 'it requires Duo, with the skey redacted in the output');
      expect(v.application === 'auth-api', 'the keys verified as Auth API keys');
      expect(v.preauth?.result === 'auth' && v.preauth.username === DEMO_USER, `${DEMO_USER} is enrolled`);
      expect(code === 0, `duo-rules run --verify exited 0 (got ${code})`);
    }
  } finally {
    const code = await stopEmulator(child);
    rmSync(temp, { recursive: true, force: true });
    console.log(`\n5. Emulator stopped (exit ${code}); temporary configuration removed`);
    expect(code === 0, 'the emulator shut down cleanly');
  }

  console.log(problems.length === 0 ? '\nDemo passed: lint, run and Duo verification all worked offline.' : `\nDemo FAILED: ${problems.join('; ')}`);
  return problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`demo: ${err.message}`); process.exitCode = 1; },
);
