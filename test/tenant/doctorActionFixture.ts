// What the doctor tests on a repository's Duo Action share: a Duo emulator with its Web SDK keys for
// the file, a repository in a temporary folder, the Action in deploy-cli's directory layout, the
// doctor as a real process, and the check that no skey was printed.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateEmulatorConfig, startEmulator, type RunningEmulator } from '../../server/src/duo/duoEmulator';
import { onlyPath, runCli, type CliResult } from '../helpers/cli';
import { createWorkspace } from '../helpers/workspace';

export interface DuoKeys {
  ikey: string;
  skey: string;
  host: string;
}

/** A Duo emulator for the whole test file: `keys` are its Web SDK application's, `url` its address. */
export function useDuoEmulator(): { readonly keys: DuoKeys; readonly url: string } {
  let duo: RunningEmulator;
  let keys: DuoKeys;
  before(async () => {
    const config = generateEmulatorConfig();
    duo = await startEmulator({ config });
    const web = config.applications.find((a) => a.kind === 'web-sdk')!;
    keys = { ikey: web.ikey, skey: web.skey, host: config.host };
  });
  after(() => duo.close());
  return { get keys() { return keys; }, get url() { return duo.url; } };
}

/** A repository holding `files` (relative path → text) in a temporary folder; its root. */
export function writeRepository(files: Record<string, string>, prefix: string): string {
  return createWorkspace({ prefix, files }).root;
}

/** The Action "Duo MFA" bound to post-login with Duo enabled, in deploy-cli's directory layout. */
export function duoActionLayout(code: string, secrets: unknown): Record<string, string> {
  return {
    'actions/Duo MFA.json': JSON.stringify({ name: 'Duo MFA', code: './actions/Duo MFA/code.js', deployed: true, runtime: 'node22', secrets, supported_triggers: [{ id: 'post-login', version: 'v3' }] }, null, 2),
    'actions/Duo MFA/code.js': code,
    'triggers/triggers.json': JSON.stringify({ 'post-login': [{ action_name: 'Duo MFA', display_name: 'Duo MFA' }] }),
    'guardian/factors/duo.json': JSON.stringify({ name: 'duo', enabled: true }),
  };
}

/** `duo-rules doctor <args>` in `cwd`, with only PATH and `env` in its environment. */
export function runDoctorCli(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(['doctor', ...args], { cwd, env: onlyPath(env) });
}

/** A clean JSON report (exit 0, no findings) whose one verified Action is "Duo MFA", accepted; its verify entry. */
export function verifiedDuoAction(out: CliResult): { host: string; result: { application: string } } {
  assert.equal(out.code, 0, out.stdout + out.stderr);
  const report = JSON.parse(out.stdout);
  assert.deepEqual(report.findings, []);
  const [entry] = report.verified.actions;
  assert.equal(entry.subject, 'action:Duo MFA');
  assert.equal(entry.ok, true, entry.message);
  return entry;
}

/** Neither an skey nor its first 12 characters is in what the doctor printed. */
export function assertNoSkey(out: { stdout: string; stderr: string }, ...skeys: string[]): void {
  const all = out.stdout + out.stderr;
  for (const skey of skeys) assert.ok(!all.includes(skey) && !all.includes(skey.slice(0, 12)), 'an skey was printed');
}
