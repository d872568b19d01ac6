// Workspace configuration keys and plaintext secrets in auth0-deploy-cli files:
// keys from rules-configs/*.json, tenant.yaml and actions/*.json; Duo secrets stored in them
// get hardcoded-secret with exact ranges, in the core and in `duo-rules lint`; values are
// never shown.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCliSync } from '../helpers/cli';
import { fixDeployConfigSecret, lintDeployConfig } from '../../server/src/workspace/configLint';
import { extractDeclaredKeys, findPlaintextSecrets } from '../../server/src/workspace/configFiles';
import { DeclaredKeysIndex } from '../../server/src/workspace/declaredKeys';
import { classifyDeployConfigPath } from '../../shared/deployCliLayout';
import { findDeployCliRoot } from '../../server/src/workspace/repository';
import { createWorkspace } from '../helpers/workspace';

const SKEY = 'abcdefghij0123456789ABCDEFGHIJ0123456789';

describe('which files are deploy-cli config files', () => {
  test('by path', () => {
    assert.equal(classifyDeployConfigPath('/repo/rules-configs/duo_skey.json'), 'rulesConfig');
    assert.equal(classifyDeployConfigPath('file:///repo/actions/Require%20Duo.json'), 'actionJson');
    assert.equal(classifyDeployConfigPath('C:\\repo\\tenant.yaml'), 'tenantYaml');
    assert.equal(classifyDeployConfigPath('/repo/tenant.yml'), 'tenantYaml');
    assert.equal(classifyDeployConfigPath('/repo/actions/duo/code.js'), undefined);
    assert.equal(classifyDeployConfigPath('/repo/package.json'), undefined);
  });
});

describe('declared keys', () => {
  test('rules-configs, action secrets and tenant.yaml (rulesConfigs and actions[].secrets)', () => {
    assert.deepEqual(extractDeclaredKeys('rulesConfig', '{ "key": "DUO_IKEY", "value": "##DUO_IKEY##" }'), ['DUO_IKEY']);
    assert.deepEqual(extractDeclaredKeys('actionJson', JSON.stringify({ name: 'duo', secrets: [{ name: 'DUO_SKEY', value: 'x' }, { name: 'DUO_HOST', value: 'y' }] })), ['DUO_SKEY', 'DUO_HOST']);
    const yaml = 'rules:\n  - name: duo\nrulesConfigs:\n  - key: DUO_IKEY\n    value: "##DUO_IKEY##"\nactions:\n  - name: duo\n    secrets:\n      - name: DUO_SKEY\n        value: "##DUO_SKEY##"\n';
    assert.deepEqual(extractDeclaredKeys('tenantYaml', yaml), ['DUO_IKEY', 'DUO_SKEY']);
  });

  test('broken or unexpected files declare nothing and do not throw', () => {
    assert.deepEqual(extractDeclaredKeys('rulesConfig', '{ "key": '), []);
    assert.deepEqual(extractDeclaredKeys('actionJson', '[1, 2, 3]'), []);
    assert.deepEqual(extractDeclaredKeys('tenantYaml', '\u0000\u0001 junk: [\n'), []);
  });
});

