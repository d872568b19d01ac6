// Runs every compiled benchmark (out/bench/*.bench.js) one after another, so one
// benchmark's load never skews another's ratios.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const dir = 'out/bench';
let failed = false;
for (const name of readdirSync(dir).filter((n) => n.endsWith('.bench.js')).sort()) {
  const result = spawnSync(process.execPath, ['--expose-gc', join(dir, name)], { stdio: 'inherit' });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
