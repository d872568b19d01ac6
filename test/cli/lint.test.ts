// `duo-rules lint` as a real process: output formats, exit codes, file collection, .duo-rules.json.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { repoRoot, runCliSync, type CliResult } from '../helpers/cli';
import { createWorkspace } from '../helpers/workspace';

const root = repoRoot;
const seed = readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'seed-rule.js'), 'utf8');
const SKEY = 'abcdefghij0123456789ABCDEFGHIJ0123456789';

function lint(args: string[], cwd = root): CliResult {
  return runCliSync(['lint', ...args], { cwd });
}

// Guarded against refresh-token exchanges, so its only warning is the deprecated key.
const warningOnlyRule = `function (user, context, callback) {\n  if (context.protocol === 'oauth2-refresh-token') return callback(null, user, context);\n  context.multifactor = { provider: 'guardian', ignoreCookie: true };\n  callback(null, user, context);\n}\n`;

describe('duo-rules lint', () => {
  let dir: string;

  before(() => {
    dir = createWorkspace({ prefix: 'duo-rules-lint-' }).root;
    mkdirSync(join(dir, 'project', 'rules', 'nested'), { recursive: true });
    mkdirSync(join(dir, 'project', 'node_modules', 'dep'), { recursive: true });
    writeFileSync(join(dir, 'project', 'rules', 'seed.js'), seed);
    writeFileSync(join(dir, 'project', 'rules', 'nested', 'warn.js'), warningOnlyRule);
    writeFileSync(join(dir, 'project', 'rules', 'notes.txt'), seed);
    writeFileSync(join(dir, 'project', 'node_modules', 'dep', 'index.js'), seed);
    writeFileSync(join(dir, 'project', 'secret.js'), `function (user, context, callback) {\n  context.multifactor = { provider: 'duo', ikey: 'DIABCDEFGHIJ01234567', skey: '${SKEY}', host: 'api-1234abcd.duosecurity.com' };\n  callback(null, user, context);\n}\n`);
    writeFileSync(join(dir, 'crlf.js'), '\uFEFF' + warningOnlyRule.replace(/\n/g, '\r\n'));
  });

  test('the examples are clean: exit 0, only the rules-eol information', () => {
    const { code, stdout } = lint(['examples']);
    assert.equal(code, 0);
    assert.match(stdout, /^examples\/duo-rule\.js\n  examples\/duo-rule\.js:7:1 +info +Auth0 Rules .* rules-eol\n/);
    assert.doesNotMatch(stdout, /duo-action/);
    assert.match(stdout, /✖ 1 problem \(0 errors, 0 warnings, 1 info\)\n$/);
  });

  test('the seed snippet: ESLint-like text, summary and exit 1', () => {
    const { code, stdout } = lint(['project/rules/seed.js'], dir);
    assert.equal(code, 1);
    const lines = stdout.split('\n');
    assert.equal(lines[0], 'project/rules/seed.js');
    assert.match(lines[2], /^  project\/rules\/seed\.js:3:27 +error +'\{REPLACE_WITH_YOUR_CLIENT_ID\}' is a placeholder.* placeholder-client-id$/);
    assert.match(stdout, /seed\.js:16:9 +warning +'ignoreCookie' was replaced .* deprecated-field/);
    // Its MFA only runs for the sample client id, so the refresh-token warning waits until real ids are there.
    assert.doesNotMatch(stdout, /missing-refresh-token-guard/);
    assert.match(stdout, /✖ 6 problems \(4 errors, 1 warning, 1 info\)\n$/);
  });

  test('--format json prints LSP diagnostics per file', () => {
    const { code, stdout } = lint(['--format', 'json', 'project/rules/seed.js', 'project/rules/nested/warn.js'], dir);
    assert.equal(code, 1);
    const results = JSON.parse(stdout);
    assert.deepEqual(results.map((r: { file: string }) => r.file), ['project/rules/seed.js', 'project/rules/nested/warn.js']);
    const first = results[0].diagnostics[1];
    assert.deepEqual(first.range, { start: { line: 2, character: 26 }, end: { line: 2, character: 57 } });
    assert.equal(first.severity, 1);
    assert.equal(first.source, 'duo-rules');
    assert.equal(first.code, 'placeholder-client-id');
    assert.equal(first.codeDescription.href, 'https://github.com/duo-rules/duo-rules#placeholder-client-id');
  });

  test('--max-warnings: warnings alone pass until they exceed the maximum', () => {
    assert.equal(lint(['project/rules/nested/warn.js'], dir).code, 0);
    assert.equal(lint(['--max-warnings', '1', 'project/rules/nested/warn.js'], dir).code, 0);
    const over = lint(['--max-warnings', '0', 'project/rules/nested/warn.js'], dir);
    assert.equal(over.code, 1);
    assert.match(over.stdout, /too many warnings \(maximum: 0\)/);
  });

  test('directories are searched for .js files, skipping node_modules', () => {
    const { stdout } = lint(['--format', 'json', 'project'], dir);
    assert.deepEqual(JSON.parse(stdout).map((r: { file: string }) => r.file).sort(), ['project/rules/nested/warn.js', 'project/rules/seed.js', 'project/secret.js']);
  });

  test('globs are expanded without a shell', () => {
    const single = JSON.parse(lint(['--format', 'json', 'project/rules/*.js'], dir).stdout);
    assert.deepEqual(single.map((r: { file: string }) => r.file), ['project/rules/seed.js']);
    const deep = JSON.parse(lint(['--format', 'json', 'project/**/*.js'], dir).stdout);
    assert.deepEqual(deep.map((r: { file: string }) => r.file).sort(), ['project/rules/nested/warn.js', 'project/rules/seed.js', 'project/secret.js']);
  });

  test('.duo-rules.json is found upward from each linted file', () => {
    writeFileSync(join(dir, 'project', '.duo-rules.json'), JSON.stringify({ diagnostics: { 'rules-eol': 'off', 'deprecated-field': 'error' } }));
    try {
      const { code, stdout } = lint(['--format', 'json', join(dir, 'project', 'rules', 'nested', 'warn.js')], tmpdir());
      assert.equal(code, 1);
      const [result] = JSON.parse(stdout);
      assert.deepEqual(result.diagnostics.map((d: { code: string; severity: number }) => `${d.code}:${d.severity}`), ['deprecated-field:1']);
      // Outside the project the defaults apply.
      const outside = JSON.parse(lint(['--format', 'json', 'crlf.js'], dir).stdout)[0];
      assert.deepEqual(outside.diagnostics.map((d: { code: string }) => d.code), ['rules-eol', 'deprecated-field']);
    } finally {
      rmSync(join(dir, 'project', '.duo-rules.json'));
    }
  });

  test('a BOM and CRLF do not shift positions', () => {
    const [result] = JSON.parse(lint(['--format', 'json', 'crlf.js'], dir).stdout);
    const deprecated = result.diagnostics.find((d: { code: string }) => d.code === 'deprecated-field');
    assert.deepEqual(deprecated.range.start, { line: 2, character: warningOnlyRule.split('\n')[2].indexOf('ignoreCookie') });
    assert.deepEqual(result.diagnostics[0].range.start, { line: 0, character: 0 });
  });

  test('a hard-coded skey is reported but never printed', () => {
    for (const format of ['text', 'json']) {
      const { stdout, stderr } = lint(['--format', format, 'project/secret.js'], dir);
      assert.match(stdout, /hardcoded-secret/);
      assert.ok(!stdout.includes(SKEY) && !stderr.includes(SKEY));
    }
  });

  test('configuration keys declared by the deploy-cli repository are checked, as in the editor', () => {
    // Two deploy-cli repositories side by side: each file is checked against its own repository's keys.
    const repo = join(dir, 'tenants', 'prod');
    const other = join(dir, 'tenants', 'dev');
    mkdirSync(join(repo, 'rules-configs'), { recursive: true });
    mkdirSync(join(repo, 'rules'), { recursive: true });
    mkdirSync(join(repo, 'actions', 'duo-mfa'), { recursive: true });
    mkdirSync(join(other, 'rules'), { recursive: true });
    for (const key of ['DUO_IKEY', 'DUO_SKEY', 'DUO_HOST']) {
      writeFileSync(join(repo, 'rules-configs', `${key.toLowerCase()}.json`), JSON.stringify({ key, value: `##${key}##` }));
    }
    writeFileSync(join(repo, 'actions', 'duo-mfa.json'), JSON.stringify({ name: 'duo-mfa', code: './duo-mfa/code.js', secrets: [{ name: 'DUO_IKEY', value: '##DUO_IKEY##' }, { name: 'DUO_SKEY', value: '##DUO_SKEY##' }, { name: 'DUO_HOST', value: '##DUO_HOST##' }] }));
    writeFileSync(join(other, 'tenant.yaml'), 'rulesConfigs:\n  - key: DUO_CLIENT_ID\n    value: "##DUO_CLIENT_ID##"\n');
    const rule = (ikey: string) => `function (user, context, callback) {\n  context.multifactor = {\n    provider: 'duo',\n    ikey: configuration.${ikey},\n    skey: configuration.DUO_SKEY,\n    host: configuration.DUO_HOST,\n  };\n  callback(null, user, context);\n}\n`;
    writeFileSync(join(repo, 'rules', 'duo.js'), rule('DUO_IKY'));
    writeFileSync(join(other, 'rules', 'duo.js'), rule('DUO_CLIENT_ID'));
    writeFileSync(join(repo, 'actions', 'duo-mfa', 'code.js'), `exports.onExecutePostLogin = async (event, api) => {\n  api.multifactor.enable('duo', { providerOptions: { ikey: event.secrets.DUO_IKEY, skey: event.secrets.DUO_SKEY, host: event.secrets.DUO_HOSTNAME } });\n};\n`);

    const { code, stdout } = lint(['--format', 'json', 'tenants'], dir);
    assert.equal(code, 0, 'unknown-configuration-key is a warning');
    const byFile = new Map<string, Array<{ code: string; message: string; range: { start: { line: number; character: number } } }>>(
      JSON.parse(stdout).map((r: { file: string; diagnostics: [] }) => [r.file, r.diagnostics]));
    const unknownKeys = (file: string) => (byFile.get(file) ?? []).filter((d) => d.code === 'unknown-configuration-key');
    const [typo] = unknownKeys('tenants/prod/rules/duo.js');
    assert.match(typo.message, /'DUO_IKY' is not declared .* Did you mean 'DUO_IKEY'\?/);
    assert.deepEqual(typo.range.start, { line: 3, character: 24 });
    assert.equal(unknownKeys('tenants/prod/rules/duo.js').length, 1);
    assert.match(unknownKeys('tenants/prod/actions/duo-mfa/code.js')[0].message, /'DUO_HOSTNAME' is not declared in the Action's secrets/);
    // dev declares DUO_CLIENT_ID (and not prod's keys): its rule is fine, DUO_SKEY and DUO_HOST are not.
    assert.deepEqual(unknownKeys('tenants/dev/rules/duo.js').map((d) => d.message.split("'")[1]), ['DUO_SKEY', 'DUO_HOST']);
    // Outside any deploy-cli repository nothing is declared, so nothing is reported.
    writeFileSync(join(dir, 'loose.js'), rule('DUO_IKY'));
    const loose = JSON.parse(lint(['--format', 'json', 'loose.js'], dir).stdout)[0];
    assert.ok(!loose.diagnostics.some((d: { code: string }) => d.code === 'unknown-configuration-key'));
    const text = lint(['tenants/prod/rules/duo.js'], dir);
    assert.match(text.stdout, /tenants\/prod\/rules\/duo\.js:4:25 +warning +'DUO_IKY' is not declared.* unknown-configuration-key/);
  });

  test('usage and I/O errors exit 2 with one clear line', () => {
    const missing = lint(['no-such-file.js'], dir);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, 'duo-rules lint: no-such-file.js: no such file or directory\n');
    assert.equal(missing.stdout, '');
    const noMatch = lint(['nothing/**/*.js'], dir);
    assert.equal(noMatch.code, 2);
    assert.match(noMatch.stderr, /matches no files/);
    for (const args of [[], ['--format', 'xml', 'crlf.js'], ['--max-warnings', 'many', 'crlf.js'], ['--bogus', 'crlf.js']]) {
      const result = lint(args, dir);
      assert.equal(result.code, 2, args.join(' '));
      assert.doesNotMatch(result.stderr, /\n\s+at /);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    }
  });

  test('a named FIFO is refused as "not a regular file" (reading it would wait for a writer for ever)', () => {
    const made = spawnSync('mkfifo', [join(dir, 'pipe.js')]);
    assert.equal(made.status, 0, String(made.stderr));
    const result = lint(['pipe.js', 'crlf.js'], dir);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'duo-rules lint: pipe.js: is a FIFO, not a regular file\n');
    assert.equal(result.stdout, '');
  });

  test('a directory that cannot be read is named on stderr and makes the exit 2; the files around it are still checked', () => {
    // Tests run as root, where no permission bit stops a read: a directory whose path is longer
    // than the system allows cannot be listed either (ENAMETOOLONG), as on any machine.
    const base = join(dir, 'deep');
    mkdirSync(base);
    writeFileSync(join(base, 'warn.js'), warningOnlyRule);
    const segment = 'd'.repeat(200);
    // Made one level at a time, relative to the previous one (a whole path that long is refused).
    const made = spawnSync(process.execPath, ['-e', `const fs = require('fs'); process.chdir(process.argv[1]);
      for (let i = 0; i < 25; i++) { fs.mkdirSync('${segment}'); process.chdir('${segment}'); }
      fs.writeFileSync('hidden.js', 'x');`, base]);
    try {
      assert.equal(made.status, 0, String(made.stderr));
      const result = lint(['deep'], dir);
      assert.equal(result.code, 2, result.stderr);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0], /^duo-rules lint: deep\/(d{200}\/)+d{200}: directory cannot be read \(ENAMETOOLONG\); its files were not checked$/);
      assert.match(result.stdout, /deep\/warn\.js:3:\d+ +warning/);
    } finally {
      // Node's own removal cannot reach below the path length limit; rm walks the tree relative to each folder.
      spawnSync('rm', ['-rf', base]);
    }
  });

  test('a directory without .js files is an error, not a silent pass', () => {
    mkdirSync(join(dir, 'empty', 'node_modules', 'dep'), { recursive: true });
    writeFileSync(join(dir, 'empty', 'node_modules', 'dep', 'index.js'), seed);
    const result = lint(['empty'], dir);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'duo-rules lint: no .js files found in empty\n');
  });

  test('a binary file is skipped with a note and does not hide the other files', () => {
    mkdirSync(join(dir, 'mixed'), { recursive: true });
    writeFileSync(join(dir, 'mixed', 'blob.js'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0xff, 0xfe, 0]));
    writeFileSync(join(dir, 'mixed', 'warn.js'), warningOnlyRule);
    const result = lint(['mixed'], dir);
    assert.equal(result.code, 0);
    assert.match(result.stderr, /mixed\/blob\.js: skipped, the file is binary/);
    assert.match(result.stdout, /mixed\/warn\.js:3:\d+ +warning/);
  });
  test('configurations completed in steps or returned by helpers: exit 0 when every key is supplied, the never-supplied key otherwise', () => {
    const steps = join(dir, 'steps');
    mkdirSync(join(steps, 'rules'), { recursive: true });
    mkdirSync(join(steps, 'actions', 'duo'), { recursive: true });
    const guard = "  if (context.protocol === 'oauth2-refresh-token') return callback(null, user, context);";
    const ruleWith = (last: string) => `function (user, context, callback) {\n${guard}\n  context.multifactor = { provider: 'duo', host: configuration.DUO_HOST };\n  if (context.connection === 'corp') {\n    context.multifactor = { ...context.multifactor, ikey: configuration.CORP_IKEY, skey: configuration.CORP_SKEY };\n  } else {\n    ${last}\n  }\n  callback(null, user, context);\n}\n`;
    writeFileSync(join(steps, 'rules', 'complete.js'), ruleWith("Object.assign(context.multifactor, { ikey: configuration.DUO_IKEY });\n    context.multifactor.skey = configuration.DUO_SKEY;"));
    writeFileSync(join(steps, 'actions', 'duo', 'code.js'), [
      'const duoConfig = (admin, secrets) => admin',
      '  ? { ikey: secrets.ADMIN_IKEY, skey: secrets.ADMIN_SKEY, host: secrets.DUO_HOST }',
      '  : { ikey: secrets.DUO_IKEY, skey: secrets.DUO_SKEY, host: secrets.DUO_HOST };',
      'exports.onExecutePostLogin = async (event, api) => {',
      "  if (event.transaction.protocol === 'oauth2-refresh-token') return;",
      "  api.multifactor.enable('duo', { providerOptions: duoConfig(event.user.app_metadata.admin, event.secrets) });",
      '};',
      '',
    ].join('\n'));
    const clean = lint(['--format', 'json', 'rules', 'actions'], steps);
    assert.equal(clean.code, 0, clean.stdout);
    assert.deepEqual(JSON.parse(clean.stdout).map((r: { diagnostics: Array<{ code: string }> }) => r.diagnostics.map((d) => d.code)), [['rules-eol'], []]);
    writeFileSync(join(steps, 'rules', 'lacking.js'), ruleWith('context.multifactor = { ...context.multifactor, ikey: configuration.DUO_IKEY };'));
    const lacking = lint(['rules/lacking.js'], steps);
    assert.equal(lacking.code, 1);
    assert.match(lacking.stdout, /rules\/lacking\.js:7:5 +error +The Duo configuration is missing 'skey'.* missing-field\n/);
    assert.equal(lacking.stdout.match(/missing-field/g)?.length, 1);
  });
});
