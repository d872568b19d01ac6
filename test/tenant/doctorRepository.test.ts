// `duo-rules doctor [path]` on auth0-deploy-cli repositories, in the directory and the YAML
// layout: the same findings as for a tenant, notes for what an export cannot tell (the Duo
// settings), local keys standing in for them, file locations for the editor, and exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { doctorCommand, runDoctor } from '../../server/src/cli/doctorCommand';
import { withWorkspace, writeTree } from '../helpers/workspace';

const DUO_RULE = `function duo(user, context, callback) {
  context.multifactor = { provider: 'duo', ikey: configuration.DUO_IKEY, skey: configuration.DUO_SKEY, host: configuration.DUO_HOST };
  callback(null, user, context);
}
`;
const DOCUMENTED_ACTION = `exports.onExecutePostLogin = async (event, api) => {
  api.multifactor.enable('duo', { allowRememberBrowser: false });
};
`;
const LOCAL_SKEY = 'Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep';

function withRepo(files: Record<string, string>, body: (root: string) => Promise<void>): Promise<void> {
  return withWorkspace(files, (workspace) => body(workspace.root), 'doctor-repo-');
}

async function doctor(args: string[], cwd: string, env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await doctorCommand(args, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; }, cwd, env });
  return { code, stdout, stderr };
}

const directoryRepo = (ruleEnabled: boolean) => ({
  'rules/Require Duo.json': JSON.stringify({ name: 'Require Duo', enabled: ruleEnabled, order: 1, stage: 'login_success', script: './Require Duo.js' }),
  'rules/Require Duo.js': DUO_RULE,
  'actions/Duo MFA.json': JSON.stringify({ name: 'Duo MFA', code: './actions/Duo MFA/code.js', deployed: true, runtime: 'node22', supported_triggers: [{ id: 'post-login', version: 'v3' }] }),
  'actions/Duo MFA/code.js': DOCUMENTED_ACTION,
  'triggers/triggers.json': JSON.stringify({ 'post-login': [{ action_name: 'Duo MFA', display_name: 'Duo MFA' }] }),
  'guardian/factors/duo.json': JSON.stringify({ name: 'duo', enabled: true }),
  'guardian/factors/otp.json': JSON.stringify({ name: 'otp', enabled: false }),
});

test('directory layout: an enabled Duo Rule is duo-in-rule at the rule\'s script, exit 1; the export lacks the Duo settings and says so', async () => {
  await withRepo(directoryRepo(true), async (root) => {
    const json = await doctor(['.', '--format', 'json'], root);
    assert.equal(json.code, 1, json.stderr);
    const report = JSON.parse(json.stdout);
    assert.equal(report.source, 'repository');
    assert.equal(report.tenant, '.');
    assert.deepEqual(report.findings.map((f: { id: string }) => f.id), ['duo-in-rule']);
    assert.match(json.stderr, /note: auth0-deploy-cli never exports the Duo factor settings/);
    const run = await runDoctor({ tenant: false, verify: false }, { cwd: root, env: {} });
    assert.equal(run.findings[0].location?.file, join(root, 'rules/Require Duo.js'));
  });
});

test('directory layout: after the conversion (Rule disabled, Duo Action bound) it is clean, exit 0', async () => {
  await withRepo(directoryRepo(false), async (root) => {
    const text = await doctor([], root);
    assert.equal(text.code, 0, text.stdout);
    assert.match(text.stdout, /No problems found/);
  });
});

