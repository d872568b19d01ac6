// Runs every compiled test file under out/test (except the real-editor suite, which has
// its own command) with Node's built-in runner, so CI reads its summary line.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'e2e' && name !== 'fixtures') found.push(...findTests(path));
    } else if (name.endsWith('.test.js')) {
      found.push(path);
    }
  }
  return found.sort();
}

// Each argument is a path substring; a file runs when it matches any of them (all files without one).
const filters = process.argv.slice(2);
const files = findTests('out/test').filter((f) => filters.length === 0 || filters.some((filter) => f.includes(filter)));
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
