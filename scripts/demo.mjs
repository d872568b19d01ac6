// `npm start` (after the build): the whole tool chain offline, on the built CLI only. Lints
// examples/, starts the Duo emulator with fresh keys (and an emulated Auth0 tenant whose Duo Rule
// is still enabled), runs the example Rule and Action against the default mock user with those
// keys, verifies them against the emulator, runs the doctor against the tenant before and after
// converting the Rule, and prints a short report. Exits 0 only if every step went as expected.
// Nothing is written into the repository.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/cli.js');
// The example rule sends `username: user.email`; this is the runner's default mock user's email.
const DEMO_USER = 'jamie.rivera@example.com';

function runCli(args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: { PATH: process.env.PATH ?? '', ...env } });
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

async function startEmulator(tenantFile) {
  const child = spawn(process.execPath, [cli, 'emulator', '--generate', '--user', DEMO_USER, '--auth0', tenantFile, '--format', 'json'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
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

  console.log('\n2. Start the Duo emulator with freshly generated keys, and an emulated Auth0 tenant');
  const temp = mkdtempSync(join(tmpdir(), 'duo-rules-demo-'));
  const tenantFile = join(temp, 'tenant.json');
  const { child, info } = await startEmulator(tenantFile);
  try {
    console.log(`     ${info.url}, playing ${info.host}; user ${DEMO_USER} enrolled`);
    console.log(`     ${info.auth0.url}, playing the Auth0 tenant ${info.auth0.domain} (its Duo settings are the emulator's Web SDK keys)`);
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
    await doctorSteps(temp, tenantFile, info);
  } finally {
    const code = await stopEmulator(child);
    rmSync(temp, { recursive: true, force: true });
    console.log(`\n8. Emulators stopped (exit ${code}); temporary configuration and tenant removed`);
    expect(code === 0, 'the emulator shut down cleanly');
  }

  console.log(problems.length === 0 ? '\nDemo passed: lint, run, Duo verification and the tenant doctor all worked offline.' : `\nDemo FAILED: ${problems.join('; ')}`);
  return problems.length === 0 ? 0 : 1;
}

/** Steps 5-7: the doctor finds the Duo Rule that stopped running, then the converted Action deployed in its place. */
async function doctorSteps(temp, tenantFile, info) {
  const tenant = JSON.parse(readFileSync(tenantFile, 'utf8'));
  // The M2M application's credentials, as a CI job would have them in its environment.
  const env = { AUTH0_DOMAIN: tenant.domain, AUTH0_CLIENT_ID: tenant.clients[0].client_id, AUTH0_CLIENT_SECRET: tenant.clients[0].client_secret };
  const doctor = async (extra = []) => {
    const { code, stdout, stderr } = await runCli(['doctor', '--tenant', '--auth0-url', info.auth0.url, '--format', 'json', ...extra], env);
    try {
      return { code, report: JSON.parse(stdout), printed: stdout + stderr };
    } catch {
      throw new Error(`duo-rules doctor printed no JSON (exit ${code}): ${stderr.trim()}`);
    }
  };
  const noSecret = (text) => !text.includes(env.AUTH0_CLIENT_SECRET) && !text.includes(tenant.duo.skey);

  console.log('\n5. Doctor against the emulated tenant, whose Duo Rule is still enabled');
  const before = await doctor();
  for (const f of before.report.findings) console.log(`     ${f.severity} ${f.id} (${f.subject})`);
  expect(before.code === 1 && before.report.findings.some((f) => f.id === 'duo-in-rule'), `duo-in-rule found: Duo stopped running with Rules on 2026-11-18 (exit ${before.code})`);
  expect(noSecret(before.printed), 'no client secret or skey in the output');

  console.log('\n6. Convert the Rule to an Action that uses the tenant\'s Duo settings, and "deploy" it');
  const ruleFile = join(temp, 'require-duo.js');
  writeFileSync(ruleFile, tenant.rules[0].script);
  const converted = await runCli(['convert', ruleFile, '--keys', 'tenant']);
  expect(converted.code === 0, `duo-rules convert --keys tenant exited 0 (got ${converted.code})`);
  const actionFile = join(temp, 'require-duo-action.js');
  writeFileSync(actionFile, converted.stdout);
  // What a deploy does: the Action deployed and bound to post-login, the Rule disabled. The emulator reads the file per request.
  tenant.actions.push({ name: 'Require Duo', code: converted.stdout });
  tenant.bindings['post-login'].push('Require Duo');
  tenant.rules[0].enabled = false;
  writeFileSync(tenantFile, JSON.stringify(tenant, null, 2), { mode: 0o600 });
  const after = await doctor(['--verify', '--duo-url', info.url]);
  for (const f of after.report.findings) console.log(`     ${f.severity} ${f.id} (${f.subject})`);
  const settings = after.report.verified?.duoSettings;
  console.log(`     tenant's Duo settings: ${settings ? settings.message : 'not verified'}`);
  expect(after.code === 0 && after.report.findings.length === 0, `doctor is clean after the conversion (exit ${after.code})`);
  expect(settings?.ok === true, 'the tenant\'s Duo settings verified against the Duo emulator');
  expect(noSecret(after.printed), 'no client secret or skey in the output');

  console.log('\n7. Run and verify the converted Action: its keys are the tenant\'s Duo settings');
  const run = await runCli(['run', actionFile, '--verify', '--duo-url', info.url, '--auth0-url', info.auth0.url, '--format', 'json'], env);
  const verify = JSON.parse(run.stdout).verify;
  console.log(`     keys: ${verify.application ?? 'not accepted'}; ${verify.warnings[0] ?? ''}`);
  expect(run.code === 0 && verify.application === 'web-sdk', `duo-rules run --verify verified the tenant's Duo settings (exit ${run.code})`);
  expect(noSecret(run.stdout + run.stderr), 'no client secret or skey in the output');
}

main().then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`demo: ${err.message}`); process.exitCode = 1; },
);