test('an export with no Duo at all (an MFA Rule for another factor, an Action that logs) is no-duo, not "no problems"', async () => {
  const files = {
    'rules/Any factor.json': JSON.stringify({ name: 'Any factor', enabled: true, order: 1, stage: 'login_success', script: './Any factor.js' }),
    'rules/Any factor.js': "function anyFactor(user, context, callback) {\n  context.multifactor = { provider: 'any', allowRememberBrowser: false };\n  callback(null, user, context);\n}\n",
    'actions/Log.json': JSON.stringify({ name: 'Log', code: './actions/Log/code.js', deployed: true, runtime: 'node22', supported_triggers: [{ id: 'post-login', version: 'v3' }] }),
    'actions/Log/code.js': "exports.onExecutePostLogin = async (event) => {\n  console.log(event.user.user_id);\n};\n",
  };
  await withRepo(files, async (root) => {
    const text = await doctor([], root);
    // Warnings: a tenant may rightly have no Duo, but the doctor must not say Duo runs.
    assert.equal(text.code, 0, text.stdout);
    assert.doesNotMatch(text.stdout, /No problems found|Duo is enabled/);
    assert.match(text.stdout, /^warning\s+no-duo\s+post-login\s+Nothing here asks for Duo: no Rule configures it, no deployed post-login Action calls api\.multifactor\.enable\('duo', …\), and which MFA factors are enabled is not in this export\./m);
    // The Rule's MFA stopped with Rules; whether 'any' meant Duo, the export cannot say.
    assert.match(text.stdout, /^warning\s+mfa-in-rule\s+rule:Any factor\s+The enabled Rule "Any factor" asks for MFA \(provider 'any'\), but Rules stopped executing on 2026-11-18: this MFA is not running and users log in without it \(with provider 'any' this was Duo if Duo is the tenant's factor, which the export does not say\)\./m);
    assert.match(text.stdout, /✖ 0 errors, 2 warnings/);
  });
  // The factors exported, Duo off: the messages say so, and 'any' is not Duo.
  await withRepo({ ...files, 'guardian/factors/duo.json': JSON.stringify({ name: 'duo', enabled: false }) }, async (root) => {
    const json = JSON.parse((await doctor(['--format', 'json'], root)).stdout);
    assert.deepEqual(json.findings.map((f: { id: string }) => f.id).sort(), ['mfa-in-rule', 'no-duo']);
    assert.match(json.findings.find((f: { id: string }) => f.id === 'no-duo').message, /and the tenant's Duo factor is disabled\./);
    assert.doesNotMatch(json.findings.find((f: { id: string }) => f.id === 'mfa-in-rule').message, /this was Duo/);
  });
  // Duo the enabled factor: the Rule's provider 'any' asked for Duo, which no longer runs.
  await withRepo({ ...files, 'guardian/factors/duo.json': JSON.stringify({ name: 'duo', enabled: true }) }, async (root) => {
    const json = await doctor(['--format', 'json'], root);
    assert.equal(json.code, 1, json.stdout);
    const findings = JSON.parse(json.stdout).findings as { id: string; message: string }[];
    assert.deepEqual(findings.map((f) => f.id).sort(), ['duo-in-rule', 'no-duo-action']);
    assert.match(findings.find((f) => f.id === 'duo-in-rule')!.message, /^The enabled Rule "Any factor" asks for MFA with provider 'any', which is Duo on this tenant \(its Duo factor is enabled\), but Rules stopped executing/);
  });
});

test('run from a folder inside the repository (rules/), the doctor reads the repository it belongs to', async () => {
  await withRepo(directoryRepo(true), async (root) => {
    const out = await doctor([], join(root, 'rules'));
    assert.equal(out.code, 1, out.stdout + out.stderr);
    assert.match(out.stdout, /^error\s+duo-in-rule/m);
  });
});

test('directory layout: an Action not in triggers.json is not bound (no-duo-action); other enabled factors are reported at their files', async () => {
  const files = directoryRepo(false);
  files['triggers/triggers.json'] = JSON.stringify({ 'post-login': [] });
  files['guardian/factors/otp.json'] = JSON.stringify({ name: 'otp', enabled: true });
  await withRepo(files, async (root) => {
    const run = await runDoctor({ tenant: false, verify: false }, { cwd: root, env: {} });
    assert.deepEqual(run.report.findings.map((f) => f.id).sort(), ['duo-not-sole-factor', 'no-duo-action']);
  });
});

test('YAML layout: tenant.yaml rules, actions, triggers and guardianFactors; findings point at tenant.yaml lines', async () => {
  const yaml = `rules:
  - name: Require Duo
    script: ./rules/Require Duo.js
    stage: login_success
    enabled: true
    order: 1
actions:
  - name: Duo MFA
    code: ./actions/Duo MFA/code.js
    deployed: false
    runtime: node22
    supported_triggers:
      - id: post-login
        version: v3
triggers:
  post-login:
    - action_name: Duo MFA
      display_name: Duo MFA
guardianFactors:
  - name: duo
    enabled: false
`;
  await withRepo({ 'tenant.yaml': yaml, 'rules/Require Duo.js': DUO_RULE, 'actions/Duo MFA/code.js': DOCUMENTED_ACTION }, async (root) => {
    const run = await runDoctor({ path: 'tenant.yaml', tenant: false, verify: false }, { cwd: root, env: {} });
    const byId = Object.fromEntries(run.findings.map((f) => [f.id, f]));
    assert.deepEqual(Object.keys(byId).sort(), ['action-not-deployed', 'duo-factor-disabled', 'duo-in-rule']);
    assert.equal(byId['duo-in-rule'].location?.file, join(root, 'rules/Require Duo.js'));
    assert.equal(byId['action-not-deployed'].location?.file, join(root, 'tenant.yaml'));
    assert.equal(byId['action-not-deployed'].location?.line, 7);
    assert.equal(byId['duo-factor-disabled'].location?.line, 18);
  });
});

test('local keys stand in for the Duo settings: incomplete ones give duo-keys-missing; no secret in any output', async () => {
  await withRepo(directoryRepo(false), async (root) => {
    writeTree(root, { 'keys.json': JSON.stringify({ DUO_IKEY: 'DIWJ8X6AEYOR5OMC6TQ1', DUO_SKEY: LOCAL_SKEY, DUO_HOST: 'api-12345678.duosecurity.com' }) });
    const complete = await doctor(['--configuration', 'keys.json', '--format', 'json'], root);
    assert.equal(complete.code, 0, complete.stdout + complete.stderr);
    assert.match(complete.stderr, /the Duo keys from --configuration stand in/);
    const fromEnv = await doctor([], root, { DUO_IKEY: 'DIWJ8X6AEYOR5OMC6TQ1', DUO_SKEY: LOCAL_SKEY, DUO_HOST: 'api-12345678.duosecurity.com' });
    assert.equal(fromEnv.code, 0);
    for (const out of [complete, fromEnv]) assert.ok(!(out.stdout + out.stderr).includes(LOCAL_SKEY));
  });
});

test('not a deploy-cli repository, or a path that does not exist: exit 2', async () => {
  await withRepo({ 'README.md': '# hi' }, async (root) => {
    const notRepo = await doctor([], root);
    assert.equal(notRepo.code, 2);
    assert.match(notRepo.stderr, /is not an auth0-deploy-cli repository/);
    const missing = await doctor(['nowhere'], root);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nowhere: no such file or directory/);
  });
});

test('run above repositories (tenants/prod/, tenants/dev/), the doctor names them instead of guessing: exit 2', async () => {
  await withRepo({ 'tenants/prod/rules/duo.json': '{"name":"duo","enabled":true}', 'tenants/prod/rules/duo.js': DUO_RULE, 'tenants/dev/tenant.yaml': 'rules: []\n' }, async (root) => {
    const out = await doctor([], root);
    assert.equal(out.code, 2);
    assert.match(out.stderr, /is not an auth0-deploy-cli repository .*; below it: tenants\/dev, tenants\/prod: pass one of them/);
    const prod = await doctor(['tenants/prod'], root);
    assert.equal(prod.code, 1, prod.stdout + prod.stderr);
    assert.match(prod.stdout, /^duo-rules doctor: deploy-cli repository tenants\/prod$/m);
  });
});

test('a finding on an Action\'s code after keyword replacement points at the token in the file as written', async () => {
  const code = `exports.onExecutePostLogin = async (event, api) => {
  if (event.transaction.protocol === 'oauth2-refresh-token') return;
  api.multifactor.enable('duo', { providerOptions: { host: '##DUO_HOST##', skey: event.secrets.DUO_SKEY, ikey: '##DUO_IKEY##' } });
};
`;
  await withRepo({ ...directoryRepo(false), 'actions/Duo MFA/code.js': code }, async (root) => {
    const run = await runDoctor({ tenant: false, verify: false, mappings: { DUO_HOST: 'api-0123abcd.duosecurity.com', DUO_IKEY: 'DIXXXXXXXXXXXXXXXXXX' } }, { cwd: root, env: {} });
    const finding = run.findings.find((f) => f.id === 'placeholder-value');
    assert.ok(finding, JSON.stringify(run.report));
    const line = code.split('\n')[2];
    assert.equal(finding.location?.file, join(root, 'actions/Duo MFA/code.js'));
    assert.equal(finding.location?.line, 2);
    assert.equal(finding.location?.character, line.indexOf("'##DUO_IKEY##'"), 'the column of the string holding the token in the file, not the column in the replaced code');
  });
});

test('a bound Action whose code file the export lacks is action-code-missing, not "never deployed"', async () => {
  const repo: Record<string, string> = { ...directoryRepo(false) };
  delete repo['actions/Duo MFA/code.js'];
  await withRepo(repo, async (root) => {
    const json = await doctor(['--format', 'json'], root);
    const report = JSON.parse(json.stdout);
    const ids = report.findings.map((f: { id: string }) => f.id);
    assert.ok(ids.includes('action-code-missing'), JSON.stringify(report.findings));
    assert.ok(!ids.includes('action-not-deployed'), JSON.stringify(report.findings));
    const missing = report.findings.find((f: { id: string }) => f.id === 'action-code-missing');
    assert.equal(missing.severity, 'warning');
    assert.match(missing.message, /the export has no code for it/);
    assert.doesNotMatch(missing.message, /never been deployed/);
  });
  // The same Action with its code is not reported.
  await withRepo(directoryRepo(false), async (root) => {
    const report = JSON.parse((await doctor(['--format', 'json'], root)).stdout);
    assert.ok(!report.findings.some((f: { id: string }) => f.id === 'action-code-missing'));
  });
});
