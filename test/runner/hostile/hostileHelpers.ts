// The hostile-rules suite: each attack runs as a real `duo-rules run` (or through the language
// server) in a temporary workspace that holds stored Duo secrets, and must end with a named
// outcome, the parent alive and unaffected, the next run clean, no canary file written, and no
// 8-character fragment of a secret in anything printed.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createWorkspace, DUO_CONFIGURATION, runCliProcess, type CliRun, type TempWorkspace } from '../runnerHelpers';
import { createWorkspace as createTempWorkspace } from '../../helpers/workspace';

export { DUO_CONFIGURATION };

export interface Arena {
  ws: TempWorkspace;
  /** A folder the attacks try to write into; it must stay empty. */
  canaryDir: string;
  remove(): void;
}

export function createArena(): Arena {
  const ws = createWorkspace();
  ws.write('configuration.json', JSON.stringify(DUO_CONFIGURATION));
  const canary = createTempWorkspace({ prefix: 'duo-rules-hostile-canary-' });
  return { ws, canaryDir: canary.root, remove: () => { ws.remove(); canary.remove(); } };
}

/** Every 8-character piece of the stored skey: none may appear in any output. */
export function assertNoSecretFragment(text: string): void {
  const skey = DUO_CONFIGURATION.DUO_SKEY;
  // Lower-cased once: the flood attacks print megabytes, and once per fragment cost seconds.
  const lower = text.toLowerCase();
  for (let i = 0; i + 8 <= skey.length; i++) {
    const piece = skey.slice(i, i + 8);
    assert.ok(!lower.includes(piece.toLowerCase()), `a fragment of the skey was printed: ${piece}`);
  }
}

export interface AttackExpectation {
  errorName?: string;
  outcome?: string;
  /** Extra flags for `duo-rules run`. */
  args?: string[];
  env?: Record<string, string>;
}

/** Runs `source` as `<name>.js` with the stored secrets and checks every promise of the suite; returns the JSON report. */
export async function runAttack(arena: Arena, name: string, source: string, expect: AttackExpectation): Promise<Record<string, any>> {
  const file = `${name}.js`;
  arena.ws.write(file, source);
  const run: CliRun = await runCliProcess(arena.ws.root, [file, '--configuration', 'configuration.json', '--format', 'json', '--timeout', '3000', ...(expect.args ?? [])], expect.env);
  // The CLI ended on its own, with a run's exit code: not killed, stopped, aborted or crashed.
  assert.ok(run.code === 0 || run.code === 1, `duo-rules run exited with ${run.code}: ${run.stderr}`);
  const report = JSON.parse(run.stdout) as Record<string, any>;
  if (expect.outcome) assert.equal(report.outcome, expect.outcome, JSON.stringify(report.error));
  if (expect.errorName) assert.equal(report.error?.name, expect.errorName, report.error?.message);
  assert.deepEqual(readdirSync(arena.canaryDir), [], 'the attack wrote a file');
  assertNoSecretFragment(run.stdout + run.stderr);
  await assertNextRunClean(arena);
  return report;
}

const CLEAN_RULE = `function (user, context, callback) {
  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };
  callback(null, user, context);
}`;

/** After an attack, an ordinary Duo rule runs as always: completed, MFA required, the skey redacted. */
export async function assertNextRunClean(arena: Arena): Promise<void> {
  arena.ws.write('clean.js', CLEAN_RULE);
  const run = await runCliProcess(arena.ws.root, ['clean.js', '--configuration', 'configuration.json', '--format', 'json']);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.equal(report.outcome, 'completed');
  assert.equal(report.multifactor?.provider, 'duo');
  assert.equal(report.multifactor?.skey, '[redacted]');
  assertNoSecretFragment(run.stdout);
}

/** An Action form of a rule body: `body` runs inside onExecutePostLogin with `api` and `event`. */
export function asAction(body: string): string {
  return `exports.onExecutePostLogin = async (event, api) => {\n${body}\n};`;
}

/** A Rule form: `body` runs with user, context, callback; a body that does not call back ends in a timeout. */
export function asRule(body: string): string {
  return `function (user, context, callback) {\n${body}\ncallback(null, user, context);\n}`;
}

export function canaryPath(arena: Arena, name: string): string {
  const path = join(arena.canaryDir, name);
  assert.equal(existsSync(path), false);
  return path;
}

/**
 * Rule code defining put(s): writes s whole to the runner's message channel (fd 3). The channel is
 * non-blocking, so a plain writeSync can fail with EAGAIN while the parent reads and the flood would
 * silently shrink. put waits 1 ms and retries (at most 10,000 times) instead of spinning: a busy
 * loop on a loaded machine starves the parent that must drain the pipe, and gave up having written
 * nothing, so the attack "completed".
 */
export const putOnChannel = `const put = (s) => { const fs = require('fs'); const b = Buffer.from(s); let off = 0;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  for (let n = 0; off < b.length && n < 1e4; n++) { try { off += fs.writeSync(3, b, off); } catch (e) { if (e.code !== 'EAGAIN') throw e; Atomics.wait(nap, 0, 0, 1); } }
  if (off < b.length) throw new Error('the channel stayed full'); };`;
