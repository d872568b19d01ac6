// The configuration shapes of test/fixtures/config-shapes (a `?:` choosing the configuration or a
// field, keys filled in a loop, helpers reading outer variables, Action options and providerOptions
// in variables, Auth0's sample client id in a list of clients that get MFA or skip it) through `duo-rules lint` as a process and through the language server: the same
// diagnostics, and on each file exactly the findings a reviewer expects (none on the clean ones).
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-types';
import { runCliSync } from '../helpers/cli';
import { LspClient } from '../helpers/lspClient';
import { createWorkspace } from '../helpers/workspace';

const source = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'config-shapes');

/** code@line per file. */
const expected: Record<string, string[]> = {
  'rules/ternary-by-role.js': [],
  'rules/ternary-by-role-lacking.js': ['placeholder-value@6', 'missing-field@7'],
  'rules/ternary-host.js': ['invalid-host@8', 'invalid-type@9'],
  'rules/loop-filled.js': [],
  'rules/loop-elsewhere.js': ['missing-field@7', 'missing-field@7'],
  'rules/helper-outer-scope.js': ['missing-field@9'],
  'actions/ternary-options.js': ['missing-field@4'],
  'actions/ternary-provider-options.js': ['invalid-host@7'],
  'actions/loop-filled.js': [],
  'actions/options-variable.js': [],
  'actions/options-variable-lacking.js': ['placeholder-value@3', 'missing-field@5'],
  'actions/provider-options-variable.js': ['missing-field@7'],
  'actions/helper-outer-scope.js': ['missing-field@8'],
  'rules/sample-client-skip.js': ['placeholder-client-id@3'],
  'rules/sample-client-gate.js': ['placeholder-client-id@3'],
  'actions/sample-client-skip.js': ['placeholder-client-id@3'],
};

/** What the sample client id means in each shape: the listed clients get MFA, or they skip it. */
const sampleMessages: Record<string, RegExp> = {
  'rules/sample-client-skip.js': /so none skips it: Duo MFA is required for every application/,
  'rules/sample-client-gate.js': /no application matches the check and Guardian MFA never runs\./,
  'actions/sample-client-skip.js': /so none skips it: Duo MFA is required for every application/,
};

let repo: string;
let client: LspClient;

before(async () => {
  repo = createWorkspace({ prefix: 'duo-rules-shapes-' }).root;
  cpSync(source, repo, { recursive: true });
  // The end-of-life note names the editor command in the editor and the CLI command in lint: off here.
  writeFileSync(join(repo, '.duo-rules.json'), JSON.stringify({ diagnostics: { 'rules-eol': 'off' } }));
  client = await LspClient.start({ workspaceFolders: [pathToFileURL(repo).href], settings: {} });
});

after(async () => {
  await client.shutdown();
});

test('every fixture is listed with its expected findings', () => {
  const listed = ['rules', 'actions'].flatMap((dir) => readdirSync(join(source, dir)).map((name) => `${dir}/${name}`)).sort();
  assert.deepEqual(listed, Object.keys(expected).sort());
});

test('duo-rules lint reports exactly the expected findings, and the language server the same diagnostics', async () => {
  const lint = runCliSync(['lint', '--format', 'json', 'rules', 'actions'], { cwd: repo });
  assert.equal(lint.stderr, '');
  assert.equal(lint.code, 1, 'errors make lint fail');
  const fromCli = new Map((JSON.parse(lint.stdout) as Array<{ file: string; diagnostics: Diagnostic[] }>).map((r) => [r.file, r.diagnostics]));
  for (const [path, codes] of Object.entries(expected)) {
    const cli = fromCli.get(path) ?? [];
    assert.deepEqual(cli.map((d) => `${d.code}@${d.range.start.line + 1}`), codes, path);
    const uri = pathToFileURL(join(repo, path)).href;
    const { diagnostics } = await client.waitForDiagnostics(uri, await client.open(uri, readFileSync(join(repo, path), 'utf8')));
    assert.deepEqual(diagnostics, cli, path);
    if (sampleMessages[path]) assert.match(String(cli[0].message), sampleMessages[path], path);
  }
});

test('only the clean fixtures lint with exit status 0', () => {
  const clean = Object.keys(expected).filter((path) => expected[path].length === 0);
  const lint = runCliSync(['lint', '--max-warnings', '0', ...clean], { cwd: repo });
  assert.equal(lint.code, 0, lint.stdout);
});
