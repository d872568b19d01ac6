// Builds the extension (client), the language server, the CLI and the runner's child
// into dist/ as bundles; with --tests also transpiles sources, tests and benchmarks
// file-by-file into out/ so node:test can import the pure modules directly.
import * as esbuild from 'esbuild';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { listTs } from './scripts/listTs.mjs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const production = process.argv.includes('--production');
const withTests = process.argv.includes('--tests');

/** Entry points of dist/: other tools and tests rely on these paths. */
const bundles = [
  { in: 'client/src/extension.ts', out: 'client', external: ['vscode'] },
  // What the extension starts: runs serverMain.js through V8's code cache (serverLoader.ts says why).
  { in: 'server/src/serverLoader.ts', out: 'server' },
  { in: 'server/src/server.ts', out: 'serverMain' },
  { in: 'server/src/cli/cli.ts', out: 'cli', banner: '#!/usr/bin/env node' },
  { in: 'server/src/runner/child.ts', out: 'runnerChild' },
  // The language server loads it on the first Run/Verify request (not at start-up).
  { in: 'server/src/features/runAndVerify.ts', out: 'serverRunAndVerify' },
  // The HTTP client the CLI and the Run/Verify bundle both use, once: inlined into each it was half the VSIX.
  { in: 'node_modules/undici/index.js', out: 'undici' },
];

/** The bundles that `require('./undici.js')` beside them instead of carrying their own copy. */
const sharesUndici = new Set(['cli', 'serverRunAndVerify']);
const undiciBeside = {
  name: 'undici-beside',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({ path: './undici.js', external: true }));
  },
};

function existing(path) {
  try { statSync(path); return true; } catch { return false; }
}

// A bundle whose entry was removed would still ship (the VSIX takes dist/*.js): dist/ keeps only the current ones.
if (existing('dist')) {
  const current = new Set(bundles.flatMap((b) => [`${b.out}.js`, `${b.out}.js.map`]));
  for (const name of readdirSync('dist')) if (/\.js(\.map)?$/.test(name) && !current.has(name)) rmSync(`dist/${name}`);
}

await Promise.all(bundles.filter((b) => existing(b.in)).map((b) => esbuild.build({
  entryPoints: { [b.out]: b.in },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: b.external ?? [],
  plugins: sharesUndici.has(b.out) ? [undiciBeside] : [],
  minify: production,
  sourcemap: !production,
  banner: b.banner ? { js: b.banner } : undefined,
  define: { VERSION: JSON.stringify(version) },
  logLevel: 'warning',
})));

if (withTests) {
  // Compiled tests of files since moved or deleted would still run: out/ is rebuilt from scratch.
  rmSync('out', { recursive: true, force: true });
  const roots = ['shared', 'server/src', 'client/src', 'test', 'bench'].filter(existing);
  await esbuild.build({
    entryPoints: roots.flatMap(listTs),
    outdir: 'out',
    outbase: '.',
    bundle: false,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    define: { VERSION: JSON.stringify(version) },
    logLevel: 'warning',
  });
}
