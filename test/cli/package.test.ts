// The VSIX holds only what the installed extension runs (the .vscodeignore allow-list), and the
// bundles in dist/ need nothing from node_modules at run time (we package with --no-dependencies).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
const allowed = [/^package\.json$/, /^README\.md$/, /^CHANGELOG\.md$/, /^LICENSE$/, /^images\/icon\.png$/,
  /^dist\/[^/]+\.js$/, /^snippets\/.+/, /^syntaxes\/.+/];

function listPackagedFiles(): string[] {
  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const out = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return out.split('\n').map((l) => l.trim()).filter(Boolean);
}

test('vsce packages only the allow-listed files, and all of them', () => {
  const files = listPackagedFiles();
  const stray = files.filter((f) => !allowed.some((re) => re.test(f)));
  assert.deepEqual(stray, [], 'files outside the allow-list would ship in the VSIX');
  for (const required of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'images/icon.png',
    'dist/client.js', 'dist/server.js', 'dist/serverMain.js', 'dist/cli.js', 'dist/runnerChild.js', 'dist/serverRunAndVerify.js', 'dist/undici.js']) {
    assert.ok(files.includes(required), `${required} is missing from the VSIX`);
  }
  assert.ok(files.some((f) => f.startsWith('snippets/')), 'no snippets in the VSIX');
  assert.ok(files.some((f) => f.startsWith('syntaxes/')), 'no grammar in the VSIX');
  assert.ok(!files.some((f) => f.endsWith('.map') || f.includes('node_modules') || f.endsWith('.ts')));
});

test('npm pack ships the same allow-list (the CLI from a tarball, as the README explains)', () => {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const [pack] = JSON.parse(execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', timeout: 60_000 })) as { files: { path: string }[] }[];
  const files = pack.files.map((f) => f.path);
  assert.deepEqual(files.filter((f) => !allowed.some((re) => re.test(f))), [], 'files outside the allow-list would ship in the npm package');
  assert.ok(files.includes('dist/cli.js') && files.includes('dist/runnerChild.js') && files.includes('dist/undici.js'), 'the CLI, its runner child and its HTTP client must ship');
});

test('the bundles require only Node built-ins and vscode at run time', () => {
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  const bundles = readdirSync(join(root, 'dist')).filter((f) => f.endsWith('.js'));
  assert.ok(bundles.includes('client.js') && bundles.includes('server.js'), 'run the build first');
  const external: string[] = [];
  for (const file of bundles) {
    const text = readFileSync(join(root, 'dist', file), 'utf8');
    for (const m of text.matchAll(/\brequire\(\s*["']([^"'.][^"']*)["']\s*\)/g)) {
      const name = m[1]!;
      // `node:`-prefixed names are always built-ins (some, like node:sqlite, exist only with the prefix).
      if (!builtins.has(name) && !name.startsWith('node:') && !(file === 'client.js' && name === 'vscode')) external.push(`${file}: ${name}`);
    }
  }
  assert.deepEqual(external, [], 'a bundle would load a module from node_modules, which the VSIX does not ship');
});

test('the icon is a 128x128 PNG referenced by the manifest', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { icon?: string };
  assert.equal(manifest.icon, 'images/icon.png');
  assert.ok(existsSync(join(root, 'images', 'icon.png')));
  const png = readFileSync(join(root, 'images', 'icon.png'));
  assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
  assert.equal(png.readUInt32BE(16), 128, 'width');
  assert.equal(png.readUInt32BE(20), 128, 'height');
});

test('the test:electron runner loads (it needs internet to download VS Code, so CI runs test:e2e instead)', () => {
  const electron = require(join(root, 'test', 'e2e', 'electron.js')) as { main?: unknown };
  assert.equal(typeof electron.main, 'function');
  const api = require('@vscode/test-electron') as Record<string, unknown>;
  assert.equal(typeof api.runTests, 'function');
  assert.equal(typeof api.downloadAndUnzipVSCode, 'function');
});
