// `.duo-rules.json`: validation of its contents and the upward search that stops at the workspace folder.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findProjectConfigFile, loadProjectConfig, parseProjectConfig } from '../../server/src/config/projectConfig';
import { createWorkspace } from '../helpers/workspace';

describe('.duo-rules.json contents', () => {
  test('valid severities are kept; unknown codes, bad levels and bad JSON are explained', () => {
    const config = parseProjectConfig(JSON.stringify({ diagnostics: { 'rules-eol': 'off', 'hardcoded-secret': 'error', 'no-such-code': 'off', 'invalid-host': 'loud' } }), '/p/.duo-rules.json');
    assert.deepEqual(config.severities, { 'rules-eol': 'off', 'hardcoded-secret': 'error' });
    assert.deepEqual(config.problems, [
      "/p/.duo-rules.json: unknown diagnostic code 'no-such-code'",
      "/p/.duo-rules.json: 'invalid-host' must be error, warning, information, hint, off or default",
    ]);
    assert.match(parseProjectConfig('{ "diagnostics": ', '/p/.duo-rules.json').problems[0], /not valid JSON/);
    assert.match(parseProjectConfig('[1]', '/p/.duo-rules.json').problems[0], /expected an object/);
    assert.deepEqual(parseProjectConfig('\uFEFF{}', '/p/.duo-rules.json'), { path: '/p/.duo-rules.json', severities: {}, problems: [] });
  });
});

describe('finding .duo-rules.json', () => {
  let dir: string;

  before(() => {
    dir = createWorkspace({ prefix: 'duo-rules-config-' }).root;
    mkdirSync(join(dir, 'repo', 'workspace', 'rules'), { recursive: true });
    writeFileSync(join(dir, 'repo', '.duo-rules.json'), '{ "diagnostics": { "rules-eol": "off" } }');
  });

  test('the nearest file upward from the linted directory', () => {
    assert.equal(findProjectConfigFile(join(dir, 'repo', 'workspace', 'rules')), join(dir, 'repo', '.duo-rules.json'));
    assert.deepEqual(loadProjectConfig(join(dir, 'repo', 'workspace', 'rules'))?.severities, { 'rules-eol': 'off' });
  });

  test('the search stops at the workspace folder', () => {
    assert.equal(findProjectConfigFile(join(dir, 'repo', 'workspace', 'rules'), join(dir, 'repo', 'workspace')), null);
    writeFileSync(join(dir, 'repo', 'workspace', '.duo-rules.json'), '{}');
    assert.equal(findProjectConfigFile(join(dir, 'repo', 'workspace', 'rules'), join(dir, 'repo', 'workspace')), join(dir, 'repo', 'workspace', '.duo-rules.json'));
    rmSync(join(dir, 'repo', 'workspace', '.duo-rules.json'));
  });
});
