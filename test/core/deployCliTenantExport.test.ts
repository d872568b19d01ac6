// An auth0-deploy-cli export as the deploy-cli module reads it for the doctor
// (workspace/tenantExport.ts): the same typed export from the directory format and from
// tenant.yaml, code as written with its file (or inline), trigger bindings and factors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeployFileError } from '../../server/src/workspace/repository';
import { findTenantExport, readTenantExport } from '../../server/src/workspace/tenantExport';
import { withWorkspaceSync } from '../helpers/workspace';

const RULE = 'function duo(user, context, callback) { callback(null, user, context); }\n';
const ACTION = 'exports.onExecutePostLogin = async (event, api) => {};\n';

test('directory format: rules in file order with their scripts, actions with code and secrets file, bindings, factors', () => {
  withWorkspaceSync({
    'rules/b.json': JSON.stringify({ name: 'Second', order: 2, script: './b.js' }),
    'rules/b.js': RULE,
    'rules/a.json': JSON.stringify({ name: 'First', order: 1, enabled: false }),
    'actions/Duo MFA.json': JSON.stringify({ name: 'Duo MFA', code: './actions/Duo MFA/code.js', deployed: false, supported_triggers: [{ id: 'post-login', version: 'v3' }] }),
    'actions/Duo MFA/code.js': ACTION,
    'actions/Other.json': JSON.stringify({ name: 'Other', supported_triggers: [{ id: 'credentials-exchange', version: 'v2' }] }),
    'triggers/triggers.json': JSON.stringify({ 'post-login': [{ action_name: 'Duo MFA' }, { display_name: 'Gone' }] }),
    'guardian/factors/duo.json': JSON.stringify({ name: 'duo', enabled: true }),
    'guardian/factors/otp.json': JSON.stringify({ enabled: false }),
  }, (workspace) => {
    // A folder inside the repository reads the repository.
    const place = findTenantExport(workspace.path('rules'));
    assert.deepEqual(place, { format: 'directory', root: workspace.root });
    const exported = readTenantExport(place!);
    assert.deepEqual(exported.rules.map((r) => [r.name, r.enabled, r.order, r.location.file, r.script?.location?.file]), [
      ['First', false, 1, workspace.path('rules/a.json'), undefined],
      ['Second', true, 2, workspace.path('rules/b.json'), workspace.path('rules/b.js')],
    ]);
    assert.equal(exported.rules[1].script?.written, RULE);
    const [duo, other] = exported.actions;
    assert.deepEqual([duo.name, duo.deployed, duo.postLogin, duo.code?.written, duo.code?.location?.file], ['Duo MFA', false, true, ACTION, workspace.path('actions/Duo MFA/code.js')]);
    assert.deepEqual(duo.secretsFile, { kind: 'actionJson', file: workspace.path('actions/Duo MFA.json'), action: 'Duo MFA' });
    assert.deepEqual([other.name, other.postLogin, other.code], ['Other', false, undefined]);
    assert.deepEqual(exported.postLoginBindings, ['Duo MFA', 'Gone']);
    assert.deepEqual(exported.factors, [{ name: 'duo', enabled: true }, { name: 'otp', enabled: false }]);
    assert.deepEqual(exported.factorsLocation, { file: workspace.path('guardian/factors/duo.json') });
  }, 'duo-rules-export-');
});

test('YAML format: tenant.yml is found, entries carry their line, code from a file or inline, no triggers or factors is undefined', () => {
  const yaml = [
    'rules:',
    '  - name: Inline',
    '    script: |',
    '      function (user, context, callback) {',
    '        callback(null, user, context);',
    '      }',
    'actions:',
    '  - name: Duo MFA',
    '    code: ./actions/Duo MFA/code.js',
    '',
  ].join('\n');
  withWorkspaceSync({ 'tenant.yml': yaml, 'actions/Duo MFA/code.js': ACTION }, (workspace) => {
    const place = findTenantExport(workspace.root);
    assert.deepEqual(place, { format: 'yaml', file: workspace.path('tenant.yml') });
    const exported = readTenantExport(place!);
    assert.deepEqual(exported.rules[0].location, { file: workspace.path('tenant.yml'), line: 1 });
    assert.match(exported.rules[0].script?.written ?? '', /^function \(user, context, callback\)/);
    assert.equal(exported.rules[0].script?.location, undefined);
    assert.deepEqual(exported.actions[0].location, { file: workspace.path('tenant.yml'), line: 7 });
    assert.deepEqual(exported.actions[0].code, { written: ACTION, location: { file: workspace.path('actions/Duo MFA/code.js') } });
    assert.deepEqual(exported.actions[0].secretsFile, { kind: 'tenantYaml', file: workspace.path('tenant.yml'), action: 'Duo MFA' });
    assert.equal(exported.postLoginBindings, undefined);
    assert.equal(exported.factors, undefined);
  }, 'duo-rules-export-');
});

