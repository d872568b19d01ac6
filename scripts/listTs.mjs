// The project's TypeScript sources below a folder (no declarations, node_modules or fixtures):
// what esbuild compiles and what the lint's layer rules read.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function listTs(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules' && name !== 'fixtures') found.push(...listTs(path));
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
      found.push(path);
    }
  }
  return found;
}
