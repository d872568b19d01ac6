// `npm start`'s demo (scripts/demo.mjs) run as users run it, after the build: it must pass
// offline and leave nothing running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

test('the demo lints, runs both examples, verifies them against the emulator, runs the tenant doctor before and after the conversion, and exits 0', async () => {
  const root = join(__dirname, '../../..');
  const child = spawn(process.execPath, [join(root, 'scripts/demo.mjs')], { cwd: root });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(code, 0, out);
  assert.match(out, /Demo passed/);
  assert.doesNotMatch(out, /FAIL/);
  assert.match(out, /Emulators stopped \(exit 0\)/);
  // The doctor step: the enabled Duo Rule is found (exit 1), and after the conversion the tenant is clean (exit 0).
  assert.match(out, /ok {3}duo-in-rule found: .*\(exit 1\)/);
  assert.match(out, /ok {3}doctor is clean after the conversion \(exit 0\)/);
});