describe('plaintext Duo secrets in config files', () => {
  test('a 40-character value gets a range covering the value, and the message names only the key', () => {
    const text = `{\n  "key": "DUO_SKEY",\n  "value": "${SKEY}"\n}\n`;
    const [found, ...rest] = findPlaintextSecrets('rulesConfig', text);
    assert.deepEqual(rest, []);
    assert.equal(text.slice(found.range.start, found.range.end), `"${SKEY}"`);
    assert.ok(!found.message.includes(SKEY));
    assert.match(found.message, /DUO_SKEY.*##DUO_SKEY##/);
  });

  test('keyword tokens, short values and other fields are fine', () => {
    assert.deepEqual(findPlaintextSecrets('rulesConfig', '{ "key": "DUO_SKEY", "value": "##DUO_SKEY##" }'), []);
    assert.deepEqual(findPlaintextSecrets('rulesConfig', '{ "key": "DUO_HOST", "value": "api-1234abcd.duosecurity.com" }'), []);
    assert.deepEqual(findPlaintextSecrets('actionJson', JSON.stringify({ name: SKEY, secrets: [] })), []);
  });

  test('tenant.yaml and actions/*.json: LSP diagnostics with line/column, CRLF included', () => {
    const yaml = `rulesConfigs:\r\n  - key: DUO_SKEY\r\n    value: ${SKEY}\r\nactions:\r\n  - name: duo\r\n    secrets:\r\n      - name: DUO_ADMIN_SKEY\r\n        value: '${SKEY}'\r\n`;
    const diagnostics = lintDeployConfig('/repo/tenant.yaml', yaml);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.source, d.range.start.line, d.range.start.character, d.range.end.character]), [
      ['hardcoded-secret', 'duo-rules', 2, 11, 51],
      ['hardcoded-secret', 'duo-rules', 7, 15, 57],
    ]);
    assert.equal(diagnostics[0].severity, 2);
    assert.ok(!JSON.stringify(diagnostics).includes(SKEY));
    assert.deepEqual(lintDeployConfig('/repo/tenant.yaml', yaml, { 'hardcoded-secret': 'off' }), []);
    assert.equal(lintDeployConfig('/repo/tenant.yaml', yaml, { 'hardcoded-secret': 'error' })[0].severity, 1);
    assert.deepEqual(lintDeployConfig('/repo/other.yaml', yaml), []);
  });

  test('the quick fix replaces the value with a quoted keyword token and copies nothing', () => {
    const yaml = `rulesConfigs:\n  - key: DUO_SKEY\n    value: ${SKEY}\n`;
    const start = yaml.indexOf(SKEY);
    const fix = fixDeployConfigSecret('/repo/tenant.yaml', yaml, start, start + 40);
    assert.ok(fix);
    const fixed = yaml.slice(0, fix.start) + fix.newText + yaml.slice(fix.end);
    assert.equal(fixed, 'rulesConfigs:\n  - key: DUO_SKEY\n    value: "##DUO_SKEY##"\n');
    assert.deepEqual(extractDeclaredKeys('tenantYaml', fixed), ['DUO_SKEY']);
    assert.deepEqual(findPlaintextSecrets('tenantYaml', fixed), []);
  });
});

describe('a deploy-cli repository on disk', () => {
  const repo = createWorkspace({ prefix: 'duo-keys-' }).root;
  mkdirSync(join(repo, 'rules'), { recursive: true });
  mkdirSync(join(repo, 'rules-configs'));
  mkdirSync(join(repo, 'actions', 'duo'), { recursive: true });
  writeFileSync(join(repo, 'rules', 'duo.js'), 'function (user, context, callback) {\n  callback(null, user, context);\n}\n');
  writeFileSync(join(repo, 'rules-configs', 'duo_ikey.json'), '{ "key": "DUO_IKEY", "value": "##DUO_IKEY##" }');
  const secretConfig = `{ "key": "DUO_SKEY", "value": "${SKEY}" }`;
  writeFileSync(join(repo, 'rules-configs', 'duo_skey.json'), secretConfig);
  writeFileSync(join(repo, 'actions', 'duo.json'), JSON.stringify({ name: 'duo', secrets: [{ name: 'DUO_HOST', value: '##DUO_HOST##' }] }));

  test('keys are found from a rule file below the root, and re-read after clear()', () => {
    assert.equal(findDeployCliRoot(join(repo, 'rules', 'duo.js')), repo);
    const index = new DeclaredKeysIndex();
    assert.deepEqual(index.keysFor(join(repo, 'rules', 'duo.js')).sort(), ['DUO_HOST', 'DUO_IKEY', 'DUO_SKEY']);
    writeFileSync(join(repo, 'rules-configs', 'extra.json'), '{ "key": "EXTRA", "value": "1" }');
    assert.ok(!index.keysFor(join(repo, 'rules', 'duo.js')).includes('EXTRA'), 'cached until a watched file changes');
    index.clear();
    assert.ok(index.keysFor(join(repo, 'rules', 'duo.js')).includes('EXTRA'));
    rmSync(join(repo, 'rules-configs', 'extra.json'));
  });

  test('duo-rules lint reports the plaintext secret in rules-configs without printing it', () => {
    const run = runCliSync(['lint', '--format', 'json', repo]);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(!run.stdout.includes(SKEY));
    const results = JSON.parse(run.stdout) as Array<{ file: string; diagnostics: Array<{ code: string; range: { start: { line: number; character: number } } }> }>;
    const secretFile = results.find((r) => r.file.endsWith('duo_skey.json'));
    assert.deepEqual(secretFile?.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character]), [['hardcoded-secret', 0, secretConfig.indexOf(`"${SKEY}"`)]]);
    assert.deepEqual(results.find((r) => r.file.endsWith('duo_ikey.json'))?.diagnostics, []);
  });
});