test('YAML format: keyword tokens are replaced in the whole tenant.yaml before it is read; lines stay those of the file as written', () => {
  const yaml = [
    'rules:',
    '  - name: Inline',
    '    enabled: @@RULES_ON@@',
    '    script: |',
    '      ##RULE_BODY##',
    'actions:',
    '  - name: Duo ##STAGE##',
    '    code: ./actions/##STAGE##/code.js',
    '    deployed: "@@DEPLOYED@@"',
    'guardianFactors:',
    '  - name: duo',
    '    enabled: @@DUO_ON@@',
    '',
  ].join('\n');
  withWorkspaceSync({ 'tenant.yaml': yaml, 'actions/prod/code.js': ACTION }, (workspace) => {
    const place = { format: 'yaml' as const, file: workspace.path('tenant.yaml') };
    // A value spanning lines moves every later line of the replaced text: locations still name the written lines.
    const body = 'function (user, context, callback) {\n        callback(null, user, context);\n      }';
    const exported = readTenantExport(place, { RULES_ON: false, RULE_BODY: body, STAGE: 'prod', DEPLOYED: true, DUO_ON: true });
    assert.deepEqual([exported.rules[0].enabled, exported.rules[0].script?.written], [false, 'function (user, context, callback) {\n  callback(null, user, context);\n}\n']);
    const [action] = exported.actions;
    assert.deepEqual([action.name, action.deployed, action.code?.location?.file, action.location.line], ['Duo prod', true, workspace.path('actions/prod/code.js'), 6]);
    assert.equal(action.secretsFile.action, 'Duo prod');
    assert.deepEqual(exported.factors, [{ name: 'duo', enabled: true }]);
    assert.equal(exported.factorsLocation?.line, 9);
    assert.deepEqual(exported.keywordFiles.map((f) => f.unmapped), [[]]);

    // Without mappings every token is read as written (never as a value) and listed once with its line.
    const bare = readTenantExport(place);
    assert.deepEqual([bare.actions[0].name, bare.actions[0].code, bare.actions[0].location.line], ['Duo ##STAGE##', undefined, 6]);
    assert.equal(bare.factors, undefined, 'an `enabled` that is a token is neither true nor false');
    assert.deepEqual(bare.factorsUnmapped, ['@@DUO_ON@@']);
    assert.deepEqual(bare.keywordFiles[0].unmapped, [
      { token: '@@RULES_ON@@', line: 2 },
      { token: '##STAGE##', line: 6 },
      { token: '@@DEPLOYED@@', line: 8 },
      { token: '@@DUO_ON@@', line: 11 },
    ], 'inline code is not listed here: its tokens are reported with the code');
  }, 'duo-rules-export-');
});

test('a broken tenant.yaml or JSON file is a DeployFileError naming the file; a folder that is no repository has no export', () => {
  withWorkspaceSync({ 'tenant.yaml': 'rules: [\n', 'package.json': '{}' }, (workspace) => {
    assert.throws(() => readTenantExport({ format: 'yaml', file: workspace.path('tenant.yaml') }), (err: Error) => err instanceof DeployFileError && err.message.startsWith(`${workspace.path('tenant.yaml')}: not valid YAML (`));
  }, 'duo-rules-export-');
  withWorkspaceSync({ 'triggers/triggers.json': '{ "post-login": [ }' }, (workspace) => {
    assert.throws(() => readTenantExport({ format: 'directory', root: workspace.root }), (err: Error) => err instanceof DeployFileError && err.message.includes('triggers.json: not valid JSON'));
  }, 'duo-rules-export-');
  withWorkspaceSync({ 'package.json': '{}', 'src/app.js': '' }, (workspace) => {
    assert.equal(findTenantExport(workspace.path('src')), undefined);
  }, 'duo-rules-export-');
});
