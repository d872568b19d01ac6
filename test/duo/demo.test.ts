// `npm start`'s demo (scripts/demo.mjs) run as users run it, after the build: it must pass
// offline and leave nothing running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

test('the demo lints, runs both examples, verifies them against the emulator and exits 0', async () => {
  const root = join(__dirname, '../../..');
  const child = spawn(process.execPath, [join(root, 'scripts/demo.mjs')], { cwd: root });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(code, 0, out);
  assert.match(out, /Demo passed/);
  assert.doesNotMatch(out, /FAIL/);
  assert.match(out, /Emulator stopped \(exit 0\)/);
});
